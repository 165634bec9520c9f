/* The hook's use of the layer cache (issue 16): before the sandbox, the
   root's overlay mount from the mount table, the key of its lower stack,
   the cache directory with the entry or a file for a new one; in the
   sandbox, the inventory through the cache (catalog/merge.c), the new
   entry linked into place, the use counted.  */
#include <sys/stat.h>

#include "hook.h"
#include "base/fileio.h"
#include "catalog/pkgdb_paths.h"
#include "runtime/cachedir.h"
#include "runtime/hitmemo.h"
#include "runtime/overlay.h"
#include "runtime/sandbox.h"

/* The entry's payload sha256, from its header (catalog/cache.c: magic,
   format, key sha256, length, then the payload's sha256), verified before
   the sandbox (a hit) or just made (a miss).  */
#define ENTRY_PAYLOAD_SUM_AT (4 + 4 + OG_SHA256_LEN + 8)

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
  /* The hit memo: the hook's own file as it was before the sandbox (a
     memo is of the code that made it), the inputs of this hit once known,
     whether the memo answered.  */
  struct stat exe;
  bool have_exe;
  og_sha256_hex memo_input;
  og_sha256_hex memo_binds; /* of the launch facts' bind sources */
  bool have_memo_input;
  bool memo_content; /* memo_input holds the upper layer's files' identity */
  /* The payload sum of the stack's entry: the one found (a hit) or the
     one this miss made and put in place, which the memo's inputs name.  */
  uint8_t entry_sum[OG_SHA256_LEN];
  bool have_entry_sum;
  og_audit_cache audit;
};

/* The payload sum of the entry in place (found or just published), which
   the memo's inputs name.  */
static void
take_entry_sum (struct hook_cache *c, const uint8_t *entry, size_t len)
{
  if (len < ENTRY_PAYLOAD_SUM_AT + OG_SHA256_LEN)
    return;
  memcpy (c->entry_sum, entry + ENTRY_PAYLOAD_SUM_AT, OG_SHA256_LEN);
  c->have_entry_sum = true;
}

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
  c->dir.dirfd = c->dir.tmpfd = c->dir.statsfd = c->dir.memo_tmpfd = -1;
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
  /* The memo taken out, to be put back (a hit) or replaced in the
     sandbox; a miss makes one beside the entry it makes, so that the next
     launch with the same inputs is answered by it.  One that cannot be is
     no memo.  */
  if (c->pkgdb_untouched)
    {
      cleanup_error og_error *merr = NULL;
      c->have_exe = stat ("/proc/self/exe", &c->exe) == 0;
      if (c->have_exe && og_cachedir_take_memo (&c->dir, &merr) == 0)
        og_sandbox_allow_link (c->dir.memo_tmpfd, c->dir.dirfd);
    }
  if (c->dir.entry && c->dir.tmpfd < 0)
    take_entry_sum (c, c->dir.entry, c->dir.entry_len);
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
  if (ret == 0 && res.entry.len)
    {
      if (og_cachedir_publish (&c->dir, res.entry.data, res.entry.len, &perr) < 0)
        {
          free (c->note);
          c->note = og_xasprintf ("the new entry was not kept: %s", perr->msg);
        }
      else
        take_entry_sum (c, (const uint8_t *)res.entry.data, res.entry.len);
    }
  og_cachedir_count (&c->dir, c->state);
  og_overlay_result_clear (&res);
  return ret;
}

static void
in_u64 (og_digest *d, uint64_t v)
{
  og_digest_update (d, &v, sizeof v);
}

static void
in_str (og_digest *d, const char *s)
{
  in_u64 (d, s ? strlen (s) + 1 : 0);
  if (s)
    og_digest_update (d, s, strlen (s));
}

static int
cmp_mount (const void *a, const void *b)
{
  const og_oci_mount *x = *(const og_oci_mount *const *)a, *y = *(const og_oci_mount *const *)b;
  int r = strcmp (x->destination ? x->destination : "", y->destination ? y->destination : "");
  return r ? r : (int)x->bind - (int)y->bind;
}

