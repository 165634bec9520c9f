/* The walk of an overlay root with its lower stack's cache: the merged
   root is walked as usual, and a directory that the upper layer does not
   hold (so that overlayfs shows the lower layers' merge of it, exactly
   what the cache recorded) is not entered: its records are replayed in its
   place, in the order the walk would have found them.  What the upper
   layer holds, the mounts below the root and the runtime's placeholders
   are walked for real, and so is everything below an upper directory with
   a redirect (its lower content is another path's).  Overlayfs's rules:
   Documentation/filesystems/overlayfs.rst.

   The package databases are read after the walk, unless the entry's
   package snapshot (snapshot.c) stands for them: the hook found them left
   as the lower layers have them (og_overlay_root.pkgdb_untouched), the
   tree the walk saw (its directories and symlinks, which ownership
   resolves the packages' paths against) is the one of the launch that made
   the snapshot, and every executable found has its owner recorded.  */
#include <sys/stat.h>

#include "base/deadline.h"
#include "base/digest.h"
#include "catalog/cache.h"
#include "source/overlay.h"

static bool
under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strncmp (path, dir, n) == 0 && path[n] == '/';
}

typedef struct merge_walk
{
  og_overlay_upper *upper; /* NULL: a read-only overlay, nothing is upper */
  const og_layer_cache *cache;
  const og_overlay_root *o;
  const char *const *excludes; /* the placeholders: pinned as o->pins are */
  size_t n_excludes;
  og_walk_fn fn;
  void *fn_data;
  char *real_below; /* an upper directory with a redirect: walked for real */
  size_t replayed;
  og_digest *tree;        /* of the directories and symlinks handed over */
  og_sha256_hex tree_hex; /* once the walk is done */
  bool pkgdb_symlink;     /* a symlink inside a package-database directory */
  bool restored;          /* the packages came from the snapshot */
  /* With a snapshot likely to stand for the databases, the replayed
     directories and symlinks (which only ownership reads, in build.c's
     tree) are handed to the build only if it is not used after all: the
     directories replayed, to replay them again then.  */
  bool defer_tree;
  og_strv deferred;
  char *snapshot_note; /* why a snapshot there was not used */
} merge_walk;

static void
tree_update (merge_walk *m, char type, const char *path, const char *target)
{
  og_digest_update (m->tree, &type, 1);
  og_digest_update (m->tree, path, strlen (path) + 1);
  if (target)
    og_digest_update (m->tree, target, strlen (target) + 1);
}

/* What build.c keeps of the tree: directories, and symlinks not on another
   mount.  */
static char
tree_type (merge_walk *m, const og_entry *e)
{
  if (S_ISDIR (e->mode))
    return 'd';
  if (!S_ISLNK (e->mode) || !e->link_target || e->skipped != OG_SKIP_NONE)
    return 0;
  for (size_t i = 0; i < m->o->n_pkgdb_dirs; i++)
    if (under (e->path, m->o->pkgdb_dirs[i]))
      m->pkgdb_symlink = true; /* a database read may leave the directory */
  return 'l';
}

/* An entry replayed from the entry's records: the same in every launch
   that replays its directory, which the tree digest names instead.  */
static int
replayed_entry (const og_entry *e, void *userdata, og_error **err)
{
  merge_walk *m = userdata;
  if (tree_type (m, e) && m->defer_tree)
    return 0;
  return m->fn (e, m->fn_data, err);
}

/* The second replay of a deferred directory: its directories and
   symlinks (its executables were handed over the first time).  */
static int
tree_only_entry (const og_entry *e, void *userdata, og_error **err)
{
  merge_walk *m = userdata;
  return S_ISDIR (e->mode) || S_ISLNK (e->mode) ? m->fn (e, m->fn_data, err) : 0;
}

/* The snapshot is not used: build.c's tree gets what was deferred.  */
static int
undefer_tree (merge_walk *m, og_error **err)
{
  for (size_t i = 0; i < m->deferred.n; i++)
    if (og_layer_cache_replay (m->cache, m->deferred.v[i], tree_only_entry, m, err) < 0)
      return -1;
  m->defer_tree = false;
  return 0;
}

/* An entry walked for real: the tree digest, then the build's own
   function.  The digest is of the tree that ownership resolves the
   packages' paths against, as the walk hands it over: what was walked,
   and the names of the directories replayed (whose content the entry
   fixes).  */
