/* ocigate why: what keeps a package, or the package that owns a path, in
   the image.  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/deps.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate why [OPTIONS] SOURCE PACKAGE|PATH\n\n"
              "Say why a package (or the package that owns PATH) is in a root filesystem or\n"
              "image: the installed packages that require it, and the chains of requirements\n"
              "up to the roots, shortest first: packages that nothing requires (what the\n"
              "image's author installed) or that the package manager keeps for their own\n"
              "sake (dpkg Essential: yes, Priority: required), e.g.\n"
              "  /usr/bin/chmod <- coreutils <- (essential)\n"
              "The dependencies are read from the package databases (rpm Requires and\n"
              "Provides, with file requirements; dpkg Depends and Pre-Depends, with\n"
              "alternatives and Provides; apk D: and p:), never by running a package "
              "tool.\n\n" OG_CLI_SOURCE_HELP "Options:\n"
              "  --format json|table  output format (default: table); json is ocigate.why/v1:\n"
              "                       {path, package, version, required_by, chains, essential, "
              "...}\n" OG_CLI_SOURCE_OPTIONS_HELP "  -h, --help           show this help\n\n"
              "Exit status: 0 answered (also when no package owns PATH); 2 bad usage, a\n"
              "source that cannot be read, or no such package or file in it.\n");
}

int
og_cmd_why (int argc, char **argv)
{
  static const struct option opts[] = {
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = { .verb = "why", .usage = usage, .takes_format = true, .flags = OG_INV_DEPS };
  cleanup_inventory og_inventory inv = { 0 };
  og_error *err = NULL;
  const char *what;
  int r = og_cli_parse_options (&a, argc, argv, "", opts, NULL, NULL);

  if (r != OG_CLI_GO_ON)
    return r;
  if (argc - optind != 2)
    return og_cli_usage_error ("why", "expected SOURCE and a PACKAGE or an absolute PATH");
  a.source = argv[optind];
  what = argv[optind + 1];
  if (what[0] == '/')
    a.flags |= OG_INV_FILES; /* the owner of any file, not only of executables */
  if (og_cli_build_inventory (a.source, &a.sopts, a.flags, &inv, NULL, &err) < 0
      || og_why_write (&inv, what, a.format == OG_FORMAT_JSON ? OG_DEPS_JSON : OG_DEPS_TABLE,
                       stdout, &err)
             < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return OG_EXIT_OK;
}
