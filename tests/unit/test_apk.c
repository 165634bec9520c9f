/* The apk installed-database reader on small databases and hostile input.  */
#include "fixtures.h"

#include "catalog/pkgdb/pkgdb.h"
#include "base/util.h"

static void
parse_ok (const char *s, og_pkglist *l)
{
  fx_parse_ok (og_apk_installed_parse, "installed", s, l);
}

static void
assert_apk_error (const char *s, const char *want)
{
  fx_assert_parse_error (og_apk_installed_parse, "installed", s, want);
}

/* sha1("abc") = a9993e36...; its base64 is qZk+NkcGgWq6PiVxeFDCbJzQ2J0=.  */
static const char db[] = "C:Q1AAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
                         "P:musl-utils\n"
                         "V:1.1.24-r2\n"
                         "A:x86_64\n"
                         "I:151552\n"
                         "L:MIT BSD GPL2+\n"
                         "o:musl\n"
                         "F:sbin\n"
                         "M:0:0:755\n"
                         "R:ldconfig\n"
                         "a:0:0:4755:Q1JaDEHQHBbizhEzoWK1YxuraNU/4=\n"
                         "Z:Q1qZk+NkcGgWq6PiVxeFDCbJzQ2J0=\n"
                         "F:\n"
                         "R:top\n"
                         "\n"
                         "P:old\n"
                         "V:1\n"
                         "F:usr/lib\n"
                         "R:libold.so\n"
                         "Z:900150983CD24FB0D6963F7D28E17F72\n";

static void
test_fields_and_files (void **state)
{
  og_pkglist l = { 0 };
  og_package *p;

  parse_ok (db, &l);
  assert_int_equal (l.n, 2);
  p = &l.pkgs[0];
  assert_int_equal (p->type, OG_PKG_APK);
  assert_string_equal (p->name, "musl-utils");
  assert_string_equal (p->version, "1.1.24-r2");
  assert_false (p->has_epoch);
  assert_null (p->release);
  assert_string_equal (p->arch, "x86_64");
  assert_string_equal (p->license, "MIT BSD GPL2+");
  assert_string_equal (p->source, "musl");
  assert_int_equal (p->size, 151552);
  assert_int_equal (p->n_files, 2);
  assert_string_equal (p->files[0].path, "/sbin/ldconfig");
  assert_int_equal (p->files[0].mode, 04755);
  assert_int_equal (p->digest_algo, OG_DIGEST_SHA1);
  assert_string_equal (p->files[0].digest, "a9993e364706816aba3e25717850c26c9cd0d89d");
  assert_string_equal (p->files[1].path, "/top");
  assert_null (p->files[1].digest);
  p = &l.pkgs[1];
  assert_string_equal (p->files[0].path, "/usr/lib/libold.so");
  assert_int_equal (p->digest_algo, OG_DIGEST_MD5);
  assert_string_equal (p->files[0].digest, "900150983cd24fb0d6963f7d28e17f72");
  og_pkglist_clear (&l);
}

static void
test_crlf_and_blank_lines (void **state)
{
  og_pkglist l = { 0 };
  parse_ok ("\n\nP:a\r\nV:1\r\n\r\n\r\nP:b\r\nV:2\r\n\r\n", &l);
  assert_int_equal (l.n, 2);
  assert_string_equal (l.pkgs[0].name, "a");
  assert_string_equal (l.pkgs[1].version, "2");
  og_pkglist_clear (&l);
}

static void
test_errors (void **state)
{
  assert_apk_error ("this is a corrupt db\n\nP:a\nV:1\n",
                    "installed:1: 'this is a corrupt db' is not an 'X:value' line");
  assert_apk_error ("P:a\nV:1\nR:x\n", "installed:3: R: before any F: directory");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x/y\n", "installed:4: R: 'x/y' is not a file name");
  assert_apk_error ("P:a\nV:1\nZ:Q1qZk+NkcGgWq6PiVxeFDCbJzQ2J0=\n", "installed:3: Z: with no R:");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x\nZ:Q1qZk+NkcGgWq6PiVxeFDCbJzQ2J0\n", "is not a checksum");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x\nZ:Q1qZk+NkcGgWq6PiVx!FDCbJzQ2J0=\n", "is not a checksum");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x\nZ:Q1qZk+NkcGgWq6PiVxeFDCbJzQ2J1=\n", "is not a checksum");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x\nZ:abcd\n", "is not a checksum");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x\nZ:Q1qZk+NkcGgWq6PiVxeFDCbJzQ2J0=\nR:y\n"
                    "Z:900150983cd24fb0d6963f7d28e17f72\n",
                    "installed:7: Z: md5 checksum in a package with sha1 ones");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x\na:0:0:9755\n", "installed:5: a: '0:0:9755' is not");
  assert_apk_error ("P:a\nV:1\nF:d\nR:x\na:0:0\n", "is not uid:gid:mode");
  assert_apk_error ("P:a\nV:1\nI:12k\n", "installed:3: I: '12k' is not a size");
  assert_apk_error ("V:1\nA:x86_64\n", "installed:1: record has no P:");
  assert_apk_error ("P:a\nA:x86_64\n", "installed:1: package 'a' has no V:");
  assert_apk_error ("P:a\nV:1\nP:b\nV:2\n", "installed:3: second P: in one record");
  assert_apk_error ("P:a\nV:1\n\nP:b\nV:2\nbad\n", "installed:6:");
  assert_apk_error ("P:\nV:1\n", "empty P:");
}

static void
test_nul_and_huge_line (void **state)
{
  static const char with_nul[] = "P:a\nV:1\nT:x\x00y\n";
  fx_assert_text_limits (og_apk_installed_parse, "installed", with_nul, sizeof with_nul - 1, 3,
                         "P:a\nT:", 2u << 20);
}

static void
test_truncations (void **state)
{
  fx_assert_prefixes_parse (og_apk_installed_parse, "installed", db, 2);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_fields_and_files),
         cmocka_unit_test (test_crlf_and_blank_lines), cmocka_unit_test (test_errors),
         cmocka_unit_test (test_nul_and_huge_line), cmocka_unit_test (test_truncations));
