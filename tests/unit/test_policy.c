/* The policy engine on inventories built in C: one finding per offending
   subject naming the most specific rule, deny beats allow, exceptions and
   their expiry, required packages, launch facts, limits, sha256 pins.  */
#include <sys/stat.h>
#include "fixtures.h"

#include "policy/evaluate.h"
#include "policy/generate.h"
#include "runtime/oci.h"
#include "policy_fixture.h"

#define HDR   "{\"schema\": \"ocigate.manifest/v1\", "
#define TODAY "2026-03-01"

/* A finding is this rule's, about this subject.  */
static void
assert_finding (const og_finding *f, const char *rule, const char *subject)
{
  assert_string_equal (f->rule, rule);
  assert_string_equal (f->subject, subject);
}
static void
base_inventory (og_inventory *inv)
{
  memset (inv, 0, sizeof *inv);
  fx_pkg (inv, OG_PKG_DEB, "libc6", "2.36-9", NULL, "amd64");
  fx_pkg (inv, OG_PKG_DEB, "bash", "5.2.15-2", NULL, "amd64");
  fx_pkg (inv, OG_PKG_DEB, "dpkg", "1.21.22", NULL, "amd64");
  fx_exec (inv, "/usr/bin/bash", 1);
  fx_exec (inv, "/usr/bin/dpkg", 2);
  fx_exec (inv, "/usr/sbin/ldconfig", 0);
  fx_exec (inv, "/opt/app/run", -1);
}

static og_manifest *
load (const char *text)
{
  og_diags d = { 0 };
  og_manifest *m = fx_manifest (text, &d);
  assert_non_null (m);
  og_diags_clear (&d);
  return m;
}

static void
evaluate (const og_manifest *m, const og_inventory *inv, const og_launch_facts *f,
          og_policy_result *r)
{
  og_error *err = NULL;
  assert_int_equal (og_policy_evaluate (m, inv, f, TODAY, r, &err), 0);
  for (size_t i = 0; i < r->n; i++)
    fprintf (stderr, "# %s | %s | %s\n", r->findings[i].rule, r->findings[i].subject,
             r->findings[i].reason);
}

/* The manifest text, loaded, and its result on base_inventory (into inv).  */
static og_manifest *
on_base (const char *text, og_inventory *inv, og_policy_result *r)
{
  og_manifest *m;
  base_inventory (inv);
  m = load (text);
  evaluate (m, inv, NULL, r);
  return m;
}

static void
finish (og_policy_result *r, og_manifest *m, og_inventory *inv)
{
  og_policy_result_clear (r);
  og_manifest_free (m);
  og_inventory_clear (inv);
}

static void
test_generated_manifest_allows_its_image (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_gen_level levels[] = { OG_GEN_NAMES, OG_GEN_VERSIONS, OG_GEN_DIGESTS };
  base_inventory (&inv);
  for (size_t i = 0; i < inv.n_execs; i++)
    inv.execs[i].sha256 = og_xasprintf ("%064zx", i + 1);
  for (size_t l = 0; l < OG_ARRAY_SIZE (levels); l++)
    {
      char *text = og_manifest_generate (&inv, levels[l], "golden");
      og_manifest *m = load (text);
      evaluate (m, &inv, NULL, &r);
      assert_int_equal (r.n, 0);
      assert_int_equal (og_policy_verdict (&r), OG_VERDICT_ALLOW);
      assert_string_equal (og_verdict_name (og_policy_verdict (&r)), "allow");
      og_policy_result_clear (&r);

      /* One extra binary: exactly one finding naming it.  */
      fx_exec (&inv, "/usr/local/bin/busybox", -1)->sha256 = og_xasprintf ("%064x", 99);
      evaluate (m, &inv, NULL, &r);
      assert_int_equal (r.n, 1);
      assert_finding (&r.findings[0], "executables.unlisted", "/usr/local/bin/busybox");
      assert_int_equal (r.findings[0].kind, OG_SUBJECT_EXECUTABLE);
      assert_int_equal (og_policy_verdict (&r), OG_VERDICT_DENY);
      assert_string_equal (og_verdict_name (og_policy_verdict (&r)), "deny");
      og_policy_result_clear (&r);
      og_exec *e = &inv.execs[--inv.n_execs];
      free (e->path);
      free (e->sha256);

      og_manifest_free (m);
      free (text);
    }
  og_inventory_clear (&inv);
}

