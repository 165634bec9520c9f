/* The Berkeley DB and NDB rpmdb readers (lib/pkgdb/rpmdb_bdb.c, rpmdb_ndb.c).

   Two modes:
   - plain (the `rpmdb` unit test): inputs made in C (garbage, empty files)
     and, when $OG_REAL_FIXTURES exists, the real RHEL 8 Berkeley DB and SLE 15
     NDB databases against their EXPECTED files;
   - with $OG_RPMDB_FIXTURES (the `rpmdb_backends` integration test, after
     tests/fixtures/make-rpmdb-bdb-ndb.sh): databases made by rpmbuild, rpm and
     db5.3_load, checked blob for blob against the blobs that rpm stored in its
     sqlite database, in the order that rpm's own bdb_ro backend lists them,
     then hostile copies (truncated, bit-flipped, lying) that must give a
     clear error or the exact right answer, never a crash or a hang.  */
#include "fixtures.h"
#include <sys/stat.h>

#include "base/util.h"
#include "base/error.h"
#include "catalog/pkgdb/pkgdb.h"

/* ---- helpers -------------------------------------------------------------- */

typedef struct blobs
{
  size_t n;
  uint32_t *recno;
  uint8_t **blob;
  size_t *len;
} blobs;

static void
blobs_clear (blobs *b)
{
  size_t i;
  for (i = 0; i < b->n; i++)
    free (b->blob[i]);
  free (b->recno);
  free (b->blob);
  free (b->len);
  memset (b, 0, sizeof *b);
}

static int
collect (const uint8_t *blob, size_t len, uint32_t recno, void *userdata, og_error **err)
{
  blobs *b = userdata;
  b->recno = og_xreallocarray (b->recno, b->n + 1, sizeof *b->recno);
  b->blob = og_xreallocarray (b->blob, b->n + 1, sizeof *b->blob);
  b->len = og_xreallocarray (b->len, b->n + 1, sizeof *b->len);
  b->recno[b->n] = recno;
  b->blob[b->n] = og_xmalloc (len ? len : 1);
  memcpy (b->blob[b->n], blob, len);
  b->len[b->n] = len;
  b->n++;
  return 0;
}

typedef int (*foreach_fn) (const uint8_t *, size_t, const char *, og_rpm_blob_fn, void *,
                           og_error **);

static const char *
fixtures (void)
{
  return getenv ("OG_RPMDB_FIXTURES");
}

/* The error contract on hostile input: either -1 with a message naming the
   file, or 0 with exactly the right answer.  */
static void
check_outcome (foreach_fn fn, const uint8_t *d, size_t len, const blobs *good, const char *must)
{
  blobs got = { 0 };
  og_error *err = NULL;
  int ret = fn (d, len, "hostile.db", collect, &got, &err);
  size_t i;

  if (ret < 0)
    {
      assert_non_null (err);
      assert_non_null (strstr (err->msg, "hostile.db"));
      if (must && strstr (err->msg, must) == NULL)
        fail_msg ("error \"%s\" does not say \"%s\"", err->msg, must);
      og_error_free (err);
    }
  else
    {
      assert_int_equal (ret, 0);
      assert_null (err);
      if (must)
        fail_msg ("expected an error saying \"%s\", got success", must);
      assert_non_null (good);
      assert_int_equal (got.n, good->n);
      for (i = 0; i < got.n; i++)
        {
          assert_int_equal (got.recno[i], good->recno[i]);
          assert_int_equal (got.len[i], good->len[i]);
          assert_memory_equal (got.blob[i], good->blob[i], got.len[i]);
        }
    }
  blobs_clear (&got);
}

