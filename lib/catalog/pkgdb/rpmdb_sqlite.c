/* rpmdb.sqlite (rpm >= 4.16: Fedora 33+, RHEL 9, Amazon Linux 2023, Mariner).

   Source: rpm lib/backend/sqlite.c: table Packages (hnum INTEGER PRIMARY KEY
   AUTOINCREMENT, blob BLOB NOT NULL), one header blob per row; rpm walks the
   table in rowid (= hnum) order, which is the order `rpm -qa` prints.

   The bytes are never opened as a file: they are copied into an in-memory
   database with sqlite3_deserialize (read-only), with the defensive flag on,
   untrusted schemas and extension loading off.  rpm keeps the file in WAL
   mode; the in-memory VFS has no WAL, so the copy is marked as a rollback-
   journal database (header bytes 18 and 19, SQLite "Database File Format"
   section 1.3.4) before it is loaded.  Anything still in a -wal file beside
   it is not seen (rpm checkpoints it on close).  */
#include <sqlite3.h>

#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/util.h"

static void
sqlite_closep (sqlite3 **db)
{
  if (*db)
    sqlite3_close (*db);
}

static void
stmt_finalizep (sqlite3_stmt **st)
{
  if (*st)
    sqlite3_finalize (*st);
}

static int
sql_error (og_error **err, const char *name, sqlite3 *db, const char *what)
{
  return og_error_set (err, 0, "rpmdb %s: %s: %s", name, what,
                       db ? sqlite3_errmsg (db) : "out of memory");
}

/* An in-memory, read-only, defensive copy of the database.  */
static int
open_copy (const uint8_t *data, size_t len, const char *name, sqlite3 **out, og_error **err)
{
  __attribute__ ((cleanup (sqlite_closep))) sqlite3 *db = NULL;
  og_reader r;
  const uint8_t *bytes;
  unsigned char *copy;
  int rc;

  og_reader_init (&r, data, len);
  if (len < 100 || !og_reader_bytes (&r, len, &bytes))
    return og_error_set (err, 0, "rpmdb %s: SQLite file too short (%zu bytes)", name, len);
  if ((uint64_t)len > (uint64_t)INT64_MAX)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "rpmdb %s: too large", name);

  rc = sqlite3_open_v2 (":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, NULL);
  if (rc != SQLITE_OK)
    return sql_error (err, name, db, "sqlite3_open_v2");
  sqlite3_extended_result_codes (db, 1);
  if (sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL) != SQLITE_OK
      || sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL) != SQLITE_OK
      || sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, (int *)NULL) != SQLITE_OK
      || sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, (int *)NULL) != SQLITE_OK
      || sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, (int *)NULL) != SQLITE_OK)
    return sql_error (err, name, db, "sqlite3_db_config");
  /* No row can be larger than a header may be.  */
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, (int)OG_RPM_HEADER_MAX);

  copy = sqlite3_malloc64 (len);
  if (copy == NULL)
    return og_error_set (err, ENOMEM, "rpmdb %s: copying %zu bytes", name, len);
  memcpy (copy, bytes, len);
  if (copy[18] == 2 && copy[19] == 2)
    copy[18] = copy[19] = 1;
  /* With FREEONCLOSE sqlite owns the copy from here on, even on failure.  */
  rc = sqlite3_deserialize (db, "main", copy, (sqlite3_int64)len, (sqlite3_int64)len,
                            SQLITE_DESERIALIZE_FREEONCLOSE | SQLITE_DESERIALIZE_READONLY);
  if (rc != SQLITE_OK)
    return sql_error (err, name, db, "sqlite3_deserialize");
  if (sqlite3_exec (db, "PRAGMA trusted_schema=OFF; PRAGMA query_only=ON;", NULL, NULL, NULL)
      != SQLITE_OK)
    return sql_error (err, name, db, "pragma");
  *out = db;
  db = NULL;
  return 0;
}

/* Packages must be a plain table: a view or a virtual table would let the
   file choose what runs.  */
static int
check_schema (sqlite3 *db, const char *name, og_error **err)
{
  __attribute__ ((cleanup (stmt_finalizep))) sqlite3_stmt *st = NULL;
  const unsigned char *sql;
  int rc;

  rc = sqlite3_prepare_v2 (db, "SELECT type, sql FROM sqlite_master WHERE name = 'Packages'", -1,
                           &st, NULL);
  if (rc != SQLITE_OK)
    return sql_error (err, name, db, "reading the schema");
  rc = sqlite3_step (st);
  if (rc == SQLITE_DONE)
    return og_error_set (err, 0, "rpmdb %s: no Packages table", name);
  if (rc != SQLITE_ROW)
    return sql_error (err, name, db, "reading the schema");
  sql = sqlite3_column_text (st, 1);
  if (!og_str_eq ((const char *)sqlite3_column_text (st, 0), "table") || sql == NULL
      || strstr ((const char *)sql, "VIRTUAL") || strstr ((const char *)sql, "virtual"))
    return og_error_set (err, 0, "rpmdb %s: Packages is not a plain table", name);
  return 0;
}

int
og_rpmdb_sqlite_foreach (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                         void *userdata, og_error **err)
{
  __attribute__ ((cleanup (sqlite_closep))) sqlite3 *db = NULL;
  __attribute__ ((cleanup (stmt_finalizep))) sqlite3_stmt *st = NULL;
  int rc;

  if (name == NULL)
    name = "(rpmdb.sqlite)";
  if (open_copy (data, len, name, &db, err) < 0 || check_schema (db, name, err) < 0)
    return -1;
  rc = sqlite3_prepare_v2 (db, "SELECT hnum, blob FROM Packages ORDER BY hnum", -1, &st, NULL);
  if (rc != SQLITE_OK)
    return sql_error (err, name, db, "querying Packages");
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      sqlite3_int64 hnum = sqlite3_column_int64 (st, 0);
      const uint8_t *blob = sqlite3_column_blob (st, 1);
      int n = sqlite3_column_bytes (st, 1);

      if (sqlite3_column_type (st, 0) != SQLITE_INTEGER || hnum < 0 || hnum > UINT32_MAX)
        return og_error_set (err, 0, "rpmdb %s: row with a bad hnum", name);
      if (n < 0 || (blob == NULL && n > 0))
        return sql_error (err, name, db, "reading a blob");
      if (fn (blob, (size_t)n, (uint32_t)hnum, userdata, err) < 0)
        return -1;
    }
  if (rc != SQLITE_DONE)
    return sql_error (err, name, db, "reading Packages");
  return 0;
}
