/* rpm header blobs as an rpmdb stores them: the structure (il, dl, the index
   entries, the region and its trailer, the data area) checked as rpm checks
   it, and typed access to the entries.  Source: rpm lib/header.c
   (hdrblobInit, hdrblobVerifyRegion, hdrblobVerifyInfo, hdrblobImport,
   dataLength, regionSwab) and lib/header_internal.h.  */
#include <stdlib.h>

#include "base/util.h"
#include "catalog/pkgdb/pkgdb.h"
#include "catalog/pkgdb/rpm_hdr.h"

static const char *
type_name (uint32_t type)
{
  static const char *const names[] = { "NULL",  "CHAR",   "INT8", "INT16",        "INT32",
                                       "INT64", "STRING", "BIN",  "STRING_ARRAY", "I18NSTRING" };
  return type < OG_ARRAY_SIZE (names) ? names[type] : "?";
}

/* Size of one item of a fixed-size type; 0 for strings.  */
static uint32_t
type_size (uint32_t type)
{
  switch (type)
    {
    case T_CHAR:
    case T_INT8:
    case T_BIN:
      return 1;
    case T_INT16:
      return 2;
    case T_INT32:
      return 4;
    case T_INT64:
      return 8;
    default:
      return 0;
    }
}

static bool
is_string_type (uint32_t type)
{
  return type == T_STRING || type == T_STRING_ARRAY || type == T_I18NSTRING;
}

/* The bytes taken by `count` items of `type` at `off` in the data (rpm
   dataLength with onDisk): false when they do not fit.  */
static bool
data_length (const og_reader *data, uint32_t type, uint32_t off, uint32_t count, uint32_t *len)
{
  og_reader r;
  uint64_t n;

  if (count == 0)
    return false;
  if (is_string_type (type))
    {
      if (type == T_STRING && count != 1)
        return false;
      if (!og_reader_sub (data, off, data->len - off, &r))
        return false;
      for (uint32_t i = 0; i < count; i++)
        {
          const char *s;
          size_t sl;
          if (!og_reader_cstr (&r, r.len, &s, &sl))
            return false;
        }
      *len = (uint32_t)r.pos;
      return true;
    }
  n = (uint64_t)type_size (type) * count;
  if (n == 0 || !og_span_ok (data->len, off, n))
    return false;
  *len = (uint32_t)n;
  return true;
}

/* Padding that rpm puts before an item of `type` when `pos` bytes precede it.  */
static uint32_t
align_pad (uint32_t type, uint64_t pos)
{
  uint32_t sz = type_size (type);
  if (sz <= 1)
    return 0;
  return (uint32_t)((sz - pos % sz) % sz);
}

static int
read_entry (og_reader *idx, hdr_entry *e)
{
  return og_reader_u32be (idx, &e->tag) && og_reader_u32be (idx, &e->type)
         && og_reader_u32be (idx, &e->offset) && og_reader_u32be (idx, &e->count);
}

static int
cmp_entry (const void *a, const void *b)
{
  const hdr_entry *x = a, *y = b;
  if (x->tag != y->tag)
    return x->tag < y->tag ? -1 : 1;
  return (int)x->dribble - (int)y->dribble;
}

/* The region tag and its trailer (rpm hdrblobVerifyRegion).  Sets *ril (the
   number of index entries in the region, the region tag included) and *rdl
   (bytes of data up to and including the trailer).  A header whose first
   tag is not a region tag is a legacy header: everything is "region".  */
