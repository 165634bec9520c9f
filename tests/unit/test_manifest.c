/* Manifest loading: every section, positions of semantic errors, the
   checks lint performs, version constraints, indexes and generation.  */
#include "fixtures.h"

#include "policy/generate.h"
#include "policy/manifest.h"
#include "policy_fixture.h"
#include "catalog/version.h"

static const char full[]
    = "{\n"
      "  \"schema\": \"ocigate.manifest/v1\",\n"
      "  \"name\": \"web\",\n"
      "  \"packages\": {\n"
      "    \"allow\": [\"glibc\", {\"name\": \"openssl*\", \"version\": \">= "
      "1:1.0.2k, < 1:1.1\", \"type\": \"rpm\", \"arch\": \"x86_64\"}],\n"
      "    \"deny\": [\"python*\", \"yum\"],\n"
      "    \"require\": [\"ca-certificates\"],\n"
      "    \"unlisted\": \"deny\"\n"
      "  },\n"
      "  \"executables\": {\n"
      "    \"allow\": [\"/usr/bin/app\", {\"path\": \"/usr/lib64/**\"}, "
      "{\"path\": \"/usr/bin/tool\", \"sha256\": "
      "\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}],\n"
      "    \"deny\": [\"/bin/sh\", \"**/busybox\"],\n"
      "    \"unlisted\": \"allow\", \"unowned\": \"deny\", \"modified\": "
      "\"deny\", \"setuid\": \"deny\", \"setgid\": \"allow\", "
      "\"capabilities\": \"deny\"\n"
      "  },\n"
      "  \"launch\": { \"readonly_rootfs\": true, \"no_new_privileges\": "
      "\"when-privileged\", \"allowed_bind_mounts\": [\"/srv/data/**\"] },\n"
      "  \"limits\": { \"max_packages\": 150, \"max_executables\": 800 },\n"
      "  \"exceptions\": [{ \"rule\": \"executables.setuid\", \"path\": "
      "\"/usr/bin/passwd\", \"expires\": \"2027-01-31\", \"reason\": \"r\" }]\n"
      "}\n";

static void
test_full_manifest_loads (void **state)
{
  og_diags d = { 0 };
  og_manifest *m = fx_manifest (full, &d);
  assert_non_null (m);
  assert_int_equal (d.n, 0);
  assert_string_equal (m->name, "web");
  assert_int_equal (m->pkg_allow.n, 2);
  assert_string_equal (m->pkg_allow.v[1].name, "openssl*");
  assert_int_equal (m->pkg_allow.v[1].type, OG_PKG_RPM);
  assert_string_equal (m->pkg_allow.v[1].arch, "x86_64");
  assert_int_equal (m->pkg_allow.v[1].constraint.n, 2);
  assert_int_equal (m->pkg_allow.v[1].constraint.terms[0].op, OG_CMP_GE);
  assert_string_equal (m->pkg_allow.v[1].constraint.terms[0].version, "1:1.0.2k");
  assert_int_equal (m->pkg_allow.v[1].constraint.terms[1].op, OG_CMP_LT);
  assert_string_equal (m->pkg_allow.v[1].constraint.terms[1].version, "1:1.1");
  assert_int_equal (m->pkg_deny.n, 2);
  assert_int_equal (m->pkg_require.n, 1);
  assert_int_equal (m->pkg_unlisted, OG_SWITCH_DENY);
  assert_int_equal (m->exec_allow.n, 3);
  assert_non_null (m->exec_allow.v[2].sha256);
  assert_true (og_manifest_needs_sha256 (m));
  assert_int_equal (m->exec_deny.n, 2);
  assert_int_equal (m->exec_unlisted, OG_SWITCH_ALLOW);
  assert_int_equal (m->unowned, OG_SWITCH_DENY);
  assert_int_equal (m->setgid, OG_SWITCH_ALLOW);
  assert_int_equal (m->capabilities, OG_SWITCH_DENY);
  assert_int_equal (m->readonly_rootfs, 1);
  assert_int_equal (m->no_new_privileges, OG_NNP_WHEN_PRIVILEGED);
  assert_int_equal (m->n_allowed_bind_mounts, 1);
  assert_int_equal (m->max_packages, 150);
  assert_int_equal (m->max_executables, 800);
  assert_int_equal (m->n_exceptions, 1);
  assert_string_equal (m->exceptions[0].expires, "2027-01-31");
  assert_int_equal (strlen (m->sha256), 64);
  og_manifest_free (m);
  og_diags_clear (&d);
}

