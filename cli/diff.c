/* ocigate diff: what differs between two sources (packages, executables or
   every file), as a table, markdown or ocigate.diff/v1 JSON.  */
#include <getopt.h>
#include <libgen.h>

#include "common.h"
#include "catalog/build.h"
#include "output/diff.h"
#include "policy/diff.h"

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: ocigate diff [OPTIONS] SOURCE_A SOURCE_B\n\n"
           "Compare two root filesystems or images (any kind on either side: a directory\n"
           "against a docker-archive, two OCI layouts, ...).  By default one row per\n"
           "package that is only on one side or has another version on the other\n"
           "(`Package | A | B`, the missing side \"Not Installed\"), versions as the\n"
           "ecosystem writes them, then a summary line.\n\n" OG_CLI_SOURCE_HELP "Options:\n"
           "  --what packages|executables|files\n"
           "                       what to compare (default: packages); executables\n"
           "                       compares mode, owner, setuid/setgid, capabilities,\n"
           "                       owning package, kind, size and (with --digests) sha256;\n"
           "                       files compares every path's type, mode, owner, size and\n"
           "                       link target\n"
           "  --ignore-versions    leave out packages that only differ in version\n"
           "  --format table|json|markdown\n"
           "                       output format (default: table); json is ocigate.diff/v1\n"
           "  --label-a NAME, --label-b NAME\n"
           "                       names of the two sides (default: the image's first tag,\n"
           "                       else the file or directory name)\n"
           "  --digests            also compute the sha256 of every executable\n" OG_CLI_OUTPUT_HELP
               OG_CLI_SOURCE_OPTIONS_HELP "  -h, --help           show this help\n\n"
           "Exit status (as diff(1)): 0 no differences; 1 differences; 2 bad usage or a\n"
           "source that cannot be read.\n");
}

typedef struct diff_opts
{
  og_diff_what what;
  bool ignore_versions;
  const char *label[2];
} diff_opts;

static int
own_option (og_cli_args *a, int c, const char *arg, void *ctx)
{
  diff_opts *o = ctx;
  switch (c)
    {
    case 'w':
      if (og_diff_what_parse (arg, &o->what) < 0)
        return og_cli_usage_error (a->verb,
                                   "--what must be packages, executables or files, not '%s'", arg);
      return OG_CLI_GO_ON;
    case 'I':
      o->ignore_versions = true;
      return OG_CLI_GO_ON;
    case 'A':
      o->label[0] = arg;
      return OG_CLI_GO_ON;
    case 'B':
      o->label[1] = arg;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

/* An image's first tag, else the last component of the path as given.  */
static char *
default_label (const og_inventory *inv, const char *spec)
{
  cleanup_free char *copy = NULL;
  size_t n;

  if (inv->source.n_tags > 0)
    return og_xstrdup (inv->source.tags[0]);
  copy = og_xstrdup (inv->source.path ? inv->source.path : spec);
  n = strlen (copy);
  while (n > 1 && copy[n - 1] == '/')
    copy[--n] = '\0';
  return og_xstrdup (basename (copy));
}

typedef struct diff_doc
{
  const og_diff *d;
  og_format format;
  const char *label[2];
} diff_doc;

static int
emit_diff (const void *ctx, FILE *out, og_error **err)
{
  const diff_doc *doc = ctx;
  switch (doc->format)
    {
    case OG_FORMAT_JSON:
      return og_diff_write_json (doc->d, doc->label[0], doc->label[1], out, err);
    case OG_FORMAT_MARKDOWN:
      return og_diff_write_markdown (doc->d, doc->label[0], doc->label[1], out, err);
    case OG_FORMAT_TABLE:
    case OG_FORMAT_SPDX:
    case OG_FORMAT_CYCLONEDX:
    default:
      return og_diff_write_table (doc->d, doc->label[0], doc->label[1], out, err);
    }
}

static int
run_diff (const og_cli_args *a, const diff_opts *o, const char *spec_a, const char *spec_b)
{
  cleanup_inventory og_inventory inv_a = { 0 };
  cleanup_inventory og_inventory inv_b = { 0 };
  cleanup_diff og_diff d = { 0 };
  cleanup_free char *la = NULL;
  cleanup_free char *lb = NULL;
  unsigned flags = a->flags;
  og_error *err = NULL;
  diff_doc doc;

  if (o->what == OG_DIFF_FILES)
    flags |= OG_INV_FILES;
  else if (o->what == OG_DIFF_EXECUTABLES)
    flags &= ~(unsigned)OG_INV_FILES;
  if (og_cli_build_inventory (spec_a, &a->sopts, flags, &inv_a, NULL, &err) < 0
      || og_cli_build_inventory (spec_b, &a->sopts, flags, &inv_b, NULL, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  la = o->label[0] ? og_xstrdup (o->label[0]) : default_label (&inv_a, spec_a);
  lb = o->label[1] ? og_xstrdup (o->label[1]) : default_label (&inv_b, spec_b);
  if (strcmp (la, lb) == 0 && !(o->label[0] && o->label[1]))
    {
      /* Two sides called alike ("rootfs" and "rootfs") say nothing: name them
         as given.  */
      free (la), free (lb);
      la = og_xstrdup (spec_a), lb = og_xstrdup (spec_b);
    }
  if (og_diff_compute (&inv_a, &inv_b, o->what, o->ignore_versions, &d, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  doc = (diff_doc){ .d = &d, .format = a->format, .label = { la, lb } };
  if (og_cli_emit (a->output, emit_diff, &doc, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return og_diff_count (&d) ? 1 : OG_EXIT_OK;
}

int
og_cmd_diff (int argc, char **argv)
{
  static const struct option opts[] = {
    { "what", required_argument, NULL, 'w' },
    { "ignore-versions", no_argument, NULL, 'I' },
    { "label-a", required_argument, NULL, 'A' },
    { "label-b", required_argument, NULL, 'B' },
    OG_CLI_DIGESTS_LONGOPT,
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = {
    .verb = "diff",
    .usage = usage,
    .takes_format = true,
    .formats = OG_FORMATS_DEFAULT | OG_FORMAT_BIT (OG_FORMAT_MARKDOWN),
    .takes_output = true,
  };
  diff_opts o = { .what = OG_DIFF_PACKAGES };
  int r = og_cli_parse_options (&a, argc, argv, "o:", opts, own_option, &o);

  if (r != OG_CLI_GO_ON)
    return r;
  if (argc - optind != 2)
    return og_cli_usage_error (a.verb, "expected two sources, SOURCE_A and SOURCE_B");
  return run_diff (&a, &o, argv[optind], argv[optind + 1]);
}
