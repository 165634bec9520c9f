/* Host config: loading, positions of errors, and the choice of manifest and
   mode for a container (first matching rule wins, else default).  */
#include <time.h>
#include "fixtures.h"

#include "og-config.h"
#include "policy/hostconfig.h"
#include "base/util.h"

static const char cfg_text[]
    = "{ \"schema\": \"ocigate.config/v1\", \"mode\": \"audit\", \"on_error\": \"deny\",\n"
      "  \"deadline_ms\": 2500,\n"
      "  \"audit\": { \"file\": \"/var/log/ocigate/audit.jsonl\", \"syslog\": true },\n"
      "  \"manifests_dir\": \"/etc/ocigate/manifests\",\n"
      "  \"rules\": [\n"
      "    { \"match\": { \"annotations\": { \"^io\\\\.kubernetes\\\\.pod\\\\.namespace$\": "
      "\"^prod-\" } }, \"manifest\": \"prod-minimal\", \"mode\": \"enforce\" },\n"
      "    { \"match\": { \"os\": { \"id\": \"alpine\" }, \"image\": \"registry.example/*\" },\n"
      "      \"manifest\": \"/srv/alpine.json\" },\n"
      "    { \"match\": { \"os\": { \"id\": \"debian\", \"version_id\": \"12\" } }, \"manifest\": "
      "null, \"mode\": \"audit\" }\n"
      "  ],\n"
      "  \"default\": { \"manifest\": \"base.v2\", \"mode\": \"enforce\" } }\n";

static og_hostconfig *
load_ok (void)
{
  og_diags d = { 0 };
  og_error *err = NULL;
  og_hostconfig *cfg = NULL;
  int r = og_hostconfig_load_buffer (cfg_text, strlen (cfg_text), "ocigate.json", &cfg, &d, &err);
  if (r < 0)
    fprintf (stderr, "# %s\n", err->msg);
  assert_int_equal (r, 0);
  og_diags_clear (&d);
  return cfg;
}

static void
test_loads (void **state)
{
  og_hostconfig *cfg = load_ok ();
  assert_int_equal (cfg->mode, OG_MODE_AUDIT);
  assert_true (cfg->on_error_deny);
  assert_int_equal (cfg->deadline_ms, 2500);
  assert_string_equal (cfg->audit_file, "/var/log/ocigate/audit.jsonl");
  assert_true (cfg->audit_syslog);
  assert_int_equal (cfg->n_rules, 3);
  assert_int_equal (cfg->rules[0].n_annotations, 1);
  assert_null (cfg->rules[2].manifest);
  assert_string_equal (cfg->default_manifest, "base.v2");
  og_hostconfig_free (cfg);
}

