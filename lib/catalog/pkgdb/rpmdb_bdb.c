/* rpm's Berkeley DB `Packages` database (RHEL/CentOS 7-8, UBI 8, Amazon
   Linux 2), read without libdb: a read-only walk of the Berkeley DB *hash*
   access method, as rpm's own read-only backend does it.

   Sources: rpm lib/backend/bdb_ro.c (the layout rpm relies on and its
   iteration order: bucket 0..max_bucket, each bucket's page chain in
   next_pgno order); Berkeley DB's dbinc/db_page.h and dbinc/hash.h as
   described by go-rpmdb (knqyf263/go-rpmdb pkg/bdb/: hash metadata page,
   page header, H_KEYDATA / H_OFFPAGE items, overflow pages).  No code was
   taken from either.

   Layout (all integers in the file's byte order, told by the magic):
     page 0, the hash metadata page:
       12 magic 0x00061561   16 version (8..10)   20 pagesize
       24 encrypt_alg  25 page type (8, P_HASHMETA)
       32 last_pgno    72 max_bucket  76 high_mask  80 low_mask
       96 spares[32]   (bucket b lives on page b + spares[ceil(log2(b+1))])
     every other page starts with a 26-byte header:
        8 pgno  12 prev_pgno  16 next_pgno  20 entries (u16)
       22 hf_offset (u16; on overflow pages: bytes of data on the page)
       25 type (2 P_HASH_UNSORTED, 13 P_HASH, 7 P_OVERFLOW)
     hash pages: entries u16 offsets at 26, in (key, data) pairs; items are
       packed downwards from the end of the page, so an item ends where the
       previous one starts.  Item byte 0 is its type: 1 H_KEYDATA (the bytes
       follow), 3 H_OFFPAGE (pgno at +4, total length at +8: the data is on a
       chain of overflow pages), 2 H_DUPLICATE and 4 H_OFFDUP (not used by
       rpm, refused here).
   Keys are 4-byte instance numbers; key 0 holds rpm's next-instance counter
   and is not a package.

   Every page number, offset, length and chain is checked against the file;
   chains are bounded by the number of pages (a page is visited at most once
   per chain), so a hostile file gives an error, never a loop.  */
#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/util.h"

#define BDB_HASH_MAGIC    0x00061561u
#define BDB_PAGE_HDR      26u
#define BDB_P_HASH_UNSORT 2
#define BDB_P_OVERFLOW    7
#define BDB_P_HASHMETA    8
#define BDB_P_HASH        13
#define BDB_H_KEYDATA     1
#define BDB_H_DUPLICATE   2
#define BDB_H_OFFPAGE     3
#define BDB_H_OFFDUP      4
#define BDB_NSPARES       32

typedef struct bdb
{
  const char *name;
  og_reader file;
  bool be;
  uint32_t pagesize;
  uint32_t last_pgno;
  uint32_t file_pages; /* whole pages in the file */
  uint32_t max_bucket;
  uint32_t spares[BDB_NSPARES];
  uint8_t *seen_hash;  /* hash pages already walked (each belongs to one chain) */
  uint32_t *seen_ovfl; /* overflow pages: stamp of the last chain that used them */
  uint32_t ovfl_stamp;
  uint8_t *buf; /* reassembled overflow item */
  size_t buf_cap;
} bdb;

typedef struct bdb_page
{
  og_reader r; /* the whole page */
  uint32_t pgno;
  uint32_t next_pgno;
  uint16_t entries;
  uint16_t hf_offset;
  uint8_t type;
} bdb_page;

static void
bdb_free (bdb *db)
{
  free (db->seen_hash);
  free (db->seen_ovfl);
  free (db->buf);
}

