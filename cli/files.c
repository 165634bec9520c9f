/* ocigate files: every entry of a source, with its owning package.  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/output.h"

static void
usage (FILE *f)
{
  fprintf (
      f, "Usage: ocigate files [OPTIONS] SOURCE\n\n"
         "List every file, directory and link of a root filesystem with its type, mode,\n"
         "owner, size and owning package: the view an image review starts with\n"
         "(\"what is in /bin, and why?\").\n\n" OG_CLI_SOURCE_HELP "Options:\n"
         "  --under PATH         only entries at or below PATH (inside the root, e.g. /usr/bin)\n"
         "  --executables        only executables (execute, setuid or setgid bit)\n"
         "  --format json|table  output format (default: table); json is "
         "ocigate.files/v1\n" OG_CLI_SOURCE_OPTIONS_HELP "  -h, --help           show this help\n\n"
         "Exit status: 0 success; 2 bad usage or a source that cannot be read.\n");
}

int
og_cmd_files (int argc, char **argv)
{
  static const struct option opts[] = {
    { "under", required_argument, NULL, 'u' },  { "executables", no_argument, NULL, 'e' },
    { "format", required_argument, NULL, 'f' }, OG_CLI_SOURCE_LONGOPTS,
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  og_format format = OG_FORMAT_TABLE;
  og_source_options sopts = { 0 };
  og_inventory inv;
  og_error *err = NULL;
  const char *under = NULL;
  bool executables = false;
  unsigned flags = OG_INV_FILES;
  int c, ret;

  optind = 1;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'u':
        under = optarg;
        if (under[0] != '/')
          return og_cli_usage_error ("files",
                                     "--under takes an absolute path inside the root, "
                                     "like /usr/bin, not '%s'",
                                     under);
        break;
      case 'e':
        executables = true;
        break;
      case 'f':
        if (og_cli_parse_format (optarg, &format) < 0)
          return og_cli_usage_error ("files", "--format must be json or table, not '%s'", optarg);
        break;
      case 'h':
        usage (stdout);
        return OG_EXIT_OK;
      default:
        if (og_cli_source_option (c, optarg, &sopts, &flags))
          break;
        return og_cli_usage_error ("files", "unknown option");
      }
  if (argc - optind != 1)
    return og_cli_usage_error ("files", "expected exactly one SOURCE");

  if (og_cli_build_inventory (argv[optind], &sopts, flags, &inv, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  ret = format == OG_FORMAT_JSON ? og_files_write_json (&inv, under, executables, stdout, &err)
                                 : og_files_write_table (&inv, under, executables, stdout, &err);
  og_inventory_clear (&inv);
  if (ret < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return OG_EXIT_OK;
}