/* Truncations at many lengths and single-bit flips all over the file.  */
static void
hostile_sweep (foreach_fn fn, const uint8_t *d, size_t len, const blobs *good, size_t nflips)
{
  uint8_t *copy = og_xmalloc (len);
  uint64_t rng = 0x9e3779b97f4a7c15ull;
  size_t cut, i, step = len / 211 + 1;

  for (cut = 0; cut < len; cut += (cut < 600 ? 1 : step))
    {
      memcpy (copy, d, cut);
      check_outcome (fn, copy, cut, good, NULL);
    }
  check_outcome (fn, d, len - 1, good, NULL);
  for (i = 0; i < nflips; i++)
    {
      size_t pos;
      rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
      /* Half the flips hit the first 2 KiB (metadata, headers, slot tables).  */
      pos = (i % 2) ? rng % len : rng % (len < 2048 ? len : 2048);
      memcpy (copy, d, len);
      copy[pos] ^= (uint8_t)(1u << (rng >> 60 & 7));
      {
        blobs got = { 0 };
        og_error *err = NULL;
        int ret = fn (copy, len, "hostile.db", collect, &got, &err);
        if (ret < 0)
          {
            assert_non_null (err);
            assert_non_null (strstr (err->msg, "hostile.db"));
            og_error_free (err);
          }
        blobs_clear (&got);
      }
    }
  free (copy);
}

/* NAME-VERSION-RELEASE.ARCH of a header blob, read minimally (test only: the
   real parser is lib/pkgdb/rpm_header.c).  */
static char *
blob_nvra (const uint8_t *b, size_t len)
{
  const char *v[4] = { NULL, NULL, NULL, NULL };
  static const uint32_t tags[4] = { 1000, 1001, 1002, 1022 };
  uint32_t il, dl, i, k;
  size_t data;

  assert_true (len >= 8);
  il = (uint32_t)b[0] << 24 | b[1] << 16 | b[2] << 8 | b[3];
  dl = (uint32_t)b[4] << 24 | b[5] << 16 | b[6] << 8 | b[7];
  data = 8 + (size_t)il * 16;
  assert_true (data + dl <= len);
  for (i = 0; i < il; i++)
    {
      const uint8_t *e = b + 8 + i * 16;
      uint32_t tag = (uint32_t)e[0] << 24 | e[1] << 16 | e[2] << 8 | e[3];
      uint32_t off = (uint32_t)e[8] << 24 | e[9] << 16 | e[10] << 8 | e[11];
      for (k = 0; k < 4; k++)
        if (tag == tags[k] && off < dl && memchr (b + data + off, 0, dl - off))
          v[k] = (const char *)b + data + off;
    }
  assert_non_null (v[0]);
  return og_xasprintf ("%s-%s-%s.%s", v[0], v[1], v[2], v[3] ? v[3] : "(none)");
}

/* ---- always: made in C ------------------------------------------------------ */

static void
test_garbage_is_refused (void **state)
{
  static const uint8_t zeros[8192];
  uint8_t junk[4096];
  og_error *err = NULL;
  blobs got = { 0 };
  size_t i;

  for (i = 0; i < sizeof junk; i++)
    junk[i] = (uint8_t)(i * 131 + 7);
  assert_int_equal (og_rpmdb_bdb_foreach (NULL, 0, "empty", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "empty"));
  og_error_freep (&err);
  assert_int_equal (og_rpmdb_bdb_foreach (zeros, sizeof zeros, "zeros", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "not a Berkeley DB hash"));
  og_error_freep (&err);
  assert_int_equal (og_rpmdb_ndb_foreach (zeros, sizeof zeros, "zeros", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "not an rpm NDB"));
  og_error_freep (&err);
  assert_int_equal (og_rpmdb_ndb_foreach (junk, 3, "short", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "too short"));
  og_error_freep (&err);
  assert_int_equal (got.n, 0);
}