/* Load text expecting exactly one diagnostic containing what, positioned
   at the first occurrence of `at` in the text (line and column counted in
   characters from 1).  */
static void
expect_one (const char *text, const char *at, const char *what)
{
  cleanup_diags og_diags d = { 0 };
  cleanup_error og_error *err = NULL;
  og_manifest *m = NULL;
  assert_int_equal (og_manifest_load_buffer (text, strlen (text), "m.json", &m, &d, &err), -1);
  assert_null (m);
  assert_non_null (err);
  fx_assert_one_diag_at (&d, text, at, true, what);
  assert_non_null (strstr (err->msg, "m.json:"));
}

#define ZERO_SHA256 "0000000000000000000000000000000000000000000000000000000000000000"
#define HDR         "{\"schema\": \"ocigate.manifest/v1\",\n"

static void
test_errors_have_positions (void **state)
{
  expect_one (HDR " \"packages\": {\"alow\": []}}", "\"alow", "unknown key \"alow\"");
  expect_one (HDR " \"executables\": {\n  \"unlisted\": \"no\"}}", "\"no", "\"allow\" or \"deny\"");
  expect_one (HDR " \"executables\": {\"deny\": [\"/a\", \"/usr/**x\"]}}", "\"/usr", "bad glob");
  expect_one (HDR " \"packages\": {\"allow\": [{\"name\": \"a\", \"version\": \">= \"}]}}",
              "\">= ", "bad version constraint");
  expect_one (HDR " \"packages\": {\"allow\": 3}}", "3}",
              "\"allow\" must be an array of package entries, not an integer");
  expect_one (HDR " \"executables\": {\"deny\": \"/bin/sh\"}}", "\"/bin",
              "\"deny\" must be an array of executable entries, not a string");
  expect_one (HDR " \"limits\": {\"max_packages\": -1}}", "-1", "non-negative integer");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"packages.unlisted\", \"reason\": \"x\"}]}",
              "{\"rule", "needs \"expires\"");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"packages.unlisted\", \"reason\": \"x\", "
                  "\"expires\": \"2025-02-30\"}]}",
              "\"2025", "YYYY-MM-DD");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"packages.deny[3]\", \"reason\": \"x\", "
                  "\"expires\": \"2025-02-03\"}]}",
              "\"packages.deny", "past the end");
  /* "inspection" is waived one exact path at a time, never by a pattern.  */
  expect_one (HDR " \"exceptions\": [{\"rule\": \"inspection\", \"reason\": \"x\", "
                  "\"expires\": \"2025-02-03\"}]}",
              "{\"rule", "an exception for \"inspection\" needs \"path\"");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"inspection\", \"path\": \"/srv/**\", "
                  "\"reason\": \"x\", \"expires\": \"2025-02-03\"}]}",
              "{\"rule", "the exact path (no wildcard)");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"inspection\", \"path\": \"**\", "
                  "\"reason\": \"x\", \"expires\": \"2025-02-03\"}]}",
              "{\"rule", "the exact path (no wildcard)");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"inspection\", \"package\": \"x\", "
                  "\"reason\": \"x\", \"expires\": \"2025-02-03\"}]}",
              "{\"rule", "needs \"path\"");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"inspection[0]\", \"path\": \"/srv\", "
                  "\"reason\": \"x\", \"expires\": \"2025-02-03\"}]}",
              "\"inspection[0]", "bad \"rule\"");
  expect_one (HDR " \"packages\": {\"allow\": [\"python3\"], \"deny\": [\"py*\"]}}", "\"python3",
              "can never apply");
  expect_one (HDR " \"executables\": {\"allow\": [\"/usr/bin/sh\"], \"deny\": [\"/usr/**\"]}}",
              "\"/usr/bin/sh", "can never apply");
  expect_one ("{\"schema\": \"ocigate.manifest/v2\"}", "\"ocigate", "\"schema\" must be");
  /* Syntax errors: where jansson stops.  */
  expect_one ("{\"schema\": \"ocigate.manifest/v1\", \"schema\": 1}", "\": 1", "duplicate");
  expect_one ("{\"schema\": \"ocigate.manifest/v1\",\n\n   ]", "]", "");
  /* Multi-byte characters count as one column.  */
  expect_one ("{\"schema\": \"ocigate.manifest/v1\", \"name\": \"\xc3\xa9\", \"x\": 1}", "\"x",
              "unknown key \"x\"");
}

