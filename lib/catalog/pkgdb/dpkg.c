/* dpkg databases as data: var/lib/dpkg/status, distroless status.d/<name>,
   info/<pkg>.list and info/<pkg>.md5sums.

   Source: deb822(5) and deb-control(5) for the stanza syntax, dpkg(1)
   "PACKAGE STATES" for the Status field, dpkg lib/dpkg/parse.c and
   lib/dpkg/fields.c for what dpkg itself accepts (read, not copied).

   Choices, where dpkg and the real world differ:
   - Trailing white space (including the '\r' of CRLF files) is not part of a
     value, as in dpkg.  A line holding only white space ends a stanza.
   - A stanza with no Package field, or an empty one ("Package:"), is skipped
     (dpkg refuses the empty one; real images carry them).
   - status: a stanza with no Status is "not-installed" (as in dpkg) and is
     dropped; an installed one with no Version is an error (as in dpkg).
   - status.d: a stanza with no Status is taken as installed and p->state is
     left NULL (the database says nothing); a stanza with no Version is skipped.
   - Installed-Size: its leading decimal digits, in KiB ("4KB" -> 4096 bytes);
     no digits, or a value that does not fit, gives 0.
   - Continuation lines are allowed after any field except the single-line
     fields this reader keeps (Package, Version, Architecture, Status, Source,
     Installed-Size, Essential, Priority), where they are an error.
   - Depends, Pre-Depends, Recommends and Provides (deb-control(5)
     "Package interrelationship fields", Debian Policy 7.1): "name[:arch]
     [(op version)]" alternatives joined by '|', clauses by ','; a folded
     value may span lines.  The ":arch" qualifier is dropped (an image holds
     one architecture's packages in practice), "[arch]" and "<profile>"
     restrictions (build fields only) are skipped; the obsolete "<" and ">"
     mean "<=" and ">=", as in dpkg.  A malformed relation is an error.
   - A NUL byte anywhere, a line longer than OG_DPKG_LINE_MAX or a line with no
     colon is an error that names the file and the line.
   On error, the packages this call appended are removed again.  */
#include <ctype.h>
#include <limits.h>
#include <strings.h>

#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/strmap.h"
#include "base/util.h"

/* No real control line comes near this; a longer one is an attack or garbage.  */
#define OG_DPKG_LINE_MAX (1u << 20)
/* Longer than any path a kernel accepts (PATH_MAX is 4096).  */
#define OG_DPKG_PATH_MAX 65536u

typedef struct span
{
  const char *p; /* NULL when absent */
  size_t n;
} span;

typedef struct stanza
{
  size_t line; /* first line, for messages */
  bool any;    /* saw a field */
  span package, version, arch, status, source, isize, essential, priority;
  span depends, predepends, recommends, provides; /* may span lines */
  span conffiles;                                 /* lines of " PATH HASH [obsolete]" */
} stanza;

typedef enum parse_mode
{
  MODE_STATUS,
  MODE_STATUSD,
} parse_mode;

static bool
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r';
}

static void
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
static size_t
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

static int
check_no_nul (const uint8_t *data, size_t len, const char *name, og_error **err)
{
  const uint8_t *nul = len ? memchr (data, '\0', len) : NULL;
  if (nul)
    return og_error_set (err, 0, "%s:%zu: NUL byte in a text database", name,
                         line_of (data, (size_t)(nul - data)));
  return 0;
}

/* Next line, or false at the end; a too-long line is an error (*rc = -1).  */
static bool
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

/* dpkg lib/dpkg/parse.c pkg_name_is_illegal: an alphanumeric first, then
   alphanumerics and "-+._".  Names also end up in info/<name>.list paths.  */
static bool
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
static bool
valid_arch (span s)
{
  if (s.n == 0)
    return false;
  for (size_t i = 0; i < s.n; i++)
    if (!isalnum ((unsigned char)s.p[i]) && s.p[i] != '-')
      return false;
  return true;
}

static int
find_word (const char *const *words, size_t n_words, const char *p, size_t n)
{
  for (size_t i = 0; i < n_words; i++)
    if (strlen (words[i]) == n && memcmp (words[i], p, n) == 0)
      return (int)i;
  return -1;
}

