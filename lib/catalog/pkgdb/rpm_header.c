/* rpm header blobs as an rpmdb stores them: be32 il, be32 dl, il index
   entries {tag, type, offset, count} (big-endian), then dl bytes of data.

   Source: rpm lib/header.c (hdrblobInit, hdrblobVerifyRegion,
   hdrblobVerifyInfo, hdrblobImport, dataLength, regionSwab) and
   lib/header_internal.h; tag numbers and types from include/rpm/rpmtag.h.

   The checks follow rpm's own: caps on il and dl, the exact blob size, the
   region tag (61/62/63) and its trailer (negative offset = ril * 16), then
   per entry: tag range, type range, alignment, offset within dl, data that
   fits (strings NUL-terminated within dl), entries in offset order without
   overlap, and the data area fully accounted for.  Entries after the region
   ("dribbles") replace region entries of the same tag.  On top of rpm we
   refuse duplicate tags within the region or within the dribbles, and data
   that straddles the region trailer, because either would make the answer
   depend on lookup order.

   Dependencies: REQUIRENAME/REQUIREFLAGS/REQUIREVERSION and
   PROVIDENAME/PROVIDEFLAGS/PROVIDEVERSION, parallel arrays (rpm
   lib/rpmds.c rpmdsNewPool: the flags and versions, when present, have one
   item per name).  Only the comparison bits of the flags (RPMSENSE_LESS,
   GREATER, EQUAL) are kept.  "rpmlib(...)" requirements name features of rpm
   itself that no package provides (rpm lib/rpmds.c rpmdsRpmlib), so they
   are dropped here.  A requirement whose flags make it an install-time
   prerequisite only (rpm lib/rpmlib.h isInstallPreReq && !isErasePreReq:
   Requires(pre), (post), (pretrans), (posttrans)) is kept as
   OG_DEP_INSTALL_ONLY: rpm does not index it in Requirename, so it keeps
   nothing installed.  */
#include <stdlib.h>

#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/util.h"

enum
{
  T_NULL = 0,
  T_CHAR = 1,
  T_INT8 = 2,
  T_INT16 = 3,
  T_INT32 = 4,
  T_INT64 = 5,
  T_STRING = 6,
  T_BIN = 7,
  T_STRING_ARRAY = 8,
  T_I18NSTRING = 9,
};

enum
{
  TAG_HEADERIMAGE = 61,
  TAG_HEADERSIGNATURES = 62,
  TAG_HEADERIMMUTABLE = 63,
  TAG_I18NTABLE = 100,
  TAG_NAME = 1000,
  TAG_VERSION = 1001,
  TAG_RELEASE = 1002,
  TAG_EPOCH = 1003,
  TAG_SIZE = 1009,
  TAG_VENDOR = 1011,
  TAG_LICENSE = 1014,
  TAG_ARCH = 1022,
  TAG_OLDFILENAMES = 1027,
  TAG_FILESIZES = 1028,
  TAG_FILESTATES = 1029,
  TAG_FILEMODES = 1030,
  TAG_FILEDIGESTS = 1035,
  TAG_FILEFLAGS = 1037,
  TAG_FILEUSERNAME = 1039,
  TAG_FILEGROUPNAME = 1040,
  TAG_SOURCERPM = 1044,
  TAG_PROVIDENAME = 1047,
  TAG_REQUIREFLAGS = 1048,
  TAG_REQUIRENAME = 1049,
  TAG_REQUIREVERSION = 1050,
  TAG_PROVIDEFLAGS = 1112,
  TAG_PROVIDEVERSION = 1113,
  TAG_DIRINDEXES = 1116,
  TAG_BASENAMES = 1117,
  TAG_DIRNAMES = 1118,
  TAG_LONGFILESIZES = 5008,
  TAG_LONGSIZE = 5009,
  TAG_FILEDIGESTALGO = 5011,
};

#define ENTRY_INFO_SIZE 16u

/* Our own cap on the files of one package (the largest real packages list a
   few hundred thousand); it bounds the memory a hostile header can claim.  */
