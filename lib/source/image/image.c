/* Images as sources.

   Sources of the formats:
   - OCI image spec (opencontainers/image-spec): image-layout.md (oci-layout,
     index.json, blobs/<alg>/<hex>), image-index.md, manifest.md, config.md
     (rootfs.diff_ids), layer.md (whiteouts ".wh.NAME", opaque ".wh..wh..opq",
     which apply to lower layers only).
   - docker-archive: moby image/tarexport (manifest.json: Config, RepoTags,
     Layers; the layer files are the uncompressed tars of rootfs.diff_ids).

   Each layer is streamed once with libarchive (tar; gzip, zstd, xz, bzip2 done
   in-process), its bytes hashed while they pass and checked against the
   digest the manifest or config names.  The entries are flattened into one
   in-memory tree; only metadata, the heads of executables and the whole bytes
   of the few files the inventory reads (os-release, package databases) are
   kept.  Nothing is written to disk.  */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>

#include "base/reader.h"
#include "source/image/image.h"
#include "base/strmap.h"
#include "base/util.h"

/* libarchive is loaded when an image is opened, not when the program starts:
   it brings libxml2, ICU and a dozen compression libraries whose loading and
   relocation would add milliseconds to every directory inventory and every
   hook run, which never read an archive.  */
#define OG_ARCHIVE_FUNCS(X)                                                                        \
  X (archive_entry_filetype)                                                                       \
  X (archive_entry_gid)                                                                            \
  X (archive_entry_hardlink)                                                                       \
  X (archive_entry_mode)                                                                           \
  X (archive_entry_pathname)                                                                       \
  X (archive_entry_size)                                                                           \
  X (archive_entry_size_is_set)                                                                    \
  X (archive_entry_symlink)                                                                        \
  X (archive_entry_uid)                                                                            \
  X (archive_entry_xattr_next)                                                                     \
  X (archive_entry_xattr_reset)                                                                    \
  X (archive_errno)                                                                                \
  X (archive_error_string)                                                                         \
  X (archive_filter_bytes)                                                                         \
  X (archive_read_data_block)                                                                      \
  X (archive_read_free)                                                                            \
  X (archive_read_new)                                                                             \
  X (archive_read_next_header)                                                                     \
  X (archive_read_open2)                                                                           \
  X (archive_read_open_filename)                                                                   \
  X (archive_read_support_filter_bzip2)                                                            \
  X (archive_read_support_filter_gzip)                                                             \
  X (archive_read_support_filter_xz)                                                               \
  X (archive_read_support_filter_zstd)                                                             \
  X (archive_read_support_format_tar)                                                              \
  X (archive_set_error)

#define OG_ARCHIVE_DECLARE(f) static __typeof__ (f) *og_##f;
OG_ARCHIVE_FUNCS (OG_ARCHIVE_DECLARE)
#undef OG_ARCHIVE_DECLARE

