/* What the verbs of ocigate share (see common.h).  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"

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

int
og_cli_common_option (const char *verb, int c, const char *arg, og_source_options *sopts,
                      unsigned *flags, og_format *format, void (*usage) (FILE *))
{
  if (og_cli_source_option (c, arg, sopts, flags))
    return OG_CLI_GO_ON;
  if (c == 'f' && format)
    {
      if (og_cli_parse_format (arg, format) < 0)
        return og_cli_usage_error (verb, "--format must be json or table, not '%s'", arg);
      return OG_CLI_GO_ON;
    }
  if (c == 'h')
    {
      usage (stdout);
      return OG_EXIT_OK;
    }
  return og_cli_usage_error (verb, "unknown option");
}

const char *
og_cli_one_source (const char *verb, int argc, char **argv)
{
  if (argc - optind != 1)
    {
      og_cli_usage_error (verb, "expected exactly one SOURCE");
      return NULL;
    }
  return argv[optind];
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

  /* An image hashes executables while its layers stream: it must know now.  */
  o.sha256 = (flags & OG_INV_SHA256) != 0;
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
og_cli_write_inventory (const char *verb, int argc, char **argv, const og_source_options *sopts,
                        unsigned flags, og_cli_write_fn write, const void *ctx)
{
  cleanup_inventory og_inventory inv = { 0 };
  og_error *err = NULL;
  const char *spec = og_cli_one_source (verb, argc, argv);

  if (spec == NULL)
    return OG_EXIT_USAGE;
  if (og_cli_build_inventory (spec, sopts, flags, &inv, &err) < 0
      || write (&inv, ctx, stdout, &err) < 0)
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
