/* Path and name globs: '*' within a segment, '**' across, classes, escapes,
   malformed patterns, and the literal / prefix / basename shapes the rule
   indexes use.  */
#include <stdio.h>
#include "fixtures.h"

#include "policy/glob.h"
#include "base/util.h"

/* A pattern, a subject and whether it must match.  */
typedef struct glob_case
{
  const char *pattern, *subject;
  bool match;
} glob_case;

static void
check_globs (bool (*match) (const char *, const char *), const glob_case *c, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (match (c[i].pattern, c[i].subject) != c[i].match)
      fail_msg ("'%s' %s '%s'", c[i].pattern, c[i].match ? "must match" : "must not match",
                c[i].subject);
}

static void
test_star_stays_in_segment (void **state)
{
  static const glob_case cases[] = {
    { "/usr/bin/*", "/usr/bin/ls", true },
    { "/usr/bin/*", "/usr/bin/x/ls", false },
    { "/usr/*/ls", "/usr/bin/ls", true },
    { "/usr/*/ls", "/usr/a/b/ls", false },
    { "/usr/bin/py*3", "/usr/bin/python3", true },
    { "/usr/bin/py*3", "/usr/bin/python3.11", false },
    { "/usr/bin/*", "/usr/bin/", true },
    { "/usr/bin/ls", "/usr/bin/lsx", false },
    { "/usr/bin/ls", "/usr/bin/l", false },
  };
  check_globs (og_path_glob_match, cases, OG_ARRAY_SIZE (cases));
}

static void
test_double_star_crosses (void **state)
{
  static const glob_case cases[] = {
    { "**/bash", "/bin/bash", true },
    { "**/bash", "/usr/local/bin/bash", true },
    { "**/bash", "/bash", true },
    { "**/bash", "/bin/rbash", false },
    { "**/bash", "/bin/bash5", false },
    { "/usr/lib/**", "/usr/lib/x86_64-linux-gnu/libc.so.6", true },
    { "/usr/lib/**", "/usr/lib/a", true },
    { "/usr/lib/**", "/usr/lib", false },
    { "/usr/lib/**", "/usr/lib64/a", false },
    { "/usr/**/bin", "/usr/bin", true },
    { "/usr/**/bin", "/usr/local/x/bin", true },
    { "/usr/**/bin", "/usr/xbin", false },
    { "**", "/anything/at/all", true },
    { "/**", "/a", true },
    { "**/bin/*sh", "/usr/bin/bash", true },
    { "**/bin/*sh", "/usr/bin/x/bash", false },
  };
  check_globs (og_path_glob_match, cases, OG_ARRAY_SIZE (cases));
}

static void
test_question_and_classes (void **state)
{
  static const glob_case cases[] = {
    { "/bin/?ash", "/bin/dash", true },
    { "/bin/?ash", "/bin/ash", false },
    { "/bin?ash", "/bin/ash", false },
    { "/bin/[bd]ash", "/bin/bash", true },
    { "/bin/[bd]ash", "/bin/zash", false },
    { "/bin/[!bd]ash", "/bin/zash", true },
    { "/bin/[^bd]ash", "/bin/zash", true },
    { "/bin/[!bd]ash", "/bin/bash", false },
    { "/lib/libc.so.[0-9]", "/lib/libc.so.6", true },
    { "/lib/libc.so.[0-9]", "/lib/libc.so.x", false },
    { "/x/[]]", "/x/]", true },
    { "/a[/]b", "/a/b", false },
    { "/a/\\*", "/a/*", true },
    { "/a/\\*", "/a/b", false },
  };
  check_globs (og_path_glob_match, cases, OG_ARRAY_SIZE (cases));
}

static void
test_name_globs (void **state)
{
  static const glob_case cases[] = {
    { "python*", "python3.11-minimal", true },
    { "lib*-dev", "libssl-dev", true },
    { "lib*-dev", "libssl3", false },
    { "a*", "a/b", true },
    { "**", "x", true },
    { "gcc-1?", "gcc-12", true },
    { "gcc", "gcc-12", false },
    { "docker.io/library/*", "docker.io/library/nginx:1", true },
  };
  check_globs (og_name_glob_match, cases, OG_ARRAY_SIZE (cases));
}

