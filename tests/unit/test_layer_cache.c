/* The layer cache (catalog/cache.c, catalog/merge.c, source/overlay.c): on
   lower and upper trees made here (whiteouts with mknod, opaque directories
   and redirects with their xattrs), the inventory built from the cache,
   made then replayed, is byte for byte the inventory of a full walk of the
   real overlay mount of the same directories (mount(2): needs root).  And
   the entry file: round trip, every kind of damage rejected, and no entry
   when its sums cannot be taken.  */
#include "fixtures.h"
#include <dlfcn.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "base/fileio.h"
#include "catalog/build.h"
#include "catalog/cache.h"
#include "catalog/pkgdb_paths.h"
#include "output/output.h"
#include "source/dir.h"

static char *top; /* the temp dir holding l1 l2 u w mnt */
static char *mnt;
static bool packages_cached; /* of the last cached_walk */

static char *
sub (const char *name)
{
  return og_xasprintf ("%s/%s", top, name);
}

static void
exec_copy (const char *dir, const char *rel, const char *from)
{
  size_t len;
  cleanup_free uint8_t *data = fx_slurp (from, &len);
  assert_non_null (data);
  fx_write (dir, rel, data, len);
  fx_chmod (dir, rel, 0755);
}

static void
script (const char *dir, const char *rel, const char *interp)
{
  cleanup_free char *text = og_xasprintf ("#!%s\necho hi\n", interp);
  fx_put (dir, rel, text);
  fx_chmod (dir, rel, 0755);
}

/* The bottom layer: an image's base.  */
static void
make_l2 (const char *l2)
{
  fx_mkdir (l2, "usr");
  fx_mkdir (l2, "usr/bin");
  fx_symlink ("usr/bin", l2, "bin");
  exec_copy (l2, "usr/bin/true", "/bin/true");
  script (l2, "usr/bin/sh", "/bin/dash");
  fx_mkdir (l2, "usr/lib");
  fx_put (l2, "usr/lib/os-release", "ID=layered\nVERSION_ID=1\n");
  fx_symlink ("../usr/lib/os-release", l2, "etc/os-release");
  fx_mkdir (l2, "usr/local");
  fx_mkdir (l2, "usr/local/bin");
  script (l2, "opt/app/bin/tool", "/usr/bin/env python3");
  fx_put (l2, "opt/app/share/data", "not executable");
  script (l2, "gone/bin/x", "/bin/sh");
  script (l2, "old/bin/y", "/bin/sh");
  fx_put (l2, "file2dir", "a file below");
  script (l2, "dir2file/bin/z", "/bin/sh");
  fx_put (l2, "etc/hostname", "");
  /* A dpkg database, as e2e's make_rootfs writes one: "tools" lists
     /bin/ping (the usrmerge symlink resolves it to /usr/bin/ping).  */
  fx_put (l2, "var/lib/dpkg/status",
          "Package: tools\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\n"
          "Package: app\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2:3.1\n\n");
  fx_put (l2, "var/lib/dpkg/info/tools.list", "/.\n/usr\n/usr/bin\n/usr/bin/true\n/bin/ping\n");
  /* and "app" its tool through a symlink that a hit replays (/opt is not
     in the upper layer): ownership needs the replayed tree.  */
  fx_put (l2, "var/lib/dpkg/info/app.list", "/opt/app/bin2/tool\n");
  fx_symlink ("bin", l2, "opt/app/bin2");
  {
    /* A setuid binary with a capability, as security.capability holds it
       (VFS_CAP_REVISION_2, cap_net_raw permitted, effective).  */
    static const uint8_t cap[20] = { 0x01, 0, 0, 0x02, 0, 0x20, 0, 0 };
    cleanup_free char *p = og_xasprintf ("%s/usr/bin/ping", l2);
    exec_copy (l2, "usr/bin/ping", "/bin/true");
    assert_int_equal (chmod (p, 04755), 0);
    assert_int_equal (lsetxattr (p, "security.capability", cap, sizeof cap, 0), 0);
  }
}

/* The layer above it: whiteouts, an opaque directory, a directory over a
   file, a file over a directory, a file added to a merged directory.  */
