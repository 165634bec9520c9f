/* A directory as a source: the container's root filesystem on disk.

   The root is opened once (O_PATH|O_DIRECTORY).  Paths that the catalog asks
   for by name (os-release, package databases) are opened relative to it with
   openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS), so an absolute or ".."
   symlink in the image resolves inside the image and can never reach a host
   file.  The walk is dirwalk.c's.  Sources: openat2(2), getdents64(2),
   statx(2), capabilities(7).  */
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>

#include "source/dir.h"
#include "source/dirwalk.h"
#include "base/deadline.h"
#include "base/digest.h"
#include "base/fileio.h"
#include "base/resolve.h"
#include "base/util.h"

typedef struct og_source_dir
{
  og_source base;
  og_dir_root root;
} og_source_dir;

static int
openat2_in_root (int rootfd, const char *path, int flags)
{
  struct open_how how = { 0 };
  how.flags = (uint64_t)flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  while (*path == '/')
    path++;
  if (*path == '\0')
    path = ".";
  return og_openat2 (rootfd, path, &how);
}

/* Read a file opened inside the root: a regular file of at most max bytes
   (EFBIG past it, which the catalog tells apart), by og_read_fd.  */
static int
read_fd_bounded (int fd, const char *what, size_t max, uint8_t **data, size_t *len, og_error **err)
{
  cleanup_free char *quoted = og_xasprintf ("`%s`", what);
  struct stat st;
  char *bytes = NULL;

  if (fstat (fd, &st) < 0)
    return og_error_set (err, errno, "stat `%s`", what);
  if (!S_ISREG (st.st_mode))
    return og_error_set (err, 0, "`%s` is not a regular file", what);
  if ((uint64_t)st.st_size > max)
    return og_error_set_code (err, OG_ERR_LIMIT, EFBIG,
                              "`%s` is %llu bytes, over the limit of %zu bytes read whole", what,
                              (unsigned long long)st.st_size, max);
  if (og_read_fd (fd, quoted, max, &bytes, len, err) < 0)
    return -1;
  *data = (uint8_t *)bytes;
  return 0;
}

static int
dir_read_file (og_source *s, const char *path, size_t max, uint8_t **data, size_t *len,
               og_error **err)
{
  og_source_dir *d = (og_source_dir *)s;
  cleanup_close int fd = openat2_in_root (d->root.fd, path, O_RDONLY | O_NOCTTY | O_NONBLOCK);
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 1;
      return og_error_set (err, errno, "open `%s` in `%s`", path, s->info.path);
    }
  return read_fd_bounded (fd, path, max, data, len, err);
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

int
og_dir_read_names (int fd, const char *what, char ***names, size_t *n, og_error **err)
{
  char buf[32768];
  og_buf arena = { 0 };
  size_t *offs = NULL, cnt = 0, cap = 0;
  char **v;

  for (;;)
    {
      long got = TEMP_FAILURE_RETRY (syscall (SYS_getdents64, fd, buf, sizeof buf));
      if (got < 0)
        {
          free (offs);
          og_buf_free (&arena);
          return og_error_set (err, errno, "read directory `%s`", what);
        }
      if (got == 0)
        break;
      if (og_deadline_check (err) < 0)
        {
          free (offs);
          og_buf_free (&arena);
          og_error_prefix (err, "reading directory `%s`", what);
          return -1;
        }
      for (long off = 0; off < got;)
        {
          struct dirent64 *de = (struct dirent64 *)(buf + off);
          off += de->d_reclen;
          if (strcmp (de->d_name, ".") == 0 || strcmp (de->d_name, "..") == 0)
            continue;
          if (cnt == OG_DIR_MAX_ENTRIES)
            {
              free (offs);
              og_buf_free (&arena);
              return og_error_set_code (err, OG_ERR_LIMIT, 0,
                                        "directory `%s` holds more than %u names, the limit of "
                                        "names in one directory: not inspected",
                                        what, OG_DIR_MAX_ENTRIES);
            }
          og_grow (&offs, &cap, cnt + 1, sizeof *offs);
          offs[cnt++] = arena.len;
          og_buf_append (&arena, de->d_name, strlen (de->d_name) + 1);
        }
    }
  v = og_xmalloc (cnt * sizeof *v + arena.len);
  if (arena.len)
    memcpy ((char *)(v + cnt), arena.data, arena.len);
  for (size_t i = 0; i < cnt; i++)
    v[i] = (char *)(v + cnt) + offs[i];
  free (offs);
  og_buf_free (&arena);
  if (cnt > 1)
    qsort (v, cnt, sizeof *v, cmp_names);
  *names = v;
  *n = cnt;
  return 0;
}

