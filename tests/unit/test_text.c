/* Safe text: UTF-8 validity (the RFC 3629 syntax, cases from Markus Kuhn's
   UTF-8 decoder stress test), escaping for one-line records, lossy UTF-8,
   base64 (the RFC 4648 section 10 test vectors) and hex read back.  */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "base/text.h"
#include "fixtures.h"

static void
test_utf8_valid (void **state)
{
  static const struct
  {
    const char *s;
    bool valid;
  } cases[] = {
    { "", true },
    { "/usr/bin/ls", true },
    { "\xc3\xa9", true },         /* U+00E9 */
    { "\xef\xbf\xbd", true },     /* U+FFFD */
    { "\xf0\x9f\x98\x80", true }, /* U+1F600 */
    { "\xf4\x8f\xbf\xbf", true }, /* U+10FFFF, the last code point */
    { "\xff", false },            /* never in UTF-8 */
    { "\xfe\xff", false },
    { "\xc0\xaf", false },         /* overlong "/" */
    { "\xe0\x80\xaf", false },     /* overlong "/" in three bytes */
    { "\xf0\x80\x80\xaf", false }, /* overlong "/" in four bytes */
    { "\xed\xa0\x80", false },     /* U+D800, a surrogate */
    { "\xf4\x90\x80\x80", false }, /* above U+10FFFF */
    { "\xc3", false },             /* truncated */
    { "a\x80z", false },           /* a lone continuation byte */
  };
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    assert_int_equal (og_utf8_valid (cases[i].s, strlen (cases[i].s)), cases[i].valid);
}

static void
test_escape (void **state)
{
  static const struct
  {
    const char *in, *out;
  } cases[] = {
    { "/usr/bin/ls", "/usr/bin/ls" },
    { "a\nocigate: launch allowed", "a\\nocigate: launch allowed" },
    { "esc\x1b[31m", "esc\\x1b[31m" },
    { "tab\there", "tab\\there" },
    { "back\\slash", "back\\\\slash" },
    { "del\x7f", "del\\x7f" },
    { "\xff\xfe", "\\xff\\xfe" },
    { "over\xc0\xaflong", "over\\xc0\\xaflong" },
    { "csi\xc2\x9b"
      "2J",
      "csi\\xc2\\x9b2J" }, /* U+009B, the 8-bit CSI */
    { "caf\xc3\xa9", "caf\xc3\xa9" },
  };
  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
    {
      char *e = og_text_escaped (cases[i].in);
      assert_string_equal (e, cases[i].out);
      assert_true (og_utf8_valid (e, strlen (e)));
      for (const char *p = e; *p; p++)
        assert_false ((unsigned char)*p < 0x20 || *p == 0x7f);
      free (e);
    }
}

static void
test_lossy (void **state)
{
  char *s = og_utf8_lossy ("a\xff"
                           "b\xc3\xa9",
                           5);
  (void)state;
  assert_string_equal (s, "a\xef\xbf\xbd"
                          "b\xc3\xa9");
  free (s);
}

static void
test_base64 (void **state)
{
  static const char *const want[]
      = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
  (void)state;
  for (size_t n = 0; n <= 6; n++)
    {
      char *b = og_base64 ("foobar", n);
      assert_string_equal (b, want[n]);
      free (b);
    }
}

/* og_base64_decode reads the RFC 4648 vectors back, and refuses what is
   not exactly that many bytes of padded base64.  */
static void
test_base64_decode (void **state)
{
  static const char *const vec[]
      = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
  uint8_t out[8];
  (void)state;
  for (size_t n = 0; n <= 6; n++)
    {
      memset (out, 0, sizeof out);
      assert_true (og_base64_decode (vec[n], strlen (vec[n]), out, n));
      assert_memory_equal (out, "foobar", n);
      if (n > 0)
        assert_false (og_base64_decode (vec[n], strlen (vec[n]), out, n - 1));
      assert_false (og_base64_decode (vec[n], strlen (vec[n]), out, n + 1));
    }
  assert_false (og_base64_decode ("Zm9", 3, out, 2));      /* not a multiple of 4 */
  assert_false (og_base64_decode ("Zm9*", 4, out, 3));     /* outside the alphabet */
  assert_false (og_base64_decode ("Zg=a", 4, out, 1));     /* padding in the middle */
  assert_false (og_base64_decode ("Zh==", 4, out, 1));     /* padding bits not zero */
  assert_false (og_base64_decode ("Zg\0=", 4, out, 1));   /* a NUL is no digit */
  assert_true (og_base64_decode ("+/+/", 4, out, 3));
  assert_int_equal (out[0], 0xfb);
  assert_int_equal (out[1], 0xff);
  assert_int_equal (out[2], 0xbf);
}

/* og_hex_decode reads back what og_hex writes, either case, and refuses
   anything that is not 2*N hex digits.  */
static void
test_hex_decode (void **state)
{
  uint8_t all[256], back[256];
  char hex[2 * 256 + 1];
  (void)state;
  for (size_t i = 0; i < sizeof all; i++)
    all[i] = (uint8_t)(255 - i);
  og_hex (all, sizeof all, hex);
  memset (back, 0, sizeof back);
  assert_true (og_hex_decode (hex, sizeof all, back));
  assert_memory_equal (back, all, sizeof all);

  assert_true (og_hex_decode ("00fFaB9c", 4, back));
  assert_int_equal (back[0], 0x00);
  assert_int_equal (back[1], 0xff);
  assert_int_equal (back[2], 0xab);
  assert_int_equal (back[3], 0x9c);
  /* Only the first 2*N characters count.  */
  assert_true (og_hex_decode ("7fzz", 1, back));
  assert_int_equal (back[0], 0x7f);
  assert_true (og_hex_decode ("", 0, back));

  assert_false (og_hex_decode ("0g", 1, back));
  assert_false (og_hex_decode ("g0", 1, back));
  assert_false (og_hex_decode (" 1", 1, back));
  assert_false (og_hex_decode ("0x", 1, back));
  assert_false (og_hex_decode ("abc", 2, back)); /* ends at the NUL */
  assert_false (og_hex_decode ("ab", 2, back));
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_utf8_valid), cmocka_unit_test (test_escape),
         cmocka_unit_test (test_lossy), cmocka_unit_test (test_base64),
         cmocka_unit_test (test_base64_decode), cmocka_unit_test (test_hex_decode));
