/* What the dpkg readers share (dpkg.c: status and status.d stanzas;
   dpkg_relations.c: Depends-style fields; dpkg_files.c: .list, .md5sums and
   diversions): a bounded view of text and the line reader.  Internal to
   pkgdb/.  */
#ifndef OG_PKGDB_DPKG_INT_H
#define OG_PKGDB_DPKG_INT_H

#include <string.h>

#include "base/reader.h"
#include "base/util.h"
#include "catalog/pkgdb/pkgdb.h"

/* No real control line comes near this; a longer one is an attack or garbage.  */
#define OG_DPKG_LINE_MAX (1u << 20)
/* Longer than any path a kernel accepts (PATH_MAX is 4096).  */
#define OG_DPKG_PATH_MAX 65536u

typedef struct span
{
  const char *p; /* NULL when absent */
  size_t n;
} span;

static inline bool
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static inline void
trim (const char **p, size_t *n)
{
  while (*n > 0 && is_blank ((*p)[0]))
    {
      (*p)++;
      (*n)--;
    }
  while (*n > 0 && is_blank ((*p)[*n - 1]))
    (*n)--;
}

/* Line number (1-based) of byte offset off.  */
static inline size_t
line_of (const uint8_t *data, size_t off)
{
  size_t line = 1;
  const uint8_t *p = data, *end = data + off;
  while (p < end && (p = memchr (p, '\n', (size_t)(end - p))) != NULL)
    {
      line++;
      p++;
    }
  return line;
}

static inline int
check_no_nul (const uint8_t *data, size_t len, const char *name, og_error **err)
{
  const uint8_t *nul = len ? memchr (data, '\0', len) : NULL;
  if (nul)
    return og_error_set (err, 0, "%s:%zu: NUL byte in a text database", name,
                         line_of (data, (size_t)(nul - data)));
  return 0;
}

/* Next line, or false at the end; a too-long line is an error (*rc = -1).  */
static inline bool
next_line (og_reader *r, size_t max, size_t *lineno, const char *name, const char **line, size_t *n,
           int *rc, og_error **err)
{
  *rc = 0;
  if (og_reader_at_end (r))
    return false;
  (*lineno)++;
  if (!og_reader_line (r, max, line, n))
    {
      *rc = og_error_set_code (err, OG_ERR_LIMIT, 0, "%s:%zu: line longer than %zu bytes", name,
                               *lineno, max);
      return false;
    }
  return true;
}

static inline bool
is_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* dpkg lib/dpkg/parse.c pkg_name_is_illegal: an alphanumeric first, then
   alphanumerics and "-+._".  Names also end up in info/<name>.list paths.  */
static inline bool
valid_pkg_name (span s)
{
  if (s.n == 0 || !isalnum ((unsigned char)s.p[0]))
    return false;
  for (size_t i = 1; i < s.n; i++)
    if (!isalnum ((unsigned char)s.p[i]) && strchr ("-+._", s.p[i]) == NULL)
      return false;
  return true;
}

/* dpkg lib/dpkg/arch.c: alphanumerics and '-'.  */
static inline bool
valid_arch (span s)
{
  if (s.n == 0)
    return false;
  for (size_t i = 0; i < s.n; i++)
    if (!isalnum ((unsigned char)s.p[i]) && s.p[i] != '-')
      return false;
  return true;
}

/* A relationship field (Depends, Pre-Depends, Recommends with alternatives
   when alt; Provides without) into out; *clause counts the clauses.  FIELD,
   NAME and LINE are for the message of a malformed relation.  */
int og_dpkg_parse_relations (span s, bool alt, og_dep_kind kind, og_pkg_deps *out, uint32_t *clause,
                             const char *field, const char *name, size_t line, og_error **err);

#endif