static void
make_l1 (const char *l1)
{
  fx_mkdir (l1, "usr");
  fx_mkdir (l1, "usr/bin");
  script (l1, "usr/bin/extra", "/bin/sh");
  fx_whiteout (l1, "usr/bin/sh");
  fx_whiteout (l1, "gone");
  script (l1, "old/new", "/bin/sh");
  fx_xattr (l1, "old", "trusted.overlay.opaque", "y");
  script (l1, "file2dir/bin/q", "/bin/sh");
  script (l1, "dir2file", "/bin/sh");
}

typedef void (*upper_fn) (const char *u);

static void
upper_empty (const char *u)
{
  (void)u;
}

/* What a container writes: a new executable in a directory the lower
   layers have, a whiteout of an executable, an opaque /etc.  */
static void
upper_writes (const char *u)
{
  exec_copy (u, "usr/local/bin/new", "/bin/true");
  fx_whiteout (u, "opt/app/bin/tool");
  fx_put (u, "etc/hostname", "box\n");
  fx_xattr (u, "etc", "trusted.overlay.opaque", "y");
}

/* An upper /usr made opaque: nothing of the lower /usr shows.  */
static void
upper_opaque_usr (const char *u)
{
  script (u, "usr/bin/only", "/bin/sh");
  fx_xattr (u, "usr", "trusted.overlay.opaque", "y");
}

/* A renamed directory (redirect_dir): the upper /opt2 shows the lower /opt.  */
static void
upper_redirect (const char *u)
{
  fx_mkdir (u, "opt2");
  fx_xattr (u, "opt2", "trusted.overlay.redirect", "/opt");
  fx_whiteout (u, "opt");
}

static char *
inventory_json (og_inventory *inv)
{
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&buf, &len);
  cleanup_error og_error *err = NULL;
  assert_int_equal (og_inventory_write_json (inv, f, &err), 0);
  fclose (f);
  return buf;
}

static char *
full_walk (const char *root)
{
  cleanup_source og_source *src = NULL;
  cleanup_error og_error *err = NULL;
  og_inventory inv;
  char *json;

  assert_int_equal (og_source_open_dir (root, NULL, &src, &err), 0);
  if (og_inventory_build (src, 0, &inv, &err) < 0)
    fail_msg ("inventory of %s: %s", root, err->msg);
  json = inventory_json (&inv);
  og_inventory_clear (&inv);
  return json;
}

/* The inventory of mnt through the cache; *state and the entry made.  */
static char *
cached_walk (const og_overlay_root *o, og_cache_state *state, og_buf *entry)
{
  cleanup_source og_source *src = NULL;
  cleanup_error og_error *err = NULL;
  og_overlay_result res = { 0 };
  og_inventory inv;
  char *json;

  assert_int_equal (og_source_open_dir (mnt, NULL, &src, &err), 0);
  assert_int_equal (og_inventory_build_overlay (src, o, 0, NULL, 0, &inv, &res, &err), 0);
  json = inventory_json (&inv);
  og_inventory_clear (&inv);
  *state = res.state;
  packages_cached = res.packages_cached;
  /* The cache is really used: directories replayed, not walked.  */
  if (res.state == OG_CACHE_HIT || res.state == OG_CACHE_MISS)
    assert_true (res.replayed > 0);
  if (entry)
    {
      og_buf_free (entry);
      *entry = res.entry;
      res.entry = (og_buf){ 0 };
    }
  og_overlay_result_clear (&res);
  return json;
}

static bool
mount_overlay (const char *l1, const char *l2, const char *u, const char *w)
{
  cleanup_free char *opts = og_xasprintf ("lowerdir=%s:%s,upperdir=%s,workdir=%s", l1, l2, u, w);
  return mount ("overlay", mnt, "overlay", 0, opts) == 0;
}

static void
make_layers (upper_fn upper, bool lower_redirect)
{
  cleanup_free char *l1 = NULL, *l2 = NULL, *u = NULL, *w = NULL;
  top = fx_tmpdir ("layers");
  l1 = sub ("l1");
  l2 = sub ("l2");
  u = sub ("u");
  w = sub ("w");
  mnt = sub ("mnt");
  fx_mkdir (top, "l1");
  fx_mkdir (top, "l2");
  fx_mkdir (top, "u");
  fx_mkdir (top, "w");
  fx_mkdir (top, "mnt");
  make_l2 (l2);
  make_l1 (l1);
  if (lower_redirect)
    {
      fx_mkdir (l1, "moved");
      fx_xattr (l1, "moved", "trusted.overlay.redirect", "/old");
    }
  upper (u);
}

