/* Byte streams of the image source and where they come from: a blob of an
   OCI layout (opened inside the layout with openat2) or a member of an outer
   tar (docker-archive, oci-archive), hashed on a second thread while it is
   read; and the JSON documents (index, manifest, config) read through them.
   Sources: OCI image-spec image-layout.md, descriptor.md (digests).  */
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>

#include "base/deadline.h"
#include "base/fileio.h"
#include "source/image/image_int.h"

/* Bytes read between two looks at the deadline.  */
#define STREAM_DEADLINE_STEP (4u << 20)

/* ---- the hasher thread --------------------------------------------------- */

static void *
hasher_main (void *arg)
{
  img_hasher *h = arg;
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
      og_digest_update (h->md, h->slot[tail], h->len[tail]);
      pthread_mutex_lock (&h->mu);
      tail = (tail + 1) % IMG_HASH_SLOTS;
      h->count--;
      pthread_cond_signal (&h->space);
    }
  pthread_mutex_unlock (&h->mu);
  return NULL;
}

static int
hasher_start (img_hasher *h, og_error **err)
{
  memset (h, 0, sizeof *h);
  if (og_digest_new (OG_DIGEST_SHA256, &h->md, err) < 0)
    return -1;
  pthread_mutex_init (&h->mu, NULL);
  pthread_cond_init (&h->more, NULL);
  pthread_cond_init (&h->space, NULL);
  /* Without a thread (none could be made) the reader hashes inline.  */
  h->running = pthread_create (&h->thread, NULL, hasher_main, h) == 0;
  return 0;
}

static void
hasher_feed (img_hasher *h, const uint8_t *p, size_t n)
{
  if (!h->running)
    {
      og_digest_update (h->md, p, n);
      return;
    }
  while (n > 0)
    {
      size_t k = n < IMG_HASH_SLOT_MAX ? n : IMG_HASH_SLOT_MAX;
      pthread_mutex_lock (&h->mu);
      while (h->count == IMG_HASH_SLOTS)
        pthread_cond_wait (&h->space, &h->mu);
      pthread_mutex_unlock (&h->mu);
      if (h->slot[h->head] == NULL)
        h->slot[h->head] = og_xmalloc (IMG_HASH_SLOT_MAX);
      memcpy (h->slot[h->head], p, k);
      h->len[h->head] = k;
      pthread_mutex_lock (&h->mu);
      h->head = (h->head + 1) % IMG_HASH_SLOTS;
      h->count++;
      pthread_cond_signal (&h->more);
      pthread_mutex_unlock (&h->mu);
      p += k;
      n -= k;
    }
}

/* Wait until every fed byte is hashed.  */
static void
hasher_join (img_hasher *h)
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
hasher_free (img_hasher *h)
{
  if (h->md == NULL)
    return; /* never started, or already freed */
  hasher_join (h);
  for (size_t i = 0; i < IMG_HASH_SLOTS; i++)
    free (h->slot[i]);
  og_digest_free (h->md);
  pthread_mutex_destroy (&h->mu);
  pthread_cond_destroy (&h->more);
  pthread_cond_destroy (&h->space);
  memset (h, 0, sizeof *h);
}

/* ---- streams ------------------------------------------------------------- */

static int
stream_init (img_stream *st, const char *name, og_error **err)
{
  memset (st, 0, offsetof (img_stream, buf));
  st->fd = -1;
  st->name = og_xstrdup (name);
  return hasher_start (&st->h, err);
}

void
img_stream_close (img_stream *st)
{
  if (st->fd >= 0)
    close (st->fd);
  img_archive_freep (&st->outer);
  hasher_free (&st->h);
  og_error_free (st->err);
  free (st->name);
  st->fd = -1;
  st->err = NULL;
  st->name = NULL;
}

ssize_t
img_stream_read (img_stream *st, const void **p)
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
      st->since_check += (uint64_t)n;
      if (st->since_check >= STREAM_DEADLINE_STEP)
        {
          st->since_check = 0;
          if (og_deadline_check (&st->err) < 0)
            {
              og_error_prefix (&st->err, "reading `%s`", st->name);
              return -1;
            }
        }
    }
  return n;
}

void
img_stream_digest (img_stream *st, og_oci_digest out)
{
  hasher_join (&st->h);
  memcpy (out, "sha256:", 7);
  og_digest_final_hex (st->h.md, out + 7);
}

/* ---- the store: an OCI layout directory or an outer tar ------------------ */

void
img_store_clear (img_store *s)
{
  if (s->dirfd >= 0)
    close (s->dirfd);
  free (s->archive);
  s->dirfd = -1;
  s->archive = NULL;
}

/* Fold "dir/../x" in a member name; false when it climbs out of the tar.  */
static bool
fold_dotdot (char *want)
{
  char *p;
  while ((p = strstr (want, "/../")))
    {
      char *q = p;
      while (q > want && q[-1] != '/')
        q--;
      memmove (q, p + 4, strlen (p + 4) + 1);
    }
  return strncmp (want, "../", 3) != 0;
}

/* Position a fresh reader of the outer archive at member NAME, following
   symlink members (podman writes ID/layer.tar -> ../HEX.tar).  Returns 0
   with *out and *size, 1 when there is no such member, -1 on error.  */
