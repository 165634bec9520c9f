/* ocigate check: compare a source with an allowed-content manifest.  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "json/doc.h"
#include "policy/manifest.h"
#include "output/check.h"
#include "policy/evaluate.h"
#include "runtime/oci.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate check --manifest FILE [OPTIONS] SOURCE\n\n"
              "Compare the packages and executables of SOURCE (and, with --oci-config, how it\n"
              "is launched) with an allowed-content manifest (ocigate.manifest/v1), and print\n"
              "one finding per offending package, executable or launch setting.  When the\n"
              "manifest denies \"modified\" executables or \"missing_files\", the packaged\n"
              "executables are first checked against their package databases (as\n"
              "`ocigate verify` does).\n\n"
              "Options:\n"
              "  -m, --manifest FILE  the manifest (required)\n"
              "  --oci-config FILE    an OCI runtime config.json, for the launch rules\n"
              "  --format table|json  output format (default: table); json is ocigate.check/v1\n"
              "  --today YYYY-MM-DD   the date exceptions are compared with (default: today,\n"
              "                       UTC)\n" OG_CLI_OUTPUT_HELP OG_CLI_SOURCE_OPTIONS_HELP
              "  -h, --help           show this help\n\n"
              "Exit status: 0 allowed; 1 denied (also when the content cannot be inspected\n"
              "whole: a limit reached, malformed content; an \"inspection\" finding says so);\n"
              "2 bad usage or manifest errors; 3 the source cannot be opened.\n");
}

static int
load_launch (const char *path, og_launch_facts *facts, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  if (og_jdoc_read_file (path, &data, &len, err) < 0)
    {
      og_error_prefix (err, "OCI config");
      return -1;
    }
  return og_launch_facts_from_oci_config (data, len, path, facts, err);
}

static int
load_manifest (const char *path, og_manifest **m)
{
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;

  if (og_manifest_load_file (path, m, &diags, &err) == 0)
    return 0;
  return og_cli_fail_load ("ocigate: ", &diags, og_steal_pointer (&err));
}

typedef struct check_opts
{
  const char *manifest_path;
  const char *oci_config;
  char today[11];
} check_opts;

static int
own_option (og_cli_args *a, int c, const char *arg, void *ctx)
{
  check_opts *o = ctx;
  switch (c)
    {
    case 'm':
      o->manifest_path = arg;
      return OG_CLI_GO_ON;
    case 'c':
      o->oci_config = arg;
      return OG_CLI_GO_ON;
    case 't':
      if (strlen (arg) != 10 || arg[4] != '-' || arg[7] != '-')
        return og_cli_usage_error (a->verb, "--today must be YYYY-MM-DD, not '%s'", arg);
      memcpy (o->today, arg, 11);
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

/* An inventory that cannot be built from the content (a limit reached,
   malformed content) is not an error of the run but a verdict: the content
   cannot be vouched for.  The same rule as the hook's (ocigate-hook(8)).  */
static bool
is_content_failure (const og_error *err)
{
  switch (og_error_code (err))
    {
    case OG_ERR_CONTENT:
    case OG_ERR_LIMIT:
    case OG_ERR_DEADLINE:
      return true;
    case OG_ERR_SYSTEM:
    case OG_ERR_USAGE:
    default:
      return false;
    }
}

/* Build SOURCE's inventory: 0 with one, 1 when the content could not be
   inspected (*err says why), -1 when SOURCE cannot be opened at all
   (missing, unreadable: exit 3).  */
static int
build (const og_cli_args *a, const og_source_options *sopts, og_inventory *inv, og_error **err)
{
  bool opened = false;
  if (og_cli_build_inventory (a->source, sopts, a->flags, inv, &opened, err) == 0)
    return 0;
  return opened || is_content_failure (*err) ? 1 : -1;
}

typedef struct check_doc
{
  og_format format;
  const og_manifest *m;
  const og_inventory *inv;
  const og_policy_result *res;
} check_doc;

static int
emit_check (const void *ctx, FILE *out, og_error **err)
{
  const check_doc *d = ctx;
  return d->format == OG_FORMAT_JSON ? og_check_write_json (d->m, d->inv, d->res, out, err)
                                     : og_check_write_table (d->m, d->inv, d->res, out, err);
}

/* Check SOURCE against m; the exit code.  */
static int
run_check (const og_cli_args *a, const og_manifest *m, const og_launch_facts *facts,
           const char *today)
{
  cleanup_inventory og_inventory inv = { 0 };
  cleanup_policy_result og_policy_result res = { 0 };
  og_source_options sopts = a->sopts;
  og_cli_args va = *a;
  og_error *err = NULL;
  check_doc doc;
  int r;

  /* Verification only when the manifest judges its results.  An image
     source compares only what its layers' stream gave (the sha256 of
     executables): the rest is unverifiable, never "ok".  */
  if (og_manifest_needs_verify (m))
    va.flags |= OG_INV_VERIFY;
  if (og_manifest_needs_sha256 (m) || og_manifest_needs_verify (m))
    sopts.digests = OG_DIGESTS_EXEC;
  if (og_manifest_needs_deps (m))
    va.flags |= OG_INV_DEPS;
  r = build (&va, &sopts, &inv, &err);
  if (r < 0)
    return og_cli_fail (OG_EXIT_INSPECT, err);
  if (r > 0)
    {
      og_policy_add_inspection_error (&res, err, NULL);
      og_error_free (err);
      err = NULL;
    }
  else if (og_policy_evaluate (m, &inv, facts, today, &res, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  doc = (check_doc){ .format = a->format, .m = m, .inv = &inv, .res = &res };
  if (og_cli_emit (a->output, emit_check, &doc, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return res.n ? OG_EXIT_DENY : OG_EXIT_OK;
}

int
og_cmd_check (int argc, char **argv)
{
  static const struct option opts[] = {
    { "manifest", required_argument, NULL, 'm' },
    { "oci-config", required_argument, NULL, 'c' },
    { "today", required_argument, NULL, 't' },
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = { .verb = "check", .usage = usage, .takes_format = true, .takes_output = true };
  check_opts o = { 0 };
  cleanup_launch_facts og_launch_facts facts = { 0 };
  cleanup_manifest og_manifest *m = NULL;
  og_error *err = NULL;
  int r;

  og_policy_today (o.today);
  if ((r = og_cli_parse_options (&a, argc, argv, "m:o:", opts, own_option, &o)) != OG_CLI_GO_ON)
    return r;
  if (o.manifest_path == NULL)
    return og_cli_usage_error ("check", "--manifest FILE is required");
  if ((r = og_cli_take_source (&a, argc, argv)) != OG_CLI_GO_ON)
    return r;
  if ((r = load_manifest (o.manifest_path, &m)) != 0)
    return r;
  if (o.oci_config && load_launch (o.oci_config, &facts, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return run_check (&a, m, &facts, o.today);
}