#define MAX_FILES       2000000u
#define HEADER_DATA_MAX 0x0fffffffu

typedef struct hdr_entry
{
  uint32_t tag;
  uint32_t type;
  uint32_t offset;
  uint32_t count;
  uint32_t len; /* bytes of data, as rpm's dataLength computes them */
  bool dribble; /* after the region: wins over a region entry */
} hdr_entry;

typedef struct hdr
{
  const char *what;
  og_reader data; /* the dl bytes of data */
  hdr_entry *e;   /* sorted by (tag, dribble) */
  size_t n;
} hdr;

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

static int
hdr_load (hdr *h, const uint8_t *blob, size_t len, og_error **err)
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
static const hdr_entry *
hdr_find (const hdr *h, uint32_t tag)
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
static bool
entry_int (const hdr *h, const hdr_entry *e, uint32_t i, uint64_t *v)
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
  const hdr_entry *e = hdr_find (h, tag);
  *out = NULL;
  if (e == NULL)
    return 0;
  if (!is_int_type (e->type))
    return og_error_set (err, 0, "%s: tag %u (%s) has type %s, not an integer", h->what, tag, tname,
                         type_name (e->type));
  *out = e;
  return 1;
}

static int
get_number (const hdr *h, uint32_t tag, const char *tname, uint64_t *v, og_error **err)
{
  const hdr_entry *e;
  int r = get_int_entry (h, tag, tname, &e, err);
  if (r <= 0)
    return r;
  if (e->count != 1)
    return og_error_set (err, 0, "%s: tag %u (%s) has %u values, expected 1", h->what, tag, tname,
                         e->count);
  if (!entry_int (h, e, 0, v))
    return og_error_set (err, 0, "%s: tag %u (%s) unreadable", h->what, tag, tname);
  return 1;
}

/* A string tag: STRING, or the first string of an I18NSTRING.  */
static int
get_string (const hdr *h, uint32_t tag, const char *tname, bool required, char **out,
            og_error **err)
{
  const hdr_entry *e = hdr_find (h, tag);
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
static int
get_string_array (const hdr *h, uint32_t tag, const char *tname, bool check, uint32_t want,
                  og_reader *r, uint32_t *count, og_error **err)
{
  const hdr_entry *e = hdr_find (h, tag);
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
static int
get_file_ints (const hdr *h, uint32_t tag, const char *tname, uint32_t nfiles,
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


static bool
next_str (og_reader *r, const char **s, size_t *n)
{
  return og_reader_cstr (r, og_reader_remaining (r), s, n);
}

/* Paths from BASENAMES + DIRNAMES + DIRINDEXES, or legacy OLDFILENAMES.  */
static int
parse_paths (const hdr *h, og_package *pkg, uint32_t *nfiles, og_error **err)
{
  og_reader base, dirs;
  uint32_t nbase = 0, ndirs = 0;
  const hdr_entry *di;
  cleanup_free const char **dirp = NULL;
  cleanup_free size_t *dirn = NULL;
  cleanup_buf og_buf path = { 0 };
  int r;

  *nfiles = 0;
  r = get_string_array (h, TAG_BASENAMES, "BASENAMES", false, 0, &base, &nbase, err);
  if (r < 0)
    return -1;
  if (r > 0 && nbase > MAX_FILES)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s: %u files, more than %u", h->what, nbase,
                              MAX_FILES);
  if (r == 0)
    {
      r = get_string_array (h, TAG_OLDFILENAMES, "OLDFILENAMES", false, 0, &base, &nbase, err);
      if (r <= 0)
        return r;
      if (nbase > MAX_FILES)
        return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s: %u files, more than %u", h->what,
                                  nbase, MAX_FILES);
      if (hdr_find (h, TAG_DIRNAMES) || hdr_find (h, TAG_DIRINDEXES))
        return og_error_set (err, 0, "%s: DIRNAMES/DIRINDEXES without BASENAMES", h->what);
      for (uint32_t i = 0; i < nbase; i++)
        {
          const char *s;
          size_t n;
          if (!next_str (&base, &s, &n))
            return og_error_set (err, 0, "%s: OLDFILENAMES unreadable", h->what);
          og_package_add_file (pkg, s, n);
        }
      *nfiles = nbase;
      return 0;
    }

  r = get_string_array (h, TAG_DIRNAMES, "DIRNAMES", false, 0, &dirs, &ndirs, err);
  if (r <= 0)
    return r < 0 ? -1 : og_error_set (err, 0, "%s: BASENAMES without DIRNAMES", h->what);
  r = get_file_ints (h, TAG_DIRINDEXES, "DIRINDEXES", nbase, &di, err);
  if (r <= 0)
    return r < 0 ? -1 : og_error_set (err, 0, "%s: BASENAMES without DIRINDEXES", h->what);
  if (ndirs > MAX_FILES)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s: %u DIRNAMES, more than %u", h->what, ndirs,
                              MAX_FILES);

  dirp = og_xcalloc (ndirs, sizeof *dirp);
  dirn = og_xcalloc (ndirs, sizeof *dirn);
  for (uint32_t i = 0; i < ndirs; i++)
    if (!next_str (&dirs, &dirp[i], &dirn[i]))
      return og_error_set (err, 0, "%s: DIRNAMES unreadable", h->what);

  for (uint32_t i = 0; i < nbase; i++)
    {
      const char *s;
      size_t n;
      uint64_t d;
      if (!next_str (&base, &s, &n) || !entry_int (h, di, i, &d))
        return og_error_set (err, 0, "%s: BASENAMES unreadable", h->what);
      if (d >= ndirs)
        return og_error_set (err, 0, "%s: file %u: DIRINDEXES %llu out of range (%u dirs)", h->what,
                             i, (unsigned long long)d, ndirs);
      path.len = 0;
      og_buf_append (&path, dirp[d], dirn[d]);
      og_buf_append (&path, s, n);
      og_package_add_file (pkg, path.data, path.len);
    }
  *nfiles = nbase;
  return 0;
}