static int
tree_entry (const og_entry *e, void *userdata, og_error **err)
{
  merge_walk *m = userdata;
  char type = tree_type (m, e);
  if (type)
    tree_update (m, type, e->path, type == 'l' ? e->link_target : NULL);
  return m->fn (e, m->fn_data, err);
}

/* Does a pin lie below dir (then dir must be walked for real)?  */
static bool
pinned_below (const merge_walk *m, const char *dir)
{
  for (size_t i = 0; i < m->o->n_pins; i++)
    if (under (m->o->pins[i], dir))
      return true;
  for (size_t i = 0; i < m->n_excludes; i++)
    if (under (m->excludes[i], dir))
      return true;
  return false;
}

/* Is e a directory that the walk replays from the entry instead of
   entering (the upper layer does not hold it, no pin lies below it, no
   redirect above it)?  */
static bool
replayable (merge_walk *m, const og_entry *e)
{
  og_upper_kind kind;

  if (!S_ISDIR (e->mode) || e->skipped != OG_SKIP_NONE)
    return false;
  if (m->real_below)
    {
      if (under (e->path, m->real_below))
        return false;
      free (m->real_below); /* the walk has left it and never comes back */
      m->real_below = NULL;
    }
  kind = m->upper ? og_overlay_upper_lookup (m->upper, e->path) : OG_UPPER_NONE;
  if (kind == OG_UPPER_DIR_REDIRECT)
    m->real_below = og_xstrdup (e->path);
  return kind == OG_UPPER_NONE && !pinned_below (m, e->path);
}

static int
merged_entry (const og_entry *e, void *userdata, og_error **err)
{
  merge_walk *m = userdata;
  int ret;

  if (!replayable (m, e))
    return tree_entry (e, m, err);
  if (tree_entry (e, m, err) < 0)
    return -1;
  ret = og_layer_cache_replay (m->cache, e->path, replayed_entry, m, err);
  if (ret < 0)
    return -1;
  if (ret == 1)
    return 0; /* not in the cache (cannot be, from a verified entry): walked */
  m->replayed++;
  tree_update (m, 'r', e->path, NULL);
  if (m->defer_tree)
    og_strv_push (&m->deferred, e->path);
  return OG_WALK_PRUNE;
}

static int
merged_walk (og_source *src, unsigned walk_flags, og_walk_fn fn, void *fn_data, void *walker_data,
             og_error **err)
{
  merge_walk *m = walker_data;
  m->fn = fn;
  m->fn_data = fn_data;
  return og_source_walk (src, walk_flags, merged_entry, m, err);
}

static const char *
tree_hex (merge_walk *m)
{
  if (m->tree)
    {
      og_digest_final_hex (m->tree, m->tree_hex);
      og_digest_free (og_steal_pointer (&m->tree));
    }
  return m->tree_hex;
}

static bool
snapshot_fits (const merge_walk *m)
{
  return m->o->pkgdb_untouched && !m->pkgdb_symlink;
}

/* build.c og_inventory_restore: the packages from the entry's snapshot when
   it stands for the databases.  A snapshot that does not parse (from an
   entry that verified: cannot be) is noted and the databases are read.  */
static int
merged_restore (og_inventory *inv, void *walker_data, og_error **err)
{
  merge_walk *m = walker_data;
  cleanup_error og_error *e = NULL;
  const uint8_t *snap;
  size_t len;
  int ret = 0;

  snap = og_layer_cache_snapshot (m->cache, &len);
  if (snap && snapshot_fits (m))
    {
      ret = og_pkg_snapshot_restore (snap, len, tree_hex (m), inv, &e);
      if (ret < 0)
        {
          m->snapshot_note = og_xstrdup (e->msg);
          ret = 0;
        }
    }
  m->restored = ret == 1;
  if (ret == 0 && m->defer_tree && undefer_tree (m, err) < 0)
    return -1;
  return ret;
}

void
og_overlay_result_clear (og_overlay_result *r)
{
  free (r->note);
  og_buf_free (&r->entry);
  memset (r, 0, sizeof *r);
}

/* The cache for o: its verified entry, or one made from the lower layers.
   NULL (and res->state UNSUPPORTED) when the merge cannot be exact.  */