/* A golden image's setuid and capability sets are pinned: a file that
   becomes setuid, or gains or changes capabilities, is a finding even in an
   allowed package; a changed file that also became setuid is two findings
   (its privileges and its content).  The runtime's empty placeholders are
   not pinned as executables.  */
static void
test_golden_pins_privileges (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  char *text;
  base_inventory (&inv);
  inv.execs[1].setuid = true;                                /* /usr/bin/dpkg */
  inv.execs[2].capabilities = og_xstrdup ("cap_net_raw=ep"); /* ldconfig */
  fx_exec (&inv, "/etc/hostname", -1)->mode = 0100755;       /* size 0 */
  text = og_manifest_generate (&inv, OG_GEN_VERSIONS, "golden");
  assert_null (strstr (text, "/etc/hostname"));
  assert_non_null (strstr (text, "\"cap_net_raw=ep\""));
  m = load (text);
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 1); /* the placeholder alone: not part of the golden image */
  assert_finding (&r.findings[0], "executables.unlisted", "/etc/hostname");
  og_policy_result_clear (&r);
  inv.n_execs--;
  free (inv.execs[inv.n_execs].path);

  inv.execs[0].setuid = true; /* bash: allowed package, newly setuid */
  free (inv.execs[2].capabilities);
  inv.execs[2].capabilities = og_xstrdup ("cap_net_raw,cap_sys_admin=ep");
  inv.execs[0].integrity = OG_INTEGRITY_MODIFIED;
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 3);
  assert_finding (&r.findings[0], "executables.setuid", "/usr/bin/bash");
  assert_non_null (strstr (r.findings[0].reason, "pinned setuid set"));
  assert_finding (&r.findings[1], "executables.modified", "/usr/bin/bash");
  assert_finding (&r.findings[2], "executables.capabilities", "/usr/sbin/ldconfig");
  assert_non_null (strstr (r.findings[2].reason, "the manifest pins cap_net_raw=ep"));
  og_policy_result_clear (&r);

  /* A file the golden image held setuid keeps passing.  */
  inv.execs[0].setuid = false;
  inv.execs[0].integrity = OG_INTEGRITY_UNCHECKED;
  free (inv.execs[2].capabilities);
  inv.execs[2].capabilities = og_xstrdup ("cap_net_raw=ep");
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 0);
  finish (&r, m, &inv);
  free (text);
}

static void
test_other_version_names_both (void **state)
{
  og_inventory inv;
  og_policy_result r;
  char *text;
  og_manifest *m;
  base_inventory (&inv);
  text = og_manifest_generate (&inv, OG_GEN_VERSIONS, "golden");
  m = load (text);
  free (inv.packages.pkgs[1].version);
  inv.packages.pkgs[1].version = og_xstrdup ("5.2.15-3");
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 1);
  assert_finding (&r.findings[0], "packages.allow[0]",
                  "bash 5.2.15-3 amd64"); /* sorted: bash first */
  assert_non_null (strstr (r.findings[0].reason, "5.2.15-3"));
  assert_non_null (strstr (r.findings[0].reason, "= 5.2.15-2"));
  finish (&r, m, &inv);
  free (text);
}

