/* The layers of an overlay mount read as overlayfs merges them.

   The rules are those of the kernel's Documentation/filesystems/overlayfs.rst
   ("Directories", "whiteouts and opaque directories", "Redirect dir") and
   fs/overlayfs/namei.c (ovl_lookup, ovl_lookup_single): for each name, the
   topmost layer that has it decides.  A character device 0/0 there is a
   whiteout: the name is gone.  Anything but a directory hides the layers
   below.  A directory merges with the directories of the same name below
   it, down to the first layer where the name is a whiteout or not a
   directory, or to a directory marked opaque (overlay.opaque = "y"), which
   is the last one merged.  The entry's attributes are those of the topmost
   layer's.  A redirect (overlay.redirect on a directory) makes a directory
   take its lower content from another path, and an opaque value "x" (Linux
   6.7 xwhiteouts) marks whiteouts made of xattrs: neither is reproduced
   here, so finding one ends the walk with "unsupported", and the caller
   walks the mounted root instead.  Metacopy needs metacopy=on, which the
   caller refuses from the mount options (runtime/overlay.c).

   Overlayfs looks names up in each layer's directory without crossing
   mounts; a mount inside a layer ends the walk as unsupported too.  */
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "source/overlay.h"
#include "base/deadline.h"
#include "base/fileio.h"
#include "base/util.h"
#include "source/dir.h"

typedef struct lower_walk
{
  bool userxattr;
  og_walk_fn fn;
  void *userdata;
  const char *why;
  size_t visited;
  uint64_t *mnt; /* mount ID of each layer's root */
  char path[OG_MAX_PATH + 1];
  uint8_t head[OG_HEAD_MAX];
  uint8_t cap[OG_CAP_MAX];
} lower_walk;

/* One layer's directory at the current path.  */
typedef struct layer_dir
{
  int fd;
  size_t layer;
  char **names;
  size_t n;
  size_t next;
} layer_dir;

static const char *
xattr_name (bool userxattr, const char *what)
{
  if (strcmp (what, "opaque") == 0)
    return userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
  return userxattr ? "user.overlay.redirect" : "trusted.overlay.redirect";
}

/* 0: an ordinary directory, 1: opaque, 2: something not reproduced.  */
static int
dir_marks (const lower_walk *w, int fd)
{
  char v[8];
  ssize_t n = fgetxattr (fd, xattr_name (w->userxattr, "redirect"), v, sizeof v);
  if (n >= 0 || errno == ERANGE)
    return 2;
  n = fgetxattr (fd, xattr_name (w->userxattr, "opaque"), v, sizeof v);
  if (n < 0)
    return errno == ENODATA || errno == ENOTSUP ? 0 : 2;
  return n == 1 && v[0] == 'y' ? 1 : 2;
}

static bool
is_whiteout (const struct statx *stx)
{
  return S_ISCHR (stx->stx_mode) && stx->stx_rdev_major == 0 && stx->stx_rdev_minor == 0;
}

static int
stat_in (int fd, const char *name, const char *what, struct statx *stx, og_error **err)
{
  if (statx (fd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
             STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_SIZE | STATX_NLINK
                 | STATX_MNT_ID,
             stx)
      < 0)
    return og_error_set (err, errno, "stat `%s`", what);
  return 0;
}

/* The head and capability of an executable, as source/dir.c reads them.  */
static int
read_executable (lower_walk *w, int dirfd, const char *name, og_entry *e, og_error **err)
{
  uint64_t size;
  cleanup_close int fd = og_dir_open_head (dirfd, name, w->path, w->head, w->cap, e, &size, err);
  return fd < 0 ? -1 : 0;
}

static void
close_layers (layer_dir *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      if (v[i].fd >= 0)
        close (v[i].fd);
      free (v[i].names);
    }
  free (v);
}

static int walk_dir (lower_walk *w, layer_dir *dirs, size_t nd, size_t path_len, size_t depth,
                     og_error **err);

/* Open name as a directory in layer d, checked for what the merge needs:
   0 with *out (and *opaque), 1 when the walk cannot go on exactly.  */
