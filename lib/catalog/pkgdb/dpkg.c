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
#include "catalog/pkgdb/dpkg_int.h"

typedef struct stanza
{
  size_t line; /* first line, for messages */
  bool any;    /* saw a field */
  span package, version, arch, status, source, isize, essential, priority, maintainer;
  span depends, predepends, recommends, provides; /* may span lines */
  span conffiles;                                 /* lines of " PATH HASH [obsolete]" */
} stanza;

typedef enum parse_mode
{
  MODE_STATUS,
  MODE_STATUSD,
} parse_mode;

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
span_is (span s, const char *word)
{
  return s.n == strlen (word) && strncasecmp (s.p, word, s.n) == 0;
}

static int
parse_stanza_deps (const stanza *st, og_package *p, const char *name, og_error **err)
{
  uint32_t c = 0, pc = 0;
  /* The dependency fields share one clause count; Provides has its own.  */
  const struct
  {
    span s;
    bool alt;
    og_dep_kind kind;
    og_pkg_deps *out;
    uint32_t *clause;
    const char *field;
  } rel[] = {
    { st->predepends, true, OG_DEP_PRE_DEPENDS, &p->depends, &c, "Pre-Depends" },
    { st->depends, true, OG_DEP_REQUIRES, &p->depends, &c, "Depends" },
    { st->recommends, true, OG_DEP_RECOMMENDS, &p->depends, &c, "Recommends" },
    { st->provides, false, OG_DEP_REQUIRES, &p->provides, &pc, "Provides" },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (rel); i++)
    if (rel[i].s.p
        && og_dpkg_parse_relations (rel[i].s, rel[i].alt, rel[i].kind, rel[i].out, rel[i].clause,
                                    rel[i].field, name, st->line, err)
               < 0)
      return -1;
  p->n_clauses = c;
  p->essential = st->essential.p && span_is (st->essential, "yes");
  p->priority_required = st->priority.p && span_is (st->priority, "required");
  return 0;
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
  /* The package's supplier, as the SBOMs name it: "Name <email>".  */
  if (st->maintainer.p && st->maintainer.n)
    p->vendor = og_xstrndup (st->maintainer.p, st->maintainer.n);
  return 0;
}

/* Which span of a stanza a field name is kept in.  */
typedef struct
{
  const char *name;
  size_t off;
} kept_span;

/* The span of st that the field named f (n bytes, any case) is kept in, or
   NULL when the table does not name it.  */
static span *
kept_lookup (stanza *st, const kept_span *fields, size_t n_fields, const char *f, size_t n)
{
  for (size_t i = 0; i < n_fields; i++)
    if (strlen (fields[i].name) == n && strncasecmp (fields[i].name, f, n) == 0)
      return (span *)((char *)st + fields[i].off);
  return NULL;
}

/* The kept multi-line (folded) field a name refers to, or NULL.  */
static span *
kept_folded_field (stanza *st, const char *f, size_t n)
{
  static const kept_span fields[] = {
    { "Depends", offsetof (stanza, depends) },
    { "Pre-Depends", offsetof (stanza, predepends) },
    { "Recommends", offsetof (stanza, recommends) },
    { "Provides", offsetof (stanza, provides) },
    { "Conffiles", offsetof (stanza, conffiles) },
  };
  return kept_lookup (st, fields, OG_ARRAY_SIZE (fields), f, n);
}

/* The kept field a name refers to, or NULL.  */
static span *
kept_field (stanza *st, const char *f, size_t n)
{
  static const kept_span fields[] = {
    { "Package", offsetof (stanza, package) },       { "Version", offsetof (stanza, version) },
    { "Architecture", offsetof (stanza, arch) },     { "Status", offsetof (stanza, status) },
    { "Source", offsetof (stanza, source) },         { "Installed-Size", offsetof (stanza, isize) },
    { "Essential", offsetof (stanza, essential) },   { "Priority", offsetof (stanza, priority) },
    { "Maintainer", offsetof (stanza, maintainer) },
  };
  return kept_lookup (st, fields, OG_ARRAY_SIZE (fields), f, n);
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
  og_pkglist_truncate (out, before);
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