static void
test_deny_beats_allow_and_most_specific (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  m = on_base (HDR "\"packages\": {\"allow\": [\"*\"], \"deny\": [\"zsh\", \"ba*\", \"bash\"]},"
                   "\"executables\": {\"allow\": [\"/usr/bin/*\", \"/opt/**\"], "
                   "\"deny\": [\"**/bash\", \"/usr/bin/d*\"], \"unlisted\": \"deny\", "
                   "\"unowned\": \"deny\"}}",
               &inv, &r);
  assert_int_equal (r.n, 3);
  assert_finding (&r.findings[0], "packages.deny[1]",
                  "bash 5.2.15-2 amd64"); /* lowest index that matches */
  assert_finding (&r.findings[1], "executables.deny[0]", "/usr/bin/bash");
  assert_finding (&r.findings[2], "executables.deny[1]", "/usr/bin/dpkg");
  finish (&r, m, &inv);
}

static void
test_unlisted_and_unowned (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  m = on_base (HDR
               "\"packages\": {\"allow\": [\"libc6\", {\"name\": \"bash\", \"type\": \"rpm\"}], "
               "\"unlisted\": \"deny\"}, \"executables\": {\"unlisted\": \"deny\", "
               "\"unowned\": \"deny\"}}",
               &inv, &r);
  assert_int_equal (r.n, 3);
  assert_string_equal (r.findings[0].rule, "packages.unlisted"); /* bash: rule is rpm only */
  assert_finding (&r.findings[1], "packages.unlisted", "dpkg 1.21.22 amd64");
  assert_finding (&r.findings[2], "executables.unowned", "/opt/app/run"); /* before unlisted */
  finish (&r, m, &inv);
}

static void
test_exceptions_and_expiry (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  base_inventory (&inv);
  inv.execs[0].setuid = true;
  inv.execs[1].setuid = true;
  inv.execs[2].capabilities = og_xstrdup ("cap_net_raw=ep");
  m = load (HDR "\"executables\": {\"setuid\": \"deny\", \"capabilities\": \"deny\", "
                "\"unlisted\": \"deny\"},"
                "\"exceptions\": ["
                "{\"rule\": \"executables.setuid\", \"path\": \"/usr/bin/bash\", "
                "\"expires\": \"" TODAY "\", \"reason\": \"until today inclusive\"},"
                "{\"rule\": \"executables.setuid\", \"path\": \"/usr/bin/dpkg\", "
                "\"expires\": \"2026-02-28\", \"reason\": \"lapsed\"},"
                "{\"rule\": \"executables.capabilities\", \"expires\": \"2030-01-01\", "
                "\"reason\": \"any subject\"},"
                "{\"rule\": \"executables.unlisted\", \"path\": \"/opt/**\", "
                "\"expires\": \"2030-01-01\", \"reason\": \"app\"}]}");
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 1);
  assert_finding (&r.findings[0], "executables.setuid", "/usr/bin/dpkg");
  assert_string_equal (r.findings[0].expired_exception, "2026-02-28");
  assert_non_null (strstr (r.findings[0].reason, "expired on 2026-02-28"));
  assert_int_equal (r.n_waived, 3);
  assert_string_equal (r.waived[0].subject, "/usr/bin/bash");
  assert_int_equal (r.waived[0].exception, 0);
  finish (&r, m, &inv);
}

static void
test_waived_rule_falls_through (void **state)
{
  /* busybox is denied and unlisted: waiving the deny leaves unlisted.  */
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  base_inventory (&inv);
  fx_exec (&inv, "/usr/local/bin/busybox", -1);
  m = load (HDR "\"executables\": {\"allow\": [\"/opt/**\"], \"deny\": [\"**/busybox\"], "
                "\"unlisted\": \"deny\"}, \"exceptions\": [{\"rule\": \"executables.deny\", "
                "\"path\": \"**/busybox\", \"expires\": \"2030-01-01\", \"reason\": \"r\"}]}");
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 1);
  assert_string_equal (r.findings[0].rule, "executables.unlisted");
  assert_int_equal (r.n_waived, 1);
  assert_string_equal (r.waived[0].rule, "executables.deny[0]");
  finish (&r, m, &inv);
}

/* Names that are not UTF-8 are judged on their bytes: a deny rule catches
   them, and an overlong "\xC0\xAF" is not a '/' that puts a file under an
   allowed directory.  */
