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
print_diags (const og_diags *d)
{
  for (size_t i = 0; i < d->n; i++)
    {
      cleanup_free char *s = og_diag_format (d, i);
      fprintf (stderr, "ocigate: %s\n", s);
    }
  return OG_EXIT_USAGE;
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
  const char *manifest_path = NULL, *oci_config = NULL;
  og_format format = OG_FORMAT_TABLE;
  og_source_options sopts = { 0 };
  og_launch_facts facts = { 0 };
  og_diags diags = { 0 };
  og_manifest *m = NULL;
  og_inventory inv;
  og_policy_result res;
  og_error *err = NULL;
  char today[11];
  unsigned flags = 0;
  int c, ret;

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
      case 'f':
        if (og_cli_parse_format (optarg, &format) < 0)
          return og_cli_usage_error ("check", "--format must be json or table, not '%s'", optarg);
        break;
      case 't':
        if (strlen (optarg) != 10 || optarg[4] != '-' || optarg[7] != '-')
          return og_cli_usage_error ("check", "--today must be YYYY-MM-DD, not '%s'", optarg);
        memcpy (today, optarg, 11);
        break;
      case 'h':
        usage (stdout);
        return OG_EXIT_OK;
      default:
        if (og_cli_source_option (c, optarg, &sopts, &flags))
          break;
        return og_cli_usage_error ("check", "unknown option");
      }
  if (manifest_path == NULL)
    return og_cli_usage_error ("check", "--manifest FILE is required");
  if (argc - optind != 1)
    return og_cli_usage_error ("check", "expected exactly one SOURCE");

  if (og_manifest_load_file (manifest_path, &m, &diags, &err) < 0)
    {
      if (diags.n == 0)
        return og_cli_fail (OG_EXIT_USAGE, err);
      og_error_free (err);
      ret = print_diags (&diags);
      og_diags_clear (&diags);
      return ret;
    }
  og_diags_clear (&diags);
  if (oci_config && load_launch (oci_config, &facts, &err) < 0)
    {
      og_manifest_free (m);
      return og_cli_fail (OG_EXIT_USAGE, err);
    }
  if (og_manifest_needs_sha256 (m))
    sopts.digests = true;
  if (og_cli_build_inventory (argv[optind], &sopts, flags, &inv, &err) < 0)
    {
      og_manifest_free (m);
      og_launch_facts_clear (&facts);
      return og_cli_fail (OG_EXIT_INSPECT, err);
    }
  if (og_policy_evaluate (m, &inv, &facts, today, &res, &err) < 0)
    ret = -1;
  else
    {
      ret = format == OG_FORMAT_JSON ? og_check_write_json (m, &inv, &res, stdout, &err)
                                     : og_check_write_table (m, &inv, &res, stdout, &err);
      if (ret == 0)
        ret = og_policy_verdict (&res) == OG_VERDICT_DENY ? OG_EXIT_DENY : OG_EXIT_OK;
      og_policy_result_clear (&res);
    }
  og_inventory_clear (&inv);
  og_launch_facts_clear (&facts);
  og_manifest_free (m);
  if (ret < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return ret;
}
