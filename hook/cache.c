/* The hook's use of the layer cache (issue 16): before the sandbox, the
   root's overlay mount from the mount table, the key of its lower stack,
   the cache directory with the entry or a file for a new one; in the
   sandbox, the inventory through the cache (catalog/merge.c), the new
   entry linked into place, the use counted.  */
#include "hook.h"
#include "catalog/pkgdb_paths.h"
#include "runtime/cachedir.h"
#include "runtime/overlay.h"
#include "runtime/sandbox.h"

struct hook_cache
{
  og_cache_state state;
  bool invalid; /* the entry found did not verify and was dropped */
  og_overlay_mount mount;
  int lower_fd;     /* the lower layers mounted alone (a miss), or -1 */
  char *lower_root; /* /proc/self/fd/LOWER_FD */
  og_cachedir dir;
  bool have_dir;
  char *key;
  og_sha256_hex key_hex;
  char *note;
  char **pins;
  size_t n_pins;
  char **pkgdb_dirs; /* og_pkgdb_dirs as paths of the merged tree */
  bool pkgdb_untouched;
  og_audit_cache audit;
};

/* The cache cannot be used: why, as "WHERE: WHAT".  */
static void
give_up (struct hook_cache *c, const char *where, const char *what)
{
  c->state = OG_CACHE_UNSUPPORTED;
  free (c->note);
  c->note = where ? og_xasprintf ("%s: %s", where, what) : og_xstrdup (what);
}

void
hook_cache_prepare (hook *h)
{
  struct hook_cache *c;
  cleanup_error og_error *err = NULL;
  int ret;

  if (h->cfg == NULL || !h->cfg->cache_enabled || h->root == NULL)
    return; /* off: no "cache" in the record */
  c = h->cache = og_xcalloc (1, sizeof *c);
  c->dir.dirfd = c->dir.tmpfd = c->dir.statsfd = -1;
  c->lower_fd = -1;
  c->state = OG_CACHE_OFF;
  ret = og_overlay_find (h->root, &c->mount, &err);
  if (ret != 0)
    {
      if (ret < 0)
        give_up (c, "mount table", err->msg);
      return; /* not an overlay root: off */
    }
  if (c->mount.unsupported)
    return give_up (c, "overlay", c->mount.unsupported);
  if (og_overlay_key (&c->mount, &c->key, c->key_hex, &err) < 0)
    return give_up (c, NULL, err->msg);
  if (og_cachedir_open (h->cfg->cache_dir, h->cfg->cache_max_bytes, c->key_hex, &c->dir, &err) < 0)
    return give_up (c, NULL, err->msg);
  c->have_dir = true;
  c->state = OG_CACHE_MISS; /* until the inspection says otherwise */
  /* Whether the entry's package snapshot may stand for the databases (or
     one be made): the upper layer's xattrs are read here, as root.  */
  c->pkgdb_untouched = og_overlay_pkgdb_untouched (&c->mount, h->root, og_pkgdb_dirs,
                                                   OG_ARRAY_SIZE (og_pkgdb_dirs), &c->pkgdb_dirs);
  /* An entry that does not verify is dropped now, while the hook may still
     remove it, and replaced by the one this inspection makes.  */
  if (c->dir.entry && og_layer_cache_verify (c->dir.entry, c->dir.entry_len, c->key, &err) < 0)
    {
      cleanup_error og_error *derr = NULL;
      c->invalid = true;
      c->note = og_xstrdup (err->msg);
      if (og_cachedir_drop (&c->dir, &derr) < 0)
        {
          og_cachedir_close (&c->dir);
          c->have_dir = false;
          return give_up (c, NULL, derr->msg);
        }
    }
  if (c->dir.tmpfd >= 0)
    {
      /* A miss: the lower layers mounted alone, for the kernel to merge
         them with the right to read their trusted.overlay.* xattrs, which
         the sandboxed hook does not keep.  A single layer has nothing to
         merge (overlayfs mounts no fewer than two without an upper): its
         directory is walked, whiteouts there hide nothing and make no
         record.  */
      if (c->mount.n_lowers == 1)
        c->lower_root = og_xstrdup (c->mount.lowers[0]);
      else if (og_overlay_mount_lowers (&c->mount, &c->lower_fd, &err) < 0)
        {
          og_cachedir_close (&c->dir);
          c->have_dir = false;
          return give_up (c, "lower layers", err->msg);
        }
      else
        c->lower_root = og_xasprintf ("/proc/self/fd/%d", c->lower_fd);
      og_sandbox_allow_link (c->dir.tmpfd, c->dir.dirfd);
    }
}