static int
load_libarchive (og_error **err)
{
  static void *handle;
  if (handle)
    return 0;
  handle = dlopen ("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
  if (handle == NULL)
    return og_error_set (err, ELIBACC, "load libarchive.so.13 (install libarchive13): %s",
                         dlerror ());
#define OG_ARCHIVE_LOAD(f)                                                                         \
  if ((og_##f = (__typeof__ (og_##f))dlsym (handle, #f)) == NULL)                                  \
    return og_error_set (err, ELIBACC, "libarchive.so.13 has no %s", #f);
  OG_ARCHIVE_FUNCS (OG_ARCHIVE_LOAD)
#undef OG_ARCHIVE_LOAD
  return 0;
}

/* From here on every archive_* call goes through the loaded library.  */
#define archive_entry_filetype            og_archive_entry_filetype
#define archive_entry_gid                 og_archive_entry_gid
#define archive_entry_hardlink            og_archive_entry_hardlink
#define archive_entry_mode                og_archive_entry_mode
#define archive_entry_pathname            og_archive_entry_pathname
#define archive_entry_size                og_archive_entry_size
#define archive_entry_size_is_set         og_archive_entry_size_is_set
#define archive_entry_symlink             og_archive_entry_symlink
#define archive_entry_uid                 og_archive_entry_uid
#define archive_entry_xattr_next          og_archive_entry_xattr_next
#define archive_entry_xattr_reset         og_archive_entry_xattr_reset
#define archive_errno                     og_archive_errno
#define archive_error_string              og_archive_error_string
#define archive_filter_bytes              og_archive_filter_bytes
#define archive_read_data_block           og_archive_read_data_block
#define archive_read_free                 og_archive_read_free
#define archive_read_new                  og_archive_read_new
#define archive_read_next_header          og_archive_read_next_header
#define archive_read_open2                og_archive_read_open2
#define archive_read_open_filename        og_archive_read_open_filename
#define archive_read_support_filter_bzip2 og_archive_read_support_filter_bzip2
#define archive_read_support_filter_gzip  og_archive_read_support_filter_gzip
#define archive_read_support_filter_xz    og_archive_read_support_filter_xz
#define archive_read_support_filter_zstd  og_archive_read_support_filter_zstd
#define archive_read_support_format_tar   og_archive_read_support_format_tar
#define archive_set_error                 og_archive_set_error

/* A reader for tar streams, plain or compressed.  */
static struct archive *
new_reader (og_error **err)
{
  struct archive *a;
  if (load_libarchive (err) < 0)
    return NULL;
  a = archive_read_new ();
  if (a == NULL)
    {
      og_error_set (err, ENOMEM, "archive_read_new");
      return NULL;
    }
  archive_read_support_filter_gzip (a);
  archive_read_support_filter_zstd (a);
  archive_read_support_filter_xz (a);
  archive_read_support_filter_bzip2 (a);
  archive_read_support_format_tar (a);
  return a;
}

/* ---- the in-memory tree ------------------------------------------------ */

typedef struct img_ino
{
  uint32_t mode, uid, gid;
  uint64_t size;
  size_t refs; /* names pointing at it: the link count of a regular file */
  char *link;
  uint8_t *cap;
  size_t cap_len;
  uint8_t *head;
  size_t head_len;
  uint8_t *data; /* kept whole (package databases, os-release) */
  size_t data_len;
  bool kept;
  char *sha256;
} img_ino;

typedef struct img_node
{
  char *path;       /* "/usr/bin/ls"; "/" for the root */
  const char *name; /* last component, inside path */
  struct img_node *parent, *first, *prev, *next;
  img_ino *ino;
  int layer; /* that last wrote it */
  int seen;  /* last layer that wrote it or anything below it */
} img_node;

typedef struct img_source
{
  og_source base;
  img_node *root;
  og_strmap nodes; /* path -> img_node, NULL once deleted */
  uint64_t entries;
  uint64_t kept_bytes;
  uint64_t head_bytes;
  bool sha256;
} img_source;

static bool
is_dir (const img_node *n)
{
  return (n->ino->mode & S_IFMT) == S_IFDIR;
}

static bool
is_lnk (const img_node *n)
{
  return (n->ino->mode & S_IFMT) == S_IFLNK;
}

static void
ino_unref (img_source *im, img_ino *ino)
{
  if (ino == NULL || --ino->refs > 0)
    return;
  im->kept_bytes -= ino->data_len;
  im->head_bytes -= ino->head_len;
  free (ino->link);
  free (ino->cap);
  free (ino->head);
  free (ino->data);
  free (ino->sha256);
  free (ino);
}

static img_ino *
ino_new (void)
{
  img_ino *ino = og_xcalloc (1, sizeof *ino);
  ino->refs = 1;
  return ino;
}

static void
node_unlink (img_node *n)
{
  if (n->prev)
    n->prev->next = n->next;
  else if (n->parent)
    n->parent->first = n->next;
  if (n->next)
    n->next->prev = n->prev;
  n->prev = n->next = NULL;
}

/* Free N and everything below it, and forget their paths.  */
static void
node_delete (img_source *im, img_node *n)
{
  while (n->first)
    node_delete (im, n->first); /* unlinks itself */
  node_unlink (n);
  if (n->parent)
    og_strmap_put (&im->nodes, n->path, NULL);
  ino_unref (im, n->ino);
  free (n->path);
  free (n);
}

static img_node *
node_new (img_source *im, img_node *parent, const char *path, img_ino *ino, int layer)
{
  img_node *n = og_xcalloc (1, sizeof *n);
  n->path = og_xstrdup (path);
  n->name = strrchr (n->path, '/') + 1;
  n->parent = parent;
  n->ino = ino;
  n->layer = n->seen = layer;
  n->next = parent->first;
  if (parent->first)
    parent->first->prev = n;
  parent->first = n;
  og_strmap_put (&im->nodes, n->path, n);
  return n;
}

static img_node *
lookup (img_source *im, const char *path)
{
  if (strcmp (path, "/") == 0)
    return im->root;
  return og_strmap_get (&im->nodes, path);
}

/* Remove what lower layers put below DIR and this layer did not write.  */
static void
prune_lower (img_source *im, img_node *dir, int layer)
{
  img_node *c = dir->first;
  while (c)
    {
      img_node *next = c->next;
      if (c->seen < layer)
        node_delete (im, c);
      else if (is_dir (c) && c->layer < layer)
        prune_lower (im, c, layer);
      c = next;
    }
}

/* ---- resolving paths inside the image root ----------------------------- */

/* Resolve PATH from the root, following symlinks inside the image (an
   absolute target starts again at the image root, ".." at the root stays
   there), the last component too when FOLLOW_LAST.  Returns 0 with *out, 1
   when it does not exist, -1 past OG_IMAGE_MAX_LINK_HOPS.  */
static int
resolve (img_source *im, const char *path, bool follow_last, img_node **out, og_error **err)
{
  og_buf rest = { 0 };
  img_node *cur = im->root;
  int hops = 0;
  size_t pos = 0;
  int ret = 1;

  og_buf_puts (&rest, path);
  for (;;)
    {
      const char *s = rest.data + pos;
      size_t len;
      bool last;
      char *comp;
      og_buf key = { 0 };
      img_node *c;

      while (*s == '/')
        s++;
      if (*s == '\0')
        {
          *out = cur;
          ret = 0;
          break;
        }
      len = strcspn (s, "/");
      last = s[len + strspn (s + len, "/")] == '\0';
      comp = og_xstrndup (s, len);
      pos = (size_t)(s - rest.data) + len;
      if (strcmp (comp, ".") == 0)
        {
          free (comp);
          continue;
        }
      if (strcmp (comp, "..") == 0)
        {
          free (comp);
          if (cur->parent)
            cur = cur->parent;
          continue;
        }
      og_buf_printf (&key, "%s/%s", cur->parent ? cur->path : "", comp);
      free (comp);
      c = lookup (im, key.data);
      og_buf_free (&key);
      if (c == NULL)
        break;
      if (is_lnk (c) && (!last || follow_last))
        {
          og_buf next = { 0 };
          if (++hops > OG_IMAGE_MAX_LINK_HOPS)
            {
              ret = og_error_set (err, ELOOP, "%s: more than %d symbolic links while resolving",
                                  path, OG_IMAGE_MAX_LINK_HOPS);
              break;
            }
          if (c->ino->link[0] == '/')
            cur = im->root;
          og_buf_printf (&next, "%s/%s", c->ino->link, rest.data + pos);
          og_buf_free (&rest);
          rest = next;
          pos = 0;
          if (rest.len > OG_MAX_PATH * 4)
            {
              ret = og_error_set (err, ENAMETOOLONG, "%s: path too long while resolving", path);
              break;
            }
          continue;
        }
      if (!last && !is_dir (c))
        break;
      cur = c;
    }
  og_buf_free (&rest);
  return ret;
}

/* ---- byte streams: a blob file or a member of an outer archive ---------- */

/* The digest of a blob is computed on a second thread while the first one
   decompresses and flattens it: on two cores this hides most of sha256.
   Chunks are copied into a small ring of slots that the hasher drains in
   order; the reader waits when the ring is full, so memory stays bounded.  */
#define HASH_SLOTS    8
#define HASH_SLOT_MAX (128u << 10)

typedef struct hasher
{
  EVP_MD_CTX *md;
  pthread_t thread;
  bool running;
  pthread_mutex_t mu;
  pthread_cond_t more;
  pthread_cond_t space;
  uint8_t *slot[HASH_SLOTS];
  size_t len[HASH_SLOTS];
  size_t head;  /* next slot to fill */
  size_t count; /* filled slots not yet hashed */
  bool done;
} hasher;

static void *
hasher_main (void *arg)
{
  hasher *h = arg;
  size_t tail = 0;
  pthread_mutex_lock (&h->mu);
  for (;;)
    {
      while (h->count == 0 && !h->done)
        pthread_cond_wait (&h->more, &h->mu);
      if (h->count == 0)
        break;
      /* The reader never touches a counted slot: hash it unlocked.  */
      pthread_mutex_unlock (&h->mu);
      EVP_DigestUpdate (h->md, h->slot[tail], h->len[tail]);
      pthread_mutex_lock (&h->mu);
      tail = (tail + 1) % HASH_SLOTS;
      h->count--;
      pthread_cond_signal (&h->space);
    }
  pthread_mutex_unlock (&h->mu);
  return NULL;
}

static void
hasher_start (hasher *h)
{
  memset (h, 0, sizeof *h);
  h->md = EVP_MD_CTX_new ();
  if (h->md == NULL || EVP_DigestInit_ex (h->md, EVP_sha256 (), NULL) != 1)
    abort ();
  pthread_mutex_init (&h->mu, NULL);
  pthread_cond_init (&h->more, NULL);
  pthread_cond_init (&h->space, NULL);
  /* Without a thread (none could be made) the reader hashes inline.  */
  h->running = pthread_create (&h->thread, NULL, hasher_main, h) == 0;
}

static void
hasher_feed (hasher *h, const uint8_t *p, size_t n)
{
  if (!h->running)
    {
      EVP_DigestUpdate (h->md, p, n);
      return;
    }
  while (n > 0)
    {
      size_t k = n < HASH_SLOT_MAX ? n : HASH_SLOT_MAX;
      pthread_mutex_lock (&h->mu);
      while (h->count == HASH_SLOTS)
        pthread_cond_wait (&h->space, &h->mu);
      pthread_mutex_unlock (&h->mu);
      if (h->slot[h->head] == NULL)
        h->slot[h->head] = og_xmalloc (HASH_SLOT_MAX);
      memcpy (h->slot[h->head], p, k);
      h->len[h->head] = k;
      pthread_mutex_lock (&h->mu);
      h->head = (h->head + 1) % HASH_SLOTS;
      h->count++;
      pthread_cond_signal (&h->more);
      pthread_mutex_unlock (&h->mu);
      p += k;
      n -= k;
    }
}

/* Wait until every fed byte is hashed.  */
static void
hasher_join (hasher *h)
{
  if (!h->running)
    return;
  pthread_mutex_lock (&h->mu);
  h->done = true;
  pthread_cond_signal (&h->more);
  pthread_mutex_unlock (&h->mu);
  pthread_join (h->thread, NULL);
  h->running = false;
}

static void
hasher_free (hasher *h)
{
  if (h->md == NULL)
    return; /* never started, or already freed */
  hasher_join (h);
  for (size_t i = 0; i < HASH_SLOTS; i++)
    free (h->slot[i]);
  EVP_MD_CTX_free (h->md);
  pthread_mutex_destroy (&h->mu);
  pthread_cond_destroy (&h->more);
  pthread_cond_destroy (&h->space);
  memset (h, 0, sizeof *h);
}

typedef struct img_stream
{
  int fd;                /* a blob of an OCI layout, or -1 */
  struct archive *outer; /* positioned at a member, or NULL */
  hasher h;
  uint64_t total;
  uint64_t expect_off;
  char *name;
  og_error *err;
  uint8_t buf[1 << 16];
} img_stream;

static void
stream_init (img_stream *st, const char *name)
{
  memset (st, 0, offsetof (img_stream, buf));
  st->fd = -1;
  st->name = og_xstrdup (name);
  hasher_start (&st->h);
}

static void
stream_close (img_stream *st)
{
  if (st->fd >= 0)
    close (st->fd);
  if (st->outer)
    archive_read_free (st->outer);
  hasher_free (&st->h);
  og_error_free (st->err);
  free (st->name);
  st->fd = -1;
  st->outer = NULL;
  st->err = NULL;
  st->name = NULL;
}

/* The next bytes: > 0 with *p, 0 at the end, -1 with st->err.  */
static ssize_t
stream_read (img_stream *st, const void **p)
{
  ssize_t n;
  if (st->fd >= 0)
    {
      n = TEMP_FAILURE_RETRY (read (st->fd, st->buf, sizeof st->buf));
      if (n < 0)
        return og_error_set (&st->err, errno, "read `%s`", st->name);
      *p = st->buf;
    }
  else
    {
      size_t size = 0;
      la_int64_t off = 0;
      int r = archive_read_data_block (st->outer, p, &size, &off);
      if (r == ARCHIVE_EOF)
        return 0;
      if (r < ARCHIVE_WARN)
        return og_error_set (&st->err, 0, "read `%s`: %s", st->name,
                             archive_error_string (st->outer));
      if ((uint64_t)off != st->expect_off)
        return og_error_set (&st->err, 0, "read `%s`: sparse archive member", st->name);
      st->expect_off += size;
      n = (ssize_t)size;
    }
  if (n > 0)
    {
      hasher_feed (&st->h, *p, (size_t)n);
      st->total += (uint64_t)n;
    }
  return n;
}

static void
stream_digest (img_stream *st, char out[72])
{
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  hasher_join (&st->h);
  EVP_DigestFinal_ex (st->h.md, md, &len);
  memcpy (out, "sha256:", 7);
  og_hex (md, len, out + 7);
}

/* ---- where the image's files are: an OCI layout directory or a tar ------ */

typedef struct img_store
{
  int dirfd;     /* OCI layout, or -1 */
  char *archive; /* path of the outer tar, or NULL */
} img_store;

static void
store_clear (img_store *s)
{
  if (s->dirfd >= 0)
    close (s->dirfd);
  free (s->archive);
  s->dirfd = -1;
  s->archive = NULL;
}

static const char *
norm_member (const char *name)
{
  while (name[0] == '.' && name[1] == '/')
    name += 2;
  while (*name == '/')
    name++;
  return name;
}

static struct archive *
outer_open (const char *path, og_error **err)
{
  struct archive *a = new_reader (err);
  if (a == NULL)
    return NULL;
  if (archive_read_open_filename (a, path, 1 << 16) != ARCHIVE_OK)
    {
      og_error_set (err, archive_errno (a) > 0 ? archive_errno (a) : 0, "open `%s`: %s", path,
                    archive_error_string (a));
      archive_read_free (a);
      return NULL;
    }
  return a;
}

/* Position a fresh reader of the outer archive at member NAME, following
   symlink members (podman writes ID/layer.tar -> ../HEX.tar).  Returns 0
   with *out and *size, 1 when there is no such member, -1 on error.  */
static int
outer_find (const char *path, const char *name, struct archive **out, uint64_t *size,
            og_error **err)
{
  cleanup_free char *want = og_xstrdup (norm_member (name));
  for (int hop = 0; hop < 8; hop++)
    {
      struct archive *a = outer_open (path, err);
      struct archive_entry *e;
      int r;
      if (a == NULL)
        return -1;
      while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
        {
          const char *n = archive_entry_pathname (e);
          const char *sl;
          if (n == NULL || strcmp (norm_member (n), want) != 0)
            continue;
          sl = archive_entry_symlink (e);
          if (archive_entry_filetype (e) == AE_IFLNK && sl)
            {
              /* The target, relative to the member's directory.  */
              og_buf b = { 0 };
              const char *slash = strrchr (want, '/');
              if (slash && *sl != '/')
                og_buf_append (&b, want, (size_t)(slash - want + 1));
              og_buf_puts (&b, sl);
              free (want);
              want = og_buf_steal (&b);
              {
                /* fold "dir/../x" */
                char *p;
                while ((p = strstr (want, "/../")))
                  {
                    char *q = p;
                    while (q > want && q[-1] != '/')
                      q--;
                    memmove (q, p + 4, strlen (p + 4) + 1);
                  }
                if (strncmp (want, "../", 3) == 0)
                  {
                    archive_read_free (a);
                    return og_error_set (err, 0, "%s: member `%s` links outside the archive", path,
                                         name);
                  }
              }
              break;
            }
          if (archive_entry_filetype (e) != AE_IFREG)
            {
              archive_read_free (a);
              return og_error_set (err, 0, "%s: member `%s` is not a regular file", path, name);
            }
          *out = a;
          *size = (uint64_t)archive_entry_size (e);
          return 0;
        }
      if (r < ARCHIVE_WARN)
        {
          og_error_set (err, 0, "%s: reading the archive: %s", path, archive_error_string (a));
          archive_read_free (a);
          return -1;
        }
      if (r == ARCHIVE_EOF)
        {
          archive_read_free (a);
          return 1;
        }
      archive_read_free (a);
    }
  return og_error_set (err, ELOOP, "%s: member `%s`: too many symbolic links", path, name);
}

static int
layout_open (int dirfd, const char *name, int *fd, og_error **err)
{
  struct open_how how = { .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int r = (int)TEMP_FAILURE_RETRY (syscall (SYS_openat2, dirfd, name, &how, sizeof how));
  struct stat st;
  if (r < 0)
    {
      if (errno == ENOENT)
        return 1;
      return og_error_set (err, errno, "open `%s`", name);
    }
  if (fstat (r, &st) < 0 || !S_ISREG (st.st_mode))
    {
      close (r);
      return og_error_set (err, 0, "`%s` is not a regular file", name);
    }
  *fd = r;
  return 0;
}

/* Open a stream over NAME.  Returns 0, 1 when it does not exist, -1.  */
static int
store_stream (img_store *s, const char *name, img_stream *st, uint64_t *size, og_error **err)
{
  int r;
  stream_init (st, name);
  if (s->dirfd >= 0)
    {
      struct stat sb;
      r = layout_open (s->dirfd, name, &st->fd, err);
      if (r == 0 && fstat (st->fd, &sb) == 0)
        *size = (uint64_t)sb.st_size;
    }
  else
    r = outer_find (s->archive, name, &st->outer, size, err);
  if (r != 0)
    stream_close (st);
  return r;
}

/* Read NAME whole (at most max bytes).  Returns 0, 1 when missing, -1.  */
static int
store_read (img_store *s, const char *name, size_t max, uint8_t **data, size_t *len,
            char digest[72], og_error **err)
{
  img_stream st;
  uint64_t size = 0;
  og_buf b = { 0 };
  int r = store_stream (s, name, &st, &size, err);
  if (r != 0)
    return r;
  if (size > max)
    {
      stream_close (&st);
      return og_error_set (err, 0, "`%s`: %llu bytes, more than the %zu allowed", name,
                           (unsigned long long)size, max);
    }
  for (;;)
    {
      const void *p;
      ssize_t n = stream_read (&st, &p);
      if (n < 0)
        {
          og_error_set (err, st.err->status, "%s", st.err->msg);
          og_buf_free (&b);
          stream_close (&st);
          return -1;
        }
      if (n == 0)
        break;
      if (b.len + (size_t)n > max)
        {
          og_buf_free (&b);
          stream_close (&st);
          return og_error_set (err, 0, "`%s`: more than %zu bytes", name, max);
        }
      og_buf_append (&b, p, (size_t)n);
    }
  if (digest)
    stream_digest (&st, digest);
  stream_close (&st);
  *len = b.len;
  *data = (uint8_t *)(b.data ? og_buf_steal (&b) : og_xcalloc (1, 1));
  return 0;
}

/* ---- JSON documents ---------------------------------------------------- */

static bool
valid_digest (const char *d)
{
  if (d == NULL || strncmp (d, "sha256:", 7) != 0 || strlen (d) != 71)
    return false;
  for (const char *p = d + 7; *p; p++)
    if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
      return false;
  return true;
}

static json_t *
parse_json (const uint8_t *data, size_t len, const char *name, og_error **err)
{
  json_error_t je;
  json_t *j = json_loadb ((const char *)data, len, JSON_REJECT_DUPLICATES, &je);
  if (j == NULL)
    og_error_set (err, 0, "%s:%d:%d: %s", name, je.line, je.column, je.text);
  return j;
}

/* Read a JSON document; when DIGEST is given, check the bytes against it.  */
static json_t *
load_json (img_store *s, const char *name, const char *digest, og_error **err)
{
  cleanup_free uint8_t *data = NULL;
  size_t len = 0;
  char got[72];
  int r = store_read (s, name, OG_IMAGE_JSON_MAX, &data, &len, got, err);
  if (r == 1)
    og_error_set (err, ENOENT, "image: `%s` is missing", name);
  if (r != 0)
    return NULL;
  if (digest && strcmp (digest, got) != 0)
    {
      og_error_set (err, 0, "image: `%s`: digest mismatch: expected %s, got %s", name, digest, got);
      return NULL;
    }
  return parse_json (data, len, name, err);
}

static char *
blob_name (const char *digest)
{
  return og_xasprintf ("blobs/sha256/%s", digest + 7);
}

/* ---- applying one layer ------------------------------------------------ */

typedef struct layer_ctx
{
  img_source *im;
  img_stream *st;
  int index;
  const char *name; /* for messages: "layer 2 (sha256:...)" */
  og_error **err;
} layer_ctx;

static la_ssize_t
layer_read_cb (struct archive *a, void *ud, const void **buf)
{
  layer_ctx *lc = ud;
  ssize_t n = stream_read (lc->st, buf);
  if (n < 0)
    {
      archive_set_error (a, EIO, "%s", lc->st->err->msg);
      return -1;
    }
  return n;
}

/* Normalise a member name of a layer into "/a/b" (root: "/").  ".." and
   absolute names are refused.  */
static int
layer_path (const layer_ctx *lc, const char *name, char **out)
{
  og_buf b = { 0 };
  const char *s = name;
  size_t depth = 0;

  if (name == NULL)
    return og_error_set (lc->err, 0, "%s: an entry without a name", lc->name);
  if (*name == '/')
    return og_error_set (lc->err, 0, "%s: entry `%s`: absolute path", lc->name, name);
  while (*s)
    {
      size_t len = strcspn (s, "/");
      if (len == 2 && s[0] == '.' && s[1] == '.')
        {
          og_buf_free (&b);
          return og_error_set (lc->err, 0, "%s: entry `%s`: `..` in path", lc->name, name);
        }
      if (len > 0 && !(len == 1 && s[0] == '.'))
        {
          og_buf_putc (&b, '/');
          og_buf_append (&b, s, len);
          depth++;
        }
      s += len;
      while (*s == '/')
        s++;
    }
  if (b.len > OG_MAX_PATH || depth > OG_MAX_DEPTH)
    {
      og_buf_free (&b);
      return og_error_set (lc->err, ENAMETOOLONG, "%s: entry `%.100s...`: path too long or deep",
                           lc->name, name);
    }
  if (b.len == 0)
    og_buf_putc (&b, '/');
  *out = og_buf_steal (&b);
  return 0;
}

/* Is PATH one of the files the inventory reads whole later?  Matched on the
   real path inside any layer, so /var/lib/rpm -> ../../usr/lib/sysimage/rpm
   is covered by the name of the directory that holds the files.  */
static bool
want_kept (const char *path)
{
  const char *base = strrchr (path, '/') + 1;
  char d1[16] = "", d2[16] = "";
  const char *e = base - 1, *p;
  if (strcmp (base, "os-release") == 0)
    return true;
  for (int i = 0; i < 2 && e > path; i++)
    {
      p = e;
      while (p > path && p[-1] != '/')
        p--;
      if ((size_t)(e - p) < sizeof d1)
        {
          char *d = i == 0 ? d1 : d2;
          memcpy (d, p, (size_t)(e - p));
          d[e - p] = '\0';
        }
      e = p - 1;
    }
  if (strcmp (d1, "rpm") == 0)
    return strcmp (d2, "lib") == 0 || strcmp (d2, "sysimage") == 0 || strcmp (d2, "share") == 0;
  if (strcmp (d1, "dpkg") == 0)
    return strcmp (base, "status") == 0;
  if (strcmp (d1, "status.d") == 0)
    return strcmp (d2, "dpkg") == 0;
  if (strcmp (d1, "info") == 0 && strcmp (d2, "dpkg") == 0)
    {
      size_t n = strlen (base);
      return (n > 5 && strcmp (base + n - 5, ".list") == 0)
             || (n > 8 && strcmp (base + n - 8, ".md5sums") == 0);
    }
  if (strcmp (d1, "db") == 0 && strcmp (d2, "apk") == 0)
    return strcmp (base, "installed") == 0;
  return false;
}

static int
check_layer_bytes (layer_ctx *lc, struct archive *a)
{
  if ((uint64_t)archive_filter_bytes (a, 0) > OG_IMAGE_LAYER_BYTES_MAX)
    return og_error_set (lc->err, EFBIG, "%s: more than %llu uncompressed bytes", lc->name,
                         (unsigned long long)OG_IMAGE_LAYER_BYTES_MAX);
  return 0;
}

/* Read the data of a regular file: its head when it is an executable, its
   digest when asked, all of it when kept.  Other entries' data is drained.  */
static int
read_entry_data (layer_ctx *lc, struct archive *a, const char *path, img_ino *ino, bool exec,
                 bool keep)
{
  img_source *im = lc->im;
  EVP_MD_CTX *md = NULL;
  uint64_t pos = 0;
  static const uint8_t zeros[4096];
  int ret = 0;

  if (exec)
    {
      ino->head_len = ino->size < OG_HEAD_MAX ? (size_t)ino->size : OG_HEAD_MAX;
      if (im->head_bytes + ino->head_len > OG_IMAGE_HEADS_MAX)
        return og_error_set (lc->err, 0, "%s: `%s`: more than %llu bytes of executable heads",
                             lc->name, path, (unsigned long long)OG_IMAGE_HEADS_MAX);
      ino->head = og_xcalloc (1, ino->head_len + 1);
      im->head_bytes += ino->head_len;
      if (im->sha256)
        {
          md = EVP_MD_CTX_new ();
          if (md == NULL || EVP_DigestInit_ex (md, EVP_sha256 (), NULL) != 1)
            abort ();
        }
    }
  if (keep)
    {
      if (ino->size > OG_READ_MAX)
        return og_error_set (lc->err, EFBIG, "%s: `%s`: %llu bytes, more than %u", lc->name, path,
                             (unsigned long long)ino->size, OG_READ_MAX);
      if (im->kept_bytes + ino->size > OG_IMAGE_KEEP_MAX)
        return og_error_set (lc->err, EFBIG,
                             "%s: `%s`: the package databases of the image exceed %llu bytes",
                             lc->name, path, (unsigned long long)OG_IMAGE_KEEP_MAX);
      ino->data_len = (size_t)ino->size;
      ino->data = og_xcalloc (1, ino->data_len + 1);
      ino->kept = true;
      im->kept_bytes += ino->data_len;
    }

  for (;;)
    {
      const void *buf;
      size_t size;
      la_int64_t off;
      int r = archive_read_data_block (a, &buf, &size, &off);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        {
          ret = og_error_set (lc->err, 0, "%s: `%s`: %s", lc->name, path, archive_error_string (a));
          break;
        }
      if (check_layer_bytes (lc, a) < 0)
        {
          ret = -1;
          break;
        }
      if (off < 0 || (uint64_t)off < pos || !og_span_ok (ino->size, (uint64_t)off, size))
        {
          if (ino->head == NULL && !ino->kept)
            continue; /* not ours to check: drained only */
          ret = og_error_set (lc->err, 0, "%s: `%s`: data past the size of the file", lc->name,
                              path);
          break;
        }
      if (md)
        while (pos < (uint64_t)off) /* a hole of a sparse file reads as zeros */
          {
            size_t z
                = (uint64_t)off - pos < sizeof zeros ? (size_t)((uint64_t)off - pos) : sizeof zeros;
            EVP_DigestUpdate (md, zeros, z);
            pos += z;
          }
      pos = (uint64_t)off;
      if (ino->head && pos < ino->head_len)
        {
          size_t n = ino->head_len - (size_t)pos < size ? ino->head_len - (size_t)pos : size;
          memcpy (ino->head + pos, buf, n);
        }
      if (ino->kept)
        memcpy (ino->data + pos, buf, size);
      if (md)
        EVP_DigestUpdate (md, buf, size);
      pos += size;
    }
  if (md)
    {
      if (ret == 0)
        {
          uint8_t d[EVP_MAX_MD_SIZE];
          unsigned int dl = 0;
          while (pos < ino->size)
            {
              size_t z = ino->size - pos < sizeof zeros ? (size_t)(ino->size - pos) : sizeof zeros;
              EVP_DigestUpdate (md, zeros, z);
              pos += z;
            }
          EVP_DigestFinal_ex (md, d, &dl);
          ino->sha256 = og_xmalloc (2 * dl + 1);
          og_hex (d, dl, ino->sha256);
        }
      EVP_MD_CTX_free (md);
    }
  return ret;
}

/* The parent directory of PATH, made (as an implicit 0755 directory) when the
   layer did not list it; a non-directory in the way is replaced.  */
static img_node *
ensure_parent (img_source *im, const char *path, int layer)
{
  img_node *cur = im->root;
  const char *s = path + 1;
  og_buf key = { 0 };
  cur->seen = layer;
  for (;;)
    {
      size_t len = strcspn (s, "/");
      img_node *c;
      if (s[len] == '\0')
        break;
      og_buf_putc (&key, '/');
      og_buf_append (&key, s, len);
      c = lookup (im, key.data);
      if (c && !is_dir (c))
        {
          node_delete (im, c);
          c = NULL;
        }
      if (c == NULL)
        {
          img_ino *ino = ino_new ();
          ino->mode = S_IFDIR | 0755;
          c = node_new (im, cur, key.data, ino, layer);
        }
      c->seen = layer;
      cur = c;
      s += len + 1;
    }
  og_buf_free (&key);
  return cur;
}

static int
apply_whiteout (layer_ctx *lc, const char *path, const char *base)
{
  img_source *im = lc->im;
  img_node *parent = ensure_parent (im, path, lc->index);
  if (strcmp (base, ".wh..wh..opq") == 0)
    {
      prune_lower (im, parent, lc->index);
      return 0;
    }
  if (og_str_has_prefix (base, ".wh..wh."))
    return 0; /* aufs bookkeeping (.wh..wh.plnk, ...) */
  {
    const char *name = base + 4;
    og_buf key = { 0 };
    img_node *victim;
    if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
      return og_error_set (lc->err, 0, "%s: invalid whiteout `%s`", lc->name, path);
    og_buf_printf (&key, "%s/%s", parent->parent ? parent->path : "", name);
    victim = lookup (im, key.data);
    og_buf_free (&key);
    /* A whiteout hides lower layers only, never what this layer wrote.  */
    if (victim && victim->seen < lc->index)
      node_delete (im, victim);
  }
  return 0;
}

static int
copy_xattrs (struct archive_entry *e, img_ino *ino)
{
  const char *name;
  const void *value;
  size_t size;
  archive_entry_xattr_reset (e);
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    if (name && strcmp (name, "security.capability") == 0 && size > 0 && size <= 64)
      {
        free (ino->cap);
        ino->cap = og_xmalloc (size);
        memcpy (ino->cap, value, size);
        ino->cap_len = size;
      }
  return 0;
}

static int
apply_entry (layer_ctx *lc, struct archive *a, struct archive_entry *e)
{
  img_source *im = lc->im;
  cleanup_free char *path = NULL;
  const char *base, *hl;
  img_node *parent, *old;
  img_ino *ino;
  uint32_t mode = (uint32_t)archive_entry_mode (e);
  int type = archive_entry_filetype (e);

  if (layer_path (lc, archive_entry_pathname (e), &path) < 0)
    return -1;
  if (strcmp (path, "/") == 0)
    {
      if (type == AE_IFDIR)
        {
          im->root->ino->mode = mode;
          im->root->ino->uid = (uint32_t)archive_entry_uid (e);
          im->root->ino->gid = (uint32_t)archive_entry_gid (e);
        }
      return read_entry_data (lc, a, path, im->root->ino, false, false);
    }
  base = strrchr (path, '/') + 1;
  if (og_str_has_prefix (base, ".wh."))
    {
      if (apply_whiteout (lc, path, base) < 0)
        return -1;
      return read_entry_data (lc, a, path, &(img_ino){ 0 }, false, false);
    }
  parent = ensure_parent (im, path, lc->index);
  old = lookup (im, path);

  hl = archive_entry_hardlink (e);
  if (hl)
    {
      cleanup_free char *target = NULL;
      img_node *t;
      if (layer_path (lc, hl, &target) < 0)
        return -1;
      t = lookup (im, target);
      if (t == NULL || is_dir (t))
        return og_error_set (lc->err, 0, "%s: hard link `%s` to `%s`: no such file", lc->name, path,
                             target);
      if (t == old)
        return read_entry_data (lc, a, path, &(img_ino){ 0 }, false, false);
      if (old)
        node_delete (im, old);
      t->ino->refs++;
      node_new (im, parent, path, t->ino, lc->index);
      return read_entry_data (lc, a, path, &(img_ino){ 0 }, false, false);
    }

  if (old && is_dir (old) && type == AE_IFDIR)
    {
      /* A directory over a directory merges: new metadata, same contents.  */
      ino = old->ino;
      old->layer = old->seen = lc->index;
      free (ino->cap);
      ino->cap = NULL;
      ino->cap_len = 0;
    }
  else
    {
      if (old)
        node_delete (im, old);
      ino = ino_new ();
      node_new (im, parent, path, ino, lc->index);
    }
  ino->mode = mode;
  ino->uid = (uint32_t)archive_entry_uid (e);
  ino->gid = (uint32_t)archive_entry_gid (e);
  copy_xattrs (e, ino);
  if (type == AE_IFLNK)
    {
      const char *sl = archive_entry_symlink (e);
      if (sl == NULL || *sl == '\0' || strlen (sl) > OG_MAX_PATH)
        return og_error_set (lc->err, 0, "%s: symlink `%s`: empty or too long target", lc->name,
                             path);
      ino->link = og_xstrdup (sl);
      ino->size = strlen (sl);
    }
  if (type == AE_IFREG)
    {
      ino->size = archive_entry_size_is_set (e) ? (uint64_t)archive_entry_size (e) : 0;
      return read_entry_data (lc, a, path, ino, og_entry_is_executable (mode), want_kept (path));
    }
  return read_entry_data (lc, a, path, &(img_ino){ 0 }, false, false);
}

/* Stream the layer in ST, apply it as layer INDEX, and check the digest of
   its bytes against EXPECT ("sha256:..."); SIZE (or -1) is the size the
   manifest claims.  */
static int
apply_layer (img_source *im, img_stream *st, int index, const char *expect, int64_t size,
             og_error **err)
{
  cleanup_free char *name = og_xasprintf ("layer %d (%s)", index, expect);
  layer_ctx lc = { im, st, index, name, err };
  struct archive *a = new_reader (err);
  struct archive_entry *e;
  char got[72];
  int r, ret = 0;

  if (a == NULL)
    return -1;
  if (archive_read_open2 (a, &lc, NULL, layer_read_cb, NULL, NULL) != ARCHIVE_OK)
    {
      og_error_set (err, 0, "%s: %s", name, archive_error_string (a));
      archive_read_free (a);
      return -1;
    }
  while ((r = archive_read_next_header (a, &e)) != ARCHIVE_EOF)
    {
      if (r < ARCHIVE_WARN)
        {
          ret = og_error_set (err, 0, "%s: %s", name, archive_error_string (a));
          break;
        }
      if (++im->entries > OG_IMAGE_MAX_ENTRIES)
        {
          ret = og_error_set (err, 0, "%s: more than %u entries in the image", name,
                              OG_IMAGE_MAX_ENTRIES);
          break;
        }
      if (check_layer_bytes (&lc, a) < 0 || apply_entry (&lc, a, e) < 0)
        {
          ret = -1;
          break;
        }
    }
  archive_read_free (a);
  /* The rest of the blob (end-of-archive padding) counts for the digest.
     After a failure too: a blob that does not hash right is reported as
     that, not as whatever its damaged bytes made the tar reader say.  */
  for (;;)
    {
      const void *p;
      ssize_t n = st->err ? -1 : stream_read (st, &p);
      if (n < 0 && ret < 0)
        return ret;
      if (n < 0)
        return og_error_set (err, 0, "%s: %s", name, st->err->msg);
      if (n == 0)
        break;
    }
  stream_digest (st, got);
  if (ret < 0 && strcmp (got, expect) != 0 && err && *err)
    {
      og_error_free (*err);
      *err = NULL;
    }
  else if (ret < 0)
    return ret;
  if (size >= 0 && st->total != (uint64_t)size)
    return og_error_set (err, 0, "%s: %llu bytes, the manifest says %lld", name,
                         (unsigned long long)st->total, (long long)size);
  if (strcmp (got, expect) != 0)
    return og_error_set (err, 0, "%s: digest mismatch: the bytes hash to %s", name, got);
  return 0;
}

static int
stream_layer (img_source *im, img_store *store, const char *member, int index, const char *expect,
              int64_t size, og_error **err)
{
  img_stream st;
  uint64_t sz = 0;
  int r = store_stream (store, member, &st, &sz, err);
  if (r == 1)
    return og_error_set (err, ENOENT, "layer %d (%s): blob `%s` is missing", index, expect, member);
  if (r < 0)
    return -1;
  r = apply_layer (im, &st, index, expect, size, err);
  stream_close (&st);
  return r;
}

/* ---- the source operations --------------------------------------------- */

static int
cmp_nodes (const void *a, const void *b)
{
  return strcmp ((*(img_node *const *)a)->name, (*(img_node *const *)b)->name);
}

static img_node **
sorted_children (img_node *dir, size_t *n)
{
  size_t cnt = 0, i = 0;
  img_node **v;
  for (img_node *c = dir->first; c; c = c->next)
    cnt++;
  v = og_xcalloc (cnt + 1, sizeof *v);
  for (img_node *c = dir->first; c; c = c->next)
    v[i++] = c;
  qsort (v, cnt, sizeof *v, cmp_nodes);
  *n = cnt;
  return v;
}

static void
fill_entry (img_node *n, og_entry *e)
{
  img_ino *ino = n->ino;
  memset (e, 0, sizeof *e);
  e->path = n->path;
  e->mode = ino->mode;
  e->uid = ino->uid;
  e->gid = ino->gid;
  e->size = (ino->mode & S_IFMT) == S_IFREG || (ino->mode & S_IFMT) == S_IFLNK ? ino->size : 0;
  e->nlink = ino->refs;
  if (is_dir (n))
    {
      e->nlink = 2;
      for (img_node *c = n->first; c; c = c->next)
        e->nlink += is_dir (c);
    }
  e->link_target = ino->link;
  if (og_entry_is_executable (ino->mode))
    {
      e->head = ino->head;
      e->head_len = ino->head_len;
      e->sha256 = ino->sha256;
    }
  e->cap = ino->cap;
  e->cap_len = ino->cap_len;
  e->layer = n->layer;
}

static int
walk_dir (img_node *dir, og_walk_fn fn, void *ud, og_error **err)
{
  size_t n;
  cleanup_free img_node **kids = sorted_children (dir, &n);
  for (size_t i = 0; i < n; i++)
    {
      og_entry e;
      fill_entry (kids[i], &e);
      if (fn (&e, ud, err) < 0)
        return -1;
      if (is_dir (kids[i]) && walk_dir (kids[i], fn, ud, err) < 0)
        return -1;
    }
  return 0;
}

static int
img_walk (og_source *s, unsigned flags, og_walk_fn fn, void *ud, og_error **err)
{
  img_source *im = (img_source *)s;
  if ((flags & OG_WALK_SHA256) && !im->sha256)
    return og_error_set (err, EINVAL,
                         "%s: digests were not computed while the layers streamed "
                         "(open the image with the sha256 option)",
                         s->info.path);
  return walk_dir (im->root, fn, ud, err);
}

static int
img_read_file (og_source *s, const char *path, size_t max, uint8_t **data, size_t *len,
               og_error **err)
{
  img_source *im = (img_source *)s;
  img_node *n;
  const uint8_t *src;
  size_t srclen;
  int r = resolve (im, path, true, &n, err);
  if (r != 0)
    return r;
  if ((n->ino->mode & S_IFMT) != S_IFREG)
    return og_error_set (err, EISDIR, "%s: not a regular file", path);
  if (n->ino->kept)
    {
      src = n->ino->data;
      srclen = n->ino->data_len;
    }
  else if (n->ino->head && n->ino->head_len == n->ino->size)
    {
      src = n->ino->head;
      srclen = n->ino->head_len;
    }
  else if (n->ino->size == 0)
    {
      src = (const uint8_t *)"";
      srclen = 0;
    }
  else
    return og_error_set (err, 0,
                         "%s: the image source keeps only package databases and "
                         "os-release in memory",
                         path);
  if (srclen > max)
    return og_error_set (err, EFBIG, "%s: %zu bytes, more than %zu", path, srclen, max);
  *data = og_xmalloc (srclen + 1);
  memcpy (*data, src, srclen);
  (*data)[srclen] = 0;
  *len = srclen;
  return 0;
}

static int
img_list_dir (og_source *s, const char *path, char ***names, size_t *n, og_error **err)
{
  img_source *im = (img_source *)s;
  img_node *d;
  size_t cnt;
  cleanup_free img_node **kids = NULL;
  char **v;
  int r = resolve (im, path, true, &d, err);
  if (r != 0)
    return r;
  if (!is_dir (d))
    return 1;
  kids = sorted_children (d, &cnt);
  v = og_xcalloc (cnt + 1, sizeof *v);
  for (size_t i = 0; i < cnt; i++)
    v[i] = og_xstrdup (kids[i]->name);
  *names = v;
  *n = cnt;
  return 0;
}

static int
img_resolve_dir (og_source *s, const char *path, char **out, og_error **err)
{
  img_source *im = (img_source *)s;
  img_node *d;
  int r = resolve (im, path, true, &d, err);
  if (r != 0)
    return r;
  if (!is_dir (d))
    return 1;
  *out = og_xstrdup (d->path);
  return 0;
}

static void
img_free (og_source *s)
{
  img_source *im = (img_source *)s;
  if (im == NULL)
    return;
  if (im->root)
    node_delete (im, im->root);
  og_strmap_clear (&im->nodes, NULL);
  og_source_info_clear (&s->info);
  free (im);
}

static const og_source_ops img_ops = {
  .walk = img_walk,
  .read_file = img_read_file,
  .list_dir = img_list_dir,
  .resolve_dir = img_resolve_dir,
  .free = img_free,
};

/* ---- choosing the image: platforms and names --------------------------- */

const char *
og_image_host_platform (void)
{
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#elif defined(__i386__)
  return "linux/386";
#elif defined(__arm__)
  return "linux/arm/v7";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "linux/ppc64le";
#elif defined(__s390x__)
  return "linux/s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "linux/riscv64";
#else
  return "linux/unknown";
#endif
}

static bool
platform_matches (json_t *p, const char *want)
{
  char os[64] = "", arch[64] = "", variant[64] = "";
  const char *jos = json_string_value (json_object_get (p, "os"));
  const char *jarch = json_string_value (json_object_get (p, "architecture"));
  const char *jvar = json_string_value (json_object_get (p, "variant"));
  if (sscanf (want, "%63[^/]/%63[^/]/%63s", os, arch, variant) < 2)
    return false;
  if (!og_str_eq (jos, os) || !og_str_eq (jarch, arch))
    return false;
  return variant[0] == '\0' || og_str_eq (jvar, variant);
}

static char *
platform_text (json_t *p)
{
  const char *v = json_string_value (json_object_get (p, "variant"));
  return og_xasprintf ("%s/%s%s%s", json_string_value (json_object_get (p, "os")) ?: "?",
                       json_string_value (json_object_get (p, "architecture")) ?: "?", v ? "/" : "",
                       v ? v : "");
}

static const char *
ref_name (json_t *desc)
{
  return json_string_value (
      json_object_get (json_object_get (desc, "annotations"), "org.opencontainers.image.ref.name"));
}

static bool
is_index_type (const char *mt)
{
  return og_str_eq (mt, "application/vnd.oci.image.index.v1+json")
         || og_str_eq (mt, "application/vnd.docker.distribution.manifest.list.v2+json");
}

/* Pick one descriptor of MANIFESTS by NAME|INDEX (opts->image).  Returns the
   index, or -1 with an error listing the choices.  */
static ssize_t
pick_by_name (json_t *list, const char *want, const char *what,
              bool (*has_name) (json_t *, const char *), char *(*describe) (json_t *),
              og_error **err)
{
  size_t i, n = json_array_size (list);
  og_buf choices = { 0 };
  ssize_t found = -1;
  if (want)
    {
      char *end;
      unsigned long v = strtoul (want, &end, 10);
      if (*want && *end == '\0' && v < n)
        return (ssize_t)v;
      for (i = 0; i < n; i++)
        if (has_name (json_array_get (list, i), want))
          return (ssize_t)i;
    }
  for (i = 0; i < n; i++)
    {
      char *d = describe (json_array_get (list, i));
      og_buf_printf (&choices, "%s%zu: %s", i ? ", " : "", i, d);
      free (d);
    }
  if (want)
    og_error_set (err, ENOENT, "%s: no image `%s`; choose one of: %s", what, want,
                  choices.data ?: "");
  else
    og_error_set (err, 0, "%s holds %zu images; choose one with --image NAME|INDEX: %s", what, n,
                  choices.data ?: "");
  og_buf_free (&choices);
  return found;
}

static bool
oci_has_name (json_t *d, const char *want)
{
  const char *r = ref_name (d);
  const char *colon;
  if (r == NULL)
    return false;
  if (strcmp (r, want) == 0)
    return true;
  /* "localhost/app:1" names the descriptor whose ref.name is "1" or the whole.  */
  colon = strrchr (want, ':');
  return colon && strchr (colon, '/') == NULL && strcmp (r, colon + 1) == 0;
}

static char *
oci_describe (json_t *d)
{
  const char *r = ref_name (d);
  json_t *p = json_object_get (d, "platform");
  cleanup_free char *pt = p ? platform_text (p) : NULL;
  return og_xasprintf ("%s%s%s%s", r ? r : json_string_value (json_object_get (d, "digest")) ?: "?",
                       pt ? " (" : "", pt ? pt : "", pt ? ")" : "");
}

static bool
docker_has_name (json_t *d, const char *want)
{
  size_t i;
  json_t *t;
  json_array_foreach (json_object_get (d, "RepoTags"), i,
                      t) if (og_str_eq (json_string_value (t), want)) return true;
  return false;
}

static char *
docker_describe (json_t *d)
{
  json_t *tags = json_object_get (d, "RepoTags");
  const char *t = json_string_value (json_array_get (tags, 0));
  return og_xstrdup (t ? t : json_string_value (json_object_get (d, "Config")) ?: "?");
}

/* ---- opening ----------------------------------------------------------- */

typedef struct open_ctx
{
  img_source *im;
  img_store store;
  const og_source_options *opts;
  const char *what; /* the path, for messages */
  const char *tag;  /* oci:DIR:TAG */
} open_ctx;

static void
add_str (char ***v, size_t *n, const char *s)
{
  *v = og_xreallocarray (*v, *n + 1, sizeof **v);
  (*v)[(*n)++] = og_xstrdup (s);
}

static int
check_platform_config (open_ctx *oc, json_t *config, og_error **err)
{
  if (oc->opts && oc->opts->platform && !platform_matches (config, oc->opts->platform))
    {
      cleanup_free char *have = platform_text (config);
      return og_error_set (err, 0, "%s: the image is for %s, not %s", oc->what, have,
                           oc->opts->platform);
    }
  return 0;
}

/* The config: its digest checked, rootfs.diff_ids returned.  */
static json_t *
load_config (open_ctx *oc, const char *member, const char *digest, og_error **err)
{
  json_t *config = load_json (&oc->store, member, digest, err);
  json_t *ids;
  if (config == NULL)
    return NULL;
  ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  if (!json_is_array (ids))
    {
      json_decref (config);
      og_error_set (err, 0, "%s: config `%s`: no rootfs.diff_ids", oc->what, member);
      return NULL;
    }
  if (check_platform_config (oc, config, err) < 0)
    {
      json_decref (config);
      return NULL;
    }
  return config;
}

/* The hex digest in a member name such as "HEX.json", "HEX.tar",
   "HEX/layer.tar" or "blobs/sha256/HEX", or NULL.  */
static char *
digest_in_name (const char *member)
{
  const char *s = member;
  while (*s)
    {
      size_t n = strspn (s, "0123456789abcdef");
      if (n == 64 && (s == member || s[-1] == '/') && (s[64] == '\0' || s[64] == '.'))
        return og_xasprintf ("sha256:%.64s", s);
      s += n ? n : 1;
    }
  return NULL;
}

static int
open_docker_archive (open_ctx *oc, og_error **err)
{
  img_source *im = oc->im;
  json_t *manifest = load_json (&oc->store, "manifest.json", NULL, err);
  json_t *entry, *layers, *ids, *config = NULL, *tags;
  const char *cfgname;
  cleanup_free char *cfgdigest = NULL;
  char cfggot[72];
  ssize_t pick = 0;
  size_t i;
  int ret = -1;

  if (manifest == NULL)
    return -1;
  if (!json_is_array (manifest) || json_array_size (manifest) == 0)
    {
      og_error_set (err, 0, "%s: manifest.json: not a non-empty array", oc->what);
      goto done;
    }
  if (json_array_size (manifest) > 1 || (oc->opts && oc->opts->image))
    pick = pick_by_name (manifest, oc->opts ? oc->opts->image : NULL, oc->what, docker_has_name,
                         docker_describe, err);
  if (pick < 0)
    goto done;
  entry = json_array_get (manifest, (size_t)pick);
  cfgname = json_string_value (json_object_get (entry, "Config"));
  layers = json_object_get (entry, "Layers");
  if (cfgname == NULL || !json_is_array (layers))
    {
      og_error_set (err, 0, "%s: manifest.json: entry %zd has no Config or Layers", oc->what, pick);
      goto done;
    }
  cfgdigest = digest_in_name (cfgname);
  {
    /* The config is named by its digest: check it.  */
    cleanup_free uint8_t *data = NULL;
    size_t len;
    int r = store_read (&oc->store, cfgname, OG_IMAGE_JSON_MAX, &data, &len, cfggot, err);
    if (r == 1)
      og_error_set (err, ENOENT, "%s: config `%s` is missing", oc->what, cfgname);
    if (r != 0)
      goto done;
    if (cfgdigest && strcmp (cfgdigest, cfggot) != 0)
      {
        og_error_set (err, 0, "%s: config `%s`: digest mismatch: the bytes hash to %s", oc->what,
                      cfgname, cfggot);
        goto done;
      }
    config = parse_json (data, len, cfgname, err);
    if (config == NULL)
      goto done;
  }
  ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  if (!json_is_array (ids) || json_array_size (ids) != json_array_size (layers))
    {
      og_error_set (err, 0, "%s: config `%s`: rootfs.diff_ids does not match the %zu layers",
                    oc->what, cfgname, json_array_size (layers));
      goto done;
    }
  if (check_platform_config (oc, config, err) < 0)
    goto done;
  im->base.info.config_digest = og_xstrdup (cfggot);
  tags = json_object_get (entry, "RepoTags");
  for (i = 0; i < json_array_size (tags); i++)
    if (json_string_value (json_array_get (tags, i)))
      add_str (&im->base.info.tags, &im->base.info.n_tags,
               json_string_value (json_array_get (tags, i)));
  for (i = 0; i < json_array_size (layers); i++)
    {
      const char *member = json_string_value (json_array_get (layers, i));
      const char *diff = json_string_value (json_array_get (ids, i));
      if (member == NULL || !valid_digest (diff))
        {
          og_error_set (err, 0, "%s: layer %zu: bad member name or diff_id", oc->what, i);
          goto done;
        }
      add_str (&im->base.info.layers, &im->base.info.n_layers, diff);
    }
  for (i = 0; i < json_array_size (layers); i++)
    {
      const char *member = json_string_value (json_array_get (layers, i));
      const char *diff = json_string_value (json_array_get (ids, i));
      /* docker-archive layers are the uncompressed tars the diff_ids name.  */
      if (stream_layer (im, &oc->store, member, (int)i, diff, -1, err) < 0)
        goto done;
    }
  ret = 0;
done:
  json_decref (manifest);
  json_decref (config);
  return ret;
}

/* Choose a manifest descriptor from an index: by --image, by the tag of
   oci:DIR:TAG, by platform.  Nested indexes are followed (depth 4).  Returns
   a new reference to the descriptor.  */
static json_t *
choose_manifest (open_ctx *oc, json_t *index, int depth, const char **tag, og_error **err)
{
  json_t *list = json_object_get (index, "manifests");
  json_t *cands = json_array (), *desc = NULL;
  const char *want_platform = oc->opts && oc->opts->platform ? oc->opts->platform : NULL;
  size_t i, n_plat = 0;
  json_t *d;

  if (!json_is_array (list) || json_array_size (list) == 0)
    {
      og_error_set (err, 0, "%s: index has no manifests", oc->what);
      goto fail;
    }
  if (depth == 0 && (oc->tag || (oc->opts && oc->opts->image)))
    {
      const char *want = oc->tag ? oc->tag : oc->opts->image;
      ssize_t k = pick_by_name (list, want, oc->what, oci_has_name, oci_describe, err);
      if (k < 0)
        goto fail;
      json_array_append (cands, json_array_get (list, (size_t)k));
    }
  else
    json_array_foreach (list, i, d)
    {
      json_t *p = json_object_get (d, "platform");
      /* Attestations and other non-images carry "unknown/unknown".  */
      if (p && og_str_eq (json_string_value (json_object_get (p, "os")), "unknown"))
        continue;
      json_array_append (cands, d);
    }
  json_array_foreach (cands, i, d) n_plat += json_object_get (d, "platform") != NULL;
  if (json_array_size (cands) > 1 && n_plat == json_array_size (cands))
    {
      /* A multi-platform index: the asked platform, else the host's.  */
      const char *want = want_platform ? want_platform : og_image_host_platform ();
      json_t *match = json_array ();
      json_array_foreach (cands, i, d) if (platform_matches (json_object_get (d, "platform"), want))
          json_array_append (match, d);
      if (json_array_size (match) != 1)
        {
          og_buf b = { 0 };
          json_array_foreach (cands, i, d)
          {
            char *t = platform_text (json_object_get (d, "platform"));
            og_buf_printf (&b, "%s%s", i ? ", " : "", t);
            free (t);
          }
          og_error_set (
              err, 0, "%s: %s platform %s in the index; choose with --platform: %s", oc->what,
              json_array_size (match) ? "more than one image for" : "no image for", want, b.data);
          og_buf_free (&b);
          json_decref (match);
          goto fail;
        }
      json_decref (cands);
      cands = match;
    }
  else if (json_array_size (cands) > 1)
    {
      ssize_t k = pick_by_name (cands, NULL, oc->what, oci_has_name, oci_describe, err);
      (void)k;
      goto fail;
    }
  desc = json_incref (json_array_get (cands, 0));
  if (depth == 0 && ref_name (desc))
    *tag = ref_name (desc);
  if (desc && is_index_type (json_string_value (json_object_get (desc, "mediaType"))))
    {
      const char *dg = json_string_value (json_object_get (desc, "digest"));
      cleanup_free char *name = NULL;
      json_t *sub, *r;
      if (depth >= 4 || !valid_digest (dg))
        {
          og_error_set (err, 0, "%s: nested index too deep or with a bad digest", oc->what);
          goto fail;
        }
      name = blob_name (dg);
      sub = load_json (&oc->store, name, dg, err);
      if (sub == NULL)
        goto fail;
      r = choose_manifest (oc, sub, depth + 1, tag, err);
      /* *tag points into the top-level index, which outlives sub.  */
      json_decref (sub);
      json_decref (desc);
      desc = r;
    }
  json_decref (cands);
  return desc;
fail:
  json_decref (desc);
  json_decref (cands);
  return NULL;
}

static int
open_oci (open_ctx *oc, og_error **err)
{
  img_source *im = oc->im;
  json_t *index = load_json (&oc->store, "index.json", NULL, err);
  json_t *desc = NULL, *manifest = NULL, *config = NULL, *layers, *ids;
  const char *tag = NULL, *mdigest, *cdigest;
  cleanup_free char *mname = NULL;
  cleanup_free char *cname = NULL;
  size_t i;
  int ret = -1;

  if (index == NULL)
    return -1;
  desc = choose_manifest (oc, index, 0, &tag, err);
  if (desc == NULL)
    goto done;
  mdigest = json_string_value (json_object_get (desc, "digest"));
  if (!valid_digest (mdigest))
    {
      og_error_set (err, 0, "%s: index: manifest descriptor without a sha256 digest", oc->what);
      goto done;
    }
  mname = blob_name (mdigest);
  manifest = load_json (&oc->store, mname, mdigest, err);
  if (manifest == NULL)
    goto done;
  cdigest = json_string_value (json_object_get (json_object_get (manifest, "config"), "digest"));
  layers = json_object_get (manifest, "layers");
  if (!valid_digest (cdigest) || !json_is_array (layers))
    {
      og_error_set (err, 0, "%s: manifest %s: no config digest or layers", oc->what, mdigest);
      goto done;
    }
  cname = blob_name (cdigest);
  config = load_config (oc, cname, cdigest, err);
  if (config == NULL)
    goto done;
  ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  if (json_array_size (ids) != json_array_size (layers))
    {
      og_error_set (err, 0, "%s: config %s: %zu diff_ids for %zu layers", oc->what, cdigest,
                    json_array_size (ids), json_array_size (layers));
      goto done;
    }
  im->base.info.manifest_digest = og_xstrdup (mdigest);
  im->base.info.config_digest = og_xstrdup (cdigest);
  if (tag)
    add_str (&im->base.info.tags, &im->base.info.n_tags, tag);
  for (i = 0; i < json_array_size (layers); i++)
    {
      const char *dg = json_string_value (json_object_get (json_array_get (layers, i), "digest"));
      if (!valid_digest (dg))
        {
          og_error_set (err, 0, "%s: manifest %s: layer %zu without a sha256 digest", oc->what,
                        mdigest, i);
          goto done;
        }
      add_str (&im->base.info.layers, &im->base.info.n_layers, dg);
    }
  for (i = 0; i < json_array_size (layers); i++)
    {
      json_t *l = json_array_get (layers, i);
      const char *dg = json_string_value (json_object_get (l, "digest"));
      json_t *sz = json_object_get (l, "size");
      cleanup_free char *bname = blob_name (dg);
      if (stream_layer (im, &oc->store, bname, (int)i, dg,
                        json_is_integer (sz) ? json_integer_value (sz) : -1, err)
          < 0)
        goto done;
    }
  ret = 0;
done:
  json_decref (index);
  json_decref (desc);
  json_decref (manifest);
  json_decref (config);
  return ret;
}

enum img_kind
{
  KIND_NONE,
  KIND_DOCKER_ARCHIVE,
  KIND_OCI_ARCHIVE,
  KIND_OCI_LAYOUT,
};

/* What the outer tar holds: one pass over its headers.  */
static int
detect_archive (const char *path, enum img_kind *kind, og_error **err)
{
  struct archive *a = outer_open (path, err);
  struct archive_entry *e;
  bool manifest = false, layout = false, index = false;
  int r;
  if (a == NULL)
    {
      if (err && *err && (*err)->status != ENOENT && (*err)->status != EACCES
          && (*err)->status != ELIBACC)
        {
          og_error_freep (err);
          og_error_set (err, 0,
                        "`%s` is neither a directory nor an image archive: give a root "
                        "filesystem directory, docker-archive:PATH, oci-archive:PATH or oci:DIR",
                        path);
        }
      return -1;
    }
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      const char *n = archive_entry_pathname (e);
      n = n ? norm_member (n) : "";
      manifest |= strcmp (n, "manifest.json") == 0;
      layout |= strcmp (n, "oci-layout") == 0;
      index |= strcmp (n, "index.json") == 0;
    }
  if (r != ARCHIVE_EOF)
    {
      og_error_set (err, 0, "%s: not an image archive: %s", path, archive_error_string (a));
      archive_read_free (a);
      return -1;
    }
  archive_read_free (a);
  if (manifest)
    *kind = KIND_DOCKER_ARCHIVE;
  else if (layout && index)
    *kind = KIND_OCI_ARCHIVE;
  else
    return og_error_set (err, 0,
                         "%s: a tar without manifest.json or oci-layout and index.json: "
                         "not an image archive",
                         path);
  return 0;
}

static const char *const kind_names[] = {
  [KIND_NONE] = "dir",
  [KIND_DOCKER_ARCHIVE] = "docker-archive",
  [KIND_OCI_ARCHIVE] = "oci-archive",
  [KIND_OCI_LAYOUT] = "oci",
};

static bool
is_dir_path (const char *p)
{
  struct stat st;
  return stat (p, &st) == 0 && S_ISDIR (st.st_mode);
}

/* Split SPEC into kind, path and tag.  Returns 0, 1 for a plain directory.  */
static int
parse_spec (const char *spec, enum img_kind *kind, char **path, char **tag, og_error **err)
{
  struct stat st;
  *tag = NULL;
  if (og_str_has_prefix (spec, "docker-archive:"))
    {
      *kind = KIND_DOCKER_ARCHIVE;
      *path = og_xstrdup (spec + 15);
      return 0;
    }
  if (og_str_has_prefix (spec, "oci-archive:"))
    {
      *kind = KIND_OCI_ARCHIVE;
      *path = og_xstrdup (spec + 12);
      return 0;
    }
  if (og_str_has_prefix (spec, "oci:"))
    {
      const char *rest = spec + 4;
      const char *colon = strrchr (rest, ':');
      *kind = KIND_OCI_LAYOUT;
      if (colon && !is_dir_path (rest) && strchr (colon, '/') == NULL)
        {
          *path = og_xstrndup (rest, (size_t)(colon - rest));
          *tag = og_xstrdup (colon + 1);
        }
      else
        *path = og_xstrdup (rest);
      return 0;
    }
  if (stat (spec, &st) < 0)
    return og_error_set (err, errno, "`%s`", spec);
  *path = og_xstrdup (spec);
  if (S_ISDIR (st.st_mode))
    {
      cleanup_free char *marker = og_xasprintf ("%s/oci-layout", spec);
      if (access (marker, F_OK) != 0)
        return 1;
      *kind = KIND_OCI_LAYOUT;
      return 0;
    }
  if (!S_ISREG (st.st_mode))
    return og_error_set (err, 0, "`%s`: neither a directory nor an image archive", spec);
  return detect_archive (spec, kind, err);
}

int
og_source_open_image (const char *spec, const og_source_options *opts, og_source **out,
                      og_error **err)
{
  enum img_kind kind = KIND_NONE;
  cleanup_free char *path = NULL;
  cleanup_free char *tag = NULL;
  open_ctx oc = { 0 };
  img_source *im;
  img_ino *rino;
  int r;

  r = parse_spec (spec, &kind, &path, &tag, err);
  if (r != 0)
    return r;
  im = og_xcalloc (1, sizeof *im);
  im->base.ops = &img_ops;
  im->base.info.kind = og_xstrdup (kind_names[kind]);
  im->base.info.path = og_xstrdup (path);
  im->sha256 = opts && opts->sha256;
  rino = ino_new ();
  rino->mode = S_IFDIR | 0755;
  im->root = og_xcalloc (1, sizeof *im->root);
  im->root->path = og_xstrdup ("/");
  im->root->name = im->root->path + 1;
  im->root->ino = rino;
  im->root->layer = -1;

  oc.im = im;
  oc.opts = opts;
  oc.what = path;
  oc.tag = tag;
  oc.store.dirfd = -1;
  if (kind == KIND_OCI_LAYOUT)
    {
      oc.store.dirfd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (oc.store.dirfd < 0)
        r = og_error_set (err, errno, "open `%s`", path);
    }
  else
    oc.store.archive = og_xstrdup (path);
  if (r == 0)
    r = kind == KIND_DOCKER_ARCHIVE ? open_docker_archive (&oc, err) : open_oci (&oc, err);
  store_clear (&oc.store);
  if (r < 0)
    {
      img_free (&im->base);
      return -1;
    }
  *out = &im->base;
  return 0;
}
