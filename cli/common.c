#include "common.h"

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
