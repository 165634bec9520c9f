/* The package snapshot of a layer cache entry: what the inventory takes
   from the package databases of an overlay root whose upper layer and
   mounts leave those databases as the lower layers have them (the
   databases found, the packages without their file lists, who owns each
   executable), so that a later launch over the same lower stack, with the
   same tree, reads no package database.  The bytes are our own format,
   inside the entry's checksummed payload (catalog/cache.c), read back
   through base/reader.h:

     tree   the digest (sha256 hex) of the tree that ownership resolved
            the packages' paths against, as merge.c makes it: the
            directories and symlinks walked, the directories replayed
     n_dbs, then per database: type, path, backend
     n_pkgs, then per package: type, name, has_epoch, epoch, version,
       release, arch, source, source_version, license, vendor, state,
       size, digest algorithm, file count
     n_owners, then per executable (walk order): the bytes of its path it
       shares with the previous one, the rest, and 0 (unowned) or the
       owning package's index + 1

   every integer an unsigned LEB128 varint, every string a length and its
   bytes; a string that may be absent is its length + 1 (0: absent).  */
#include <sys/stat.h>

#include "catalog/cache.h"
#include "base/strmap.h"
#include "catalog/cache_int.h"

/* The strings of a package that may be absent, in the order the snapshot
   keeps them: what the writer and the reader both go through.  */
static const size_t opt_strings[] = {
  offsetof (og_package, version),        offsetof (og_package, release),
  offsetof (og_package, arch),           offsetof (og_package, source),
  offsetof (og_package, source_version), offsetof (og_package, license),
  offsetof (og_package, vendor),         offsetof (og_package, state),
};

static const char *
opt_string (const og_package *p, size_t k)
{
  return *(char *const *)((const char *)p + opt_strings[k]);
}

static char **
opt_slot (og_package *p, size_t k)
{
  return (char **)((char *)p + opt_strings[k]);
}

void
og_pkg_snapshot_serialize (const og_inventory *inv, const char *tree_hex, og_buf *out)
{
  const char *prev = "";

  put_str (out, tree_hex);
  put_uv (out, inv->n_dbs);
  for (size_t i = 0; i < inv->n_dbs; i++)
    {
      put_str (out, inv->dbs[i].type);
      put_str (out, inv->dbs[i].path);
      put_str (out, inv->dbs[i].backend);
    }
  put_uv (out, inv->packages.n);
  for (size_t i = 0; i < inv->packages.n; i++)
    {
      const og_package *p = &inv->packages.pkgs[i];
      put_uv (out, (uint64_t)p->type);
      put_str (out, p->name);
      put_uv (out, p->has_epoch);
      put_uv (out, p->epoch);
      for (size_t k = 0; k < OG_ARRAY_SIZE (opt_strings); k++)
        put_opt (out, opt_string (p, k));
      put_uv (out, p->size);
      put_uv (out, (uint64_t)p->digest_algo);
      put_uv (out, og_package_file_count (p));
    }
  put_uv (out, inv->n_execs);
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      put_shared (out, prev, inv->execs[i].path);
      put_uv (out, inv->execs[i].package < 0 ? 0 : (uint64_t)inv->execs[i].package + 1);
      prev = inv->execs[i].path;
    }
}

static int
bad (og_error **err, const char *what)
{
  return og_error_set_code (err, OG_ERR_CONTENT, 0, "layer cache entry: package snapshot: %s",
                            what);
}

static int
parse_dbs (og_reader *r, og_inventory *inv, og_error **err)
{
  uint64_t n;
  if (!get_uv (r, &n) || n > og_reader_remaining (r))
    return bad (err, "database count");
  inv->dbs = og_xcalloc (n ? n : 1, sizeof *inv->dbs);
  for (; inv->n_dbs < n; inv->n_dbs++)
    {
      og_pkgdb_ref *d = &inv->dbs[inv->n_dbs];
      if (!get_str (r, OG_CACHE_MAX_STR, &d->type) || !get_str (r, OG_CACHE_MAX_STR, &d->path)
          || !get_str (r, OG_CACHE_MAX_STR, &d->backend))
        {
          inv->n_dbs++; /* freed with the rest */
          return bad (err, "database");
        }
    }
  return 0;
}