static void
test_select (void **state)
{
  og_hostconfig *cfg = load_ok ();
  og_kv prod[]
      = { { "io.kubernetes.pod.name", "web" }, { "io.kubernetes.pod.namespace", "prod-eu" } };
  og_kv dev[] = { { "io.kubernetes.pod.namespace", "dev-prod-x" },
                  { "xio.kubernetes.pod.namespace", "prod-1" } };
  og_osrelease alpine = { .id = "alpine", .version_id = "3.19.1" };
  og_osrelease deb12 = { .id = "debian", .version_id = "12" };
  og_osrelease deb11 = { .id = "debian", .version_id = "11" };
  char *manifest = NULL;
  og_mode mode = 0;

  /* Rule 0 wins even though rule 2 also holds (first match wins).  */
  assert_int_equal (og_hostconfig_select (cfg, prod, 2, &deb12, NULL, &manifest, &mode), 0);
  assert_string_equal (manifest, "/etc/ocigate/manifests/prod-minimal.json");
  assert_int_equal (mode, OG_MODE_ENFORCE);
  free (manifest);

  /* Anchored regexes: neither annotation matches.  */
  assert_int_equal (og_hostconfig_select (cfg, dev, 2, &deb12, NULL, &manifest, &mode), 2);
  assert_null (manifest);
  assert_int_equal (mode, OG_MODE_AUDIT);

  /* os and image both needed; mode falls back to the config's.  */
  assert_int_equal (og_hostconfig_select (cfg, NULL, 0, &alpine,
                                          &(og_hc_subject){ .image = "registry.example/app:1" },
                                          &manifest, &mode),
                    1);
  assert_string_equal (manifest, "/srv/alpine.json");
  assert_int_equal (mode, OG_MODE_AUDIT);
  free (manifest);
  assert_int_equal (og_hostconfig_select (cfg, NULL, 0, &alpine,
                                          &(og_hc_subject){ .image = "docker.io/app" }, &manifest,
                                          &mode),
                    -1);
  free (manifest);
  assert_int_equal (og_hostconfig_select (cfg, NULL, 0, &alpine, NULL, &manifest, &mode), -1);
  free (manifest);

  /* Default: a name with an extension is kept as is.  */
  assert_int_equal (og_hostconfig_select (cfg, NULL, 0, &deb11, NULL, &manifest, &mode), -1);
  assert_string_equal (manifest, "/etc/ocigate/manifests/base.v2");
  assert_int_equal (mode, OG_MODE_ENFORCE);
  free (manifest);
  assert_int_equal (og_hostconfig_select (cfg, NULL, 0, NULL, NULL, &manifest, &mode), -1);
  free (manifest);
  og_hostconfig_free (cfg);
}

static void
expect_error (const char *text, const char *at, const char *what)
{
  cleanup_diags og_diags d = { 0 };
  cleanup_error og_error *err = NULL;
  og_hostconfig *cfg = NULL;
  assert_int_equal (og_hostconfig_load_buffer (text, strlen (text), "c.json", &cfg, &d, &err), -1);
  assert_null (cfg);
  fx_assert_one_diag_at (&d, text, at, false, what);
}

#define CHDR "{\"schema\": \"ocigate.config/v1\",\n"

static void
test_errors (void **state)
{
  expect_error (CHDR " \"mode\": \"strict\"}", "\"strict", "\"enforce\" or \"audit\"");
  expect_error (CHDR " \"rules\": [{\"match\": {\"annotations\": {\"a\": \"(\"}}, \"manifest\": "
                     "null}]}",
                "\"(\"", "bad regular expression");
  expect_error (CHDR " \"rules\": [{\"match\": {\"annotations\": {\"[\": \"x\"}}, \"manifest\": "
                     "null}]}",
                "\"[\"", "bad regular expression");
  expect_error (CHDR " \"rules\": [{\"match\": {}, \"mode\": \"audit\"}]}", "{\"match",
                "needs \"manifest\"");
  expect_error (CHDR " \"deadline_ms\": 0}", "0}", "deadline_ms");
  expect_error (CHDR " \"audit\": {\"files\": \"/x\"}}", "\"files", "unknown key");
  expect_error (CHDR " \"audit\": {\"syslog_socket\": \"dev/log\"}}", "\"dev/log", "absolute path");
  expect_error (CHDR " \"rules\": [{\"match\": {\"image\": \"a[\"}, \"manifest\": null}]}", "\"a[",
                "bad glob");
}

/* The object members (json/load.h og_jload_object): each says its own
   shape when it is not an object, and names itself for an unknown key.  */
