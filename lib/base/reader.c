/* The bounds-checked reader (see reader.h): every untrusted byte is read
   through these, never by pointer arithmetic on file data.  */
#include "base/reader.h"

bool
og_reader_u16_at (const og_reader *r, uint64_t off, bool big_endian, uint16_t *v)
{
  og_reader s;
  return og_reader_sub (r, off, 2, &s) && og_reader_u16 (&s, big_endian, v);
}

bool
og_reader_u32_at (const og_reader *r, uint64_t off, bool big_endian, uint32_t *v)
{
  og_reader s;
  return og_reader_sub (r, off, 4, &s) && og_reader_u32 (&s, big_endian, v);
}

bool
og_reader_u64_at (const og_reader *r, uint64_t off, bool big_endian, uint64_t *v)
{
  og_reader s;
  return og_reader_sub (r, off, 8, &s) && og_reader_u64 (&s, big_endian, v);
}

bool
og_reader_cstr_at (const og_reader *r, uint64_t off, size_t max, const char **s, size_t *n)
{
  const uint8_t *start, *nul;
  size_t avail;

  if (off >= r->len)
    return false;
  start = r->data + off;
  avail = r->len - off;
  if (avail > max)
    avail = max;
  nul = memchr (start, '\0', avail);
  if (nul == NULL)
    return false;
  *s = (const char *)start;
  *n = (size_t)(nul - start);
  return true;
}

bool
og_reader_cstr (og_reader *r, size_t max, const char **s, size_t *n)
{
  const char *p;
  size_t len;
  if (!og_reader_cstr_at (r, r->pos, max, &p, &len))
    return false;
  *s = p;
  *n = len;
  r->pos += len + 1;
  return true;
}

bool
og_reader_line (og_reader *r, size_t max, const char **line, size_t *n)
{
  const uint8_t *start, *nl;
  size_t avail, len;

  if (og_reader_at_end (r))
    return false;
  start = r->data + r->pos;
  avail = r->len - r->pos;
  nl = memchr (start, '\n', avail);
  len = nl ? (size_t)(nl - start) : avail;
  if (len > max)
    return false;
  *line = (const char *)start;
  *n = len;
  r->pos += nl ? len + 1 : len;
  return true;
}
