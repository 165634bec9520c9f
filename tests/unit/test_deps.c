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
#include "catalog/inventory.h"
#include "output/deps.h"
#include "catalog/pkgdb/pkgdb.h"

static const og_package *
find_pkg (const og_pkglist *l, const char *name)
{
  const og_package *p = fx_find_str (l->pkgs, l->n, name, name);
  if (p == NULL)
    fail_msg ("no package %s", name);
  return p;
}

static const og_pkg_dep *
find_dep (const og_pkg_deps *d, const char *name)
{
  return fx_find_str (d->v, d->n, name, name);
}

static void
assert_dep (const og_pkg_deps *d, const char *name, uint32_t sense, const char *version,
            og_dep_kind kind)
{
  const og_pkg_dep *x = find_dep (d, name);
  if (x == NULL)
    fail_msg ("no dependency %s", name);
  assert_int_equal (x->sense, sense);
  fx_assert_str_or_null ("version", x->version, version);
  assert_int_equal (x->kind, kind);
}

/* Parsing text with the dependency fields fails with a message containing
   want, and without them it succeeds (the hook never reads them).  */
static void
assert_deps_error (fx_pkgdb_parse_fn parse, const char *text, const char *want)
{
  og_pkglist l = { .with_deps = false };
  og_error *err = NULL;
  fx_assert_parse_error_deps (parse, true, "db", text, want);
  if (parse ((const uint8_t *)text, strlen (text), "db", &l, &err) < 0)
    fail_msg ("without the dependency fields: %s", err->msg);
  assert_int_equal (l.n, 1);
  assert_int_equal (l.pkgs[0].depends.n + l.pkgs[0].provides.n, 0);
  og_pkglist_clear (&l);
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
  og_pkglist l = { .with_deps = true };
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
      assert_deps_error (og_dpkg_status_parse, text, "malformed relation");
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
  og_pkglist l = { .with_deps = true };
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
  og_pkglist l = { .with_deps = true };
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
  static const char db[]
      = "P:a\nV:1-r0\nD:!gone b>=2 c<3 d~1.2 e>1 f<=4 /bin/sh g><Q1abc=\np:x=1 y\n";
  og_pkglist l = { .with_deps = true };
  og_error *err = NULL;
  const og_package *p;

  if (og_apk_installed_parse ((const uint8_t *)db, strlen (db), "installed", &l, &err) < 0)
    fail_msg ("%s", err->msg);
  p = &l.pkgs[0];
  assert_int_equal (p->depends.n, 7);                      /* the !gone conflict holds nothing in */
  assert_dep (&p->depends, "g", 0, NULL, OG_DEP_REQUIRES); /* a checksum pin: any version */
  assert_null (find_dep (&p->depends, "gone"));
  assert_dep (&p->depends, "b", OG_DEP_GREATER | OG_DEP_EQUAL, "2", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "c", OG_DEP_LESS, "3", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "d", OG_DEP_FUZZY | OG_DEP_EQUAL, "1.2", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "e", OG_DEP_GREATER, "1", OG_DEP_REQUIRES);
  assert_dep (&p->depends, "f", OG_DEP_LESS | OG_DEP_EQUAL, "4", OG_DEP_REQUIRES);
  assert_dep (&p->provides, "x", OG_DEP_EQUAL, "1", OG_DEP_REQUIRES);
  assert_dep (&p->provides, "y", 0, NULL, OG_DEP_REQUIRES);
  og_pkglist_clear (&l);
  assert_deps_error (og_apk_installed_parse, "P:a\nV:1\nD:b>=\n", "is not 'name[OP version]'");
  assert_deps_error (og_apk_installed_parse, "P:a\nV:1\nD:=1\n", "is not 'name[OP version]'");
  assert_deps_error (og_apk_installed_parse, "P:a\nV:1\np:x=\n", "is not 'name[OP version]'");
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
  og_pkglist l = { .with_deps = true };
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
  /* Without with_deps (the hook), no dependency field is read.  */
  l.with_deps = false;
  assert_true (load_rpm_fixture (&l));
  for (size_t i = 0; i < l.n; i++)
    assert_int_equal (l.pkgs[i].depends.n + l.pkgs[i].provides.n, 0);
  og_pkglist_clear (&l);
}

