/* Build the inventory from a source: os-release, the package databases, and
   every executable (a walk), then join executables to their owning package.  */
#include <sys/stat.h>

#include "catalog/filecap.h"
#include "catalog/build.h"
#include "catalog/pkgdb_paths.h"
#include "base/resolve.h"
#include "base/deadline.h"
#include "base/strmap.h"
#include "base/util.h"

typedef struct build_state
{
  og_source *src;
  og_inventory *inv;
  unsigned flags;
  og_strmap owners;   /* canonical path -> package index + 1 */
  og_strmap dircache; /* directory as a package lists it -> canonical dir ("" when unresolvable) */
  og_strmap tree;     /* every directory (value DIR_MARK) and symlink (its target) the walk saw */
  size_t entries;
  size_t cap_execs;
  size_t cap_files;
  const char *const *excludes; /* paths (and what is below them) left out of the walk */
  size_t n_excludes;
} build_state;

static bool
under (const char *path, const char *prefix)
{
  size_t n = strlen (prefix);
  while (n > 1 && prefix[n - 1] == '/')
    n--;
  if (n == 1 && prefix[0] == '/')
    return true;
  return strncmp (path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

static bool
excluded (const build_state *st, const char *path)
{
  for (size_t i = 0; i < st->n_excludes; i++)
    if (under (path, st->excludes[i]))
      return true;
  return false;
}

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

static int
load_os (build_state *st, og_error **err)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (og_osrelease_paths); i++)
    {
      cleanup_free uint8_t *data = NULL;
      size_t len = 0;
      int ret = og_source_read_file (st->src, og_osrelease_paths[i], 1 << 20, &data, &len, err);
      if (ret < 0)
        return ret;
      if (ret == 0)
        {
          og_osrelease_parse (data, len, &st->inv->os);
          return 0;
        }
    }
  return 0;
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

/* Read info/<name>.list (or <name>:<arch>.list) and .md5sums into p.  */
static int
load_dpkg_info (build_state *st, const char *infodir, og_package *p, og_error **err)
{
  static const char *const kinds[] = { "list", "md5sums" };
  /* The digests are only read when asked for: the .list files say what a
     package owns; md5sums serve integrity checks.  */
  size_t n_kinds = (st->flags & OG_INV_PKG_DIGESTS) ? 2 : 1;
  for (size_t k = 0; k < n_kinds; k++)
    {
      for (int with_arch = 0; with_arch < 2; with_arch++)
        {
          cleanup_free char *path = NULL;
          cleanup_free uint8_t *data = NULL;
          size_t len = 0;
          int ret;

          if (with_arch && p->arch == NULL)
            break;
          path = with_arch ? og_xasprintf ("%s/%s:%s.%s", infodir, p->name, p->arch, kinds[k])
                           : og_xasprintf ("%s/%s.%s", infodir, p->name, kinds[k]);
          ret = read_opt (st->src, path, &data, &len, err);
          if (ret < 0)
            return ret;
          if (ret > 0)
            continue;
          ret = k == 0 ? og_dpkg_list_parse (data, len, path, p, err)
                       : og_dpkg_md5sums_parse (data, len, path, p, err);
          if (ret < 0)
            return ret;
          break;
        }
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
    }
  return load_dpkg_statusd (st, err);
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

/* ---- ownership ---------------------------------------------------------- */

static char dir_mark[] = "";
#define DIR_MARK dir_mark

/* Look a canonical path up in the tree the walk saw: no system call, and
   nothing outside the root can be reached.  */
static int
tree_lstat (void *userdata, const char *path, uint32_t *mode, char **target, og_error **err)
{
  build_state *st = userdata;
  const char *v;
  (void)err;
  *target = NULL;
  if (strcmp (path, "/") == 0)
    {
      *mode = S_IFDIR;
      return 0;
    }
  v = og_strmap_get (&st->tree, path);
  if (v == NULL)
    return 1;
  if (v == DIR_MARK)
    *mode = S_IFDIR;
  else
    {
      *mode = S_IFLNK;
      *target = og_xstrdup (v);
    }
  return 0;
}

/* The canonical form of a directory as a package lists it, symlinks resolved
   inside the root (usrmerge: /bin -> /usr/bin); "" when it is not a
   directory of the tree.  */
static const char *
canonical_dir (build_state *st, const char *dir, og_error **err)
{
  char *canon = og_strmap_get (&st->dircache, dir);
  if (canon == NULL)
    {
      uint32_t mode = 0;
      char *target = NULL;
      if (og_resolve_in_root (dir, true, tree_lstat, st, &canon, err) < 0)
        return NULL;
      if (tree_lstat (st, canon, &mode, &target, err) != 0 || mode != S_IFDIR)
        {
          free (canon);
          canon = og_xstrdup ("");
        }
      free (target);
      og_strmap_put (&st->dircache, dir, canon);
    }
  return canon;
}

static int
index_owners (build_state *st, og_error **err)
{
  og_pkglist *pl = &st->inv->packages;
  og_buf key = { 0 };
  og_buf dir = { 0 };
  void **slot;
  int ret = 0;

  /* The paths whose owner the inventory reports: every executable, and with
     OG_INV_FILES every entry but directories.  */
  for (size_t i = 0; i < st->inv->n_execs; i++)
    og_strmap_put (&st->owners, st->inv->execs[i].path, NULL);
  for (size_t i = 0; i < st->inv->n_files; i++)
    if (!S_ISDIR (st->inv->files[i].mode))
      og_strmap_put (&st->owners, st->inv->files[i].path, NULL);

  for (size_t i = 0; i < pl->n && ret == 0; i++)
    for (size_t j = 0; j < pl->pkgs[i].n_files; j++)
      {
        const char *path = pl->pkgs[i].files[j].path;
        const char *slash = strrchr (path, '/');
        const char *canon;

        if (path[0] != '/' || slash == NULL || slash[1] == '\0')
          continue;
        dir.len = 0;
        og_buf_append (&dir, path, slash == path ? 1 : (size_t)(slash - path));
        canon = canonical_dir (st, dir.data, err);
        if (canon == NULL)
          {
            ret = -1;
            break;
          }
        if (*canon == '\0')
          continue; /* its directory is not in the tree */
        key.len = 0;
        og_buf_puts (&key, strcmp (canon, "/") == 0 ? "" : canon);
        og_buf_puts (&key, slash);
        /* Only the paths the inventory reports are in the map; the first
           package that lists one owns it.  */
        slot = og_strmap_value (&st->owners, key.data);
        if (slot && *slot == NULL)
          *slot = (void *)(uintptr_t)(i + 1);
      }
  og_buf_free (&key);
  og_buf_free (&dir);
  return ret;
}

static ssize_t
owner_of (build_state *st, const char *path)
{
  uintptr_t v = (uintptr_t)og_strmap_get (&st->owners, path);
  return v ? (ssize_t)v - 1 : -1;
}

/* ---- the walk ----------------------------------------------------------- */

static int
on_entry (const og_entry *e, void *userdata, og_error **err)
{
  build_state *st = userdata;
  og_inventory *inv = st->inv;
  ssize_t exec_index = -1;
  ssize_t owner = -1; /* joined after the databases are read */

  /* A hook's deadline ends the walk cleanly (checked every 256 entries).  */
  if ((++st->entries & 255) == 0 && og_deadline_check (err) < 0)
    return -1;
  if (st->n_excludes && excluded (st, e->path))
    return 0;
  if (S_ISDIR (e->mode))
    og_strmap_put (&st->tree, e->path, DIR_MARK);
  else if (S_ISLNK (e->mode) && e->link_target)
    og_strmap_put (&st->tree, e->path, og_xstrdup (e->link_target));
  if (og_entry_is_executable (e->mode))
    {
      og_exec *x;
      og_grow (&inv->execs, &st->cap_execs, inv->n_execs + 1, sizeof *inv->execs);
      exec_index = (ssize_t)inv->n_execs;
      x = &inv->execs[inv->n_execs++];
      memset (x, 0, sizeof *x);
      x->path = og_xstrdup (e->path);
      x->mode = e->mode;
      x->uid = e->uid;
      x->gid = e->gid;
      x->size = e->size;
      x->nlink = e->nlink;
      og_exec_classify (e->head, e->head_len, &x->cls);
      x->setuid = (e->mode & S_ISUID) != 0;
      x->setgid = (e->mode & S_ISGID) != 0;
      x->capabilities = e->cap ? og_filecap_text (e->cap, e->cap_len) : NULL;
      x->sha256 = e->sha256 ? og_xstrdup (e->sha256) : NULL;
      x->layer = e->layer;
      x->package = owner;
    }
  if (st->flags & OG_INV_FILES)
    {
      og_file *f;
      og_grow (&inv->files, &st->cap_files, inv->n_files + 1, sizeof *inv->files);
      f = &inv->files[inv->n_files++];
      memset (f, 0, sizeof *f);
      f->path = og_xstrdup (e->path);
      f->link_target = e->link_target ? og_xstrdup (e->link_target) : NULL;
      f->mode = e->mode;
      f->uid = e->uid;
      f->gid = e->gid;
      f->size = e->size;
      f->package = owner;
      f->exec = exec_index;
    }
  return 0;
}

/* Every executable (and with OG_INV_FILES every entry but directories, which
   many packages share) gets the package that lists it.  */
static void
join_owners (build_state *st)
{
  og_inventory *inv = st->inv;
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      og_exec *x = &inv->execs[i];
      x->package = owner_of (st, x->path);
      x->integrity = x->package < 0 ? OG_INTEGRITY_UNOWNED : OG_INTEGRITY_UNCHECKED;
    }
  for (size_t i = 0; i < inv->n_files; i++)
    if (!S_ISDIR (inv->files[i].mode))
      inv->files[i].package = owner_of (st, inv->files[i].path);
}

static void
tree_value_free (void *v)
{
  if (v != DIR_MARK)
    free (v);
}

static void
summarize (og_inventory *inv)
{
  og_inventory_summary *s = &inv->summary;
  memset (s, 0, sizeof *s);
  s->packages = inv->packages.n;
  s->executables = inv->n_execs;
  s->files = inv->n_files;
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      const og_exec *x = &inv->execs[i];
      s->elf += x->cls.kind == OG_KIND_ELF;
      s->scripts += x->cls.kind == OG_KIND_SCRIPT;
      s->other += x->cls.kind == OG_KIND_OTHER;
      s->setuid += x->setuid;
      s->setgid += x->setgid;
      s->capabilities += x->capabilities != NULL;
      s->owned += x->package >= 0;
      s->unowned += x->integrity == OG_INTEGRITY_UNOWNED;
      s->modified += x->integrity == OG_INTEGRITY_MODIFIED;
    }
}