/* The mounts' destinations and kinds (what run.c runtime_mount judges the
   skipped entries by, the first mount of a destination deciding), sorted:
   podman lists them in no fixed order.  With a destination named twice,
   in their own order.  */
static void
mounts_in (og_digest *d, const og_oci_config *oci)
{
  cleanup_free const og_oci_mount **v = og_xcalloc (oci->n_mounts + 1, sizeof *v);
  bool twice = false;

  for (size_t i = 0; i < oci->n_mounts; i++)
    v[i] = &oci->mounts[i];
  qsort (v, oci->n_mounts, sizeof *v, cmp_mount);
  for (size_t i = 1; i < oci->n_mounts; i++)
    twice |= v[i]->destination && v[i - 1]->destination
             && strcmp (v[i]->destination, v[i - 1]->destination) == 0;
  in_u64 (d, oci->n_mounts);
  in_u64 (d, twice);
  for (size_t i = 0; i < oci->n_mounts; i++)
    {
      const og_oci_mount *m = twice ? &oci->mounts[i] : v[i];
      in_str (d, m->destination);
      in_u64 (d, m->bind);
    }
}

static int
memo_input (hook *h, og_source *src, const char *manifest_sha256, bool content, og_error **err)
{
  struct hook_cache *c = h->cache;
  cleanup_digest og_digest *d = NULL;
  cleanup_launch_facts og_launch_facts facts = { 0 };
  og_overlay_root o = { 0 };
  const og_osrelease *os = &h->inv.os;
  char today[11];

  if (c == NULL || c->dir.memo_tmpfd < 0 || !c->have_exe || !c->have_entry_sum)
    return 1;
  make_pins (c);
  if (og_digest_new (OG_DIGEST_SHA256, &d, err) < 0)
    return -1;
  in_str (d, "ocigate hit memo");
  in_u64 (d, OG_HIT_MEMO_FORMAT);
  in_u64 (d, c->exe.st_dev);
  in_u64 (d, c->exe.st_ino);
  in_u64 (d, c->exe.st_size);
  in_u64 (d, (uint64_t)c->exe.st_mtim.tv_sec);
  in_u64 (d, (uint64_t)c->exe.st_mtim.tv_nsec);
  og_digest_update (d, c->entry_sum, OG_SHA256_LEN);
  in_str (d, manifest_sha256);
  og_policy_today (today);
  in_str (d, today); /* exceptions lapse */
  in_str (d, os->id);
  in_str (d, os->version_id);
  in_str (d, os->pretty_name);
  in_str (d, os->name);
  in_str (d, os->version_codename);
  og_launch_facts_from_oci (&h->oci, &facts);
  in_u64 (d, facts.known);
  in_u64 (d, facts.readonly_rootfs);
  in_u64 (d, facts.no_new_privileges);
  /* The bind sources (host paths that name the container) only when the
     manifest reads them: og_hit_memo.binds.  */
  {
    cleanup_digest og_digest *b = NULL;
    if (og_digest_new (OG_DIGEST_SHA256, &b, err) < 0)
      return -1;
    in_u64 (b, facts.n_bind_sources);
    for (size_t i = 0; i < facts.n_bind_sources; i++)
      in_str (b, facts.bind_sources[i]);
    og_digest_final_hex (b, c->memo_binds);
  }
  mounts_in (d, &h->oci);
  o.upper = c->mount.upper;
  o.userxattr = c->mount.userxattr;
  o.pins = (const char *const *)c->pins;
  o.n_pins = c->n_pins;
  o.pkgdb_untouched = c->pkgdb_untouched;
  o.content = content;
  if (og_overlay_fingerprint (src, &o, (const char *const *)h->placeholders, h->n_placeholders, d,
                              err)
      < 0)
    return -1;
  og_digest_final_hex (d, c->memo_input);
  c->have_memo_input = true;
  c->memo_content = content;
  return 0;
}