/* ---- the graph ---------------------------------------------------------- */

static void
parse_dpkg (const char *text, og_pkglist *l)
{
  og_error *err = NULL;
  if (og_dpkg_status_parse ((const uint8_t *)text, strlen (text), "status", l, &err) < 0)
    fail_msg ("%s", err->msg);
}

static size_t
idx (const og_pkglist *l, const char *name)
{
  return (size_t)(find_pkg (l, name) - l->pkgs);
}

/* The names of x, space-separated, in package order.  */
static char *
names (const og_pkglist *l, const og_idxv *x)
{
  og_buf b = { 0 };
  og_buf_puts (&b, "");
  for (size_t k = 0; k < x->n; k++)
    og_buf_printf (&b, "%s%s", k ? " " : "", l->pkgs[x->v[k]].name);
  return og_buf_steal (&b);
}

static void
assert_links (const og_pkglist *l, const og_depgraph *g, const char *name, const char *requires,
              const char *required_by)
{
  size_t i = idx (l, name);
  cleanup_free char *r = names (l, &g->links[i].requires);
  cleanup_free char *rb = names (l, &g->links[i].required_by);
  assert_string_equal (r, requires);
  assert_string_equal (rb, required_by);
}

#define ST "Status: install ok installed\n"

static void
test_graph_dpkg (void **state)
{
  static const char text[]
      = "Package: app\n" ST "Version: 1\n"
        "Depends: awk | mawk, libv (>= 2), virt (>= 1), plainvirt, gone | libv, self-api\n"
        "Provides: self-api\n"
        "Recommends: rec\n\n"
        "Package: mawk\n" ST "Version: 1.3\nProvides: awk\n\n"
        "Package: gawk\n" ST "Version: 5\nProvides: awk\n\n"
        "Package: libv\n" ST "Version: 1:1.0\n\n" /* epoch 1 > 2: satisfies >= 2 */
        "Package: vprov\n" ST "Version: 9\nProvides: virt (= 1.5)\n\n"
        "Package: unv\n" ST "Version: 9\nProvides: virt, plainvirt\n\n" /* unversioned */
        "Package: rec\n" ST "Version: 1\n\n"
        "Package: removed\nStatus: deinstall ok config-files\nVersion: 1\nProvides: awk\n\n"
        "Package: old\n" ST "Version: 1\nDepends: libv (<< 1:0)\n";
  og_pkglist l = { .with_deps = true };
  og_depgraph g;

  parse_dpkg (text, &l);
  og_depgraph_build (&l, &g);
  /* awk: every installed provider; virt (>= 1): only the versioned
     Provides; plainvirt: the unversioned one; self-api: itself, no edge.  */
  assert_links (&l, &g, "app", "mawk gawk libv vprov unv", "");
  assert_int_equal (g.links[idx (&l, "app")].unresolved, 0);
  assert_links (&l, &g, "libv", "", "app");
  assert_links (&l, &g, "unv", "", "app");
  assert_links (&l, &g, "rec", "", "");
  assert_int_equal (g.links[idx (&l, "app")].recommends.n, 1);
  /* libv 1:1.0 is not << 1:0 */
  assert_links (&l, &g, "old", "", "");
  assert_int_equal (g.links[idx (&l, "old")].unresolved, 1);
  og_depgraph_clear (&g);
  og_pkglist_clear (&l);
}

static void
test_graph_apk (void **state)
{
  static const char db[]
      = "P:app\nV:1.0-r0\nD:so:libz.so.1 lib~1.2 /bin/sh cmd:tool>2 !conflict\n\n"
        "P:zlib\nV:1.3-r0\np:so:libz.so.1=1.3\n\n"
        "P:lib\nV:1.2.13-r1\n\n"
        "P:sh\nV:1-r0\np:/bin/sh\n\n"
        "P:tool\nV:3-r0\np:cmd:tool=3-r0\n\n"
        "P:conflict\nV:1-r0\n";
  og_pkglist l = { .with_deps = true };
  og_error *err = NULL;
  og_depgraph g;

  if (og_apk_installed_parse ((const uint8_t *)db, strlen (db), "installed", &l, &err) < 0)
    fail_msg ("%s", err->msg);
  og_depgraph_build (&l, &g);
  assert_links (&l, &g, "app", "zlib lib sh tool", "");
  assert_links (&l, &g, "conflict", "", "");
  og_depgraph_clear (&g);
  og_pkglist_clear (&l);
}

