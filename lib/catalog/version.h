/* Version ordering, exactly as each ecosystem's own tool orders versions.
   Each returns <0, 0, >0 like strcmp.  */
#ifndef OG_VERSION_H
#define OG_VERSION_H

#include "catalog/pkgdb/pkgdb.h"

/* rpm's rpmvercmp on one segment string (version or release), with '~' and
   '^'.  Source: rpm rpmio/rpmvercmp.c.  */
int og_rpmvercmp (const char *a, const char *b);

/* "[E:]V[-R]" strings compared as rpm compares EVRs (rpmverCmp / rpm.vercmp):
   a missing epoch is 0; a missing release is older than any release
   ("1.0" < "1.0-1", as rpm 4.18's rpm.vercmp answers).  */
int og_rpm_evr_cmp (const char *a, const char *b);

/* dpkg: "[epoch:]upstream[-revision]".  Source: dpkg lib/dpkg/version.c,
   deb-version(7).  */
int og_dpkg_vercmp (const char *a, const char *b);

/* apk: "1.2.3_rc1-r4".  Source: apk-tools src/version.c.  */
int og_apk_vercmp (const char *a, const char *b);
/* apk: what apk_version_validate accepts.  */
bool og_apk_version_valid (const char *v);

/* Dispatch by ecosystem, on og_package_evr() strings.  */
int og_version_cmp (og_pkg_type type, const char *a, const char *b);

/* Is the string a well-formed version for the ecosystem?  (For manifest lint.)  */
bool og_version_valid (og_pkg_type type, const char *v);

#endif