static int
parse_file_attrs (const hdr *h, og_package *pkg, uint32_t nfiles, og_error **err)
{
  const hdr_entry *sizes, *modes, *flags, *states;
  og_reader dig;
  uint32_t ndig = 0;
  int has_dig;
  uint64_t v;

  if (get_file_ints (h, TAG_LONGFILESIZES, "LONGFILESIZES", nfiles, &sizes, err) < 0)
    return -1;
  if (sizes == NULL && get_file_ints (h, TAG_FILESIZES, "FILESIZES", nfiles, &sizes, err) < 0)
    return -1;
  if (get_file_ints (h, TAG_FILEMODES, "FILEMODES", nfiles, &modes, err) < 0
      || get_file_ints (h, TAG_FILEFLAGS, "FILEFLAGS", nfiles, &flags, err) < 0
      || get_file_ints (h, TAG_FILESTATES, "FILESTATES", nfiles, &states, err) < 0)
    return -1;
  has_dig = get_string_array (h, TAG_FILEDIGESTS, "FILEDIGESTS", true, nfiles, &dig, &ndig, err);
  if (has_dig < 0)
    return -1;
  /* With no files, rpm writes no file arrays; a lone empty one is harmless.  */
  for (uint32_t i = 0; i < nfiles; i++)
    {
      og_pkg_file *f = &pkg->files[i];
      if (sizes && entry_int (h, sizes, i, &v))
        f->size = v;
      if (modes && entry_int (h, modes, i, &v))
        f->mode = (uint32_t)v;
      if (flags && entry_int (h, flags, i, &v))
        f->flags = (uint32_t)v;
      if (states && entry_int (h, states, i, &v))
        f->state = (uint8_t)v;
      if (has_dig)
        {
          const char *s;
          size_t n;
          if (!next_str (&dig, &s, &n))
            return og_error_set (err, 0, "%s: FILEDIGESTS unreadable", h->what);
          if (n > 0)
            f->digest = og_xstrndup (s, n);
        }
    }
  return 0;
}

