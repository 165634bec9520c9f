/* The directory source and resolution inside a root, on trees made here.  */
#include "fixtures.h"
#include <fcntl.h>
#include <sys/stat.h>

#include "base/digest.h"
#include "source/dir.h"
#include "base/resolve.h"
#include "base/strmap.h"
#include "base/util.h"

static char *root;
static char *outside_dir;
static char *outside;

static int
setup (void **state)
{
  root = fx_tmpdir ("srcdir");
  outside_dir = fx_tmpdir ("outside");
  outside = og_xasprintf ("%s/secret", outside_dir);
  fx_put (outside_dir, "secret", "HOST SECRET");
  fx_mkdir (root, "usr");
  fx_mkdir (root, "usr/bin");
  fx_mkdir (root, "usr/lib");
  fx_mkdir (root, "etc");
  fx_symlink ("usr/bin", root, "bin"); /* usrmerge */
  fx_put (root, "usr/lib/os-release", "ID=inside\n");
  fx_symlink ("../usr/lib/os-release", root, "etc/os-release");
  fx_symlink (outside, root, "etc/abs-out"); /* absolute: resolves inside */
  fx_symlink ("../../../../../../../../../../tmp", root, "etc/dotdot");
  fx_symlink ("loop-b", root, "etc/loop-a");
  fx_symlink ("loop-a", root, "etc/loop-b");
  fx_put (root, "usr/bin/tool", "#!/bin/sh\n");
  {
    cleanup_free char *tool = og_xasprintf ("%s/usr/bin/tool", root);
    assert_int_equal (chmod (tool, 0755), 0);
  }
  return 0;
}

static int
teardown (void **state)
{
  fx_rm_rf (root);
  fx_rm_rf (outside_dir);
  free (root);
  free (outside_dir);
  free (outside);
  return 0;
}

static void
test_read_file_stays_in_root (void **state)
{
  og_source *s = NULL;
  og_error *err = NULL;
  uint8_t *data = NULL;
  size_t len = 0;

  assert_int_equal (og_source_open_dir (root, NULL, &s, &err), 0);
  assert_int_equal (og_source_read_file (s, "/etc/os-release", 4096, &data, &len, &err), 0);
  assert_string_equal ((char *)data, "ID=inside\n");
  free (data);
  /* The host file the absolute link names is not reachable.  */
  assert_int_equal (og_source_read_file (s, "/etc/abs-out", 4096, &data, &len, &err), 1);
  assert_int_equal (og_source_read_file (s, "/etc/dotdot/x", 4096, &data, &len, &err), 1);
  /* A symlink loop is an error, with the path named.  */
  assert_int_equal (og_source_read_file (s, "/etc/loop-a", 4096, &data, &len, &err), -1);
  assert_non_null (err);
  assert_non_null (strstr (err->msg, "/etc/loop-a"));
  og_error_freep (&err);
  /* Over the size bound: an error that says so.  */
  assert_int_equal (og_source_read_file (s, "/usr/lib/os-release", 4, &data, &len, &err), -1);
  assert_non_null (strstr (err->msg, "over the limit"));
  og_error_freep (&err);
  og_source_free (s);
}

static void
test_resolve_dir (void **state)
{
  og_source *s = NULL;
  og_error *err = NULL;
  char *out = NULL;

  assert_int_equal (og_source_open_dir (root, NULL, &s, &err), 0);
  assert_int_equal (og_source_resolve_dir (s, "/bin", &out, &err), 0);
  assert_string_equal (out, "/usr/bin");
  free (out);
  assert_int_equal (og_source_resolve_dir (s, "/bin/../lib/", &out, &err), 0);
  assert_string_equal (out, "/usr/lib");
  free (out);
  assert_int_equal (og_source_resolve_dir (s, "/../../..", &out, &err), 0);
  assert_string_equal (out, "/");
  free (out);
  /* "/tmp" is not in the root */
  assert_int_equal (og_source_resolve_dir (s, "/etc/dotdot", &out, &err), 1);
  assert_int_equal (og_source_resolve_dir (s, "/etc/os-release", &out, &err), 1); /* a file */
  assert_int_equal (og_source_resolve_dir (s, "/etc/loop-a", &out, &err), -1);
  og_error_freep (&err);
  og_source_free (s);
}

