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
           "  --digests            also compute the sha256 of every executable\n"
           "  --deps               also resolve each package's dependencies (requires,\n"
           "                       required_by, recommends, essential) against what is\n"
           "                       installed\n" OG_CLI_SOURCE_OPTIONS_HELP "  -h, --help           show this help\n\n"
           "Exit status: 0 success; 2 bad usage or a source that cannot be read.\n");
}

static int
write_inventory (const og_inventory *inv, const void *ctx, FILE *out, og_error **err)
{
  const og_format *format = ctx;
  return *format == OG_FORMAT_JSON ? og_inventory_write_json (inv, out, err)
                                   : og_inventory_write_table (inv, out, err);
}

static int
own_option (og_cli_args *a, int c, const char *arg OG_UNUSED, void *ctx OG_UNUSED)
{
  switch (c)
    {
    case 'd':
      a->sopts.digests = true;
      return OG_CLI_GO_ON;
    case 'D':
      a->flags |= OG_INV_DEPS;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

int
og_cmd_inventory (int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "digests", no_argument, NULL, 'd' },
    { "deps", no_argument, NULL, 'D' },
    OG_CLI_SOURCE_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  og_cli_args a = { .verb = "inventory", .usage = usage, .takes_format = true };
  int r = og_cli_parse (&a, argc, argv, "h", opts, own_option, NULL);

  if (r != OG_CLI_GO_ON)
    return r;
  return og_cli_write_inventory (&a, write_inventory, &a.format);
}