/* FILEUSERNAME and FILEGROUPNAME: one name per file, or absent.  */
static int
parse_file_owners (const hdr *h, og_package *pkg, uint32_t nfiles, og_error **err)
{
  static const struct
  {
    uint32_t tag;
    const char *name;
  } tags[] = { { TAG_FILEUSERNAME, "FILEUSERNAME" }, { TAG_FILEGROUPNAME, "FILEGROUPNAME" } };

  for (size_t t = 0; t < OG_ARRAY_SIZE (tags); t++)
    {
      og_reader r;
      uint32_t n = 0;
      int has = get_string_array (h, tags[t].tag, tags[t].name, true, nfiles, &r, &n, err);
      if (has <= 0)
        {
          if (has < 0)
            return -1;
          continue;
        }
      for (uint32_t i = 0; i < nfiles; i++)
        {
          const char *s;
          size_t len;
          char **slot = t == 0 ? &pkg->files[i].user : &pkg->files[i].group;
          if (!next_str (&r, &s, &len))
            return og_error_set (err, 0, "%s: %s unreadable", h->what, tags[t].name);
          if (len > 0)
            *slot = og_xstrndup (s, len);
        }
    }
  return 0;
}

/* rpm include/rpm/rpmds.h: the comparison bits of a dependency's flags, and
   lib/rpmlib.h _INSTALL_ONLY_MASK (POSTTRANS, PRETRANS, SCRIPT_PRE,
   SCRIPT_POST, RPMLIB, KEYRING) and _ERASE_ONLY_MASK (SCRIPT_PREUN,
   SCRIPT_POSTUN, PREUNTRANS, POSTUNTRANS).  */
#define RPMSENSE_CMP_MASK (2u | 4u | 8u)
#define RPMSENSE_INSTALL_ONLY                                                                      \
  ((1u << 5) | (1u << 7) | (1u << 9) | (1u << 10) | (1u << 24) | (1u << 26))
#define RPMSENSE_ERASE_ONLY ((1u << 11) | (1u << 12) | (1u << 20) | (1u << 21))

/* One dependency set (REQUIRE* or PROVIDE*) into out.  */
static int
parse_dep_set (const hdr *h, uint32_t name_tag, uint32_t flags_tag, uint32_t version_tag,
               const char *tname, bool requires, og_pkg_deps *out, uint32_t *clauses,
               og_error **err)
{
  og_reader names, versions;
  uint32_t n = 0, nv = 0;
  const hdr_entry *flags = NULL;
  int has_v, r;

  r = get_string_array (h, name_tag, tname, false, 0, &names, &n, err);
  if (r <= 0)
    return r;
  if (get_file_ints (h, flags_tag, tname, n, &flags, err) < 0)
    return -1;
  has_v = get_string_array (h, version_tag, tname, true, n, &versions, &nv, err);
  if (has_v < 0)
    return -1;
  for (uint32_t i = 0; i < n; i++)
    {
      const char *s, *v = NULL;
      size_t sl, vl = 0;
      uint64_t f = 0;
      if (!next_str (&names, &s, &sl) || (has_v && !next_str (&versions, &v, &vl)))
        return og_error_set (err, 0, "%s: %s unreadable", h->what, tname);
      if (flags && !entry_int (h, flags, i, &f))
        return og_error_set (err, 0, "%s: %s flags unreadable", h->what, tname);
      if (sl == 0)
        continue;
      if (requires && sl >= 7 && memcmp (s, "rpmlib(", 7) == 0)
        continue;
      if (vl == 0 || (f & RPMSENSE_CMP_MASK) == 0)
        v = NULL;
      og_pkg_deps_add (out, s, sl, v, vl, (uint32_t)f & RPMSENSE_CMP_MASK, *clauses,
                       requires && (f & RPMSENSE_INSTALL_ONLY) && !(f & RPMSENSE_ERASE_ONLY)
                           ? OG_DEP_INSTALL_ONLY
                           : OG_DEP_REQUIRES);
      (*clauses)++;
    }
  return 0;
}

