/* apk's installed database (lib/apk/db/installed) as data.

   Source: the Alpine "Apk spec" (wiki.alpinelinux.org/wiki/Apk_spec) and
   apk-tools src/database.c (apk_db_fdb_read) and src/blob.c (checksum
   encoding), read, not copied.

   The file is a list of records separated by empty lines; each line is
   "X:value" with a one-letter key.  Kept: P name, V version, A arch,
   L license, o origin (-> source), I installed size in bytes, F directory,
   R file in the last F directory, a "uid:gid:mode[:xattr digest]" of the last
   R (octal permission bits, kept in file->mode without a file type, since apk
   records none), Z checksum of the last R ("Q1"+base64 = SHA-1, "Q2"+base64 =
   SHA-256, 32 hex = MD5, 40 hex = SHA-1; stored as lower-case hex),
   D dependencies and p provides: space-separated "name[OP version]" (apk-tools
   src/package.c apk_dep_parse / apk_blob_pull_dep: OP of '<' '>' '=' '~'),
   names including "so:" and "cmd:" ones and paths ("/bin/sh"); a "!name"
   conflict is skipped, since it holds nothing in.  Other keys (T, U, r, c,
   t, S, C, M, m, i, k, ...) are skipped.  The version
   stays whole in version: no epoch, release NULL.

   Errors name the file and line: a line that is not "X:value", a NUL byte,
   a line longer than OG_APK_LINE_MAX, a record with no P, two P in a record,
   R before any F, a, or Z with no R before them, a bad mode or checksum, files
   of one package with different checksum kinds.  On error, the packages this
   call appended are removed again.  */
#include <ctype.h>

#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/text.h"
#include "base/util.h"

#define OG_APK_LINE_MAX (1u << 20)

typedef struct apk_state
{
  const char *name; /* file name, for messages */
  size_t lineno;
  og_package *pkg; /* current record's package, or NULL before its first line */
  size_t rec_line; /* first line of the record */
  bool have_name;
  const char *dir; /* current F value, into the data */
  size_t dir_n;
  bool have_dir;
  og_pkg_file *file; /* last R */
  bool with_deps;    /* parse D: and p: */
} apk_state;

/* Z: value -> lower-case hex digest and its algorithm.  */
static bool
parse_checksum (const char *v, size_t n, char **hex, og_digest_algo *algo)
{
  uint8_t raw[32];
  size_t rawlen;

  if (n >= 2 && v[0] == 'Q' && (v[1] == '1' || v[1] == '2'))
    {
      rawlen = v[1] == '1' ? 20 : 32;
      if (!og_base64_decode (v + 2, n - 2, raw, rawlen))
        return false;
      *algo = v[1] == '1' ? OG_DIGEST_SHA1 : OG_DIGEST_SHA256;
      *hex = og_xmalloc (2 * rawlen + 1);
      og_hex (raw, rawlen, *hex);
      return true;
    }
  if (n != 32 && n != 40)
    return false;
  for (size_t i = 0; i < n; i++)
    if (!isxdigit ((unsigned char)v[i]))
      return false;
  *algo = n == 32 ? OG_DIGEST_MD5 : OG_DIGEST_SHA1;
  *hex = og_xstrndup (v, n);
  for (char *c = *hex; *c; c++)
    *c = (char)tolower ((unsigned char)*c);
  return true;
}

/* "uid:gid:mode[:...]" -> the octal mode.  */
static bool
parse_acl_mode (const char *v, size_t n, uint32_t *mode)
{
  size_t i = 0, field = 0;
  uint32_t m = 0;
  bool digits = false;

  for (; i < n && field < 2; i++)
    if (v[i] == ':')
      field++;
  if (field < 2)
    return false;
  for (; i < n && v[i] != ':'; i++)
    {
      if (v[i] < '0' || v[i] > '7')
        return false;
      m = m * 8 + (uint32_t)(v[i] - '0');
      if (m > 07777)
        return false;
      digits = true;
    }
  if (!digits)
    return false;
  *mode = m;
  return true;
}

static bool
parse_u64 (const char *v, size_t n, uint64_t *out)
{
  uint64_t x = 0;
  if (n == 0)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      if (v[i] < '0' || v[i] > '9' || x > (UINT64_MAX - 9) / 10)
        return false;
      x = x * 10 + (uint64_t)(v[i] - '0');
    }
  *out = x;
  return true;
}

static void
set_str (char **dst, const char *v, size_t n)
{
  free (*dst);
  *dst = og_xstrndup (v, n);
}