static void
test_object_members (void **state)
{
  expect_error (CHDR " \"rules\": [{\"match\": {\"os\": 3}, \"manifest\": null}]}", "3}",
                "\"os\" must be an object {\"id\", \"version_id\"}");
  expect_error (CHDR " \"rules\": [{\"match\": {\"os\": {\"ids\": \"x\"}}, \"manifest\": null}]}",
                "\"ids", "unknown key \"ids\" in \"os\"; expected one of \"id\", \"version_id\"");
  expect_error (CHDR " \"rules\": [{\"match\": {\"annotations\": []}, \"manifest\": null}]}", "[]",
                "\"annotations\" must be an object {key-regex: value-regex}");
  expect_error (CHDR " \"rules\": [{\"match\": [], \"manifest\": null}]}", "[]",
                "\"match\" must be an object");
  expect_error (CHDR " \"rules\": [{\"manifest\": null}]}", "{\"manifest",
                "a rule needs \"match\"");
  expect_error (CHDR " \"rules\": [{\"match\": {\"img\": \"x\"}, \"manifest\": null}]}", "\"img",
                "unknown key \"img\" in \"match\"");
  expect_error (CHDR " \"cache\": 1}", "1}",
                "\"cache\" must be an object {\"enabled\", \"dir\", \"max_bytes\"}");
  expect_error (CHDR " \"audit\": \"no\"}", "\"no",
                "\"audit\" must be an object {\"file\", \"syslog\"}");
  expect_error (CHDR " \"default\": null}", "null",
                "\"default\" must be an object {\"manifest\", \"mode\"}");
  expect_error (CHDR " \"default\": {\"mode\": \"audit\", \"x\": 1}}", "\"x",
                "unknown key \"x\" in \"default\"");
  expect_error (CHDR " \"on_error\": \"maybe\"}", "\"maybe",
                "\"on_error\" must be \"deny\" or \"allow\"");
}

/* A rule whose one annotation condition is {key: value}, as JSON text.  */
static char *
rule_with (const char *key, const char *value)
{
  return og_xasprintf (CHDR " \"rules\": [{\"match\": {\"annotations\": {\"%s\": \"%s\"}}, "
                            "\"manifest\": null}]}",
                       key, value);
}

static void
refused (const char *key, const char *value, const char *what)
{
  cleanup_free char *text = rule_with (key, value);
  cleanup_free char *at = og_xasprintf ("\"%s\"", value[0] == 'x' && value[1] == 0 ? key : value);
  expect_error (text, at, what);
}

static void
accepted (const char *value)
{
  cleanup_free char *text = rule_with ("k", value);
  og_diags d = { 0 };
  og_error *err = NULL;
  og_hostconfig *cfg = NULL;
  if (og_hostconfig_load_buffer (text, strlen (text), "c.json", &cfg, &d, &err) < 0)
    fprintf (stderr, "# %s: %s\n", value, err->msg);
  assert_non_null (cfg);
  og_hostconfig_free (cfg);
  og_diags_clear (&d);
}

/* Regexes are bounded before regcomp: what would make glibc's automaton
   explode is refused at the pattern's position (key or value), at once.  */
static void
test_regex_bounds (void **state)
{
  char plus[40] = "a", big[300], quants[80];
  memset (plus + 1, '+', 25);
  refused (plus, "x", "a quantifier on a quantifier");
  /* Each value under key "k" is refused, at itself, for this reason.  */
  static const struct
  {
    const char *what;
    const char *values[5]; /* to the first NULL */
  } cases[] = {
    { "a quantifier on a quantifier", { "a++", "a*{2}", "a??" } },
    { "a group that holds a quantifier", { "(a+)+", "(a*)*", "((a|b+))*", "(x(a+)y){2}" } },
    { "a bound {m,n} above 16", { "a{1,17}", "a{,50}", "a{17,}", "a{99999999999999999999}" } },
    { "a back-reference", { "(a)\\\\1" } },
    { "groups nested deeper than 8", { "((((((((((a))))))))))" } },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    for (size_t j = 0; j < OG_ARRAY_SIZE (cases[i].values) && cases[i].values[j]; j++)
      refused ("k", cases[i].values[j], cases[i].what);
  memset (big, 'a', 257);
  big[257] = 0;
  refused ("k", big, "longer than 256 bytes");
  quants[0] = 0;
  for (int i = 0; i < 33; i++)
    strcat (quants, "a+");
  refused ("k", quants, "more than 32 quantifiers");

  /* What real host configs write still loads.  */
  static const char *const loads[] = { "^prod-",
                                       "^(prod|staging)-[a-z0-9-]+$",
                                       "(ab|cd)+x*",
                                       "[]a+]+b",
                                       "[[:alpha:]_]+[[:digit:]]{1,16}",
                                       "a\\\\++",
                                       "[+*]+",
                                       "x{2,}y{,3}" };
  for (size_t i = 0; i < OG_ARRAY_SIZE (loads); i++)
    accepted (loads[i]);
}

/* A refused pattern takes no time and no memory: a bomb that took 4.8 GB in
   regcomp comes back at once.  */
static void
test_regex_bomb_is_cheap (void **state)
{
  char bomb[64] = "a";
  cleanup_free char *text = NULL;
  og_diags d = { 0 };
  og_error *err = NULL;
  og_hostconfig *cfg = NULL;
  struct timespec t0, t1;
  memset (bomb + 1, '+', 40);
  text = rule_with (bomb, "x");
  clock_gettime (CLOCK_MONOTONIC, &t0);
  assert_int_equal (og_hostconfig_load_buffer (text, strlen (text), "c.json", &cfg, &d, &err), -1);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  assert_true ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1000);
  assert_non_null (strstr (err->msg, "c.json:2:"));
  og_error_free (err);
  og_diags_clear (&d);
}