/* A Berkeley DB hash metadata page built by hand, in both byte orders.  */
static void
test_bdb_metadata_checks (void **state)
{
  uint8_t db[1024];
  og_error *err = NULL;
  blobs got = { 0 };
  int be;

  for (be = 0; be < 2; be++)
    {
      /* meta page + one empty hash page for bucket 0: a valid empty database.  */
      memset (db, 0, sizeof db);
      fx_put32 (db + 12, 0x00061561, be);
      fx_put32 (db + 16, 9, be);
      fx_put32 (db + 20, 512, be);
      db[25] = 8;
      fx_put32 (db + 32, 1, be); /* last_pgno */
      fx_put32 (db + 72, 0, be); /* max_bucket */
      fx_put32 (db + 96, 1, be); /* spares[0]: bucket 0 on page 1 */
      fx_put32 (db + 512 + 8, 1, be);
      db[512 + 25] = 13;
      assert_int_equal (og_rpmdb_bdb_foreach (db, sizeof db, "m.db", collect, &got, &err), 0);
      assert_int_equal (got.n, 0);

      fx_put32 (db + 20, 1000, be);
      assert_int_equal (og_rpmdb_bdb_foreach (db, sizeof db, "m.db", collect, &got, &err), -1);
      assert_non_null (strstr (err->msg, "page size 1000"));
      og_error_freep (&err);
      fx_put32 (db + 20, 512, be);

      fx_put32 (db + 16, 3, be);
      assert_int_equal (og_rpmdb_bdb_foreach (db, sizeof db, "m.db", collect, &got, &err), -1);
      assert_non_null (strstr (err->msg, "version 3"));
      og_error_freep (&err);
      fx_put32 (db + 16, 9, be);

      fx_put32 (db + 72, 0xfffffff0u, be);
      assert_int_equal (og_rpmdb_bdb_foreach (db, sizeof db, "m.db", collect, &got, &err), -1);
      assert_non_null (strstr (err->msg, "max_bucket"));
      og_error_freep (&err);
      fx_put32 (db + 72, 0, be);

      fx_put32 (db + 96, 0xfffffff0u, be); /* bucket 0 on a page past the end */
      assert_int_equal (og_rpmdb_bdb_foreach (db, sizeof db, "m.db", collect, &got, &err), -1);
      assert_non_null (strstr (err->msg, "out of range"));
      og_error_freep (&err);
      fx_put32 (db + 96, 1, be);

      fx_put32 (db + 512 + 16, 1, be); /* the page chains to itself */
      assert_int_equal (og_rpmdb_bdb_foreach (db, sizeof db, "m.db", collect, &got, &err), -1);
      assert_non_null (strstr (err->msg, "reached twice"));
      og_error_freep (&err);
    }
}

/* An NDB file built by hand: the smallest valid one, then lies.  */
static void
test_ndb_layout_checks (void **state)
{
  static uint8_t db[4096 + 64];
  static const uint8_t blob[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4 };
  og_error *err = NULL;
  blobs got = { 0 };
  uint32_t s1 = 1, s2 = 0;
  size_t i;

  memset (db, 0, sizeof db);
  memcpy (db, "RpmP", 4);
  fx_put32 (db + 12, 1, false); /* slotnpages */
  for (i = 32; i < 4096; i += 16)
    memcpy (db + i, "Slot", 4);
  fx_put32 (db + 32 + 4, 7, false);   /* pkgidx */
  fx_put32 (db + 32 + 8, 256, false); /* blkoff: right after the slot page */
  fx_put32 (db + 32 + 12, 3, false);  /* 16 + 12 + 12 = 40 bytes: 3 blocks */
  memcpy (db + 4096, "BlbS", 4);
  fx_put32 (db + 4096 + 4, 7, false);
  fx_put32 (db + 4096 + 12, sizeof blob, false);
  memcpy (db + 4096 + 16, blob, sizeof blob);
  for (i = 0; i < 48 - 12; i++)
    {
      s1 = (s1 + db[4096 + i]) % 65521;
      s2 = (s2 + s1) % 65521;
    }
  fx_put32 (db + 4096 + 36, s2 << 16 | s1, false);
  fx_put32 (db + 4096 + 40, sizeof blob, false);
  memcpy (db + 4096 + 44, "BlbE", 4);

  assert_int_equal (og_rpmdb_ndb_foreach (db, 4096 + 48, "n.db", collect, &got, &err), 0);
  assert_int_equal (got.n, 1);
  assert_int_equal (got.recno[0], 7);
  assert_int_equal (got.len[0], sizeof blob);
  assert_memory_equal (got.blob[0], blob, sizeof blob);
  blobs_clear (&got);

  assert_int_equal (og_rpmdb_ndb_foreach (db, 4096 + 32, "n.db", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "outside the blob area"));
  og_error_freep (&err);
  assert_int_equal (og_rpmdb_ndb_foreach (db, 4096 + 47, "n.db", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "multiple of 16"));
  og_error_freep (&err);
  db[4096 + 20] ^= 1;
  assert_int_equal (og_rpmdb_ndb_foreach (db, 4096 + 48, "n.db", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "adler32"));
  og_error_freep (&err);
  db[4096 + 20] ^= 1;
  fx_put32 (db + 12, 0x10000, false);
  assert_int_equal (og_rpmdb_ndb_foreach (db, 4096 + 48, "n.db", collect, &got, &err), -1);
  assert_non_null (strstr (err->msg, "slot pages"));
  og_error_freep (&err);
  assert_int_equal (got.n, 0);
}

