/* rpm header blobs: headers built here the way rpm lays them out (region
   tag 63, trailer, dribbles), then broken in every way rpm's own checks
   (lib/header.c) guard against.  Every hostile blob must give an error, or a
   consistent package, and never a crash (this runs under ASan+UBSan too).

   When OG_FIXTURES_OUT/rpm/blobs holds the blobs exported by
   tests/fixtures/make-rpm-fixtures.sh (the rpm_fixtures integration test
   runs this program again after making them), the same truncation and
   bit-flip torture runs on those real blobs.  */
#include "fixtures.h"

#include <dirent.h>
#include <sys/stat.h>

#include "catalog/pkgdb/pkgdb.h"
#include "base/util.h"

typedef struct ent
{
  uint32_t tag, type, count;
  const void *data;
  size_t len;
} ent;

#define STR(tag, s)                                                                                \
  {                                                                                                \
    tag, 6, 1, s, sizeof (s)                                                                       \
  }
#define STRA(tag, n, s)                                                                            \
  {                                                                                                \
    tag, 8, n, s, sizeof (s)                                                                       \
  }

static uint32_t
type_align (uint32_t type)
{
  return type == 3 ? 2 : type == 4 ? 4 : type == 5 ? 8 : 1;
}

/* Lay out a header as rpm's headerExport does: index, region entries' data,
   the region trailer, then the dribbles' data.  With region false, a legacy
   header with no region tag.  Returns the size; out must be large enough.  */
static size_t
build (uint8_t *out, const ent *reg, size_t nr, const ent *drib, size_t nd, bool region)
{
  uint8_t data[8192];
  size_t dl = 0, il = nr + nd + (region ? 1 : 0), k = 0;
  uint8_t *idx = out + 8;

  memset (data, 0, sizeof data);
  if (region)
    k = 1;
  for (size_t pass = 0; pass < 2; pass++)
    {
      const ent *e = pass == 0 ? reg : drib;
      size_t n = pass == 0 ? nr : nd;
      for (size_t i = 0; i < n; i++, k++)
        {
          uint32_t a = type_align (e[i].type);
          dl = (dl + a - 1) / a * a;
          fx_put32 (idx + 16 * k, e[i].tag, true);
          fx_put32 (idx + 16 * k + 4, e[i].type, true);
          fx_put32 (idx + 16 * k + 8, (uint32_t)dl, true);
          fx_put32 (idx + 16 * k + 12, e[i].count, true);
          memcpy (data + dl, e[i].data, e[i].len);
          dl += e[i].len;
        }
      if (pass == 0 && region)
        {
          fx_put32 (idx, 63, true);
          fx_put32 (idx + 4, 7, true);
          fx_put32 (idx + 8, (uint32_t)dl, true);
          fx_put32 (idx + 12, 16, true);
          fx_put32 (data + dl, 63, true);
          fx_put32 (data + dl + 4, 7, true);
          fx_put32 (data + dl + 8, (uint32_t) - (int32_t)(16 * (nr + 1)), true);
          fx_put32 (data + dl + 12, 16, true);
          dl += 16;
        }
    }
  fx_put32 (out, (uint32_t)il, true);
  fx_put32 (out + 4, (uint32_t)dl, true);
  memcpy (idx + 16 * il, data, dl);
  return 8 + 16 * il + dl;
}

/* A typical installed package: epoch, LONGSIZE, two dirs, three files.  */
static const uint8_t epoch_be[] = { 0, 0, 0, 7 };
static const uint8_t longsize_be[] = { 0, 0, 0, 1, 0, 0, 0, 2 };
static const uint8_t modes_be[] = { 0x41, 0xed, 0x81, 0xa4, 0x89, 0xed };
static const uint8_t dirindex_be[] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1 };
static const uint8_t dirindex_bad[] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2 };
static const uint8_t flags_be[] = { 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0x40 };
static const uint8_t states_b[] = { 0, 1, 2 };
static const uint8_t algo_be[] = { 0, 0, 0, 8 };
static const uint8_t filesizes_be[] = { 0, 0, 0x10, 0, 0, 0, 0, 5, 0, 0, 0, 9 };

