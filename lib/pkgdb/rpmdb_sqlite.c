/* STUB: replaced by the real reader. */
#include "pkgdb.h"
#include "../util.h"

int
og_rpmdb_sqlite_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out, og_error **err)
{
  return og_error_set (err, ENOSYS, "%s: reader not implemented yet", name);
}

int
og_rpmdb_sqlite_foreach (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                       void *userdata, og_error **err)
{
  return og_error_set (err, ENOSYS, "%s: reader not implemented yet", name);
}
