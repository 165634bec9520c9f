/* ocigate manifest generate | lint.  */
#include <getopt.h>

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
  fprintf (f,
           "Usage: ocigate manifest generate [OPTIONS] SOURCE\n"
           "       ocigate manifest lint FILE...\n\n"
           "generate writes (on stdout, or to --output) an ocigate.manifest/v1 that allows exactly "
           "SOURCE:\n"
           "every package, every executable that no package owns, unlisted packages and\n"
           "executables denied, and the setuid/setgid/capabilities/unowned/modified\n"
           "switches set to what SOURCE has.\n"
           "  --level names|versions|digests  pin packages by name, by exact version, and\n"
           "                                  also every executable by sha256 (default: versions)\n"
           "  --name NAME                     the manifest's name\n"
           "  --from-keep PACKAGE|PATH        allow only the closure that keeps this package\n"
           "                                  (or PATH's owner), required with its\n"
           "                                  dependencies; repeat for more (see ocigate "
           "slim)\n" OG_CLI_OUTPUT_HELP OG_CLI_SOURCE_OPTIONS_HELP "\n"
           "lint checks manifests (and host configs, ocigate.config/v1, told apart by their\n"
           "\"schema\") and prints every problem as FILE:LINE:COLUMN: what is expected.\n\n"
           "Exit status: 0 success; 2 bad usage, an unreadable source or a lint error.\n");
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
  og_cli_args a = { .verb = "manifest generate", .usage = usage, .takes_output = true };
  generate_opts g = { .level = OG_GEN_VERSIONS };
  int r = og_cli_parse (&a, argc, argv, "ho:", opts, generate_option, &g);

  if (r == OG_CLI_GO_ON)
    {
      if (g.level == OG_GEN_DIGESTS)
        a.sopts.digests = true;
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

static int
lint_one (const char *path)
{
  cleanup_free char *data = NULL;
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;
  size_t len = 0;
  int r;

  if (og_jdoc_read_file (path, &data, &len, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, og_steal_pointer (&err));
  if (is_host_config (data, len))
    {
      cleanup_hostconfig og_hostconfig *cfg = NULL;
      r = og_hostconfig_load_buffer (data, len, path, &cfg, &diags, &err);
    }
  else
    {
      cleanup_manifest og_manifest *m = NULL;
      r = og_manifest_load_buffer (data, len, path, &m, &diags, &err);
    }
  og_cli_print_diags ("", &diags);
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
      usage (stdout);
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
