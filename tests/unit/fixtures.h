/* What every unit test shares: files and trees it makes, value and array checks, bytes,
   parsers and diagnostics, source reads, and the one way to skip a test.  */
#ifndef OG_TEST_FIXTURES_H
#define OG_TEST_FIXTURES_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "json/doc.h"

struct og_pkglist;

/* ---- skipping ----------------------------------------------------------
   A test that needs something the host may lack (a tool, $OG_REAL_FIXTURES,
   a fixture an integration script builds) checks for it first and, when it
   is absent, calls fx_skip ("why"), which leaves the test (by longjmp: no
   cleanup runs, so allocate nothing before it).  The test is reported as
   "ok N - name # SKIP why", which meson and scripts/count-tap.py count as
   skipped, never as passed.  Never leave such a test out of the list, and
   never let it pass without checking.  (cmocka 1.1.5 prints its own skip()
   as "not ok N # SKIP", which TAP counts as a failure; fixtures.c rewrites
   that line, so use fx_skip, not skip().)  The shell tests' counterpart is
   skip in tests/lib/tap.sh; both are described in tests/README.md.  */
#define fx_skip(...)                                                                               \
  do                                                                                               \
    {                                                                                              \
      fx_skip_reason (__VA_ARGS__);                                                                \
      skip ();                                                                                     \
      __builtin_unreachable (); /* cmocka's skip () leaves the test by longjmp */                  \
    }                                                                                              \
  while (0)
void fx_skip_reason (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));

/* Is the program NAME on $PATH?  */
bool fx_has_tool (const char *name);
/* $OG_REAL_FIXTURES/REL (the folder itself when REL is "") when it exists
   (malloc'd), else NULL: ../shared/fixtures/real, see tests/README.md.  */
char *fx_real_fixture (const char *rel);

/* ---- values ------------------------------------------------------------ */

/* got is the string want, or both are NULL; the message names what.  */
void fx_assert_str_or_null (const char *what, const char *got, const char *want);

/* The first element of the array a[0..n) whose string member is key (a
   pointer to it), or NULL: fx_find_str (l->pkgs, l->n, name, "bash").  */
#define fx_find_str(a, n, member, key)                                                             \
  (__extension__({                                                                                 \
    size_t _fx_i = 0;                                                                              \
    while (_fx_i < (n) && strcmp ((a)[_fx_i].member, (key)) != 0)                                  \
      _fx_i++;                                                                                     \
    _fx_i < (n) ? &(a)[_fx_i] : NULL;                                                              \
  }))

/* ---- files the test makes ---------------------------------------------- */

/* A new directory /tmp/og-TAG-XXXXXX (malloc'd).  */
char *fx_tmpdir (const char *tag);
/* rm -rf DIR.  */
void fx_rm_rf (const char *dir);
/* DIR/REL with these bytes, or this text; a directory; a symlink to TARGET
   (the files and the symlink with their missing parents made first).  */
void fx_write (const char *dir, const char *rel, const void *data, size_t len);
void fx_put (const char *dir, const char *rel, const char *text);
void fx_mkdir (const char *dir, const char *rel);
/* chmod DIR/REL to mode, asserting it worked.  */
void fx_chmod (const char *dir, const char *rel, mode_t mode);
void fx_symlink (const char *target, const char *dir, const char *rel);
/* mkdir -p the directories above DIR/REL.  */
void fx_parents (const char *dir, const char *rel);
/* An overlayfs whiteout at DIR/REL (a 0:0 character device, its parents
   made first), and an extended attribute set on DIR/REL itself (not
   followed when it is a symlink), asserting that both worked.  */
void fx_whiteout (const char *dir, const char *rel);
void fx_xattr (const char *dir, const char *rel, const char *name, const char *value);
/* The whole file (malloc'd, *len its size), or NULL when it cannot be read.  */
uint8_t *fx_slurp (const char *path, size_t *len);
/* The lines of a text file, without their newlines; free with fx_free_lines.  */
char **fx_read_lines (const char *path, size_t *n);
void fx_free_lines (char **lines, size_t n);

/* ---- bytes -------------------------------------------------------------- */

/* The sha256 of data in hex (lib/base/digest.h), asserting that it worked.  */
void fx_sha256 (const void *data, size_t len, char *out /* an og_sha256_hex */);
void fx_put32 (uint8_t *p, uint32_t v, bool big_endian);

