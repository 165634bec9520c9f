/* The bounds-checked reader on truncated and hostile input.  */
#include "fixtures.h"

#include "base/reader.h"

static void
test_integers_both_orders (void **state)
{
  static const uint8_t d[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08 };
  og_reader r;
  uint16_t v16;
  uint32_t v32;
  uint64_t v64;

  og_reader_init (&r, d, sizeof d);
  assert_true (og_reader_u16le (&r, &v16));
  assert_int_equal (v16, 0x0201);
  assert_true (og_reader_u16be (&r, &v16));
  assert_int_equal (v16, 0x0304);
  assert_true (og_reader_u32le (&r, &v32));
  assert_int_equal (v32, 0x08070605);
  assert_true (og_reader_at_end (&r));

  og_reader_init (&r, d, sizeof d);
  assert_true (og_reader_u64be (&r, &v64));
  assert_true (v64 == 0x0102030405060708ull);
  og_reader_init (&r, d, sizeof d);
  assert_true (og_reader_u64le (&r, &v64));
  assert_true (v64 == 0x0807060504030201ull);
  og_reader_init (&r, d, sizeof d);
  assert_true (og_reader_u32 (&r, true, &v32));
  assert_int_equal (v32, 0x01020304);
}

static void
test_truncated_reads_fail_and_do_not_move (void **state)
{
  static const uint8_t d[] = { 0xaa, 0xbb, 0xcc };
  og_reader r;
  uint32_t v32 = 7;
  uint16_t v16;
  uint8_t v8;

  og_reader_init (&r, d, sizeof d);
  assert_false (og_reader_u32le (&r, &v32));
  assert_int_equal (v32, 7);
  assert_int_equal (r.pos, 0);
  assert_true (og_reader_u16be (&r, &v16));
  assert_int_equal (v16, 0xaabb);
  assert_false (og_reader_u16be (&r, &v16));
  assert_int_equal (r.pos, 2);
  assert_true (og_reader_u8 (&r, &v8));
  assert_int_equal (v8, 0xcc);
  assert_false (og_reader_u8 (&r, &v8));

  og_reader_init (&r, NULL, 100);
  assert_int_equal (og_reader_remaining (&r), 0);
  assert_false (og_reader_u8 (&r, &v8));
}

static void
test_hostile_offsets_and_lengths (void **state)
{
  static const uint8_t d[16] = { 0 };
  og_reader r, sub;
  const uint8_t *p;
  uint32_t v;

  og_reader_init (&r, d, sizeof d);
  /* Offsets and lengths that overflow when added must not wrap around.  */
  assert_false (og_reader_sub (&r, UINT64_MAX, 2, &sub));
  assert_false (og_reader_sub (&r, 8, UINT64_MAX - 4, &sub));
  assert_false (og_reader_sub (&r, 17, 0, &sub));
  assert_true (og_reader_sub (&r, 16, 0, &sub));
  assert_int_equal (og_reader_remaining (&sub), 0);
  assert_true (og_reader_sub (&r, 4, 12, &sub));
  assert_int_equal (sub.len, 12);
  assert_false (og_reader_skip (&r, 17));
  assert_false (og_reader_skip (&r, UINT64_MAX));
  assert_true (og_reader_skip (&r, 16));
  assert_false (og_reader_bytes (&r, 1, &p));
  assert_false (og_reader_seek (&r, 17));
  assert_false (og_reader_u32_at (&r, 13, false, &v));
  assert_false (og_reader_u32_at (&r, UINT64_MAX - 1, false, &v));
  assert_true (og_reader_u32_at (&r, 12, false, &v));
}

static void
test_strings_bounded (void **state)
{
  static const uint8_t d[] = { 'a', 'b', 0, 'c', 'd', 'e', 'f' };
  og_reader r;
  const char *s;
  size_t n;

  og_reader_init (&r, d, sizeof d);
  assert_true (og_reader_cstr (&r, 16, &s, &n));
  assert_int_equal (n, 2);
  assert_string_equal (s, "ab");
  assert_int_equal (r.pos, 3);
  /* "cdef" has no NUL before the end: refused, cursor unchanged.  */
  assert_false (og_reader_cstr (&r, 16, &s, &n));
  assert_int_equal (r.pos, 3);
  /* A NUL beyond max is refused too.  */
  og_reader_init (&r, d, sizeof d);
  assert_false (og_reader_cstr (&r, 2, &s, &n));
  assert_true (og_reader_cstr (&r, 3, &s, &n));
  assert_false (og_reader_cstr_at (&r, 7, 16, &s, &n));
  assert_false (og_reader_cstr_at (&r, UINT64_MAX, 16, &s, &n));
}

static void
test_lines (void **state)
{
  static const char d[] = "one\n\nthree-is-long\nlast";
  og_reader r;
  const char *l;
  size_t n;

  og_reader_init (&r, d, sizeof d - 1);
  assert_true (og_reader_line (&r, 64, &l, &n));
  assert_int_equal (n, 3);
  assert_memory_equal (l, "one", 3);
  assert_true (og_reader_line (&r, 64, &l, &n));
  assert_int_equal (n, 0);
  assert_false (og_reader_line (&r, 5, &l, &n)); /* longer than max */
  assert_true (og_reader_line (&r, 64, &l, &n));
  assert_int_equal (n, 13);
  assert_true (og_reader_line (&r, 64, &l, &n));
  assert_memory_equal (l, "last", 4);
  assert_false (og_reader_line (&r, 64, &l, &n));
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_integers_both_orders),
         cmocka_unit_test (test_truncated_reads_fail_and_do_not_move),
         cmocka_unit_test (test_hostile_offsets_and_lengths),
         cmocka_unit_test (test_strings_bounded), cmocka_unit_test (test_lines));