/* Positions come from the one tokenizer (json/scan.c): member names with
   escapes (\uXXXX too, decoded as jansson decodes them), values after
   nested containers and strings holding brackets, quotes and colons.  */
/* The members read through the shared loader helpers (json/load.h,
   og_glob_load, og_mload_member_glob), each with its own wording.  */
static void
test_member_messages (void **state)
{
  expect_one (HDR " \"launch\": []}", "[]", "\"launch\" must be an object, not an array");
  expect_one (HDR " \"launch\": {\"readonly_rootfs\": \"yes\"}}", "\"yes",
              "\"readonly_rootfs\" must be true or false, not a string");
  expect_one (HDR " \"packages\": {\"require\": [{\"name\": \"a\", \"with_dependencies\": 1}]}}",
              "1}", "\"with_dependencies\" must be true or false, not an integer");
  expect_one (HDR " \"packages\": {\"allow\": [{\"name\": \"a\", \"type\": \"pacman\"}]}}",
              "\"pacman", "\"type\" must be \"rpm\", \"deb\" or \"apk\"");
  expect_one (HDR " \"packages\": {\"allow\": [{\"version\": \">= 1\"}]}}", "{\"version",
              "a package entry needs \"name\" (a name glob)");
  expect_one (HDR " \"packages\": {\"allow\": [{\"name\": \"a\", \"arch\": 64}]}}", "64",
              "\"arch\" must be a name glob string, not an integer");
  expect_one (HDR " \"executables\": {\"allow\": [{\"sha256\": \"x\"}]}}", "{\"sha256",
              "an executable entry needs \"path\" (a path glob)");
  expect_one (HDR " \"executables\": {\"allow\": [{\"path\": \"/a[\"}]}}", "\"/a[",
              "bad glob \"/a[\" (at character 3): ");
  expect_one (HDR " \"exceptions\": [{\"rule\": \"packages.unlisted\", \"package\": 1, "
                  "\"reason\": \"x\", \"expires\": \"2025-02-03\"}]}",
              "1,", "\"package\" must be a name glob string, not an integer");
  /* A deny that pins a sha256 hides nothing: the next one with the same
     pattern is named.  */
  expect_one (HDR " \"executables\": {\"allow\": [\"/usr/*\"], \"deny\": [{\"path\": \"/usr/*\", "
                  "\"sha256\": \"" ZERO_SHA256 "\"}, \"/usr/*\"]}}",
              "\"/usr/*\"]",
              "executables.allow[0] \"/usr/*\" can never apply: "
              "executables.deny[1] \"/usr/*\" denies it (deny beats allow)");
}

static void
test_positions_through_escapes (void **state)
{
  expect_one (HDR " \"packages\": {\"\\u0061low\": []}}", "\"\\u0061low", "unknown key \"alow\"");
  expect_one (HDR " \"packages\": {\"a\\\"b\": 1}}", "\"a\\", "unknown key \"a\"b\"");
  expect_one (HDR " \"name\": \"[{\\\"x\\\": ]}\", \"description\": \"}\",\n"
                  " \"packages\": {\"allow\": [{\"name\": \"a\", \"arch\": \"x\"}, \"b\"]},\n"
                  " \"launch\": {\"allowed_bind_mounts\": [\"/x\", 7]}}",
              "7]", "a bind mount entry must be");
  expect_one (HDR " \"name\": \"[{\\\"x\\\": ]}\", \"packages\": {\"allow\": [{\"name\": \"a\", "
                  "\"arch\": \"x\"}, {}]},\n \"launch\": {\"allowed_bind_mounts\": [\"/x\"]}}",
              "{}]", "needs \"name\"");
  expect_one (HDR " \"packages\": {\"allow\": [\"a\"], \"\\ud83d\\ude00\": 1}}", "\"\\ud83d",
              "unknown key \"\xf0\x9f\x98\x80\"");
}

