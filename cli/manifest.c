/* ocigate manifest generate | lint.  */
#include <getopt.h>
#include <sys/stat.h>

#include "common.h"
#include "policy/hostconfig.h"
#include "catalog/build.h"
#include "json/doc.h"
#include "policy/generate.h"
#include "policy/manifest.h"
#include "output/deps.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate manifest generate [OPTIONS] SOURCE\n"
              "       ocigate manifest lint FILE...\n\n"
              "  generate  write a manifest that allows exactly what SOURCE holds\n"
              "  lint      check manifests and host configs\n\n"
              "Run 'ocigate manifest generate --help' or 'ocigate manifest lint --help'\n"
              "for the options of each.\n");
}

static void
usage_generate (FILE *f)
{
  fprintf (
      f,
      "Usage: ocigate manifest generate [OPTIONS] SOURCE\n\n"
      "Write (on stdout, or to --output) an ocigate.manifest/v1 that allows exactly\n"
      "SOURCE: every package, every executable that no package owns, unlisted\n"
      "packages and executables denied, the unowned/modified switches set to what\n"
      "SOURCE has, its exact setuid, setgid and file-capability sets pinned, and\n"
      "packages.database \"required\" when SOURCE has a package database.\n\n"
      "Options:\n"
      "  --level names|versions|digests\n"
      "                       pin packages by name, by exact version, and also every\n"
      "                       executable by sha256 (default: versions)\n"
      "  --name NAME          the manifest's name\n"
      "  --from-keep PACKAGE|PATH\n"
      "                       allow only the closure that keeps this package (or\n"
      "                       PATH's owner), required with its dependencies; repeat\n"
      "                       for more (see ocigate slim)\n" OG_CLI_OUTPUT_HELP OG_CLI_SOURCE_OPTIONS_HELP
      "  -h, --help           show this help\n\n" OG_CLI_SOURCE_HELP
      "Exit status: 0 success; 2 bad usage or an unreadable source.\n");
}

static void
usage_lint (FILE *f)
{
  fprintf (f, "Usage: ocigate manifest lint FILE...\n\n"
              "Check each FILE, a manifest (ocigate.manifest/v1) or a host config\n"
              "(ocigate.config/v1; told apart by its \"schema\"), and print every problem as\n"
              "FILE:LINE:COLUMN: what is expected.  A host config's manifests are found as\n"
              "the hook finds them (a name in manifests_dir, or an absolute path) and linted\n"
              "too; a manifest it names that does not exist is an error.\n\n"
              "Options:\n"
              "  -h, --help           show this help\n\n"
              "Exit status: 0 every FILE is valid; 2 bad usage, an unreadable FILE or a\n"
              "lint error.\n");
}

typedef struct generate_opts
{
  og_gen_level level;
  const char *name;
  og_strv keep; /* --from-keep */
} generate_opts;

static int
write_manifest (const og_inventory *inv, const void *ctx, FILE *out, og_error **err)
{
  const generate_opts *g = ctx;
  cleanup_free char *text = NULL;
  if (g->keep.n)
    {
      cleanup_free bool *in = og_xcalloc (inv->packages.n + 1, sizeof *in);
      cleanup_free size_t *kept = og_xcalloc (g->keep.n, sizeof *kept);
      og_gen_keep k = { .in = in, .kept = kept };
      if (og_keep_resolve (inv, (const char *const *)g->keep.v, g->keep.n, kept, &k.n_kept, in, err)
          < 0)
        return -1;
      text = og_manifest_generate_keep (inv, g->level, g->name, &k);
    }
  else
    text = og_manifest_generate (inv, g->level, g->name);
  if (fputs (text, out) == EOF || fflush (out) != 0)
    return og_error_set (err, errno, "write output");
  return 0;
}