/* ---- real databases from the wild (when $OG_REAL_FIXTURES exists) ----------- */

/* Is the header parser there yet (not the ENOSYS stub)?  */
static bool
header_parser_available (void)
{
  static const uint8_t empty[8];
  og_package p = { 0 };
  og_error *err = NULL;
  bool ok = true;

  if (og_rpm_header_parse (empty, sizeof empty, "probe", &p, &err) < 0)
    ok = err == NULL || err->status != ENOSYS;
  og_error_free (err);
  og_package_clear (&p);
  return ok;
}

/* readfn NULL: the blob walk (NVRA read minimally from each blob, in order),
   then hostile copies.  readfn set: the same list through the header parser
   (main() leaves it out while it is not there yet).  */
static void
check_real (const char *rel, const char *expected_rel, foreach_fn fn,
            int (*readfn) (const uint8_t *, size_t, const char *, og_pkglist *, og_error **))
{
  cleanup_free char *real = NULL;
  cleanup_free char *path = NULL, *exp_path = NULL;
  cleanup_free uint8_t *d = NULL;
  blobs got = { 0 };
  og_error *err = NULL;
  og_pkglist pl = { 0 };
  char **exp;
  size_t len, nexp, i;
  int ret;

  if (readfn != NULL && !header_parser_available ())
    fx_skip ("the rpm header parser is not there yet (ENOSYS stub)");
  real = fx_real_fixture ("");
  if (real == NULL)
    fx_skip ("no real-world databases: $OG_REAL_FIXTURES is not a folder");
  path = og_xasprintf ("%s/%s", real, rel);
  exp_path = og_xasprintf ("%s/%s", real, expected_rel);
  d = fx_slurp (path, &len);
  assert_non_null (d);
  exp = fx_read_lines (exp_path, &nexp);

  if (readfn == NULL)
    {
      ret = fn (d, len, path, collect, &got, &err);
      if (ret < 0)
        fail_msg ("%s", err->msg);
      assert_int_equal (got.n, nexp);
      for (i = 0; i < got.n; i++)
        {
          cleanup_free char *nvra = blob_nvra (got.blob[i], got.len[i]);
          assert_string_equal (nvra, exp[i]);
        }
      hostile_sweep (fn, d, len, &got, 300);
      blobs_clear (&got);
      fx_free_lines (exp, nexp);
      return;
    }

  ret = readfn (d, len, path, &pl, &err);
  if (ret < 0)
    fail_msg ("%s", err->msg);
  assert_int_equal (pl.n, nexp);
  for (i = 0; i < pl.n; i++)
    {
      const og_package *p = &pl.pkgs[i];
      cleanup_free char *nvra = og_xasprintf ("%s-%s-%s.%s", p->name, p->version, p->release,
                                              p->arch ? p->arch : "(none)");
      assert_string_equal (nvra, exp[i]);
    }
  og_pkglist_clear (&pl);
  fx_free_lines (exp, nexp);
}

#define REAL_BDB "rpm/libuuid/Packages", "rpm/libuuid/EXPECTED-nvra.rpm418.txt"
#define REAL_NDB "rpm/sle15-bci/Packages.db", "rpm/sle15-bci/EXPECTED-nvra.gotest.txt"

static void
test_real_bdb_libuuid_blobs (void **state)
{
  check_real (REAL_BDB, og_rpmdb_bdb_foreach, NULL);
}

static void
test_real_bdb_libuuid_read (void **state)
{
  check_real (REAL_BDB, og_rpmdb_bdb_foreach, og_rpmdb_bdb_read);
}

static void
test_real_ndb_sle15_blobs (void **state)
{
  check_real (REAL_NDB, og_rpmdb_ndb_foreach, NULL);
}

static void
test_real_ndb_sle15_read (void **state)
{
  check_real (REAL_NDB, og_rpmdb_ndb_foreach, og_rpmdb_ndb_read);
}

/* ---- databases made by rpm and db5.3_load ($OG_RPMDB_FIXTURES) -------------- */

/* Walk the database and check it against the blobs rpm stored in sqlite and
   the order in order.txt (rpm bdb_ro's -qa for Berkeley DB; block order for
   NDB).  Fills *got.  */
