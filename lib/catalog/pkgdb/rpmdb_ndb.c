/* SUSE's rpm NDB database `Packages.db` (SLES/openSUSE 15 and later), read
   only.

   Source: rpm lib/backend/ndb/rpmpkg.c (rpmpkgReadHeader, rpmpkgReadSlots,
   rpmpkgReadBlob, rpmpkgList) and lib/backend/ndb/glue.c (ndb_pkgdbIter);
   go-rpmdb (knqyf263/go-rpmdb pkg/ndb/) read as a second description.  No
   code was taken from either.

   Layout (all integers little-endian):
     0   header, 32 bytes: 'RpmP' magic, version 0, generation, slotnpages,
         nextpkgidx
     32  slots of 16 bytes filling slotnpages pages of 4096 bytes:
         {'Slot', pkgidx, blkoff, blkcnt}; blkoff 0 marks a free slot
     blobs at blkoff * 16, blkcnt blocks of 16 bytes:
         head {'BlbS', pkgidx, timestamp, bloblen}, the header blob, zero
         padding, tail {adler32, bloblen, 'BlbE'} in the last 12 bytes; the
         adler32 covers everything from the head to the tail.
   rpm lists packages in ascending blkoff order (rpmpkgList sorts the slots by
   blkoff), so that is the order here.  rpm checks the adler32 only when it
   verifies a blob, not when it reads one; this reader always checks it.  */
#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/util.h"

#define NDB_MAGIC       0x506d7052u /* 'RpmP' */
#define NDB_SLOT_MAGIC  0x746f6c53u /* 'Slot' */
#define NDB_BLOBS_MAGIC 0x53626c42u /* 'BlbS' */
#define NDB_BLOBE_MAGIC 0x45626c42u /* 'BlbE' */
#define NDB_HEADER_SIZE 32u
#define NDB_SLOT_SIZE   16u
#define NDB_BLK_SIZE    16u
#define NDB_PAGE_SIZE   4096u
#define NDB_BLOBHEAD    16u
#define NDB_BLOBTAIL    12u

typedef struct ndb_slot
{
  uint32_t pkgidx;
  uint32_t blkoff;
  uint32_t blkcnt;
} ndb_slot;

/* Adler-32 as RFC 1950 defines it.  */
static uint32_t
ndb_adler32 (const uint8_t *p, size_t n)
{
  uint32_t s1 = 1, s2 = 0;

  while (n > 0)
    {
      size_t chunk = n > 5552 ? 5552 : n; /* no overflow of s2 before the modulo */
      n -= chunk;
      while (chunk--)
        {
          s1 += *p++;
          s2 += s1;
        }
      s1 %= 65521;
      s2 %= 65521;
    }
  return (s2 << 16) | s1;
}

static int
ndb_cmp_blkoff (const void *a, const void *b)
{
  const ndb_slot *x = a, *y = b;
  return x->blkoff < y->blkoff ? -1 : x->blkoff > y->blkoff;
}

static int
ndb_cmp_pkgidx (const void *a, const void *b)
{
  const ndb_slot *x = a, *y = b;
  return x->pkgidx < y->pkgidx ? -1 : x->pkgidx > y->pkgidx;
}

/* Read every used slot; *slots is sorted by blkoff and checked for overlaps
   and repeated package indexes.  */
static int
ndb_read_slots (const og_reader *f, const char *name, ndb_slot **slots, size_t *n, og_error **err)
{
  uint32_t magic, version, generation, slotnpages;
  uint64_t fileblks = f->len / NDB_BLK_SIZE, minblkoff, off, end;
  cleanup_free ndb_slot *s = NULL;
  cleanup_free ndb_slot *byidx = NULL;
  size_t used = 0, cap = 0, i;

  if (!og_reader_u32_at (f, 0, false, &magic) || !og_reader_u32_at (f, 4, false, &version)
      || !og_reader_u32_at (f, 8, false, &generation)
      || !og_reader_u32_at (f, 12, false, &slotnpages))
    return og_error_set (err, 0, "%s: too short for an rpm NDB database (%zu bytes)", name, f->len);
  if (magic != NDB_MAGIC)
    return og_error_set (err, 0, "%s: not an rpm NDB database (magic 0x%08x)", name, magic);
  if (version != 0)
    return og_error_set (err, 0, "%s: unsupported NDB version %u", name, version);
  if (f->len % NDB_BLK_SIZE != 0)
    return og_error_set (err, 0, "%s: NDB file size %zu is not a multiple of %u: truncated?", name,
                         f->len, NDB_BLK_SIZE);
  end = (uint64_t)slotnpages * NDB_PAGE_SIZE;
  if (slotnpages == 0 || end > f->len)
    return og_error_set (err, 0, "%s: NDB header claims %u slot pages but the file has %zu bytes",
                         name, slotnpages, f->len);
  minblkoff = end / NDB_BLK_SIZE;

  for (off = NDB_HEADER_SIZE; off < end; off += NDB_SLOT_SIZE)
    {
      uint32_t smagic, pkgidx, blkoff, blkcnt;

      og_reader_u32_at (f, off, false, &smagic);
      og_reader_u32_at (f, off + 4, false, &pkgidx);
      og_reader_u32_at (f, off + 8, false, &blkoff);
      og_reader_u32_at (f, off + 12, false, &blkcnt);
      if (smagic != NDB_SLOT_MAGIC)
        return og_error_set (err, 0, "%s: NDB slot %llu (offset %llu) has a bad magic", name,
                             (unsigned long long)(off / NDB_SLOT_SIZE), (unsigned long long)off);
      if (blkoff == 0)
        continue; /* free slot */
      if (pkgidx == 0 || blkcnt == 0 || blkoff < minblkoff || (uint64_t)blkoff + blkcnt > fileblks)
        return og_error_set (err, 0,
                             "%s: NDB slot %llu: package %u at block %u + %u blocks is outside "
                             "the blob area (blocks %llu..%llu)",
                             name, (unsigned long long)(off / NDB_SLOT_SIZE), pkgidx, blkoff,
                             blkcnt, (unsigned long long)minblkoff, (unsigned long long)fileblks);
      og_grow (&s, &cap, used + 1, sizeof *s);
      s[used].pkgidx = pkgidx;
      s[used].blkoff = blkoff;
      s[used].blkcnt = blkcnt;
      used++;
    }

  if (used > 1)
    {
      qsort (s, used, sizeof *s, ndb_cmp_blkoff);
      for (i = 1; i < used; i++)
        if ((uint64_t)s[i - 1].blkoff + s[i - 1].blkcnt > s[i].blkoff)
          return og_error_set (err, 0, "%s: NDB blobs of packages %u and %u overlap", name,
                               s[i - 1].pkgidx, s[i].pkgidx);
      byidx = og_xreallocarray (NULL, used, sizeof *byidx);
      memcpy (byidx, s, used * sizeof *byidx);
      qsort (byidx, used, sizeof *byidx, ndb_cmp_pkgidx);
      for (i = 1; i < used; i++)
        if (byidx[i - 1].pkgidx == byidx[i].pkgidx)
          return og_error_set (err, 0, "%s: NDB package %u has two slots", name, byidx[i].pkgidx);
    }
  *slots = s;
  s = NULL;
  *n = used;
  return 0;
}