/* "want flag state" (dpkg(1) PACKAGE STATES).  Sets *keep when the files of
   the package may be on disk.  */
static int
parse_status (span s, bool *keep, const char *name, size_t line, og_error **err)
{
  static const char *const wants[] = { "unknown", "install", "hold", "deinstall", "purge" };
  static const char *const flags[] = { "ok", "reinstreq" };
  static const char *const states[]
      = { "not-installed",   "config-files",     "half-installed",   "unpacked",
          "half-configured", "triggers-awaited", "triggers-pending", "installed" };
  const char *w[3];
  size_t wn[3], i = 0, k;
  int state;

  for (k = 0; k < 3; k++)
    {
      while (i < s.n && s.p[i] == ' ')
        i++;
      w[k] = s.p + i;
      while (i < s.n && s.p[i] != ' ')
        i++;
      wn[k] = (size_t)(s.p + i - w[k]);
      if (wn[k] == 0)
        break;
    }
  while (i < s.n && s.p[i] == ' ')
    i++;
  if (k < 3 || i != s.n || find_word (wants, OG_ARRAY_SIZE (wants), w[0], wn[0]) < 0
      || find_word (flags, OG_ARRAY_SIZE (flags), w[1], wn[1]) < 0)
    return og_error_set (err, 0, "%s:%zu: Status '%.*s' is not 'want flag state'", name, line,
                         (int)(s.n > 200 ? 200 : s.n), s.p);
  state = find_word (states, OG_ARRAY_SIZE (states), w[2], wn[2]);
  if (state < 0)
    return og_error_set (err, 0, "%s:%zu: unknown package state '%.*s' in Status", name, line,
                         (int)(wn[2] > 200 ? 200 : wn[2]), w[2]);
  *keep = state >= 2; /* not not-installed, not config-files */
  return 0;
}

/* "[epoch:]upstream[-revision]" into p (dpkg lib/dpkg/parsehelp.c
   parseversion: the epoch is the number before the first colon).  */
static int
parse_version (span s, og_package *p, const char *name, size_t line, og_error **err)
{
  const char *colon = memchr (s.p, ':', s.n);
  const char *rest = s.p;
  size_t rest_n = s.n;

  for (size_t i = 0; i < s.n; i++)
    if (isspace ((unsigned char)s.p[i]))
      return og_error_set (err, 0, "%s:%zu: version '%.*s' has embedded spaces", name, line,
                           (int)(s.n > 200 ? 200 : s.n), s.p);
  if (colon)
    {
      size_t en = (size_t)(colon - s.p);
      uint64_t e = 0;
      if (en == 0)
        return og_error_set (err, 0, "%s:%zu: version '%.*s': empty epoch", name, line,
                             (int)(s.n > 200 ? 200 : s.n), s.p);
      for (size_t i = 0; i < en; i++)
        {
          if (!isdigit ((unsigned char)s.p[i]))
            return og_error_set (err, 0, "%s:%zu: version '%.*s': epoch is not a number", name,
                                 line, (int)(s.n > 200 ? 200 : s.n), s.p);
          e = e * 10 + (uint64_t)(s.p[i] - '0');
          if (e > INT_MAX)
            return og_error_set (err, 0, "%s:%zu: version '%.*s': epoch is too big", name, line,
                                 (int)(s.n > 200 ? 200 : s.n), s.p);
        }
      p->has_epoch = true;
      p->epoch = (uint32_t)e;
      rest = colon + 1;
      rest_n = s.n - en - 1;
    }
  if (rest_n == 0)
    return og_error_set (err, 0, "%s:%zu: version '%.*s': nothing after the epoch", name, line,
                         (int)(s.n > 200 ? 200 : s.n), s.p);
  p->version = og_xstrndup (rest, rest_n);
  return 0;
}

