/* What the layer cache's files share (cache.c, snapshot.c, and
   runtime/hitmemo.c): the unsigned LEB128 varints of their payloads,
   written to an og_buf and read back through the reader, and the frame
   of their headers with its raw sha256 sums.  */
#ifndef OG_CATALOG_CACHE_INT_H
#define OG_CATALOG_CACHE_INT_H

#include "base/digest.h"
#include "base/reader.h"
#include "base/util.h"

static inline void
put_uv (og_buf *b, uint64_t v)
{
  uint8_t out[10];
  size_t n = 0;
  do
    {
      out[n] = (uint8_t)(v & 0x7f);
      v >>= 7;
      if (v)
        out[n] |= 0x80;
      n++;
    }
  while (v);
  og_buf_append (b, out, n);
}

static inline void
put_bytes (og_buf *b, const void *p, size_t n)
{
  put_uv (b, n);
  og_buf_append (b, p, n);
}

static inline bool
get_uv (og_reader *r, uint64_t *v)
{
  uint64_t out = 0;
  for (unsigned shift = 0; shift < 64; shift += 7)
    {
      uint8_t byte;
      if (!og_reader_u8 (r, &byte))
        return false;
      out |= (uint64_t)(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        {
          *v = out;
          return true;
        }
    }
  return false;
}

static inline bool
get_u32 (og_reader *r, uint32_t *v)
{
  uint64_t x;
  if (!get_uv (r, &x) || x > UINT32_MAX)
    return false;
  *v = (uint32_t)x;
  return true;
}

/* A string of at most max bytes, without NUL: put_bytes's form.  */
static inline void
put_str (og_buf *b, const char *s)
{
  put_bytes (b, s, strlen (s));
}

static inline bool
get_str (og_reader *r, size_t max, char **out)
{
  uint64_t n;
  const uint8_t *p;
  if (!get_uv (r, &n) || n > max || !og_reader_bytes (r, n, &p) || memchr (p, 0, n))
    return false;
  *out = og_xstrndup ((const char *)p, n);
  return true;
}

/* The longest name, version or message string the formats take.  */
#define OG_CACHE_MAX_STR 65536

/* A name as the bytes it shares with the previous one (prev, "" for
   none) and the rest, a string: the records' names and the snapshot's
   executable paths, which walk order keeps close.  */
static inline void
put_shared (og_buf *b, const char *prev, const char *s)
{
  size_t shared = 0;
  while (prev[shared] && prev[shared] == s[shared])
    shared++;
  put_uv (b, shared);
  put_str (b, s + shared);
}

/* put_shared's name back into out (room for max bytes and a NUL; out may
   be prev itself), its length into *len.  */
static inline bool
get_shared (og_reader *r, const char *prev, size_t max, char *out, size_t *len)
{
  uint64_t shared, n;
  const uint8_t *rest;
  if (!get_uv (r, &shared) || shared > strlen (prev) || shared > max || !get_uv (r, &n)
      || n > max - shared || !og_reader_bytes (r, n, &rest) || memchr (rest, 0, n))
    return false;
  memmove (out, prev, shared);
  memcpy (out + shared, rest, n);
  out[shared + n] = '\0';
  *len = shared + n;
  return true;
}

/* A string that may be absent: its length + 1, 0 when absent, then its
   bytes.  */
static inline void
put_opt (og_buf *b, const char *s)
{
  put_uv (b, s ? strlen (s) + 1 : 0);
  if (s)
    og_buf_append (b, s, strlen (s));
}

static inline bool
get_opt (og_reader *r, char **out)
{
  uint64_t n;
  const uint8_t *p;
  *out = NULL;
  if (!get_uv (r, &n) || n > OG_CACHE_MAX_STR + 1)
    return false;
  if (n == 0)
    return true;
  if (!og_reader_bytes (r, n - 1, &p) || memchr (p, 0, n - 1))
    return false;
  *out = og_xstrndup ((const char *)p, n - 1);
  return true;
}

/* N bytes of V, little-endian: the files' fixed-size header fields.  */
static inline void
put_le (og_buf *b, uint64_t v, size_t n)
{
  uint8_t out[8];
  for (size_t i = 0; i < n; i++)
    out[i] = (uint8_t)(v >> (8 * i));
  og_buf_append (b, out, n);
}

/* The frame both files are written in: magic (4 bytes), u32le format, the
   sha256 of key, u64le payload length, the sha256 of the payload, the
   payload.  -1 with *err, and nothing written, when a sum cannot be
   taken.  */
static inline int
put_frame (og_buf *out, const char *magic, uint32_t format, const char *key, const og_buf *body,
           og_error **err)
{
  uint8_t key_sum[OG_SHA256_LEN], body_sum[OG_SHA256_LEN];

  if (og_sha256_of (key, strlen (key), key_sum, err) < 0
      || og_sha256_of (body->data, body->len, body_sum, err) < 0)
    return -1;
  og_buf_append (out, magic, 4);
  put_le (out, format, 4);
  og_buf_append (out, key_sum, sizeof key_sum);
  put_le (out, body->len, 8);
  og_buf_append (out, body_sum, sizeof body_sum);
  og_buf_append (out, body->data, body->len);
  return 0;
}

/* Is the raw sha256 at p (OG_SHA256_LEN bytes) that of data?  1 when it
   is, 0 when it is not, -1 with *err when the sum cannot be taken.  */
static inline int
sha256_is (const uint8_t *p, const void *data, size_t len, og_error **err)
{
  uint8_t have[OG_SHA256_LEN];
  if (og_sha256_of (data, len, have, err) < 0)
    return -1;
  return memcmp (p, have, sizeof have) == 0;
}

#endif