static int
verify_region (const char *what, og_reader *idx, const og_reader *data, uint32_t il, uint32_t *ril,
               uint32_t *rdl, og_error **err)
{
  hdr_entry first, trailer;
  og_reader t;
  uint32_t roff;

  if (!read_entry (idx, &first))
    return og_error_set (err, 0, "%s: header truncated in its index", what);
  if (first.tag != TAG_HEADERIMAGE && first.tag != TAG_HEADERSIGNATURES
      && first.tag != TAG_HEADERIMMUTABLE)
    {
      og_reader_seek (idx, 0);
      *ril = il;
      *rdl = (uint32_t)data->len;
      return 1; /* legacy, no region */
    }
  if (first.type != T_BIN || first.count != ENTRY_INFO_SIZE)
    return og_error_set (err, 0, "%s: region tag %u: bad type %u or count %u", what, first.tag,
                         first.type, first.count);
  if (!og_reader_sub (data, first.offset, ENTRY_INFO_SIZE, &t))
    return og_error_set (err, 0, "%s: region tag %u: trailer offset %u outside data (dl %zu)", what,
                         first.tag, first.offset, data->len);
  if (!read_entry (&t, &trailer))
    return og_error_set (err, 0, "%s: region trailer truncated", what);
  if (trailer.tag != first.tag || trailer.type != T_BIN || trailer.count != ENTRY_INFO_SIZE)
    return og_error_set (err, 0, "%s: region trailer: bad tag %u type %u count %u", what,
                         trailer.tag, trailer.type, trailer.count);
  /* The trailer's offset is negative: minus the size of the region's index.  */
  roff = (uint32_t)-trailer.offset;
  if (roff % ENTRY_INFO_SIZE != 0 || roff / ENTRY_INFO_SIZE < 1 || roff / ENTRY_INFO_SIZE > il)
    return og_error_set (err, 0, "%s: region size bad: trailer offset %d, il %u", what,
                         (int32_t)trailer.offset, il);
  *ril = roff / ENTRY_INFO_SIZE;
  *rdl = first.offset + ENTRY_INFO_SIZE;
  return 0;
}

/* Read and check every entry after the region tag (rpm hdrblobVerifyInfo,
   plus the accounting of hdrblobImport).  */
static int
verify_entries (hdr *h, og_reader *idx, uint32_t il, uint32_t first, uint32_t ril, uint32_t rdl,
                bool legacy, og_error **err)
{
  uint64_t end = 0, packed = 0;

  h->e = og_xcalloc (il, sizeof *h->e);
  for (uint32_t i = first; i < il; i++)
    {
      hdr_entry *e = &h->e[h->n];
      if (!read_entry (idx, e))
        return og_error_set (err, 0, "%s: header truncated in its index", h->what);
      e->dribble = i >= ril;
      if (e->tag < TAG_I18NTABLE)
        return og_error_set (err, 0, "%s: entry %u: tag %u out of range", h->what, i, e->tag);
      if (e->type < T_CHAR || e->type > T_I18NSTRING)
        return og_error_set (err, 0, "%s: entry %u (tag %u): type %u out of range", h->what, i,
                             e->tag, e->type);
      if (e->offset > h->data.len)
        return og_error_set (err, 0, "%s: entry %u (tag %u): offset %u beyond data (dl %zu)",
                             h->what, i, e->tag, e->offset, h->data.len);
      if (align_pad (e->type, e->offset) != 0)
        return og_error_set (err, 0, "%s: entry %u (tag %u): offset %u misaligned for %s", h->what,
                             i, e->tag, e->offset, type_name (e->type));
      if (end > e->offset)
        return og_error_set (err, 0, "%s: entry %u (tag %u): data at %u overlaps the previous",
                             h->what, i, e->tag, e->offset);
      if (!data_length (&h->data, e->type, e->offset, e->count, &e->len))
        return og_error_set (err, 0,
                             "%s: entry %u (tag %u): %u items of %s at offset %u do not fit in "
                             "data (dl %zu)",
                             h->what, i, e->tag, e->count, type_name (e->type), e->offset,
                             h->data.len);
      end = (uint64_t)e->offset + e->len;
      if (!legacy && !e->dribble && end > rdl - ENTRY_INFO_SIZE)
        return og_error_set (err, 0, "%s: entry %u (tag %u): data runs into the region trailer",
                             h->what, i, e->tag);
      if (!legacy && e->dribble && e->offset < rdl)
        return og_error_set (err, 0,
                             "%s: entry %u (tag %u): data after the region starts inside it",
                             h->what, i, e->tag);
      packed += align_pad (e->type, packed) + e->len;
      h->n++;
    }
  /* Every byte of data is accounted for, as rpm's import insists.  */
  if (packed + (legacy ? 0 : ENTRY_INFO_SIZE) != h->data.len)
    return og_error_set (err, 0, "%s: data size %zu does not match its entries (%llu)", h->what,
                         h->data.len,
                         (unsigned long long)(packed + (legacy ? 0 : ENTRY_INFO_SIZE)));

  qsort (h->e, h->n, sizeof *h->e, cmp_entry);
  for (size_t i = 1; i < h->n; i++)
    if (h->e[i].tag == h->e[i - 1].tag && h->e[i].dribble == h->e[i - 1].dribble)
      return og_error_set (err, 0, "%s: tag %u appears twice", h->what, h->e[i].tag);
  return 0;
}