static void
copy_source_info (og_source_info *dst, const og_source_info *src)
{
  dst->kind = src->kind ? og_xstrdup (src->kind) : NULL;
  dst->path = src->path ? og_xstrdup (src->path) : NULL;
  dst->config_digest = src->config_digest ? og_xstrdup (src->config_digest) : NULL;
  dst->manifest_digest = src->manifest_digest ? og_xstrdup (src->manifest_digest) : NULL;
  if (src->n_tags)
    {
      dst->tags = og_xcalloc (src->n_tags, sizeof *dst->tags);
      for (size_t i = 0; i < src->n_tags; i++)
        dst->tags[i] = og_xstrdup (src->tags[i]);
      dst->n_tags = src->n_tags;
    }
  if (src->n_layers)
    {
      dst->layers = og_xcalloc (src->n_layers, sizeof *dst->layers);
      for (size_t i = 0; i < src->n_layers; i++)
        dst->layers[i] = og_xstrdup (src->layers[i]);
      dst->n_layers = src->n_layers;
    }
}

int
og_inventory_build (og_source *src, unsigned flags, og_inventory *inv, og_error **err)
{
  return og_inventory_build_excluding (src, flags, NULL, 0, inv, err);
}

int
og_inventory_build_excluding (og_source *src, unsigned flags, const char *const *excludes,
                              size_t n_excludes, og_inventory *inv, og_error **err)
{
  build_state st
      = { .src = src, .inv = inv, .flags = flags, .excludes = excludes, .n_excludes = n_excludes };
  unsigned walk_flags = 0;
  int ret;

  memset (inv, 0, sizeof *inv);
  copy_source_info (&inv->source, &src->info);
  if (flags & OG_INV_CROSS_MOUNTS)
    walk_flags |= OG_WALK_CROSS_MOUNTS;

  /* Walk first: ownership is then resolved against the tree in memory.  */
  ret = load_os (&st, err);
  if (ret == 0)
    ret = og_source_walk (src, walk_flags, on_entry, &st, err);
  if (ret == 0 && !(flags & OG_INV_NO_PACKAGES))
    {
      ret = load_rpm (&st, err);
      if (ret == 0)
        ret = og_deadline_check (err);
      if (ret == 0)
        ret = load_dpkg (&st, err);
      if (ret == 0)
        ret = load_apk (&st, err);
      if (ret == 0)
        ret = og_deadline_check (err);
      if (ret == 0)
        ret = index_owners (&st, err);
    }
  if (ret == 0)
    join_owners (&st);
  og_strmap_clear (&st.owners, NULL);
  og_strmap_clear (&st.dircache, free);
  og_strmap_clear (&st.tree, tree_value_free);
  if (ret < 0)
    {
      og_inventory_clear (inv);
      return ret;
    }
  summarize (inv);
  return 0;
}

