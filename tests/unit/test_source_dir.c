/* The directory source and resolution inside a root, on trees made here.  */
#include "fixtures.h"
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <time.h>

#include "base/deadline.h"
#include "base/digest.h"
#include "catalog/build.h"
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

/* The os-release the hook picks its manifest with, read alone, is the one
   the inventory of the same root carries (through the root's own link).  */
static void
test_read_os_alone_matches_the_inventory (void **state)
{
  og_source *s = NULL;
  og_error *err = NULL;
  og_osrelease os = { 0 };
  og_inventory inv;
  cleanup_free char *bare = fx_tmpdir ("no-os-release");

  assert_int_equal (og_source_open_dir (root, NULL, &s, &err), 0);
  assert_int_equal (og_inventory_read_os (s, &os, &err), 0);
  assert_int_equal (og_inventory_build (s, OG_INV_NO_PACKAGES, &inv, &err), 0);
  assert_non_null (os.id);
  assert_string_equal (os.id, "inside");
  assert_string_equal (os.id, inv.os.id);
  og_osrelease_clear (&os);
  og_inventory_clear (&inv);
  og_source_free (s);
  s = NULL;
  /* No os-release: nothing, and no error.  */
  assert_int_equal (og_source_open_dir (bare, NULL, &s, &err), 0);
  assert_int_equal (og_inventory_read_os (s, &os, &err), 0);
  assert_null (os.id);
  assert_null (err);
  og_source_free (s);
}

static void
test_read_file_stays_in_root (void **state)
{
  og_source *s = NULL;
  og_error *err = NULL;

  assert_int_equal (og_source_open_dir (root, NULL, &s, &err), 0);
  fx_assert_reads (s, "/etc/os-release", 4096, "ID=inside\n");
  /* The host file the absolute link names is not reachable.  */
  fx_assert_read_fails (s, "/etc/abs-out", 4096, NULL);
  fx_assert_read_fails (s, "/etc/dotdot/x", 4096, NULL);
  /* A symlink loop is an error, with the path named.  */
  fx_assert_read_fails (s, "/etc/loop-a", 4096, "/etc/loop-a");
  /* Over the size bound: an error that says so.  */
  fx_assert_read_fails (s, "/usr/lib/os-release", 4, "over the limit");
  og_source_free (s);
}

static void
test_resolve_dir (void **state)
{
  og_source *s = NULL;
  og_error *err = NULL;
  char *out = NULL;

  assert_int_equal (og_source_open_dir (root, NULL, &s, &err), 0);
  fx_assert_resolves (s, "/bin", "/usr/bin");
  fx_assert_resolves (s, "/bin/../lib/", "/usr/lib");
  fx_assert_resolves (s, "/../../..", "/");
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
    og_buf_printf (b, "%s %s\n", e->path,
                   e->sha256           ? e->sha256
                   : e->sha256_pending ? "pending"
                                       : "-");
  return 0;
}

/* Digests are asked for when the source is opened, and only then computed:
   a directory hands each executable over as pending, and inspect reads it
   (the catalog does so on every CPU after the walk).  */
