/* Licenses as SPDX expressions: the licenses of a dpkg package from its
   machine-readable copyright file (DEP-5), and whether a license text is an
   SPDX expression made of identifiers this table knows.  */
#ifndef OG_CATALOG_LICENSE_H
#define OG_CATALOG_LICENSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The licenses that /usr/share/doc/PKG/copyright names, when it is in the
   machine-readable form (a first paragraph with a Format: field naming
   copyright-format/1.0 or dep5): every distinct License: synopsis of the
   header and the Files paragraphs, in order of first appearance, each as
   an SPDX expression (Debian's short names mapped to SPDX identifiers where
   they map, e.g. GPL-2+ -> GPL-2.0-or-later, Expat -> MIT; others as
   LicenseRef-NAME), joined with AND.  NULL when the file is not DEP-5, names
   no license, or is not readable as deb822 text (a line over 64 KiB): the
   license is then unknown, never an error.  The caller frees.  */
char *og_license_from_dep5 (const uint8_t *data, size_t len);

/* The SPDX identifier of a license name of len bytes (case as SPDX writes
   it), or NULL when the table has none: the SPDX identifiers it knows, and
   Debian's short names (GPL-2+, LGPLv2.1+, Expat, Apache-2, ...).  A
   generated identifier is written into buf.  */
const char *og_license_spdx_id (const char *name, size_t len, char buf[64]);

/* Is s an SPDX license expression (SPDX 2.3 annex D: identifiers, an
   optional trailing +, AND / OR / WITH, parentheses) whose identifiers are
   all known here or LicenseRef-?  */
bool og_license_is_spdx_expression (const char *s);

#endif