void
og_inventory_clear (og_inventory *inv)
{
  og_source_info_clear (&inv->source);
  og_osrelease_clear (&inv->os);
  for (size_t i = 0; i < inv->n_dbs; i++)
    {
      free (inv->dbs[i].type);
      free (inv->dbs[i].path);
      free (inv->dbs[i].backend);
    }
  free (inv->dbs);
  og_pkglist_clear (&inv->packages);
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      free (inv->execs[i].path);
      free (inv->execs[i].capabilities);
      free (inv->execs[i].sha256);
    }
  free (inv->execs);
  for (size_t i = 0; i < inv->n_files; i++)
    {
      free (inv->files[i].path);
      free (inv->files[i].link_target);
    }
  free (inv->files);
  memset (inv, 0, sizeof *inv);
}

const char *
og_integrity_name (og_integrity i)
{
  switch (i)
    {
    case OG_INTEGRITY_OK:
      return "ok";
    case OG_INTEGRITY_MODIFIED:
      return "modified";
    case OG_INTEGRITY_UNOWNED:
      return "unowned";
    case OG_INTEGRITY_UNCHECKED:
    default:
      return "unchecked";
    }
}

/* purl spec (github.com/package-url/purl-spec): percent-encode everything
   but the unreserved characters in names, versions and qualifier values.  */