/* "name" or "name (version)".  */
static int
parse_source (span s, og_package *p, const char *name, size_t line, og_error **err)
{
  size_t i = 0;
  span sn, sv = { NULL, 0 };

  while (i < s.n && s.p[i] != ' ' && s.p[i] != '(')
    i++;
  sn.p = s.p;
  sn.n = i;
  while (i < s.n && s.p[i] == ' ')
    i++;
  if (i < s.n)
    {
      const char *close;
      if (s.p[i] != '(' || (close = memchr (s.p + i, ')', s.n - i)) == NULL
          || close != s.p + s.n - 1)
        return og_error_set (err, 0, "%s:%zu: Source '%.*s' is not 'name (version)'", name, line,
                             (int)(s.n > 200 ? 200 : s.n), s.p);
      sv.p = s.p + i + 1;
      sv.n = (size_t)(close - sv.p);
      trim (&sv.p, &sv.n);
      if (sv.n == 0)
        return og_error_set (err, 0, "%s:%zu: Source '%.*s' has an empty version", name, line,
                             (int)(s.n > 200 ? 200 : s.n), s.p);
    }
  if (!valid_pkg_name (sn))
    return og_error_set (err, 0, "%s:%zu: invalid source package name in '%.*s'", name, line,
                         (int)(s.n > 200 ? 200 : s.n), s.p);
  p->source = og_xstrndup (sn.p, sn.n);
  if (sv.p)
    p->source_version = og_xstrndup (sv.p, sv.n);
  return 0;
}

