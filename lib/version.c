/* STUB: replaced by the real comparison. */
#include "version.h"
#include <string.h>

int
og_rpmvercmp (const char *a, const char *b)
{
  return strcmp (a, b);
}

int
og_rpm_evr_cmp (const char *a, const char *b)
{
  return strcmp (a, b);
}

int
og_dpkg_vercmp (const char *a, const char *b)
{
  return strcmp (a, b);
}

int
og_apk_vercmp (const char *a, const char *b)
{
  return strcmp (a, b);
}

int
og_version_cmp (og_pkg_type type, const char *a, const char *b)
{
  return strcmp (a, b);
}

bool
og_version_valid (og_pkg_type type, const char *v)
{
  return v && *v;
}