static void
check_fixture (const char *variant, const char *file, foreach_fn fn, uint8_t **data, size_t *len,
               blobs *got)
{
  cleanup_free char *path = og_xasprintf ("%s/%s/%s", fixtures (), variant, file);
  cleanup_free char *order_path = og_xasprintf ("%s/%s/order.txt", fixtures (), variant);
  cleanup_free char *list_path = og_xasprintf ("%s/blobs.txt", fixtures ());
  og_error *err = NULL;
  char **order, **list;
  size_t norder, nlist, i, big = 0;

  *data = fx_slurp (path, len);
  assert_non_null (*data);
  if (fn (*data, *len, path, collect, got, &err) < 0)
    fail_msg ("%s", err->msg);
  order = fx_read_lines (order_path, &norder);
  list = fx_read_lines (list_path, &nlist);
  assert_true (nlist >= 5);
  /* Exactly the blobs in the sqlite database, each once...  */
  assert_int_equal (got->n, nlist);
  assert_int_equal (norder, nlist);
  for (i = 0; i < got->n; i++)
    {
      cleanup_free char *bp = og_xasprintf ("%s/blobs/%u.bin", fixtures (), got->recno[i]);
      cleanup_free uint8_t *want = NULL;
      size_t wlen;

      want = fx_slurp (bp, &wlen);
      if (want == NULL)
        fail_msg ("%s: record %u is not in the sqlite database", variant, got->recno[i]);
      assert_int_equal (got->len[i], wlen);
      assert_memory_equal (got->blob[i], want, wlen);
      /* ...in rpm's order.  */
      assert_int_equal (got->recno[i], strtoul (order[i], NULL, 10));
      if (wlen > 4096)
        big++;
    }
  /* One package is bigger than any page: it went through overflow pages.  */
  assert_true (big >= 1);
  fx_free_lines (order, norder);
  fx_free_lines (list, nlist);
}

/* A database made by the real tools: what rpm stored, then 1500 hostile copies.  */
static void
db_fixture (const char *variant, const char *file, foreach_fn fn)
{
  cleanup_free uint8_t *d = NULL;
  size_t len;
  blobs good = { 0 };

  check_fixture (variant, file, fn, &d, &len, &good);
  hostile_sweep (fn, d, len, &good, 1500);
  blobs_clear (&good);
}

static void
bdb_fixture (const char *variant)
{
  db_fixture (variant, "Packages", og_rpmdb_bdb_foreach);
}

static void
test_bdb_le_4096 (void **state)
{
  bdb_fixture ("bdb-le-4096");
}
static void
test_bdb_be_4096 (void **state)
{
  bdb_fixture ("bdb-be-4096");
}
static void
test_bdb_le_512 (void **state)
{
  bdb_fixture ("bdb-le-512");
}
static void
test_bdb_be_512 (void **state)
{
  bdb_fixture ("bdb-be-512");
}

/* Test-side view of a Berkeley DB file, to plant precise lies.  */
typedef struct tdb
{
  uint8_t *d;
  size_t len;
  bool be;
  uint32_t ps, last;
} tdb;

static uint32_t
get32 (const tdb *t, size_t off)
{
  const uint8_t *p = t->d + off;
  return t->be ? (uint32_t)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3]
               : (uint32_t)p[3] << 24 | p[2] << 16 | p[1] << 8 | p[0];
}

