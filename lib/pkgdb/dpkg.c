/* STUB: replaced by the real reader. */
#include "pkgdb.h"
#include "../util.h"

int
og_dpkg_status_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out, og_error **err)
{
  return og_error_set (err, ENOSYS, "%s: reader not implemented yet", name);
}

int
og_dpkg_statusd_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out, og_error **err)
{
  return og_error_set (err, ENOSYS, "%s: reader not implemented yet", name);
}

int
og_dpkg_list_parse (const uint8_t *data, size_t len, const char *name, og_package *pkg, og_error **err)
{
  return og_error_set (err, ENOSYS, "%s: reader not implemented yet", name);
}

int
og_dpkg_md5sums_parse (const uint8_t *data, size_t len, const char *name, og_package *pkg, og_error **err)
{
  return og_error_set (err, ENOSYS, "%s: reader not implemented yet", name);
}