#define BASE_ENTRIES(NAME_ENTRY, DIRIDX)                                                           \
  NAME_ENTRY, STR (1001, "1.2~rc1"), STR (1002, "3.el9"), { 1003, 4, 1, epoch_be, 4 },             \
      { 1014, 9, 2, "MIT\0MIT-fr", 11 }, STR (1022, "x86_64"),                                     \
      { 1028, 4, 3, filesizes_be, sizeof filesizes_be }, { 1029, 1, 3, states_b, 3 },              \
      { 1030, 3, 3, modes_be, sizeof modes_be }, STRA (1035, 3, "\0abc123\0def456"),               \
      { 1037, 4, 3, flags_be, sizeof flags_be }, STR (1044, "pkg-1.2~rc1-3.el9.src.rpm"),          \
      { 1116, 4, 3, DIRIDX, 12 }, STRA (1117, 3, "etc\0a.conf\0b"), STRA (1118, 2, "/\0/etc/"),    \
      { 5009, 5, 1, longsize_be, 8 },                                                              \
  {                                                                                                \
    5011, 4, 1, algo_be, 4                                                                         \
  }

static const ent good[] = { BASE_ENTRIES (STR (1000, "pkg"), dirindex_be) };

static size_t
good_blob (uint8_t *out)
{
  return build (out, good, OG_ARRAY_SIZE (good), NULL, 0, true);
}

static void
assert_good_package (const og_package *p)
{
  assert_int_equal (p->type, OG_PKG_RPM);
  assert_string_equal (p->name, "pkg");
  assert_string_equal (p->version, "1.2~rc1");
  assert_string_equal (p->release, "3.el9");
  assert_true (p->has_epoch);
  assert_int_equal (p->epoch, 7);
  assert_string_equal (p->license, "MIT");
  assert_string_equal (p->arch, "x86_64");
  assert_string_equal (p->source, "pkg-1.2~rc1-3.el9.src.rpm");
  assert_null (p->vendor);
  assert_true (p->size == 0x100000002ull);
  assert_int_equal (p->digest_algo, OG_DIGEST_SHA256);
  assert_int_equal (p->n_files, 3);
  assert_string_equal (p->files[0].path, "/etc");
  assert_string_equal (p->files[1].path, "/etc/a.conf");
  assert_string_equal (p->files[2].path, "/etc/b");
  assert_int_equal (p->files[0].mode, 040755);
  assert_int_equal (p->files[1].mode, 0100644);
  assert_int_equal (p->files[2].mode, 0104755);
  assert_null (p->files[0].digest);
  assert_string_equal (p->files[1].digest, "abc123");
  assert_string_equal (p->files[2].digest, "def456");
  assert_int_equal (p->files[0].size, 4096);
  assert_int_equal (p->files[2].size, 9);
  assert_int_equal (p->files[1].flags, 1);
  assert_int_equal (p->files[2].flags, 0x40);
  assert_int_equal (p->files[1].state, 1);
  assert_int_equal (p->files[2].state, 2);
}

static void
test_good_header (void **state)
{
  uint8_t blob[8192];
  size_t n = good_blob (blob);
  og_package p;
  og_error *err = NULL;

  assert_int_equal (og_rpm_header_parse (blob, n, "good", &p, &err), 0);
  assert_null (err);
  assert_good_package (&p);
  og_package_clear (&p);
}

static void
test_legacy_header_without_region (void **state)
{
  uint8_t blob[8192];
  size_t n = build (blob, good, OG_ARRAY_SIZE (good), NULL, 0, false);
  og_package p;
  og_error *err = NULL;

  assert_int_equal (og_rpm_header_parse (blob, n, "legacy", &p, &err), 0);
  assert_good_package (&p);
  og_package_clear (&p);
}