static int
generate_option (og_cli_args *a, int c, const char *arg, void *ctx)
{
  generate_opts *g = ctx;
  switch (c)
    {
    case 'l':
      if (og_gen_level_parse (arg, &g->level) < 0)
        return og_cli_usage_error (a->verb, "--level must be names, versions or digests, not '%s'",
                                   arg);
      return OG_CLI_GO_ON;
    case 'n':
      g->name = arg;
      return OG_CLI_GO_ON;
    case 'k':
      og_strv_push (&g->keep, arg);
      a->flags |= OG_INV_DEPS | (arg[0] == '/' ? OG_INV_FILES : 0);
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

static int
cmd_generate (int argc, char **argv)
{
  static const struct option opts[] = {
    { "level", required_argument, NULL, 'l' },
    { "name", required_argument, NULL, 'n' },
    { "from-keep", required_argument, NULL, 'k' },
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = { .verb = "manifest generate", .usage = usage_generate, .takes_output = true };
  generate_opts g = { .level = OG_GEN_VERSIONS };
  int r = og_cli_parse (&a, argc, argv, "o:", opts, generate_option, &g);

  if (r == OG_CLI_GO_ON)
    {
      if (g.level == OG_GEN_DIGESTS)
        a.sopts.digests = OG_DIGESTS_EXEC;
      r = og_cli_write_inventory (&a, write_manifest, &g);
    }
  og_strv_clear (&g.keep);
  return r;
}

/* Is the document a host config (by its "schema")?  */
static bool
is_host_config (const char *data, size_t len)
{
  cleanup_json json_t *root = json_loadb (data, len, 0, NULL);
  json_t *schema = root ? json_object_get (root, "schema") : NULL;
  return json_is_string (schema) && strcmp (json_string_value (schema), OG_CONFIG_SCHEMA) == 0;
}

/* Lint the manifest at path; its diagnostics printed.  */
static int
lint_manifest (const char *path, const char *data, size_t len)
{
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;
  cleanup_manifest og_manifest *m = NULL;
  int r;

  if (data)
    r = og_manifest_load_buffer (data, len, path, &m, &diags, &err);
  else
    r = og_manifest_load_file (path, &m, &diags, &err);
  og_cli_print_diags ("", &diags);
  if (r < 0 && diags.n == 0)
    fprintf (stderr, "ocigate: %s\n", err && err->msg ? err->msg : path);
  return r;
}

/* Each manifest a host config names, found as the hook finds it.  */
static int
lint_config_manifest (const og_hostconfig *cfg, const char *name, const char *who)
{
  cleanup_free char *path = og_hostconfig_manifest_path (cfg, name);
  struct stat st;

  if (path == NULL)
    return 0; /* null: inventory and record only */
  if (stat (path, &st) < 0)
    {
      fprintf (stderr,
               "%s: %s names manifest `%s`, but %s: %s; create it or correct the name "
               "(manifests_dir is %s)\n",
               cfg->file, who, name, path, strerror (errno), cfg->manifests_dir);
      return -1;
    }
  return lint_manifest (path, NULL, 0);
}

static int
lint_config (const char *path, const char *data, size_t len)
{
  cleanup_hostconfig og_hostconfig *cfg = NULL;
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;
  int r = og_hostconfig_load_buffer (data, len, path, &cfg, &diags, &err);

  og_cli_print_diags ("", &diags);
  if (r < 0)
    return -1;
  for (size_t i = 0; i < cfg->n_rules; i++)
    {
      cleanup_free char *who = og_xasprintf ("rule %zu", i + 1);
      if (lint_config_manifest (cfg, cfg->rules[i].manifest, who) < 0)
        r = -1;
    }
  if (lint_config_manifest (cfg, cfg->default_manifest, "\"default\"") < 0)
    r = -1;
  return r;
}

static int
lint_one (const char *path)
{
  cleanup_free char *data = NULL;
  cleanup_error og_error *err = NULL;
  size_t len = 0;
  int r;

  if (og_jdoc_read_file (path, &data, &len, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, og_steal_pointer (&err));
  if (is_host_config (data, len))
    r = lint_config (path, data, len);
  else
    r = lint_manifest (path, data, len);
  if (r < 0)
    return OG_EXIT_USAGE;
  printf ("%s: ok\n", path);
  return OG_EXIT_OK;
}

static int
cmd_lint (int argc, char **argv)
{
  int ret = OG_EXIT_OK;
  if (argc >= 2 && (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0))
    {
      usage_lint (stdout);
      return OG_EXIT_OK;
    }
  if (argc < 2)
    return og_cli_usage_error ("manifest lint", "expected at least one FILE");
  for (int i = 1; i < argc; i++)
    if (lint_one (argv[i]) != OG_EXIT_OK)
      ret = OG_EXIT_USAGE;
  return ret;
}

int
og_cmd_manifest (int argc, char **argv)
{
  if (argc < 2)
    return og_cli_usage_error ("manifest", "expected 'generate' or 'lint'");
  if (strcmp (argv[1], "generate") == 0)
    return cmd_generate (argc - 1, argv + 1);
  if (strcmp (argv[1], "lint") == 0)
    return cmd_lint (argc - 1, argv + 1);
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      usage (stdout);
      return OG_EXIT_OK;
    }
  return og_cli_usage_error ("manifest", "unknown subcommand '%s'; expected 'generate' or 'lint'",
                             argv[1]);
}