/* ---- the layer cache's framed files ------------------------------------
   The layer cache entry and the hit memo frame their payload alike
   (lib/catalog/cache_int.h): a 4-byte magic starting 'O', a u32le format,
   the sha256 of the key, a u64le length, the sha256 of the payload, the
   payload.  fx_frame_rejects_fn parses b under key and asserts that it
   fails as content whose message says why (and leaves nothing behind).  */
typedef void (*fx_frame_rejects_fn) (const og_buf *b, const char *key, const char *why);
/* The checks every framed file must pass, on a (written under key; left as
   it was): read under other_key ("key"), one payload bit flipped
   ("checksum"), format + 1 ("format"), another magic ("magic"), one byte
   short ("truncated").  */
void fx_assert_frame_checks (og_buf *a, const char *key, const char *other_key, uint32_t format,
                             fx_frame_rejects_fn rejected);

/* ---- parsers and diagnostics -------------------------------------------- */

/* A package-database parser (og_dpkg_status_parse, og_apk_installed_parse);
   in fixtures_pkgdb.c.  */
typedef int (*fx_pkgdb_parse_fn) (const uint8_t *data, size_t len, const char *name,
                                  struct og_pkglist *out, og_error **err);
/* Parsing text as file NAME succeeds, into l (the test fails with the
   parser's message when not).  */
void fx_parse_ok (fx_pkgdb_parse_fn parse, const char *name, const char *text,
                  struct og_pkglist *l);
/* Parsing text as file NAME fails with a message containing want, and
   leaves no packages.  */
void fx_assert_parse_error (fx_pkgdb_parse_fn parse, const char *name, const char *text,
                            const char *want);
/* The same, with the dependency fields read (og_pkglist.with_deps) or not.  */
void fx_assert_parse_error_deps (fx_pkgdb_parse_fn parse, bool with_deps, const char *name,
                                 const char *text, const char *want);

/* The limits of a line-based text database: with_nul[0..nul_len) fails
   with exactly "NAME:NUL_LINE: NUL byte in a text database", and head (which
   ends line 1) followed by a line of size bytes with "NAME:2: line longer
   than"; neither leaves packages.  */
void fx_assert_text_limits (fx_pkgdb_parse_fn parse, const char *name, const char *with_nul,
                            size_t nul_len, int nul_line, const char *head, size_t size);

/* Every prefix of text (each copied to a buffer of its exact size, so that
   ASan sees an overread) parses to at most max_pkgs packages, or fails with
   an error and leaves no packages.  */
void fx_assert_prefixes_parse (fx_pkgdb_parse_fn parse, const char *name, const char *text,
                               size_t max_pkgs);

/* d holds exactly one diagnostic, whose message contains what, at the line
   and column (from 1) of the first occurrence of at in text; columns count
   UTF-8 characters when utf8, else bytes.  All of them are printed first
   when not.  */
void fx_assert_one_diag_at (const og_diags *d, const char *text, const char *at, bool utf8,
                            const char *what);

/* og_source_resolve_dir (s, path) succeeds with want.  */
struct og_source;
void fx_assert_resolves (struct og_source *s, const char *path, const char *want);
/* og_source_read_file (s, path, max) reads exactly want[0..len), or the text want.  */
void fx_assert_reads_bytes (struct og_source *s, const char *path, size_t max, const void *want,
                            size_t len);
void fx_assert_reads (struct og_source *s, const char *path, size_t max, const char *want);
/* og_source_read_file (s, path, max) finds nothing there (1), when why is
   NULL, or fails (-1) with a message containing why.  */
void fx_assert_read_fails (struct og_source *s, const char *path, size_t max, const char *why);

/* ---- main --------------------------------------------------------------
   The main () of a unit test that runs one group: FX_MAIN (setup, teardown,
   cmocka_unit_test (a), cmocka_unit_test (b), ...); FX_MAIN_NAMED gives the
   group a name of its own (what cmocka prints for it).  A test with a main
   of another shape (a group chosen at run time, work before or after the
   group) writes its own.  */
#define FX_MAIN_NAMED(name, setup, teardown, ...)                                                  \
  int main (void)                                                                                  \
  {                                                                                                \
    const struct CMUnitTest tests[] = { __VA_ARGS__ };                                             \
    return cmocka_run_group_tests_name (name, tests, setup, teardown);                             \
  }
/* cmocka_run_group_tests names the group after its array: "tests".  */
#define FX_MAIN(setup, teardown, ...) FX_MAIN_NAMED ("tests", setup, teardown, __VA_ARGS__)

#endif
