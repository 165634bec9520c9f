/* What the version-order files share (version.c: rpm and dpkg,
   version_apk.c: apk): a bounded view of a version string and the digit and
   segment comparisons every ecosystem's rules are built from.  Internal to
   catalog/.  */
#ifndef OG_CATALOG_VERSION_SPAN_H
#define OG_CATALOG_VERSION_SPAN_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

/* A read-only view of part of a version string.  ch() returns 0 past the
   end, which stands for the NUL the upstream code tests for.  */
typedef struct vspan
{
  const char *p;
  size_t n;
} vspan;

static inline vspan
span_of (const char *s)
{
  vspan v = { s ? s : "", s ? strlen (s) : 0 };
  return v;
}

static inline vspan
span_sub (vspan s, size_t from, size_t to)
{
  vspan v;
  if (to > s.n)
    to = s.n;
  if (from > to)
    from = to;
  v.p = s.p + from;
  v.n = to - from;
  return v;
}

static inline int
ch (vspan s, size_t i)
{
  return i < s.n ? (unsigned char)s.p[i] : 0;
}

static inline bool
is_digit (int c)
{
  return c >= '0' && c <= '9';
}

static inline bool
is_alpha (int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool
span_eq (vspan a, vspan b)
{
  return a.n == b.n && (a.n == 0 || memcmp (a.p, b.p, a.n) == 0);
}

/* strcmp on two segments that contain no NUL: bytes first, then the shorter
   one first.  Returns -1, 0 or 1.  */
static inline int
seg_cmp (vspan a, vspan b)
{
  size_t n = a.n < b.n ? a.n : b.n;
  int r = n ? memcmp (a.p, b.p, n) : 0;
  if (r)
    return r < 0 ? -1 : 1;
  return a.n < b.n ? -1 : a.n > b.n;
}

/* Two runs of decimal digits compared as numbers of any length.  */
static inline int
digits_cmp (vspan a, vspan b)
{
  size_t i = 0, j = 0;
  while (i < a.n && a.p[i] == '0')
    i++;
  while (j < b.n && b.p[j] == '0')
    j++;
  a = span_sub (a, i, a.n);
  b = span_sub (b, j, b.n);
  if (a.n != b.n)
    return a.n < b.n ? -1 : 1;
  return seg_cmp (a, b);
}

#endif