static void
test_dribbles_win (void **state)
{
  static const ent reg[]
      = { STR (1000, "old"), STR (1001, "1"), STR (1002, "1"), STRA (1027, 2, "/x\0/y") };
  static const uint8_t di[] = { 0, 0, 0, 0 };
  static const ent drib[]
      = { STR (1000, "new"), { 1116, 4, 1, di, 4 }, STRA (1117, 1, "z"), STRA (1118, 1, "/d/") };
  uint8_t blob[8192];
  size_t n = build (blob, reg, 4, drib, 0, true);
  og_package p;
  og_error *err = NULL;

  /* Without dribbles: OLDFILENAMES, no FILEDIGESTALGO means MD5.  */
  assert_int_equal (og_rpm_header_parse (blob, n, "t", &p, &err), 0);
  assert_string_equal (p.name, "old");
  assert_int_equal (p.n_files, 2);
  assert_string_equal (p.files[1].path, "/y");
  assert_int_equal (p.digest_algo, OG_DIGEST_MD5);
  assert_false (p.has_epoch);
  assert_null (p.arch);
  og_package_clear (&p);

  /* A dribbled NAME replaces the region's; dribbled BASENAMES hide OLDFILENAMES.  */
  n = build (blob, reg, 4, drib, 4, true);
  assert_int_equal (og_rpm_header_parse (blob, n, "t", &p, &err), 0);
  assert_string_equal (p.name, "new");
  assert_int_equal (p.n_files, 1);
  assert_string_equal (p.files[0].path, "/d/z");
  og_package_clear (&p);
}

/* What the blob being refused is (for the failure message), or NULL.  */
static const char *expect_what;

static void
expect_error (const uint8_t *blob, size_t n, const char *needle)
{
  og_package p;
  og_error *err = NULL;
  const char *what = expect_what ? expect_what : "blob";

  memset (&p, 0x5a, sizeof p);
  if (og_rpm_header_parse (blob, n, "rec 9", &p, &err) != -1)
    fail_msg ("%s: parsed, but must fail (with \"%s\")", what, needle ? needle : "rec 9");
  assert_non_null (err);
  assert_non_null (err->msg);
  if (strstr (err->msg, "rec 9") == NULL || (needle && strstr (err->msg, needle) == NULL))
    fail_msg ("%s: error \"%s\" lacks \"%s\"", what, err->msg, needle ? needle : "rec 9");
  /* On error the package is left cleared.  */
  assert_null (p.name);
  assert_int_equal (p.n_files, 0);
  og_error_free (err);
}

/* One 32-bit big-endian value written at an offset of a good blob, and the
   error it must give (NULL: any error naming the record).  */
typedef struct patch
{
  const char *what;
  size_t at;
  uint32_t value;
  const char *needle;
} patch;

static void
expect_patch_errors (const uint8_t *blob, size_t n, const patch *p, size_t np)
{
  uint8_t b[8192];
  assert_true (n <= sizeof b);
  for (size_t i = 0; i < np; i++)
    {
      memcpy (b, blob, n);
      fx_put32 (b + p[i].at, p[i].value, true);
      expect_what = p[i].what;
      expect_error (b, n, p[i].needle);
    }
  expect_what = NULL;
}

static void
test_bad_files (void **state)
{
  static const ent dirbad[] = { BASE_ENTRIES (STR (1000, "pkg"), dirindex_bad) };
  uint8_t blob[8192];
  size_t n;

  n = build (blob, dirbad, OG_ARRAY_SIZE (dirbad), NULL, 0, true);
  expect_error (blob, n, "DIRINDEXES 2 out of range");

  /* FILEMODES with 2 items for 3 files.  */
  {
    ent e[OG_ARRAY_SIZE (good)];
    memcpy (e, good, sizeof e);
    for (size_t i = 0; i < OG_ARRAY_SIZE (e); i++)
      if (e[i].tag == 1030)
        {
          e[i].count = 2;
          e[i].len = 4;
        }
    n = build (blob, e, OG_ARRAY_SIZE (e), NULL, 0, true);
    expect_error (blob, n, "FILEMODES");
  }
  /* NAME with a number in it.  */
  {
    ent e[OG_ARRAY_SIZE (good)];
    memcpy (e, good, sizeof e);
    e[0].type = 4;
    e[0].len = 4;
    n = build (blob, e, OG_ARRAY_SIZE (e), NULL, 0, true);
    expect_error (blob, n, "NAME");
  }
  /* No NAME at all.  */
  n = build (blob, good + 1, OG_ARRAY_SIZE (good) - 1, NULL, 0, true);
  expect_error (blob, n, "NAME");
}