static bool
parse_package (og_reader *r, og_package *p)
{
  uint64_t type, has_epoch, epoch, algo, n_files;
  if (!get_uv (r, &type) || type < OG_PKG_RPM || type > OG_PKG_APK
      || !get_str (r, OG_CACHE_MAX_STR, &p->name) || !get_uv (r, &has_epoch) || has_epoch > 1
      || !get_uv (r, &epoch) || epoch > UINT32_MAX)
    return false;
  for (size_t k = 0; k < OG_ARRAY_SIZE (opt_strings); k++)
    if (!get_opt (r, opt_slot (p, k)))
      return false;
  if (!get_uv (r, &p->size) || !get_uv (r, &algo)
      || (algo != OG_DIGEST_NONE && og_digest_len ((og_digest_algo)algo) == 0)
      || !get_uv (r, &n_files) || n_files > SIZE_MAX / 2)
    return false;
  p->type = (og_pkg_type)type;
  p->has_epoch = has_epoch != 0;
  p->epoch = (uint32_t)epoch;
  p->digest_algo = (og_digest_algo)algo;
  p->n_files_listed = (size_t)n_files; /* the count alone */
  return true;
}

static int
parse_packages (og_reader *r, og_pkglist *l, og_error **err)
{
  uint64_t n;
  if (!get_uv (r, &n) || n > og_reader_remaining (r))
    return bad (err, "package count");
  for (size_t i = 0; i < n; i++)
    if (!parse_package (r, og_pkglist_add (l)))
      return bad (err, "package");
  return 0;
}

/* The owners by path (value: owner + 2, 1 unowned).  */
static int
parse_owners (og_reader *r, size_t n_pkgs, og_strmap *owners, og_error **err)
{
  char prev[OG_MAX_PATH + 1] = "";
  uint64_t n;

  if (!get_uv (r, &n) || n > og_reader_remaining (r))
    return bad (err, "executable count");
  for (size_t i = 0; i < n; i++)
    {
      uint64_t owner;
      size_t len;
      if (!get_shared (r, prev, OG_MAX_PATH, prev, &len) || !get_uv (r, &owner) || owner > n_pkgs)
        return bad (err, "executable");
      og_strmap_put (owners, prev, (void *)(uintptr_t)(owner + 1));
    }
  return og_reader_at_end (r) ? 0 : bad (err, "bytes after the executables");
}

/* Every executable of inv gets its recorded owner: false when one has
   none recorded (the snapshot's launch did not have it).  */
static bool
join (og_inventory *inv, const og_strmap *owners)
{
  for (size_t i = 0; i < inv->n_execs; i++)
    if (og_strmap_get (owners, inv->execs[i].path) == NULL)
      return false;
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      og_exec *x = &inv->execs[i];
      uintptr_t v = (uintptr_t)og_strmap_get (owners, x->path);
      x->package = (ssize_t)v - 2;
      x->integrity = x->package < 0 ? OG_INTEGRITY_UNOWNED : OG_INTEGRITY_UNCHECKED;
    }
  return true;
}

int
og_pkg_snapshot_restore (const uint8_t *data, size_t len, const char *tree_hex, og_inventory *inv,
                         og_error **err)
{
  og_inventory got = { 0 };
  og_strmap owners = { 0 };
  cleanup_free char *tree = NULL;
  og_reader r;
  int ret;

  og_reader_init (&r, data, len);
  if (!get_str (&r, OG_CACHE_MAX_STR, &tree))
    return bad (err, "tree digest");
  if (strcmp (tree, tree_hex) != 0)
    return 0; /* another tree: its paths may resolve otherwise */
  ret = parse_dbs (&r, &got, err);
  if (ret == 0)
    ret = parse_packages (&r, &got.packages, err);
  if (ret == 0)
    ret = parse_owners (&r, got.packages.n, &owners, err);
  if (ret == 0)
    {
      ret = join (inv, &owners) ? 1 : 0;
      if (ret == 1)
        {
          inv->dbs = og_steal_pointer (&got.dbs);
          inv->n_dbs = got.n_dbs;
          got.n_dbs = 0;
          inv->packages = got.packages;
          memset (&got.packages, 0, sizeof got.packages);
        }
    }
  og_strmap_clear (&owners, NULL);
  og_inventory_clear (&got);
  return ret;
}