static int
open_layer_dir (lower_walk *w, const layer_dir *d, const char *name, const struct statx *stx,
                int *out, bool *opaque, og_error **err)
{
  int fd, marks;
  if (stx->stx_mnt_id != w->mnt[d->layer])
    {
      w->why = "a mount inside a lower layer";
      return 1;
    }
  fd = openat (d->fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return og_error_set (err, errno, "open directory `%s`", w->path);
  marks = dir_marks (w, fd);
  if (marks == 2)
    {
      close (fd);
      w->why = "a redirect or an opaque value other than \"y\" in a lower layer";
      return 1;
    }
  *opaque = marks == 1;
  *out = fd;
  return 0;
}

/* The entry for name, found in dirs[have[0]] (the topmost layer that has
   it) and, for a directory, the layers merged below it.  */
static int
visit (lower_walk *w, layer_dir *dirs, const size_t *have, size_t nh, const char *name,
       size_t path_len, size_t depth, og_error **err)
{
  size_t nlen = strlen (name);
  struct statx stx;
  og_entry e = { 0 };
  char target[OG_MAX_PATH + 1];
  layer_dir *sub = NULL;
  size_t nsub = 0;
  int ret;

  if (path_len + 1 + nlen > OG_MAX_PATH)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "path longer than %d bytes", OG_MAX_PATH);
  w->path[path_len] = '/';
  memcpy (w->path + path_len + 1, name, nlen + 1);
  if (stat_in (dirs[have[0]].fd, name, w->path, &stx, err) < 0)
    return -1;
  if (is_whiteout (&stx))
    return 0;
  og_dir_entry_from_statx (&e, w->path, &stx);
  if (S_ISLNK (stx.stx_mode))
    {
      ssize_t n = readlinkat (dirs[have[0]].fd, name, target, sizeof target - 1);
      if (n >= 0)
        {
          target[n] = '\0';
          e.link_target = target;
        }
    }
  else if (og_entry_is_executable (stx.stx_mode)
           && read_executable (w, dirs[have[0]].fd, name, &e, err) < 0)
    return -1;
  if (!S_ISDIR (stx.stx_mode))
    return w->fn (&e, w->userdata, err) < 0 ? -1 : 0;

  /* A directory: this layer's and those below it, down to a whiteout, a
     non-directory or an opaque directory.  */
  sub = og_xcalloc (nh, sizeof *sub);
  for (size_t i = 0; i < nh; i++)
    {
      layer_dir *d = &dirs[have[i]];
      struct statx below;
      bool opaque = false;
      if (i > 0)
        {
          if (stat_in (d->fd, name, w->path, &below, err) < 0)
            {
              close_layers (sub, nsub);
              return -1;
            }
          if (!S_ISDIR (below.stx_mode))
            break; /* a whiteout or a file: what is below is hidden */
        }
      sub[nsub].fd = -1;
      sub[nsub].layer = d->layer;
      ret = open_layer_dir (w, d, name, i == 0 ? &stx : &below, &sub[nsub].fd, &opaque, err);
      if (ret != 0)
        {
          close_layers (sub, nsub);
          return ret;
        }
      nsub++;
      if (opaque)
        break;
    }
  if (w->fn (&e, w->userdata, err) < 0)
    ret = -1;
  else
    ret = walk_dir (w, sub, nsub, path_len + 1 + nlen, depth + 1, err);
  close_layers (sub, nsub);
  return ret;
}

/* The names of the directories dirs[0..nd) (one path in several layers),
   merged in sorted order, each visited once.  */
static int
walk_dir (lower_walk *w, layer_dir *dirs, size_t nd, size_t path_len, size_t depth, og_error **err)
{
  cleanup_free size_t *have = og_xcalloc (nd ? nd : 1, sizeof *have);

  if (depth >= OG_MAX_DEPTH)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "directories nested deeper than %d levels",
                              OG_MAX_DEPTH);
  w->path[path_len] = '\0';
  {
    size_t total = 0;
    for (size_t i = 0; i < nd; i++)
      {
        if (og_dir_read_names (dirs[i].fd, path_len ? w->path : "/", &dirs[i].names, &dirs[i].n,
                               err)
            < 0)
          return -1;
        total += dirs[i].n;
      }
    /* The merged directory may list more names than any layer: past half
       the limit of names in one directory, the walk of the mounted root
       decides (it lists what overlayfs shows, whiteouts or not).  */
    if (total > OG_DIR_MAX_ENTRIES / 2)
      {
        w->why = "a directory with too many names across the lower layers";
        return 1;
      }
  }
  for (;;)
    {
      const char *least = NULL;
      size_t nh = 0;
      int ret;
      for (size_t i = 0; i < nd; i++)
        if (dirs[i].next < dirs[i].n)
          {
            const char *c = dirs[i].names[dirs[i].next];
            int cmp = least ? strcmp (c, least) : -1;
            if (cmp < 0)
              {
                least = c;
                nh = 0;
              }
            if (cmp <= 0)
              have[nh++] = i;
          }
      if (least == NULL)
        return 0;
      if ((++w->visited & 255) == 0 && og_deadline_check (err) < 0)
        return -1;
      ret = visit (w, dirs, have, nh, least, path_len, depth, err);
      if (ret != 0)
        return ret;
      for (size_t i = 0; i < nh; i++)
        dirs[have[i]].next++;
    }
}

