/* ocigate slim: what could go from an image (advice; nothing is changed).  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/deps.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate slim [OPTIONS] SOURCE\n\n"
              "Say what could go from a root filesystem or image, from its package\n"
              "dependencies: the leaf packages (nothing installed requires them) with their\n"
              "size and executables, and the packages that only each leaf holds in.  With\n"
              "--keep, the smallest closure that keeps the named packages (and the essential\n"
              "and priority-required ones, which a package manager will not remove), and\n"
              "everything outside it: the packages, bytes and executables that would leave\n"
              "the image.  This is advice: nothing is changed.\n\n" OG_CLI_SOURCE_HELP "Options:\n"
              "  --keep PACKAGE|PATH  keep this package, or the package that owns PATH (the\n"
              "                       entrypoint, what the service needs); repeat for more\n"
              "  --format table|json|markdown\n"
              "                       output format (default: table); json is "
              "ocigate.slim/v1\n" OG_CLI_SOURCE_OPTIONS_HELP
              "  -h, --help           show this help\n\n"
              "Exit status: 0 success; 2 bad usage, a source that cannot be read, or a --keep\n"
              "that names no package or file in it.\n");
}

typedef struct slim_opts
{
  og_deps_format format;
  og_strv keep;
  bool keep_paths;
} slim_opts;

static int
own_option (og_cli_args *a OG_UNUSED, int c, const char *arg, void *ctx)
{
  slim_opts *o = ctx;
  switch (c)
    {
    case 'k':
      og_strv_push (&o->keep, arg);
      o->keep_paths |= arg[0] == '/';
      return OG_CLI_GO_ON;
    case 'f':
      if (strcmp (arg, "table") == 0)
        o->format = OG_DEPS_TABLE;
      else if (strcmp (arg, "json") == 0)
        o->format = OG_DEPS_JSON;
      else if (strcmp (arg, "markdown") == 0)
        o->format = OG_DEPS_MARKDOWN;
      else
        return og_cli_usage_error ("slim", "--format must be table, json or markdown, not '%s'",
                                   arg);
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

int
og_cmd_slim (int argc, char **argv)
{
  static const struct option opts[] = {
    { "keep", required_argument, NULL, 'k' },
    OG_CLI_FORMAT_LONGOPT,
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = { .verb = "slim", .usage = usage, .flags = OG_INV_DEPS };
  slim_opts o = { .format = OG_DEPS_TABLE };
  cleanup_inventory og_inventory inv = { 0 };
  og_error *err = NULL;
  int r = og_cli_parse (&a, argc, argv, "h", opts, own_option, &o);

  if (r == OG_CLI_GO_ON)
    {
      if (o.keep_paths)
        a.flags |= OG_INV_FILES;
      if (og_cli_build_inventory (a.source, &a.sopts, a.flags, &inv, NULL, &err) < 0
          || og_slim_write (&inv, o.keep.n ? (const char *const *)o.keep.v : NULL, o.keep.n,
                            o.format, stdout, &err)
                 < 0)
        r = og_cli_fail (OG_EXIT_USAGE, err);
      else
        r = OG_EXIT_OK;
    }
  og_strv_clear (&o.keep);
  return r;
}