static int
end_record (apk_state *s, og_error **err)
{
  if (s->pkg == NULL)
    return 0;
  if (!s->have_name)
    return og_error_set (err, 0, "%s:%zu: record has no P: (package name)", s->name, s->rec_line);
  if (s->pkg->version == NULL)
    return og_error_set (err, 0, "%s:%zu: package '%s' has no V: (version)", s->name, s->rec_line,
                         s->pkg->name);
  s->pkg = NULL;
  s->file = NULL;
  s->have_dir = false;
  s->have_name = false;
  return 0;
}

static int
file_line (apk_state *s, char key, const char *v, size_t n, og_error **err)
{
  og_package *p = s->pkg;

  switch (key)
    {
    case 'F':
      s->dir = v;
      s->dir_n = n;
      s->have_dir = true;
      s->file = NULL;
      return 0;
    case 'R':
      {
        og_buf path = { 0 };
        if (!s->have_dir)
          return og_error_set (err, 0, "%s:%zu: R: before any F: directory", s->name, s->lineno);
        if (n == 0 || memchr (v, '/', n))
          return og_error_set (err, 0, "%s:%zu: R: '%.*s' is not a file name", s->name, s->lineno,
                               (int)(n > 200 ? 200 : n), v);
        og_buf_putc (&path, '/');
        if (s->dir_n)
          {
            og_buf_append (&path, s->dir, s->dir_n);
            og_buf_putc (&path, '/');
          }
        og_buf_append (&path, v, n);
        s->file = og_package_add_file (p, path.data, path.len);
        og_buf_free (&path);
        return 0;
      }
    case 'a':
      if (s->file == NULL)
        return og_error_set (err, 0, "%s:%zu: a: with no R: before it", s->name, s->lineno);
      if (!parse_acl_mode (v, n, &s->file->mode))
        return og_error_set (err, 0, "%s:%zu: a: '%.*s' is not uid:gid:mode", s->name, s->lineno,
                             (int)(n > 200 ? 200 : n), v);
      return 0;
    case 'Z':
      {
        char *hex = NULL;
        og_digest_algo algo;
        if (s->file == NULL)
          return og_error_set (err, 0, "%s:%zu: Z: with no R: before it", s->name, s->lineno);
        if (!parse_checksum (v, n, &hex, &algo))
          return og_error_set (err, 0, "%s:%zu: Z: '%.*s' is not a checksum", s->name, s->lineno,
                               (int)(n > 200 ? 200 : n), v);
        if (p->digest_algo != OG_DIGEST_NONE && p->digest_algo != algo)
          {
            free (hex);
            return og_error_set (err, 0, "%s:%zu: Z: %s checksum in a package with %s ones",
                                 s->name, s->lineno, og_digest_name (algo),
                                 og_digest_name (p->digest_algo));
          }
        p->digest_algo = algo;
        free (s->file->digest);
        s->file->digest = hex;
        return 0;
      }
    default:
      return 0;
    }
}

/* "name[OP version]" (one word of D: or p:) into out.  */
static bool
parse_dep_word (const char *w, size_t n, og_pkg_deps *out, uint32_t clause)
{
  static const struct
  {
    const char *op;
    uint32_t sense;
  } ops[] = {
    { "<=", OG_DEP_LESS | OG_DEP_EQUAL },
    { ">=", OG_DEP_GREATER | OG_DEP_EQUAL },
    { "~=", OG_DEP_FUZZY | OG_DEP_EQUAL },
    { "=~", OG_DEP_FUZZY | OG_DEP_EQUAL },
    { "<", OG_DEP_LESS },
    { ">", OG_DEP_GREATER },
    { "=", OG_DEP_EQUAL },
    { "~", OG_DEP_FUZZY | OG_DEP_EQUAL },
  };
  size_t i = 0;

  while (i < n && strchr ("<>=~", w[i]) == NULL)
    i++;
  if (i == 0)
    return false;
  /* "name><Q1..." pins a package checksum (apk-tools APK_VERSION_CHECKSUM):
     for what holds what in, any version of name.  */
  if (i == n || (n - i > 2 && w[i] == '>' && w[i + 1] == '<'))
    {
      og_pkg_deps_add (out, w, i, NULL, 0, 0, clause, OG_DEP_REQUIRES);
      return true;
    }
  for (size_t k = 0; k < OG_ARRAY_SIZE (ops); k++)
    {
      size_t on = strlen (ops[k].op);
      if (n - i > on && memcmp (w + i, ops[k].op, on) == 0 && strchr ("<>=~", w[i + on]) == NULL)
        {
          og_pkg_deps_add (out, w, i, w + i + on, n - i - on, ops[k].sense, clause,
                           OG_DEP_REQUIRES);
          return true;
        }
    }
  return false;
}