static void
purl_put (og_buf *b, const char *s)
{
  for (; s && *s; s++)
    {
      unsigned char c = (unsigned char)*s;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || strchr ("-._~", c))
        og_buf_putc (b, (char)c);
      else
        og_buf_printf (b, "%%%02X", c);
    }
}

char *
og_package_purl (const og_package *p, const og_osrelease *os)
{
  og_buf b = { 0 };
  const char *ns = os && os->id ? os->id : NULL;

  og_buf_printf (&b, "pkg:%s/", og_pkg_type_name (p->type));
  if (ns)
    {
      purl_put (&b, ns);
      og_buf_putc (&b, '/');
    }
  purl_put (&b, p->name);
  og_buf_putc (&b, '@');
  if (p->type == OG_PKG_DEB && p->has_epoch && p->epoch)
    {
      cleanup_free char *ev = og_xasprintf ("%u:%s", p->epoch, p->version ? p->version : "");
      purl_put (&b, ev);
    }
  else
    purl_put (&b, p->version);
  if (p->type == OG_PKG_RPM && p->release)
    {
      og_buf_putc (&b, '-');
      purl_put (&b, p->release);
    }
  og_buf_putc (&b, '?');
  og_buf_puts (&b, "arch=");
  purl_put (&b, p->arch ? p->arch : "noarch");
  if (p->type == OG_PKG_RPM && p->has_epoch)
    og_buf_printf (&b, "&epoch=%u", p->epoch);
  if (p->type != OG_PKG_APK && ns)
    {
      og_buf_puts (&b, "&distro=");
      purl_put (&b, ns);
      if (os->version_id)
        {
          og_buf_putc (&b, '-');
          purl_put (&b, os->version_id);
        }
    }
  return og_buf_steal (&b);
}
