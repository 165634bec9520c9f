/* Verification (catalog/integrity.c) on a small dpkg tree made here, with
   MD5s computed by the digest routines: what differs, what is gone, the
   conffile flag, usrmerge paths, the scope without --all, and the paths the
   hook excludes (what the runtime mounts over is not judged).  */
#include "fixtures.h"
#include <sys/stat.h>

#include "base/digest.h"
#include "base/util.h"
#include "catalog/build.h"
#include "source/dir.h"

static char *
md5_of (const char *text)
{
  cleanup_digest og_digest *d = NULL;
  char hex[OG_DIGEST_HEX_MAX];
  og_error *err = NULL;
  assert_int_equal (og_digest_new (OG_DIGEST_MD5, &d, &err), 0);
  og_digest_update (d, text, strlen (text));
  og_digest_final_hex (d, hex);
  return og_xstrdup (hex);
}

static char *
make_tree (void)
{
  char *root = fx_tmpdir ("integrity");
  cleanup_free char *a = md5_of ("A\n"), *b = md5_of ("B\n"), *h = md5_of ("hosts\n"),
                    *c = md5_of ("conf\n"), *l = md5_of ("lib\n");
  cleanup_free char *status = NULL, *sums = NULL;

  fx_mkdir (root, "usr");
  fx_mkdir (root, "usr/bin");
  fx_mkdir (root, "usr/lib");
  fx_mkdir (root, "etc");
  fx_symlink ("usr/bin", root, "bin");
  fx_mkdir (root, "var");
  fx_mkdir (root, "var/lib");
  fx_mkdir (root, "var/lib/dpkg");
  fx_mkdir (root, "var/lib/dpkg/info");
  status = og_xasprintf ("Package: p\nStatus: install ok installed\nVersion: 1\n"
                         "Architecture: all\nConffiles:\n /etc/p.conf %s\n",
                         c);
  fx_put (root, "var/lib/dpkg/status", status);
  fx_put (root, "var/lib/dpkg/info/p.list",
          "/.\n/bin\n/bin/a\n/bin/b\n/usr/lib/lib.so\n/etc/hosts\n/etc/p.conf\n");
  sums = og_xasprintf ("%s  bin/a\n%s  bin/b\n%s  usr/lib/lib.so\n%s  etc/hosts\n", a, b, l, h);
  fx_put (root, "var/lib/dpkg/info/p.md5sums", sums);
  fx_put (root, "usr/bin/a", "A changed\n"); /* modified */
  fx_chmod (root, "usr/bin/a", 0755);        /* b is gone */
  fx_put (root, "usr/lib/lib.so", "lib\n");  /* ok */
  fx_put (root, "etc/hosts", "");            /* the runtime's empty placeholder */
  fx_put (root, "etc/p.conf", "edited\n");   /* a conffile, modified */
  return root;
}

static const og_verified *
find (const og_inventory *inv, const char *path)
{
  return fx_find_str (inv->verified, inv->n_verified, path, path);
}

static void
build (const char *root, unsigned flags, const char *const *ex, size_t n_ex, og_inventory *inv)
{
  cleanup_source og_source *src = NULL;
  og_error *err = NULL;
  assert_int_equal (og_source_open_dir (root, NULL, &src, &err), 0);
  assert_int_equal (og_inventory_build_excluding (src, flags, ex, n_ex, inv, &err), 0);
}

static void
test_all (void **state)
{
  cleanup_free char *root = make_tree ();
  cleanup_inventory og_inventory inv = { 0 };
  const og_verified *v;

  build (root, OG_INV_VERIFY_ALL, NULL, 0, &inv);
  assert_int_equal (inv.verify, OG_VERIFY_ALL);
  assert_int_equal (inv.n_verified, 4);
  v = find (&inv, "/usr/bin/a");
  assert_non_null (v);
  assert_int_equal (v->integrity, OG_INTEGRITY_MODIFIED);
  assert_int_equal (v->differs, OG_DIFF_DIGEST);
  assert_string_equal (v->listed, "/bin/a");
  assert_int_equal (v->algo, OG_DIGEST_MD5);
  v = find (&inv, "/usr/bin/b");
  assert_non_null (v);
  assert_int_equal (v->integrity, OG_INTEGRITY_MISSING);
  v = find (&inv, "/etc/p.conf");
  assert_non_null (v);
  assert_int_equal (v->integrity, OG_INTEGRITY_MODIFIED);
  assert_true (v->config);
  assert_non_null (find (&inv, "/etc/hosts"));
  assert_null (find (&inv, "/usr/lib/lib.so"));
  assert_int_equal (inv.summary.verified, 5);
  assert_int_equal (inv.summary.verified_ok, 1);
  assert_int_equal (inv.summary.verified_modified, 3);
  assert_int_equal (inv.summary.verified_missing, 1);
  assert_int_equal (inv.n_execs, 1);
  assert_int_equal (inv.execs[0].integrity, OG_INTEGRITY_MODIFIED);
  fx_rm_rf (root);
}

static void
test_executables_and_excludes (void **state)
{
  static const char *const ex[] = { "/etc/hosts", "/etc/p.conf" }; /* p.conf is no placeholder */
  cleanup_free char *root = make_tree ();
  cleanup_inventory og_inventory inv = { 0 };
  cleanup_inventory og_inventory inv2 = { 0 };

  /* Executables: a (modified) and b (gone, in a bin directory).  */
  build (root, OG_INV_VERIFY, NULL, 0, &inv);
  assert_int_equal (inv.verify, OG_VERIFY_EXECUTABLES);
  assert_int_equal (inv.n_verified, 2);
  assert_non_null (find (&inv, "/usr/bin/a"));
  assert_non_null (find (&inv, "/usr/bin/b"));
  /* --all, with the runtime's mount destinations excluded: only an empty
     placeholder at one is left out (and so not judged).  */
  build (root, OG_INV_VERIFY_ALL, ex, OG_ARRAY_SIZE (ex), &inv2);
  assert_int_equal (inv2.n_verified, 3);
  assert_null (find (&inv2, "/etc/hosts"));
  assert_non_null (find (&inv2, "/etc/p.conf"));
  fx_rm_rf (root);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_all), cmocka_unit_test (test_executables_and_excludes));
