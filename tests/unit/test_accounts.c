/* passwd(5) / group(5) parsing for owner names: the first entry of an id
   wins, comments, NIS compat lines, bad ids and over-long lines are
   skipped, and nothing past the data is read.  */
#include "fixtures.h"

#include "base/util.h"
#include "catalog/accounts.h"

static void
parse (const char *text, size_t len, og_idnames *out)
{
  og_idnames_parse ((const uint8_t *)text, len ? len : strlen (text), out);
}

static void
test_passwd (void **state)
{
  og_idnames u = { 0 };
  (void)state;
  parse ("root:x:0:0:root:/root:/bin/bash\n"
         "# a comment\n"
         "+nisuser::::::\n"
         "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
         "toor:x:0:0:second root:/root:/bin/sh\n"
         "bad:x:12a:1::/:\n"
         "big:x:4294967296:1::/:\n"
         "max:x:4294967295:1::/:\n"
         ":x:5:5::/:\n"
         "sp ace:x:6:6::/:\n"
         "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin",
         0, &u);
  assert_int_equal (u.n, 4);
  assert_string_equal (og_idnames_find (&u, 0), "root"); /* the first of id 0 */
  assert_string_equal (og_idnames_find (&u, 1), "daemon");
  assert_string_equal (og_idnames_find (&u, 65534), "nobody"); /* no final newline */
  assert_string_equal (og_idnames_find (&u, 4294967295u), "max");
  assert_null (og_idnames_find (&u, 5));
  assert_null (og_idnames_find (&u, 6));
  assert_null (og_idnames_find (&u, 12));
  og_idnames_clear (&u);
  assert_int_equal (u.n, 0);
}

static void
test_group_and_limits (void **state)
{
  og_idnames g = { 0 };
  og_buf b = { 0 };
  char big[OG_ACCOUNTS_LINE_MAX + 10];
  const char text[] = "shadow:x:42:\nstaff:x:50:alice";
  (void)state;

  memset (big, 'x', sizeof big);
  big[sizeof big - 1] = '\0';
  og_buf_printf (&b, "%s:x:7:\nwheel:x:10:root\n", big);
  parse (b.data, 0, &g);
  assert_int_equal (g.n, 1); /* the over-long line skipped, the next one kept */
  assert_string_equal (og_idnames_find (&g, 10), "wheel");
  og_buf_free (&b);

  /* Cut in the middle of the last id: only the bytes given are read.  */
  parse (text, strlen ("shadow:x:42:\nstaff:x:5"), &g);
  assert_string_equal (og_idnames_find (&g, 42), "shadow");
  assert_string_equal (og_idnames_find (&g, 5), "staff");
  assert_null (og_idnames_find (&g, 50));
  og_idnames_clear (&g);
  parse ("", 0, &g);
  assert_int_equal (g.n, 0);
  assert_null (og_idnames_find (&g, 0));
}

/* The one wording of an owner: numbers, then names, a number standing in
   for a name one side lacks; no names at all: the numbers alone.  */
static void
test_owner_format (void **state)
{
  const char pw[] = "root:x:0:0::/root:/bin/sh\n";
  const char gr[] = "shadow:x:42:\n";
  og_idnames u = { 0 }, g = { 0 };
  struct
  {
    uint32_t uid, gid;
    const char *want;
  } cases[] = {
    { 0, 42, "0:42 (root:shadow)" },
    { 0, 7, "0:7 (root:7)" },
    { 9, 42, "9:42 (9:shadow)" },
    { 9, 7, "9:7" },
  };
  (void)state;

  parse (pw, 0, &u);
  parse (gr, 0, &g);
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    {
      og_buf b = { 0 };
      og_buf_puts (&b, "x ");
      og_owner_format (&b, &u, &g, cases[i].uid, cases[i].gid);
      assert_string_equal (b.data + 2, cases[i].want); /* appended */
      og_buf_free (&b);
    }
  og_idnames_clear (&u);
  og_idnames_clear (&g);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_passwd), cmocka_unit_test (test_group_and_limits),
         cmocka_unit_test (test_owner_format));
