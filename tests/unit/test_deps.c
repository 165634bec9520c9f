/* Package dependencies: the fields each reader parses (dpkg Depends,
   Pre-Depends, Recommends, Provides; rpm REQUIRE* and PROVIDE*; apk D: and
   p:) and the graph catalog/deps.c builds from them.  The rpm cases read the
   database that tests/fixtures/make-rpm-fixtures.sh builds with rpmbuild and
   rpm from tests/fixtures/rpm/og-deps.spec; the apk and dpkg ones read the
   real databases in $OG_REAL_FIXTURES and text written here.  */
#include <sys/stat.h>

#include "fixtures.h"

#include "base/util.h"
#include "catalog/deps.h"
#include "catalog/pkgdb/pkgdb.h"

static const og_package *
find_pkg (const og_pkglist *l, const char *name)
{
  for (size_t i = 0; i < l->n; i++)
    if (strcmp (l->pkgs[i].name, name) == 0)
      return &l->pkgs[i];
  fail_msg ("no package %s", name);
  return NULL;
}

static const og_pkg_dep *
find_dep (const og_pkg_deps *d, const char *name)
{
  for (size_t i = 0; i < d->n; i++)
    if (strcmp (d->v[i].name, name) == 0)
      return &d->v[i];
  return NULL;
}

static void
assert_dep (const og_pkg_deps *d, const char *name, uint32_t sense, const char *version,
            og_dep_kind kind)
{
  const og_pkg_dep *x = find_dep (d, name);
  if (x == NULL)
    fail_msg ("no dependency %s", name);
  assert_int_equal (x->sense, sense);
  if (version)
    assert_string_equal (x->version, version);
  else
    assert_null (x->version);
  assert_int_equal (x->kind, kind);
}

/* ---- dpkg --------------------------------------------------------------- */

static const char dpkg_status[] = "Package: app\n"
                                  "Status: install ok installed\n"
                                  "Priority: required\n"
                                  "Essential: yes\n"
                                  "Version: 1.0\n"
                                  "Architecture: amd64\n"
                                  "Pre-Depends: libc6 (>= 2.36)\n"
                                  "Depends: mawk | gawk, libfoo1:amd64 (<< 2:0~),\n"
                                  " libbar (= 1.2-3) [amd64] <!nocheck>, python3:any (>= 3.11~)\n"
                                  "Recommends: ca-certificates\n"
                                  "Provides: awk-ish, app-api (= 4)\n"
                                  "Description: test\n"
                                  "\n"
                                  "Package: plain\n"
                                  "Status: install ok installed\n"
                                  "Priority: optional\n"
                                  "Version: 2\n"
                                  "Depends: old (< 1), older (> 2)\n";

static void
test_dpkg_fields (void **state)
{
  og_pkglist l = { 0 };
  og_error *err = NULL;
  const og_package *p;

  if (og_dpkg_status_parse ((const uint8_t *)dpkg_status, strlen (dpkg_status), "status", &l, &err)
      < 0)
    fail_msg ("%s", err->msg);
  p = find_pkg (&l, "app");
  assert_true (p->essential);
  assert_true (p->priority_required);
  assert_int_equal (p->depends.n, 7);
  /* libc6; mawk | gawk; libfoo1; libbar; python3; ca-certificates */
  assert_int_equal (p->n_clauses, 6);
  assert_dep (&p->depends, "libc6", OG_DEP_GREATER | OG_DEP_EQUAL, "2.36", OG_DEP_PRE_DEPENDS);
  assert_dep (&p->depends, "mawk", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->depends, "gawk", 0, NULL, OG_DEP_REQUIRES);
  assert_int_equal (find_dep (&p->depends, "mawk")->clause, find_dep (&p->depends, "gawk")->clause);
  assert_dep (&p->depends, "libfoo1", OG_DEP_LESS, "2:0~", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "libbar", OG_DEP_EQUAL, "1.2-3", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "python3", OG_DEP_GREATER | OG_DEP_EQUAL, "3.11~", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "ca-certificates", 0, NULL, OG_DEP_RECOMMENDS);
  assert_int_equal (p->provides.n, 2);
  assert_dep (&p->provides, "awk-ish", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->provides, "app-api", OG_DEP_EQUAL, "4", OG_DEP_REQUIRES);
  p = find_pkg (&l, "plain");
  assert_false (p->essential);
  assert_false (p->priority_required);
  /* dpkg reads the obsolete < and > as <= and >=.  */
  assert_dep (&p->depends, "old", OG_DEP_LESS | OG_DEP_EQUAL, "1", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "older", OG_DEP_GREATER | OG_DEP_EQUAL, "2", OG_DEP_REQUIRES);
  og_pkglist_clear (&l);
}