static int
bdb_open (bdb *db, const uint8_t *data, size_t len, const char *name, og_error **err)
{
  og_reader *f = &db->file;
  uint32_t magic, version, i;
  uint8_t encrypt, type;

  memset (db, 0, sizeof *db);
  db->name = name;
  og_reader_init (f, data, len);
  if (!og_reader_u32_at (f, 12, false, &magic))
    return og_error_set (err, 0, "%s: too short for a Berkeley DB file (%zu bytes)", name, len);
  if (magic == BDB_HASH_MAGIC)
    db->be = false;
  else if (magic == __builtin_bswap32 (BDB_HASH_MAGIC))
    db->be = true;
  else
    return og_error_set (err, 0, "%s: not a Berkeley DB hash database (magic 0x%08x)", name, magic);
  if (!og_reader_u32_at (f, 16, db->be, &version)
      || !og_reader_u32_at (f, 20, db->be, &db->pagesize)
      || !og_reader_u32_at (f, 32, db->be, &db->last_pgno)
      || !og_reader_u32_at (f, 72, db->be, &db->max_bucket) || f->len < 96 + 4 * BDB_NSPARES)
    return og_error_set (err, 0, "%s: Berkeley DB metadata page truncated", name);
  encrypt = f->data[24];
  type = f->data[25];
  for (i = 0; i < BDB_NSPARES; i++)
    og_reader_u32_at (f, 96 + 4 * i, db->be, &db->spares[i]);

  if (version < 8 || version > 10)
    return og_error_set (err, 0, "%s: unsupported Berkeley DB hash version %u", name, version);
  if (type != BDB_P_HASHMETA)
    return og_error_set (err, 0, "%s: Berkeley DB page 0 has type %u, not hash metadata", name,
                         type);
  if (encrypt != 0)
    return og_error_set (err, 0, "%s: encrypted Berkeley DB databases are not supported", name);
  if (db->pagesize < 512 || db->pagesize > 65536 || (db->pagesize & (db->pagesize - 1)) != 0)
    return og_error_set (err, 0, "%s: Berkeley DB page size %u is not a power of two in 512..65536",
                         name, db->pagesize);
  if (len / db->pagesize > UINT32_MAX)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s: file too large (%zu bytes)", name, len);
  db->file_pages = (uint32_t)(len / db->pagesize);
  if (db->file_pages == 0)
    return og_error_set (err, 0, "%s: Berkeley DB metadata page truncated", name);
  /* Each bucket needs a page of its own.  */
  if (db->max_bucket >= db->file_pages)
    return og_error_set (err, 0, "%s: Berkeley DB max_bucket %u but the file holds %u pages", name,
                         db->max_bucket, db->file_pages);

  db->seen_hash = og_xcalloc (db->file_pages, 1);
  db->seen_ovfl = og_xcalloc (db->file_pages, sizeof *db->seen_ovfl);
  return 0;
}

/* Fetch page pgno and check that it is in the file and says it is pgno.  */
static int
bdb_get_page (bdb *db, uint32_t pgno, bdb_page *pg, og_error **err)
{
  if (pgno == 0 || pgno > db->last_pgno)
    return og_error_set (err, 0, "%s: Berkeley DB page %u out of range (last page %u)", db->name,
                         pgno, db->last_pgno);
  if (pgno >= db->file_pages)
    return og_error_set (
        err, 0, "%s: Berkeley DB page %u is past the end of the file (%u pages): truncated?",
        db->name, pgno, db->file_pages);
  if (!og_reader_sub (&db->file, (uint64_t)pgno * db->pagesize, db->pagesize, &pg->r))
    return og_error_set (err, 0, "%s: Berkeley DB page %u past the end of the file", db->name,
                         pgno);
  /* The page is at least 512 bytes, so the header reads cannot fail.  */
  og_reader_u32_at (&pg->r, 8, db->be, &pg->pgno);
  og_reader_u32_at (&pg->r, 16, db->be, &pg->next_pgno);
  og_reader_u16_at (&pg->r, 20, db->be, &pg->entries);
  og_reader_u16_at (&pg->r, 22, db->be, &pg->hf_offset);
  pg->type = pg->r.data[25];
  if (pg->pgno != pgno)
    return og_error_set (err, 0, "%s: Berkeley DB page %u says it is page %u", db->name, pgno,
                         pg->pgno);
  return 0;
}

/* Reassemble an off-page item of tlen bytes starting at overflow page pgno
   into db->buf.  */