int
hook_cache_max_fd (const hook *h)
{
  return h->cache && h->cache->have_dir ? og_cachedir_max_fd (&h->cache->dir) : -1;
}

bool
hook_cache_usable (const hook *h)
{
  return h->cache && h->cache->have_dir;
}

/* The mount points below the root, and the placeholders the walk leaves
   out, are walked for real (catalog/cache.h og_overlay_root.pins).  */
static void
make_pins (struct hook_cache *c)
{
  if (c->pins)
    return;
  c->pins = og_xcalloc (c->mount.n_below + 1, sizeof *c->pins);
  for (size_t i = 0; i < c->mount.n_below; i++)
    c->pins[c->n_pins++] = c->mount.below[i];
}

int
hook_cache_build (hook *h, og_source *src, unsigned flags, og_error **err)
{
  struct hook_cache *c = h->cache;
  og_overlay_result res = { 0 };
  og_overlay_root o = { 0 };
  cleanup_error og_error *perr = NULL;
  int ret;

  make_pins (c);
  o.upper = c->mount.upper;
  o.lower_root = c->lower_root;
  o.lowers = (const char *const *)c->mount.lowers;
  o.n_lowers = c->mount.n_lowers;
  o.userxattr = c->mount.userxattr;
  o.pins = (const char *const *)c->pins;
  o.n_pins = c->n_pins;
  o.pkgdb_dirs = (const char *const *)c->pkgdb_dirs;
  o.n_pkgdb_dirs = c->pkgdb_dirs ? OG_ARRAY_SIZE (og_pkgdb_dirs) : 0;
  o.pkgdb_untouched = c->pkgdb_untouched;
  o.key = c->key;
  o.entry = c->dir.entry;
  o.entry_len = c->dir.entry_len;
  ret = og_inventory_build_overlay (src, &o, flags, (const char *const *)h->placeholders,
                                    h->n_placeholders, &h->inv, &res, err);
  c->state = res.state;
  if (c->invalid && res.state == OG_CACHE_MISS)
    c->state = OG_CACHE_INVALID; /* and c->note says why */
  else
    {
      free (c->note);
      c->note = og_steal_pointer (&res.note);
    }
  c->audit.records = res.records;
  c->audit.replayed = res.replayed;
  c->audit.packages_cached = res.packages_cached;
  c->audit.entry_bytes = res.entry.len ? res.entry.len : c->dir.entry_len;
  if (ret == 0 && res.entry.len
      && og_cachedir_publish (&c->dir, res.entry.data, res.entry.len, &perr) < 0)
    {
      free (c->note);
      c->note = og_xasprintf ("the new entry was not kept: %s", perr->msg);
    }
  og_cachedir_count (&c->dir, c->state);
  og_overlay_result_clear (&res);
  return ret;
}

const og_audit_cache *
hook_cache_audit (const hook *h)
{
  struct hook_cache *c = h->cache;
  if (c == NULL)
    return NULL;
  c->audit.state = og_cache_state_name (c->state);
  c->audit.key = c->key ? c->key_hex : NULL;
  c->audit.layers = c->mount.n_lowers;
  c->audit.note = c->note;
  return &c->audit;
}

void
hook_cache_free (hook *h)
{
  struct hook_cache *c = h->cache;
  if (c == NULL)
    return;
  og_cachedir_close (&c->dir);
  if (c->lower_fd >= 0)
    close (c->lower_fd);
  free (c->lower_root);
  og_overlay_mount_clear (&c->mount);
  free (c->key);
  free (c->note);
  free (c->pins);
  if (c->pkgdb_dirs)
    og_strv_free (c->pkgdb_dirs, OG_ARRAY_SIZE (og_pkgdb_dirs));
  free (c);
  h->cache = NULL;
}
