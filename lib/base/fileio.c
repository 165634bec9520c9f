/* Bounded reads and atomic writes (see fileio.h).  */
#include <fcntl.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "base/deadline.h"
#include "base/fileio.h"
#include "base/resolve.h"
#include "base/util.h"

/* A canonical path (no "..", no symbolic link before its last component)
   opened with symbolic links refused takes no ".." step, cannot race into
   EAGAIN, and still cannot leave the root (the RESOLVE_ flags stand).  */
static int
open_canonical (const og_in_root *r, const char *path, uint64_t flags)
{
  struct open_how how = { .flags = flags, .resolve = r->resolve | RESOLVE_NO_SYMLINKS };
  while (*path == '/')
    path++;
  return (int)TEMP_FAILURE_RETRY (
      syscall (SYS_openat2, r->dirfd, *path ? path : ".", &how, sizeof how));
}

int
og_in_root_lstat (void *userdata, const char *path, uint32_t *mode, char **target, og_error **err)
{
  const og_in_root *r = userdata;
  cleanup_close int fd = open_canonical (r, path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    {
      if (errno == ENOENT || errno == ENOTDIR)
        return 1;
      return og_error_set (err, errno, "open `%s`", path);
    }
  if (fstat (fd, &st) < 0)
    return og_error_set (err, errno, "stat `%s`", path);
  *mode = st.st_mode;
  *target = NULL;
  if (S_ISLNK (st.st_mode))
    {
      char buf[OG_MAX_PATH + 1];
      ssize_t n;
      /* The resolver asks only of a link it would follow.  */
      if (r->resolve & RESOLVE_NO_SYMLINKS)
        return og_error_set (err, ELOOP, "open `%s`", path);
      n = readlinkat (fd, "", buf, sizeof buf - 1);
      if (n < 0)
        return og_error_set (err, errno, "readlink `%s`", path);
      buf[n] = '\0';
      *target = og_xstrdup (buf);
    }
  return 0;
}

/* The kernel asked for "some fallback": resolve path in userspace, one
   component at a time through og_in_root_lstat, then open the canonical path
   with symbolic links refused.  The same file as RESOLVE_IN_ROOT opens, or
   an error: a tree that changes between the two steps gives ELOOP or
   another file inside the root, never one outside it.  */
static int
openat2_resolved (int dirfd, const char *path, const struct open_how *how)
{
  og_in_root r = { .dirfd = dirfd, .resolve = how->resolve };
  cleanup_free char *canon = NULL;
  cleanup_error og_error *err = NULL;

  if (og_resolve_in_root (path, !(how->flags & O_NOFOLLOW), og_in_root_lstat, &r, &canon, &err) < 0)
    {
      errno = err->status ? err->status : EIO;
      return -1;
    }
  return open_canonical (&r, canon, how->flags);
}

int
og_openat2 (int dirfd, const char *path, const struct open_how *how)
{
  for (int i = 0;; i++)
    {
      int fd = (int)syscall (SYS_openat2, dirfd, path, how, sizeof *how);
      int saved = errno;
      if (fd >= 0 || (saved != EINTR && saved != EAGAIN))
        {
          errno = saved;
          return fd;
        }
      /* EAGAIN for as long as renames race with the ".." steps: a busy
         node, which must not decide a container's verdict.  After a few
         tries, or once the inspection deadline has passed, the lookup
         that takes no ".." step.  */
      if (i + 1 >= OG_OPENAT2_TRIES || og_deadline_passed ())
        {
          if (saved == EAGAIN && (how->resolve & RESOLVE_IN_ROOT))
            return openat2_resolved (dirfd, path, how);
          errno = saved;
          return fd;
        }
    }
}

int
og_read_fd (int fd, const char *what, size_t max, char **data, size_t *len, og_error **err)
{
  og_buf b = { 0 };
  char chunk[65536];

  og_buf_puts (&b, "");
  for (;;)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, chunk, sizeof chunk));
      if (n < 0)
        {
          int saved = errno;
          og_buf_free (&b);
          return og_error_set (err, saved, "read %s", what);
        }
      if (n == 0)
        break;
      if ((size_t)n > max - b.len)
        {
          og_buf_free (&b);
          return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s is larger than %zu bytes", what, max);
        }
      og_buf_append (&b, chunk, (size_t)n);
    }
  *len = b.len;
  *data = og_buf_steal (&b);
  return 0;
}

int
og_open_stat (const char *path, struct stat *st, og_error **err)
{
  cleanup_close int fd
      = TEMP_FAILURE_RETRY (open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd < 0)
    return og_error_set (err, errno, "open `%s`", path);
  if (fstat (fd, st) < 0)
    return og_error_set (err, errno, "stat `%s`", path);
  return og_steal_fd (&fd);
}

int
og_open_regular (const char *path, og_error **err)
{
  struct stat st;
  cleanup_close int fd = og_open_stat (path, &st, err);
  if (fd < 0)
    return -1;
  if (!S_ISREG (st.st_mode))
    return og_error_set (err, 0, "`%s` is not a regular file", path);
  return og_steal_fd (&fd);
}

int
og_read_file (const char *path, size_t max, char **data, size_t *len, og_error **err)
{
  cleanup_close int fd = og_open_regular (path, err);
  cleanup_free char *what = NULL;

  if (fd < 0)
    return -1;
  what = og_xasprintf ("`%s`", path);
  return og_read_fd (fd, what, max, data, len, err);
}

int
og_write_all (int fd, const void *data, size_t len)
{
  const char *p = data;
  while (len > 0)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, p, len));
      if (n < 0)
        return -1;
      p += n;
      len -= (size_t)n;
    }
  return 0;
}

/* Fill the temporary file; -1 with errno.  */
static int
fill_temp (int fd, const void *data, size_t len, mode_t mode, const struct stat *old)
{
  if (fchmod (fd, mode) < 0)
    return -1;
  if (old && fchown (fd, old->st_uid, old->st_gid) < 0 && errno != EPERM)
    return -1;
  if (og_write_all (fd, data, len) < 0 || fsync (fd) < 0)
    return -1;
  return 0;
}

int
og_write_atomic (const char *path, const void *data, size_t len, mode_t mode,
                 const struct stat *old, og_error **err)
{
  cleanup_free char *dir_copy = og_xstrdup (path);
  cleanup_free char *base_copy = og_xstrdup (path);
  cleanup_free char *tmp = NULL;
  int fd, saved;

  tmp = og_xasprintf ("%s/.%s.XXXXXX", dirname (dir_copy), basename (base_copy));
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return og_error_set (err, errno, "create a temporary file beside %s", path);
  if (fill_temp (fd, data, len, mode, old) < 0)
    {
      saved = errno;
      close (fd);
      unlink (tmp);
      return og_error_set (err, saved, "write %s", path);
    }
  if (close (fd) < 0 || rename (tmp, path) < 0)
    {
      saved = errno;
      unlink (tmp);
      return og_error_set (err, saved, "write %s", path);
    }
  return 0;
}
