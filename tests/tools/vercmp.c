/* vercmp: a test-only front end to lib/version.c, for the oracle tests.
     vercmp TYPE A B     print -1, 0 or 1 (A older, same, newer than B)
     vercmp TYPE         read "A B" lines on stdin, print one result a line
     vercmp valid TYPE V print 1 when V is well formed for TYPE, else 0
   TYPE: rpm (EVR, as rpm.vercmp), rpmvercmp (one V or R segment), deb, apk.
   Not installed.  */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog/version.h"

static int
sign (int r)
{
  return r < 0 ? -1 : r > 0;
}

static int
compare (const char *type, const char *a, const char *b, int *out)
{
  if (strcmp (type, "rpm") == 0)
    *out = og_rpm_evr_cmp (a, b);
  else if (strcmp (type, "rpmvercmp") == 0)
    *out = og_rpmvercmp (a, b);
  else if (strcmp (type, "deb") == 0)
    *out = og_dpkg_vercmp (a, b);
  else if (strcmp (type, "apk") == 0)
    *out = og_apk_vercmp (a, b);
  else
    return -1;
  *out = sign (*out);
  return 0;
}

static int
batch (const char *type)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int r;

  while ((len = getline (&line, &cap, stdin)) >= 0)
    {
      char *sp;
      if (len > 0 && line[len - 1] == '\n')
        line[--len] = '\0';
      sp = strchr (line, ' ');
      if (sp == NULL)
        {
          fprintf (stderr, "vercmp: line without a space: %s\n", line);
          free (line);
          return 2;
        }
      *sp = '\0';
      if (compare (type, line, sp + 1, &r) < 0)
        {
          free (line);
          return 2;
        }
      printf ("%d\n", r);
    }
  free (line);
  return 0;
}

int
main (int argc, char **argv)
{
  int r;

  if (argc == 4 && strcmp (argv[1], "valid") == 0)
    {
      og_pkg_type t = strcmp (argv[2], "rpm") == 0   ? OG_PKG_RPM
                      : strcmp (argv[2], "deb") == 0 ? OG_PKG_DEB
                      : strcmp (argv[2], "apk") == 0 ? OG_PKG_APK
                                                     : 0;
      printf ("%d\n", og_version_valid (t, argv[3]) ? 1 : 0);
      return 0;
    }
  if (argc == 2)
    return batch (argv[1]);
  if (argc == 4 && compare (argv[1], argv[2], argv[3], &r) == 0)
    {
      printf ("%d\n", r);
      return 0;
    }
  fprintf (stderr, "usage: vercmp rpm|rpmvercmp|deb|apk [A B]\n"
                   "       vercmp valid rpm|deb|apk VERSION\n");
  return 2;
}
