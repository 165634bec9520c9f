/* The dpkg readers on small databases and on hostile input.  */
#include "fixtures.h"

#include "catalog/pkgdb/pkgdb.h"
#include "base/util.h"

static void
status_ok (const char *s, og_pkglist *l)
{
  fx_parse_ok (og_dpkg_status_parse, "status", s, l);
}

/* Parsing s fails with a message that contains want.  */
static void
assert_status_error (const char *s, const char *want)
{
  fx_assert_parse_error (og_dpkg_status_parse, "status", s, want);
}

static const char two_stanzas[] = "Package: libfoo1\n"
                                  "Status: install ok installed\n"
                                  "Priority: optional\n"
                                  "Installed-Size: 12\n"
                                  "Architecture: amd64\n"
                                  "Multi-Arch: same\n"
                                  "Source: foo (1.2-3)\n"
                                  "Version: 1:1.2-3+b1\n"
                                  "Description: a library\n"
                                  " with a long description\n"
                                  " .\n"
                                  " and more\n"
                                  "\n"
                                  "Package: gone\n"
                                  "Status: deinstall ok config-files\n"
                                  "Version: 2.0\n"
                                  "Architecture: all\n";

static void
test_status_fields (void **state)
{
  og_pkglist l = { 0 };
  og_package *p;

  status_ok (two_stanzas, &l);
  assert_int_equal (l.n, 1);
  p = &l.pkgs[0];
  assert_int_equal (p->type, OG_PKG_DEB);
  assert_string_equal (p->name, "libfoo1");
  assert_true (p->has_epoch);
  assert_int_equal (p->epoch, 1);
  assert_string_equal (p->version, "1.2-3+b1");
  assert_null (p->release);
  assert_string_equal (p->arch, "amd64");
  assert_string_equal (p->source, "foo");
  assert_string_equal (p->source_version, "1.2-3");
  assert_string_equal (p->state, "install ok installed");
  assert_int_equal (p->size, 12 * 1024);
  assert_null (p->license);
  og_pkglist_clear (&l);
}

static void
test_status_states (void **state)
{
  static const char *const kept[] = { "half-installed",   "unpacked",         "half-configured",
                                      "triggers-awaited", "triggers-pending", "installed" };
  static const char *const dropped[] = { "not-installed", "config-files" };
  for (size_t i = 0; i < OG_ARRAY_SIZE (kept) + OG_ARRAY_SIZE (dropped); i++)
    {
      bool keep = i < OG_ARRAY_SIZE (kept);
      const char *st = keep ? kept[i] : dropped[i - OG_ARRAY_SIZE (kept)];
      cleanup_free char *s
          = og_xasprintf ("Package: a\nStatus: hold reinstreq %s\nVersion: 1\n", st);
      og_pkglist l = { 0 };
      status_ok (s, &l);
      assert_int_equal (l.n, keep ? 1 : 0);
      og_pkglist_clear (&l);
    }
}

static void
test_status_skips (void **state)
{
  og_pkglist l = { 0 };
  /* no Package, empty Package, no Status: skipped; last stanza has no final newline */
  status_ok ("Status: install ok installed\nVersion: 1\n\n"
             "Package:\n\n\n\nPackage: nostatus\nVersion: 1\n\n"
             "Package: b\nVersion: 0:2\nStatus: install ok installed",
             &l);
  assert_int_equal (l.n, 1);
  assert_string_equal (l.pkgs[0].name, "b");
  assert_true (l.pkgs[0].has_epoch);
  assert_int_equal (l.pkgs[0].epoch, 0);
  assert_string_equal (l.pkgs[0].version, "2");
  assert_null (l.pkgs[0].source);
  assert_null (l.pkgs[0].arch);
  og_pkglist_clear (&l);
}

static void
test_status_crlf_and_blanks (void **state)
{
  og_pkglist l = { 0 };
  status_ok ("Package: a\r\nStatus: install ok installed\r\nVersion:  1.0 \r\n"
             "Installed-Size: 4KB\r\n\r\nPackage: b\r\n"
             "Status: install ok installed\r\nVersion: 2\r\n \t\r\n",
             &l);
  assert_int_equal (l.n, 2);
  assert_string_equal (l.pkgs[0].version, "1.0");
  assert_int_equal (l.pkgs[0].size, 4096);
  assert_string_equal (l.pkgs[1].state, "install ok installed");
  og_pkglist_clear (&l);
}

