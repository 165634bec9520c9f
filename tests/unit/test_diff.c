/* The comparison of two inventories (policy/diff.c) on inventories built in
   C: records that cancel, pairs that are one changed row, several versions
   of one name (rpm installonly kernels, gpg-pubkey), several architectures,
   --ignore-versions, and which facts of a path count as a change.  And the
   summary line and the markdown table of output/diff_table.c.  */
#include <sys/stat.h>

#include "fixtures.h"

#include "output/diff.h"
#include "policy/diff.h"
#include "policy_fixture.h"

static og_package *
rpm (og_inventory *inv, const char *name, const char *v, const char *r, const char *arch)
{
  return fx_pkg (inv, OG_PKG_RPM, name, v, r, arch);
}

static void
diff (const og_inventory *a, const og_inventory *b, og_diff_what what, bool ignore, og_diff *d)
{
  og_error *err = NULL;
  assert_int_equal (og_diff_compute (a, b, what, ignore, d, &err), 0);
  assert_null (err);
}

static const char *
ver (const og_package *p)
{
  return p ? p->version : "-";
}

static void
test_cancel_and_pair (void **state)
{
  og_inventory a = { 0 }, b = { 0 };
  og_diff d;

  rpm (&a, "zlib", "1.2", "1", "x86_64");
  rpm (&a, "bash", "5.1", "1", "x86_64");
  rpm (&a, "gone", "1", "1", "noarch");
  rpm (&b, "bash", "5.2", "1", "x86_64");
  rpm (&b, "zlib", "1.2", "1", "x86_64");
  rpm (&b, "added", "2", "1", "noarch");
  diff (&a, &b, OG_DIFF_PACKAGES, false, &d);
  assert_int_equal (d.n_pkgs, 3);
  /* Sorted by name: added, bash, gone; zlib cancels.  */
  assert_string_equal (d.pkgs[0].name, "added");
  assert_null (d.pkgs[0].a);
  assert_string_equal (ver (d.pkgs[0].b), "2");
  assert_string_equal (d.pkgs[1].name, "bash");
  assert_string_equal (ver (d.pkgs[1].a), "5.1");
  assert_string_equal (ver (d.pkgs[1].b), "5.2");
  assert_null (d.pkgs[1].arch);
  assert_string_equal (d.pkgs[2].name, "gone");
  assert_null (d.pkgs[2].b);
  assert_int_equal (d.only_a, 1);
  assert_int_equal (d.only_b, 1);
  assert_int_equal (d.changed, 1);
  {
    cleanup_free char *s = og_diff_summary_text (&d, "A", "B");
    assert_string_equal (
        s, "3 package differences: 1 only in A, 1 only in B, 1 with different versions");
  }
  og_diff_clear (&d);
  diff (&a, &b, OG_DIFF_PACKAGES, true, &d);
  assert_int_equal (d.n_pkgs, 2);
  assert_int_equal (d.ignored_version_only, 1);
  assert_int_equal (d.changed, 0);
  og_diff_clear (&d);
  og_inventory_clear (&a);
  og_inventory_clear (&b);
}

/* rpm keeps several kernels, and gpg-pubkey (no arch) once per key: the
   versions on both sides cancel, one left on each side is a changed row,
   more are rows of their own.  */
static void
test_several_versions_of_a_name (void **state)
{
  og_inventory a = { 0 }, b = { 0 };
  og_diff d;

  rpm (&a, "kernel", "5.14.0", "1", "x86_64");
  rpm (&a, "kernel", "5.14.0", "2", "x86_64");
  rpm (&b, "kernel", "5.14.0", "2", "x86_64");
  rpm (&b, "kernel", "5.14.0", "3", "x86_64");
  rpm (&a, "gpg-pubkey", "aaaa", "1", NULL);
  rpm (&a, "gpg-pubkey", "bbbb", "1", NULL);
  rpm (&a, "gpg-pubkey", "cccc", "1", NULL);
  rpm (&b, "gpg-pubkey", "bbbb", "1", NULL);
  diff (&a, &b, OG_DIFF_PACKAGES, false, &d);
  assert_int_equal (d.n_pkgs, 3);
  assert_string_equal (d.pkgs[0].name, "gpg-pubkey");
  assert_string_equal (ver (d.pkgs[0].a), "aaaa");
  assert_null (d.pkgs[0].b);
  assert_string_equal (ver (d.pkgs[1].a), "cccc");
  assert_null (d.pkgs[1].b);
  assert_string_equal (d.pkgs[2].name, "kernel");
  assert_string_equal (d.pkgs[2].a->release, "1");
  assert_string_equal (d.pkgs[2].b->release, "3");
  assert_int_equal (d.only_a, 2);
  assert_int_equal (d.changed, 1);
  og_diff_clear (&d);
  og_inventory_clear (&a);
  og_inventory_clear (&b);
}

