/* Licenses as SPDX expressions (license.h).
   Sources: the machine-readable debian/copyright format 1.0
   (www.debian.org/doc/packaging-manuals/copyright-format/1.0/: paragraphs
   in deb822 syntax, the header's Format: field, License: synopses with
   "or", "and", "with ... exception" and commas of lower precedence, the
   short names of its "License specification" table) and the SPDX 2.3
   specification, annex D (license expressions); the identifiers are the
   SPDX license list's (spdx_ids.h).  */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/reader.h"
#include "base/util.h"
#include "catalog/license.h"
#include "catalog/spdx_ids.h"

/* The SPDX list's identifier equal to name[0, len) without regard to case
   (zlib -> Zlib, BSD-3-clause -> BSD-3-Clause), or NULL.  */
static const char *
list_id (const char *name, size_t len)
{
  size_t lo = 0, hi = OG_ARRAY_SIZE (og_spdx_ids);
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      const char *id = og_spdx_ids[mid];
      int c = strncasecmp (id, name, len);
      if (c == 0 && id[len] != '\0')
        c = 1;
      if (c == 0)
        return id;
      if (c < 0)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* Debian's short names that are not SPDX identifiers.  */
static const struct
{
  const char *debian;
  const char *spdx;
} aliases[] = {
  { "Expat", "MIT" },        { "Apache-2", "Apache-2.0" },     { "Artistic", "Artistic-1.0" },
  { "CC0", "CC0-1.0" },      { "Python", "Python-2.0" },       { "MPL-2", "MPL-2.0" },
  { "Zope-2.1", "ZPL-2.1" }, { "Artistic-2", "Artistic-2.0" },
};

/* The exceptions of "with X exception", by X.  */
static const struct
{
  const char *name;
  const char *spdx;
} exceptions[] = {
  { "Bison", "Bison-exception-2.2" },
  { "Autoconf", "Autoconf-exception-3.0" }, /* Autoconf-exception-2.0 with GPL-2 */
  { "GCC", "GCC-exception-3.1" },
  { "GCC-3.1", "GCC-exception-3.1" },
  { "Classpath", "Classpath-exception-2.0" },
  { "Font", "Font-exception-2.0" },
  { "Linux-syscall-note", "Linux-syscall-note" },
  { "LLVM", "LLVM-exception" },
  { "Libtool", "Libtool-exception" },
  { "Texinfo", "Texinfo-exception" },
};

/* An identifier of the SPDX list exactly as it is written there.  */
static bool
is_list_id (const char *s, size_t n)
{
  const char *id = list_id (s, n);
  return id && strncmp (id, s, n) == 0;
}

/* GPL-2, GPL-2+, GPLv3+, LGPL-2.1+, GFDL-NIV-1.3+, GPL-2.0+, bare GPL (any
   version): the GNU family as SPDX names it.  */
static const char *
gnu_family (const char *name, size_t len, char buf[64])
{
  static const struct
  {
    const char *prefix;
    const char *spdx;
    const char *any; /* the version of a bare name */
    const char *versions[3];
  } fam[] = {
    { "GFDL-NIV", "GFDL", "1.1", { "1.1", "1.2", "1.3" } },
    { "AGPL", "AGPL", "1.0", { "1.0", "3.0", NULL } },
    { "LGPL", "LGPL", "2.0", { "2.0", "2.1", "3.0" } },
    { "GFDL", "GFDL", "1.1", { "1.1", "1.2", "1.3" } },
    { "GPL", "GPL", "1.0", { "1.0", "2.0", "3.0" } },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (fam); i++)
    {
      size_t pl = strlen (fam[i].prefix), vl;
      const char *v = name + pl;
      char ver[8];
      bool later;

      if (len < pl || strncasecmp (name, fam[i].prefix, pl) != 0)
        continue;
      vl = len - pl;
      if (vl == 0 || (vl == 1 && *v == '+'))
        {
          snprintf (buf, 64, "%s-%s-or-later", fam[i].spdx, fam[i].any);
          return buf;
        }
      if (*v != '-' && *v != 'v')
        return NULL;
      v++, vl--;
      later = vl > 0 && v[vl - 1] == '+';
      vl -= later;
      if (vl == 0 || vl > 4 || !isdigit ((unsigned char)v[0]))
        return NULL;
      snprintf (ver, sizeof ver, "%.*s%s", (int)vl, v, memchr (v, '.', vl) ? "" : ".0");
      for (size_t k = 0; k < 3; k++)
        if (fam[i].versions[k] && strcmp (ver, fam[i].versions[k]) == 0)
          {
            snprintf (buf, 64, "%s-%s%s-%s", fam[i].spdx, ver,
                      strcmp (fam[i].prefix, "GFDL-NIV") == 0 ? "-no-invariants" : "",
                      later ? "or-later" : "only");
            return buf;
          }
      return NULL;
    }
  return NULL;
}

const char *
og_license_spdx_id (const char *name, size_t len, char buf[64])
{
  const char *id;
  for (size_t i = 0; i < OG_ARRAY_SIZE (aliases); i++)
    if (strlen (aliases[i].debian) == len && strncasecmp (aliases[i].debian, name, len) == 0)
      return aliases[i].spdx;
  /* Debian's GNU names first: "GPL-2" is a deprecated list identifier
     that means GPL-2.0-only.  */
  id = gnu_family (name, len, buf);
  return id ? id : list_id (name, len);
}

/* ---- SPDX expressions ----------------------------------------------------- */

static bool
id_char (char c)
{
  return isalnum ((unsigned char)c) || c == '.' || c == '-';
}

bool
og_license_is_spdx_expression (const char *s)
{
  int depth = 0;
  bool want_id = true, after_with = false;

  while (*s)
    {
      size_t n = 0;

      if (*s == ' ')
        {
          s++;
          continue;
        }
      if (*s == '(' && want_id && !after_with)
        {
          depth++, s++;
          continue;
        }
      if (*s == ')' && !want_id)
        {
          if (--depth < 0)
            return false;
          s++;
          continue;
        }
      while (id_char (s[n]))
        n++;
      if (n == 0)
        return false;
      if ((n == 3 && strncmp (s, "AND", 3) == 0) || (n == 2 && strncmp (s, "OR", 2) == 0)
          || (n == 4 && strncmp (s, "WITH", 4) == 0))
        {
          if (want_id)
            return false;
          after_with = n == 4;
          want_id = true;
          s += n;
          continue;
        }
      if (!want_id)
        return false;
      if (!(n > 11 && strncmp (s, "LicenseRef-", 11) == 0 && !after_with) && !is_list_id (s, n))
        return false;
      s += n;
      if (*s == '+' && !after_with)
        s++;
      want_id = after_with = false;
    }
  return depth == 0 && !want_id;
}

/* ---- DEP-5 ------------------------------------------------------------------ */

#define DEP5_LINE_MAX  65536
#define DEP5_TERMS_MAX 64

static void
license_ref (og_buf *b, const char *s, size_t n)
{
  og_buf_puts (b, "LicenseRef-");
  for (size_t i = 0; i < n; i++)
    og_buf_putc (b, id_char (s[i]) ? s[i] : '-');
}

/* The next word of s[*i, n) (split at blanks and commas): its start and
   length; 0 at the end or at a comma.  */
static size_t
next_word (const char *s, size_t n, size_t *i, const char **w)
{
  size_t k;
  while (*i < n && (s[*i] == ' ' || s[*i] == '\t'))
    (*i)++;
  k = *i;
  while (k < n && s[k] != ' ' && s[k] != '\t' && s[k] != ',')
    k++;
  *w = s + *i;
  k -= *i;
  *i += k;
  return k;
}

static bool
word_is (const char *w, size_t n, const char *lit)
{
  return strlen (lit) == n && strncasecmp (w, lit, n) == 0;
}

/* The exception of "with X exception" (X of el bytes at e), with the
   license it is attached to (Autoconf's exception has one text per GPL).  */
static const char *
exception_id (const char *e, size_t el, const char *license)
{
  for (size_t k = 0; k < OG_ARRAY_SIZE (exceptions); k++)
    if (word_is (e, el, exceptions[k].name))
      {
        if (strcmp (exceptions[k].spdx, "Autoconf-exception-3.0") == 0 && license
            && strncmp (license, "GPL-2.0", 7) == 0)
          return "Autoconf-exception-2.0";
        return exceptions[k].spdx;
      }
  return NULL;
}

/* The license NAME (nl bytes) that the caller has just read, and the
   "with X... exception" that may follow it at s[*i]: appended to b as an
   SPDX term.  */
static void
one_license (og_buf *b, const char *s, size_t n, size_t *i, const char *name, size_t nl)
{
  char buf[64];
  const char *id = og_license_spdx_id (name, nl, buf);
  size_t save = *i, wl;
  const char *w, *e = NULL, *e_end = NULL;

  wl = next_word (s, n, i, &w);
  if (wl > 0 && word_is (w, wl, "with"))
    {
      while ((wl = next_word (s, n, i, &w)) > 0 && !word_is (w, wl, "exception"))
        {
          e = e ? e : w;
          e_end = w + wl;
        }
      if (wl > 0 && e)
        {
          const char *xid = exception_id (e, (size_t)(e_end - e), id);
          if (id && xid)
            og_buf_printf (b, "%s WITH %s", id, xid);
          else /* unknown: the whole as one reference */
            license_ref (b, name, (size_t)(s + *i - name));
          return;
        }
    }
  *i = save;
  if (id)
    og_buf_puts (b, id);
  else
    license_ref (b, name, nl);
}

/* A License: synopsis as an SPDX expression; NULL when empty.  Names
   without an operator between them ("BSD-3-clause GPL-2") are no
   expression: the synopsis is then one LicenseRef-.  "and/or" is taken as
   "or", the choice it offers.  */
static char *
synopsis_expression (const char *s, size_t n)
{
  og_buf b = { 0 };
  size_t i = 0, groups = 0;
  bool bad = false;

  while (i < n && !bad)
    {
      og_buf g = { 0 };
      size_t names = 0, wl;
      const char *w;
      const char *group_op = NULL;
      bool want_op = false;

      while (!bad && (wl = next_word (s, n, &i, &w)) > 0)
        {
          if (word_is (w, wl, "or") || word_is (w, wl, "and") || word_is (w, wl, "and/or"))
            {
              const char *op = word_is (w, wl, "and") ? "AND" : "OR";
              if (names == 0 && group_op == NULL && groups > 0)
                group_op = op;
              else if (!want_op)
                bad = true;
              else
                og_buf_printf (&g, " %s ", op);
              want_op = false;
              continue;
            }
          if (want_op)
            {
              bad = true;
              break;
            }
          one_license (&g, s, n, &i, w, wl);
          names++;
          want_op = true;
        }
      if (i < n && s[i] == ',')
        i++;
      bad = bad || (names > 0 && !want_op);
      if (names == 0 || bad)
        {
          og_buf_free (&g);
          continue;
        }
      if (groups > 0)
        og_buf_printf (&b, " %s ", group_op ? group_op : "AND");
      if (names > 1)
        og_buf_printf (&b, "(%s)", g.data);
      else
        og_buf_puts (&b, g.data);
      og_buf_free (&g);
      groups++;
    }
  if (bad)
    {
      og_buf_free (&b);
      while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
      license_ref (&b, s, n);
      return og_buf_steal (&b);
    }
  if (groups == 0)
    return NULL;
  /* One group of several names needs no parentheses of its own.  */
  if (groups == 1 && b.data[0] == '(')
    {
      size_t l = strlen (b.data);
      memmove (b.data, b.data + 1, l - 2);
      b.data[l - 2] = '\0';
    }
  return og_buf_steal (&b);
}

/* Does the expression have an OR outside parentheses (so that joining it
   with AND needs them)?  */
static bool
top_level_or (const char *t)
{
  int depth = 0;
  for (; *t; t++)
    {
      depth += *t == '(' ? 1 : *t == ')' ? -1 : 0;
      if (depth == 0 && strncmp (t, " OR ", 4) == 0)
        return true;
    }
  return false;
}

typedef struct dep5
{
  bool header_seen;
  bool is_dep5;
  bool has_files;
  char *synopsis; /* this paragraph's License: first line */
  size_t paragraph;
  char *terms[DEP5_TERMS_MAX];
  size_t n_terms;
} dep5;

/* "(A OR B)" -> "A OR B" when the first parenthesis closes at the end, so
   that one operand is written one way ("(A OR B) AND C" and "A OR B" share
   it); the join puts parentheses back where an OR needs them.  */
static void
strip_outer_parens (char *p)
{
  size_t l = strlen (p);
  int depth = 0;
  if (l < 2 || p[0] != '(' || p[l - 1] != ')')
    return;
  for (size_t i = 0; i < l; i++)
    {
      depth += p[i] == '(' ? 1 : p[i] == ')' ? -1 : 0;
      if (depth == 0 && i < l - 1)
        return;
    }
  memmove (p, p + 1, l - 2);
  p[l - 2] = '\0';
}

/* Add each top-level AND operand of t that is not there yet: AND is
   associative, so "GPL-3+" and "GPL-3+ and ISC" give GPL-3.0-or-later once.  */
static void
add_conjuncts (dep5 *d, const char *t)
{
  int depth = 0;
  const char *start = t;
  for (const char *c = t;; c++)
    {
      bool cut = *c == '\0' || (depth == 0 && strncmp (c, " AND ", 5) == 0);
      if (*c == '(')
        depth++;
      else if (*c == ')')
        depth--;
      if (cut)
        {
          char *piece = og_xstrndup (start, (size_t)(c - start));
          bool dup = false;
          strip_outer_parens (piece);
          for (size_t i = 0; i < d->n_terms && !dup; i++)
            dup = strcmp (d->terms[i], piece) == 0;
          if (dup || d->n_terms == DEP5_TERMS_MAX)
            free (piece);
          else
            d->terms[d->n_terms++] = piece;
          if (*c == '\0')
            return;
          start = c + 5;
          c += 4;
        }
    }
}

static void
end_paragraph (dep5 *d)
{
  if (d->synopsis && (d->paragraph == 0 || d->has_files))
    {
      cleanup_free char *t = synopsis_expression (d->synopsis, strlen (d->synopsis));
      if (t)
        add_conjuncts (d, t);
    }
  free (d->synopsis);
  d->synopsis = NULL;
  d->has_files = false;
  d->paragraph++;
}

static bool
blank (const char *l, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (l[i] != ' ' && l[i] != '\t' && l[i] != '\r')
      return false;
  return true;
}

/* One "Field: value" line (continuation lines never reach here).  */
static void
field (dep5 *d, const char *l, size_t n)
{
  const char *colon = memchr (l, ':', n);
  size_t k, vl;
  const char *v;

  if (colon == NULL)
    return;
  k = (size_t)(colon - l);
  v = colon + 1;
  vl = n - k - 1;
  while (vl > 0 && (*v == ' ' || *v == '\t'))
    v++, vl--;
  while (vl > 0 && (v[vl - 1] == ' ' || v[vl - 1] == '\t' || v[vl - 1] == '\r'))
    vl--;
  if (d->paragraph == 0 && (word_is (l, k, "Format") || word_is (l, k, "Format-Specification")))
    {
      cleanup_free char *val = og_xstrndup (v, vl);
      for (char *p = val; *p; p++)
        *p = (char)tolower ((unsigned char)*p);
      d->is_dep5 = strstr (val, "copyright-format") || strstr (val, "dep5");
    }
  else if (word_is (l, k, "Files"))
    d->has_files = true;
  else if (word_is (l, k, "License"))
    {
      free (d->synopsis);
      d->synopsis = og_xstrndup (v, vl);
    }
}

char *
og_license_from_dep5 (const uint8_t *data, size_t len)
{
  dep5 d = { 0 };
  og_reader r;
  const char *line;
  size_t n;
  og_buf out = { 0 };

  og_reader_init (&r, data, len);
  while (!og_reader_at_end (&r))
    {
      if (!og_reader_line (&r, DEP5_LINE_MAX, &line, &n))
        {
          d.is_dep5 = false; /* not deb822 text */
          break;
        }
      if (blank (line, n))
        {
          if (d.header_seen)
            end_paragraph (&d);
          d.header_seen = false;
          if (d.paragraph > 0 && !d.is_dep5)
            break;
          continue;
        }
      if (line[0] == '#' || line[0] == ' ' || line[0] == '\t')
        continue; /* a comment, or a continuation line (license text) */
      d.header_seen = true;
      field (&d, line, n);
    }
  if (d.header_seen)
    end_paragraph (&d);
  free (d.synopsis);
  for (size_t i = 0; i < d.n_terms; i++)
    {
      if (d.is_dep5)
        {
          bool paren = d.n_terms > 1 && top_level_or (d.terms[i]);
          og_buf_printf (&out, "%s%s%s%s", i ? " AND " : "", paren ? "(" : "", d.terms[i],
                         paren ? ")" : "");
        }
      free (d.terms[i]);
    }
  return d.is_dep5 && out.len ? og_buf_steal (&out) : (og_buf_free (&out), NULL);
}