static void
test_status_errors (void **state)
{
  assert_status_error ("Package: a\nStatus: install ok installed\nbad line\n",
                       "status:3: field name 'bad line' is not followed by a colon");
  assert_status_error ("Package: a\nStatus: install ok installed\n",
                       "status:1: package 'a' is "
                       "installed but has no Version");
  assert_status_error ("Package: a\nStatus: install ok bogus\nVersion: 1\n",
                       "unknown package state 'bogus'");
  assert_status_error ("Package: a\nStatus: install ok\nVersion: 1\n", "not 'want flag state'");
  assert_status_error ("Package: a\nStatus: install ok installed\nVersion: x:1\n",
                       "epoch is not a number");
  assert_status_error ("Package: a\nStatus: install ok installed\nVersion: 99999999999:1\n",
                       "epoch is too big");
  assert_status_error ("Package: a\nStatus: install ok installed\nVersion: 1:\n",
                       "nothing after the epoch");
  assert_status_error ("Package: a\nStatus: install ok installed\nVersion: 1 2\n",
                       "embedded spaces");
  assert_status_error ("Package: a\nVersion: 1\n continued\nStatus: install ok installed\n",
                       "status:3: continuation of a single-line field");
  assert_status_error (" leading\n", "status:1: continuation line with no field");
  assert_status_error ("Package: a\nPackage: b\n", "status:2: duplicate field 'Package'");
  assert_status_error ("Package: ../../etc\nStatus: install ok installed\nVersion: 1\n",
                       "invalid package name");
  assert_status_error (
      "Package: a\nArchitecture: am/d64\nStatus: install ok installed\nVersion: 1\n",
      "invalid Architecture");
  assert_status_error ("Package: a\nSource: foo (1.0\nStatus: install ok installed\nVersion: 1\n",
                       "is not 'name (version)'");
  assert_status_error (": x\n", "status:1: empty field name");
  /* a good stanza before the bad one is removed again */
  assert_status_error ("Package: a\nStatus: install ok installed\nVersion: 1\n\nPackage: b\nbad\n",
                       "status:6:");
}

static void
test_status_nul_and_huge_lines (void **state)
{
  static const char with_nul[] = "Package: a\nVersion: 1\x00\nStatus: install ok installed\n";
  fx_assert_text_limits (og_dpkg_status_parse, "status", with_nul, sizeof with_nul - 1, 2,
                         "Package: a\nDescription: ", 3u << 20);
}

/* Every prefix of a valid database parses or fails cleanly.  */
static void
test_status_truncations (void **state)
{
  fx_assert_prefixes_parse (og_dpkg_status_parse, "status", two_stanzas, 1);
}

static void
test_statusd (void **state)
{
  static const char s[] = "Package: libsqlite3-0\nSource: sqlite3\nVersion: 3.34.1-3\n"
                          "Architecture: arm64\n\nPackage: no-version\n\n"
                          "Package: old\nStatus: deinstall ok config-files\nVersion: 1\n";
  og_pkglist l = { 0 };
  og_error *err = NULL;
  assert_int_equal (
      og_dpkg_statusd_parse ((const uint8_t *)s, strlen (s), "libsqlite3-0", &l, &err), 0);
  assert_int_equal (l.n, 1);
  assert_string_equal (l.pkgs[0].name, "libsqlite3-0");
  assert_string_equal (l.pkgs[0].source, "sqlite3");
  assert_null (l.pkgs[0].source_version);
  assert_null (l.pkgs[0].state);
  og_pkglist_clear (&l);
}