static void
test_dpkg_errors (void **state)
{
  static const char head[] = "Package: a\nStatus: install ok installed\nVersion: 1\n";
  static const char *const bad[] = {
    "Depends: b (>= 1\n", "Depends: b (~ 1)\n", "Depends: b (>=)\n",   "Depends: b c\n",
    "Depends: b,, c\n",   "Provides: b | c\n",  "Depends: b [amd64\n", "Depends: -b\n",
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (bad); i++)
    {
      cleanup_free char *text = og_xasprintf ("%s%s", head, bad[i]);
      fx_assert_parse_error (og_dpkg_status_parse, "status", text, "malformed relation");
    }
}

/* The real Debian 12 status file (855 packages): every relation parses, and
   a few are what the bytes say.  */
static void
test_dpkg_real (void **state)
{
  cleanup_free char *dir = fx_real_fixture ("dpkg-debian12/var/lib/dpkg");
  cleanup_free char *path = NULL;
  cleanup_free uint8_t *data = NULL;
  og_pkglist l = { 0 };
  og_error *err = NULL;
  size_t len, with_deps = 0;
  const og_package *p;

  if (dir == NULL)
    fx_skip ("no real fixtures ($OG_REAL_FIXTURES)");
  path = og_xasprintf ("%s/status", dir);
  data = fx_slurp (path, &len);
  assert_non_null (data);
  if (og_dpkg_status_parse (data, len, path, &l, &err) < 0)
    fail_msg ("%s", err->msg);
  for (size_t i = 0; i < l.n; i++)
    with_deps += l.pkgs[i].depends.n > 0;
  assert_true (with_deps > l.n / 2);
  p = find_pkg (&l, "coreutils");
  assert_true (p->essential);
  assert_true (p->priority_required);
  p = find_pkg (&l, "dpkg");
  assert_true (p->essential);
  assert_non_null (find_dep (&p->depends, "tar"));
  og_pkglist_clear (&l);
}

/* ---- apk ---------------------------------------------------------------- */

static void
test_apk_real (void **state)
{
  cleanup_free char *path = fx_real_fixture ("apk/multiple-1/lib/apk/db/installed");
  cleanup_free uint8_t *data = NULL;
  og_pkglist l = { 0 };
  og_error *err = NULL;
  size_t len;
  const og_package *p;

  if (path == NULL)
    fx_skip ("no real fixtures ($OG_REAL_FIXTURES)");
  data = fx_slurp (path, &len);
  assert_non_null (data);
  if (og_apk_installed_parse (data, len, path, &l, &err) < 0)
    fail_msg ("%s", err->msg);
  /* D:/bin/sh so:libc.musl-x86_64.so.1 so:libreadline.so.8  p:cmd:bash=5.2.21-r0 */
  p = find_pkg (&l, "bash");
  assert_int_equal (p->depends.n, 3);
  assert_int_equal (p->n_clauses, 3);
  assert_dep (&p->depends, "/bin/sh", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->depends, "so:libc.musl-x86_64.so.1", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->depends, "so:libreadline.so.8", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->provides, "cmd:bash", OG_DEP_EQUAL, "5.2.21-r0", OG_DEP_REQUIRES);
  p = find_pkg (&l, "busybox-binsh");
  assert_dep (&p->depends, "busybox", OG_DEP_EQUAL, "1.36.1-r15", OG_DEP_REQUIRES);
  assert_dep (&p->provides, "/bin/sh", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->provides, "cmd:sh", OG_DEP_EQUAL, "1.36.1-r15", OG_DEP_REQUIRES);
  p = find_pkg (&l, "musl");
  assert_int_equal (p->depends.n, 0);
  assert_dep (&p->provides, "so:libc.musl-x86_64.so.1", OG_DEP_EQUAL, "1", OG_DEP_REQUIRES);
  og_pkglist_clear (&l);
}

