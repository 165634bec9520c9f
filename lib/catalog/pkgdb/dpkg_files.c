/* dpkg's per-package file records: info/<pkg>.list (what a package
   owns), info/<pkg>.md5sums and status.d/<pkg>.md5sums (what it installed),
   and the diversions file (where dpkg-divert moved a packaged file).
   Sources: dpkg(1) "FILES", dpkg lib/dpkg/db-fsys-files.c,
   lib/dpkg/db-fsys-divert.c, dpkg-divert(1).  */
#include <ctype.h>
#include <strings.h>

#include "base/strmap.h"
#include "catalog/pkgdb/dpkg_int.h"

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
