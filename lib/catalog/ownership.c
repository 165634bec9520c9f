/* Who owns what: the paths the inventory reports, looked up in the file
   lists of the packages, with the packages' directories resolved against the
   walked tree in memory (usrmerge: /bin -> /usr/bin), never on disk.  */
#include <sys/stat.h>

#include "base/resolve.h"
#include "base/util.h"
#include "catalog/build_int.h"

char og_catalog_dir_mark[] = "";

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
  if (v == OG_CATALOG_DIR_MARK)
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
   directory of the tree.  A directory the walk entered by that very path is
   its own canonical form (dir itself is returned): the walk follows no
   symlink and its paths are clean, so resolving it would only look up each
   of its components.  The others are resolved once (dircache).  */
static const char *
canonical_dir (build_state *st, const char *dir, og_error **err)
{
  char *canon;
  if (og_strmap_get (&st->tree, dir) == OG_CATALOG_DIR_MARK)
    return dir;
  canon = og_strmap_get (&st->dircache, dir);
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

/* The length of the directory part of a path: 1 for "/x", else up to its
   last slash; 0 for a path that names no file below a directory (relative,
   or ending in a slash).  */
static size_t
dir_len (const char *path)
{
  const char *slash = strrchr (path, '/');
  if (path[0] != '/' || slash == NULL || slash[1] == '\0')
    return 0;
  return slash == path ? 1 : (size_t)(slash - path);
}

/* The "/name" that follows a directory part of len bytes (the root's
   "/x" keeps its slash).  */
static const char *
slash_name (const char *path, size_t len)
{
  return len == 1 ? path : path + len;
}

/* The directory part of a path into dir; false as dir_len says.  */
static bool
dir_of (const char *path, og_buf *dir)
{
  size_t len = dir_len (path);
  if (len == 0)
    return false;
  dir->len = 0;
  og_buf_append (dir, path, len);
  return true;
}

char *
og_catalog_canonical_path (build_state *st, const char *listed, og_error **err)
{
  cleanup_buf og_buf dir = { 0 };
  const char *canon;

  if (!dir_of (listed, &dir))
    return NULL;
  canon = canonical_dir (st, dir.data, err);
  if (canon == NULL || *canon == '\0')
    return NULL;
  return og_xasprintf ("%s%s", strcmp (canon, "/") == 0 ? "" : canon, slash_name (listed, dir.len));
}

/* A path whose owner the inventory reports: a key of owners, and its
   directory a key of dirs.  */
static void
report (build_state *st, og_strmap *dirs, og_buf *dir, const char *path)
{
  og_strmap_put (&st->owners, path, NULL);
  if (dir_of (path, dir))
    og_strmap_put (dirs, dir->data, NULL);
}

int
og_catalog_index_owners (build_state *st, og_error **err)
{
  og_pkglist *pl = &st->inv->packages;
  cleanup_buf og_buf key = { 0 };
  cleanup_buf og_buf dir = { 0 };
  og_strmap dirs = { 0 }; /* the directories of the paths the inventory reports */
  const char *canon = NULL;
  bool wanted = false;
  int ret = 0;

  /* The paths whose owner the inventory reports: every executable, and with
     OG_INV_FILES every entry but directories.  */
  for (size_t i = 0; i < st->inv->n_execs; i++)
    report (st, &dirs, &dir, st->inv->execs[i].path);
  for (size_t i = 0; i < st->inv->n_files; i++)
    if (!S_ISDIR (st->inv->files[i].mode))
      report (st, &dirs, &dir, st->inv->files[i].path);

  dir.len = 0;
  for (size_t i = 0; i < pl->n && ret == 0; i++)
    for (size_t j = 0; j < pl->pkgs[i].n_files; j++)
      {
        const char *path = pl->pkgs[i].files[j].path;
        size_t len = dir_len (path);
        void **slot;

        if (len == 0)
          continue;
        /* A file list is sorted, so the files of one directory follow each
           other: the directory is resolved, and looked for among the
           reported ones, once for them all (canon may point into dir).  */
        if (canon == NULL || len != dir.len || memcmp (path, dir.data, len) != 0)
          {
            dir.len = 0;
            og_buf_append (&dir, path, len);
            canon = canonical_dir (st, dir.data, err);
            if (canon == NULL)
              {
                ret = -1;
                break;
              }
            wanted = *canon != '\0' && og_strmap_has (&dirs, canon);
          }
        if (!wanted)
          continue; /* not in the tree, or no reported path is there */
        key.len = 0;
        og_buf_puts (&key, strcmp (canon, "/") == 0 ? "" : canon);
        og_buf_puts (&key, slash_name (path, len));
        /* Only the paths the inventory reports are in the map; the first
           package that lists one owns it.  */
        slot = og_strmap_value (&st->owners, key.data);
        if (slot && *slot == NULL)
          *slot = (void *)(uintptr_t)(i + 1);
      }
  og_strmap_clear (&dirs, NULL);
  return ret;
}

static ssize_t
owner_of (build_state *st, const char *path)
{
  uintptr_t v = (uintptr_t)og_strmap_get (&st->owners, path);
  return v ? (ssize_t)v - 1 : -1;
}

/* Every executable (and with OG_INV_FILES every entry but directories, which
   many packages share) gets the package that lists it.  */
void
og_catalog_join_owners (build_state *st)
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

void
og_catalog_tree_value_free (void *v)
{
  if (v != OG_CATALOG_DIR_MARK)
    free (v);
}