static int
dir_list_dir (og_source *s, const char *path, char ***names, size_t *n, og_error **err)
{
  og_source_dir *d = (og_source_dir *)s;
  cleanup_close int fd = openat2_in_root (d->root.fd, path, O_RDONLY | O_DIRECTORY);
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 1;
      return og_error_set (err, errno, "open directory `%s` in `%s`", path, s->info.path);
    }
  {
    char **block = NULL;
    if (og_dir_read_names (fd, path, &block, n, err) < 0)
      return -1;
    /* list_dir hands out separately allocated names (og_strv_free).  */
    *names = og_xcalloc (*n ? *n : 1, sizeof **names);
    for (size_t i = 0; i < *n; i++)
      (*names)[i] = og_xstrdup (block[i]);
    free (block);
  }
  return 0;
}

static int
dir_lstat (void *userdata, const char *path, uint32_t *mode, char **target, og_error **err)
{
  og_source_dir *d = userdata;
  og_in_root r = { .dirfd = d->root.fd, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  return og_in_root_lstat (&r, path, mode, target, err);
}

static int
dir_resolve_dir (og_source *s, const char *path, char **out, og_error **err)
{
  cleanup_free char *canon = NULL;
  uint32_t mode = 0;
  char *target = NULL;
  int ret;

  if (og_resolve_in_root (path, true, dir_lstat, s, &canon, err) < 0)
    return -1;
  ret = dir_lstat (s, canon, &mode, &target, err);
  free (target);
  if (ret != 0)
    return ret;
  if (!S_ISDIR (mode))
    return 1;
  *out = og_steal_pointer (&canon);
  return 0;
}

/* Bytes hashed between two looks at the deadline.  */
#define HASH_DEADLINE_STEP (4u << 20)

/* The digest of a file (inspect).  A file can be far larger than its blocks
   (a sparse file of 200 GB takes no room), so the size is capped and the
   deadline is checked every few MiB: an image must not be able to hold the
   inspection until the hook's backstop fires.  */
static int
digest_fd (int fd, const char *what, const char *kind, uint64_t size, og_digest_algo algo,
           uint8_t *buf, size_t bufsize, char *hex, og_error **err)
{
  cleanup_digest og_digest *md = NULL;
  off_t off = 0;
  uint64_t since_check = 0;

  if (size > OG_HASH_MAX)
    return og_error_set_code (err, OG_ERR_LIMIT, 0,
                              "`%s`: %s of %llu bytes, over the limit of %llu bytes "
                              "hashed (a sparse file?): not inspected",
                              what, kind, (unsigned long long)size,
                              (unsigned long long)OG_HASH_MAX);
  if (og_digest_new (algo, &md, err) < 0)
    return -1;
  posix_fadvise (fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  for (;;)
    {
      ssize_t n = TEMP_FAILURE_RETRY (pread (fd, buf, bufsize, off));
      if (n < 0)
        return og_error_set (err, errno, "read `%s`", what);
      if (n == 0)
        break;
      og_digest_update (md, buf, (size_t)n);
      off += n;
      since_check += (uint64_t)n;
      /* A file that grows while it is read is bounded too.  */
      if ((uint64_t)off > OG_HASH_MAX)
        return og_error_set_code (err, OG_ERR_LIMIT, 0, "`%s`: grew past %llu bytes while hashed",
                                  what, (unsigned long long)OG_HASH_MAX);
      if (since_check >= HASH_DEADLINE_STEP)
        {
          since_check = 0;
          if (og_deadline_check (err) < 0)
            {
              og_error_prefix (err, "hashing `%s` (%llu bytes, %llu read)", what,
                               (unsigned long long)size, (unsigned long long)off);
              return -1;
            }
        }
    }
  og_digest_final_hex (md, hex);
  return 0;
}

void
og_dir_entry_from_statx (og_entry *e, const char *path, const struct statx *stx)
{
  e->path = path;
  e->mode = stx->stx_mode;
  e->uid = stx->stx_uid;
  e->gid = stx->stx_gid;
  e->size = stx->stx_size;
  e->nlink = stx->stx_nlink;
  e->layer = -1;
}

int
og_dir_open_head (int dirfd, const char *name, const char *path, uint8_t head[OG_HEAD_MAX],
                  uint8_t cap[OG_CAP_MAX], og_entry *e, uint64_t *size, og_error **err)
{
  cleanup_close int fd = -1;
  ssize_t n;
  struct stat st;

  fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC | O_NOATIME);
  if (fd < 0 && errno == EPERM)
    fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
  if (fd < 0)
    return og_error_set (err, errno, "open `%s`", path);
  /* Check that what we opened is what we stat'ed.  */
  if (fstat (fd, &st) < 0)
    return og_error_set (err, errno, "stat `%s`", path);
  if (!S_ISREG (st.st_mode))
    return og_error_set (err, 0, "`%s` changed while it was inspected", path);
  n = TEMP_FAILURE_RETRY (pread (fd, head, OG_HEAD_MAX, 0));
  if (n < 0)
    return og_error_set (err, errno, "read `%s`", path);
  e->head = head;
  e->head_len = (size_t)n;
  n = fgetxattr (fd, "security.capability", cap, OG_CAP_MAX);
  if (n > 0)
    {
      e->cap = cap;
      e->cap_len = (size_t)n;
    }
  *size = (uint64_t)st.st_size;
  return og_steal_fd (&fd);
}

static int
dir_walk (og_source *s, unsigned flags, og_walk_fn fn, void *userdata, og_error **err)
{
  og_source_dir *d = (og_source_dir *)s;
  return og_dir_walk (&d->root, s->info.path, flags, fn, userdata, err);
}

/* Reads for verification are large and sequential; the buffer is on the
   stack, since verification inspects from several threads at once.  */
#define INSPECT_BUF (128u << 10)

static int
dir_inspect (og_source *s, const char *path, og_digest_algo algo, og_file_facts *out,
             og_error **err)
{
  og_source_dir *d = (og_source_dir *)s;
  cleanup_close int fd = -1;
  struct stat st;

  memset (out, 0, sizeof *out);
  /* O_PATH|O_NOFOLLOW first: the last component may be a symlink, a fifo
     or a device, none of which may be opened for reading.  */
  fd = openat2_in_root (d->root.fd, path, O_PATH | O_NOFOLLOW);
  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 1;
      return og_error_set (err, errno, "open `%s` in `%s`", path, s->info.path);
    }
  if (fstat (fd, &st) < 0)
    return og_error_set (err, errno, "stat `%s`", path);
  out->mode = st.st_mode;
  out->uid = st.st_uid;
  out->gid = st.st_gid;
  out->size = S_ISREG (st.st_mode) || S_ISLNK (st.st_mode) ? (uint64_t)st.st_size : 0;
  if (!S_ISREG (st.st_mode) || algo == OG_DIGEST_NONE)
    return 0;
  close (og_steal_fd (&fd));
  fd = openat2_in_root (d->root.fd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_NOATIME);
  if (fd < 0 && errno == EPERM)
    fd = openat2_in_root (d->root.fd, path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY);
  if (fd < 0)
    return og_error_set (err, errno, "open `%s` in `%s`", path, s->info.path);
  /* What we read must be what we stat'ed.  */
  {
    struct stat st2;
    if (fstat (fd, &st2) < 0)
      return og_error_set (err, errno, "stat `%s`", path);
    if (!S_ISREG (st2.st_mode) || st2.st_ino != st.st_ino || st2.st_dev != st.st_dev)
      return og_error_set (err, 0, "`%s` changed while it was inspected", path);
  }
  {
    uint8_t buf[INSPECT_BUF];
    if (digest_fd (fd, path, "a file", (uint64_t)st.st_size, algo, buf, sizeof buf, out->digest,
                   err)
        < 0)
      return -1;
  }
  out->has_digest = true;
  return 0;
}