/* The manifest's sha256 is of its exact bytes (recorded in audit records).  */
static void
test_manifest_digest (void **state)
{
  static const char text[] = "{\"schema\": \"ocigate.manifest/v1\", \"name\": \"sum\"}";
  og_diags d = { 0 };
  og_manifest *m = fx_manifest (text, &d);
  assert_non_null (m);
  assert_string_equal (m->sha256,
                       "b6c39ece0757007a85dff2897f4bfb7e592c7366e2f1e4dee609a1463448ffb7");
  assert_string_equal (m->name, "sum");
  og_manifest_free (m);
  og_diags_clear (&d);
}

static void
test_hidden_only_when_really_hidden (void **state)
{
  og_diags d = { 0 };
  og_manifest *m;
  /* A deny restricted by version or type does not hide an allow.  */
  m = fx_manifest (HDR
                   " \"packages\": {\"allow\": [\"python3\"], \"deny\": [{\"name\": \"py*\", "
                   "\"version\": \"< 3\"}, {\"name\": \"python3\", \"type\": \"apk\"}]},\n"
                   " \"executables\": {\"allow\": [\"/usr/bin/sh\"], \"deny\": [\"/usr/*/bash\"]}}",
                   &d);
  assert_non_null (m);
  og_manifest_free (m);
  og_diags_clear (&d);
}

static void
test_constraints_parse (void **state)
{
  og_vconstraint c;
  const char *why = NULL;
  assert_int_equal (og_vconstraint_parse (">= 1:1.0.2k, < 1:1.1", 0, &c, &why), 0);
  assert_int_equal (c.n, 2);
  og_vconstraint_clear (&c);
  assert_int_equal (og_vconstraint_parse ("1.0~rc1", OG_PKG_DEB, &c, &why), 0);
  assert_int_equal (c.terms[0].op, OG_CMP_EQ);
  assert_string_equal (c.terms[0].version, "1.0~rc1");
  og_vconstraint_clear (&c);
  assert_int_equal (og_vconstraint_parse ("!= 1.2.3-r4", OG_PKG_APK, &c, &why), 0);
  assert_int_equal (c.terms[0].op, OG_CMP_NE);
  og_vconstraint_clear (&c);
  assert_int_equal (og_vconstraint_parse ("== 1.0^git1", OG_PKG_RPM, &c, &why), 0);
  og_vconstraint_clear (&c);
  assert_int_equal (og_vconstraint_parse (">= 1, ", 0, &c, &why), -1);
  assert_int_equal (og_vconstraint_parse (">= 1 < 2", 0, &c, &why), -1);
  assert_int_equal (og_vconstraint_parse ("<", 0, &c, &why), -1);
  assert_int_equal (og_vconstraint_parse ("~> 1", 0, &c, &why), -1);
  assert_int_equal (og_vconstraint_parse ("", 0, &c, &why), -1);
}

/* The real ordering is checked against dpkg --compare-versions, computed at
   test time; skipped while lib/version.c is a stub.  */
static bool
dpkg_says (const char *a, const char *op, const char *b)
{
  char cmd[512];
  snprintf (cmd, sizeof cmd, "dpkg --compare-versions '%s' %s '%s'", a, op, b);
  return system (cmd) == 0;
}

static bool
have_dpkg_oracle (void)
{
  return og_dpkg_vercmp ("1.0~rc1", "1.0") < 0 && fx_has_tool ("dpkg");
}

