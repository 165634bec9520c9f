/* Licenses as SPDX expressions (catalog/license.c): DEP-5 copyright files
   (what counts as machine-readable, which paragraphs name licenses, the
   synopsis grammar with "or", "and", "with ... exception" and commas),
   Debian's short names mapped to SPDX identifiers, and the expression check
   the SBOM writers use.  */
#include "fixtures.h"

#include "catalog/license.h"

#define FORMAT "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"

static void
assert_dep5 (const char *text, const char *want)
{
  char *got = og_license_from_dep5 ((const uint8_t *)text, strlen (text));
  if (want == NULL)
    assert_null (got);
  else
    {
      assert_non_null (got);
      assert_string_equal (got, want);
    }
  free (got);
}

static void
test_what_is_dep5 (void **state)
{
  /* Free-form copyright files name no licenses we could trust.  */
  assert_dep5 ("This package was debianized by someone.\n\nLicense: GPL-2+\n", NULL);
  assert_dep5 ("Upstream-Name: x\n\nFiles: *\nLicense: MIT\n", NULL);
  /* The draft's Format-Specification names dep5.  */
  assert_dep5 ("Format-Specification: http://svn.debian.org/wsvn/dep/web/deps/dep5.mdwn?rev=135\n"
               "\nFiles: *\nLicense: GPL-2\n",
               "GPL-2.0-only");
  assert_dep5 (FORMAT "Upstream-Name: x\n", NULL); /* no License: at all */
  assert_dep5 ("", NULL);
}

static void
test_paragraphs (void **state)
{
  /* Header and Files paragraphs count; a stand-alone License paragraph only
     holds the text of a name used above; continuation lines are text; a
     synopsis seen twice counts once.  */
  assert_dep5 (FORMAT "License: Expat\n"
                      "\n"
                      "# a comment\n"
                      "Files: *\n"
                      "Copyright: 2020 someone\n"
                      "License: GPL-2+\n"
                      " This program is free software...\n"
                      " .\n"
                      " License: not a field\n"
                      "\n"
                      "Files: lib/*\r\n"
                      "License: GPL-2+\r\n"
                      "\n"
                      "License: Apache-2.0\n"
                      " The text of the Apache license.\n",
               "MIT AND GPL-2.0-or-later");
}

static void
test_synopsis_grammar (void **state)
{
  assert_dep5 (FORMAT "\nFiles: *\nLicense: GPL-1+ or Artistic\n",
               "GPL-1.0-or-later OR Artistic-1.0");
  /* The comma has the lowest precedence.  */
  assert_dep5 (FORMAT "\nFiles: *\nLicense: GPL-2+ or Artistic-2.0, and BSD-3-clause\n",
               "(GPL-2.0-or-later OR Artistic-2.0) AND BSD-3-Clause");
  /* AND operands are listed once, an OR that is joined with AND in parentheses.  */
  assert_dep5 (FORMAT
               "\nFiles: a\nLicense: GPL-3+ and ISC\n\nFiles: b\nLicense: LGPL-3+ or GPL-2+\n"
               "\nFiles: c\nLicense: GPL-3+\n",
               "GPL-3.0-or-later AND ISC AND (LGPL-3.0-or-later OR GPL-2.0-or-later)");
  assert_dep5 (FORMAT "\nFiles: *\nLicense: GPL-3+ with Bison exception\n",
               "GPL-3.0-or-later WITH Bison-exception-2.2");
  assert_dep5 (FORMAT "\nFiles: *\nLicense: GPL-2+ with Autoconf exception\n",
               "GPL-2.0-or-later WITH Autoconf-exception-2.0");
  /* An exception the table does not know: the whole as one reference.  */
  assert_dep5 (FORMAT "\nFiles: *\nLicense: GPL-2+ with distribution exception\n",
               "LicenseRef-GPL-2--with-distribution-exception");
  /* Names without an operator are no expression.  */
  assert_dep5 (FORMAT "\nFiles: *\nLicense: BSD-3-clause GPL-2\n", "LicenseRef-BSD-3-clause-GPL-2");
  assert_dep5 (FORMAT "\nFiles: *\nLicense: BSD-3-clause and/or GPL-3+\n",
               "BSD-3-Clause OR GPL-3.0-or-later");
  assert_dep5 (FORMAT "\nFiles: *\nLicense: public-domain\n", "LicenseRef-public-domain");
}

static void
test_unreadable_is_unknown (void **state)
{
  size_t n = 70000;
  char *text = og_xcalloc (n + 256, 1);
  strcpy (text, FORMAT "\nFiles: *\nLicense: MIT\nComment: ");
  memset (text + strlen (text), 'x', n);
  assert_null (og_license_from_dep5 ((const uint8_t *)text, strlen (text)));
  free (text);
}

static void
test_spdx_ids (void **state)
{
  char buf[64];
  static const char *const map[][2] = {
    { "GPL-2", "GPL-2.0-only" },
    { "GPL-2+", "GPL-2.0-or-later" },
    { "GPL-2.0+", "GPL-2.0-or-later" },
    { "GPLv3+", "GPL-3.0-or-later" },
    { "LGPL-2.1+", "LGPL-2.1-or-later" },
    { "LGPLv2.1+", "LGPL-2.1-or-later" },
    { "LGPL", "LGPL-2.0-or-later" },
    { "GFDL-NIV-1.3+", "GFDL-1.3-no-invariants-or-later" },
    { "Expat", "MIT" },
    { "zlib", "Zlib" },
    { "BSD-3-clause", "BSD-3-Clause" },
    { "Apache-2", "Apache-2.0" },
    { "GPL-2.0-or-later", "GPL-2.0-or-later" },
    { "SMAIL-GPL", "SMAIL-GPL" },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (map); i++)
    {
      const char *got = og_license_spdx_id (map[i][0], strlen (map[i][0]), buf);
      if (got == NULL || strcmp (got, map[i][1]) != 0)
        fail_msg ("%s -> %s, not %s", map[i][0], got ? got : "(null)", map[i][1]);
    }
  assert_null (og_license_spdx_id ("GPL-4+", 6, buf));
  assert_null (og_license_spdx_id ("public-domain", 13, buf));
  assert_null (og_license_spdx_id ("MI", 2, buf)); /* a prefix of MIT is no id */
}

static void
test_expressions (void **state)
{
  assert_true (og_license_is_spdx_expression ("MIT"));
  assert_true (og_license_is_spdx_expression ("GPL-2.0-or-later AND (MIT OR BSD-3-Clause)"));
  assert_true (og_license_is_spdx_expression ("GPL-2.0-only WITH Linux-syscall-note"));
  assert_true (og_license_is_spdx_expression ("LicenseRef-public-domain AND Apache-2.0+"));
  assert_false (og_license_is_spdx_expression ("mit")); /* as the list writes it */
  assert_false (og_license_is_spdx_expression ("BSD"));
  assert_false (og_license_is_spdx_expression ("ASL 2.0 and (GPLv2+ or MIT)"));
  assert_false (og_license_is_spdx_expression ("MIT AND"));
  assert_false (og_license_is_spdx_expression ("(MIT"));
  assert_false (og_license_is_spdx_expression ("MIT)"));
  assert_false (og_license_is_spdx_expression ("MIT WITH LicenseRef-x"));
  assert_false (og_license_is_spdx_expression (""));
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_what_is_dep5), cmocka_unit_test (test_paragraphs),
         cmocka_unit_test (test_synopsis_grammar), cmocka_unit_test (test_unreadable_is_unknown),
         cmocka_unit_test (test_spdx_ids), cmocka_unit_test (test_expressions));