/* Offsets of the index entry k's fields within a blob.  */
#define IDX(k, field) (8 + 16 * (k) + 4 * (field))

static void
test_lying_counts_and_offsets (void **state)
{
  uint8_t blob[8192];
  size_t n = good_blob (blob);
  size_t il = OG_ARRAY_SIZE (good) + 1;
  const patch patches[] = {
    /* il and dl that do not match the size.  */
    { "il + 1", 0, (uint32_t)il + 1, "size" },
    { "il huge", 0, 0x7fffffff, "out of range" },
    { "dl huge", 4, 0xffffffff, "out of range" },
    { "dl - 1", 4, (uint32_t)(n - 8 - 16 * il - 1), "size" },
    { "il 0", 0, 0, NULL },
    /* A count larger than the data: EPOCH (entry 4) claims 1000 INT32s.  */
    { "EPOCH count 1000", IDX (4, 3), 1000, "do not fit" },
    { "EPOCH count overflowing 4 * count", IDX (4, 3), 0x40000001, "do not fit" },
    { "EPOCH count 0", IDX (4, 3), 0, "do not fit" },
    { "a STRING with count 2", IDX (1, 3), 2, NULL },
    { "a STRING_ARRAY claiming more strings than there are", IDX (10, 3), 50, NULL },
    /* Misaligned INT32 (EPOCH), out-of-range type and tag, offset past dl.  */
    { "misaligned EPOCH", IDX (4, 2), 1 + ((uint32_t)blob[IDX (4, 2) + 3]), NULL },
    { "type 10", IDX (2, 1), 10, "type 10 out of range" },
    { "type 0", IDX (2, 1), 0, "type 0 out of range" },
    { "tag 99", IDX (2, 0), 99, "tag 99 out of range" },
    { "offset past dl", IDX (3, 2), 0xfffffff0, "beyond data" },
    /* Entries out of offset order overlap.  */
    { "overlapping entries", IDX (3, 2), 0, NULL },
    /* Duplicate tag in the region.  */
    { "duplicate tag", IDX (2, 0), 1000, "twice" },
  };
  expect_patch_errors (blob, n, patches, OG_ARRAY_SIZE (patches));
}

static void
test_string_without_nul (void **state)
{
  static const ent e[] = { { 1000, 6, 1, "abc", 3 } };
  static const ent e2[] = { STR (1001, "1"), STR (1002, "1"), { 1000, 6, 1, "abc", 3 } };
  uint8_t blob[512];
  size_t n;

  /* Without a region, the name's bytes run to the very end of the data.  */
  n = build (blob, e, 1, NULL, 0, false);
  expect_error (blob, n, "do not fit");
  /* In a region, the string would run into the trailer: no NUL before it.  */
  n = build (blob, e2, 3, NULL, 0, true);
  expect_error (blob, n, NULL);
}

static void
test_region_trailer (void **state)
{
  uint8_t blob[8192];
  size_t n = good_blob (blob);
  size_t il = OG_ARRAY_SIZE (good) + 1;
  size_t data = 8 + 16 * il;
  uint32_t toff = ((uint32_t)blob[IDX (0, 2)] << 24) | ((uint32_t)blob[IDX (0, 2) + 1] << 16)
                  | ((uint32_t)blob[IDX (0, 2) + 2] << 8) | blob[IDX (0, 2) + 3];
  size_t t = data + toff;
  const patch patches[] = {
    { "trailer tag differs from the region tag", t, 62, "region trailer" },
    { "trailer type", t + 4, 6, "region trailer" },
    { "ril > il", t + 8, (uint32_t) - (int32_t)(16 * il + 16), "region size" },
    { "region size not a multiple of 16", t + 8, (uint32_t) - (int32_t)(16 * 3 + 4),
      "region size" },
    { "positive region size", t + 8, 16 * 3, "region size" },
    { "a shorter region: rest would be dribbles", t + 8, (uint32_t) - (int32_t)(16 * 3), NULL },
    { "trailer past the end", IDX (0, 2), (uint32_t)(n - data - 8), "trailer offset" },
    { "region count", IDX (0, 3), 15, "region tag" },
    { "region type", IDX (0, 1), 4, "region tag" },
  };
  expect_patch_errors (blob, n, patches, OG_ARRAY_SIZE (patches));
}

