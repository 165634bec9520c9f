/* STUB: replaced by the real reader. */
#include "pkgdb.h"
#include "../util.h"

int
og_rpm_header_parse (const uint8_t *blob, size_t len, const char *name, og_package *pkg, og_error **err)
{
  return og_error_set (err, ENOSYS, "%s: reader not implemented yet", name);
}

