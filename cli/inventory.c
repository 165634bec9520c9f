/* ocigate inventory: packages and executables of a source.  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/output.h"
#include "output/sbom.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate inventory [OPTIONS] SOURCE\n\n"
              "List the OS packages (rpm, dpkg, apk databases, read as data) and every\n"
              "executable (a regular file with an execute, setuid or setgid bit) of a root\n"
              "filesystem, with its ELF or script facts, setuid/setgid, file capabilities and\n"
              "owning package.\n\n" OG_CLI_SOURCE_HELP "Options:\n"
              "  --format json|table|spdx|cyclonedx\n"
              "                       output format (default: table); json is\n"
              "                       ocigate.inventory/v1, spdx is SPDX 2.3 JSON, cyclonedx is\n"
              "                       CycloneDX 1.6 JSON; the SBOMs take their time from\n"
              "                       SOURCE_DATE_EPOCH when it is set, and list executables\n"
              "                       as files (SPDX: only those with a sha256, see --digests)\n"
              "  --cyclonedx-version 1.6|1.5\n"
              "                       the CycloneDX specification to write (default: 1.6)\n"
              "  --digests            also compute the sha256 of every executable\n"
              "  --deps               also resolve each package's dependencies (requires,\n"
              "                       required_by, recommends, essential) against what is\n"
              "                       installed\n" OG_CLI_OUTPUT_HELP OG_CLI_SOURCE_OPTIONS_HELP
              "  -h, --help           show this help\n\n"
              "Exit status: 0 success; 2 bad usage or a source that cannot be read.\n");
}

typedef struct inventory_view
{
  og_format format;
  og_sbom_options sbom;
} inventory_view;

static int
write_inventory (const og_inventory *inv, const void *ctx, FILE *out, og_error **err)
{
  const inventory_view *v = ctx;
  switch (v->format)
    {
    case OG_FORMAT_JSON:
      return og_inventory_write_json (inv, out, err);
    case OG_FORMAT_SPDX:
      return og_inventory_write_spdx (inv, &v->sbom, out, err);
    case OG_FORMAT_CYCLONEDX:
      return og_inventory_write_cyclonedx (inv, &v->sbom, out, err);
    case OG_FORMAT_TABLE:
    case OG_FORMAT_MARKDOWN:
    default:
      return og_inventory_write_table (inv, out, err);
    }
}

static int
own_option (og_cli_args *a, int c, const char *arg, void *ctx)
{
  inventory_view *v = ctx;
  switch (c)
    {
    case 'D':
      a->flags |= OG_INV_DEPS;
      return OG_CLI_GO_ON;
    case 'C':
      if (strcmp (arg, "1.6") != 0 && strcmp (arg, "1.5") != 0)
        return og_cli_usage_error (a->verb, "--cyclonedx-version must be 1.6 or 1.5, not '%s'",
                                   arg);
      v->sbom.spec_version = arg;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

/* SOURCE_DATE_EPOCH (reproducible-builds.org/specs/source-date-epoch):
   decimal seconds; anything else is a usage error rather than a silent
   "now" that would make two runs differ.  */
static int
document_time (time_t *out)
{
  const char *s = getenv ("SOURCE_DATE_EPOCH");
  char *end;
  unsigned long long v;

  if (s == NULL || *s == '\0')
    {
      *out = time (NULL);
      return 0;
    }
  errno = 0;
  v = strtoull (s, &end, 10);
  if (errno || *end || *s < '0' || *s > '9' || v > (unsigned long long)INT64_MAX)
    return og_cli_usage_error ("inventory",
                               "SOURCE_DATE_EPOCH must be seconds since 1970, not '%s'", s);
  *out = (time_t)v;
  return 0;
}

int
og_cmd_inventory (int argc, char **argv)
{
  static const struct option opts[] = {
    OG_CLI_DIGESTS_LONGOPT,
    { "deps", no_argument, NULL, 'D' },
    { "cyclonedx-version", required_argument, NULL, 'C' },
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = {
    .verb = "inventory",
    .flags = OG_INV_LICENSES,
    .usage = usage,
    .takes_format = true,
    .formats
    = OG_FORMATS_DEFAULT | OG_FORMAT_BIT (OG_FORMAT_SPDX) | OG_FORMAT_BIT (OG_FORMAT_CYCLONEDX),
    .takes_output = true,
  };
  inventory_view v = { 0 };
  int r = og_cli_parse (&a, argc, argv, "o:", opts, own_option, &v);

  if (r != OG_CLI_GO_ON)
    return r;
  v.format = a.format;
  if ((v.format == OG_FORMAT_SPDX || v.format == OG_FORMAT_CYCLONEDX)
      && document_time (&v.sbom.created) != 0)
    return OG_EXIT_USAGE;
  return og_cli_write_inventory (&a, write_inventory, &v);
}
