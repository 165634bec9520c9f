/* What the verbs of ocigate share (see common.h).  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "catalog/pkgdb_paths.h"

int
og_cli_fail (int code, og_error *err)
{
  fprintf (stderr, "ocigate: %s\n", err && err->msg ? err->msg : "unknown error");
  og_error_free (err);
  return code;
}

int
og_cli_usage_error (const char *verb, const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "ocigate %s: ", verb);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\nRun 'ocigate %s --help' for usage.\n", verb);
  return OG_EXIT_USAGE;
}

int
og_cli_parse_format (const char *s, og_format *out)
{
  if (strcmp (s, "json") == 0)
    *out = OG_FORMAT_JSON;
  else if (strcmp (s, "table") == 0)
    *out = OG_FORMAT_TABLE;
  else
    return -1;
  return 0;
}

bool
og_cli_source_option (int c, const char *arg, og_source_options *sopts, unsigned *flags)
{
  switch (c)
    {
    case 'x':
      *flags |= OG_INV_CROSS_MOUNTS;
      return true;
    case 'p':
      sopts->platform = arg;
      return true;
    case 'i':
      sopts->image = arg;
      return true;
    default:
      return false;
    }
}

/* The options every verb that reads a SOURCE shares.  */
static int
common_option (og_cli_args *a, int c, const char *arg)
{
  if (og_cli_source_option (c, arg, &a->sopts, &a->flags))
    return OG_CLI_GO_ON;
  if (c == 'f' && a->takes_format)
    {
      if (og_cli_parse_format (arg, &a->format) < 0)
        return og_cli_usage_error (a->verb, "--format must be json or table, not '%s'", arg);
      return OG_CLI_GO_ON;
    }
  if (c == 'h')
    {
      a->usage (stdout);
      return OG_EXIT_OK;
    }
  return og_cli_usage_error (a->verb, "unknown option");
}

int
og_cli_parse_options (og_cli_args *a, int argc, char **argv, const char *shortopts,
                      const struct option *longopts, og_cli_option_fn own, void *ctx)
{
  int c, r;

  optind = 1;
  while ((c = getopt_long (argc, argv, shortopts, longopts, NULL)) != -1)
    {
      r = own ? own (a, c, optarg, ctx) : OG_CLI_NOT_MINE;
      if (r == OG_CLI_NOT_MINE)
        r = common_option (a, c, optarg);
      if (r != OG_CLI_GO_ON)
        return r;
    }
  return OG_CLI_GO_ON;
}

int
og_cli_take_source (og_cli_args *a, int argc, char **argv)
{
  if (argc - optind != 1)
    return og_cli_usage_error (a->verb, "expected exactly one SOURCE");
  a->source = argv[optind];
  return OG_CLI_GO_ON;
}

int
og_cli_parse (og_cli_args *a, int argc, char **argv, const char *shortopts,
              const struct option *longopts, og_cli_option_fn own, void *ctx)
{
  int r = og_cli_parse_options (a, argc, argv, shortopts, longopts, own, ctx);
  return r == OG_CLI_GO_ON ? og_cli_take_source (a, argc, argv) : r;
}

/* The source layer names what it opens (the directory, the archive); what
   goes wrong while the inventory is built is about an entry, and the
   SOURCE is put in front of it.  */
int
og_cli_build_inventory (const char *spec, const og_source_options *opts, unsigned flags,
                        og_inventory *inv, og_error **err)
{
  og_source_options o = *opts;
  cleanup_source og_source *src = NULL;

  o.keep = og_pkgdb_keep; /* an image keeps what the catalog reads */
  if (og_source_open (spec, &o, &src, err) < 0)
    return -1;
  if (og_inventory_build (src, flags, inv, err) < 0)
    {
      og_error_prefix (err, "%s", spec);
      return -1;
    }
  return 0;
}

int
og_cli_write_inventory (const og_cli_args *a, og_cli_write_fn writer, const void *ctx)
{
  cleanup_inventory og_inventory inv = { 0 };
  og_error *err = NULL;

  if (og_cli_build_inventory (a->source, &a->sopts, a->flags, &inv, &err) < 0
      || writer (&inv, ctx, stdout, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return OG_EXIT_OK;
}

void
og_cli_print_diags (const char *prefix, const og_diags *d)
{
  for (size_t i = 0; i < d->n; i++)
    {
      cleanup_free char *s = og_diag_format (d, i);
      fprintf (stderr, "%s%s\n", prefix, s);
    }
}