bool
hook_cache_memo_use (hook *h, og_source *src, const char *manifest_sha256)
{
  struct hook_cache *c = h->cache;
  og_hit_memo m = { 0 };
  cleanup_error og_error *err = NULL;
  cleanup_error og_error *perr = NULL;

  if (c == NULL || c->dir.memo == NULL)
    return false;
  if (og_hit_memo_parse (c->dir.memo, c->dir.memo_len, c->key, &m, &err) < 0)
    {
      if (c->note == NULL)
        c->note = og_xstrdup (err->msg);
      return false;
    }
  /* The inputs as the memo was made: with the upper layer's files' identity
     when that inspection verified them.  */
  if (memo_input (h, src, manifest_sha256, m.content, &err) != 0
      || strcmp (m.input, c->memo_input) != 0 || (m.binds && strcmp (m.binds, c->memo_binds) != 0))
    {
      og_hit_memo_clear (&m);
      return false;
    }
  og_inventory_clear (&h->inv);
  h->inv.summary = m.summary;
  h->inv.skipped = og_steal_pointer (&m.skipped);
  h->inv.n_skipped = m.n_skipped;
  m.n_skipped = 0;
  h->have_inv = true;
  og_policy_result_clear (&h->res);
  h->res = m.res;
  memset (&m.res, 0, sizeof m.res);
  h->have_res = true;
  memcpy (h->inv_sha256, m.inventory_sha256, sizeof h->inv_sha256 - 1);
  h->inv_sha256[sizeof h->inv_sha256 - 1] = '\0';
  free (h->memo_manifest_name);
  h->memo_manifest_name = og_steal_pointer (&m.manifest_name);
  c->audit.packages_cached = m.packages_cached;
  og_hit_memo_clear (&m);
  c->state = OG_CACHE_HIT;
  c->audit.memo = true;
  c->audit.entry_bytes = c->dir.entry_len;
  /* Back into place for the next launch.  */
  if (og_cachedir_publish_memo (&c->dir, c->dir.memo, c->dir.memo_len, &perr) < 0
      && c->note == NULL)
    c->note = og_xasprintf ("the hit memo was not kept: %s", perr->msg);
  og_cachedir_count (&c->dir, c->state);
  return true;
}

void
hook_cache_memo_keep (hook *h, og_source *src, bool content)
{
  struct hook_cache *c = h->cache;
  og_hit_memo m = { 0 };
  cleanup_buf og_buf b = { 0 };
  cleanup_error og_error *err = NULL;

  if (c == NULL || c->state == OG_CACHE_UNSUPPORTED || !h->have_inv || !h->have_res
      || h->manifest == NULL || h->inv_sha256[0] == '\0')
    return;
  /* The inputs of this inspection (a miss's are known now that its entry
     is in place), unless the memo that did not answer took them so.  */
  if ((!c->have_memo_input || c->memo_content != content)
      && memo_input (h, src, h->manifest->sha256, content, &err) != 0)
    {
      if (err && c->note == NULL)
        c->note = og_xasprintf ("the hit memo was not kept: %s", err->msg);
      return;
    }
  m.input = c->memo_input;
  m.manifest_name = h->manifest->name;
  m.binds = h->manifest->has_bind_mounts ? c->memo_binds : NULL;
  m.inventory_sha256 = h->inv_sha256;
  m.packages_cached = c->audit.packages_cached;
  m.content = content;
  m.summary = h->inv.summary;
  m.skipped = h->inv.skipped;
  m.n_skipped = h->inv.n_skipped;
  m.res = h->res;
  if ((og_hit_memo_serialize (&m, c->key, &b, &err) < 0
       || og_cachedir_publish_memo (&c->dir, b.data, b.len, &err) < 0)
      && c->note == NULL)
    c->note = og_xasprintf ("the hit memo was not kept: %s", err->msg);
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
