/* The package databases of a source: which files each format keeps where,
   read through the source and handed as bytes to the pkgdb/ parsers.  */
#include "base/deadline.h"
#include "base/util.h"
#include "catalog/build_int.h"
#include "catalog/license.h"
#include "catalog/pkgdb_paths.h"

static void
add_db (og_inventory *inv, const char *type, const char *path, const char *backend)
{
  og_pkgdb_ref *r;
  inv->dbs = og_xreallocarray (inv->dbs, inv->n_dbs + 1, sizeof *inv->dbs);
  r = &inv->dbs[inv->n_dbs++];
  r->type = og_xstrdup (type);
  r->path = og_xstrdup (path);
  r->backend = og_xstrdup (backend);
}

/* Read path; 1 when it does not exist.  */
static int
read_opt (og_source *src, const char *path, uint8_t **data, size_t *len, og_error **err)
{
  return og_source_read_file (src, path, OG_READ_MAX, data, len, err);
}

int
og_inventory_read_os (og_source *src, og_osrelease *os, og_error **err)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (og_osrelease_paths); i++)
    {
      cleanup_free uint8_t *data = NULL;
      size_t len = 0;
      int ret = og_source_read_file (src, og_osrelease_paths[i], 1 << 20, &data, &len, err);
      if (ret < 0)
        return ret;
      if (ret == 0)
        {
          og_osrelease_parse (data, len, os);
          return 0;
        }
    }
  return 0;
}

/* The names are for the tables only: a file that cannot be read (too
   big, not a regular file) leaves numbers alone rather than fail the
   inventory.  */
static int
load_idnames (build_state *st, const char *path, og_idnames *out, og_error **err)
{
  cleanup_free uint8_t *data = NULL;
  og_error *e = NULL;
  size_t len = 0;
  int ret = og_source_read_file (st->src, path, OG_ACCOUNTS_FILE_MAX, &data, &len, &e);

  if (ret < 0 && og_error_code (e) == OG_ERR_DEADLINE)
    {
      *err = e;
      return -1;
    }
  og_error_free (e);
  if (ret == 0)
    og_idnames_parse (data, len, out);
  return 0;
}

int
og_catalog_load_accounts (build_state *st, og_error **err)
{
  if (load_idnames (st, OG_ACCOUNTS_PASSWD, &st->inv->users, err) < 0)
    return -1;
  return load_idnames (st, OG_ACCOUNTS_GROUP, &st->inv->groups, err);
}

int
og_catalog_load_os (build_state *st, og_error **err)
{
  return og_inventory_read_os (st->src, &st->inv->os, err);
}

/* ---- rpm ---------------------------------------------------------------- */

/* rpm keeps its SQLite database in WAL mode and leaves an empty
   rpmdb.sqlite-wal after a clean close.  Committed changes still in a
   non-empty WAL are not in rpmdb.sqlite, which is all we read: refuse rather
   than report a stale package list.  */
static int
check_no_pending_wal (build_state *st, const char *db, og_error **err)
{
  cleanup_free char *wal = og_xasprintf ("%s-wal", db);
  cleanup_free uint8_t *data = NULL;
  og_error *e = NULL;
  size_t len = 0;
  int ret = og_source_read_file (st->src, wal, 0, &data, &len, &e);

  if (ret >= 0)
    return 0;
  if (e->status == EFBIG)
    {
      og_error_free (e);
      return og_error_set (err, 0,
                           "rpmdb %s: %s holds changes not yet written to the database "
                           "(rpm was interrupted or the image was taken while it ran); "
                           "the package list would be stale",
                           db, wal);
    }
  if (err && *err == NULL)
    *err = e;
  else
    og_error_free (e);
  return -1;
}

