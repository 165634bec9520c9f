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

int
og_cli_build_inventory (const char *spec, const og_source_options *opts, unsigned flags,
                        og_inventory *inv, og_error **err)
{
  og_source_options o = *opts;
  og_source *src = NULL;
  int ret;

  o.keep = og_pkgdb_keep; /* an image keeps what the catalog reads */
  if (og_source_open (spec, &o, &src, err) < 0)
    return -1;
  ret = og_inventory_build (src, flags, inv, err);
  if (ret < 0 && err && *err && strstr ((*err)->msg, spec) == NULL)
    og_error_prefix (err, "%s", spec);
  og_source_free (src);
  return ret;
}