static void
test_not_utf8_paths_are_judged (void **state)
{
  og_inventory inv = { 0 };
  og_policy_result r;
  og_manifest *m;
  fx_exec (&inv, "/\xff\xfe/busybox", -1);
  fx_exec (&inv, "/over\xc0\xaflong/busybox", -1);
  fx_exec (&inv, "/bin/\xff", -1);
  fx_exec (&inv,
           "/opt\xc0\xaf"
           "app",
           -1);
  fx_exec (&inv, "/opt/\xff/run", -1);
  m = load (HDR "\"executables\": {\"allow\": [\"/opt/**\"], "
                "\"deny\": [\"**/busybox\", \"/bin/*\"], \"unlisted\": \"deny\"}}");
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 4);
  assert_finding (&r.findings[0], "executables.deny[0]", "/\xff\xfe/busybox");
  assert_finding (&r.findings[1], "executables.deny[0]", "/over\xc0\xaflong/busybox");
  assert_string_equal (r.findings[2].rule, "executables.deny[1]");
  assert_string_equal (r.findings[3].rule, "executables.unlisted");
  assert_string_equal (r.findings[3].subject, "/opt\xc0\xaf"
                                              "app");
  finish (&r, m, &inv);
}

/* A generated manifest is JSON, so a name that is not UTF-8 is written with
   '?' for each byte that cannot be: the image still passes its own
   manifest, and nothing is silently left out.  */
static void
test_generated_manifest_not_utf8 (void **state)
{
  og_inventory inv = { 0 };
  og_policy_result r;
  char *text;
  og_manifest *m;
  fx_pkg (&inv, OG_PKG_DEB, "lib\xff", "1.0", NULL, "amd64");
  fx_exec (&inv, "/opt/\xff\xfe/run", -1);
  fx_exec (&inv, "/opt/caf\xc3\xa9/r*n", -1);
  text = og_manifest_generate (&inv, OG_GEN_VERSIONS, "hostile");
  assert_non_null (strstr (text, "\"/opt/?"
                                 "?/run\""));
  assert_non_null (strstr (text, "\"/opt/caf\xc3\xa9/r\\\\*n\""));
  assert_non_null (strstr (text, "\"lib?\""));
  m = load (text);
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 0);
  finish (&r, m, &inv);
  free (text);
}

/* An inspection that could not be completed is a finding that denies, and
   no exception waives it, not even one for "inspection" at the root.  */
static void
test_inspection_finding (void **state)
{
  og_inventory inv;
  og_policy_result r = { 0 };
  og_manifest *m;
  og_policy_add_inspection (&r, "/usr/lib/x", "the directory is nested deeper than 256 levels");
  og_policy_add_inspection (&r, NULL, NULL);
  assert_int_equal (og_policy_verdict (&r), OG_VERDICT_DENY);
  assert_int_equal (r.n, 2);
  assert_string_equal (r.findings[0].rule, "inspection");
  assert_string_equal (r.findings[0].rule, OG_RULE_INSPECTION);
  assert_int_equal (r.findings[0].kind, OG_SUBJECT_INSPECTION);
  assert_string_equal (r.findings[0].subject, "/usr/lib/x");
  assert_string_equal (r.findings[0].reason, "the directory is nested deeper than 256 levels");
  assert_string_equal (r.findings[1].subject, "/");
  assert_non_null (r.findings[1].reason);
  og_policy_result_clear (&r);

  m = on_base (HDR "\"exceptions\": [{\"rule\": \"inspection\", \"path\": \"/\", "
                   "\"expires\": \"2030-01-01\", \"reason\": \"r\"}]}",
               &inv, &r);
  assert_int_equal (r.n, 0);
  og_policy_add_inspection (&r, "/", "the inspection ran past its deadline of 5000 ms");
  assert_int_equal (r.n, 1);
  assert_int_equal (r.n_waived, 0);
  assert_int_equal (og_policy_verdict (&r), OG_VERDICT_DENY);
  finish (&r, m, &inv);
}

