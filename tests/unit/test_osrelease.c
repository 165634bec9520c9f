/* os-release parsing: quoting, escapes, comments, junk.  */
#include "fixtures.h"

#include "catalog/osrelease.h"
#include "base/util.h"

/* Input and every field it must give (NULL: absent; ANY: os-release(5) gives
   no answer, nothing asserted).  len 0: strlen.  */
static const char ANY[] = "(any)";
typedef struct osr_case
{
  const char *text;
  size_t len;
  const char *id, *version_id, *pretty_name, *name, *version_codename;
} osr_case;

static void
check_cases (const osr_case *cases, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      const osr_case *c = &cases[i];
      og_osrelease o;
      memset (&o, 0, sizeof o);
      og_osrelease_parse ((const uint8_t *)c->text, c->len ? c->len : strlen (c->text), &o);
#define FIELD(f)                                                                                   \
  do                                                                                               \
    {                                                                                              \
      if (c->f == ANY)                                                                             \
        break;                                                                                     \
      if (c->f == NULL)                                                                            \
        assert_null (o.f);                                                                         \
      else                                                                                         \
        assert_string_equal (o.f, c->f);                                                           \
    }                                                                                              \
  while (0)
      FIELD (id);
      FIELD (version_id);
      FIELD (pretty_name);
      FIELD (name);
      FIELD (version_codename);
#undef FIELD
      og_osrelease_clear (&o);
    }
}

static void
test_debian (void **state)
{
  static const osr_case cases[] = {
    { "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n"
      "VERSION_ID=\"12\"\nVERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n",
      0, "debian", "12", "Debian GNU/Linux 12 (bookworm)", "Debian GNU/Linux", "bookworm" },
  };
  check_cases (cases, OG_ARRAY_SIZE (cases));
}

static void
test_quoting (void **state)
{
  static const osr_case cases[] = {
    { "# comment\n  ID='rhel'\nVERSION_ID=\"8.8\"   \r\nPRETTY_NAME=\"say \\\"hi\\\" \\$x\"\n"
      "NAME='it''s'\n",
      0, "rhel", "8.8", "say \"hi\" $x", ANY /* concatenated quotes: not supported */, NULL },
  };
  check_cases (cases, OG_ARRAY_SIZE (cases));
}

static void
test_junk (void **state)
{
  static const char nul[] = "ID=a\0b\nVERSION_ID=3\n";
  static const osr_case cases[] = {
    { "garbage without equals\n=novalue\nID\nID=ok\n", 0, "ok", NULL, NULL, NULL, NULL },
    /* A NUL inside a line drops the line.  */
    { nul, sizeof nul - 1, NULL, "3", NULL, NULL, NULL },
    { "", 0, NULL, NULL, NULL, NULL, NULL },
  };
  char big[10000];
  og_buf b = { 0 };

  check_cases (cases, OG_ARRAY_SIZE (cases));
  /* An over-long line is skipped; what follows still counts.  */
  memset (big, 'x', sizeof big);
  big[sizeof big - 1] = '\0';
  og_buf_puts (&b, "PRETTY_NAME=");
  og_buf_puts (&b, big);
  og_buf_puts (&b, "\nID=after\n");
  {
    const osr_case overlong[] = { { b.data, 0, "after", NULL, NULL, NULL, NULL } };
    check_cases (overlong, 1);
  }
  og_buf_free (&b);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_debian), cmocka_unit_test (test_quoting),
         cmocka_unit_test (test_junk));