static og_layer_cache *
get_cache (const og_overlay_root *o, og_overlay_result *res)
{
  cleanup_error og_error *e = NULL;
  og_layer_cache *c = NULL;
  const char *why = NULL;
  int ret;

  if (o->entry)
    {
      if (og_layer_cache_parse (o->entry, o->entry_len, o->key, &c, &e) == 0)
        {
          res->state = OG_CACHE_HIT;
          return c;
        }
      res->state = OG_CACHE_INVALID;
      res->note = og_xstrdup (e->msg);
      og_error_freep (&e);
      e = NULL;
    }
  else
    res->state = OG_CACHE_MISS;
  ret = og_layer_cache_build (o->lower_root, o->lowers, o->n_lowers, o->userxattr, &c, &why, &e);
  if (ret != 0)
    {
      /* The full walk of the root then says what there is to say about a
         limit or an unreadable entry, as it would without the cache.  */
      free (res->note);
      res->note = og_xasprintf ("lower layers: %s", ret > 0 ? why : e->msg);
      res->state = OG_CACHE_UNSUPPORTED;
      return NULL;
    }
  return c;
}

int
og_inventory_build_overlay (og_source *root, const og_overlay_root *o, unsigned flags,
                            const char *const *excludes, size_t n_excludes, og_inventory *inv,
                            og_overlay_result *res, og_error **err)
{
  cleanup_layer_cache og_layer_cache *c = NULL;
  cleanup_overlay_upper og_overlay_upper *upper = NULL;
  merge_walk m = { 0 };
  int ret;

  memset (res, 0, sizeof *res);
  /* The cache holds what the hook's build takes from the walk: no per-file
     list, no digests, no other mounts.  Verification (of the executables)
     and the dependency graph come after the walk, from the packages'
     databases and files read through root, as without the cache.  */
  if ((flags & ~(unsigned)(OG_INV_VERIFY | OG_INV_DEPS)) != 0 || root->info.kind == NULL
      || strcmp (root->info.kind, "dir") != 0)
    {
      res->state = OG_CACHE_UNSUPPORTED;
      res->note = og_xstrdup ("not the hook's first inventory");
      return og_inventory_build_excluding (root, flags, excludes, n_excludes, inv, err);
    }
  c = get_cache (o, res);
  if (c && o->upper && og_overlay_upper_open (o->upper, o->userxattr, &upper, err) < 0)
    {
      res->state = OG_CACHE_UNSUPPORTED;
      res->note = og_xasprintf ("upper layer: %s", (*err)->msg);
      og_error_freep (err);
      *err = NULL;
      og_layer_cache_free (og_steal_pointer (&c));
    }
  if (c == NULL)
    return og_inventory_build_excluding (root, flags, excludes, n_excludes, inv, err);
  res->records = og_layer_cache_size (c);
  m.upper = upper;
  m.cache = c;
  m.o = o;
  m.excludes = excludes;
  m.n_excludes = n_excludes;
  /* build.c calls merged_restore after the walk only with flags 0.  */
  m.defer_tree = flags == 0 && o->pkgdb_untouched && og_layer_cache_snapshot (c, &(size_t){ 0 });
  if (og_digest_new (OG_DIGEST_SHA256, &m.tree, err) < 0)
    return -1;
  ret = og_inventory_build_walked (root, flags, excludes, n_excludes, merged_walk, &m,
                                   merged_restore, inv, err);
  free (m.real_below);
  og_strv_clear (&m.deferred);
  res->replayed = m.replayed;
  res->packages_cached = m.restored;
  if (m.snapshot_note && res->note == NULL)
    res->note = og_steal_pointer (&m.snapshot_note);
  free (m.snapshot_note);
  /* A new entry: with the packages of this launch when they are the lower
     layers' own (verification and the dependency graph leave the fields
     the snapshot keeps and the owners as they are: a launch that verifies
     makes the snapshot that a later one which does not uses).  */
  if (ret == 0 && res->state != OG_CACHE_HIT)
    {
      if (snapshot_fits (&m))
        {
          cleanup_buf og_buf snap = { 0 };
          og_pkg_snapshot_serialize (inv, tree_hex (&m), &snap);
          og_layer_cache_set_snapshot (c, &snap);
        }
      ret = og_layer_cache_serialize (c, o->key, &res->entry, err);
      if (ret < 0)
        og_inventory_clear (inv);
    }
  og_digest_free (m.tree);
  return ret;
}

/* ---- the fingerprint of a hit ----------------------------------------------- */

static void
fp_u64 (og_digest *d, uint64_t v)
{
  uint8_t b[8];
  for (size_t i = 0; i < 8; i++)
    b[i] = (uint8_t)(v >> (8 * i));
  og_digest_update (d, b, sizeof b);
}