static void
test_arches (void **state)
{
  og_inventory a = { 0 }, b = { 0 };
  og_diff d;

  fx_pkg (&a, OG_PKG_DEB, "libfoo", "1.0", NULL, "amd64");
  fx_pkg (&a, OG_PKG_DEB, "libfoo", "1.0", NULL, "i386");
  fx_pkg (&b, OG_PKG_DEB, "libfoo", "1.1", NULL, "amd64");
  /* One arch on each side, another arch: one changed row, keyed by name.  */
  fx_pkg (&a, OG_PKG_DEB, "tool", "2", NULL, "amd64");
  fx_pkg (&b, OG_PKG_DEB, "tool", "2", NULL, "all");
  diff (&a, &b, OG_DIFF_PACKAGES, false, &d);
  assert_int_equal (d.n_pkgs, 3);
  assert_string_equal (d.pkgs[0].arch, "amd64");
  assert_string_equal (ver (d.pkgs[0].a), "1.0");
  assert_string_equal (ver (d.pkgs[0].b), "1.1");
  assert_string_equal (d.pkgs[1].arch, "i386");
  assert_null (d.pkgs[1].b);
  assert_null (d.pkgs[2].arch);
  assert_string_equal (d.pkgs[2].a->arch, "amd64");
  assert_string_equal (d.pkgs[2].b->arch, "all");
  og_diff_clear (&d);
  og_inventory_clear (&a);
  og_inventory_clear (&b);
}

/* dpkg writes no epoch 0, rpm keeps the one the header has: the same
   version text is the same version.  */
static void
test_epochs_as_written (void **state)
{
  og_inventory a = { 0 }, b = { 0 };
  og_package *p;
  og_diff d;

  p = fx_pkg (&a, OG_PKG_DEB, "d", "1.0", NULL, "amd64");
  p->has_epoch = true;
  fx_pkg (&b, OG_PKG_DEB, "d", "1.0", NULL, "amd64");
  p = rpm (&a, "r", "1.0", "1", "x86_64");
  p->has_epoch = true;
  rpm (&b, "r", "1.0", "1", "x86_64");
  diff (&a, &b, OG_DIFF_PACKAGES, false, &d);
  assert_int_equal (d.n_pkgs, 1);
  assert_string_equal (d.pkgs[0].name, "r");
  {
    cleanup_free char *ea = og_package_evr (d.pkgs[0].a);
    cleanup_free char *eb = og_package_evr (d.pkgs[0].b);
    assert_string_equal (ea, "0:1.0-1");
    assert_string_equal (eb, "1.0-1");
  }
  og_diff_clear (&d);
  og_inventory_clear (&a);
  og_inventory_clear (&b);
}

static void
test_executables (void **state)
{
  og_inventory a = { 0 }, b = { 0 };
  og_exec *x;
  og_diff d;

  fx_pkg (&a, OG_PKG_DEB, "p", "1", NULL, "amd64");
  fx_pkg (&b, OG_PKG_DEB, "q", "1", NULL, "amd64");
  fx_exec (&a, "/usr/bin/same", -1);
  fx_exec (&b, "/usr/bin/same", -1);
  x = fx_exec (&a, "/usr/bin/su", 0);
  x = fx_exec (&b, "/usr/bin/su", 0);
  x->mode = 0104755;
  x->setuid = true;
  x->package = 0; /* q, not p */
  x = fx_exec (&a, "/usr/bin/ping", -1);
  x->sha256 = og_xstrdup ("aa");
  x = fx_exec (&b, "/usr/bin/ping", -1);
  x->capabilities = og_xstrdup ("cap_net_raw=ep");
  x->sha256 = og_xstrdup ("bb");
  x = fx_exec (&a, "/usr/bin/nodigest", -1);
  x->sha256 = og_xstrdup ("aa"); /* b computed none: no change */
  fx_exec (&b, "/usr/bin/nodigest", -1);
  fx_exec (&b, "/usr/bin/new", -1);
  diff (&a, &b, OG_DIFF_EXECUTABLES, false, &d);
  assert_int_equal (d.n_paths, 3);
  assert_string_equal (d.paths[0].path, "/usr/bin/new");
  assert_null (d.paths[0].a);
  assert_string_equal (d.paths[1].path, "/usr/bin/ping");
  assert_int_equal (d.paths[1].changed, OG_DIFF_F_CAPS | OG_DIFF_F_DIGEST);
  assert_string_equal (d.paths[2].path, "/usr/bin/su");
  assert_int_equal (d.paths[2].changed, OG_DIFF_F_MODE | OG_DIFF_F_PACKAGE);
  assert_int_equal (d.changed, 2);
  assert_int_equal (d.only_b, 1);
  og_diff_clear (&d);
  og_inventory_clear (&a);
  og_inventory_clear (&b);
}

