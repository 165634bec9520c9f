/* Version constraints of manifest rules (">= 1:1.0.2k, < 1:1.1"), parsed
   once and evaluated with the rules of the package's own ecosystem
   (catalog/version.c: rpmvercmp, dpkg, apk), never as strings.  */
#include <ctype.h>

#include "catalog/constraint.h"
#include "base/util.h"
#include "catalog/version.h"

const char *
og_cmp_op_name (og_cmp_op op)
{
  switch (op)
    {
    case OG_CMP_EQ:
      return "=";
    case OG_CMP_NE:
      return "!=";
    case OG_CMP_LT:
      return "<";
    case OG_CMP_LE:
      return "<=";
    case OG_CMP_GT:
      return ">";
    case OG_CMP_GE:
      return ">=";
    default:
      return "?";
    }
}

static bool
version_valid_any (og_pkg_type type, const char *v)
{
  if (type)
    return og_version_valid (type, v);
  return og_version_valid (OG_PKG_RPM, v) || og_version_valid (OG_PKG_DEB, v)
         || og_version_valid (OG_PKG_APK, v);
}

void
og_vconstraint_clear (og_vconstraint *c)
{
  for (size_t i = 0; i < c->n; i++)
    free (c->terms[i].version);
  free (c->terms);
  memset (c, 0, sizeof *c);
}

static int
parse_term (const char *s, size_t len, og_pkg_type type, og_vterm *t, const char **why)
{
  size_t i = 0, end = len;
  while (i < len && isspace ((unsigned char)s[i]))
    i++;
  while (end > i && isspace ((unsigned char)s[end - 1]))
    end--;
  if (i == end)
    return *why = "an empty term: expected \"OP VERSION\" (OP one of = != < <= > >=)", -1;
  t->op = OG_CMP_EQ;
  if (s[i] == '=' && i + 1 < end && s[i + 1] == '=')
    i += 2;
  else if (s[i] == '=')
    i += 1;
  else if (s[i] == '!' && i + 1 < end && s[i + 1] == '=')
    t->op = OG_CMP_NE, i += 2;
  else if (s[i] == '<' && i + 1 < end && s[i + 1] == '=')
    t->op = OG_CMP_LE, i += 2;
  else if (s[i] == '>' && i + 1 < end && s[i + 1] == '=')
    t->op = OG_CMP_GE, i += 2;
  else if (s[i] == '<')
    t->op = OG_CMP_LT, i += 1;
  else if (s[i] == '>')
    t->op = OG_CMP_GT, i += 1;
  else if (!isalnum ((unsigned char)s[i]))
    return *why = "expected an operator (= != < <= > >=) or a version", -1;
  while (i < end && isspace ((unsigned char)s[i]))
    i++;
  if (i == end)
    return *why = "an operator without a version", -1;
  for (size_t j = i; j < end; j++)
    if (isspace ((unsigned char)s[j]) || s[j] == '<' || s[j] == '>' || s[j] == '=' || s[j] == '!')
      return *why = "a version has no spaces or operators inside; join terms with ','", -1;
  t->version = og_xstrndup (s + i, end - i);
  if (!version_valid_any (type, t->version))
    {
      free (t->version);
      t->version = NULL;
      return *why = "not a valid version for the package type", -1;
    }
  return 0;
}

int
og_vconstraint_parse (const char *text, og_pkg_type type, og_vconstraint *out, const char **why)
{
  const char *p = text;
  size_t cap = 0;

  memset (out, 0, sizeof *out);
  for (;;)
    {
      const char *comma = strchr (p, ',');
      size_t len = comma ? (size_t)(comma - p) : strlen (p);
      og_vterm t = { 0 };
      if (out->n >= 64 || parse_term (p, len, type, &t, why) < 0)
        {
          if (out->n >= 64)
            *why = "more than 64 terms";
          og_vconstraint_clear (out);
          return -1;
        }
      og_grow (&out->terms, &cap, out->n + 1, sizeof *out->terms);
      out->terms[out->n++] = t;
      if (!comma)
        return 0;
      p = comma + 1;
    }
}

bool
og_vconstraint_eval (const og_vconstraint *c, og_pkg_type type, const char *evr)
{
  for (size_t i = 0; i < c->n; i++)
    {
      int r = og_version_cmp (type, evr, c->terms[i].version);
      bool ok;
      switch (c->terms[i].op)
        {
        case OG_CMP_EQ:
          ok = r == 0;
          break;
        case OG_CMP_NE:
          ok = r != 0;
          break;
        case OG_CMP_LT:
          ok = r < 0;
          break;
        case OG_CMP_LE:
          ok = r <= 0;
          break;
        case OG_CMP_GT:
          ok = r > 0;
          break;
        case OG_CMP_GE:
          ok = r >= 0;
          break;
        default:
          ok = false;
          break;
        }
      if (!ok)
        return false;
    }
  return true;
}