static uint64_t
parse_isize (span s)
{
  uint64_t v = 0;
  size_t i;
  for (i = 0; i < s.n && isdigit ((unsigned char)s.p[i]); i++)
    {
      if (v > (UINT64_MAX / 1024 - 9) / 10)
        return 0;
      v = v * 10 + (uint64_t)(s.p[i] - '0');
    }
  return v * 1024;
}

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
static int
parse_relations (span s, bool alt, og_dep_kind kind, og_pkg_deps *out, uint32_t *clause,
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

static bool
span_is (span s, const char *word)
{
  return s.n == strlen (word) && strncasecmp (s.p, word, s.n) == 0;
}

static int
parse_stanza_deps (const stanza *st, og_package *p, const char *name, og_error **err)
{
  uint32_t c = 0, pc = 0;
  if ((st->predepends.p
       && parse_relations (st->predepends, true, OG_DEP_PRE_DEPENDS, &p->depends, &c, "Pre-Depends",
                           name, st->line, err)
              < 0)
      || (st->depends.p
          && parse_relations (st->depends, true, OG_DEP_REQUIRES, &p->depends, &c, "Depends", name,
                              st->line, err)
                 < 0)
      || (st->recommends.p
          && parse_relations (st->recommends, true, OG_DEP_RECOMMENDS, &p->depends, &c,
                              "Recommends", name, st->line, err)
                 < 0)
      || (st->provides.p
          && parse_relations (st->provides, false, OG_DEP_REQUIRES, &p->provides, &pc, "Provides",
                              name, st->line, err)
                 < 0))
    return -1;
  p->n_clauses = c;
  p->essential = st->essential.p && span_is (st->essential, "yes");
  p->priority_required = st->priority.p && span_is (st->priority, "required");
  return 0;
}

static bool
is_hex (char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The last blank-separated word of s[0..*n), and *n cut before it.  */
static span
last_word (const char *s, size_t *n)
{
  span w;
  size_t end = *n, start;
  while (end > 0 && is_blank (s[end - 1]))
    end--;
  start = end;
  while (start > 0 && !is_blank (s[start - 1]))
    start--;
  w.p = s + start;
  w.n = end - start;
  *n = start;
  return w;
}

/* Conffiles: one " PATH HASH[ obsolete][ remove-on-upgrade]" a line (dpkg
   lib/dpkg/fields.c f_conffiles; the path may hold blanks, so the line is
   read from its end).  Each becomes a file flagged OG_PKG_FILE_CONFIG with
   its MD5; a hash that is not one ("newconffile": unpacked, never
   configured) leaves the digest unset.  Errors name the stanza's first
   line.  */
static int
parse_conffiles (span v, og_package *p, const char *name, size_t line, og_error **err)
{
  og_reader r;
  const char *l;
  size_t n, ln, whole;
  og_reader_init (&r, (const uint8_t *)v.p, v.n);
  while (og_reader_line (&r, v.n, &l, &ln))
    {
      span w;
      og_pkg_file *f;

      n = ln;
      trim (&l, &n);
      if (n == 0)
        continue;
      whole = n;
      do
        w = last_word (l, &n);
      while (n > 0 && (span_is (w, "obsolete") || span_is (w, "remove-on-upgrade")));
      while (n > 0 && is_blank (l[n - 1]))
        n--;
      if (n == 0 || l[0] != '/')
        return og_error_set (err, 0, "%s:%zu: Conffiles: '%.*s' is not 'PATH HASH'", name, line,
                             (int)(whole > 200 ? 200 : whole), l);
      f = og_package_add_file (p, l, n);
      f->flags |= OG_PKG_FILE_CONFIG;
      if (w.n == 32)
        {
          bool hex = true;
          for (size_t i = 0; i < 32; i++)
            hex = hex && is_hex (w.p[i]);
          if (hex)
            {
              f->digest = og_xmalloc (33);
              for (size_t i = 0; i < 32; i++)
                f->digest[i] = (char)tolower ((unsigned char)w.p[i]);
              f->digest[32] = '\0';
              p->digest_algo = OG_DIGEST_MD5;
            }
        }
    }
  return 0;
}

/* Turn a finished stanza into a package in out (or skip it).  */
static int
finish_stanza (const stanza *st, parse_mode mode, const char *name, og_pkglist *out, og_error **err)
{
  og_package *p;
  bool keep = true;

  if (!st->any || st->package.p == NULL || st->package.n == 0)
    return 0;
  if (!valid_pkg_name (st->package))
    return og_error_set (err, 0, "%s:%zu: invalid package name '%.*s'", name, st->line,
                         (int)(st->package.n > 200 ? 200 : st->package.n), st->package.p);
  if (st->status.p)
    {
      if (parse_status (st->status, &keep, name, st->line, err) < 0)
        return -1;
    }
  else if (mode == MODE_STATUS)
    keep = false; /* dpkg: no Status means not-installed */
  if (!keep)
    return 0;
  if (st->version.p == NULL || st->version.n == 0)
    {
      if (mode == MODE_STATUSD)
        return 0;
      return og_error_set (err, 0, "%s:%zu: package '%.*s' is installed but has no Version", name,
                           st->line, (int)st->package.n, st->package.p);
    }
  if (st->arch.p && !valid_arch (st->arch))
    return og_error_set (err, 0, "%s:%zu: package '%.*s': invalid Architecture '%.*s'", name,
                         st->line, (int)st->package.n, st->package.p,
                         (int)(st->arch.n > 200 ? 200 : st->arch.n), st->arch.p);

  p = og_pkglist_add (out);
  p->type = OG_PKG_DEB;
  p->name = og_xstrndup (st->package.p, st->package.n);
  if (parse_version (st->version, p, name, st->line, err) < 0
      || (st->source.p && st->source.n && parse_source (st->source, p, name, st->line, err) < 0)
      || (out->with_deps && parse_stanza_deps (st, p, name, err) < 0)
      || (out->with_verify && st->conffiles.p
          && parse_conffiles (st->conffiles, p, name, st->line, err) < 0))
    {
      og_package_clear (p);
      out->n--;
      return -1;
    }
  if (st->arch.p)
    p->arch = og_xstrndup (st->arch.p, st->arch.n);
  if (st->status.p)
    p->state = og_xstrndup (st->status.p, st->status.n);
  if (st->isize.p)
    p->size = parse_isize (st->isize);
  return 0;
}

/* The kept multi-line (folded) field a name refers to, or NULL.  */
static span *
kept_folded_field (stanza *st, const char *f, size_t n)
{
  static const struct
  {
    const char *name;
    size_t off;
  } fields[] = {
    { "Depends", offsetof (stanza, depends) },
    { "Pre-Depends", offsetof (stanza, predepends) },
    { "Recommends", offsetof (stanza, recommends) },
    { "Provides", offsetof (stanza, provides) },
    { "Conffiles", offsetof (stanza, conffiles) },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (fields); i++)
    if (strlen (fields[i].name) == n && strncasecmp (fields[i].name, f, n) == 0)
      return (span *)((char *)st + fields[i].off);
  return NULL;
}

/* The kept field a name refers to, or NULL.  */
static span *
kept_field (stanza *st, const char *f, size_t n)
{
  static const struct
  {
    const char *name;
    size_t off;
  } fields[] = {
    { "Package", offsetof (stanza, package) },     { "Version", offsetof (stanza, version) },
    { "Architecture", offsetof (stanza, arch) },   { "Status", offsetof (stanza, status) },
    { "Source", offsetof (stanza, source) },       { "Installed-Size", offsetof (stanza, isize) },
    { "Essential", offsetof (stanza, essential) }, { "Priority", offsetof (stanza, priority) },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (fields); i++)
    if (strlen (fields[i].name) == n && strncasecmp (fields[i].name, f, n) == 0)
      return (span *)((char *)st + fields[i].off);
  return NULL;
}

static int
parse_stanzas (const uint8_t *data, size_t len, const char *name, parse_mode mode, og_pkglist *out,
               og_error **err)
{
  og_reader r;
  stanza st = { 0 };
  size_t lineno = 0, n;
  const char *line;
  bool in_field = false; /* a continuation line may follow */
  bool cur_kept = false; /* the current field is one of ours */
  span *folded = NULL;   /* the current field is a folded one of ours */
  int rc;

  if (check_no_nul (data, len, name, err) < 0)
    return -1;
  og_reader_init (&r, data, len);
  while (next_line (&r, OG_DPKG_LINE_MAX, &lineno, name, &line, &n, &rc, err))
    {
      const char *colon, *v;
      size_t i, vn;
      span *f;

      for (i = 0; i < n && is_blank (line[i]); i++)
        ;
      if (i == n)
        {
          if (finish_stanza (&st, mode, name, out, err) < 0)
            return -1;
          memset (&st, 0, sizeof st);
          in_field = false;
          folded = NULL;
          continue;
        }
      if (line[0] == ' ' || line[0] == '\t')
        {
          if (!in_field)
            return og_error_set (err, 0, "%s:%zu: continuation line with no field before it", name,
                                 lineno);
          if (cur_kept)
            return og_error_set (err, 0, "%s:%zu: continuation of a single-line field", name,
                                 lineno);
          if (folded)
            folded->n = (size_t)(line + n - folded->p); /* the value runs on to here */
          continue;
        }
      colon = memchr (line, ':', n);
      if (colon == NULL)
        return og_error_set (err, 0, "%s:%zu: field name '%.*s' is not followed by a colon", name,
                             lineno, (int)(n > 80 ? 80 : n), line);
      if (colon == line)
        return og_error_set (err, 0, "%s:%zu: empty field name", name, lineno);
      if (!st.any)
        st.line = lineno;
      st.any = true;
      in_field = true;
      f = kept_field (&st, line, (size_t)(colon - line));
      cur_kept = f != NULL;
      folded = NULL;
      if (f == NULL)
        f = folded = kept_folded_field (&st, line, (size_t)(colon - line));
      if (f == NULL)
        continue;
      if (f->p)
        return og_error_set (err, 0, "%s:%zu: duplicate field '%.*s'", name, lineno,
                             (int)(colon - line), line);
      v = colon + 1;
      vn = n - (size_t)(v - line);
      trim (&v, &vn);
      f->p = v;
      f->n = vn;
    }
  if (rc < 0)
    return -1;
  return finish_stanza (&st, mode, name, out, err);
}

static int
parse_keep_list (const uint8_t *data, size_t len, const char *name, parse_mode mode,
                 og_pkglist *out, og_error **err)
{
  size_t before = out->n;
  if (parse_stanzas (data, len, name, mode, out, err) == 0)
    return 0;
  while (out->n > before)
    og_package_clear (&out->pkgs[--out->n]);
  return -1;
}

int
og_dpkg_status_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                      og_error **err)
{
  return parse_keep_list (data, len, name, MODE_STATUS, out, err);
}

int
og_dpkg_statusd_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                       og_error **err)
{
  return parse_keep_list (data, len, name, MODE_STATUSD, out, err);
}

