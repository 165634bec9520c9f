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

typedef struct files_view
{
  og_format format;
  const char *under;
  bool executables;
} files_view;

static int
write_files (const og_inventory *inv, const void *ctx, FILE *out, og_error **err)
{
  const files_view *v = ctx;
  return v->format == OG_FORMAT_JSON
             ? og_files_write_json (inv, v->under, v->executables, out, err)
             : og_files_write_table (inv, v->under, v->executables, out, err);
}

int
og_cmd_files (int argc, char **argv)
{
  static const struct option opts[] = {
    { "under", required_argument, NULL, 'u' },  { "executables", no_argument, NULL, 'e' },
    { "format", required_argument, NULL, 'f' }, OG_CLI_SOURCE_LONGOPTS,
    { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
  };
  files_view view = { .format = OG_FORMAT_TABLE };
  og_source_options sopts = { 0 };
  unsigned flags = OG_INV_FILES;
  int c, r;

  optind = 1;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'u':
        view.under = optarg;
        if (optarg[0] != '/')
          return og_cli_usage_error ("files",
                                     "--under takes an absolute path inside the root, "
                                     "like /usr/bin, not '%s'",
                                     optarg);
        break;
      case 'e':
        view.executables = true;
        break;
      default:
        if ((r = og_cli_common_option ("files", c, optarg, &sopts, &flags, &view.format, usage))
            != OG_CLI_GO_ON)
          return r;
      }
  return og_cli_write_inventory ("files", argc, argv, &sopts, flags, write_files, &view);
}
