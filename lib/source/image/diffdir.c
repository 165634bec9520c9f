/* Applying an overlay diff directory (containers-storage's
   overlay/<layer>/diff) as one layer of the in-memory tree, with the rules
   of a layer's tar (layer.c): a character device 0/0 is the whiteout of its
   name, a directory with the opaque xattr hides what lower layers put in
   it, ".wh." names are whiteouts as in a tar; files with several names
   share one inode.  The directory is read in place, never copied: names
   come from getdents, and every open is relative to the directory that
   holds the name, with O_NOFOLLOW, so no symlink in a layer (image-author
   bytes) is ever followed, and no other filesystem is entered.
   Sources: Linux Documentation/filesystems/overlayfs.rst (whiteouts,
   opaque directories, the trusted. and user.overlay.opaque xattrs);
   containers/storage pkg/archive/archive_linux.go overlayWhiteoutConverter
   (the same changes as `podman save` writes them into a tar).  */
#include <fcntl.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "base/deadline.h"
#include "source/dir.h"
#include "source/image/image_int.h"

/* Bytes read between two looks at the deadline.  */
#define DIFF_DEADLINE_STEP (4u << 20)

typedef struct diff_ctx
{
  img_source *im;
  int index;
  const char *what; /* "layer 1 (ID)" */
  dev_t dev;        /* of the diff directory: no other filesystem is entered */
  og_buf path;      /* of the directory being read, "" for the root */
  og_strmap links;  /* inode number -> img_ino, files with several names */
  uint64_t since_check;
} diff_ctx;

static int
diff_tick (diff_ctx *dc, uint64_t n, const char *path, og_error **err)
{
  dc->since_check += n;
  if (dc->since_check < DIFF_DEADLINE_STEP)
    return 0;
  dc->since_check = 0;
  if (og_deadline_check (err) < 0)
    {
      og_error_prefix (err, "%s: `%s`", dc->what, path);
      return -1;
    }
  return 0;
}

/* Is the directory FD opaque (overlayfs: the xattr's value is "y")?  */
static bool
is_opaque (int fd)
{
  static const char *const names[] = { "trusted.overlay.opaque", "user.overlay.opaque" };
  for (size_t i = 0; i < sizeof names / sizeof *names; i++)
    {
      char v[4];
      ssize_t n = fgetxattr (fd, names[i], v, sizeof v);
      if (n == 1 && v[0] == 'y')
        return true;
    }
  return false;
}

static void
read_cap (int fd, img_ino *ino)
{
  uint8_t v[OG_CAP_MAX];
  ssize_t n = fgetxattr (fd, "security.capability", v, sizeof v);
  free (ino->cap);
  ino->cap = NULL;
  ino->cap_len = 0;
  if (n > 0)
    {
      ino->cap = og_xmalloc ((size_t)n);
      memcpy (ino->cap, v, (size_t)n);
      ino->cap_len = (size_t)n;
    }
}

/* The content of a regular file, opened as FD: its head when it is an
   executable, its digest when asked, all of it when kept.  The file may
   change under us (a running build): never more than its size is taken.  */
static int
read_data (diff_ctx *dc, int fd, const char *path, img_ino *ino, og_error **err)
{
  cleanup_digest og_digest *md = NULL;
  bool exec = og_entry_is_executable (ino->mode), keep = img_want_kept (dc->im, path);
  uint8_t buf[1 << 16];
  uint64_t pos = 0;

  if (!exec && !keep)
    return 0;
  if (img_prepare_data (dc->im, dc->what, path, ino, exec, keep, &md, err) < 0)
    return -1;
  /* An executable that is not hashed needs its head only.  */
  while (pos < ino->size && (md || ino->kept || pos < ino->head_len))
    {
      size_t want = ino->size - pos < sizeof buf ? (size_t)(ino->size - pos) : sizeof buf;
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, buf, want));
      if (n < 0)
        return og_error_set (err, errno, "%s: read `%s`", dc->what, path);
      if (n == 0)
        return og_error_set (err, 0, "%s: `%s`: shorter than its size (changed while read?)",
                             dc->what, path);
      if (ino->head && pos < ino->head_len)
        memcpy (ino->head + pos, buf,
                ino->head_len - pos < (size_t)n ? ino->head_len - (size_t)pos : (size_t)n);
      if (ino->kept)
        memcpy (ino->data + pos, buf, (size_t)n);
      if (md)
        og_digest_update (md, buf, (size_t)n);
      pos += (uint64_t)n;
      if (diff_tick (dc, (uint64_t)n, path, err) < 0)
        return -1;
    }
  img_finish_data (ino, md);
  return 0;
}

