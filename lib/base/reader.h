/* The bounds-checked reader.  Every parser of untrusted bytes in ocigate reads
   through this: a cursor over a (data, len) span, getters that fail instead of
   reading past the end, and sub-readers for nested structures.  No parser does
   raw pointer arithmetic on file data.

   All getters return true on success and false when the bytes are not there;
   on failure the cursor does not move and the output is left untouched.  */
#ifndef OG_READER_H
#define OG_READER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct og_reader
{
  const uint8_t *data;
  size_t len;
  size_t pos;
} og_reader;

static inline void
og_reader_init (og_reader *r, const void *data, size_t len)
{
  r->data = data;
  r->len = data ? len : 0;
  r->pos = 0;
}

static inline size_t
og_reader_remaining (const og_reader *r)
{
  return r->len - r->pos;
}

static inline bool
og_reader_at_end (const og_reader *r)
{
  return r->pos >= r->len;
}

/* Is [off, off+n) inside the span?  Written to be immune to overflow.  */
static inline bool
og_span_ok (size_t len, uint64_t off, uint64_t n)
{
  return off <= len && n <= len - off;
}

static inline bool
og_reader_seek (og_reader *r, uint64_t off)
{
  if (off > r->len)
    return false;
  r->pos = off;
  return true;
}

static inline bool
og_reader_skip (og_reader *r, uint64_t n)
{
  if (!og_span_ok (r->len, r->pos, n))
    return false;
  r->pos += n;
  return true;
}

/* Point *out at the next n bytes and advance.  */
static inline bool
og_reader_bytes (og_reader *r, uint64_t n, const uint8_t **out)
{
  if (!og_span_ok (r->len, r->pos, n))
    return false;
  *out = r->data + r->pos;
  r->pos += n;
  return true;
}

static inline bool
og_reader_copy (og_reader *r, void *dst, size_t n)
{
  const uint8_t *p;
  if (!og_reader_bytes (r, n, &p))
    return false;
  memcpy (dst, p, n);
  return true;
}

/* A reader over [off, off+n) of r's span (absolute offsets, r's cursor does not move).  */
static inline bool
og_reader_sub (const og_reader *r, uint64_t off, uint64_t n, og_reader *sub)
{
  if (!og_span_ok (r->len, off, n))
    return false;
  og_reader_init (sub, r->data + off, n);
  return true;
}

static inline bool
og_reader_u8 (og_reader *r, uint8_t *v)
{
  if (og_reader_remaining (r) < 1)
    return false;
  *v = r->data[r->pos++];
  return true;
}

#define OG_READER_INT(name, type, n, expr)                                                         \
  static inline bool og_reader_##name (og_reader *r, type *v)                                      \
  {                                                                                                \
    const uint8_t *p;                                                                              \
    if (!og_reader_bytes (r, n, &p))                                                               \
      return false;                                                                                \
    *v = (expr);                                                                                   \
    return true;                                                                                   \
  }

OG_READER_INT (u16le, uint16_t, 2, (uint16_t)(p[0] | (p[1] << 8)))
OG_READER_INT (u16be, uint16_t, 2, (uint16_t)((p[0] << 8) | p[1]))
OG_READER_INT (u32le, uint32_t, 4,
               (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16)
                   | ((uint32_t)p[3] << 24))
OG_READER_INT (u32be, uint32_t, 4,
               ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8)
                   | (uint32_t)p[3])
OG_READER_INT (u64le, uint64_t, 8,
               (uint64_t)p[0] | ((uint64_t)p[1] << 8) | ((uint64_t)p[2] << 16)
                   | ((uint64_t)p[3] << 24) | ((uint64_t)p[4] << 32) | ((uint64_t)p[5] << 40)
                   | ((uint64_t)p[6] << 48) | ((uint64_t)p[7] << 56))
OG_READER_INT (u64be, uint64_t, 8,
               ((uint64_t)p[0] << 56) | ((uint64_t)p[1] << 48) | ((uint64_t)p[2] << 40)
                   | ((uint64_t)p[3] << 32) | ((uint64_t)p[4] << 24) | ((uint64_t)p[5] << 16)
                   | ((uint64_t)p[6] << 8) | (uint64_t)p[7])

#undef OG_READER_INT

/* Integers in a byte order chosen at run time (Berkeley DB files carry theirs).  */
static inline bool
og_reader_u16 (og_reader *r, bool big_endian, uint16_t *v)
{
  return big_endian ? og_reader_u16be (r, v) : og_reader_u16le (r, v);
}

static inline bool
og_reader_u32 (og_reader *r, bool big_endian, uint32_t *v)
{
  return big_endian ? og_reader_u32be (r, v) : og_reader_u32le (r, v);
}

static inline bool
og_reader_u64 (og_reader *r, bool big_endian, uint64_t *v)
{
  return big_endian ? og_reader_u64be (r, v) : og_reader_u64le (r, v);
}

/* Random access without moving the cursor.  */
bool og_reader_u16_at (const og_reader *r, uint64_t off, bool big_endian, uint16_t *v);
bool og_reader_u32_at (const og_reader *r, uint64_t off, bool big_endian, uint32_t *v);
bool og_reader_u64_at (const og_reader *r, uint64_t off, bool big_endian, uint64_t *v);

/* A NUL-terminated string that starts at the cursor and ends (NUL included)
   within max bytes and within the span.  *s points into the data; *n is the
   length without the NUL.  The cursor moves past the NUL.  */
bool og_reader_cstr (og_reader *r, size_t max, const char **s, size_t *n);

/* The same at an absolute offset, without moving the cursor.  */
bool og_reader_cstr_at (const og_reader *r, uint64_t off, size_t max, const char **s, size_t *n);

/* The next line (without its '\n'; a final line without '\n' counts).  Fails at
   the end of the data or when a line is longer than max.  */
bool og_reader_line (og_reader *r, size_t max, const char **line, size_t *n);

#endif