/* The header blob of one slot, checked: head, lengths, tail, adler32.  */
static int
ndb_read_blob (const og_reader *f, const char *name, const ndb_slot *slot, const uint8_t **blob,
               uint32_t *bloblen, og_error **err)
{
  og_reader area;
  uint32_t magic, pkgidx, len, adler, tlen, tmagic;
  uint64_t size = (uint64_t)slot->blkcnt * NDB_BLK_SIZE;
  const uint8_t *all = NULL;

  /* ndb_read_slots checked that the slot's blocks are in the file.  */
  if (!og_reader_sub (f, (uint64_t)slot->blkoff * NDB_BLK_SIZE, size, &area)
      || size < NDB_BLOBHEAD + NDB_BLOBTAIL)
    return og_error_set (err, 0, "%s: NDB package %u: %u blocks cannot hold a blob", name,
                         slot->pkgidx, slot->blkcnt);
  og_reader_u32_at (&area, 0, false, &magic);
  og_reader_u32_at (&area, 4, false, &pkgidx);
  og_reader_u32_at (&area, 12, false, &len);
  if (magic != NDB_BLOBS_MAGIC || pkgidx != slot->pkgidx)
    return og_error_set (err, 0,
                         "%s: NDB package %u: no blob head at block %u (magic 0x%08x, package %u)",
                         name, slot->pkgidx, slot->blkoff, magic, pkgidx);
  if (len > OG_RPM_HEADER_MAX
      || (NDB_BLOBHEAD + (uint64_t)len + NDB_BLOBTAIL + NDB_BLK_SIZE - 1) / NDB_BLK_SIZE
             != slot->blkcnt)
    return og_error_set (err, 0, "%s: NDB package %u: blob length %u does not match its %u blocks",
                         name, slot->pkgidx, len, slot->blkcnt);
  og_reader_u32_at (&area, size - 12, false, &adler);
  og_reader_u32_at (&area, size - 8, false, &tlen);
  og_reader_u32_at (&area, size - 4, false, &tmagic);
  if (tmagic != NDB_BLOBE_MAGIC || tlen != len)
    return og_error_set (
        err, 0, "%s: NDB package %u: bad blob tail (magic 0x%08x, length %u, head says %u)", name,
        slot->pkgidx, tmagic, tlen, len);
  if (!og_reader_bytes (&area, size - NDB_BLOBTAIL, &all)
      || ndb_adler32 (all, size - NDB_BLOBTAIL) != adler)
    return og_error_set (err, 0, "%s: NDB package %u: adler32 checksum mismatch", name,
                         slot->pkgidx);
  *blob = all + NDB_BLOBHEAD;
  *bloblen = len;
  return 0;
}

int
og_rpmdb_ndb_foreach (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                      void *userdata, og_error **err)
{
  og_reader f;
  cleanup_free ndb_slot *slots = NULL;
  size_t n = 0, i;

  og_reader_init (&f, data, len);
  if (ndb_read_slots (&f, name, &slots, &n, err) < 0)
    return -1;
  for (i = 0; i < n; i++)
    {
      const uint8_t *blob = NULL;
      uint32_t bloblen = 0;

      if (ndb_read_blob (&f, name, &slots[i], &blob, &bloblen, err) < 0)
        return -1;
      if (fn (blob, bloblen, slots[i].pkgidx, userdata, err) < 0)
        return -1;
    }
  return 0;
}