static int
outer_find (const char *path, const char *name, struct archive **out, uint64_t *size,
            og_error **err)
{
  cleanup_free char *want = og_xstrdup (img_norm_member (name));
  for (int hop = 0; hop < 8; hop++)
    {
      cleanup_archive struct archive *a = img_outer_open (path, err);
      struct archive_entry *e;
      bool relinked = false;
      int r;
      if (a == NULL)
        return -1;
      while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
        {
          const char *n = archive_entry_pathname (e);
          const char *sl;
          if (n == NULL || strcmp (img_norm_member (n), want) != 0)
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
              if (!fold_dotdot (want))
                return og_error_set (err, 0, "%s: member `%s` links outside the archive", path,
                                     name);
              relinked = true;
              break;
            }
          if (archive_entry_filetype (e) != AE_IFREG)
            return og_error_set (err, 0, "%s: member `%s` is not a regular file", path, name);
          *size = (uint64_t)archive_entry_size (e);
          *out = og_steal_pointer (&a);
          return 0;
        }
      if (relinked)
        continue;
      if (r < ARCHIVE_WARN)
        return og_error_set (err, 0, "%s: reading the archive: %s", path, archive_error_string (a));
      if (r == ARCHIVE_EOF)
        return 1;
    }
  return og_error_set (err, ELOOP, "%s: member `%s`: too many symbolic links", path, name);
}

/* Open a file of an OCI layout before looking at it: O_NONBLOCK so that a
   FIFO cannot block the open, O_NOFOLLOW so that the name is the file, then
   fstat: only a regular file is read.  */
static int
layout_open (int dirfd, const char *name, int *fd, og_error **err)
{
  struct open_how how = { .flags = O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  cleanup_close int r = og_openat2 (dirfd, name, &how);
  struct stat st;
  if (r < 0)
    {
      if (errno == ENOENT)
        return 1;
      if (errno == ELOOP)
        return og_error_set (err, 0, "image: `%s` is a symbolic link, not a regular file", name);
      return og_error_set (err, errno, "open `%s`", name);
    }
  if (fstat (r, &st) < 0)
    return og_error_set (err, errno, "stat `%s`", name);
  if (!S_ISREG (st.st_mode))
    return og_error_set (err, 0, "image: `%s` is %s, not a regular file", name,
                         img_file_type_name (st.st_mode));
  *fd = og_steal_fd (&r);
  return 0;
}

int
img_store_stream (img_store *s, const char *name, img_stream *st, uint64_t *size, og_error **err)
{
  int r = stream_init (st, name, err);
  if (r == 0 && s->dirfd >= 0)
    {
      struct stat sb;
      r = layout_open (s->dirfd, name, &st->fd, err);
      if (r == 0 && fstat (st->fd, &sb) == 0)
        *size = (uint64_t)sb.st_size;
    }
  else if (r == 0)
    r = outer_find (s->archive, name, &st->outer, size, err);
  if (r != 0)
    img_stream_close (st);
  return r;
}

static void
stream_closep (img_stream **st)
{
  if (*st)
    img_stream_close (*st);
}

int
img_store_read (img_store *s, const char *name, size_t max, uint8_t **data, size_t *len,
                og_oci_digest digest, og_error **err)
{
  img_stream st;
  __attribute__ ((cleanup (stream_closep))) img_stream *opened = NULL;
  __attribute__ ((cleanup (og_buf_free))) og_buf b = { 0 };
  uint64_t size = 0;
  int r = img_store_stream (s, name, &st, &size, err);
  if (r != 0)
    return r;
  opened = &st;
  if (size > max)
    return og_error_set_code (err, OG_ERR_LIMIT, 0,
                              "`%s`: %llu bytes, over the limit of %zu bytes for such a document",
                              name, (unsigned long long)size, max);
  for (;;)
    {
      const void *p;
      ssize_t n = img_stream_read (&st, &p);
      if (n < 0)
        {
          if (err && *err == NULL)
            *err = og_steal_pointer (&st.err); /* its code kept: the deadline, a read error */
          return -1;
        }
      if (n == 0)
        break;
      if (b.len + (size_t)n > max)
        return og_error_set_code (err, OG_ERR_LIMIT, 0,
                                  "`%s`: more than %zu bytes, the limit for such a document", name,
                                  max);
      og_buf_append (&b, p, (size_t)n);
    }
  if (digest)
    img_stream_digest (&st, digest);
  *len = b.len;
  *data = (uint8_t *)(b.data ? og_buf_steal (&b) : og_xcalloc (1, 1));
  return 0;
}

/* ---- JSON documents ------------------------------------------------------ */

bool
img_valid_digest (const char *d)
{
  return d && strncmp (d, "sha256:", 7) == 0 && og_is_sha256_hex (d + 7);
}

json_t *
img_parse_json (const uint8_t *data, size_t len, const char *name, og_error **err)
{
  json_error_t je;
  json_t *j = json_loadb ((const char *)data, len, JSON_REJECT_DUPLICATES, &je);
  if (j == NULL)
    og_error_set (err, 0, "%s:%d:%d: %s", name, je.line, je.column, je.text);
  return j;
}

json_t *
img_load_json (img_store *s, const char *name, const char *digest, og_error **err)
{
  cleanup_free uint8_t *data = NULL;
  size_t len = 0;
  og_oci_digest got;
  int r = img_store_read (s, name, OG_IMAGE_JSON_MAX, &data, &len, got, err);
  if (r == 1)
    og_error_set (err, ENOENT, "image: `%s` is missing", name);
  if (r != 0)
    return NULL;
  if (digest && strcmp (digest, got) != 0)
    {
      og_error_set (err, 0, "image: `%s`: digest mismatch: expected %s, got %s", name, digest, got);
      return NULL;
    }
  return img_parse_json (data, len, name, err);
}

char *
img_blob_name (const char *digest)
{
  return og_xasprintf ("blobs/sha256/%s", digest + 7);
}