static uint16_t
get16 (const tdb *t, size_t off)
{
  const uint8_t *p = t->d + off;
  return t->be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static void
set16 (tdb *t, size_t off, uint16_t v)
{
  t->d[off + (t->be ? 0 : 1)] = (uint8_t)(v >> 8);
  t->d[off + (t->be ? 1 : 0)] = (uint8_t)v;
}

/* The first hash item (page, index) whose data is H_OFFPAGE on a chain of
   more than two overflow pages.  */
static bool
find_offpage (const tdb *t, uint32_t *page, uint32_t *idx)
{
  uint32_t pg, i;
  for (pg = 1; pg <= t->last; pg++)
    {
      size_t base = (size_t)pg * t->ps;
      uint16_t n = get16 (t, base + 20);
      if (t->d[base + 25] != 13 && t->d[base + 25] != 2)
        continue;
      for (i = 1; i < n; i += 2)
        if (t->d[base + get16 (t, base + 26 + 2 * i)] == 3
            && get32 (t, base + get16 (t, base + 26 + 2 * i) + 8) > 2 * t->ps)
          {
            *page = pg;
            *idx = i;
            return true;
          }
    }
  return false;
}

static void
bdb_lies (const char *variant)
{
  cleanup_free uint8_t *orig = NULL;
  blobs good = { 0 };
  tdb t;
  uint32_t page = 0, idx = 0, ovpg, tlen;
  size_t base, item;

  check_fixture (variant, "Packages", og_rpmdb_bdb_foreach, &orig, &t.len, &good);
  t.d = og_xmalloc (t.len);
  memcpy (t.d, orig, t.len);
  t.be = orig[12] == 0x00;
  t.ps = get32 (&t, 20);
  t.last = get32 (&t, 32);
  assert_true (find_offpage (&t, &page, &idx));
  base = (size_t)page * t.ps;
  item = base + get16 (&t, base + 26 + 2 * idx);
  ovpg = get32 (&t, item + 4);
  tlen = get32 (&t, item + 8);

#define RESET()       memcpy (t.d, orig, t.len)
#define PUT32(off, v) fx_put32 (t.d + (off), (v), t.be)
  /* An overflow chain that loops back on itself.  */
  PUT32 ((size_t)ovpg * t.ps + 16, ovpg);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "loops");
  RESET ();
  /* An off-page item pointing past the last page.  */
  PUT32 (item + 4, t.last + 100);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "out of range");
  RESET ();
  /* ... into a file cut short (last_pgno still claims the pages).  */
  check_outcome (og_rpmdb_bdb_foreach, t.d, (size_t)(ovpg + 1) * t.ps - 1, &good, NULL);
  /* An off-page item at the metadata page (pgno 0).  */
  PUT32 (item + 4, 0);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "overflow chain ends");
  RESET ();
  /* Longer and shorter than the chain holds.  */
  PUT32 (item + 8, tlen + 1000);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "overflow chain ends");
  RESET ();
  PUT32 (item + 8, tlen - 1);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "do not fit");
  RESET ();
  PUT32 (item + 8, 0xfffffff0u);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "off-page item of");
  RESET ();
  /* An overflow page that says it is another page.  */
  PUT32 ((size_t)ovpg * t.ps + 8, ovpg + 1);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "says it is page");
  RESET ();
  /* An overflow page whose data length runs past the page.  */
  set16 (&t, (size_t)ovpg * t.ps + 22, (uint16_t)(t.ps - 10));
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "do not fit");
  RESET ();
  /* Item offsets past the page, and items that overlap.  */
  set16 (&t, base + 26 + 2 * idx, (uint16_t)(t.ps + 8));
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "outside the page");
  RESET ();
  set16 (&t, base + 26 + 2 * idx, 3);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "outside the page");
  RESET ();
  /* Too many entries for the page.  */
  set16 (&t, base + 20, (uint16_t)t.ps);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "entries");
  RESET ();
  /* A hash page chain that loops (the page chains to itself).  */
  PUT32 (base + 16, page);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "reached twice");
  RESET ();
  /* A wrong page type in the bucket chain, and a duplicate item.  */
  t.d[base + 25] = 5;
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "not a hash page");
  RESET ();
  t.d[item] = 4;
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "duplicate");
  RESET ();
  /* The overflow chain leads to a hash page.  */
  PUT32 (item + 4, page);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, "of type");
  RESET ();
  assert_memory_equal (t.d, orig, t.len);
  check_outcome (og_rpmdb_bdb_foreach, t.d, t.len, &good, NULL);
#undef RESET
#undef PUT32
  free (t.d);
  blobs_clear (&good);
}

static void
test_bdb_lies_le (void **state)
{
  bdb_lies ("bdb-le-512");
}
static void
test_bdb_lies_be (void **state)
{
  bdb_lies ("bdb-be-4096");
}

static void
ndb_fixture (const char *variant)
{
  db_fixture (variant, "Packages.db", og_rpmdb_ndb_foreach);
}

static void
test_ndb (void **state)
{
  ndb_fixture ("ndb");
}
static void
test_ndb_2pages (void **state)
{
  ndb_fixture ("ndb-2pages");
}