static int
load_rpm (build_state *st, og_error **err)
{
  og_strmap seen = { 0 };
  int ret = 0;

  for (size_t i = 0; i < OG_ARRAY_SIZE (og_rpmdb_dirs) && ret == 0; i++)
    {
      cleanup_free char *canon = NULL;
      ret = og_source_resolve_dir (st->src, og_rpmdb_dirs[i], &canon, err);
      if (ret != 0)
        {
          ret = ret > 0 ? 0 : ret;
          continue;
        }
      if (og_strmap_has (&seen, canon)) /* Fedora: /var/lib/rpm -> /usr/lib/sysimage/rpm */
        continue;
      og_strmap_put (&seen, canon, NULL);
      for (size_t j = 0; j < OG_ARRAY_SIZE (og_rpmdb_files); j++)
        {
          cleanup_free char *path = og_xasprintf ("%s/%s", canon, og_rpmdb_files[j]);
          cleanup_free uint8_t *data = NULL;
          size_t len = 0;
          og_rpmdb_backend b;

          ret = read_opt (st->src, path, &data, &len, err);
          if (ret > 0)
            {
              ret = 0;
              continue;
            }
          if (ret < 0)
            break;
          b = og_rpmdb_detect (data, len);
          if (b == OG_RPMDB_UNKNOWN && len == 0)
            continue; /* an empty placeholder file, as some images carry */
          if (b == OG_RPMDB_SQLITE && (ret = check_no_pending_wal (st, path, err)) < 0)
            break;
          ret = og_rpmdb_read (data, len, path, &st->inv->packages, err);
          if (ret < 0)
            break;
          add_db (st->inv, "rpm", path, og_rpmdb_backend_name (b));
          break;
        }
    }
  og_strmap_clear (&seen, NULL);
  return ret;
}

/* ---- dpkg --------------------------------------------------------------- */

/* info/<name>.md5sums (or <name>:<arch>.md5sums, the same form as its
   .list) into p: only verification reads the digests.  */
static int
load_dpkg_md5sums (build_state *st, const char *infodir, og_package *p, bool with_arch,
                   og_error **err)
{
  cleanup_free char *path = with_arch ? og_xasprintf ("%s/%s:%s.md5sums", infodir, p->name, p->arch)
                                      : og_xasprintf ("%s/%s.md5sums", infodir, p->name);
  cleanup_free uint8_t *data = NULL;
  size_t len = 0;
  int ret = read_opt (st->src, path, &data, &len, err);
  if (ret != 0)
    return ret > 0 ? 0 : ret;
  return og_dpkg_md5sums_parse (data, len, path, p, err);
}

/* Read info/<name>.list (or <name>:<arch>.list) into p: what the package
   owns.  */
static int
load_dpkg_info (build_state *st, const char *infodir, og_package *p, og_error **err)
{
  for (int with_arch = 0; with_arch < 2; with_arch++)
    {
      cleanup_free char *path = NULL;
      cleanup_free uint8_t *data = NULL;
      size_t len = 0;
      int ret;

      if (with_arch && p->arch == NULL)
        break;
      path = with_arch ? og_xasprintf ("%s/%s:%s.list", infodir, p->name, p->arch)
                       : og_xasprintf ("%s/%s.list", infodir, p->name);
      ret = read_opt (st->src, path, &data, &len, err);
      if (ret != 0)
        {
          if (ret < 0)
            return ret;
          continue;
        }
      if (og_dpkg_list_parse (data, len, path, p, err) < 0)
        return -1;
      if (st->inv->packages.with_verify)
        return load_dpkg_md5sums (st, infodir, p, with_arch != 0, err);
      return 0;
    }
  return 0;
}