static void
test_constraints_follow_dpkg (void **state)
{
  static const char *const pairs[][2]
      = { { "1.0~rc1", "1.0" }, { "1:1.0", "2.0" },  { "1.0", "1.0-1" }, { "2:0.1", "1:9.9" },
          { "1.0a", "1.0" },    { "1.0+b1", "1.0" }, { "0:1.0", "1.0" }, { "1.10", "1.9" } };
  if (!have_dpkg_oracle ())
    fx_skip ("lib/catalog/version.c is a stub or dpkg is not installed");
  for (size_t i = 0; i < OG_ARRAY_SIZE (pairs); i++)
    {
      static const char *const ops[] = { "<", "<=", "=", ">=", ">", "!=" };
      static const char *const dops[] = { "lt", "le", "eq", "ge", "gt", "ne" };
      for (size_t o = 0; o < OG_ARRAY_SIZE (ops); o++)
        {
          og_vconstraint c;
          const char *why;
          char *text = og_xasprintf ("%s %s", ops[o], pairs[i][1]);
          assert_int_equal (og_vconstraint_parse (text, OG_PKG_DEB, &c, &why), 0);
          assert_int_equal (og_vconstraint_eval (&c, OG_PKG_DEB, pairs[i][0]),
                            dpkg_says (pairs[i][0], dops[o], pairs[i][1]));
          og_vconstraint_clear (&c);
          free (text);
        }
    }
}

static size_t certain_mask;

static bool
collect (size_t rule, bool certain, void *ud)
{
  size_t *mask = ud;
  *mask |= (size_t)1 << rule;
  if (certain)
    certain_mask |= (size_t)1 << rule;
  return false;
}

static void
test_index_candidates (void **state)
{
  og_diags d = { 0 };
  size_t mask = 0;
  og_manifest *m = fx_manifest (
      HDR " \"executables\": {\"unlisted\": \"allow\", \"deny\": [\"/bin/sh\", \"/usr/lib/**\", "
          "\"**/busybox\", \"/opt/*/x\", \"/usr/**\", \"/*/sh\", \"**/b*/*\"]}}",
      &d);
  assert_non_null (m);
  /* Directory prefixes by ancestor and the basename rule are certain; the
     glob under "/" (every path) and the one with no literal start are not.  */
  certain_mask = 0;
  og_rule_index_candidates (&m->exec_deny.idx, "/usr/lib/a/busybox", true, collect, &mask);
  assert_int_equal (mask, (1u << 1) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6));
  assert_int_equal (certain_mask, (1u << 1) | (1u << 2) | (1u << 4));
  mask = certain_mask = 0;
  og_rule_index_candidates (&m->exec_deny.idx, "/bin/sh", true, collect, &mask);
  assert_int_equal (mask, (1u << 0) | (1u << 5) | (1u << 6));
  assert_int_equal (certain_mask, 1u << 0);
  mask = certain_mask = 0;
  /* The glob under /opt is a candidate only below /opt.  */
  og_rule_index_candidates (&m->exec_deny.idx, "/opt/a/x", true, collect, &mask);
  assert_int_equal (mask, (1u << 3) | (1u << 5) | (1u << 6));
  assert_int_equal (certain_mask, 0);
  og_manifest_free (m);
  og_diags_clear (&d);
}

/* The manifest og_manifest_generate writes for inv at this level, loaded
   (and asserted to load).  */
static og_manifest *
generated (const og_inventory *inv, og_gen_level level, og_diags *d)
{
  cleanup_free char *text = og_manifest_generate (inv, level, "g");
  og_manifest *m = fx_manifest (text, d);
  assert_non_null (m);
  return m;
}