static int
parse_deps (const hdr *h, og_package *pkg, og_error **err)
{
  uint32_t np = 0;
  if (parse_dep_set (h, TAG_REQUIRENAME, TAG_REQUIREFLAGS, TAG_REQUIREVERSION, "REQUIRENAME", true,
                     &pkg->depends, &pkg->n_clauses, err)
      < 0)
    return -1;
  return parse_dep_set (h, TAG_PROVIDENAME, TAG_PROVIDEFLAGS, TAG_PROVIDEVERSION, "PROVIDENAME",
                        false, &pkg->provides, &np, err);
}

static int
parse_package (const hdr *h, unsigned parts, og_package *pkg, og_error **err)
{
  uint64_t v;
  uint32_t nfiles;
  int r;

  pkg->type = OG_PKG_RPM;
  if (get_string (h, TAG_NAME, "NAME", true, &pkg->name, err) < 0
      || get_string (h, TAG_VERSION, "VERSION", true, &pkg->version, err) < 0
      || get_string (h, TAG_RELEASE, "RELEASE", true, &pkg->release, err) < 0
      || get_string (h, TAG_ARCH, "ARCH", false, &pkg->arch, err) < 0
      || get_string (h, TAG_SOURCERPM, "SOURCERPM", false, &pkg->source, err) < 0
      || get_string (h, TAG_LICENSE, "LICENSE", false, &pkg->license, err) < 0
      || get_string (h, TAG_VENDOR, "VENDOR", false, &pkg->vendor, err) < 0)
    return -1;

  r = get_number (h, TAG_EPOCH, "EPOCH", &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      if (v > UINT32_MAX)
        return og_error_set (err, 0, "%s: EPOCH %llu out of range", h->what, (unsigned long long)v);
      pkg->has_epoch = true;
      pkg->epoch = (uint32_t)v;
    }

  r = get_number (h, TAG_LONGSIZE, "LONGSIZE", &v, err);
  if (r == 0)
    r = get_number (h, TAG_SIZE, "SIZE", &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    pkg->size = v;

  if (parse_paths (h, pkg, &nfiles, err) < 0 || parse_file_attrs (h, pkg, nfiles, err) < 0
      || ((parts & OG_RPM_PARSE_VERIFY) && parse_file_owners (h, pkg, nfiles, err) < 0)
      || ((parts & OG_RPM_PARSE_DEPS) && parse_deps (h, pkg, err) < 0))
    return -1;

  /* rpm: no FILEDIGESTALGO means MD5 (packages older than rpm 4.6).  */
  r = get_number (h, TAG_FILEDIGESTALGO, "FILEDIGESTALGO", &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      if (v > 255)
        return og_error_set (err, 0, "%s: FILEDIGESTALGO %llu out of range", h->what,
                             (unsigned long long)v);
      pkg->digest_algo = (og_digest_algo)v;
    }
  else
    pkg->digest_algo = nfiles ? OG_DIGEST_MD5 : OG_DIGEST_NONE;
  return 0;
}

int
og_rpm_header_parse (const uint8_t *blob, size_t len, const char *what, og_package *pkg,
                     og_error **err)
{
  return og_rpm_header_parse_ex (blob, len, what, OG_RPM_PARSE_DEPS, pkg, err);
}

int
og_rpm_header_parse_ex (const uint8_t *blob, size_t len, const char *what, unsigned parts,
                        og_package *pkg, og_error **err)
{
  hdr h = { .what = what ? what : "rpm header" };
  int ret;

  memset (pkg, 0, sizeof *pkg);
  ret = hdr_load (&h, blob, len, err);
  if (ret == 0)
    ret = parse_package (&h, parts, pkg, err);
  free (h.e);
  if (ret < 0)
    {
      og_package_clear (pkg);
      return -1;
    }
  return 0;
}
