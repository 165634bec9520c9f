/* The layer cache's directory.  Entries are "<sha256 of the key>.oglc"
   (catalog/cache.c says what is in one), each with at most one hit memo
   "<sha256 of the key>.oglr" (runtime/hitmemo.c), evicted as the entries
   are; their mtime is their last use,
   and the oldest go first when the directory holds more than max_bytes
   (checked before each use, so the bound may be passed by one entry until
   the next).  "stats" counts the uses: one byte appended per use ('h'
   hit, 'm' miss, 'i' invalid, 'u' unsupported; O_APPEND writes of one
   byte never interleave), after an optional first line
   "ocigate-cache-stats 1 H M I U" that folds in the bytes of earlier
   files once the file passes STATS_FOLD bytes.  */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "runtime/cachedir.h"
#include "base/fileio.h"
#include "base/util.h"

#define ENTRY_SUFFIX ".oglc"
#define MEMO_SUFFIX  ".oglr"
#define MEMO_MAX     (16u << 20)
#define STATS        "stats"
#define STATS_FOLD   (1u << 20)
#define STATS_MAX    (64u << 20)
#define STATS_HEAD   "ocigate-cache-stats 1 "

typedef struct entry_file
{
  char *name;
  uint64_t size;
  struct timespec used;
} entry_file;

static bool
is_entry_name (const char *n)
{
  size_t l = strlen (n);
  return l == OG_SHA256_HEX_LEN + strlen (ENTRY_SUFFIX)
         && (strcmp (n + OG_SHA256_HEX_LEN, ENTRY_SUFFIX) == 0
             || strcmp (n + OG_SHA256_HEX_LEN, MEMO_SUFFIX) == 0);
}

static bool
is_memo_name (const char *n)
{
  return strcmp (n + OG_SHA256_HEX_LEN, MEMO_SUFFIX) == 0;
}

static int
cmp_used (const void *a, const void *b)
{
  const entry_file *x = a, *y = b;
  if (x->used.tv_sec != y->used.tv_sec)
    return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
  if (x->used.tv_nsec != y->used.tv_nsec)
    return x->used.tv_nsec < y->used.tv_nsec ? -1 : 1;
  return strcmp (x->name, y->name);
}

