/* Who owns what (catalog/ownership.c) on a small dpkg tree made here: a
   path listed through a symlinked directory (usrmerge) and directly by two
   packages goes to the first, a root-level file, a file list that comes
   back to a directory it left, a directory not in the tree, and the files
   of OG_INV_FILES.  */
#include "fixtures.h"
#include <sys/stat.h>

#include "base/util.h"
#include "catalog/build.h"
#include "source/dir.h"

static char *
make_tree (void)
{
  char *root = fx_tmpdir ("ownership");

  fx_mkdir (root, "usr");
  fx_mkdir (root, "usr/bin");
  fx_mkdir (root, "usr/lib");
  fx_mkdir (root, "usr/share");
  fx_mkdir (root, "usr/local");
  fx_mkdir (root, "usr/local/bin");
  fx_symlink ("usr/bin", root, "bin");
  fx_mkdir (root, "var");
  fx_mkdir (root, "var/lib");
  fx_mkdir (root, "var/lib/dpkg");
  fx_mkdir (root, "var/lib/dpkg/info");
  fx_put (root, "var/lib/dpkg/status",
          "Package: a\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n"
          "Package: b\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n\n"
          "Package: c\nStatus: install ok installed\nVersion: 1\nArchitecture: all\n");
  /* a lists x through /bin, b lists it as it is: a, the first, owns it.  */
  fx_put (root, "var/lib/dpkg/info/a.list", "/.\n/bin\n/bin/x\n/usr/share/a.txt\n");
  fx_put (root, "var/lib/dpkg/info/b.list", "/init\n/usr/bin/x\n/usr/bin/y\n");
  /* c goes from /usr/bin to a directory of the same length, leaves /usr/bin
     and comes back to it, and lists a directory the tree does not hold.  */
  fx_put (root, "var/lib/dpkg/info/c.list",
          "/usr/bin/w\n/usr/lib/k\n/usr/share/c.txt\n/usr/bin/z\n/opt/gone/v\n/bin/\n");
  static const char *const execs[]
      = { "usr/bin/x",      "usr/bin/y",       "usr/bin/z", "usr/bin/w",
          "usr/bin/orphan", "usr/local/bin/q", "init",      "usr/lib/k" };
  for (size_t i = 0; i < OG_ARRAY_SIZE (execs); i++)
    {
      fx_put (root, execs[i], "#!/bin/sh\n");
      fx_chmod (root, execs[i], 0755);
    }
  fx_put (root, "usr/share/a.txt", "a\n");
  fx_put (root, "usr/share/c.txt", "c\n");
  fx_put (root, "usr/share/none.txt", "none\n");
  return root;
}

static void
build (const char *root, unsigned flags, og_inventory *inv)
{
  cleanup_source og_source *src = NULL;
  og_error *err = NULL;
  assert_int_equal (og_source_open_dir (root, NULL, &src, &err), 0);
  assert_int_equal (og_inventory_build (src, flags, inv, &err), 0);
}

/* The name of the package that owns path, "-" for none.  */
static const char *
owner (const og_inventory *inv, const char *path, bool exec)
{
  ssize_t p = -2;
  if (exec)
    {
      const og_exec *x = fx_find_str (inv->execs, inv->n_execs, path, path);
      assert_non_null (x);
      p = x->package;
    }
  else
    {
      const og_file *f = fx_find_str (inv->files, inv->n_files, path, path);
      assert_non_null (f);
      p = f->package;
    }
  return p < 0 ? "-" : inv->packages.pkgs[p].name;
}

typedef struct want
{
  const char *path;
  const char *owner; /* "-": none */
} want;

/* Every row of w holds in inv, for executables or for files.  */
static void
assert_owners (const og_inventory *inv, bool exec, const want *w, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      print_message ("%s\n", w[i].path);
      assert_string_equal (owner (inv, w[i].path, exec), w[i].owner);
    }
}

static void
test_executables (void **state)
{
  static const want w[] = {
    { "/usr/bin/x", "a" },      { "/usr/bin/y", "b" },       { "/init", "b" },
    { "/usr/bin/w", "c" },      { "/usr/bin/z", "c" },       { "/usr/lib/k", "c" },
    { "/usr/bin/orphan", "-" }, { "/usr/local/bin/q", "-" },
  };
  cleanup_free char *root = make_tree ();
  cleanup_inventory og_inventory inv = { 0 };

  build (root, 0, &inv);
  assert_int_equal (inv.packages.n, 3);
  assert_int_equal (inv.n_execs, OG_ARRAY_SIZE (w));
  assert_owners (&inv, true, w, OG_ARRAY_SIZE (w));
  assert_int_equal (inv.summary.owned, 6);
  assert_int_equal (inv.summary.unowned, 2);
  fx_rm_rf (root);
}

static void
test_files (void **state)
{
  /* /bin is the symlink itself, which a lists as dpkg records it.  */
  static const want w[] = {
    { "/usr/share/a.txt", "a" }, { "/usr/share/c.txt", "c" }, { "/usr/share/none.txt", "-" },
    { "/usr/bin/x", "a" },       { "/usr/bin/z", "c" },       { "/bin", "a" },
  };
  cleanup_free char *root = make_tree ();
  cleanup_inventory og_inventory inv = { 0 };

  build (root, OG_INV_FILES, &inv);
  assert_owners (&inv, false, w, OG_ARRAY_SIZE (w));
  fx_rm_rf (root);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_executables), cmocka_unit_test (test_files));