/* What the walk left out unseen is an inspection finding unless the
   manifest vouches for it: an exception naming that exact path, or a
   manifest that judges no content at all.  */
static void
test_skipped_subtrees (void **state)
{
  og_policy_result r = { 0 };
  og_manifest *m;
  m = load (HDR "\"executables\": {\"deny\": [\"**/busybox\"]}, \"exceptions\": ["
                "{\"rule\": \"inspection\", \"path\": \"/srv/data\", \"expires\": \"2030-01-01\", "
                "\"reason\": \"an operator volume\"},"
                "{\"rule\": \"inspection\", \"path\": \"/var/cache\", \"expires\": \"2026-01-01\", "
                "\"reason\": \"lapsed\"},"
                "{\"rule\": \"executables.deny\", \"expires\": \"2030-01-01\", "
                "\"reason\": \"another rule\"}]}");
  og_policy_judge_skipped (m, TODAY, "/opt/tools", S_IFDIR | 0755, &r);
  og_policy_judge_skipped (m, TODAY, "/srv/data", S_IFDIR | 0755, &r);
  og_policy_judge_skipped (m, TODAY, "/srv/data/x", S_IFREG | 0755, &r);
  og_policy_judge_skipped (m, TODAY, "/var/cache", S_IFDIR | 0755, &r);
  og_policy_judge_skipped (m, TODAY, "/etc/hosts", S_IFREG | 0644, &r);
  assert_int_equal (r.n, 4);
  assert_string_equal (r.findings[0].rule, "inspection");
  assert_int_equal (r.findings[0].kind, OG_SUBJECT_INSPECTION);
  assert_string_equal (r.findings[0].subject, "/opt/tools");
  assert_non_null (strstr (r.findings[0].reason, "mount point"));
  assert_non_null (strstr (r.findings[0].reason, "\"path\": \"/opt/tools\""));
  /* The exception names /srv/data, not what is below it.  */
  assert_string_equal (r.findings[1].subject, "/srv/data/x");
  assert_non_null (strstr (r.findings[1].reason, "another mount"));
  assert_string_equal (r.findings[2].subject, "/var/cache");
  assert_string_equal (r.findings[2].expired_exception, "2026-01-01");
  assert_string_equal (r.findings[3].subject, "/etc/hosts");
  assert_int_equal (r.n_waived, 1);
  assert_string_equal (r.waived[0].rule, "inspection");
  assert_string_equal (r.waived[0].subject, "/srv/data");
  assert_int_equal (r.waived[0].exception, 0);
  og_policy_result_clear (&r);
  og_manifest_free (m);

  /* A manifest that judges only the launch cannot be fooled by hidden content.  */
  m = load (HDR "\"launch\": {\"readonly_rootfs\": true}, \"executables\": "
                "{\"unlisted\": \"allow\", \"setuid\": \"allow\"}}");
  og_policy_judge_skipped (m, TODAY, "/opt/tools", S_IFDIR | 0755, &r);
  assert_int_equal (r.n, 0);
  og_manifest_free (m);
  /* Any rule on content makes it count.  */
  static const char *const judging[] = {
    "\"packages\": {\"deny\": [\"x\"]}",
    "\"packages\": {\"unlisted\": \"deny\"}",
    "\"packages\": {\"require\": [\"x\"]}",
    "\"packages\": {\"allow\": [{\"name\": \"x\", \"version\": \">= 1\"}]}",
    "\"executables\": {\"unowned\": \"deny\"}",
    "\"executables\": {\"setgid\": \"deny\"}",
    /* one entry in two literals: the parentheses tell clang it is meant */
    ("\"executables\": {\"allow\": [{\"path\": \"/x\", \"sha256\": \""
     "0000000000000000000000000000000000000000000000000000000000000000\"}]}"),
    "\"limits\": {\"max_executables\": 10}",
    "\"launch\": {\"no_new_privileges\": \"when-privileged\"}",
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (judging); i++)
    {
      cleanup_free char *text = og_xasprintf (HDR "%s}", judging[i]);
      m = load (text);
      og_policy_judge_skipped (m, TODAY, "/opt/tools", S_IFDIR | 0755, &r);
      assert_int_equal (r.n, 1);
      og_policy_result_clear (&r);
      og_manifest_free (m);
    }
}