static void
test_generate_round_trip (void **state)
{
  og_inventory inv;
  og_diags d = { 0 };
  og_manifest *m;
  memset (&inv, 0, sizeof inv);
  fx_pkg (&inv, OG_PKG_DEB, "libc6", "2.36-9+deb12u4", NULL, "amd64");
  fx_pkg (&inv, OG_PKG_DEB, "bash", "5.2.15-2+b2", NULL, "amd64");
  fx_pkg (&inv, OG_PKG_DEB, "libc6", "2.36-9+deb12u4", NULL, "i386");
  fx_exec (&inv, "/usr/bin/bash", 1);
  fx_exec (&inv, "/usr/local/bin/tool[1]", -1)->sha256
      = og_xstrdup ("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  inv.execs[0].setuid = true;

  m = generated (&inv, OG_GEN_NAMES, &d);
  assert_int_equal (m->pkg_allow.n, 2); /* libc6 once */
  assert_string_equal (m->pkg_allow.v[0].name, "bash");
  assert_null (m->pkg_allow.v[0].version);
  assert_int_equal (m->exec_allow.n, 1);
  assert_string_equal (m->exec_allow.v[0].path, "/usr/local/bin/tool\\[1]");
  /* The golden image's setuid set is pinned, exactly; it has no setgid.  */
  assert_int_equal (m->setuid, OG_SWITCH_DENY);
  assert_true (m->setuid_set.pinned);
  assert_int_equal (m->setuid_set.n, 1);
  assert_string_equal (m->setuid_set.v[0].path, "/usr/bin/bash");
  assert_int_equal (m->setgid, OG_SWITCH_DENY);
  assert_false (m->setgid_set.pinned);
  assert_int_equal (m->unowned, OG_SWITCH_ALLOW);
  assert_int_equal (m->pkg_unlisted, OG_SWITCH_DENY);
  assert_int_equal (m->exec_unlisted, OG_SWITCH_DENY);
  og_manifest_free (m);
  og_diags_clear (&d);

  m = generated (&inv, OG_GEN_VERSIONS, &d);
  assert_int_equal (m->pkg_allow.n, 3);
  assert_string_equal (m->pkg_allow.v[1].version, "= 2.36-9+deb12u4");
  assert_string_equal (m->pkg_allow.v[2].arch, "i386");
  assert_int_equal (m->pkg_allow.v[2].type, OG_PKG_DEB);
  og_manifest_free (m);
  og_diags_clear (&d);

  m = generated (&inv, OG_GEN_DIGESTS, &d);
  assert_int_equal (m->exec_allow.n, 1);
  assert_non_null (m->exec_allow.v[0].sha256);
  og_manifest_free (m);
  og_diags_clear (&d);
  og_inventory_clear (&inv);
}

static void
test_hostile_documents (void **state)
{
  /* Deep nesting, huge arrays of junk, non-object roots: diagnostics, no crash.  */
  og_buf b = { 0 };
  og_diags d = { 0 };
  og_manifest *m = NULL;
  og_error *err = NULL;
  og_buf_puts (&b, HDR "\"name\": ");
  for (int i = 0; i < 5000; i++)
    og_buf_putc (&b, '[');
  for (int i = 0; i < 5000; i++)
    og_buf_putc (&b, ']');
  og_buf_putc (&b, '}');
  assert_int_equal (og_manifest_load_buffer (b.data, b.len, "deep.json", &m, &d, &err), -1);
  assert_true (d.n >= 1);
  og_error_free (err);
  err = NULL;
  og_diags_clear (&d);
  og_buf_free (&b);
  assert_int_equal (og_manifest_load_buffer ("[1,2]", 5, "a.json", &m, &d, &err), -1);
  og_error_free (err);
  err = NULL;
  og_diags_clear (&d);
  assert_int_equal (og_manifest_load_buffer ("\"\\u0000\"", 8, "a.json", &m, &d, &err), -1);
  og_error_free (err);
  og_diags_clear (&d);
}

int
main (void)
{
  struct CMUnitTest tests[] = {
    cmocka_unit_test (test_full_manifest_loads),
    cmocka_unit_test (test_errors_have_positions),
    cmocka_unit_test (test_member_messages),
    cmocka_unit_test (test_positions_through_escapes),
    cmocka_unit_test (test_manifest_digest),
    cmocka_unit_test (test_hidden_only_when_really_hidden),
    cmocka_unit_test (test_constraints_parse),
    cmocka_unit_test (test_constraints_follow_dpkg),
    cmocka_unit_test (test_index_candidates),
    cmocka_unit_test (test_generate_round_trip),
    cmocka_unit_test (test_hostile_documents),
  };
  size_t n = OG_ARRAY_SIZE (tests);
  return _cmocka_run_group_tests ("tests", tests, n, NULL, NULL);
}
