/* Path and name globs: '*' within a segment, '**' across, classes, escapes,
   malformed patterns, and the literal / prefix / basename shapes the rule
   indexes use.  */
#include "fixtures.h"

#include "policy/glob.h"
#include "base/util.h"

static void
test_star_stays_in_segment (void **state)
{
  assert_true (og_path_glob_match ("/usr/bin/*", "/usr/bin/ls"));
  assert_false (og_path_glob_match ("/usr/bin/*", "/usr/bin/x/ls"));
  assert_true (og_path_glob_match ("/usr/*/ls", "/usr/bin/ls"));
  assert_false (og_path_glob_match ("/usr/*/ls", "/usr/a/b/ls"));
  assert_true (og_path_glob_match ("/usr/bin/py*3", "/usr/bin/python3"));
  assert_false (og_path_glob_match ("/usr/bin/py*3", "/usr/bin/python3.11"));
  assert_true (og_path_glob_match ("/usr/bin/*", "/usr/bin/"));
  assert_false (og_path_glob_match ("/usr/bin/ls", "/usr/bin/lsx"));
  assert_false (og_path_glob_match ("/usr/bin/ls", "/usr/bin/l"));
}

static void
test_double_star_crosses (void **state)
{
  assert_true (og_path_glob_match ("**/bash", "/bin/bash"));
  assert_true (og_path_glob_match ("**/bash", "/usr/local/bin/bash"));
  assert_true (og_path_glob_match ("**/bash", "/bash"));
  assert_false (og_path_glob_match ("**/bash", "/bin/rbash"));
  assert_false (og_path_glob_match ("**/bash", "/bin/bash5"));
  assert_true (og_path_glob_match ("/usr/lib/**", "/usr/lib/x86_64-linux-gnu/libc.so.6"));
  assert_true (og_path_glob_match ("/usr/lib/**", "/usr/lib/a"));
  assert_false (og_path_glob_match ("/usr/lib/**", "/usr/lib"));
  assert_false (og_path_glob_match ("/usr/lib/**", "/usr/lib64/a"));
  assert_true (og_path_glob_match ("/usr/**/bin", "/usr/bin"));
  assert_true (og_path_glob_match ("/usr/**/bin", "/usr/local/x/bin"));
  assert_false (og_path_glob_match ("/usr/**/bin", "/usr/xbin"));
  assert_true (og_path_glob_match ("**", "/anything/at/all"));
  assert_true (og_path_glob_match ("/**", "/a"));
  assert_true (og_path_glob_match ("**/bin/*sh", "/usr/bin/bash"));
  assert_false (og_path_glob_match ("**/bin/*sh", "/usr/bin/x/bash"));
}

static void
test_question_and_classes (void **state)
{
  assert_true (og_path_glob_match ("/bin/?ash", "/bin/dash"));
  assert_false (og_path_glob_match ("/bin/?ash", "/bin/ash"));
  assert_false (og_path_glob_match ("/bin?ash", "/bin/ash"));
  assert_true (og_path_glob_match ("/bin/[bd]ash", "/bin/bash"));
  assert_false (og_path_glob_match ("/bin/[bd]ash", "/bin/zash"));
  assert_true (og_path_glob_match ("/bin/[!bd]ash", "/bin/zash"));
  assert_true (og_path_glob_match ("/bin/[^bd]ash", "/bin/zash"));
  assert_false (og_path_glob_match ("/bin/[!bd]ash", "/bin/bash"));
  assert_true (og_path_glob_match ("/lib/libc.so.[0-9]", "/lib/libc.so.6"));
  assert_false (og_path_glob_match ("/lib/libc.so.[0-9]", "/lib/libc.so.x"));
  assert_true (og_path_glob_match ("/x/[]]", "/x/]"));
  assert_false (og_path_glob_match ("/a[/]b", "/a/b"));
  assert_true (og_path_glob_match ("/a/\\*", "/a/*"));
  assert_false (og_path_glob_match ("/a/\\*", "/a/b"));
}

static void
test_name_globs (void **state)
{
  assert_true (og_name_glob_match ("python*", "python3.11-minimal"));
  assert_true (og_name_glob_match ("lib*-dev", "libssl-dev"));
  assert_false (og_name_glob_match ("lib*-dev", "libssl3"));
  assert_true (og_name_glob_match ("a*", "a/b"));
  assert_true (og_name_glob_match ("**", "x"));
  assert_true (og_name_glob_match ("gcc-1?", "gcc-12"));
  assert_false (og_name_glob_match ("gcc", "gcc-12"));
  assert_true (og_name_glob_match ("docker.io/library/*", "docker.io/library/nginx:1"));
}

static void
test_malformed (void **state)
{
  const char *why = NULL;
  size_t off = 99;
  assert_false (og_glob_valid ("/bin/[abc", true, &why, &off));
  assert_int_equal (off, 5);
  assert_non_null (strstr (why, "']'"));
  assert_false (og_glob_valid ("/usr/**bin", true, &why, &off));
  assert_int_equal (off, 5);
  assert_non_null (strstr (why, "whole path segment"));
  assert_false (og_glob_valid ("bin/sh", true, &why, &off));
  assert_false (og_glob_valid ("", true, &why, &off));
  assert_false (og_glob_valid ("/a\\", true, &why, &off));
  assert_true (og_glob_valid ("bin/sh", false, &why, &off));
  assert_true (og_glob_valid ("**/sh", true, &why, &off));
  assert_true (og_glob_valid ("/usr/**/bin/*", true, &why, &off));
  /* A malformed pattern matches nothing.  */
  assert_false (og_path_glob_match ("/bin/[abc", "/bin/[abc"));
}

static void
test_shapes (void **state)
{
  char *s;
  s = og_glob_literal ("/usr/bin/ls");
  assert_string_equal (s, "/usr/bin/ls");
  free (s);
  s = og_glob_literal ("/usr/bin/\\*x");
  assert_string_equal (s, "/usr/bin/*x");
  free (s);
  assert_null (og_glob_literal ("/usr/bin/l?"));
  s = og_glob_dir_prefix ("/usr/lib/**");
  assert_string_equal (s, "/usr/lib");
  free (s);
  s = og_glob_dir_prefix ("/**");
  assert_string_equal (s, "");
  free (s);
  assert_null (og_glob_dir_prefix ("/usr/*/**"));
  assert_null (og_glob_dir_prefix ("/usr/lib"));
  s = og_glob_any_basename ("**/busybox");
  assert_string_equal (s, "busybox");
  free (s);
  assert_null (og_glob_any_basename ("**/bin/sh"));
  assert_null (og_glob_any_basename ("**/*sh"));
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

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_star_stays_in_segment),
    cmocka_unit_test (test_double_star_crosses),
    cmocka_unit_test (test_question_and_classes),
    cmocka_unit_test (test_name_globs),
    cmocka_unit_test (test_malformed),
    cmocka_unit_test (test_shapes),
    cmocka_unit_test (test_long_and_hostile),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