/* A regular file: one more name of an inode this layer already holds, or a
   new inode with its xattrs and data.  */
static int
apply_file (diff_ctx *dc, int dirfd, const char *name, const char *path, const struct stat *st,
            img_node *parent, og_error **err)
{
  cleanup_free char *key = NULL;
  cleanup_close int fd = -1;
  img_ino *ino;
  struct stat fst;

  if (st->st_nlink > 1)
    {
      key = og_xasprintf ("%llu", (unsigned long long)st->st_ino);
      ino = og_strmap_get (&dc->links, key);
      if (ino)
        {
          ino->refs++;
          img_node_new (dc->im, parent, path, ino, dc->index);
          return 0;
        }
    }
  fd = TEMP_FAILURE_RETRY (
      openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC));
  if (fd < 0)
    return og_error_set (err, errno, "%s: open `%s`", dc->what, path);
  if (fstat (fd, &fst) < 0 || fst.st_ino != st->st_ino || fst.st_dev != st->st_dev)
    return og_error_set (err, 0, "%s: `%s` changed while read", dc->what, path);
  ino = img_ino_new ();
  ino->mode = st->st_mode;
  ino->uid = st->st_uid;
  ino->gid = st->st_gid;
  ino->size = (uint64_t)st->st_size;
  img_node_new (dc->im, parent, path, ino, dc->index);
  if (key)
    og_strmap_put (&dc->links, key, ino);
  read_cap (fd, ino);
  return read_data (dc, fd, path, ino, err);
}

static int apply_dir_contents (diff_ctx *dc, int fd, size_t depth, og_error **err);

/* A directory: merged over a lower directory (new metadata, same
   contents) unless it is opaque, then read.  */
