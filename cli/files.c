/* ocigate files: every entry of a source, with its owning package.  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/output.h"

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: ocigate files [OPTIONS] SOURCE\n\n"
           "List every file, directory and link of a root filesystem with its type, mode,\n"
           "owner, size and owning package: the view an image review starts with\n"
           "(\"what is in /bin, and why?\").\n\n" OG_CLI_SOURCE_HELP "Options:\n"
           "  --under PATH         only entries at or below PATH (inside the root, e.g. /usr/bin)\n"
           "  --executables        only executables (execute, setuid or setgid bit)\n"
           "  --format json|table  output format (default: table); json is "
           "ocigate.files/v1\n" OG_CLI_OUTPUT_HELP OG_CLI_SOURCE_OPTIONS_HELP
           "  -h, --help           show this help\n\n"
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

static int
own_option (og_cli_args *a OG_UNUSED, int c, const char *arg, void *ctx)
{
  files_view *v = ctx;
  switch (c)
    {
    case 'u':
      if (arg[0] != '/')
        return og_cli_usage_error ("files",
                                   "--under takes an absolute path inside the root, "
                                   "like /usr/bin, not '%s'",
                                   arg);
      v->under = arg;
      return OG_CLI_GO_ON;
    case 'e':
      v->executables = true;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

int
og_cmd_files (int argc, char **argv)
{
  static const struct option opts[] = {
    { "under", required_argument, NULL, 'u' },
    { "executables", no_argument, NULL, 'e' },
    { "format", required_argument, NULL, 'f' },
    OG_CLI_OUTPUT_LONGOPT,
    OG_CLI_SOURCE_LONGOPTS,
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  og_cli_args a = {
    .verb = "files",
    .usage = usage,
    .takes_format = true,
    .takes_output = true,
    .flags = OG_INV_FILES,
  };
  files_view view = { 0 };
  int r = og_cli_parse (&a, argc, argv, "ho:", opts, own_option, &view);

  if (r != OG_CLI_GO_ON)
    return r;
  view.format = a.format;
  return og_cli_write_inventory (&a, write_files, &view);
}