/* rpm rules on packages made here: a missing release is not compared, an
   unversioned provide overlaps any version, a file requirement resolves
   against file lists, install-only prerequisites hold nothing.  */
static og_package *
rpm_pkg (og_pkglist *l, const char *name, const char *version, const char *release)
{
  og_package *p = og_pkglist_add (l);
  p->type = OG_PKG_RPM;
  p->name = og_xstrdup (name);
  p->version = og_xstrdup (version);
  p->release = og_xstrdup (release);
  return p;
}

static void
req (og_package *p, const char *name, uint32_t sense, const char *version, og_dep_kind kind)
{
  og_pkg_deps_add (&p->depends, name, strlen (name), version, version ? strlen (version) : 0, sense,
                   p->n_clauses++, kind);
}

static void
test_graph_rpm (void **state)
{
  og_pkglist l = { .with_deps = true };
  og_depgraph g;
  og_package *p;

  p = rpm_pkg (&l, "app", "1", "1");
  req (p, "base", OG_DEP_EQUAL, "2.0", OG_DEP_REQUIRES);   /* no release: matches 2.0-7 */
  req (p, "virt", OG_DEP_GREATER, "100", OG_DEP_REQUIRES); /* unversioned provide overlaps */
  req (p, "/usr/bin/tool", 0, NULL, OG_DEP_REQUIRES);
  req (p, "pre", 0, NULL, OG_DEP_INSTALL_ONLY);
  req (p, "newer", OG_DEP_GREATER | OG_DEP_EQUAL, "2.0-2", OG_DEP_REQUIRES);
  p = rpm_pkg (&l, "base", "2.0", "7");
  og_pkg_deps_add (&p->provides, "virt", 4, NULL, 0, 0, 0, OG_DEP_REQUIRES);
  p = rpm_pkg (&l, "tools", "1", "1");
  og_package_add_file (p, "/usr/bin/tool", 13);
  rpm_pkg (&l, "pre", "1", "1");
  rpm_pkg (&l, "newer", "2.0", "1"); /* 2.0-1 < 2.0-2 */
  og_depgraph_build (&l, &g);
  assert_links (&l, &g, "app", "base tools", "");
  assert_links (&l, &g, "pre", "", "");
  assert_int_equal (g.links[idx (&l, "app")].unresolved, 1);
  og_depgraph_clear (&g);
  og_pkglist_clear (&l);
}