static int
apply_dir (diff_ctx *dc, int dirfd, const char *name, const char *path, const struct stat *st,
           img_node *parent, img_node *old, size_t depth, og_error **err)
{
  cleanup_close int fd = -1;
  struct stat fst;
  img_node *n = old;
  size_t len = dc->path.len;
  int r;

  if (depth >= OG_MAX_DEPTH)
    return og_error_set_code (err, OG_ERR_LIMIT, 0,
                              "%s: `%.200s...`: deeper than the depth limit of %d levels", dc->what,
                              path, OG_MAX_DEPTH);
  fd = TEMP_FAILURE_RETRY (openat (dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (fd < 0)
    return og_error_set (err, errno, "%s: open `%s`", dc->what, path);
  if (fstat (fd, &fst) < 0 || fst.st_ino != st->st_ino || fst.st_dev != st->st_dev)
    return og_error_set (err, 0, "%s: `%s` changed while read", dc->what, path);
  if (n && img_is_dir (n))
    n->layer = n->seen = dc->index;
  else
    {
      if (n)
        img_node_delete (dc->im, n);
      n = img_node_new (dc->im, parent, path, img_ino_new (), dc->index);
    }
  n->ino->mode = st->st_mode;
  n->ino->uid = st->st_uid;
  n->ino->gid = st->st_gid;
  read_cap (fd, n->ino);
  if (is_opaque (fd))
    img_prune_lower (dc->im, n, dc->index);
  og_buf_putc (&dc->path, '/');
  og_buf_puts (&dc->path, name);
  r = apply_dir_contents (dc, fd, depth + 1, err);
  dc->path.len = len;
  dc->path.data[len] = '\0';
  return r;
}

/* A symlink, device or FIFO: a node with the facts lstat gives.  */
static int
apply_other (diff_ctx *dc, int dirfd, const char *name, const char *path, const struct stat *st,
             img_node *parent, og_error **err)
{
  img_ino *ino = img_ino_new ();
  ino->mode = st->st_mode;
  ino->uid = st->st_uid;
  ino->gid = st->st_gid;
  img_node_new (dc->im, parent, path, ino, dc->index);
  if (S_ISLNK (st->st_mode))
    {
      char target[OG_MAX_PATH + 1];
      ssize_t n = readlinkat (dirfd, name, target, sizeof target);
      if (n < 0)
        return og_error_set (err, errno, "%s: readlink `%s`", dc->what, path);
      if ((size_t)n > OG_MAX_PATH)
        return og_error_set_code (err, OG_ERR_LIMIT, 0,
                                  "%s: symlink `%s`: a target longer than the path length limit "
                                  "of %d bytes",
                                  dc->what, path, OG_MAX_PATH);
      if (n == 0)
        return og_error_set (err, 0, "%s: symlink `%s`: empty target", dc->what, path);
      ino->link = og_xstrndup (target, (size_t)n);
      ino->size = (uint64_t)n;
    }
  return 0;
}

static int
apply_name (diff_ctx *dc, int dirfd, const char *name, size_t depth, og_error **err)
{
  img_source *im = dc->im;
  cleanup_free char *path = og_xasprintf ("%s/%s", dc->path.data ? dc->path.data : "", name);
  img_node *parent, *old;
  struct stat st;

  if (strlen (path) > OG_MAX_PATH)
    return og_error_set_code (err, OG_ERR_LIMIT, 0,
                              "%s: `%.200s...`: past the path length limit of %d bytes", dc->what,
                              path, OG_MAX_PATH);
  if (++im->entries > OG_IMAGE_MAX_ENTRIES)
    return og_error_set_code (err, OG_ERR_LIMIT, 0,
                              "%s: more than %u entries in the image, the limit of entries over "
                              "all layers",
                              dc->what, OG_IMAGE_MAX_ENTRIES);
  if ((im->entries & 255) == 0 && og_deadline_check (err) < 0)
    {
      og_error_prefix (err, "%s", dc->what);
      return -1;
    }
  if (fstatat (dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
    return og_error_set (err, errno, "%s: stat `%s`", dc->what, path);
  if (st.st_dev != dc->dev)
    return og_error_set (err, 0, "%s: `%s` is on another filesystem than the layer", dc->what,
                         path);
  if (og_str_has_prefix (name, ".wh."))
    return img_whiteout (im, dc->what, path, dc->index, err);
  if (S_ISCHR (st.st_mode) && major (st.st_rdev) == 0 && minor (st.st_rdev) == 0)
    {
      cleanup_free char *wh = og_xasprintf ("%s/.wh.%s", dc->path.data ? dc->path.data : "", name);
      return img_whiteout (im, dc->what, wh, dc->index, err);
    }
  if (S_ISSOCK (st.st_mode))
    return 0; /* a tar cannot hold one: `podman save` leaves it out */
  parent = img_ensure_parent (im, path, dc->index);
  old = img_lookup (im, path);
  if (S_ISDIR (st.st_mode))
    return apply_dir (dc, dirfd, name, path, &st, parent, old, depth, err);
  if (old)
    img_node_delete (im, old);
  if (S_ISREG (st.st_mode))
    return apply_file (dc, dirfd, name, path, &st, parent, err);
  return apply_other (dc, dirfd, name, path, &st, parent, err);
}

static int
apply_dir_contents (diff_ctx *dc, int fd, size_t depth, og_error **err)
{
  cleanup_free char **names = NULL;
  size_t n = 0;
  const char *what = dc->path.len ? dc->path.data : "/";

  if (og_dir_read_names (fd, what, &names, &n, err) < 0)
    {
      og_error_prefix (err, "%s", dc->what);
      return -1;
    }
  for (size_t i = 0; i < n; i++)
    if (apply_name (dc, fd, names[i], depth, err) < 0)
      return -1;
  return 0;
}

int
img_apply_diff_dir (img_source *im, int dirfd, int index, const char *what, og_error **err)
{
  diff_ctx dc = { .im = im, .index = index, .what = what };
  struct stat st;
  int r;

  if (fstat (dirfd, &st) < 0)
    return og_error_set (err, errno, "%s: stat", what);
  dc.dev = st.st_dev;
  /* The root of the image keeps its own mode: a layer's tar has no entry
     for it, and `podman save` writes none.  */
  im->root->seen = index;
  if (is_opaque (dirfd))
    img_prune_lower (im, im->root, index);
  r = apply_dir_contents (&dc, dirfd, 0, err);
  og_buf_free (&dc.path);
  og_strmap_clear (&dc.links, NULL);
  return r;
}

int
og_image_open_diffs (const char *path, const char *const *diffs, size_t n,
                     const og_source_options *opts, og_source **out, og_error **err)
{
  cleanup_img_source img_source *im = img_source_new (OG_IMAGE_CSTORAGE, path, opts);

  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *what = og_xasprintf ("layer %zu (`%s`)", i, diffs[i]);
      cleanup_close int fd
          = TEMP_FAILURE_RETRY (open (diffs[i], O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (fd < 0)
        return og_error_set (err, errno, "%s: open", what);
      if (img_apply_diff_dir (im, fd, (int)i, what, err) < 0)
        return -1;
    }
  im->keep = NULL; /* the caller's, valid while opening only */
  *out = &og_steal_pointer (&im)->base;
  return 0;
}