/* Parse every prefix and every single-bit flip of a blob: errors are fine,
   crashes and reads out of bounds (ASan) are not; a success must give a
   package with a name and consistent file arrays.  Returns the number of
   mutants that still parsed.  */
static size_t
torture (const uint8_t *blob, size_t n, size_t stride)
{
  cleanup_free uint8_t *b = og_xmalloc (n ? n : 1);
  size_t ok = 0;
  og_package p;

  for (size_t len = 0; len < n; len += stride)
    {
      og_error *err = NULL;
      /* A fresh allocation of exactly len bytes, so ASan sees any overread.  */
      cleanup_free uint8_t *t = og_xmalloc (len ? len : 1);
      memcpy (t, blob, len);
      assert_int_equal (og_rpm_header_parse (t, len, "prefix", &p, &err), -1);
      assert_non_null (err);
      og_error_free (err);
    }
  for (size_t i = 0; i < n; i += stride)
    for (int bit = 0; bit < 8; bit++)
      {
        og_error *err = NULL;
        memcpy (b, blob, n);
        b[i] ^= (uint8_t)(1u << bit);
        if (og_rpm_header_parse (b, n, "flip", &p, &err) == 0)
          {
            assert_null (err);
            assert_non_null (p.name);
            for (size_t f = 0; f < p.n_files; f++)
              assert_non_null (p.files[f].path);
            og_package_clear (&p);
            ok++;
          }
        else
          {
            assert_non_null (err);
            assert_null (p.name);
            og_error_free (err);
          }
      }
  return ok;
}

static void
test_torture_built (void **state)
{
  uint8_t blob[8192];
  size_t n = good_blob (blob);
  size_t ok = torture (blob, n, 1);
  /* Flips in string contents keep the header valid; flips in the index do not.  */
  assert_true (ok > 0 && ok < n * 8);
}

/* The directory of real blobs, or NULL when the fixtures were not made.  */
static char *
real_blobs_dir (void)
{
  const char *out = getenv ("OG_FIXTURES_OUT");
  cleanup_free char *dir = out ? og_xasprintf ("%s/rpm/blobs", out) : NULL;
  struct stat st;

  if (dir == NULL || stat (dir, &st) < 0 || !S_ISDIR (st.st_mode))
    return NULL;
  return og_steal_pointer (&dir);
}

static void
test_torture_real_blobs (void **state)
{
  cleanup_free char *dir = NULL;
  DIR *d;
  struct dirent *de;
  size_t nblobs = 0;

  dir = real_blobs_dir ();
  if (dir == NULL)
    fx_skip ("no rpm blobs: tests/integration/rpm_fixtures.sh makes $OG_FIXTURES_OUT/rpm/blobs");
  d = opendir (dir);
  assert_non_null (d);
  while ((de = readdir (d)))
    {
      cleanup_free char *path = NULL;
      cleanup_free uint8_t *data = NULL;
      size_t sz;
      og_package p;
      og_error *err = NULL;

      if (strstr (de->d_name, ".hdr") == NULL)
        continue;
      path = og_xasprintf ("%s/%s", dir, de->d_name);
      data = fx_slurp (path, &sz);
      assert_non_null (data);
      if (og_rpm_header_parse (data, sz, path, &p, &err) < 0)
        fail_msg ("%s", err->msg);
      assert_non_null (p.name);
      og_package_clear (&p);
      /* Every byte of small headers; about 1000 evenly spread positions
         of large ones (each mutant is a full parse).  */
      torture (data, sz, 1 + sz / 2000);
      nblobs++;
    }
  closedir (d);
  assert_true (nblobs >= 4);
}

FX_MAIN_NAMED ("rpm_header", NULL, NULL, cmocka_unit_test (test_good_header),
               cmocka_unit_test (test_legacy_header_without_region),
               cmocka_unit_test (test_dribbles_win), cmocka_unit_test (test_bad_files),
               cmocka_unit_test (test_lying_counts_and_offsets),
               cmocka_unit_test (test_string_without_nul), cmocka_unit_test (test_region_trailer),
               cmocka_unit_test (test_torture_built), cmocka_unit_test (test_torture_real_blobs));