static void
test_malformed (void **state)
{
  static const struct
  {
    const char *pattern;
    bool path, valid;
    size_t off;      /* where it goes wrong; SIZE_MAX: not checked */
    const char *why; /* part of what it says, or NULL: not checked */
  } cases[] = {
    { "/bin/[abc", true, false, 5, "']'" },
    { "/usr/**bin", true, false, 5, "whole path segment" },
    { "bin/sh", true, false, SIZE_MAX, NULL },
    { "", true, false, SIZE_MAX, NULL },
    { "/a\\", true, false, SIZE_MAX, NULL },
    { "bin/sh", false, true, SIZE_MAX, NULL },
    { "**/sh", true, true, SIZE_MAX, NULL },
    { "/usr/**/bin/*", true, true, SIZE_MAX, NULL },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    {
      const char *why = NULL;
      size_t off = 99;
      if (og_glob_valid (cases[i].pattern, cases[i].path, &why, &off) != cases[i].valid)
        fail_msg ("'%s' as a %s glob should be %s", cases[i].pattern,
                  cases[i].path ? "path" : "name", cases[i].valid ? "valid" : "invalid");
      if (cases[i].off != SIZE_MAX && off != cases[i].off)
        fail_msg ("'%s' goes wrong at %zu, should be %zu", cases[i].pattern, off, cases[i].off);
      if (cases[i].why != NULL && strstr (why, cases[i].why) == NULL)
        fail_msg ("'%s': '%s' does not say %s", cases[i].pattern, why, cases[i].why);
    }
  /* A malformed pattern matches nothing.  */
  assert_false (og_path_glob_match ("/bin/[abc", "/bin/[abc"));
}

/* The literal, directory-prefix and any-basename shapes: the answer, or NULL.  */
static void
test_shapes (void **state)
{
  static const struct
  {
    char *(*shape) (const char *);
    const char *pattern, *want;
  } cases[] = {
    { og_glob_literal, "/usr/bin/ls", "/usr/bin/ls" },
    { og_glob_literal, "/usr/bin/\\*x", "/usr/bin/*x" },
    { og_glob_literal, "/usr/bin/l?", NULL },
    { og_glob_dir_prefix, "/usr/lib/**", "/usr/lib" },
    { og_glob_dir_prefix, "/**", "" },
    { og_glob_dir_prefix, "/usr/*/**", NULL },
    { og_glob_dir_prefix, "/usr/lib", NULL },
    { og_glob_any_basename, "**/busybox", "busybox" },
    { og_glob_any_basename, "**/bin/sh", NULL },
    { og_glob_any_basename, "**/*sh", NULL },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    {
      cleanup_free char *got = cases[i].shape (cases[i].pattern);
      if (cases[i].want == NULL)
        assert_null (got);
      else
        assert_string_equal (got, cases[i].want);
    }
}

/* Names that are not UTF-8 are matched on their bytes: none escapes a glob
   that would catch it if it were ASCII.  */
static void
test_not_utf8_names (void **state)
{
  static const char *const dirs[] = {
    "/\xff\xfe", "/over\xc0\xaflong", "/\xc0\xaf", "/a\xe0\x80\xaf", "/\xed\xa0\x80", "/x\x80",
  };
  static const glob_case paths[] = {
    { "/bin/*", "/bin/\xff", true },
    { "/bin/*", "/bin/\xc0\xaf", true },
    { "/bin/*", "/bin/sh\xff", true },
    { "/bin/?", "/bin/\xff", true },
    { "/bin/??", "/bin/\xc0\xaf", true },
    { "/bin/[!a]", "/bin/\xff", true },
    { "/bin/*sh", "/bin/\xff\xfesh", true },
    { "/bin/*", "/bin/\xc0\xaf/x", false },
    { "/usr/lib/**", "/usr/lib/\xff/\xc0\xaf/x", true },
    /* A multi-byte character in a pattern matches its own bytes.  */
    { "/opt/caf\xc3\xa9/*", "/opt/caf\xc3\xa9/x", true },
    { "/opt/caf\xc3\xa9/*", "/opt/caf\xc3/x", false },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (dirs); i++)
    {
      char path[64];
      snprintf (path, sizeof path, "%s/busybox", dirs[i]);
      assert_true (og_path_glob_match ("**/busybox", path));
      assert_true (og_path_glob_match ("/*/busybox", path));
      assert_true (og_path_glob_match ("/**", path));
      assert_true (og_path_glob_match ("**", path));
      assert_true (og_name_glob_match ("*", path));
      assert_true (og_name_glob_match ("*busybox", path));
      /* The overlong "\xC0\xAF" is not a '/': it does not make a segment.  */
      assert_false (og_path_glob_match ("/*/*/busybox", path));
    }
  check_globs (og_path_glob_match, paths, OG_ARRAY_SIZE (paths));
  assert_true (og_name_glob_match ("py*", "py\xff\xfe"));
}

static void
test_long_and_hostile (void **state)
{
  /* Many stars against a long subject: linear in tokens x length.  */
  char pat[2100], subj[4000];
  size_t n = 0;
  pat[n++] = '/';
  for (int i = 0; i < 1000; i++)
    {
      pat[n++] = '*';
      pat[n++] = 'a';
    }
  pat[n++] = 'b';
  pat[n] = '\0';
  subj[0] = '/';
  memset (subj + 1, 'a', sizeof subj - 2);
  subj[sizeof subj - 1] = '\0';
  assert_false (og_path_glob_match (pat, subj));
  subj[sizeof subj - 2] = 'b';
  assert_true (og_path_glob_match (pat, subj));
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_star_stays_in_segment),
         cmocka_unit_test (test_double_star_crosses), cmocka_unit_test (test_question_and_classes),
         cmocka_unit_test (test_name_globs), cmocka_unit_test (test_malformed),
         cmocka_unit_test (test_shapes), cmocka_unit_test (test_not_utf8_names),
         cmocka_unit_test (test_long_and_hostile));