/* The inventory's list of what was skipped: mounts are judged, the hook's
   excluded placeholders are not.  */
static void
test_inventory_skipped (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  base_inventory (&inv);
  inv.skipped = og_xcalloc (3, sizeof *inv.skipped);
  inv.skipped[0] = (og_skipped){ og_xstrdup ("/opt/tools"), S_IFDIR | 0755, OG_SKIPPED_MOUNT };
  inv.skipped[1]
      = (og_skipped){ og_xstrdup ("/etc/resolv.conf"), S_IFREG | 0644, OG_SKIPPED_EXCLUDED };
  inv.skipped[2] = (og_skipped){ og_xstrdup ("/usr/bin/\xff"), S_IFREG | 0755, OG_SKIPPED_MOUNT };
  inv.n_skipped = 3;
  m = load (HDR "\"executables\": {\"deny\": [\"**/busybox\"]}}");
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 0); /* og_policy_evaluate itself judges content only */
  og_policy_evaluate_skipped (m, &inv, TODAY, &r);
  assert_int_equal (r.n, 2);
  assert_finding (&r.findings[0], "inspection", "/opt/tools");
  assert_string_equal (r.findings[1].subject, "/usr/bin/\xff");
  assert_int_equal (og_policy_verdict (&r), OG_VERDICT_DENY);
  finish (&r, m, &inv);
}

static void
test_require (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  m = on_base (HDR "\"packages\": {\"require\": [\"ca-certificates\", \"libc*\", "
                   "{\"name\": \"bash\", \"version\": \"= 9.9\"}]}}",
               &inv, &r);
  assert_int_equal (r.n, 2);
  assert_finding (&r.findings[0], "packages.require[0]", "ca-certificates");
  assert_finding (&r.findings[1], "packages.require[2]", "bash = 9.9");
  assert_non_null (strstr (r.findings[1].reason, "5.2.15-2"));
  finish (&r, m, &inv);
}

static void
test_sha256_pins (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  char *text;
  base_inventory (&inv);
  inv.execs[3].sha256 = og_xasprintf ("%064x", 7);
  text = og_xasprintf (HDR "\"executables\": {\"allow\": [{\"path\": \"/opt/app/run\", "
                           "\"sha256\": \"%064x\"}, {\"path\": \"/usr/bin/dpkg\", \"sha256\": "
                           "\"%064x\"}]}}",
                       7, 8);
  m = load (text);
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 1);
  assert_finding (&r.findings[0], "executables.allow[1]", "/usr/bin/dpkg");
  assert_non_null (strstr (r.findings[0].reason, "not computed"));
  finish (&r, m, &inv);
  free (text);
}