static void
test_apk_ops (void **state)
{
  static const char db[] = "P:a\nV:1-r0\nD:!gone b>=2 c<3 d~1.2 e>1 f<=4 /bin/sh\np:x=1 y\n";
  og_pkglist l = { 0 };
  og_error *err = NULL;
  const og_package *p;

  if (og_apk_installed_parse ((const uint8_t *)db, strlen (db), "installed", &l, &err) < 0)
    fail_msg ("%s", err->msg);
  p = &l.pkgs[0];
  assert_int_equal (p->depends.n, 6); /* the !gone conflict holds nothing in */
  assert_null (find_dep (&p->depends, "gone"));
  assert_dep (&p->depends, "b", OG_DEP_GREATER | OG_DEP_EQUAL, "2", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "c", OG_DEP_LESS, "3", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "d", OG_DEP_FUZZY | OG_DEP_EQUAL, "1.2", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "e", OG_DEP_GREATER, "1", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "f", OG_DEP_LESS | OG_DEP_EQUAL, "4", OG_DEP_REQUIRES);
  assert_dep (&p->provides, "x", OG_DEP_EQUAL, "1", OG_DEP_REQUIRES);
  assert_dep (&p->provides, "y", 0, NULL, OG_DEP_REQUIRES);
  og_pkglist_clear (&l);
  fx_assert_parse_error (og_apk_installed_parse, "installed", "P:a\nV:1\nD:b>=\n",
                         "is not 'name[OP version]'");
  fx_assert_parse_error (og_apk_installed_parse, "installed", "P:a\nV:1\nD:=1\n",
                         "is not 'name[OP version]'");
}

/* ---- rpm ---------------------------------------------------------------- */

/* The rpmdb that make-rpm-fixtures.sh writes, parsed; false when absent.  */
static bool
load_rpm_fixture (og_pkglist *l)
{
  const char *out = getenv ("OG_FIXTURES_OUT");
  cleanup_free char *path = out ? og_xasprintf ("%s/rpm/root/var/lib/rpm/rpmdb.sqlite", out) : NULL;
  cleanup_free uint8_t *data = NULL;
  og_error *err = NULL;
  size_t len;

  if (path == NULL || (data = fx_slurp (path, &len)) == NULL)
    return false;
  if (og_rpmdb_read (data, len, path, l, &err) < 0)
    fail_msg ("%s", err->msg);
  return true;
}

static void
test_rpm_fields (void **state)
{
  og_pkglist l = { 0 };
  const og_package *p;

  if (!load_rpm_fixture (&l))
    fx_skip ("no rpm fixture: tests/integration/rpm_fixtures.sh makes $OG_FIXTURES_OUT/rpm");
  p = find_pkg (&l, "og-deps-app");
  assert_dep (&p->depends, "og-virtual", OG_DEP_GREATER | OG_DEP_EQUAL, "1.5", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "og-deps-lib", OG_DEP_EQUAL, "2.1-3.og", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "/usr/share/og-deps/provided-path", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->depends, "og-deps-base", 0, NULL, OG_DEP_INSTALL_ONLY);
  assert_dep (&p->depends, "og-not-installed", 0, NULL, OG_DEP_REQUIRES);
  for (size_t i = 0; i < p->depends.n; i++)
    assert_false (og_str_has_prefix (p->depends.v[i].name, "rpmlib("));
  assert_int_equal (p->n_clauses, p->depends.n);
  p = find_pkg (&l, "og-deps-base");
  assert_dep (&p->provides, "og-virtual", OG_DEP_EQUAL, "2.0", OG_DEP_REQUIRES);
  assert_dep (&p->provides, "og-deps-base", OG_DEP_EQUAL, "2.1-3.og", OG_DEP_REQUIRES);
  assert_dep (&p->provides, "libogbase.so.1()(64bit)", 0, NULL, OG_DEP_REQUIRES);
  assert_dep (&p->depends, "/bin/sh", 0, NULL, OG_DEP_REQUIRES);
  p = find_pkg (&l, "og-deps-lib");
  assert_dep (&p->depends, "og-deps-base", OG_DEP_GREATER | OG_DEP_EQUAL, "2.0", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "/usr/bin/og-deps-tool", 0, NULL, OG_DEP_REQUIRES);
  og_pkglist_clear (&l);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_dpkg_fields), cmocka_unit_test (test_dpkg_errors),
    cmocka_unit_test (test_dpkg_real),   cmocka_unit_test (test_apk_real),
    cmocka_unit_test (test_apk_ops),     cmocka_unit_test (test_rpm_fields),
  };
  return cmocka_run_group_tests_name ("deps", tests, NULL, NULL);
}