int
og_rpmhdr_load (hdr *h, const uint8_t *blob, size_t len, og_error **err)
{
  og_reader r, idx;
  uint32_t il, dl, ril = 0, rdl = 0;
  int legacy;

  og_reader_init (&r, blob, len);
  if (!og_reader_u32be (&r, &il) || !og_reader_u32be (&r, &dl))
    return og_error_set (err, 0, "%s: header shorter than 8 bytes (%zu)", h->what, len);
  if (il < 1 || il > OG_RPM_MAX_ENTRIES - 1)
    return og_error_set (err, 0, "%s: header: number of tags %u out of range", h->what, il);
  if (dl > HEADER_DATA_MAX)
    return og_error_set (err, 0, "%s: header: data size %u out of range", h->what, dl);
  if (8 + (uint64_t)il * ENTRY_INFO_SIZE + dl != len || len >= OG_RPM_HEADER_MAX)
    return og_error_set (err, 0, "%s: header size %zu does not match 8 + 16 * il (%u) + dl (%u)",
                         h->what, len, il, dl);
  if (!og_reader_sub (&r, 8, (uint64_t)il * ENTRY_INFO_SIZE, &idx)
      || !og_reader_sub (&r, 8 + (uint64_t)il * ENTRY_INFO_SIZE, dl, &h->data))
    return og_error_set (err, 0, "%s: header truncated", h->what);

  legacy = verify_region (h->what, &idx, &h->data, il, &ril, &rdl, err);
  if (legacy < 0)
    return -1;
  return verify_entries (h, &idx, il, legacy ? 0 : 1, ril, rdl, legacy, err);
}

/* The entry for tag, dribbles first (rpm hdrblobImport: a dribble replaces
   the region's entry, and a dribbled BASENAMES removes OLDFILENAMES).  */
const hdr_entry *
og_rpmhdr_find (const hdr *h, uint32_t tag)
{
  hdr_entry key = { .tag = tag, .dribble = true };
  const hdr_entry *e;

  e = bsearch (&key, h->e, h->n, sizeof *h->e, cmp_entry);
  if (e)
    return e;
  if (tag == TAG_OLDFILENAMES)
    {
      hdr_entry bkey = { .tag = TAG_BASENAMES, .dribble = true };
      if (bsearch (&bkey, h->e, h->n, sizeof *h->e, cmp_entry))
        return NULL;
    }
  key.dribble = false;
  return bsearch (&key, h->e, h->n, sizeof *h->e, cmp_entry);
}

static bool
is_int_type (uint32_t type)
{
  return type == T_CHAR || type == T_INT8 || type == T_INT16 || type == T_INT32 || type == T_INT64;
}

/* A reader over the entry's data.  */
static void
entry_reader (const hdr *h, const hdr_entry *e, og_reader *r)
{
  /* Checked by verify_entries; cannot fail.  */
  if (!og_reader_sub (&h->data, e->offset, e->len, r))
    og_reader_init (r, NULL, 0);
}

/* Item i of an integer entry.  */
bool
og_rpmhdr_entry_int (const hdr *h, const hdr_entry *e, uint32_t i, uint64_t *v)
{
  og_reader r;
  uint8_t v8;
  uint16_t v16;
  uint32_t v32;
  uint32_t sz = type_size (e->type);

  entry_reader (h, e, &r);
  if (i >= e->count || !og_reader_seek (&r, (uint64_t)i * sz))
    return false;
  switch (sz)
    {
    case 1:
      if (!og_reader_u8 (&r, &v8))
        return false;
      *v = v8;
      return true;
    case 2:
      if (!og_reader_u16be (&r, &v16))
        return false;
      *v = v16;
      return true;
    case 4:
      if (!og_reader_u32be (&r, &v32))
        return false;
      *v = v32;
      return true;
    case 8:
      return og_reader_u64be (&r, v);
    default:
      return false;
    }
}