static void
test_launch_facts (void **state)
{
  static const char config[]
      = "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\", \"readonly\": false},"
        " \"process\": {\"noNewPrivileges\": false, \"args\": [\"sh\"]},"
        " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"},"
        "  {\"destination\": \"/data\", \"type\": \"bind\", \"source\": \"/srv/data/a\"},"
        "  {\"destination\": \"/etc/x\", \"source\": \"/etc/shadow\", \"options\": [\"rbind\", "
        "\"ro\"]}]}";
  og_launch_facts f;
  og_error *err = NULL;
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;

  assert_int_equal (
      og_launch_facts_from_oci_config (config, strlen (config), "config.json", &f, &err), 0);
  assert_true (f.known);
  assert_false (f.readonly_rootfs);
  assert_false (f.no_new_privileges);
  assert_int_equal (f.n_bind_sources, 2);
  assert_string_equal (f.bind_sources[1], "/etc/shadow");
  base_inventory (&inv);
  m = load (HDR "\"launch\": {\"readonly_rootfs\": true, \"no_new_privileges\": "
                "\"when-privileged\", \"allowed_bind_mounts\": [\"/srv/data/**\"]}}");
  evaluate (m, &inv, &f, &r);
  assert_int_equal (r.n, 2); /* nothing privileged in the image: nnp not required */
  assert_string_equal (r.findings[0].rule, "launch.readonly_rootfs");
  assert_finding (&r.findings[1], "launch.allowed_bind_mounts", "/etc/shadow");
  og_policy_result_clear (&r);
  inv.execs[0].setgid = true;
  evaluate (m, &inv, &f, &r);
  assert_int_equal (r.n, 3);
  assert_string_equal (r.findings[1].rule, "launch.no_new_privileges");
  og_policy_result_clear (&r);
  /* Without facts, launch rules are not evaluated.  */
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 0);
  finish (&r, m, &inv);
  og_launch_facts_clear (&f);

  assert_int_equal (og_launch_facts_from_oci_config ("{", 1, "bad.json", &f, &err), -1);
  assert_non_null (strstr (err->msg, "bad.json:1:"));
  og_error_free (err);
}

static void
test_limits (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  m = on_base (HDR "\"limits\": {\"max_packages\": 3, \"max_executables\": 3}}", &inv, &r);
  assert_int_equal (r.n, 1);
  assert_string_equal (r.findings[0].rule, "limits.max_executables");
  assert_non_null (strstr (r.findings[0].reason, "4 executables"));
  finish (&r, m, &inv);
}

static void
test_bad_date (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_error *err = NULL;
  og_manifest *m;
  base_inventory (&inv);
  m = load (HDR "\"name\": \"x\"}");
  assert_int_equal (og_policy_evaluate (m, &inv, NULL, "today", &r, &err), -1);
  og_error_free (err);
  og_manifest_free (m);
  og_inventory_clear (&inv);
}

/* Nine deny rules flag /bin/sh and nine flag the package dash; exceptions
   waive the first eight of each: the ninth still denies (issue 9: the
   engine kept at most 8 candidates per subject, and only the lowest deny).  */
static void
test_ninth_rule_still_denies (void **state)
{
  static const char *const globs[] = { "/bin/sh",   "/bin/*", "/bin/s*", "**/sh",   "/bin/?h",
                                       "/bin/[s]h", "/**",    "/bin/**", "/bin/sh*" };
  static const char *const names[]
      = { "dash", "d*", "da*", "das*", "?ash", "[d]ash", "*", "*h", "d?sh" };
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  og_buf b = { 0 };

  memset (&inv, 0, sizeof inv);
  fx_pkg (&inv, OG_PKG_DEB, "dash", "0.5.12-2", NULL, "amd64");
  fx_exec (&inv, "/bin/sh", 0);
  og_buf_puts (&b, HDR "\"packages\": {\"deny\": [");
  for (size_t i = 0; i < OG_ARRAY_SIZE (names); i++)
    og_buf_printf (&b, "%s\"%s\"", i ? ", " : "", names[i]);
  og_buf_puts (&b, "]}, \"executables\": {\"deny\": [");
  for (size_t i = 0; i < OG_ARRAY_SIZE (globs); i++)
    og_buf_printf (&b, "%s\"%s\"", i ? ", " : "", globs[i]);
  og_buf_puts (&b, "]}, \"exceptions\": [");
  for (size_t i = 0; i < 8; i++)
    og_buf_printf (&b,
                   "{\"rule\": \"executables.deny[%zu]\", \"path\": \"/bin/sh\", \"expires\": "
                   "\"2030-01-01\", \"reason\": \"r\"}, {\"rule\": \"packages.deny[%zu]\", "
                   "\"package\": \"dash\", \"expires\": \"2030-01-01\", \"reason\": \"r\"}%s",
                   i, i, i < 7 ? ", " : "");
  og_buf_puts (&b, "]}");
  m = load (b.data);
  evaluate (m, &inv, NULL, &r);
  assert_int_equal (r.n, 2);
  assert_int_equal (og_policy_verdict (&r), OG_VERDICT_DENY);
  assert_finding (&r.findings[0], "packages.deny[8]", "dash 0.5.12-2 amd64");
  assert_non_null (strstr (r.findings[0].reason, "\"d?sh\""));
  assert_finding (&r.findings[1], "executables.deny[8]", "/bin/sh");
  assert_non_null (strstr (r.findings[1].reason, "\"/bin/sh*\""));
  assert_int_equal (r.n_waived, 16);
  for (size_t i = 0; i < 8; i++)
    {
      cleanup_free char *want = og_xasprintf ("packages.deny[%zu]", i);
      assert_string_equal (r.waived[i].rule, want);
      assert_int_equal (r.waived[i].exception, 2 * i + 1);
    }
  for (size_t i = 0; i < 8; i++)
    {
      cleanup_free char *want = og_xasprintf ("executables.deny[%zu]", i);
      assert_string_equal (r.waived[8 + i].rule, want);
      assert_string_equal (r.waived[8 + i].subject, "/bin/sh");
      assert_int_equal (r.waived[8 + i].exception, 2 * i);
    }
  finish (&r, m, &inv);
  og_buf_free (&b);
}