static void
test_walk_digests_when_opened_with_them (void **state)
{
  og_source_options opts = { .digests = OG_DIGESTS_EXEC };
  og_source *s = NULL;
  og_error *err = NULL;
  og_buf b = { 0 };
  og_sha256_hex hex;
  og_file_facts ff;

  assert_int_equal (og_sha256_hex_of ("#!/bin/sh\n", 10, hex, NULL), 0);
  assert_int_equal (og_source_open_dir (root, &opts, &s, &err), 0);
  assert_int_equal (og_source_walk (s, 0, collect_sha, &b, &err), 0);
  assert_string_equal (b.data, "/usr/bin/tool pending\n");
  assert_int_equal (og_source_inspect (s, "/usr/bin/tool", OG_DIGEST_SHA256, &ff, &err), 0);
  assert_true (ff.has_digest);
  assert_string_equal (ff.digest, hex);
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

/* A fresh directory of its own for a test.  */
static char *
fresh_dir (void)
{
  char tmpl[] = "/var/tmp/og-srcdir2-XXXXXX";
  assert_non_null (mkdtemp (tmpl));
  return og_xstrdup (tmpl);
}

static void
remove_dir (const char *d)
{
  cleanup_free char *cmd = og_xasprintf ("rm -rf '%s'", d);
  assert_int_equal (system (cmd), 0);
}

static int
count_entry (const og_entry *e, void *ud, og_error **err)
{
  (*(size_t *)ud)++;
  return 0;
}

/* OG_MAX_DEPTH + 1 directories NAME nested below dir: one past the depth
   limit.  */
static void
nest_past_depth_limit (const char *dir, const char *name)
{
  og_buf p = { 0 };
  og_buf_puts (&p, dir);
  for (int i = 0; i < OG_MAX_DEPTH + 1; i++)
    {
      og_buf_printf (&p, "/%s", name);
      assert_int_equal (mkdir (p.data, 0755), 0);
    }
  og_buf_free (&p);
}

/* 257 nested directories: past OG_MAX_DEPTH, an OG_ERR_LIMIT that says
   "depth" and where.  */
static void
test_walk_depth_limit (void **state)
{
  cleanup_free char *d = fresh_dir ();
  og_source *s = NULL;
  og_error *err = NULL;
  size_t n = 0;

  nest_past_depth_limit (d, "d");
  assert_int_equal (og_source_open_dir (d, NULL, &s, &err), 0);
  assert_int_equal (og_source_walk (s, 0, count_entry, &n, &err), -1);
  assert_int_equal (og_error_code (err), OG_ERR_LIMIT);
  assert_non_null (strstr (err->msg, "nested deeper than 256 levels (the depth limit)"));
  assert_true (og_str_has_prefix (err->msg, "`/d/d/d/"));
  og_error_freep (&err);
  og_source_free (s);
  remove_dir (d);
}

static bool
ends_with (const char *s, const char *suffix)
{
  size_t n = strlen (s), m = strlen (suffix);
  return n >= m && strcmp (s + n - m, suffix) == 0;
}

/* Everything a walk hands over, one line an entry, into a buffer; with
   stop_at, the walk function fails at that path.  */
typedef struct transcript
{
  og_buf b;
  const char *stop_at;
} transcript;

static int
record_entry (const og_entry *e, void *ud, og_error **err)
{
  transcript *t = ud;
  og_buf_printf (&t->b, "%s %o %u:%u %llu %llu skip=%d link=%s pending=%d cap=%zu head=", e->path,
                 e->mode, e->uid, e->gid, (unsigned long long)e->size,
                 (unsigned long long)e->nlink, (int)e->skipped,
                 e->link_target ? e->link_target : "-", (int)e->sha256_pending, e->cap_len);
  og_buf_append (&t->b, e->head ? (const char *)e->head : "", e->head_len);
  og_buf_putc (&t->b, '\n');
  if (t->stop_at && strcmp (e->path, t->stop_at) == 0)
    return og_error_set (err, 0, "stopped at `%s`", e->path);
  return 0;
}

/* The walk's transcript and its result ("ok" or the error's message).  */
static char *
walk_transcript (const char *dir, unsigned flags, bool digests, const char *stop_at)
{
  og_source_options opts = { .digests = digests ? OG_DIGESTS_EXEC : OG_DIGESTS_NONE };
  transcript t = { .stop_at = stop_at };
  og_source *s = NULL;
  og_error *err = NULL;
  int r;

  assert_int_equal (og_source_open_dir (dir, &opts, &s, &err), 0);
  r = og_source_walk (s, flags, record_entry, &t, &err);
  og_buf_printf (&t.b, "=> %s\n", r == 0 ? "ok" : err->msg);
  assert_true (r == 0 || err != NULL);
  og_error_freep (&err);
  og_source_free (s);
  return og_buf_steal (&t.b);
}

/* A walk that reads ahead on other threads (OG_WALK_PARALLEL) hands over
   exactly what the walk of one thread does, in the same order, with the
   same first error: on a tree of 600 directories with files, executables
   (heads), a capability, links and hard links, then with a path over the
   length limit late in the walk and a directory past the depth limit early
   in it, and with a walk function that fails half way.  Each walk is
   repeated: the helpers' timing differs from run to run.  */
static void
test_parallel_walk_is_the_walk (void **state)
{
  cleanup_free char *d = fresh_dir ();
  cleanup_free char *seq = NULL, *seq_digests = NULL;
  cleanup_free char *stop = NULL;
  size_t lines = 0;

  for (int i = 0; i < 30; i++)
    for (int j = 0; j < 20; j++)
      {
        cleanup_free char *sub = og_xasprintf ("d%02d/s%02d", i, j);
        cleanup_free char *f = og_xasprintf ("%s/file", sub);
        cleanup_free char *x = og_xasprintf ("%s/tool%d", sub, j);
        cleanup_free char *l = og_xasprintf ("%s/link", sub);
        cleanup_free char *body = og_xasprintf ("#!/bin/sh\necho %d %d\n", i, j);
        fx_parents (d, f);
        fx_put (d, f, "data");
        fx_put (d, x, body);
        fx_chmod (d, x, j % 5 == 0 ? 04755 : 0755);
        fx_symlink (j % 2 ? "file" : "/etc/passwd", d, l);
      }
  {
    /* VFS_CAP_REVISION_2, effective, permitted CAP_NET_RAW (capability.h).  */
    static const uint8_t cap[20] = { 0x01, 0, 0, 0x02, 0, 0x20 };
    cleanup_free char *x = og_xasprintf ("%s/d03/s05/tool5", d);
    assert_int_equal (lsetxattr (x, "security.capability", cap, sizeof cap, 0), 0);
  }
  {
    cleanup_free char *a = og_xasprintf ("%s/d00/s00/file", d);
    cleanup_free char *b = og_xasprintf ("%s/d29/s19/hard", d);
    assert_int_equal (link (a, b), 0);
  }

  seq = walk_transcript (d, 0, false, NULL);
  seq_digests = walk_transcript (d, 0, true, NULL);
  for (const char *c = seq; *c; c++)
    lines += *c == '\n';
  assert_true (lines > 600 * 4);
  assert_true (ends_with (seq, "=> ok\n"));
  {
    cleanup_free char *want
        = og_xasprintf ("/d03/s05/tool5 104755 %u:%u 19 1 skip=0 link=- pending=0 cap=20 head=#!",
                        getuid (), getgid ());
    cleanup_free char *want_digests
        = og_xasprintf ("/d03/s05/tool5 104755 %u:%u 19 1 skip=0 link=- pending=1 cap=20 head=#!",
                        getuid (), getgid ());
    assert_non_null (strstr (seq, want));
    assert_non_null (strstr (seq_digests, want_digests));
    assert_non_null (strstr (seq, "/d00/s01/link 120777"));
    assert_non_null (strstr (seq, " 2 skip=0 link=- pending=0 cap=0 head=\n/d00/s00/link"));
  }
  for (int round = 0; round < 5; round++)
    {
      cleanup_free char *par = walk_transcript (d, OG_WALK_PARALLEL, false, NULL);
      cleanup_free char *par_digests = walk_transcript (d, OG_WALK_PARALLEL, true, NULL);
      assert_string_equal (par, seq);
      assert_string_equal (par_digests, seq_digests);
    }

  /* A walk function that fails half way: the same entries before it.  */
  stop = walk_transcript (d, 0, false, "/d15/s10/tool10");
  assert_true (ends_with (stop, "=> stopped at `/d15/s10/tool10`\n"));
  for (int round = 0; round < 5; round++)
    {
      cleanup_free char *par = walk_transcript (d, OG_WALK_PARALLEL, false, "/d15/s10/tool10");
      assert_string_equal (par, stop);
    }

  /* Over the path length limit at the end, past the depth limit at the
     start: both walks stop at the first in walk order, the depth.  */
  {
    /* Made relative to an fd: the whole path is longer than PATH_MAX.  */
    cleanup_free char *start = og_xasprintf ("%s/d29/s19", d);
    const char *name = "long-name-of-a-directory-long-name-of-a-directory";
    size_t len = strlen ("/d29/s19");
    int fd = open (start, O_PATH | O_DIRECTORY);
    char x[251];
    assert_true (fd >= 0);
    for (; len < OG_MAX_PATH - 200; len += 1 + strlen (name))
      {
        int sub;
        assert_int_equal (mkdirat (fd, name, 0755), 0);
        sub = openat (fd, name, O_PATH | O_DIRECTORY);
        assert_true (sub >= 0);
        close (fd);
        fd = sub;
      }
    memset (x, 'x', 250);
    x[250] = '\0';
    assert_int_equal (mkdirat (fd, x, 0755), 0);
    close (fd);
  }
  {
    cleanup_free char *late = walk_transcript (d, 0, false, NULL);
    assert_non_null (strstr (late, "(the path length limit)"));
    for (int round = 0; round < 5; round++)
      {
        cleanup_free char *par = walk_transcript (d, OG_WALK_PARALLEL, false, NULL);
        assert_string_equal (par, late);
      }
  }
  {
    cleanup_free char *d00 = og_xasprintf ("%s/d00", d);
    nest_past_depth_limit (d00, "a");
  }
  {
    cleanup_free char *early = walk_transcript (d, 0, false, NULL);
    assert_non_null (strstr (early, "(the depth limit)"));
    assert_null (strstr (early, "/d01/"));
    for (int round = 0; round < 5; round++)
      {
        cleanup_free char *par = walk_transcript (d, OG_WALK_PARALLEL, false, NULL);
        assert_string_equal (par, early);
      }
  }
  remove_dir (d);
}

/* A directory larger than the walk's scan window (4096 entries) is walked
   whole and in order, its later windows included, with what they hold (an
   executable, a link, a subdirectory and its content past the first
   window), by one thread and with read-ahead alike.  */
static void
test_walk_of_a_large_directory (void **state)
{
  cleanup_free char *d = fresh_dir ();
  cleanup_free char *seq = NULL;
  const char *prev = "";
  size_t lines = 0;

  for (int i = 0; i < 9000; i++)
    {
      cleanup_free char *name = og_xasprintf ("big/e%05d", i);
      if (i % 1000 == 999)
        {
          cleanup_free char *inner = og_xasprintf ("%s/inner", name);
          fx_parents (d, inner);
          fx_put (d, inner, "#!/bin/sh\n");
          fx_chmod (d, inner, 0755);
        }
      else if (i % 1000 == 500)
        fx_symlink ("e00000", d, name);
      else
        {
          fx_parents (d, name);
          fx_put (d, name, i % 1000 == 7 ? "#!/bin/sh\n" : "");
          if (i % 1000 == 7)
            fx_chmod (d, name, 0755);
        }
    }
  seq = walk_transcript (d, 0, false, NULL);
  assert_true (ends_with (seq, "=> ok\n"));
  for (char *line = seq, *nl; (nl = strchr (line, '\n')) != NULL; line = nl + 1)
    {
      *nl = '\0';
      if (og_str_has_prefix (line, "/big/"))
        {
          /* Depth first in strcmp order: each path after the one before.  */
          assert_true (strcmp (prev, line) < 0);
          prev = line;
          lines++;
        }
      *nl = '\n';
    }
  assert_int_equal (lines, 9000 + 9); /* the entries and the 9 inner files */
  assert_non_null (strstr (seq, "/big/e08999/inner 100755"));
  assert_non_null (strstr (seq, "/big/e08500 120777"));
  assert_non_null (strstr (seq, "/big/e08007 100755 "));
  for (int round = 0; round < 3; round++)
    {
      cleanup_free char *par = walk_transcript (d, OG_WALK_PARALLEL, false, NULL);
      assert_string_equal (par, seq);
    }
  remove_dir (d);
}

/* The package databases are read beside the walk, yet a walk's error comes
   first, as when they were read after it: a dpkg status that is a directory
   fails the inventory only when the walk does not.  */
static void
test_walk_error_before_database_error (void **state)
{
  cleanup_free char *d = fresh_dir ();
  og_source *s = NULL;
  og_error *err = NULL;
  og_inventory inv;

  fx_mkdir (d, "etc");
  fx_parents (d, "var/lib/dpkg/status/x");
  assert_int_equal (og_source_open_dir (d, NULL, &s, &err), 0);
  assert_int_equal (og_inventory_build (s, 0, &inv, &err), -1);
  assert_non_null (strstr (err->msg, "`/var/lib/dpkg/status` is not a regular file"));
  og_error_freep (&err);
  {
    cleanup_free char *etc = og_xasprintf ("%s/etc", d);
    nest_past_depth_limit (etc, "d");
  }
  for (int round = 0; round < 5; round++)
    {
      assert_int_equal (og_inventory_build (s, 0, &inv, &err), -1);
      assert_int_equal (og_error_code (err), OG_ERR_LIMIT);
      assert_non_null (strstr (err->msg, "(the depth limit)"));
      og_error_freep (&err);
    }
  og_source_free (s);
  remove_dir (d);
}

/* A sparse executable far larger than its blocks: hashing it (inspect, which
   reads what the walk handed over as pending) checks the deadline and stops
   soon after it passes, with OG_ERR_DEADLINE; past OG_HASH_MAX the walk
   refuses it with OG_ERR_LIMIT.  */
static void
test_hashing_checks_deadline (void **state)
{
  og_source_options opts = { .digests = OG_DIGESTS_EXEC };
  cleanup_free char *d = fresh_dir ();
  cleanup_free char *huge = og_xasprintf ("%s/huge", d);
  og_source *s = NULL;
  og_error *err = NULL;
  struct timespec t0, t1;
  og_file_facts ff;
  size_t n = 0;
  int fd = open (huge, O_WRONLY | O_CREAT | O_EXCL, 0755);

  assert_true (fd >= 0);
  assert_int_equal (ftruncate (fd, 15ll << 30), 0); /* 15 GiB, no blocks */
  assert_int_equal (og_source_open_dir (d, &opts, &s, &err), 0);
  clock_gettime (CLOCK_MONOTONIC, &t0);
  assert_int_equal (og_source_walk (s, 0, count_entry, &n, &err), 0);
  og_deadline_start (200);
  assert_int_equal (og_source_inspect (s, "/huge", OG_DIGEST_SHA256, &ff, &err), -1);
  og_deadline_start (0);
  clock_gettime (CLOCK_MONOTONIC, &t1);
  assert_int_equal (og_error_code (err), OG_ERR_DEADLINE);
  assert_non_null (strstr (err->msg, "hashing `/huge`"));
  assert_non_null (strstr (err->msg, "deadline"));
  assert_true ((t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000 < 1500);
  og_error_freep (&err);
  /* Past OG_HASH_MAX it is not hashed at all: a limit, at once.  */
  assert_int_equal (ftruncate (fd, (off_t)OG_HASH_MAX + 1), 0);
  close (fd);
  assert_int_equal (og_source_walk (s, 0, count_entry, &n, &err), -1);
  assert_int_equal (og_error_code (err), OG_ERR_LIMIT);
  assert_non_null (
      strstr (err->msg, "`/huge`: an executable of 17179869185 bytes, over the limit"));
  og_error_freep (&err);
  og_source_free (s);
  remove_dir (d);
}

typedef struct skips
{
  og_buf seen;    /* "PATH\n" of every entry not skipped */
  og_buf skipped; /* "PATH\n" of every skipped entry */
} skips;

static int
collect_skips (const og_entry *e, void *ud, og_error **err)
{
  skips *k = ud;
  og_buf_printf (e->skipped ? &k->skipped : &k->seen, "%s\n", e->path);
  return 0;
}

static void
walk_skips (const char *dir, unsigned flags, skips *k)
{
  og_source *s = NULL;
  og_error *err = NULL;
  assert_int_equal (og_source_open_dir (dir, NULL, &s, &err), 0);
  assert_int_equal (og_source_walk (s, flags, collect_skips, k, &err), 0);
  og_source_free (s);
  og_buf_putc (&k->seen, '\0');
  og_buf_putc (&k->skipped, '\0');
}

/* Mounts are found by mount ID: an overlay root whose lower layer is a
   tmpfs and whose upper layer is on disk is walked whole, though its files
   report different st_dev; a mount inside a root is handed over as
   skipped and not entered.  Needs root (mount(2)).  */
/* What test_mounts_by_mount_id mounted, undone even when it fails.  */
static char *mounted_dir;

static int
unmount_all (void **state)
{
  static const char *const order[] = { "merged/mnt", "merged", "lower" };
  if (mounted_dir == NULL)
    return 0;
  for (size_t i = 0; i < OG_ARRAY_SIZE (order); i++)
    {
      cleanup_free char *m = og_xasprintf ("%s/%s", mounted_dir, order[i]);
      umount2 (m, MNT_DETACH); /* not mounted: EINVAL, fine */
    }
  remove_dir (mounted_dir);
  free (mounted_dir);
  mounted_dir = NULL;
  return 0;
}

static void
test_mounts_by_mount_id (void **state)
{
  char *d = mounted_dir = fresh_dir ();
  cleanup_free char *lower = og_xasprintf ("%s/lower", d);
  cleanup_free char *upper = og_xasprintf ("%s/upper", d);
  cleanup_free char *work = og_xasprintf ("%s/work", d);
  cleanup_free char *merged = og_xasprintf ("%s/merged", d);
  cleanup_free char *opts = NULL;
  cleanup_free char *inner = og_xasprintf ("%s/merged/mnt", d);
  skips k = { { 0 } }, cross = { { 0 } };
  struct stat a, b;

  assert_int_equal (mkdir (lower, 0755), 0);
  assert_int_equal (mkdir (upper, 0755), 0);
  assert_int_equal (mkdir (work, 0755), 0);
  assert_int_equal (mkdir (merged, 0755), 0);
  if (mount ("tmpfs", lower, "tmpfs", 0, "size=4m") < 0)
    skip (); /* not root: the teardown removes d */
  fx_put (lower, "bin-tool", "#!/bin/sh\n");
  fx_chmod (lower, "bin-tool", 0755);
  {
    cleanup_free char *m = og_xasprintf ("%s/mnt", lower);
    assert_int_equal (mkdir (m, 0755), 0);
  }
  fx_put (upper, "etc-os-release", "ID=upper\n");
  fx_chmod (upper, "etc-os-release", 0644);
  {
    cleanup_free char *o = og_xasprintf ("%s/opt", upper);
    assert_int_equal (mkdir (o, 0755), 0);
    fx_put (o, "a", "#!/bin/a\n");
    fx_chmod (o, "a", 0755);
    fx_put (o, "b", "b");
    fx_chmod (o, "b", 0644);
    fx_put (o, "c", ""); /* a runtime's placeholder */
    fx_chmod (o, "c", 0644);
  }
  opts = og_xasprintf ("lowerdir=%s,upperdir=%s,workdir=%s", lower, upper, work);
  if (mount ("overlay", merged, "overlay", 0, opts) < 0)
    skip ();
  /* The premise: the lower layer's file reports another st_dev.  */
  assert_int_equal (stat (merged, &a), 0);
  {
    cleanup_free char *t = og_xasprintf ("%s/bin-tool", merged);
    assert_int_equal (stat (t, &b), 0);
  }
  assert_true (a.st_dev != b.st_dev);
  assert_int_equal (mount ("tmpfs", inner, "tmpfs", 0, "size=1m"), 0);
  fx_put (inner, "hidden", "x");
  fx_chmod (inner, "hidden", 0755);

  {
    /* The inventory counts and lists what the walk left out: the mount
       point, and the placeholder (an empty file) at an excluded path; a
       directory at an excluded path is walked (what an image holds under
       its VOLUME is inspected, issue 10).  */
    static const char *const excludes[] = { "/opt", "/opt/c" };
    cleanup_inventory og_inventory inv = { 0 };
    og_source *s = NULL;
    og_error *err = NULL;
    assert_int_equal (og_source_open_dir (merged, NULL, &s, &err), 0);
    assert_int_equal (og_inventory_build_excluding (s, OG_INV_NO_PACKAGES, excludes, 2, &inv, &err),
                      0);
    og_source_free (s);
    assert_int_equal (inv.n_skipped, 2);
    assert_int_equal (inv.summary.skipped, 2);
    assert_string_equal (inv.skipped[0].path, "/mnt");
    assert_int_equal (inv.skipped[0].reason, OG_SKIPPED_MOUNT);
    assert_true (S_ISDIR (inv.skipped[0].mode));
    assert_string_equal (og_skip_reason_name (inv.skipped[0].reason), "mount");
    assert_string_equal (inv.skipped[1].path, "/opt/c");
    assert_int_equal (inv.skipped[1].reason, OG_SKIPPED_EXCLUDED);
    assert_string_equal (og_skip_reason_name (inv.skipped[1].reason), "excluded");
    assert_int_equal (inv.n_execs, 2); /* /bin-tool, from the tmpfs lower layer, and /opt/a */
    assert_string_equal (inv.execs[0].path, "/bin-tool");
    assert_string_equal (inv.execs[1].path, "/opt/a");
  }
  walk_skips (merged, 0, &k);
  assert_string_equal (k.seen.data, "/bin-tool\n/etc-os-release\n/opt\n/opt/a\n/opt/b\n/opt/c\n");
  assert_string_equal (k.skipped.data, "/mnt\n");
  walk_skips (merged, OG_WALK_CROSS_MOUNTS, &cross);
  assert_string_equal (
      cross.seen.data,
      "/bin-tool\n/etc-os-release\n/mnt\n/mnt/hidden\n/opt\n/opt/a\n/opt/b\n/opt/c\n");
  assert_string_equal (cross.skipped.data, "");

  og_buf_free (&k.seen);
  og_buf_free (&k.skipped);
  og_buf_free (&cross.seen);
  og_buf_free (&cross.skipped);
}

FX_MAIN (setup, teardown, cmocka_unit_test (test_read_file_stays_in_root),
         cmocka_unit_test (test_resolve_dir),
         cmocka_unit_test (test_read_os_alone_matches_the_inventory),
         cmocka_unit_test (test_walk_does_not_follow_links),
         cmocka_unit_test (test_walk_digests_when_opened_with_them),
         cmocka_unit_test (test_open_errors_name_the_path),
         cmocka_unit_test (test_walk_depth_limit), cmocka_unit_test (test_parallel_walk_is_the_walk),
         cmocka_unit_test (test_walk_of_a_large_directory),
         cmocka_unit_test (test_walk_error_before_database_error),
         cmocka_unit_test (test_hashing_checks_deadline),
         cmocka_unit_test_teardown (test_mounts_by_mount_id, unmount_all));
