/* Package URLs of inventory packages.  */
#ifndef OG_CATALOG_PURL_H
#define OG_CATALOG_PURL_H

#include "catalog/osrelease.h"
#include "catalog/pkgdb/pkgdb.h"

/* The purl of a package (purl spec, types rpm/deb/apk), with the OS as
   namespace; the caller frees.  */
char *og_package_purl (const og_package *p, const og_osrelease *os);

#endif