static void
dir_free (og_source *s)
{
  og_source_dir *d = (og_source_dir *)s;
  if (d->root.fd >= 0)
    close (d->root.fd);
  og_source_info_clear (&s->info);
  free (d);
}

static const og_source_ops dir_ops = {
  .walk = dir_walk,
  .read_file = dir_read_file,
  .list_dir = dir_list_dir,
  .resolve_dir = dir_resolve_dir,
  .inspect = dir_inspect,
  .free = dir_free,
  .reads_beside_walk = true,
};

int
og_source_open_dir (const char *path, const og_source_options *opts, og_source **out,
                    og_error **err)
{
  og_source_dir *d;
  struct stat st;
  cleanup_close int fd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);

  if (fd < 0)
    {
      if (errno == ENOTDIR)
        return og_error_set (err, 0, "`%s` is not a directory (give a root filesystem directory)",
                             path);
      return og_error_set (err, errno, "open `%s`", path);
    }
  if (fstat (fd, &st) < 0)
    return og_error_set (err, errno, "stat `%s`", path);
  {
    /* openat2 is Linux 5.6+; without it we refuse rather than read unsafely.  */
    cleanup_close int probe = openat2_in_root (fd, ".", O_PATH | O_DIRECTORY);
    if (probe < 0)
      {
        if (errno == ENOSYS)
          return og_error_set (err, errno, "openat2 (needs Linux 5.6 or later) for `%s`", path);
        return og_error_set (err, errno, "open `%s`", path);
      }
  }
  d = og_xcalloc (1, sizeof *d);
  d->base.ops = &dir_ops;
  d->base.info.kind = og_xstrdup ("dir");
  d->base.info.path = og_xstrdup (path);
  d->root.fd = og_steal_fd (&fd);
  d->root.dev = st.st_dev;
  {
    struct statx stx;
    if (statx (d->root.fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &stx) == 0
        && (stx.stx_mask & STATX_MNT_ID))
      {
        d->root.mnt = stx.stx_mnt_id;
        d->root.has_mnt_id = true;
      }
  }
  d->root.digests = opts && opts->digests == OG_DIGESTS_EXEC;
  *out = &d->base;
  return 0;
}
