/* dpkg relationship fields: Depends, Pre-Depends, Recommends and Provides,
   with alternatives ("a | b"), version constraints ("(>= 1.2)"), and the
   architecture qualifiers and restriction lists ("[amd64]", "<!nocheck>")
   that an installed package's status may still carry.  Source:
   deb-control(5), deb-src-control(5), dpkg lib/dpkg/fields.c
   (f_dependency).  */
#include <ctype.h>
#include <strings.h>

#include "catalog/pkgdb/dpkg_int.h"

static bool
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
skip_space (span s, size_t *i)
{
  while (*i < s.n && is_space (s.p[*i]))
    (*i)++;
}

/* "(op version)" at s.p[*i] == '('.  */
static int
parse_relation_version (span s, size_t *i, uint32_t *sense, span *ver)
{
  static const struct
  {
    const char *op;
    uint32_t sense;
  } ops[] = {
    { "<<", OG_DEP_LESS },
    { "<=", OG_DEP_LESS | OG_DEP_EQUAL },
    { ">>", OG_DEP_GREATER },
    { ">=", OG_DEP_GREATER | OG_DEP_EQUAL },
    { "=", OG_DEP_EQUAL },
    { "<", OG_DEP_LESS | OG_DEP_EQUAL }, /* obsolete, dpkg reads it as <= */
    { ">", OG_DEP_GREATER | OG_DEP_EQUAL },
  };
  size_t k;

  (*i)++;
  skip_space (s, i);
  for (k = 0; k < OG_ARRAY_SIZE (ops); k++)
    {
      size_t n = strlen (ops[k].op);
      if (s.n - *i >= n && memcmp (s.p + *i, ops[k].op, n) == 0)
        break;
    }
  if (k == OG_ARRAY_SIZE (ops))
    return -1;
  *sense = ops[k].sense;
  *i += strlen (ops[k].op);
  skip_space (s, i);
  ver->p = s.p + *i;
  while (*i < s.n && !is_space (s.p[*i]) && s.p[*i] != ')')
    (*i)++;
  ver->n = (size_t)(s.p + *i - ver->p);
  skip_space (s, i);
  if (ver->n == 0 || *i >= s.n || s.p[*i] != ')')
    return -1;
  (*i)++;
  return 0;
}

/* Skip a "[...]" or "<...>" restriction list.  */
static int
skip_restriction (span s, size_t *i, char close)
{
  const char *end = memchr (s.p + *i, close, s.n - *i);
  if (end == NULL)
    return -1;
  *i = (size_t)(end - s.p) + 1;
  return 0;
}

/* One "name[:arch] [(op version)] [restrictions]".  */
static int
parse_alternative (span s, size_t *i, og_pkg_deps *out, uint32_t clause, og_dep_kind kind)
{
  span nm, ver = { NULL, 0 };
  uint32_t sense = 0;

  skip_space (s, i);
  nm.p = s.p + *i;
  while (*i < s.n && !is_space (s.p[*i]) && strchr ("(|,:[<", s.p[*i]) == NULL)
    (*i)++;
  nm.n = (size_t)(s.p + *i - nm.p);
  if (!valid_pkg_name (nm))
    return -1;
  if (*i < s.n && s.p[*i] == ':')
    while (*i < s.n && !is_space (s.p[*i]) && strchr ("(|,[<", s.p[*i]) == NULL)
      (*i)++;
  skip_space (s, i);
  if (*i < s.n && s.p[*i] == '(' && parse_relation_version (s, i, &sense, &ver) < 0)
    return -1;
  for (;;)
    {
      skip_space (s, i);
      if (*i < s.n && s.p[*i] == '[')
        {
          if (skip_restriction (s, i, ']') < 0)
            return -1;
        }
      else if (*i < s.n && s.p[*i] == '<')
        {
          if (skip_restriction (s, i, '>') < 0)
            return -1;
        }
      else
        break;
    }
  og_pkg_deps_add (out, nm.p, nm.n, ver.p, ver.n, sense, clause, kind);
  return 0;
}

/* The clauses of a relationship field into out; false when malformed.
   alt: whether '|' is allowed (not in Provides).  */
static bool
scan_relations (span s, bool alt, og_dep_kind kind, og_pkg_deps *out, uint32_t *clause)
{
  size_t i = 0;

  skip_space (s, &i);
  while (i < s.n)
    {
      for (;;)
        {
          if (parse_alternative (s, &i, out, *clause, kind) < 0)
            return false;
          skip_space (s, &i);
          if (!(i < s.n && s.p[i] == '|' && alt))
            break;
          i++;
        }
      (*clause)++;
      if (i < s.n && s.p[i] != ',')
        return false;
      if (i < s.n)
        i++;
      skip_space (s, &i);
    }
  return true;
}

/* A relationship field into out; *clause counts the clauses.  */
int
og_dpkg_parse_relations (span s, bool alt, og_dep_kind kind, og_pkg_deps *out, uint32_t *clause,
                         const char *field, const char *name, size_t line, og_error **err)
{
  size_t before = out->n;

  if (scan_relations (s, alt, kind, out, clause))
    return 0;
  while (out->n > before)
    {
      out->n--;
      free (out->v[out->n].name);
      free (out->v[out->n].version);
    }
  return og_error_set (err, 0, "%s:%zu: %s: malformed relation in '%.*s'", name, line, field,
                       (int)(s.n > 200 ? 200 : s.n), s.p);
}