/* An exception that names a whole list waives its rules once per subject.  */
static void
test_list_exception_waives_once (void **state)
{
  og_inventory inv;
  og_policy_result r;
  og_manifest *m;
  m = on_base (HDR "\"executables\": {\"deny\": [\"**/bash\", \"/usr/bin/*\", \"/usr/**\"]}, "
                   "\"exceptions\": [{\"rule\": \"executables.deny\", \"path\": \"/usr/bin/bash\", "
                   "\"expires\": \"2030-01-01\", \"reason\": \"r\"}]}",
               &inv, &r);
  assert_int_equal (r.n, 2);
  assert_finding (&r.findings[0], "executables.deny[1]", "/usr/bin/dpkg");
  assert_finding (&r.findings[1], "executables.deny[2]", "/usr/sbin/ldconfig");
  assert_int_equal (r.n_waived, 1);
  assert_string_equal (r.waived[0].rule, "executables.deny[0]");
  assert_string_equal (r.waived[0].subject, "/usr/bin/bash");
  finish (&r, m, &inv);
}

static void
test_verdict_names (void **state)
{
  og_policy_result r = { 0 };
  assert_int_equal (og_policy_verdict (&r), OG_VERDICT_ALLOW);
  assert_string_equal (og_verdict_name (OG_VERDICT_ALLOW), "allow");
  assert_string_equal (og_verdict_name (OG_VERDICT_DENY), "deny");
  r.n = 1;
  assert_int_equal (og_policy_verdict (&r), OG_VERDICT_DENY);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_generated_manifest_allows_its_image),
         cmocka_unit_test (test_other_version_names_both),
         cmocka_unit_test (test_deny_beats_allow_and_most_specific),
         cmocka_unit_test (test_unlisted_and_unowned),
         cmocka_unit_test (test_exceptions_and_expiry),
         cmocka_unit_test (test_waived_rule_falls_through),
         cmocka_unit_test (test_not_utf8_paths_are_judged),
         cmocka_unit_test (test_generated_manifest_not_utf8),
         cmocka_unit_test (test_inspection_finding), cmocka_unit_test (test_skipped_subtrees),
         cmocka_unit_test (test_inventory_skipped), cmocka_unit_test (test_require),
         cmocka_unit_test (test_sha256_pins), cmocka_unit_test (test_launch_facts),
         cmocka_unit_test (test_limits), cmocka_unit_test (test_bad_date),
         cmocka_unit_test (test_golden_pins_privileges),
         cmocka_unit_test (test_ninth_rule_still_denies),
         cmocka_unit_test (test_list_exception_waives_once), cmocka_unit_test (test_verdict_names));
