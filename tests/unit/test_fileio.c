/* base/fileio.c's lookups inside a root: og_openat2 against a node whose
   renames race with every ".." step (the kernel's EAGAIN), and the userspace
   lookup it falls back to, which must open what RESOLVE_IN_ROOT opens.  */
#include "fixtures.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "base/resolve.h"
#include "base/util.h"

#define N_LINKS 39 /* the chain and its last hop stay within OG_MAX_LINK_HOPS */

/* A root whose l0 reaches target/file through N_LINKS symbolic links, each
   400 ".." steps long (a walk of about a millisecond), and a few lookups with known answers.  */
static char *
make_root (void)
{
  char *dir = fx_tmpdir ("fileio");
  fx_mkdir (dir, "d");
  fx_mkdir (dir, "d/e");
  fx_mkdir (dir, "target");
  fx_put (dir, "target/file", "the file\n");
  fx_put (dir, "plain", "plain\n");
  for (int i = 0; i < N_LINKS; i++)
    {
      char name[32];
      cleanup_buf og_buf to = { 0 };
      snprintf (name, sizeof name, "l%d", i);
      for (int k = 0; k < 200; k++)
        og_buf_puts (&to, "d/e/../../");
      if (i + 1 < N_LINKS)
        og_buf_printf (&to, "l%d", i + 1);
      else
        og_buf_puts (&to, "../../target/file");
      fx_symlink (to.data, dir, name);
    }
  fx_symlink ("/target", dir, "abs");
  fx_symlink ("../../../target", dir, "d/up");
  fx_symlink ("loop", dir, "loop");
  return dir;
}

static void
assert_same_file (int fd, const char *dir, const char *rel)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  struct stat a, b;
  assert_true (fd >= 0);
  assert_int_equal (fstat (fd, &a), 0);
  assert_int_equal (lstat (p, &b), 0);
  assert_int_equal (a.st_dev, b.st_dev);
  assert_int_equal (a.st_ino, b.st_ino);
}

static int
open_in (int rootfd, const char *path, uint64_t flags)
{
  struct open_how how = { .flags = flags | O_CLOEXEC,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  return og_openat2 (rootfd, path, &how);
}

/* A rename loop, as any busy node has: every rename on the system makes a
   racing RESOLVE_IN_ROOT ".." step fail with EAGAIN.  */
typedef struct renamer
{
  const char *dir;
  atomic_bool stop;
  atomic_long renames;
} renamer;

static void *
rename_loop (void *arg)
{
  renamer *r = arg;
  cleanup_free char *a = og_xasprintf ("%s/ra", r->dir);
  cleanup_free char *b = og_xasprintf ("%s/rb", r->dir);
  fx_put (r->dir, "ra", "x");
  while (!atomic_load (&r->stop))
    if (rename (a, b) == 0 && rename (b, a) == 0)
      atomic_fetch_add (&r->renames, 2);
  return NULL;
}

/* Every open through the ".."-heavy chain reaches target/file while renames
   race with it: a busy node never makes an open fail.  */
static void
test_openat2_under_renames (void **state)
{
  cleanup_free char *dir = make_root ();
  cleanup_close int rootfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  renamer r = { .dir = dir };
  pthread_t t;
  int failed = 0, first_errno = 0;

  assert_true (rootfd >= 0);
  assert_int_equal (pthread_create (&t, NULL, rename_loop, &r), 0);
  while (atomic_load (&r.renames) < 1000)
    ;
  for (int i = 0; i < 500; i++)
    {
      cleanup_close int fd = open_in (rootfd, "l0", O_RDONLY);
      if (fd < 0)
        {
          if (failed++ == 0)
            first_errno = errno;
          continue;
        }
      assert_same_file (fd, dir, "target/file");
    }
  atomic_store (&r.stop, true);
  pthread_join (t, NULL);
  if (failed)
    fail_msg ("%d of 500 opens failed under renames (first: %s)", failed, strerror (first_errno));
  fx_rm_rf (dir);
}

/* The userspace lookup answers as the kernel does: the same file through
   every kind of link, the same errors, nothing outside the root.  */
static void
test_lstat_lookup (void **state)
{
  static const struct
  {
    const char *path;
    bool follow;
    const char *canon; /* NULL: the lookup fails with err */
    int err;
  } rows[] = {
    { "l0", true, "/target/file", 0 },
    { "/abs/file", true, "/target/file", 0 },
    { "d/up/file", true, "/target/file", 0 },
    { "../../../plain", true, "/plain", 0 },
    { "abs", false, "/abs", 0 },
    { "d/e/../../plain", true, "/plain", 0 },
    { "plain/../plain", true, "/plain/../plain", 0 }, /* ENOTDIR on open */
    { "missing/../plain", true, "/missing/../plain", 0 },
    { "loop", true, NULL, ELOOP },
  };
  cleanup_free char *dir = make_root ();
  cleanup_close int rootfd = open (dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  og_in_root r = { .dirfd = rootfd, .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

  assert_true (rootfd >= 0);
  for (size_t i = 0; i < OG_ARRAY_SIZE (rows); i++)
    {
      cleanup_free char *canon = NULL;
      cleanup_error og_error *err = NULL;
      int ret = og_resolve_in_root (rows[i].path, rows[i].follow, og_in_root_lstat, &r, &canon, &err);
      if (rows[i].canon == NULL)
        {
          if (ret != -1 || err == NULL || err->status != rows[i].err)
            fail_msg ("%s: want errno %d, got %d", rows[i].path, rows[i].err,
                      err ? err->status : 0);
          continue;
        }
      if (ret != 0 || strcmp (canon, rows[i].canon) != 0)
        fail_msg ("%s: want %s, got %s (%s)", rows[i].path, rows[i].canon, canon ? canon : "-",
                  err ? err->msg : "no error");
    }
  /* Refusing links, as RESOLVE_NO_SYMLINKS does.  */
  {
    og_in_root strict = { .dirfd = rootfd, .resolve = r.resolve | RESOLVE_NO_SYMLINKS };
    cleanup_free char *canon = NULL;
    cleanup_error og_error *err = NULL;
    assert_int_equal (og_resolve_in_root ("abs/file", true, og_in_root_lstat, &strict, &canon, &err),
                      -1);
    assert_int_equal (err->status, ELOOP);
  }
  /* What the kernel says of the two lookups kept as written.  */
  errno = 0;
  assert_int_equal (open_in (rootfd, "plain/../plain", O_RDONLY), -1);
  assert_int_equal (errno, ENOTDIR);
  errno = 0;
  assert_int_equal (open_in (rootfd, "missing/../plain", O_RDONLY), -1);
  assert_int_equal (errno, ENOENT);
  fx_rm_rf (dir);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_openat2_under_renames),
         cmocka_unit_test (test_lstat_lookup))