static og_file *
file (og_inventory *inv, const char *path, uint32_t mode, uint64_t size, const char *target)
{
  og_file *f;
  inv->files = og_xreallocarray (inv->files, inv->n_files + 1, sizeof *inv->files);
  f = &inv->files[inv->n_files++];
  memset (f, 0, sizeof *f);
  f->path = og_xstrdup (path);
  f->mode = mode;
  f->size = size;
  f->link_target = target ? og_xstrdup (target) : NULL;
  f->package = f->exec = -1;
  return f;
}

static void
test_files (void **state)
{
  og_inventory a = { 0 }, b = { 0 };
  og_diff d;

  file (&a, "/etc", S_IFDIR | 0755, 4096, NULL);
  file (&b, "/etc", S_IFDIR | 0755, 0, NULL); /* a tar records no directory size */
  file (&a, "/bin", S_IFLNK | 0777, 7, "usr/bin");
  file (&b, "/bin", S_IFDIR | 0755, 0, NULL);
  file (&a, "/etc/motd", S_IFREG | 0644, 10, NULL);
  file (&b, "/etc/motd", S_IFREG | 0644, 12, NULL);
  file (&a, "/etc/x", S_IFREG | 0644, 1, NULL)->uid = 1000;
  file (&b, "/etc/x", S_IFREG | 0644, 1, NULL);
  diff (&a, &b, OG_DIFF_FILES, false, &d);
  assert_int_equal (d.n_paths, 3);
  assert_string_equal (d.paths[0].path, "/bin");
  assert_int_equal (d.paths[0].changed,
                    OG_DIFF_F_TYPE | OG_DIFF_F_MODE | OG_DIFF_F_SIZE | OG_DIFF_F_TARGET);
  assert_string_equal (d.paths[1].path, "/etc/motd");
  assert_int_equal (d.paths[1].changed, OG_DIFF_F_SIZE);
  assert_string_equal (d.paths[2].path, "/etc/x");
  assert_int_equal (d.paths[2].changed, OG_DIFF_F_OWNER);
  og_diff_clear (&d);
  og_inventory_clear (&a);
  og_inventory_clear (&b);
}

static void
test_markdown (void **state)
{
  og_inventory a = { 0 }, b = { 0 };
  og_error *err = NULL;
  char *text = NULL;
  size_t len = 0;
  FILE *m = open_memstream (&text, &len);
  og_diff d;

  fx_pkg (&a, OG_PKG_DEB, "only-a", "1:2.0-1", NULL, "amd64");
  diff (&a, &b, OG_DIFF_PACKAGES, false, &d);
  assert_int_equal (og_diff_write_markdown (&d, "rhel|7", "atomic", m, &err), 0);
  fclose (m);
  assert_string_equal (text, "| Package | rhel\\|7 | atomic |\n"
                             "| --- | --- | --- |\n"
                             "| only-a | 1:2.0-1 | Not Installed |\n"
                             "\n"
                             "1 package difference: 1 only in rhel|7, 0 only in atomic, 0 with "
                             "different versions\n");
  free (text);
  og_diff_clear (&d);
  og_inventory_clear (&a);
  og_inventory_clear (&b);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_cancel_and_pair),
         cmocka_unit_test (test_several_versions_of_a_name), cmocka_unit_test (test_arches),
         cmocka_unit_test (test_epochs_as_written), cmocka_unit_test (test_executables),
         cmocka_unit_test (test_files), cmocka_unit_test (test_markdown));