/* Without "manifests_dir", manifests live under the build's sysconfdir:
   /etc/ocigate/manifests for the packaged build (prefix /usr).  */
static void
test_default_manifests_dir (void **state)
{
  static const char text[] = "{\"schema\": \"ocigate.config/v1\", \"default\": "
                             "{\"manifest\": \"base\"}}";
  og_diags d = { 0 };
  og_error *err = NULL;
  og_hostconfig *cfg = NULL;
  char *manifest = NULL;
  og_mode mode = 0;

  assert_int_equal (og_hostconfig_load_buffer (text, strlen (text), "c.json", &cfg, &d, &err), 0);
  assert_string_equal (cfg->manifests_dir, OG_SYSCONFDIR "/ocigate/manifests");
  assert_int_equal (og_hostconfig_select (cfg, NULL, 0, NULL, NULL, &manifest, &mode), -1);
  assert_string_equal (manifest, OG_SYSCONFDIR "/ocigate/manifests/base.json");
  assert_int_equal (mode, OG_MODE_AUDIT);
  free (manifest);
  og_hostconfig_free (cfg);
  og_diags_clear (&d);
}

/* The rule that og_hostconfig_select picks for subject s alone (-1: the default).  */
static ssize_t
select_by (const og_hostconfig *cfg, const og_hc_subject *s)
{
  char *manifest = NULL;
  og_mode mode = 0;
  ssize_t r = og_hostconfig_select (cfg, NULL, 0, NULL, s, &manifest, &mode);
  free (manifest);
  return r;
}

