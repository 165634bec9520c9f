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
              "one finding per offending package, executable or launch setting.\n\n"
              "Options:\n"
              "  -m, --manifest FILE     the manifest (required)\n"
              "  --oci-config FILE       an OCI runtime config.json, for the launch rules\n"
              "  --format table|json     output format (default: table); json is ocigate.check/v1\n"
              "  --today YYYY-MM-DD      the date exceptions are compared with (default: today, "
              "UTC)\n" OG_CLI_SOURCE_OPTIONS_HELP "  -h, --help              show this help\n\n"
              "Exit status: 0 allowed; 1 denied; 2 bad usage or manifest errors;\n"
              "3 the source cannot be inspected.\n");
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
  og_error *err = NULL;

  if (og_manifest_load_file (path, m, &diags, &err) == 0)
    return 0;
  if (diags.n == 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  og_error_free (err);
  og_cli_print_diags ("ocigate: ", &diags);
  return OG_EXIT_USAGE;
}

/* Check SOURCE against m; the exit code.  */
static int
check (const char *spec, const og_source_options *sopts, unsigned flags, const og_manifest *m,
       const og_launch_facts *facts, const char *today, og_format format)
{
  cleanup_inventory og_inventory inv = { 0 };
  cleanup_policy_result og_policy_result res = { 0 };
  og_error *err = NULL;

  if (og_manifest_needs_sha256 (m))
    flags |= OG_INV_SHA256;
  if (og_cli_build_inventory (spec, sopts, flags, &inv, &err) < 0)
    return og_cli_fail (OG_EXIT_INSPECT, err);
  if (og_policy_evaluate (m, &inv, facts, today, &res, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  if ((format == OG_FORMAT_JSON ? og_check_write_json (m, &inv, &res, stdout, &err)
                                : og_check_write_table (m, &inv, &res, stdout, &err))
      < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return res.n ? OG_EXIT_DENY : OG_EXIT_OK;
}

int
og_cmd_check (int argc, char **argv)
{
  static const struct option opts[] = {
    { "manifest", required_argument, NULL, 'm' },
    { "oci-config", required_argument, NULL, 'o' },
    { "format", required_argument, NULL, 'f' },
    { "today", required_argument, NULL, 't' },
    OG_CLI_SOURCE_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *manifest_path = NULL, *oci_config = NULL, *spec;
  og_format format = OG_FORMAT_TABLE;
  og_source_options sopts = { 0 };
  cleanup_launch_facts og_launch_facts facts = { 0 };
  cleanup_manifest og_manifest *m = NULL;
  og_error *err = NULL;
  char today[11];
  unsigned flags = 0;
  int c, r;

  og_policy_today (today);
  optind = 1;
  while ((c = getopt_long (argc, argv, "m:h", opts, NULL)) != -1)
    switch (c)
      {
      case 'm':
        manifest_path = optarg;
        break;
      case 'o':
        oci_config = optarg;
        break;
      case 't':
        if (strlen (optarg) != 10 || optarg[4] != '-' || optarg[7] != '-')
          return og_cli_usage_error ("check", "--today must be YYYY-MM-DD, not '%s'", optarg);
        memcpy (today, optarg, 11);
        break;
      default:
        if ((r = og_cli_common_option ("check", c, optarg, &sopts, &flags, &format, usage))
            != OG_CLI_GO_ON)
          return r;
      }
  if (manifest_path == NULL)
    return og_cli_usage_error ("check", "--manifest FILE is required");
  if ((spec = og_cli_one_source ("check", argc, argv)) == NULL)
    return OG_EXIT_USAGE;

  if ((r = load_manifest (manifest_path, &m)) != 0)
    return r;
  if (oci_config && load_launch (oci_config, &facts, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return check (spec, &sopts, flags, m, &facts, today, format);
}