typedef struct seen
{
  og_strmap paths;
  size_t n;
} seen;

static int
collect (const og_entry *e, void *ud, og_error **err)
{
  seen *s = ud;
  og_strmap_put (&s->paths, e->path, (void *)(uintptr_t)(e->head_len + 1));
  s->n++;
  return 0;
}

static void
test_walk_does_not_follow_links (void **state)
{
  og_source *s = NULL;
  og_error *err = NULL;
  seen sn = { 0 };

  assert_int_equal (og_source_open_dir (root, NULL, &s, &err), 0);
  assert_int_equal (og_source_walk (s, 0, collect, &sn, &err), 0);
  /* Every entry once; links are entries, not followed.  */
  assert_true (og_strmap_has (&sn.paths, "/bin"));
  assert_false (og_strmap_has (&sn.paths, "/bin/tool"));
  assert_true (og_strmap_has (&sn.paths, "/usr/bin/tool"));
  assert_true (og_strmap_has (&sn.paths, "/etc/abs-out"));
  assert_int_equal ((uintptr_t)og_strmap_get (&sn.paths, "/usr/bin/tool") - 1, 10);
  assert_int_equal (sn.n, sn.paths.n);
  og_strmap_clear (&sn.paths, NULL);
  og_source_free (s);
}

static int
collect_sha (const og_entry *e, void *ud, og_error **err)
{
  og_buf *b = ud;
  if (e->head)
    og_buf_printf (b, "%s %s\n", e->path, e->sha256 ? e->sha256 : "-");
  return 0;
}

/* Digests are asked for when the source is opened, and only then computed.  */
static void
test_walk_digests_when_opened_with_them (void **state)
{
  og_source_options opts = { .digests = true };
  og_source *s = NULL;
  og_error *err = NULL;
  og_buf b = { 0 };
  og_sha256_hex hex;
  cleanup_free char *want = NULL;

  assert_int_equal (og_sha256_hex_of ("#!/bin/sh\n", 10, hex, NULL), 0);
  want = og_xasprintf ("/usr/bin/tool %s\n", hex);
  assert_int_equal (og_source_open_dir (root, &opts, &s, &err), 0);
  assert_int_equal (og_source_walk (s, 0, collect_sha, &b, &err), 0);
  assert_string_equal (b.data, want);
  og_buf_free (&b);
  og_source_free (s);
  assert_int_equal (og_source_open_dir (root, NULL, &s, &err), 0);
  assert_int_equal (og_source_walk (s, 0, collect_sha, &b, &err), 0);
  assert_string_equal (b.data, "/usr/bin/tool -\n");
  og_buf_free (&b);
  og_source_free (s);
}

static void
test_open_errors_name_the_path (void **state)
{
  og_source *s = NULL;
  og_error *err = NULL;
  assert_int_equal (og_source_open_dir ("/nonexistent/og", NULL, &s, &err), -1);
  assert_non_null (strstr (err->msg, "/nonexistent/og"));
  og_error_freep (&err);
  assert_int_equal (og_source_open_dir (outside, NULL, &s, &err), -1);
  assert_non_null (strstr (err->msg, "not a directory"));
  og_error_freep (&err);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_read_file_stays_in_root),
    cmocka_unit_test (test_resolve_dir),
    cmocka_unit_test (test_walk_does_not_follow_links),
    cmocka_unit_test (test_walk_digests_when_opened_with_them),
    cmocka_unit_test (test_open_errors_name_the_path),
  };
  return cmocka_run_group_tests (tests, setup, teardown);
}