static void
drop_files_from (og_package *p, size_t before)
{
  while (p->n_files > before)
    {
      p->n_files--;
      free (p->files[p->n_files].path);
      free (p->files[p->n_files].digest);
    }
}

/* Is this path among the first `before` files (the few conffiles that the
   status stanza listed, with verification)?  */
static bool
listed_before (const og_package *pkg, size_t before, const char *path, size_t n)
{
  for (size_t i = 0; i < before; i++)
    if (strncmp (pkg->files[i].path, path, n) == 0 && pkg->files[i].path[n] == '\0')
      return true;
  return false;
}

/* info/<pkg>.list: one absolute path a line; "/." (the root) and empty lines
   are not files.  On error the files added by this call are removed.  */
int
og_dpkg_list_parse (const uint8_t *data, size_t len, const char *name, og_package *pkg,
                    og_error **err)
{
  og_reader r;
  size_t lineno = 0, n, before = pkg->n_files;
  const char *line;
  int rc;

  if (check_no_nul (data, len, name, err) < 0)
    return -1;
  og_reader_init (&r, data, len);
  while (next_line (&r, OG_DPKG_PATH_MAX, &lineno, name, &line, &n, &rc, err))
    {
      if (n == 0 || (n == 2 && line[0] == '/' && line[1] == '.'))
        continue;
      if (line[0] != '/')
        {
          og_error_set (err, 0, "%s:%zu: '%.*s' is not an absolute path", name, lineno,
                        (int)(n > 200 ? 200 : n), line);
          drop_files_from (pkg, before);
          return -1;
        }
      if (!listed_before (pkg, before, line, n))
        og_package_add_file (pkg, line, n);
    }
  if (rc < 0)
    drop_files_from (pkg, before);
  return rc;
}

