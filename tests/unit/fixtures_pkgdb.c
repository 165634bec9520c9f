/* The shared unit-test helper for package-database parsers (fixtures.h); apart
   from fixtures.c because catalog/pkgdb/pkgdb.h and base/digest.h clash.  */
#include "fixtures.h"

#include <string.h>

#include "base/util.h"
#include "catalog/pkgdb/pkgdb.h"

void
fx_parse_ok (fx_pkgdb_parse_fn parse, const char *name, const char *text, og_pkglist *l)
{
  og_error *err = NULL;
  if (parse ((const uint8_t *)text, strlen (text), name, l, &err) != 0)
    fail_msg ("parsing %s: %s", name, err ? err->msg : "failed with no message");
}

void
fx_assert_parse_error (fx_pkgdb_parse_fn parse, const char *name, const char *text,
                       const char *want)
{
  fx_assert_parse_error_deps (parse, false, name, text, want);
}

void
fx_assert_parse_error_deps (fx_pkgdb_parse_fn parse, bool with_deps, const char *name,
                            const char *text, const char *want)
{
  og_pkglist l = { .with_deps = with_deps };
  og_error *err = NULL;
  assert_int_equal (parse ((const uint8_t *)text, strlen (text), name, &l, &err), -1);
  assert_non_null (err);
  if (strstr (err->msg, want) == NULL)
    fail_msg ("message '%s' lacks '%s'", err->msg, want);
  assert_int_equal (l.n, 0);
  og_error_free (err);
  og_pkglist_clear (&l);
}

void
fx_assert_text_limits (fx_pkgdb_parse_fn parse, const char *name, const char *with_nul,
                       size_t nul_len, int nul_line, const char *head, size_t size)
{
  size_t hl = strlen (head);
  cleanup_free char *nul_msg = og_xasprintf ("%s:%d: NUL byte in a text database", name, nul_line);
  cleanup_free char *long_msg = og_xasprintf ("%s:2: line longer than", name);
  cleanup_free char *huge = og_xmalloc (hl + size + 1);
  og_pkglist l = { 0 };
  og_error *err = NULL;

  assert_int_equal (parse ((const uint8_t *)with_nul, nul_len, name, &l, &err), -1);
  assert_string_equal (err->msg, nul_msg);
  assert_int_equal (l.n, 0);
  og_error_freep (&err);

  memcpy (huge, head, hl);
  memset (huge + hl, 'x', size);
  huge[hl + size] = '\0';
  fx_assert_parse_error (parse, name, huge, long_msg);
  og_pkglist_clear (&l);
}

void
fx_assert_prefixes_parse (fx_pkgdb_parse_fn parse, const char *name, const char *text,
                          size_t max_pkgs)
{
  size_t len = strlen (text);
  for (size_t i = 0; i <= len; i++)
    {
      og_pkglist l = { 0 };
      og_error *err = NULL;
      cleanup_free uint8_t *copy = og_xmalloc (i ? i : 1);
      memcpy (copy, text, i);
      if (parse (copy, i, name, &l, &err) < 0)
        {
          assert_non_null (err);
          assert_int_equal (l.n, 0);
          og_error_free (err);
        }
      else
        assert_true (l.n <= max_pkgs);
      og_pkglist_clear (&l);
    }
}