static int
bdb_read_overflow (bdb *db, uint32_t from, uint32_t pgno, uint32_t tlen, og_error **err)
{
  size_t have = 0;
  uint32_t stamp;

  if (tlen == 0 || tlen > OG_RPM_HEADER_MAX || tlen > db->file.len)
    return og_error_set (err, 0, "%s: Berkeley DB page %u: off-page item of %u bytes", db->name,
                         from, tlen);
  if (tlen > db->buf_cap)
    {
      free (db->buf);
      db->buf = og_xmalloc (tlen);
      db->buf_cap = tlen;
    }
  stamp = ++db->ovfl_stamp;
  while (have < tlen)
    {
      bdb_page pg;
      const uint8_t *p;

      if (pgno == 0)
        return og_error_set (err, 0,
                             "%s: Berkeley DB page %u: overflow chain ends after %zu of %u bytes",
                             db->name, from, have, tlen);
      if (bdb_get_page (db, pgno, &pg, err) < 0)
        return -1;
      if (db->seen_ovfl[pgno] == stamp)
        return og_error_set (err, 0, "%s: Berkeley DB page %u: overflow chain loops at page %u",
                             db->name, from, pgno);
      db->seen_ovfl[pgno] = stamp;
      if (pg.type != BDB_P_OVERFLOW)
        return og_error_set (err, 0,
                             "%s: Berkeley DB page %u: overflow chain reaches page %u of type %u",
                             db->name, from, pgno, pg.type);
      if (pg.hf_offset == 0 || pg.hf_offset > tlen - have || !og_reader_seek (&pg.r, BDB_PAGE_HDR)
          || !og_reader_bytes (&pg.r, pg.hf_offset, &p))
        return og_error_set (err, 0,
                             "%s: Berkeley DB overflow page %u: %u bytes of data do not fit "
                             "(page %u bytes, %zu of %u bytes still due)",
                             db->name, pgno, pg.hf_offset, db->pagesize, tlen - have, tlen);
      memcpy (db->buf + have, p, pg.hf_offset);
      have += pg.hf_offset;
      pgno = pg.next_pgno;
    }
  return 0;
}

/* Item idx of a hash page: its bytes (type byte first) in [*off, *off + *len).
   Items are packed downwards, so item idx ends where item idx - 1 starts
   (item 0 at the end of the page); items before idx were checked already.  */
static int
bdb_item (bdb *db, const bdb_page *pg, uint32_t idx, uint32_t *off, uint32_t *len, og_error **err)
{
  uint16_t o, prev;
  uint32_t end = db->pagesize;
  uint32_t min = BDB_PAGE_HDR + 2u * pg->entries;

  if (!og_reader_u16_at (&pg->r, BDB_PAGE_HDR + 2u * idx, db->be, &o)
      || (idx > 0 && !og_reader_u16_at (&pg->r, BDB_PAGE_HDR + 2u * (idx - 1), db->be, &prev)))
    return og_error_set (err, 0, "%s: Berkeley DB page %u: item table past the page", db->name,
                         pg->pgno);
  if (idx > 0)
    end = prev;
  if (o < min || o >= end || end > db->pagesize)
    return og_error_set (err, 0,
                         "%s: Berkeley DB page %u: item %u at offset %u is outside the page or "
                         "overlaps item %u",
                         db->name, pg->pgno, idx, o, idx - 1);
  *off = o;
  *len = end - o;
  return 0;
}