static void
fp_bytes (og_digest *d, const void *p, size_t n)
{
  fp_u64 (d, n);
  og_digest_update (d, p, n);
}

/* With o->content: the identity of a regular file the upper layer holds,
   which verification may read (what the lower layers hold is the key's):
   its inode, size and change and modification times, which the kernel
   sets on every write to it (runtime/hitmemo.h).  */
static int
fp_content (merge_walk *m, const og_entry *e, og_error **err)
{
  struct statx stx;
  int r;

  if (!S_ISREG (e->mode) || e->skipped != OG_SKIP_NONE || m->upper == NULL
      || og_inventory_excludes (m->excludes, m->n_excludes, e))
    return 0;
  r = og_overlay_upper_identity (m->upper, e->path, &stx, err);
  if (r < 0)
    return -1;
  fp_u64 (m->tree, (uint64_t)r);
  if (r == 1)
    return 0; /* the lower layers' */
  fp_u64 (m->tree, ((uint64_t)stx.stx_dev_major << 32) | stx.stx_dev_minor);
  fp_u64 (m->tree, stx.stx_ino);
  fp_u64 (m->tree, stx.stx_size);
  fp_u64 (m->tree, (uint64_t)stx.stx_ctime.tv_sec);
  fp_u64 (m->tree, stx.stx_ctime.tv_nsec);
  fp_u64 (m->tree, (uint64_t)stx.stx_mtime.tv_sec);
  fp_u64 (m->tree, stx.stx_mtime.tv_nsec);
  return 0;
}

/* Everything the build takes from an entry walked for real (build.c
   on_entry: the facts, the link target, the capability, and the head an
   executable is classified by), and whether its directory is replayed.  */
static int
fp_entry (const og_entry *e, void *userdata, og_error **err)
{
  merge_walk *m = userdata;
  bool replay;

  if ((++m->replayed & 255) == 0 && og_deadline_check (err) < 0)
    return -1;
  replay = replayable (m, e);
  fp_bytes (m->tree, e->path, strlen (e->path));
  fp_u64 (m->tree, e->mode);
  fp_u64 (m->tree, e->uid);
  fp_u64 (m->tree, e->gid);
  fp_u64 (m->tree, e->size);
  fp_u64 (m->tree, e->nlink);
  fp_u64 (m->tree, (uint64_t)e->skipped);
  fp_u64 (m->tree, e->link_target != NULL);
  if (e->link_target)
    fp_bytes (m->tree, e->link_target, strlen (e->link_target));
  fp_bytes (m->tree, e->cap, e->cap ? e->cap_len : 0);
  if (og_entry_is_executable (e->mode))
    fp_bytes (m->tree, e->head, e->head ? e->head_len : 0);
  if (m->o->content && fp_content (m, e, err) < 0)
    return -1;
  fp_u64 (m->tree, replay);
  return replay ? OG_WALK_PRUNE : 0;
}

static int
cmp_path (const void *a, const void *b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* A set of paths (pins and excludes are only ever asked whether one
   matches), sorted: the runtime lists its mounts in no fixed order.  */
static void
fp_paths (og_digest *d, const char *const *paths, size_t n)
{
  cleanup_free const char **v = og_xcalloc (n + 1, sizeof *v);
  if (n)
    memcpy (v, paths, n * sizeof *v);
  qsort (v, n, sizeof *v, cmp_path);
  fp_u64 (d, n);
  for (size_t i = 0; i < n; i++)
    fp_bytes (d, v[i], strlen (v[i]));
}

int
og_overlay_fingerprint (og_source *root, const og_overlay_root *o, const char *const *excludes,
                        size_t n_excludes, og_digest *d, og_error **err)
{
  cleanup_overlay_upper og_overlay_upper *upper = NULL;
  merge_walk m = { 0 };
  int ret;

  if (root->info.kind == NULL || strcmp (root->info.kind, "dir") != 0)
    return og_error_set (err, 0, "not a directory source");
  if (o->upper && og_overlay_upper_open (o->upper, o->userxattr, &upper, err) < 0)
    return -1;
  m.upper = upper;
  m.o = o;
  m.excludes = excludes;
  m.n_excludes = n_excludes;
  m.tree = d;
  fp_paths (d, o->pins, o->n_pins);
  fp_paths (d, excludes, n_excludes);
  fp_u64 (d, o->pkgdb_untouched);
  fp_u64 (d, o->content);
  ret = og_source_walk (root, 0, fp_entry, &m, err);
  free (m.real_below);
  return ret;
}