static void
test_list_and_md5sums (void **state)
{
  static const char list[] = "/.\n/usr\n/usr/bin\n/usr/bin/a b\n\n/usr/bin/c";
  static const char md5[] = "D41D8CD98F00B204E9800998ECF8427E  usr/bin/a b\r\n"
                            "0123456789abcdef0123456789abcdef *usr/bin/new\n"
                            "ffffffffffffffffffffffffffffffff  /usr/bin/c\n";
  og_package p = { 0 };
  og_error *err = NULL;

  assert_int_equal (og_dpkg_list_parse ((const uint8_t *)list, strlen (list), "a.list", &p, &err),
                    0);
  assert_int_equal (p.n_files, 4);
  assert_string_equal (p.files[0].path, "/usr");
  assert_string_equal (p.files[2].path, "/usr/bin/a b");
  assert_string_equal (p.files[3].path, "/usr/bin/c");
  assert_int_equal (
      og_dpkg_md5sums_parse ((const uint8_t *)md5, strlen (md5), "a.md5sums", &p, &err), 0);
  assert_int_equal (p.digest_algo, OG_DIGEST_MD5);
  assert_int_equal (p.n_files, 5);
  assert_null (p.files[0].digest);
  assert_string_equal (p.files[2].digest, "d41d8cd98f00b204e9800998ecf8427e");
  assert_string_equal (p.files[3].digest, "ffffffffffffffffffffffffffffffff");
  assert_string_equal (p.files[4].path, "/usr/bin/new");
  assert_string_equal (p.files[4].digest, "0123456789abcdef0123456789abcdef");

  assert_int_equal (og_dpkg_list_parse ((const uint8_t *)"/x\nrelative\n", 12, "b.list", &p, &err),
                    -1);
  assert_string_equal (err->msg, "b.list:2: 'relative' is not an absolute path");
  assert_int_equal (p.n_files, 5); /* /x was removed again */
  og_error_free (err);
  err = NULL;
  assert_int_equal (og_dpkg_md5sums_parse ((const uint8_t *)"abc  x\n", 7, "b.md5sums", &p, &err),
                    -1);
  assert_string_equal (err->msg, "b.md5sums:1: not '<md5>  <path>'");
  og_error_free (err);
  err = NULL;
  assert_int_equal (og_dpkg_md5sums_parse ((const uint8_t *)"g123456789abcdef0123456789abcdef  x\n",
                                           36, "b.md5sums", &p, &err),
                    -1);
  assert_non_null (strstr (err->msg, "is not an MD5 digest"));
  og_error_free (err);
  og_package_clear (&p);
}

/* With with_verify, Conffiles become files flagged CONFIG with their MD5
   (a path with a blank, "obsolete" and "remove-on-upgrade" read from the
   line's end, "newconffile" leaving no digest); the .list does not list
   them twice; md5sums then wins, as in dpkg's verify.  Without
   with_verify the field is not read.  */
static void
test_conffiles (void **state)
{
  static const char st[] = "Package: login\n"
                           "Status: install ok installed\n"
                           "Version: 1:4.13\n"
                           "Conffiles:\n"
                           " /etc/login.defs 6C2AA2F6D2A2E5BC9E0E5C8F1A0D2E4B\n"
                           " /etc/with blank.conf 0123456789abcdef0123456789abcdef obsolete\n"
                           " /etc/gone.conf 11111111111111111111111111111111 remove-on-upgrade\n"
                           " /etc/new.conf newconffile\n"
                           "Description: x\n";
  static const char list[] = "/.\n/etc\n/etc/login.defs\n/usr/bin/login\n";
  static const char md5[] = "22222222222222222222222222222222  etc/login.defs\n";
  static const char relative[] = "Package: a\nStatus: install ok installed\nVersion: 1\n"
                                 "Conffiles:\n etc/relative 0123456789abcdef0123456789abcdef\n";
  og_pkglist l = { .with_verify = true };
  og_error *err = NULL;
  og_package *p;
  (void)state;

  status_ok (st, &l);
  assert_int_equal (l.n, 1);
  p = &l.pkgs[0];
  assert_int_equal (p->n_files, 4);
  assert_string_equal (p->files[0].path, "/etc/login.defs");
  assert_string_equal (p->files[0].digest, "6c2aa2f6d2a2e5bc9e0e5c8f1a0d2e4b");
  assert_true (p->files[0].flags & OG_PKG_FILE_CONFIG);
  assert_string_equal (p->files[1].path, "/etc/with blank.conf");
  assert_string_equal (p->files[1].digest, "0123456789abcdef0123456789abcdef");
  assert_string_equal (p->files[2].path, "/etc/gone.conf");
  assert_string_equal (p->files[3].path, "/etc/new.conf");
  assert_null (p->files[3].digest);
  assert_int_equal (p->digest_algo, OG_DIGEST_MD5);
  assert_int_equal (
      og_dpkg_list_parse ((const uint8_t *)list, strlen (list), "login.list", p, &err), 0);
  assert_int_equal (p->n_files, 6); /* /etc and /usr/bin/login added, login.defs not twice */
  assert_string_equal (p->files[5].path, "/usr/bin/login");
  assert_false (p->files[5].flags & OG_PKG_FILE_CONFIG);
  assert_int_equal (
      og_dpkg_md5sums_parse ((const uint8_t *)md5, strlen (md5), "login.md5sums", p, &err), 0);
  assert_int_equal (p->n_files, 6);
  assert_string_equal (p->files[0].digest, "22222222222222222222222222222222");
  assert_true (p->files[0].flags & OG_PKG_FILE_CONFIG);
  og_pkglist_clear (&l);

  l.with_verify = false;
  status_ok (st, &l);
  assert_int_equal (l.pkgs[0].n_files, 0);
  og_pkglist_clear (&l);

  l.with_verify = true;
  assert_int_equal (
      og_dpkg_status_parse ((const uint8_t *)relative, strlen (relative), "status", &l, &err), -1);
  assert_non_null (strstr (err->msg, "status:1: Conffiles: 'etc/relative "
                                     "0123456789abcdef0123456789abcdef' is not 'PATH HASH'"));
  assert_int_equal (l.n, 0);
  og_error_free (err);
  og_pkglist_clear (&l);
}

