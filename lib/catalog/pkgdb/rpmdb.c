/* rpm package databases: recognise the backend by content and parse every
   header blob it holds.

   Sources for the magic numbers: SQLite "Database File Format" (the 16-byte
   header string); rpm lib/backend/ndb/rpmpkg.c (PKGDB_MAGIC 'RpmP' at the
   start of the first page); Berkeley DB db_page.h / hash.h (DB_HASHMAGIC
   0x061561 at offset 12, in the byte order of the file).  */
#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/util.h"

og_rpmdb_backend
og_rpmdb_detect (const uint8_t *data, size_t len)
{
  static const char sqlite_magic[16] = "SQLite format 3";
  og_reader r;
  const uint8_t *p;
  uint32_t v;

  og_reader_init (&r, data, len);
  if (og_reader_bytes (&r, sizeof sqlite_magic, &p) && memcmp (p, sqlite_magic, 16) == 0)
    return OG_RPMDB_SQLITE;
  if (og_reader_seek (&r, 0) && og_reader_bytes (&r, 4, &p) && memcmp (p, "RpmP", 4) == 0)
    return OG_RPMDB_NDB;
  if (og_reader_u32_at (&r, 12, false, &v) && v == 0x00061561u)
    return OG_RPMDB_BDB;
  if (og_reader_u32_at (&r, 12, true, &v) && v == 0x00061561u)
    return OG_RPMDB_BDB;
  return OG_RPMDB_UNKNOWN;
}

const char *
og_rpmdb_backend_name (og_rpmdb_backend b)
{
  switch (b)
    {
    case OG_RPMDB_SQLITE:
      return "sqlite";
    case OG_RPMDB_NDB:
      return "ndb";
    case OG_RPMDB_BDB:
      return "bdb";
    case OG_RPMDB_UNKNOWN:
    default:
      return "unknown";
    }
}

struct parse_ctx
{
  const char *name;
  og_pkglist *out;
};

/* Parse one blob into a new package at the end of the list; on error the
   package is dropped again.  */
static int
parse_blob (const uint8_t *blob, size_t len, uint32_t recno, void *userdata, og_error **err)
{
  struct parse_ctx *ctx = userdata;
  cleanup_free char *what = og_xasprintf ("rpmdb %s: record %u", ctx->name, recno);
  og_package *pkg = og_pkglist_add (ctx->out);

  if (og_rpm_header_parse_ex (blob, len, what,
                              (ctx->out->with_deps ? OG_RPM_PARSE_DEPS : 0u)
                                  | (ctx->out->with_verify ? OG_RPM_PARSE_VERIFY : 0u),
                              pkg, err)
      < 0)
    {
      ctx->out->n--;
      return -1;
    }
  return 0;
}

typedef int (*foreach_fn) (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                           void *userdata, og_error **err);

/* Every blob of one backend into packages: all or nothing, since a
   half-read database is not an inventory.  */
static int
read_all (foreach_fn foreach, const uint8_t *data, size_t len, const char *name, og_pkglist *out,
          og_error **err)
{
  struct parse_ctx ctx = { .name = name ? name : "(rpmdb)", .out = out };
  size_t before = out->n;

  if (foreach (data, len, ctx.name, parse_blob, &ctx, err) < 0)
    {
      og_pkglist_truncate (out, before);
      return -1;
    }
  return 0;
}

int
og_rpmdb_sqlite_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                      og_error **err)
{
  return read_all (og_rpmdb_sqlite_foreach, data, len, name, out, err);
}

int
og_rpmdb_bdb_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                   og_error **err)
{
  return read_all (og_rpmdb_bdb_foreach, data, len, name, out, err);
}

int
og_rpmdb_ndb_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                   og_error **err)
{
  return read_all (og_rpmdb_ndb_foreach, data, len, name, out, err);
}

int
og_rpmdb_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out, og_error **err)
{
  switch (og_rpmdb_detect (data, len))
    {
    case OG_RPMDB_SQLITE:
      return og_rpmdb_sqlite_read (data, len, name, out, err);
    case OG_RPMDB_NDB:
      return og_rpmdb_ndb_read (data, len, name, out, err);
    case OG_RPMDB_BDB:
      return og_rpmdb_bdb_read (data, len, name, out, err);
    case OG_RPMDB_UNKNOWN:
    default:
      return og_error_set (err, 0,
                           "rpmdb %s: not an rpm database (no SQLite, NDB or Berkeley DB "
                           "hash magic)",
                           name ? name : "(rpmdb)");
    }
}