/* The entries in the directory, with their sizes and last uses.  */
static int
list_entries (int dirfd, entry_file **out, size_t *n, og_error **err)
{
  int fd = dup (dirfd);
  DIR *d = fd >= 0 ? fdopendir (fd) : NULL;
  entry_file *v = NULL;
  size_t cnt = 0, cap = 0;
  struct dirent *de;

  if (d == NULL)
    {
      if (fd >= 0)
        close (fd);
      return og_error_set (err, errno, "list the cache directory");
    }
  rewinddir (d);
  while ((de = readdir (d)) != NULL)
    {
      struct stat st;
      if (!is_entry_name (de->d_name) || fstatat (dirfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0
          || !S_ISREG (st.st_mode))
        continue;
      og_grow (&v, &cap, cnt + 1, sizeof *v);
      v[cnt].name = og_xstrdup (de->d_name);
      v[cnt].size = (uint64_t)st.st_size;
      v[cnt].used = st.st_mtim;
      cnt++;
    }
  closedir (d);
  *out = v;
  *n = cnt;
  return 0;
}

static void
free_entries (entry_file *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (v[i].name);
  free (v);
}

/* Least recently used out, until the entries fit in max_bytes.  */
static int
evict (int dirfd, uint64_t max_bytes, og_error **err)
{
  entry_file *v = NULL;
  size_t n = 0;
  uint64_t total = 0;

  if (list_entries (dirfd, &v, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    total += v[i].size;
  if (total > max_bytes)
    {
      qsort (v, n, sizeof *v, cmp_used);
      for (size_t i = 0; i < n && total > max_bytes; i++)
        if (unlinkat (dirfd, v[i].name, 0) == 0 || errno == ENOENT)
          total -= v[i].size;
    }
  free_entries (v, n);
  return 0;
}

/* The counters in a stats file's bytes.  */
static void
count_stats (const char *data, size_t len, og_cache_stats *s)
{
  size_t i = 0;
  if (len > strlen (STATS_HEAD) && memcmp (data, STATS_HEAD, strlen (STATS_HEAD)) == 0)
    {
      unsigned long long h = 0, m = 0, inv = 0, u = 0;
      const char *nl = memchr (data, '\n', len);
      if (nl && sscanf (data + strlen (STATS_HEAD), "%llu %llu %llu %llu", &h, &m, &inv, &u) == 4)
        {
          s->hits += h;
          s->misses += m;
          s->invalid += inv;
          s->unsupported += u;
        }
      i = nl ? (size_t)(nl - data) + 1 : len;
    }
  for (; i < len; i++)
    {
      s->hits += data[i] == 'h';
      s->misses += data[i] == 'm';
      s->invalid += data[i] == 'i';
      s->unsupported += data[i] == 'u';
    }
}

static int
read_stats (int dirfd, char **data, size_t *len, og_error **err)
{
  cleanup_close int fd = openat (dirfd, STATS, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    {
      *data = NULL;
      *len = 0;
      return errno == ENOENT ? 0 : og_error_set (err, errno, "open the cache's stats");
    }
  return og_read_fd (fd, "the cache's stats", STATS_MAX, data, len, err);
}

/* Fold a long stats file into its first line (a use counted by a
   concurrent hook in between may be lost: these are counters).  */
static void
fold_stats (int dirfd)
{
  struct stat st;
  cleanup_free char *data = NULL;
  cleanup_free char *line = NULL;
  size_t len = 0;
  og_cache_stats s = { 0 };
  cleanup_close int fd = -1;

  if (fstatat (dirfd, STATS, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_size < STATS_FOLD)
    return;
  if (read_stats (dirfd, &data, &len, NULL) < 0)
    return;
  count_stats (data, len, &s);
  line = og_xasprintf (STATS_HEAD "%llu %llu %llu %llu\n", (unsigned long long)s.hits,
                       (unsigned long long)s.misses, (unsigned long long)s.invalid,
                       (unsigned long long)s.unsupported);
  fd = openat (dirfd, STATS ".new", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd >= 0 && og_write_all (fd, line, strlen (line)) == 0)
    renameat (dirfd, STATS ".new", dirfd, STATS);
}

static int
open_dir (const char *dir, og_error **err)
{
  struct stat st;
  int fd;

  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return og_error_set (err, errno, "make the cache directory `%s`", dir);
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0)
    return og_error_set (err, errno, "open the cache directory `%s`", dir);
  if (fstat (fd, &st) < 0 || st.st_uid != geteuid () || (st.st_mode & 022))
    {
      close (fd);
      return og_error_set (err, 0,
                           "the cache directory `%s` must be owned by root and writable by "
                           "no one else (chmod 0700)",
                           dir);
    }
  return fd;
}

/* Read NAME in the cache directory DIRFD whole, at most MAX bytes, never
   through a symbolic link and only a regular file (WHAT: "cache entry" or
   "cache memo", for the errors): 0 with its bytes and the fd read, 1 when
   there is none.  */
static int
read_cache_file (int dirfd, const char *name, const char *what, size_t max, int *fd_out,
                 char **data, size_t *len, og_error **err)
{
  cleanup_close int fd = openat (dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  if (fd < 0)
    return errno == ENOENT ? 1 : og_error_set (err, errno, "open %s `%s`", what, name);
  if (fstat (fd, &st) < 0)
    return og_error_set (err, errno, "stat %s `%s`", what, name);
  if (!S_ISREG (st.st_mode))
    return og_error_set (err, 0, "%s `%s` is not a regular file", what, name);
  if (og_read_fd (fd, name, max, data, len, err) < 0)
    return -1;
  *fd_out = og_steal_fd (&fd);
  return 0;
}

/* The entry's bytes, marked used; 1 when there is none.  */
static int
read_entry (og_cachedir *c, og_error **err)
{
  cleanup_close int fd = -1;
  char *data = NULL;
  size_t len = 0;
  int r = read_cache_file (c->dirfd, c->name, "cache entry", OG_CACHE_ENTRY_MAX, &fd, &data, &len,
                           err);

  if (r != 0)
    return r;
  futimens (fd, NULL); /* its last use, for the eviction */
  c->entry = (uint8_t *)data;
  c->entry_len = len;
  return 0;
}

/* Remove NAME from the cache directory DIRFD (WHAT, for the error); one
   that is not there is removed already.  */
static int
remove_cache_file (int dirfd, const char *name, const char *what, og_error **err)
{
  if (unlinkat (dirfd, name, 0) < 0 && errno != ENOENT)
    return og_error_set (err, errno, "remove %s `%s`", what, name);
  return 0;
}

/* An anonymous file in the cache directory, for an entry or a memo that
   appears under its name only once it is whole (link_into_place).  */
static int
new_tmpfile (int dirfd)
{
  return openat (dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

/* Write DATA into the anonymous file *TMPFD and link it into DIRFD as NAME
   (WHAT: "cache entry" or "cache memo", for the errors), then close it.
   When another hook linked NAME first, its file stands.  */
static int
link_into_place (int dirfd, int *tmpfd, const char *name, const char *what, const void *data,
                 size_t len, og_error **err)
{
  if (og_write_all (*tmpfd, data, len) < 0)
    return og_error_set (err, errno, "write %s `%s`", what, name);
  if (linkat (*tmpfd, "", dirfd, name, AT_EMPTY_PATH) < 0 && errno != EEXIST)
    return og_error_set (err, errno, "link %s `%s` into place", what, name);
  close (*tmpfd);
  *tmpfd = -1;
  return 0;
}

int
og_cachedir_open (const char *dir, uint64_t max_bytes, const char *key_hex, og_cachedir *out,
                  og_error **err)
{
  og_cachedir c
      = { .dirfd = -1, .tmpfd = -1, .statsfd = -1, .memo_tmpfd = -1, .max_bytes = max_bytes };
  int ret;

  *out = c;
  snprintf (c.name, sizeof c.name, "%s" ENTRY_SUFFIX, key_hex);
  c.dirfd = open_dir (dir, err);
  if (c.dirfd < 0)
    return -1;
  if (evict (c.dirfd, max_bytes, err) < 0)
    {
      og_cachedir_close (&c);
      return -1;
    }
  fold_stats (c.dirfd);
  c.statsfd = openat (c.dirfd, STATS, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
  ret = read_entry (&c, err);
  if (ret == 1)
    {
      c.tmpfd = new_tmpfile (c.dirfd);
      if (c.tmpfd < 0)
        ret = og_error_set (err, errno, "make a cache entry in `%s`", dir);
      else
        ret = 0;
    }
  if (ret < 0)
    {
      og_cachedir_close (&c);
      return -1;
    }
  *out = c;
  return 0;
}

int
og_cachedir_drop (og_cachedir *c, og_error **err)
{
  free (c->entry);
  c->entry = NULL;
  c->entry_len = 0;
  if (remove_cache_file (c->dirfd, c->name, "cache entry", err) < 0)
    return -1;
  if (c->tmpfd < 0)
    c->tmpfd = new_tmpfile (c->dirfd);
  if (c->tmpfd < 0)
    return og_error_set (err, errno, "make a cache entry");
  return 0;
}

int
og_cachedir_publish (og_cachedir *c, const void *data, size_t len, og_error **err)
{
  if (c->tmpfd < 0 || len > c->max_bytes)
    return 0;
  return link_into_place (c->dirfd, &c->tmpfd, c->name, "cache entry", data, len, err);
}

static void
memo_name (const og_cachedir *c, char *out)
{
  memcpy (out, c->name, OG_SHA256_HEX_LEN);
  strcpy (out + OG_SHA256_HEX_LEN, MEMO_SUFFIX);
}

int
og_cachedir_take_memo (og_cachedir *c, og_error **err)
{
  char name[OG_SHA256_HEX_LEN + 8];
  cleanup_close int fd = -1;
  char *data = NULL;
  size_t len = 0;
  int r;

  memo_name (c, name);
  r = read_cache_file (c->dirfd, name, "cache memo", MEMO_MAX, &fd, &data, &len, err);
  if (r < 0)
    return -1;
  if (r == 0)
    {
      if (remove_cache_file (c->dirfd, name, "cache memo", err) < 0)
        {
          free (data);
          return -1;
        }
      c->memo = (uint8_t *)data;
      c->memo_len = len;
    }
  c->memo_tmpfd = new_tmpfile (c->dirfd);
  if (c->memo_tmpfd < 0)
    return og_error_set (err, errno, "make a cache memo");
  return 0;
}

int
og_cachedir_publish_memo (og_cachedir *c, const void *data, size_t len, og_error **err)
{
  char name[OG_SHA256_HEX_LEN + 8];

  memo_name (c, name);
  if (c->memo_tmpfd < 0 || len > MEMO_MAX)
    return 0;
  return link_into_place (c->dirfd, &c->memo_tmpfd, name, "cache memo", data, len, err);
}

void
og_cachedir_count (og_cachedir *c, og_cache_state s)
{
  char b;
  switch (s)
    {
    case OG_CACHE_HIT:
      b = 'h';
      break;
    case OG_CACHE_MISS:
      b = 'm';
      break;
    case OG_CACHE_INVALID:
      b = 'i';
      break;
    case OG_CACHE_UNSUPPORTED:
      b = 'u';
      break;
    case OG_CACHE_OFF:
    default:
      return;
    }
  if (c->statsfd >= 0)
    og_write_all (c->statsfd, &b, 1);
}

int
og_cachedir_max_fd (const og_cachedir *c)
{
  int m = c->dirfd;
  if (c->tmpfd > m)
    m = c->tmpfd;
  if (c->statsfd > m)
    m = c->statsfd;
  if (c->memo_tmpfd > m)
    m = c->memo_tmpfd;
  return m;
}

void
og_cachedir_close (og_cachedir *c)
{
  if (c->dirfd >= 0)
    close (c->dirfd);
  if (c->tmpfd >= 0)
    close (c->tmpfd);
  if (c->statsfd >= 0)
    close (c->statsfd);
  if (c->memo_tmpfd >= 0)
    close (c->memo_tmpfd);
  free (c->entry);
  free (c->memo);
  c->dirfd = c->tmpfd = c->statsfd = c->memo_tmpfd = -1;
  c->entry = c->memo = NULL;
  c->entry_len = c->memo_len = 0;
}

int
og_cache_stats_read (const char *dir, og_cache_stats *out, og_error **err)
{
  cleanup_close int fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  cleanup_free char *data = NULL;
  entry_file *v = NULL;
  size_t n = 0, len = 0;

  memset (out, 0, sizeof *out);
  if (fd < 0)
    return errno == ENOENT ? 1 : og_error_set (err, errno, "open the cache directory `%s`", dir);
  if (list_entries (fd, &v, &n, err) < 0)
    return -1;
  for (size_t i = 0; i < n; i++)
    {
      out->entries += !is_memo_name (v[i].name);
      out->bytes += v[i].size;
    }
  free_entries (v, n);
  if (read_stats (fd, &data, &len, err) < 0)
    return -1;
  count_stats (data ? data : "", len, out);
  return 0;
}