static void
unmake_layers (void)
{
  umount2 (mnt, MNT_DETACH);
  fx_rm_rf (top);
  free (top);
  free (mnt);
  top = mnt = NULL;
}

/* The directories of the layers, and the lowers as og_overlay_root wants them.  */
typedef struct layers
{
  char *l1, *l2, *u, *w;
  const char *lowers[2];
} layers;

static void
layers_clear (layers *l)
{
  free (l->l1);
  free (l->l2);
  free (l->u);
  free (l->w);
}
#define cleanup_layers __attribute__ ((cleanup (layers_clear)))

/* Make the layers and mount them at mnt (skips without root), and o their
   overlay root under key.  False when the mount fails (the layers are
   gone then).  */
static bool
mount_layers (upper_fn upper, bool lower_redirect, const char *key, layers *l, og_overlay_root *o)
{
  if (geteuid () != 0)
    fx_skip ("mounting an overlay needs root");
  make_layers (upper, lower_redirect);
  l->l1 = sub ("l1");
  l->l2 = sub ("l2");
  l->u = sub ("u");
  l->w = sub ("w");
  if (!mount_overlay (l->l1, l->l2, l->u, l->w))
    {
      unmake_layers ();
      return false;
    }
  l->lowers[0] = l->l1;
  l->lowers[1] = l->l2;
  *o = (og_overlay_root){ .upper = l->u, .lowers = l->lowers, .n_lowers = 2, .key = key };
  return true;
}

/* Miss, then hit: both the inventory of the full walk of the mount.  */
static void
check_scenario (upper_fn upper, bool lower_redirect, og_cache_state first)
{
  cleanup_layers layers l = { 0 };
  cleanup_free char *full = NULL, *miss = NULL, *hit = NULL;
  cleanup_buf og_buf entry = { 0 };
  og_overlay_root o = { 0 };
  og_cache_state state;

  if (!mount_layers (upper, lower_redirect, "test key", &l, &o))
    fx_skip ("mount -t overlay failed: %s", strerror (errno));
  full = full_walk (mnt);
  miss = cached_walk (&o, &state, &entry);
  assert_int_equal (state, first);
  assert_string_equal (miss, full);
  if (first == OG_CACHE_MISS)
    {
      /* The same made through the lower layers mounted alone, which the
         hook walks (overlayfs merges them itself).  */
      cleanup_free char *lower = sub ("lower");
      cleanup_free char *opts = og_xasprintf ("lowerdir=%s:%s", l.l1, l.l2);
      cleanup_free char *via_mount = NULL;
      fx_mkdir (top, "lower");
      assert_int_equal (mount ("overlay", lower, "overlay", MS_RDONLY, opts), 0);
      o.lower_root = lower;
      via_mount = cached_walk (&o, &state, NULL);
      assert_int_equal (state, OG_CACHE_MISS);
      assert_string_equal (via_mount, full);
      o.lower_root = NULL;
      umount2 (lower, MNT_DETACH);
      assert_true (entry.len > 0);
      o.entry = (const uint8_t *)entry.data;
      o.entry_len = entry.len;
      hit = cached_walk (&o, &state, NULL);
      assert_int_equal (state, OG_CACHE_HIT);
      assert_string_equal (hit, full);
    }
  unmake_layers ();
}

/* One run of check_scenario, as the state of a test: the upper layer, a
   redirect in a lower layer or not, and what the first lookup finds.  */
typedef struct scenario
{
  upper_fn upper;
  bool lower_redirect;
  og_cache_state first;
} scenario;

static void
test_scenario (void **state)
{
  const scenario *s = *state;
  check_scenario (s->upper, s->lower_redirect, s->first);
}