/* A D: or p: line: words separated by spaces.  */
static int
parse_dep_line (apk_state *s, const char *v, size_t n, bool requires, og_error **err)
{
  og_package *p = s->pkg;
  size_t i = 0;

  while (i < n)
    {
      size_t start;
      while (i < n && v[i] == ' ')
        i++;
      start = i;
      while (i < n && v[i] != ' ')
        i++;
      if (i == start || (requires && v[start] == '!'))
        continue;
      if (!parse_dep_word (v + start, i - start, requires ? &p->depends : &p->provides,
                           requires ? p->n_clauses : 0))
        return og_error_set (err, 0, "%s:%zu: %c: '%.*s' is not 'name[OP version]'", s->name,
                             s->lineno, requires ? 'D' : 'p',
                             (int)(i - start > 200 ? 200 : i - start), v + start);
      if (requires)
        p->n_clauses++;
    }
  return 0;
}

static int
field_line (apk_state *s, char key, const char *v, size_t n, og_error **err)
{
  og_package *p = s->pkg;

  switch (key)
    {
    case 'P':
      if (s->have_name)
        return og_error_set (err, 0, "%s:%zu: second P: in one record (missing empty line?)",
                             s->name, s->lineno);
      if (n == 0)
        return og_error_set (err, 0, "%s:%zu: empty P: (package name)", s->name, s->lineno);
      set_str (&p->name, v, n);
      s->have_name = true;
      return 0;
    case 'V':
      if (n == 0)
        return og_error_set (err, 0, "%s:%zu: empty V: (version)", s->name, s->lineno);
      set_str (&p->version, v, n);
      return 0;
    case 'A':
      set_str (&p->arch, v, n);
      return 0;
    case 'L':
      set_str (&p->license, v, n);
      return 0;
    case 'o':
      set_str (&p->source, v, n);
      return 0;
    case 'D':
      return s->with_deps ? parse_dep_line (s, v, n, true, err) : 0;
    case 'p':
      return s->with_deps ? parse_dep_line (s, v, n, false, err) : 0;
    case 'I':
      if (!parse_u64 (v, n, &p->size))
        return og_error_set (err, 0, "%s:%zu: I: '%.*s' is not a size", s->name, s->lineno,
                             (int)(n > 200 ? 200 : n), v);
      return 0;
    default:
      return file_line (s, key, v, n, err);
    }
}

static int
parse_records (const uint8_t *data, size_t len, apk_state *s, og_pkglist *out, og_error **err)
{
  og_reader r;
  const char *line;
  size_t n;

  og_reader_init (&r, data, len);
  while (!og_reader_at_end (&r))
    {
      s->lineno++;
      if (!og_reader_line (&r, OG_APK_LINE_MAX, &line, &n))
        return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s:%zu: line longer than %u bytes",
                                  s->name, s->lineno, OG_APK_LINE_MAX);
      if (n > 0 && line[n - 1] == '\r')
        n--;
      if (n == 0)
        {
          if (end_record (s, err) < 0)
            return -1;
          continue;
        }
      if (n < 2 || line[1] != ':' || !isalpha ((unsigned char)line[0]))
        return og_error_set (err, 0, "%s:%zu: '%.*s' is not an 'X:value' line", s->name, s->lineno,
                             (int)(n > 80 ? 80 : n), line);
      if (s->pkg == NULL)
        {
          s->pkg = og_pkglist_add (out);
          s->pkg->type = OG_PKG_APK;
          s->rec_line = s->lineno;
        }
      if (field_line (s, line[0], line + 2, n - 2, err) < 0)
        return -1;
    }
  return end_record (s, err);
}

int
og_apk_installed_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                        og_error **err)
{
  apk_state s = { .name = name, .with_deps = out->with_deps };
  size_t before = out->n;
  const uint8_t *nul = len ? memchr (data, '\0', len) : NULL;

  if (nul)
    {
      size_t line = 1;
      for (const uint8_t *q = data; q < nul; q++)
        line += *q == '\n';
      return og_error_set (err, 0, "%s:%zu: NUL byte in a text database", name, line);
    }
  if (parse_records (data, len, &s, out, err) == 0)
    return 0;
  og_pkglist_truncate (out, before);
  return -1;
}
