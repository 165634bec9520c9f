/* ocigate inventory: packages and executables of a source.  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/output.h"

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: ocigate inventory [OPTIONS] SOURCE\n\n"
           "List the OS packages (rpm, dpkg, apk databases, read as data) and every\n"
           "executable (a regular file with an execute, setuid or setgid bit) of a root\n"
           "filesystem, with its ELF or script facts, setuid/setgid, file capabilities and\n"
           "owning package.\n\n" OG_CLI_SOURCE_HELP "Options:\n"
           "  --format json|table  output format (default: table); json is ocigate.inventory/v1\n"
           "  --digests            also compute the sha256 of every "
           "executable\n" OG_CLI_SOURCE_OPTIONS_HELP "  -h, --help           show this help\n\n"
           "Exit status: 0 success; 2 bad usage or a source that cannot be read.\n");
}

int
og_cmd_inventory (int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "digests", no_argument, NULL, 'd' },
    OG_CLI_SOURCE_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  og_format format = OG_FORMAT_TABLE;
  og_source_options sopts = { 0 };
  og_inventory inv;
  og_error *err = NULL;
  unsigned flags = 0;
  int c, ret;

  optind = 1;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'f':
        if (og_cli_parse_format (optarg, &format) < 0)
          return og_cli_usage_error ("inventory", "--format must be json or table, not '%s'",
                                     optarg);
        break;
      case 'd':
        sopts.digests = true;
        break;
      case 'h':
        usage (stdout);
        return OG_EXIT_OK;
      default:
        if (og_cli_source_option (c, optarg, &sopts, &flags))
          break;
        return og_cli_usage_error ("inventory", "unknown option");
      }
  if (argc - optind != 1)
    return og_cli_usage_error ("inventory", "expected exactly one SOURCE");

  if (og_cli_build_inventory (argv[optind], &sopts, flags, &inv, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  ret = format == OG_FORMAT_JSON ? og_inventory_write_json (&inv, stdout, &err)
                                 : og_inventory_write_table (&inv, stdout, &err);
  og_inventory_clear (&inv);
  if (ret < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return OG_EXIT_OK;
}
