/* os-release parsing: quoting, escapes, comments, junk.  */
#include "fixtures.h"

#include "catalog/osrelease.h"
#include "base/util.h"

static void
parse (const char *text, og_osrelease *o)
{
  memset (o, 0, sizeof *o);
  og_osrelease_parse ((const uint8_t *) text, strlen (text), o);
}

static void
test_debian (void **state)
{
  og_osrelease o;
  parse ("PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
         "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
         &o);
  assert_string_equal (o.id, "debian");
  assert_string_equal (o.version_id, "12");
  assert_string_equal (o.pretty_name, "Debian GNU/Linux 12 (bookworm)");
  assert_string_equal (o.version_codename, "bookworm");
  og_osrelease_clear (&o);
}

static void
test_quoting (void **state)
{
  og_osrelease o;
  parse ("# comment\n  ID='rhel'\nVERSION_ID=\"8.8\"   \r\nPRETTY_NAME=\"say \\\"hi\\\" \\$x\"\n"
         "NAME='it''s'\n",
         &o);
  assert_string_equal (o.id, "rhel");
  assert_string_equal (o.version_id, "8.8");
  assert_string_equal (o.pretty_name, "say \"hi\" $x");
  og_osrelease_clear (&o);
}

static void
test_junk (void **state)
{
  og_osrelease o;
  char big[10000];
  memset (big, 'x', sizeof big);
  big[sizeof big - 1] = '\0';
  parse ("garbage without equals\n=novalue\nID\nID=ok\n", &o);
  assert_string_equal (o.id, "ok");
  assert_null (o.version_id);
  og_osrelease_clear (&o);
  /* An over-long line is skipped; what follows still counts.  */
  {
    og_buf b = { 0 };
    og_buf_puts (&b, "PRETTY_NAME=");
    og_buf_puts (&b, big);
    og_buf_puts (&b, "\nID=after\n");
    parse (b.data, &o);
    assert_null (o.pretty_name);
    assert_string_equal (o.id, "after");
    og_osrelease_clear (&o);
    og_buf_free (&b);
  }
  /* A NUL inside a line drops the line.  */
  {
    static const uint8_t nul[] = "ID=a\0b\nVERSION_ID=3\n";
    memset (&o, 0, sizeof o);
    og_osrelease_parse (nul, sizeof nul - 1, &o);
    assert_null (o.id);
    assert_string_equal (o.version_id, "3");
    og_osrelease_clear (&o);
  }
  parse ("", &o);
  assert_null (o.id);
  og_osrelease_clear (&o);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_debian),
    cmocka_unit_test (test_quoting),
    cmocka_unit_test (test_junk),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