/* An integer tag with one or more items (or an absent one, when !required).  */
static int
get_int_entry (const hdr *h, uint32_t tag, const char *tname, const hdr_entry **out, og_error **err)
{
  const hdr_entry *e = og_rpmhdr_find (h, tag);
  *out = NULL;
  if (e == NULL)
    return 0;
  if (!is_int_type (e->type))
    return og_error_set (err, 0, "%s: tag %u (%s) has type %s, not an integer", h->what, tag, tname,
                         type_name (e->type));
  *out = e;
  return 1;
}

int
og_rpmhdr_get_number (const hdr *h, uint32_t tag, const char *tname, uint64_t *v, og_error **err)
{
  const hdr_entry *e;
  int r = get_int_entry (h, tag, tname, &e, err);
  if (r <= 0)
    return r;
  if (e->count != 1)
    return og_error_set (err, 0, "%s: tag %u (%s) has %u values, expected 1", h->what, tag, tname,
                         e->count);
  if (!og_rpmhdr_entry_int (h, e, 0, v))
    return og_error_set (err, 0, "%s: tag %u (%s) unreadable", h->what, tag, tname);
  return 1;
}

/* A string tag: STRING, or the first string of an I18NSTRING.  */
int
og_rpmhdr_get_string (const hdr *h, uint32_t tag, const char *tname, bool required, char **out,
                      og_error **err)
{
  const hdr_entry *e = og_rpmhdr_find (h, tag);
  og_reader r;
  const char *s;
  size_t n;

  *out = NULL;
  if (e == NULL)
    {
      if (required)
        return og_error_set (err, 0, "%s: no %s (tag %u) in header", h->what, tname, tag);
      return 0;
    }
  if (e->type != T_STRING && e->type != T_I18NSTRING)
    return og_error_set (err, 0, "%s: tag %u (%s) has type %s, not a string", h->what, tag, tname,
                         type_name (e->type));
  entry_reader (h, e, &r);
  if (!og_reader_cstr (&r, r.len, &s, &n))
    return og_error_set (err, 0, "%s: tag %u (%s) unreadable", h->what, tag, tname);
  *out = og_xstrndup (s, n);
  return 1;
}

/* A STRING_ARRAY tag, checked to have `want` items when check is set.  On
   success *r reads the strings in order.  */
int
og_rpmhdr_get_string_array (const hdr *h, uint32_t tag, const char *tname, bool check,
                            uint32_t want, og_reader *r, uint32_t *count, og_error **err)
{
  const hdr_entry *e = og_rpmhdr_find (h, tag);
  if (e == NULL)
    return 0;
  if (e->type != T_STRING_ARRAY)
    return og_error_set (err, 0, "%s: tag %u (%s) has type %s, not a string array", h->what, tag,
                         tname, type_name (e->type));
  if (check && e->count != want)
    return og_error_set (err, 0, "%s: tag %u (%s) has %u items, expected %u", h->what, tag, tname,
                         e->count, want);
  entry_reader (h, e, r);
  *count = e->count;
  return 1;
}

/* A per-file integer array: absent, or exactly one item per file.  */
int
og_rpmhdr_get_file_ints (const hdr *h, uint32_t tag, const char *tname, uint32_t nfiles,
                         const hdr_entry **out, og_error **err)
{
  int r = get_int_entry (h, tag, tname, out, err);
  if (r <= 0)
    return r;
  if ((*out)->count != nfiles)
    return og_error_set (err, 0, "%s: tag %u (%s) has %u items for %u files", h->what, tag, tname,
                         (*out)->count, nfiles);
  return 1;
}

bool
og_rpmhdr_next_str (og_reader *r, const char **s, size_t *n)
{
  return og_reader_cstr (r, og_reader_remaining (r), s, n);
}

/* Paths from BASENAMES + DIRNAMES + DIRINDEXES, or legacy OLDFILENAMES.  */