/* Diversions: the files of packages other than the diverting one get the
   new place; the diverting package's own file and a local diversion's
   packages are told apart; malformed triples are errors.  */
static void
test_diversions (void **state)
{
  static const char div[] = "/bin/sh\n/bin/sh.distrib\ndash\n"
                            "/usr/bin/yes\n/usr/bin/yes.distrib\n:\n";
  og_pkglist l = { 0 };
  og_error *err = NULL;
  og_package *dash, *cu;
  (void)state;

  dash = og_pkglist_add (&l);
  dash->type = OG_PKG_DEB;
  dash->name = og_xstrdup ("dash");
  og_package_add_file (dash, "/bin/sh", 7);
  cu = og_pkglist_add (&l);
  cu->type = OG_PKG_DEB;
  cu->name = og_xstrdup ("coreutils");
  og_package_add_file (cu, "/usr/bin/yes", 12);
  og_package_add_file (cu, "/bin/sh", 7);
  assert_int_equal (
      og_dpkg_diversions_apply ((const uint8_t *)div, strlen (div), "diversions", &l, &err), 0);
  assert_null (l.pkgs[0].files[0].diverted); /* dash's own /bin/sh */
  assert_string_equal (l.pkgs[1].files[0].diverted, "/usr/bin/yes.distrib");
  assert_string_equal (l.pkgs[1].files[1].diverted, "/bin/sh.distrib");
  assert_int_equal (
      og_dpkg_diversions_apply ((const uint8_t *)"/a\n/b\n", 5, "diversions", &l, &err), -1);
  assert_non_null (strstr (err->msg, "diversions:2: a diversion is three lines"));
  og_error_free (err);
  err = NULL;
  assert_int_equal (
      og_dpkg_diversions_apply ((const uint8_t *)"a\n/b\np\n", 7, "diversions", &l, &err), -1);
  assert_non_null (strstr (err->msg, "diversions:1: a diversion's paths must be absolute"));
  og_error_free (err);
  og_pkglist_clear (&l);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_status_fields), cmocka_unit_test (test_status_states),
         cmocka_unit_test (test_status_skips), cmocka_unit_test (test_status_crlf_and_blanks),
         cmocka_unit_test (test_status_errors), cmocka_unit_test (test_status_nul_and_huge_lines),
         cmocka_unit_test (test_status_truncations), cmocka_unit_test (test_statusd),
         cmocka_unit_test (test_list_and_md5sums), cmocka_unit_test (test_conffiles),
         cmocka_unit_test (test_diversions));
