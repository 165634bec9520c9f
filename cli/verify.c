/* ocigate verify: the packaged files of a source checked against their
   package databases, as rpm -Va and dpkg --verify do.  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/output.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate verify [OPTIONS] SOURCE\n\n"
              "Check the files that packages own against the packages' own databases, in\n"
              "their own algorithms: rpm FILEDIGESTS, sizes, modes, users and groups; dpkg\n"
              "info/PKG.md5sums and the status file's Conffiles; apk Z: checksums and a:\n"
              "modes.  By default the executables that packages own are checked, with\n"
              "--all every file.  Each line names the file, its package and what differs,\n"
              "in rpm -V's columns SM5DLUGTP (S size, M mode, 5 digest, U user, G group;\n"
              "'.' matches, '?' not compared: the database records nothing, or D, L, T, P,\n"
              "which are not checked; c marks a %%config file or a conffile), or says\n"
              "missing, unverifiable (no digest to compare: the database records none,\n"
              "or an image source does not hold the file's content in the algorithm asked\n"
              "for) or unowned (an executable no package owns).\n"
              "%%ghost files are skipped, as rpm does.\n\n" OG_CLI_SOURCE_HELP "Options:\n"
              "  --all                every file that packages own, not only executables\n"
              "  --format json|table  output format (default: table); json is "
              "ocigate.verify/v1\n" OG_CLI_SOURCE_OPTIONS_HELP
              "  -h, --help           show this help\n\n"
              "Exit status: 0 nothing modified or missing; 1 a packaged file is modified or\n"
              "missing; 2 bad usage or a source that cannot be read.\n");
}

static int
own_option (og_cli_args *a, int c, const char *arg OG_UNUSED, void *ctx OG_UNUSED)
{
  if (c != 'a')
    return OG_CLI_NOT_MINE;
  a->flags |= OG_INV_VERIFY_ALL;
  return OG_CLI_GO_ON;
}

int
og_cmd_verify (int argc, char **argv)
{
  static const struct option opts[] = {
    { "all", no_argument, NULL, 'a' },
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a
      = { .verb = "verify", .usage = usage, .takes_format = true, .flags = OG_INV_VERIFY };
  cleanup_inventory og_inventory inv = { 0 };
  og_error *err = NULL;
  int r = og_cli_parse (&a, argc, argv, "", opts, own_option, NULL);

  if (r != OG_CLI_GO_ON)
    return r;
  /* An image hashes its executables while its layers stream: rpm's sha256
     digests are then compared without reading the layers again.  A
     directory is read by the verification itself, in the database's
     algorithm, on every CPU.  */
  a.sopts.digests = OG_DIGESTS_STREAMED;
  if (og_cli_build_inventory (a.source, &a.sopts, a.flags, &inv, NULL, &err) < 0
      || (a.format == OG_FORMAT_JSON ? og_verify_write_json (&inv, stdout, &err)
                                     : og_verify_write_table (&inv, stdout, &err))
             < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return inv.summary.verified_modified || inv.summary.verified_missing ? OG_EXIT_DENY : OG_EXIT_OK;
}