/* Parse "<32 hex> <' ' or '*'><path>" (md5sum(1) output).  */
static int
md5sums_line (const char *line, size_t n, const char *name, size_t lineno, const char **path,
              size_t *path_n, og_error **err)
{
  size_t i;
  if (n < 35 || line[32] != ' ' || (line[33] != ' ' && line[33] != '*'))
    return og_error_set (err, 0, "%s:%zu: not '<md5>  <path>'", name, lineno);
  for (i = 0; i < 32; i++)
    if (!is_hex (line[i]))
      return og_error_set (err, 0, "%s:%zu: '%.32s' is not an MD5 digest", name, lineno, line);
  *path = line + 34;
  *path_n = n - 34;
  return 0;
}

static void
map_files (og_strmap *m, const og_package *pkg)
{
  for (size_t i = 0; i < pkg->n_files; i++)
    if (!og_strmap_has (m, pkg->files[i].path))
      og_strmap_put (m, pkg->files[i].path, (void *)(uintptr_t)(i + 1));
}

/* md5sums lists the regular files in the order of the .list, which also holds
   directories: look a few entries ahead of the last match first, and build a
   path -> index map only when that fails, so the usual case costs no hashing
   and the worst case stays linear.  */
#define MD5SUMS_LOOKAHEAD 64

typedef struct file_index
{
  og_strmap map;
  bool mapped;
  size_t hint;
} file_index;

/* Index + 1 of the file with this path, or 0.  */
static size_t
find_file (file_index *ix, og_package *pkg, const char *path)
{
  size_t end
      = pkg->n_files - ix->hint > MD5SUMS_LOOKAHEAD ? ix->hint + MD5SUMS_LOOKAHEAD : pkg->n_files;
  for (size_t i = ix->hint; i < end; i++)
    if (strcmp (pkg->files[i].path, path) == 0)
      {
        ix->hint = i + 1;
        return i + 1;
      }
  if (!ix->mapped)
    {
      map_files (&ix->map, pkg);
      ix->mapped = true;
    }
  return (size_t)(uintptr_t)og_strmap_get (&ix->map, path);
}