static void
test_ndb_lies (void **state)
{
  cleanup_free uint8_t *orig = NULL;
  uint8_t *d;
  blobs good = { 0 };
  size_t len, s1 = 32, s2 = 0, off;
  uint32_t blkoff, blkcnt;

  check_fixture ("ndb", "Packages.db", og_rpmdb_ndb_foreach, &orig, &len, &good);
  d = og_xmalloc (len);
  memcpy (d, orig, len);
  /* The first two used slots.  */
  if (d[32 + 8] == 0 && d[32 + 9] == 0)
    s1 = 48;
  for (off = s1 + 16; off < 4096; off += 16)
    if (d[off + 8] || d[off + 9] || d[off + 10] || d[off + 11])
      {
        s2 = off;
        break;
      }
  assert_true (s2 != 0);
  blkoff = d[s1 + 8] | d[s1 + 9] << 8 | (uint32_t)d[s1 + 10] << 16;
  blkcnt = d[s1 + 12] | d[s1 + 13] << 8 | (uint32_t)d[s1 + 14] << 16;

#define RESET() memcpy (d, orig, len)
  fx_put32 (d + s1 + 8, (uint32_t)(len / 16) + 10, false);
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "outside the blob area");
  RESET ();
  fx_put32 (d + s1 + 12, 0xfffffff0u, false);
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "outside the blob area");
  RESET ();
  fx_put32 (d + s1 + 8, 3, false); /* inside the slot pages */
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "outside the blob area");
  RESET ();
  d[(size_t)blkoff * 16 + 16 + 100] ^= 0x40;
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "adler32");
  RESET ();
  off = (size_t)blkoff * 16 + 12;
  fx_put32 (d + off,
            orig[off] + ((uint32_t)orig[off + 1] << 8) + ((uint32_t)orig[off + 2] << 16) + 64,
            false);
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "does not match");
  RESET ();
  off = (size_t)(blkoff + blkcnt) * 16 - 8; /* the tail's bloblen */
  d[off] ^= 1;
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "bad blob tail");
  RESET ();
  d[(size_t)(blkoff + blkcnt) * 16 - 1] = 'X';
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "bad blob tail");
  RESET ();
  d[(size_t)blkoff * 16] = 'X';
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "no blob head");
  RESET ();
  memcpy (d + s2 + 8, d + s1 + 8, 4); /* two slots, one blob */
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "overlap");
  RESET ();
  memcpy (d + s2 + 4, d + s1 + 4, 4);
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "two slots");
  RESET ();
  d[s2] = 'X';
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "bad magic");
  RESET ();
  fx_put32 (d + 12, 0xffffffffu, false);
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, "slot pages");
  RESET ();
  check_outcome (og_rpmdb_ndb_foreach, d, len, &good, NULL);
#undef RESET
  free (d);
  blobs_clear (&good);
}

int
main (void)
{
  const struct CMUnitTest plain[] = {
    cmocka_unit_test (test_garbage_is_refused),   cmocka_unit_test (test_bdb_metadata_checks),
    cmocka_unit_test (test_ndb_layout_checks),    cmocka_unit_test (test_real_bdb_libuuid_blobs),
    cmocka_unit_test (test_real_ndb_sle15_blobs), cmocka_unit_test (test_real_bdb_libuuid_read),
    cmocka_unit_test (test_real_ndb_sle15_read),
  };
  const struct CMUnitTest made[] = {
    cmocka_unit_test (test_bdb_le_4096), cmocka_unit_test (test_bdb_be_4096),
    cmocka_unit_test (test_bdb_le_512),  cmocka_unit_test (test_bdb_be_512),
    cmocka_unit_test (test_bdb_lies_le), cmocka_unit_test (test_bdb_lies_be),
    cmocka_unit_test (test_ndb),         cmocka_unit_test (test_ndb_2pages),
    cmocka_unit_test (test_ndb_lies),
  };

  /* tests/integration/rpmdb_backends.sh builds the databases and runs this
     with $OG_RPMDB_FIXTURES; the unit suite runs the rest.  */
  if (fixtures () != NULL)
    return cmocka_run_group_tests_name ("rpmdb_backends", made, NULL, NULL);
  return cmocka_run_group_tests_name ("rpmdb", plain, NULL, NULL);
}