int
og_overlay_walk_lowers (const char *const *lowers, size_t n, bool userxattr, og_walk_fn fn,
                        void *userdata, const char **why, og_error **err)
{
  lower_walk *w = og_xcalloc (1, sizeof *w);
  layer_dir *dirs = og_xcalloc (n ? n : 1, sizeof *dirs);
  int ret = 0;

  w->userxattr = userxattr;
  w->fn = fn;
  w->userdata = userdata;
  w->mnt = og_xcalloc (n ? n : 1, sizeof *w->mnt);
  for (size_t i = 0; i < n; i++)
    dirs[i].fd = -1;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      struct statx stx;
      dirs[i].layer = i;
      dirs[i].fd = open (lowers[i], O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (dirs[i].fd < 0)
        ret = og_error_set (err, errno, "open lower layer `%s`", lowers[i]);
      else if (statx (dirs[i].fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) < 0
               || !(stx.stx_mask & STATX_MNT_ID))
        ret = og_error_set (err, errno, "stat lower layer `%s`", lowers[i]);
      else if (dir_marks (w, dirs[i].fd) != 0)
        {
          w->why = "a lower layer's root is marked opaque or redirected";
          ret = 1;
        }
      else
        w->mnt[i] = stx.stx_mnt_id;
    }
  if (ret == 0)
    ret = walk_dir (w, dirs, n, 0, 0, err);
  *why = w->why;
  close_layers (dirs, n);
  free (w->mnt);
  free (w);
  return ret;
}

/* ---- the upper layer ------------------------------------------------------ */

struct og_overlay_upper
{
  int fd;
  bool userxattr;
};

int
og_overlay_upper_open (const char *path, bool userxattr, og_overlay_upper **out, og_error **err)
{
  int fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return og_error_set (err, errno, "open upper layer `%s`", path);
  *out = og_xcalloc (1, sizeof **out);
  (*out)->fd = fd;
  (*out)->userxattr = userxattr;
  return 0;
}

/* What the upper layer holds at path (absolute inside the root), as an
   O_PATH fd: what the container left there (a fifo, a device) is never
   opened.  No symlink is followed: where the merged tree has a directory,
   an upper layer holding a symlink on the way would hide it; whatever it
   is, it is not "nothing".  -1 with errno.  */
static int
open_upper (og_overlay_upper *u, const char *path)
{
  struct open_how how = { 0 };

  while (*path == '/')
    path++;
  how.flags = O_PATH | O_NOFOLLOW | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV;
  return og_openat2 (u->fd, *path ? path : ".", &how);
}

og_upper_kind
og_overlay_upper_lookup (og_overlay_upper *u, const char *path)
{
  cleanup_close int fd = open_upper (u, path);
  cleanup_close int dfd = -1;
  struct stat st;
  char v[8];

  if (fd < 0)
    return errno == ENOENT ? OG_UPPER_NONE : OG_UPPER_OTHER;
  if (fstat (fd, &st) < 0 || !S_ISDIR (st.st_mode))
    return OG_UPPER_OTHER;
  dfd = openat (fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return OG_UPPER_OTHER;
  if (fgetxattr (dfd, u->userxattr ? "user.overlay.redirect" : "trusted.overlay.redirect", v,
                 sizeof v)
          >= 0
      || errno == ERANGE)
    return OG_UPPER_DIR_REDIRECT;
  return OG_UPPER_DIR;
}

int
og_overlay_upper_identity (og_overlay_upper *u, const char *path, struct statx *out, og_error **err)
{
  cleanup_close int fd = open_upper (u, path);

  if (fd < 0 && errno == ENOENT)
    return 1;
  if (fd < 0)
    return og_error_set (err, errno, "open `%s` in the upper layer", path);
  if (statx (fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
             STATX_TYPE | STATX_INO | STATX_SIZE | STATX_CTIME | STATX_MTIME, out)
      < 0)
    return og_error_set (err, errno, "stat `%s` in the upper layer", path);
  return 0;
}

void
og_overlay_upper_free (og_overlay_upper *u)
{
  if (u == NULL)
    return;
  close (u->fd);
  free (u);
}