static int
md5sums_parse (const uint8_t *data, size_t len, const char *name, og_package *pkg, file_index *ix,
               og_buf *key, og_error **err)
{
  og_reader r;
  size_t lineno = 0, n;
  const char *line;
  int rc;

  og_reader_init (&r, data, len);
  while (next_line (&r, OG_DPKG_PATH_MAX, &lineno, name, &line, &n, &rc, err))
    {
      const char *path = NULL;
      size_t path_n = 0, idx;
      og_pkg_file *f;

      if (n > 0 && line[n - 1] == '\r')
        n--;
      if (n == 0)
        continue;
      if (md5sums_line (line, n, name, lineno, &path, &path_n, err) < 0)
        return -1;
      key->len = 0;
      if (path[0] != '/')
        og_buf_putc (key, '/');
      og_buf_append (key, path, path_n);
      idx = find_file (ix, pkg, key->data);
      if (idx == 0)
        {
          f = og_package_add_file (pkg, key->data, key->len);
          if (ix->mapped)
            og_strmap_put (&ix->map, key->data, (void *)(uintptr_t)pkg->n_files);
        }
      else
        f = &pkg->files[idx - 1];
      free (f->digest); /* it may have come from elsewhere, with another length */
      f->digest = og_xmalloc (33);
      for (size_t i = 0; i < 32; i++)
        f->digest[i] = (char)tolower ((unsigned char)line[i]);
      f->digest[32] = '\0';
    }
  if (rc == 0)
    pkg->digest_algo = OG_DIGEST_MD5;
  return rc;
}

int
og_dpkg_md5sums_parse (const uint8_t *data, size_t len, const char *name, og_package *pkg,
                       og_error **err)
{
  file_index ix = { 0 };
  og_buf key = { 0 };
  int rc;

  if (check_no_nul (data, len, name, err) < 0)
    return -1;
  rc = md5sums_parse (data, len, name, pkg, &ix, &key, err);
  og_strmap_clear (&ix.map, NULL);
  og_buf_free (&key);
  return rc;
}

/* One diversion: FROM -> TO by PACKAGE.  */
typedef struct diversion
{
  char *to;
  char *by;
} diversion;

static void
diversion_free (void *v)
{
  diversion *d = v;
  free (d->to);
  free (d->by);
  free (d);
}

static int
parse_diversions (const uint8_t *data, size_t len, const char *name, og_strmap *m, og_error **err)
{
  og_reader r;
  size_t lineno = 0, n[3];
  const char *line[3];
  int rc = 0;

  if (check_no_nul (data, len, name, err) < 0)
    return -1;
  og_reader_init (&r, data, len);
  for (;;)
    {
      size_t k;
      for (k = 0;
           k < 3 && next_line (&r, OG_DPKG_PATH_MAX, &lineno, name, &line[k], &n[k], &rc, err); k++)
        ;
      if (rc < 0)
        return -1;
      if (k == 0)
        return 0;
      if (k < 3)
        return og_error_set (err, 0, "%s:%zu: a diversion is three lines (from, to, package)", name,
                             lineno);
      if (n[0] == 0 || line[0][0] != '/' || n[1] == 0 || line[1][0] != '/')
        return og_error_set (err, 0, "%s:%zu: a diversion's paths must be absolute", name,
                             lineno - 2);
      {
        cleanup_free char *from = og_xstrndup (line[0], n[0]);
        diversion *d = og_xcalloc (1, sizeof *d);
        d->to = og_xstrndup (line[1], n[1]);
        d->by = og_xstrndup (line[2], n[2]);
        if (og_strmap_has (m, from))
          {
            diversion_free (d);
            return og_error_set (err, 0, "%s:%zu: '%s' is diverted twice", name, lineno - 2, from);
          }
        og_strmap_put (m, from, d);
      }
    }
}

int
og_dpkg_diversions_apply (const uint8_t *data, size_t len, const char *name, og_pkglist *l,
                          og_error **err)
{
  og_strmap m = { 0 };
  int rc = parse_diversions (data, len, name, &m, err);

  for (size_t i = 0; i < l->n && rc == 0 && m.n > 0; i++)
    {
      og_package *p = &l->pkgs[i];
      if (p->type != OG_PKG_DEB)
        continue;
      for (size_t j = 0; j < p->n_files; j++)
        {
          const diversion *d = og_strmap_get (&m, p->files[j].path);
          if (d && strcmp (d->by, p->name) != 0)
            {
              free (p->files[j].diverted);
              p->files[j].diverted = og_xstrdup (d->to);
            }
        }
    }
  og_strmap_clear (&m, diversion_free);
  return rc;
}