static void
test_chains_and_holders (void **state)
{
  /* leaf -> mid -> low; top -> low; ess (essential) -> low; c1 <-> c2 cycle -> low */
  static const char text[] = "Package: leaf\n" ST "Version: 1\nDepends: mid\n\n"
                             "Package: mid\n" ST "Version: 1\nDepends: low, only\n\n"
                             "Package: only\n" ST "Version: 1\n\n"
                             "Package: top\n" ST "Version: 1\nDepends: low\n\n"
                             "Package: ess\n" ST "Essential: yes\nVersion: 1\nDepends: low\n\n"
                             "Package: low\n" ST "Version: 1\n\n"
                             "Package: c1\n" ST "Version: 1\nDepends: c2\n\n"
                             "Package: c2\n" ST "Version: 1\nDepends: c1, low\n";
  og_pkglist l = { .with_deps = true };
  og_depgraph g;
  og_chains c;
  size_t held[8];
  bool in[8];
  size_t keep;

  parse_dpkg (text, &l);
  assert_int_equal (l.n, 8);
  og_depgraph_build (&l, &g);
  og_depgraph_chains (&g, &l, idx (&l, "low"), 10, &c);
  /* roots by distance, then name: ess, top (1), leaf (2); the cycle has no root */
  assert_int_equal (c.total, 3);
  assert_int_equal (c.n, 3);
  assert_int_equal (c.v[0].n, 2);
  assert_int_equal (c.v[0].v[1], idx (&l, "ess"));
  assert_int_equal (c.v[1].v[1], idx (&l, "top"));
  assert_int_equal (c.v[2].n, 3);
  assert_int_equal (c.v[2].v[1], idx (&l, "mid"));
  assert_int_equal (c.v[2].v[2], idx (&l, "leaf"));
  assert_false (c.cycle);
  og_chains_clear (&c);
  og_depgraph_chains (&g, &l, idx (&l, "c1"), 10, &c);
  assert_true (c.cycle);
  assert_int_equal (c.n, 0);
  og_chains_clear (&c);
  og_depgraph_chains (&g, &l, idx (&l, "low"), 1, &c);
  assert_int_equal (c.n, 1);
  assert_int_equal (c.total, 3);
  og_chains_clear (&c);

  og_depgraph_sole_holders (&g, &l, held);
  assert_int_equal (held[idx (&l, "mid")], idx (&l, "leaf"));
  assert_int_equal (held[idx (&l, "only")], idx (&l, "leaf"));
  assert_int_equal (held[idx (&l, "low")], (size_t)-1);  /* held by several */
  assert_int_equal (held[idx (&l, "leaf")], (size_t)-1); /* a root itself */

  keep = idx (&l, "top");
  og_depgraph_closure (&g, &l, &keep, 1, in);
  assert_true (in[idx (&l, "top")] && in[idx (&l, "low")] && in[idx (&l, "ess")]);
  assert_false (in[idx (&l, "leaf")] || in[idx (&l, "mid")] || in[idx (&l, "only")]
                || in[idx (&l, "c1")]);
  og_depgraph_clear (&g);
  og_pkglist_clear (&l);
}

/* The graph keys of a package in the inventory JSON.  */
static void
test_deps_json (void **state)
{
  static const char text[] = "Package: a\n" ST "Version: 1\nDepends: b\nRecommends: c\n\n"
                             "Package: b\n" ST "Essential: yes\nVersion: 1\n\n"
                             "Package: c\n" ST "Version: 1\n";
  og_inventory inv = { .packages.with_deps = true };
  og_buf buf = { 0 };
  og_error *err = NULL;
  og_jw w;

  parse_dpkg (text, &inv.packages);
  /* Without the graph: nothing.  */
  assert_int_equal (og_jw_open_buf (&w, &buf, &err), 0);
  yajl_gen_map_open (w.g);
  og_package_write_deps_json (&w, &inv, 0);
  yajl_gen_map_close (w.g);
  assert_int_equal (og_jw_close (&w, &err), 0);
  assert_string_equal (buf.data, "{}");
  buf.len = 0;
  og_depgraph_build (&inv.packages, &inv.deps);
  for (size_t i = 0; i < 2; i++)
    {
      assert_int_equal (og_jw_open_buf (&w, &buf, &err), 0);
      yajl_gen_map_open (w.g);
      og_package_write_deps_json (&w, &inv, i);
      yajl_gen_map_close (w.g);
      assert_int_equal (og_jw_close (&w, &err), 0);
      og_buf_putc (&buf, '\n');
    }
  assert_string_equal (buf.data, "{\"requires\":[\"b\"],\"required_by\":[],\"recommends\":[\"c\"],"
                                 "\"essential\":false,\"priority_required\":false}\n"
                                 "{\"requires\":[],\"required_by\":[\"a\"],\"recommends\":[],"
                                 "\"essential\":true,\"priority_required\":false}\n");
  og_buf_free (&buf);
  og_inventory_clear (&inv);
}

FX_MAIN_NAMED ("deps", NULL, NULL, cmocka_unit_test (test_dpkg_fields),
               cmocka_unit_test (test_dpkg_errors), cmocka_unit_test (test_dpkg_real),
               cmocka_unit_test (test_apk_real), cmocka_unit_test (test_apk_ops),
               cmocka_unit_test (test_rpm_fields), cmocka_unit_test (test_graph_dpkg),
               cmocka_unit_test (test_graph_apk), cmocka_unit_test (test_graph_rpm),
               cmocka_unit_test (test_chains_and_holders), cmocka_unit_test (test_deps_json));