/* Rules on the image's real names and digest, and on the pod's namespace.  */
static void
test_select_identity (void **state)
{
  static const char text[]
      = "{ \"schema\": \"ocigate.config/v1\", \"manifests_dir\": \"/m\", \"rules\": [\n"
        "  { \"match\": { \"image_digest\": \"sha256:"
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\" }, \"manifest\": "
        "\"pinned\" },\n"
        "  { \"match\": { \"namespace\": \"prod-*\", \"image\": \"*web*\" }, \"manifest\": \"web\" "
        "},\n"
        "  { \"match\": { \"image\": \"*ux-debmin*\" }, \"manifest\": \"debmin\" } ],\n"
        "  \"default\": { \"manifest\": \"base\" } }\n";
  const char *names[] = { "localhost/other:1", "localhost/ux-debmin:1" };
  og_diags d = { 0 };
  og_error *err = NULL;
  og_hostconfig *cfg = NULL;

  assert_int_equal (og_hostconfig_load_buffer (text, strlen (text), "c.json", &cfg, &d, &err), 0);
  /* By ID (sha256: and the ID) or by manifest digest.  */
  assert_int_equal (
      select_by (
          cfg,
          &(og_hc_subject){ .image_id
                            = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }),
      0);
  assert_int_equal (
      select_by (cfg,
                 &(og_hc_subject){
                     .image_digest
                     = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef" }),
      0);
  /* Namespace and name both needed.  */
  assert_int_equal (
      select_by (cfg, &(og_hc_subject){ .image = "quay.io/web:1", .namespace = "prod-eu" }), 1);
  assert_int_equal (
      select_by (cfg, &(og_hc_subject){ .image = "quay.io/web:1", .namespace = "dev" }), -1);
  /* Any of the image's names.  */
  assert_int_equal (
      select_by (cfg,
                 &(og_hc_subject){ .image = names[0], .image_names = names, .n_image_names = 2 }),
      2);
  og_hostconfig_free (cfg);
  og_diags_clear (&d);
}

/* The syslog socket: NULL (the hook's /dev/log) unless the config names one.  */
static void
test_syslog_socket (void **state)
{
  static const char named[]
      = CHDR " \"audit\": {\"syslog\": true, \"syslog_socket\": \"/run/x.sock\"}}";
  static const char unnamed[] = CHDR " \"audit\": {\"syslog\": true}}";
  og_diags d = { 0 };
  og_error *err = NULL;
  og_hostconfig *cfg = NULL;

  assert_int_equal (og_hostconfig_load_buffer (named, strlen (named), "c.json", &cfg, &d, &err), 0);
  assert_string_equal (cfg->syslog_socket, "/run/x.sock");
  og_hostconfig_free (cfg);
  cfg = NULL;
  assert_int_equal (og_hostconfig_load_buffer (unnamed, strlen (unnamed), "c.json", &cfg, &d, &err),
                    0);
  assert_null (cfg->syslog_socket);
  og_hostconfig_free (cfg);
  og_diags_clear (&d);
}

/* "cache": on in /var/cache/ocigate by default; each key read and checked.  */
static void
test_cache (void **state)
{
  static const char *const texts[]
      = { CHDR "\"default\": {\"manifest\": null}}",
          CHDR "\"cache\": {\"enabled\": false, \"dir\": \"/srv/c\", \"max_bytes\": 1000},\n"
               "\"default\": {\"manifest\": null}}" };
  for (size_t i = 0; i < OG_ARRAY_SIZE (texts); i++)
    {
      og_diags d = { 0 };
      og_error *err = NULL;
      og_hostconfig *cfg = NULL;
      assert_int_equal (
          og_hostconfig_load_buffer (texts[i], strlen (texts[i]), "c.json", &cfg, &d, &err), 0);
      assert_int_equal (cfg->cache_enabled, i == 0);
      assert_string_equal (cfg->cache_dir, i == 0 ? "/var/cache/ocigate" : "/srv/c");
      assert_int_equal (cfg->cache_max_bytes, i == 0 ? 256ull << 20 : 1000);
      og_hostconfig_free (cfg);
      og_diags_clear (&d);
    }
  expect_error (CHDR " \"cache\": {\"dir\": \"rel\"}}", "\"rel", "absolute path");
  expect_error (CHDR " \"cache\": {\"max_bytes\": -1}}", "-1", "\"max_bytes\"");
  expect_error (CHDR " \"cache\": {\"enabled\": \"yes\"}}", "\"yes", "true or false");
  expect_error (CHDR " \"cache\": {\"size\": 1}}", "\"size", "size");
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_syslog_socket), cmocka_unit_test (test_loads),
         cmocka_unit_test (test_select_identity), cmocka_unit_test (test_select),
         cmocka_unit_test (test_errors), cmocka_unit_test (test_object_members),
         cmocka_unit_test (test_regex_bounds), cmocka_unit_test (test_regex_bomb_is_cheap),
         cmocka_unit_test (test_default_manifests_dir), cmocka_unit_test (test_cache));