/* The test NAME: check_scenario (upper, lower_redirect, first).  */
/* clang-format off */
#define SCENARIO(test, ...) \
  { .name = #test, .test_func = test_scenario, .initial_state = &(scenario){ __VA_ARGS__ } }
/* clang-format on */

/* The new executable the container wrote is in the inventory the cache
   helped build (the inventory is the full walk's, checked above; here that
   the upper layer is really looked at).  */
static void
test_upper_executable_seen (void **state)
{
  cleanup_layers layers l = { 0 };
  cleanup_free char *json = NULL;
  cleanup_buf og_buf entry = { 0 };
  og_overlay_root o = { 0 };
  og_cache_state st;

  if (!mount_layers (upper_empty, false, "k", &l, &o))
    fx_skip ("mount -t overlay failed");
  free (cached_walk (&o, &st, &entry));
  assert_int_equal (st, OG_CACHE_MISS);
  /* The container writes through the mount, as a stopped container's
     upper layer holds what it wrote.  */
  exec_copy (mnt, "usr/local/bin/new", "/bin/true");
  o.entry = (const uint8_t *)entry.data;
  o.entry_len = entry.len;
  json = cached_walk (&o, &st, NULL);
  assert_int_equal (st, OG_CACHE_HIT);
  assert_non_null (strstr (json, "\"/usr/local/bin/new\""));
  {
    cleanup_free char *full = full_walk (mnt);
    assert_string_equal (json, full);
  }
  unmake_layers ();
}

/* The fingerprint of a hit (what the hit memo is keyed by): the same for
   the same merged root, another once the upper layer gains an executable
   or an executable there changes mode, and the same again once it is
   gone.  */
static void
fingerprint (const og_overlay_root *o, og_sha256_hex out)
{
  cleanup_source og_source *src = NULL;
  cleanup_digest og_digest *d = NULL;
  cleanup_error og_error *err = NULL;
  assert_int_equal (og_source_open_dir (mnt, NULL, &src, &err), 0);
  assert_int_equal (og_digest_new (OG_DIGEST_SHA256, &d, &err), 0);
  assert_int_equal (og_overlay_fingerprint (src, o, NULL, 0, d, &err), 0);
  og_digest_final_hex (d, out);
}

static void
test_hit_fingerprint (void **state)
{
  cleanup_layers layers l = { 0 };
  og_overlay_root o = { 0 };
  og_sha256_hex a, b, c, d, e;
  cleanup_free char *path = NULL;

  if (!mount_layers (upper_empty, false, "k", &l, &o))
    fx_skip ("mount -t overlay failed");
  fingerprint (&o, a);
  fingerprint (&o, b);
  assert_string_equal (a, b);
  exec_copy (mnt, "usr/local/bin/new", "/bin/true");
  fingerprint (&o, c);
  assert_string_not_equal (a, c);
  path = og_xasprintf ("%s/usr/local/bin/new", mnt);
  assert_int_equal (chmod (path, 0644), 0);
  fingerprint (&o, d);
  assert_string_not_equal (c, d);
  assert_int_equal (unlink (path), 0);
  fingerprint (&o, e);
  assert_string_not_equal (d, e);
  unmake_layers ();
}

/* With content (a memo of an inspection that verifies): a file of the
   upper layer rewritten with other bytes of the same size, which no walk
   sees, changes the fingerprint; without, it does not.  A file of the
   lower layers read through the mount changes neither.  */
static void
test_hit_fingerprint_content (void **state)
{
  cleanup_layers layers l = { 0 };
  og_overlay_root o = { 0 };
  og_sha256_hex plain1, plain2, with1, with2, with3;

  if (!mount_layers (upper_empty, false, "k", &l, &o))
    fx_skip ("mount -t overlay failed");
  fx_put (mnt, "etc/data", "aaaa\n");
  o.content = true;
  fingerprint (&o, with1);
  fingerprint (&o, with2);
  assert_string_equal (with1, with2);
  o.content = false;
  fingerprint (&o, plain1);
  assert_string_not_equal (plain1, with1);
  fx_put (mnt, "etc/data", "bbbb\n");
  fingerprint (&o, plain2);
  assert_string_equal (plain1, plain2);
  o.content = true;
  fingerprint (&o, with3);
  assert_string_not_equal (with1, with3);
  {
    cleanup_free char *text = NULL;
    size_t len = 0;
    cleanup_error og_error *err = NULL;
    cleanup_free char *lower_file = og_xasprintf ("%s/usr/bin/true", mnt);
    assert_int_equal (og_read_file (lower_file, 1 << 20, &text, &len, &err), 0);
    fingerprint (&o, with2);
    assert_string_equal (with2, with3);
  }
  unmake_layers ();
}

/* The entry's package snapshot: made by the first launch, used by the
next over the same tree, not when the tree ownership resolves against
   changed (a symlink) or an executable has no recorded owner, and the
   inventory is always the full walk's.  */
static void
expect (const og_overlay_root *o, bool from_entry)
{
  og_cache_state st;
  cleanup_free char *json = cached_walk (o, &st, NULL);
  cleanup_free char *full = full_walk (mnt);
  assert_int_equal (st, OG_CACHE_HIT);
  assert_int_equal (packages_cached, from_entry);
  assert_string_equal (json, full);
}

static void
test_package_snapshot (void **state)
{
  cleanup_free char *u = NULL, *l1 = NULL, *l2 = NULL, *w = NULL, *miss = NULL;
  cleanup_free char *link = NULL;
  cleanup_buf og_buf entry = { 0 };
  const char *lowers[2];
  og_overlay_root o = { 0 };
  og_cache_state st;

  if (geteuid () != 0)
    fx_skip ("mounting an overlay needs root");
  make_layers (upper_empty, false);
  l1 = sub ("l1");
  l2 = sub ("l2");
  u = sub ("u");
  w = sub ("w");
  if (!mount_overlay (l1, l2, u, w))
    {
      unmake_layers ();
      fx_skip ("mount -t overlay failed");
    }
  lowers[0] = l1;
  lowers[1] = l2;
  o = (og_overlay_root){ .upper = u,
                         .lowers = lowers,
                         .n_lowers = 2,
                         .key = "k",
                         .pkgdb_dirs = og_pkgdb_dirs,
                         .n_pkgdb_dirs = OG_ARRAY_SIZE (og_pkgdb_dirs),
                         .pkgdb_untouched = true };
  miss = cached_walk (&o, &st, &entry);
  assert_int_equal (st, OG_CACHE_MISS);
  assert_false (packages_cached);
  assert_non_null (strstr (miss, "\"name\": \"tools\""));
  o.entry = (const uint8_t *)entry.data;
  o.entry_len = entry.len;
  expect (&o, true);
  {
    cleanup_free char *json = cached_walk (&o, &st, NULL);
    assert_non_null (strstr (json, "\"path\": \"/opt/app/bin/tool\""));
  }
  /* A symlink that ownership would resolve through.  */
  link = og_xasprintf ("%s/sbin2", mnt);
  assert_int_equal (symlink ("usr/bin", link), 0);
  expect (&o, false);
  assert_int_equal (unlink (link), 0);
  expect (&o, true);
  /* An executable the snapshot's launch did not have.  */
  exec_copy (mnt, "usr/local/bin/new", "/bin/true");
  expect (&o, false);
  /* The hook found the databases' directories touched: not used.  */
  o.pkgdb_untouched = false;
  expect (&o, false);
  unmake_layers ();
}

/* ---- the entry file ----------------------------------------------------- */

/* What each entry test starts from (its setup and teardown): a small cache,
   of make_l2's tree in a folder of its own, and its entry under "key one".  */
typedef struct small_entry
{
  char *dir;
  og_layer_cache *c;
  og_buf entry;
} small_entry;

static int
small_entry_setup (void **state)
{
  small_entry *e = og_xcalloc (1, sizeof *e);
  cleanup_error og_error *err = NULL;
  const char *why = NULL;
  const char *lowers[1];

  *state = e;
  e->dir = fx_tmpdir ("entry");
  make_l2 (e->dir);
  lowers[0] = e->dir;
  assert_int_equal (og_layer_cache_build (NULL, lowers, 1, false, &e->c, &why, &err), 0);
  assert_int_equal (og_layer_cache_serialize (e->c, "key one", &e->entry, &err), 0);
  return 0;
}

static int
small_entry_teardown (void **state)
{
  small_entry *e = *state;
  og_buf_free (&e->entry);
  og_layer_cache_free (e->c);
  fx_rm_rf (e->dir);
  free (e->dir);
  free (e);
  return 0;
}

static void
test_entry_round_trip (void **state)
{
  small_entry *e = *state;
  og_layer_cache *back = NULL;
  cleanup_buf og_buf b = { 0 };
  cleanup_error og_error *err = NULL;

  assert_int_equal (
      og_layer_cache_parse ((const uint8_t *)e->entry.data, e->entry.len, "key one", &back, &err),
      0);
  assert_int_equal (og_layer_cache_size (back), og_layer_cache_size (e->c));
  assert_int_equal (og_layer_cache_serialize (back, "key one", &b, &err), 0);
  assert_int_equal (e->entry.len, b.len);
  assert_memory_equal (e->entry.data, b.data, b.len);
  og_layer_cache_free (back);
}

static void
assert_rejected (const og_buf *b, const char *key, const char *why)
{
  og_layer_cache *back = NULL;
  cleanup_error og_error *err = NULL;
  assert_int_equal (og_layer_cache_parse ((const uint8_t *)b->data, b->len, key, &back, &err), -1);
  assert_null (back);
  assert_int_equal (err->code, OG_ERR_CONTENT);
  if (strstr (err->msg, why) == NULL)
    fail_msg ("`%s` does not say `%s`", err->msg, why);
}

static void
test_entry_rejected (void **state)
{
  small_entry *e = *state;
  fx_assert_frame_checks (&e->entry, "key one", "key two", OG_LAYER_CACHE_FORMAT, assert_rejected);
}

/* The key's sum in the frame (after the magic and the format) is its raw
   sha256: og_sha256_of's bytes, og_sha256_hex_of's digits.  */
static void
test_entry_key_sum (void **state)
{
  small_entry *e = *state;
  cleanup_error og_error *err = NULL;
  uint8_t raw[OG_SHA256_LEN];
  og_sha256_hex hex, want;

  assert_int_equal (og_sha256_of ("key one", 7, raw, &err), 0);
  assert_true (e->entry.len > 8 + OG_SHA256_LEN);
  assert_memory_equal (e->entry.data + 8, raw, OG_SHA256_LEN);
  og_hex (raw, OG_SHA256_LEN, hex);
  fx_sha256 ("key one", 7, want);
  assert_string_equal (hex, want);
}

/* OpenSSL's SHA256_Init, which base/digest.c starts every sha256 with,
   fails while fail_digests is set (it returns 0 on failure).  */
static bool fail_digests;
int SHA256_Init (void *c);
int
SHA256_Init (void *c)
{
  int (*real) (void *) = (int (*) (void *))dlsym (RTLD_NEXT, "SHA256_Init");
  return fail_digests ? 0 : real (c);
}

/* An entry whose sums cannot be taken is an error, and no bytes: not an
   entry with zeros for its sums.  */
static void
test_entry_unsummable (void **state)
{
  small_entry *e = *state;
  cleanup_buf og_buf a = { 0 };
  cleanup_error og_error *err = NULL;
  int ret;

  fail_digests = true;
  ret = og_layer_cache_serialize (e->c, "key one", &a, &err);
  fail_digests = false;
  assert_int_equal (a.len, 0);
  assert_int_equal (ret, -1);
  assert_non_null (err);
  assert_int_not_equal (err->code, OG_ERR_CONTENT);
  og_error_freep (&err);
  fail_digests = true;
  ret = og_layer_cache_verify ((const uint8_t *)e->entry.data, e->entry.len, "key one", &err);
  fail_digests = false;
  assert_int_equal (ret, -1);
  assert_non_null (err);
  assert_int_not_equal (err->code, OG_ERR_CONTENT); /* not a damaged entry */
}

#define ENTRY_TEST(f) cmocka_unit_test_setup_teardown (f, small_entry_setup, small_entry_teardown)

FX_MAIN (NULL, NULL, SCENARIO (test_empty_upper, upper_empty, false, OG_CACHE_MISS),
         SCENARIO (test_upper_writes, upper_writes, false, OG_CACHE_MISS),
         SCENARIO (test_upper_opaque, upper_opaque_usr, false, OG_CACHE_MISS),
         SCENARIO (test_upper_redirect, upper_redirect, false, OG_CACHE_MISS),
         /* A redirect in a lower layer is not reproduced: the root is walked.  */
         SCENARIO (test_lower_redirect_unsupported, upper_empty, true, OG_CACHE_UNSUPPORTED),
         cmocka_unit_test (test_upper_executable_seen), cmocka_unit_test (test_hit_fingerprint),
         cmocka_unit_test (test_hit_fingerprint_content), cmocka_unit_test (test_package_snapshot),
         ENTRY_TEST (test_entry_round_trip), ENTRY_TEST (test_entry_rejected),
         ENTRY_TEST (test_entry_key_sum), ENTRY_TEST (test_entry_unsummable))