static bool
has_suffix (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

static int
load_dpkg_statusd (build_state *st, og_error **err)
{
  const char *dir = OG_DPKG_STATUS_D;
  char **names = NULL;
  size_t n = 0;
  int ret = og_source_list_dir (st->src, dir, &names, &n, err);

  if (ret != 0)
    return ret > 0 ? 0 : ret;
  for (size_t i = 0; i < n && ret == 0; i++)
    {
      cleanup_free char *path = NULL;
      cleanup_free uint8_t *data = NULL;
      size_t len = 0, before = st->inv->packages.n;

      if (strchr (names[i], '.')
          && (has_suffix (names[i], ".md5sums") || has_suffix (names[i], ".preinst")
              || has_suffix (names[i], ".postinst") || has_suffix (names[i], ".prerm")
              || has_suffix (names[i], ".postrm") || has_suffix (names[i], ".conffiles")))
        continue;
      path = og_xasprintf ("%s/%s", dir, names[i]);
      ret = read_opt (st->src, path, &data, &len, err);
      if (ret != 0)
        {
          ret = ret > 0 ? 0 : ret;
          continue;
        }
      ret = og_dpkg_statusd_parse (data, len, path, &st->inv->packages, err);
      if (ret < 0)
        break;
      for (size_t j = before; j < st->inv->packages.n && ret == 0; j++)
        {
          cleanup_free char *md5 = og_xasprintf ("%s/%s.md5sums", dir, names[i]);
          cleanup_free uint8_t *mdata = NULL;
          size_t mlen = 0;
          ret = read_opt (st->src, md5, &mdata, &mlen, err);
          if (ret == 0)
            ret = og_dpkg_md5sums_parse (mdata, mlen, md5, &st->inv->packages.pkgs[j], err);
          else if (ret > 0)
            ret = 0;
        }
      if (ret == 0 && st->inv->packages.n > before)
        add_db (st->inv, "deb", path, "status.d");
    }
  og_strv_free (names, n);
  return ret;
}

/* Where diversions put the files of packages other than the diverting one:
   verification looks for them there, as dpkg --verify does.  */
static int
load_dpkg_diversions (build_state *st, og_error **err)
{
  cleanup_free uint8_t *data = NULL;
  size_t len = 0;
  int ret = read_opt (st->src, OG_DPKG_DIVERSIONS, &data, &len, err);
  if (ret != 0)
    return ret > 0 ? 0 : ret;
  return og_dpkg_diversions_apply (data, len, OG_DPKG_DIVERSIONS, &st->inv->packages, err);
}

/* The licenses of the dpkg packages that have none, from their copyright
   files.  A license is a fact for SBOMs, not for the verdict: a file that is
   missing, too large or not a regular file leaves it unknown rather than
   failing the inventory; a failing read of the source does not.  */
static int
load_dpkg_licenses (build_state *st, size_t from, og_error **err)
{
  for (size_t i = from; i < st->inv->packages.n; i++)
    {
      og_package *p = &st->inv->packages.pkgs[i];
      cleanup_free char *path = NULL;
      cleanup_free uint8_t *data = NULL;
      og_error *e = NULL;
      size_t len = 0;
      int ret;

      if (p->type != OG_PKG_DEB || p->license || p->name == NULL || strchr (p->name, '/'))
        continue;
      path = og_xasprintf ("%s/%s/copyright", OG_DPKG_DOC, p->name);
      ret = og_source_read_file (st->src, path, OG_DPKG_COPYRIGHT_MAX, &data, &len, &e);
      if (ret < 0 && (og_error_code (e) == OG_ERR_LIMIT || og_error_code (e) == OG_ERR_CONTENT))
        {
          og_error_free (e);
          continue;
        }
      if (ret < 0)
        {
          if (err && *err == NULL)
            *err = e;
          else
            og_error_free (e);
          return -1;
        }
      if (ret == 0)
        p->license = og_license_from_dep5 (data, len);
    }
  return og_deadline_check (err);
}

static int
load_dpkg (build_state *st, og_error **err)
{
  const char *status = OG_DPKG_STATUS;
  cleanup_free uint8_t *data = NULL;
  size_t len = 0, before = st->inv->packages.n;
  int ret = read_opt (st->src, status, &data, &len, err);

  if (ret < 0)
    return ret;
  if (ret == 0)
    {
      if (og_dpkg_status_parse (data, len, status, &st->inv->packages, err) < 0)
        return -1;
      add_db (st->inv, "deb", status, "status");
      for (size_t i = before; i < st->inv->packages.n; i++)
        if (load_dpkg_info (st, OG_DPKG_INFO, &st->inv->packages.pkgs[i], err) < 0)
          return -1;
      if (st->inv->packages.with_verify && load_dpkg_diversions (st, err) < 0)
        return -1;
    }
  if (load_dpkg_statusd (st, err) < 0)
    return -1;
  return (st->flags & OG_INV_LICENSES) ? load_dpkg_licenses (st, before, err) : 0;
}

/* ---- apk ---------------------------------------------------------------- */

static int
load_apk (build_state *st, og_error **err)
{
  const char *path = OG_APK_INSTALLED;
  cleanup_free uint8_t *data = NULL;
  size_t len = 0;
  int ret = read_opt (st->src, path, &data, &len, err);

  if (ret != 0)
    return ret > 0 ? 0 : ret;
  if (og_apk_installed_parse (data, len, path, &st->inv->packages, err) < 0)
    return -1;
  add_db (st->inv, "apk", path, "installed");
  return 0;
}

int
og_catalog_load_packages (build_state *st, og_error **err)
{
  int ret;
  /* Only the dependency graph reads the dependency fields.  */
  st->inv->packages.with_deps = (st->flags & OG_INV_DEPS) != 0;
  /* Only verification reads the files' owners (rpm) and conffiles (dpkg).  */
  st->inv->packages.with_verify = (st->flags & (OG_INV_VERIFY | OG_INV_VERIFY_ALL)) != 0;
  ret = load_rpm (st, err);
  if (ret == 0)
    ret = og_deadline_check (err);
  if (ret == 0)
    ret = load_dpkg (st, err);
  if (ret == 0)
    ret = load_apk (st, err);
  if (ret == 0)
    ret = og_deadline_check (err);
  return ret;
}