static int
bdb_walk_page (bdb *db, const bdb_page *pg, og_rpm_blob_fn fn, void *userdata, og_error **err)
{
  uint32_t i;

  if ((uint64_t)BDB_PAGE_HDR + 2 * (uint64_t)pg->entries > db->pagesize || pg->entries % 2 != 0)
    return og_error_set (err, 0, "%s: Berkeley DB page %u: %u entries do not fit or do not pair",
                         db->name, pg->pgno, pg->entries);
  for (i = 0; i < pg->entries; i += 2)
    {
      uint32_t koff, klen, voff, vlen, recno = 0, ovpgno = 0, tlen = 0;
      uint8_t ktype, vtype = 0;
      const uint8_t *blob = NULL;
      size_t bloblen = 0;
      og_reader item;

      if (bdb_item (db, pg, i, &koff, &klen, err) < 0
          || bdb_item (db, pg, i + 1u, &voff, &vlen, err) < 0)
        return -1;
      ktype = pg->r.data[koff];
      if (ktype != BDB_H_KEYDATA || klen != 5)
        return og_error_set (err, 0,
                             "%s: Berkeley DB page %u: item %u is not a 4-byte instance number "
                             "(type %u, %u bytes)",
                             db->name, pg->pgno, i, ktype, klen);
      /* bdb_item checked that both items lie within the page.  */
      if (!og_reader_u32_at (&pg->r, koff + 1u, db->be, &recno)
          || !og_reader_sub (&pg->r, voff, vlen, &item) || !og_reader_u8 (&item, &vtype))
        return og_error_set (err, 0, "%s: Berkeley DB page %u: item %u past the page", db->name,
                             pg->pgno, i);
      switch (vtype)
        {
        case BDB_H_KEYDATA:
          bloblen = og_reader_remaining (&item);
          og_reader_bytes (&item, bloblen, &blob);
          break;
        case BDB_H_OFFPAGE:
          if (vlen != 12)
            return og_error_set (err, 0,
                                 "%s: Berkeley DB page %u: off-page item %u has %u bytes, not 12",
                                 db->name, pg->pgno, i + 1, vlen);
          og_reader_u32_at (&item, 4, db->be, &ovpgno);
          og_reader_u32_at (&item, 8, db->be, &tlen);
          if (recno == 0)
            continue; /* the counter: not a package, and never off-page anyway */
          if (bdb_read_overflow (db, pg->pgno, ovpgno, tlen, err) < 0)
            return -1;
          blob = db->buf;
          bloblen = tlen;
          break;
        case BDB_H_DUPLICATE:
        case BDB_H_OFFDUP:
          return og_error_set (err, 0,
                               "%s: Berkeley DB page %u: record %u has duplicate data items, "
                               "which rpm never writes",
                               db->name, pg->pgno, recno);
        default:
          return og_error_set (err, 0, "%s: Berkeley DB page %u: item %u has unknown type %u",
                               db->name, pg->pgno, i + 1, vtype);
        }
      if (recno == 0)
        continue;
      if (fn (blob, bloblen, recno, userdata, err) < 0)
        return -1;
    }
  return 0;
}

/* Page of bucket b: b + spares[ceil(log2(b + 1))] (Berkeley DB BS_TO_PAGE).  */
static uint64_t
bdb_bucket_page (const bdb *db, uint32_t bucket)
{
  unsigned int bits = 0;
  uint32_t b;

  for (b = bucket; b; b >>= 1)
    bits++;
  return (uint64_t)bucket + db->spares[bits];
}

int
og_rpmdb_bdb_foreach (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                      void *userdata, og_error **err)
{
  bdb db;
  uint64_t bucket;
  int ret = 0;

  if (bdb_open (&db, data, len, name, err) < 0)
    {
      bdb_free (&db);
      return -1;
    }
  for (bucket = 0; bucket <= db.max_bucket && ret == 0; bucket++)
    {
      uint64_t pgno = bdb_bucket_page (&db, (uint32_t)bucket);

      if (pgno > UINT32_MAX)
        {
          ret = og_error_set (err, 0, "%s: Berkeley DB bucket %u maps to page %llu", name,
                              (uint32_t)bucket, (unsigned long long)pgno);
          break;
        }
      while (pgno != 0)
        {
          bdb_page pg;

          if (bdb_get_page (&db, (uint32_t)pgno, &pg, err) < 0)
            {
              ret = -1;
              break;
            }
          if (db.seen_hash[pgno])
            {
              ret = og_error_set (err, 0,
                                  "%s: Berkeley DB page %u is reached twice (page chain of "
                                  "bucket %u loops or crosses another)",
                                  name, (uint32_t)pgno, (uint32_t)bucket);
              break;
            }
          db.seen_hash[pgno] = 1;
          if (pg.type != BDB_P_HASH && pg.type != BDB_P_HASH_UNSORT)
            {
              ret = og_error_set (err, 0,
                                  "%s: Berkeley DB page %u of bucket %u has type %u, not a hash "
                                  "page",
                                  name, (uint32_t)pgno, (uint32_t)bucket, pg.type);
              break;
            }
          if (bdb_walk_page (&db, &pg, fn, userdata, err) < 0)
            {
              ret = -1;
              break;
            }
          pgno = pg.next_pgno;
        }
    }
  bdb_free (&db);
  return ret;
}
