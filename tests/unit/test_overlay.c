/* runtime/overlay.c: the overlay mount in a mount table and the key of its
   lower stack.  */
#include "fixtures.h"
#include <sys/stat.h>
#include <fcntl.h>
#include <time.h>

#include "runtime/cachedir.h"
#include "runtime/overlay.h"

/* A table as the kernel writes it: the container's root (ID 812) with
   podman's options, mounts below it, and unrelated mounts around.  */
static const char table[]
    = "22 1 0:21 / /proc rw,nosuid shared:5 - proc proc rw\n"
      "812 30 0:77 / /var/lib/containers/storage/overlay/abc/merged rw,nodev,relatime - overlay "
      "overlay rw,context=\"system_u:object_r:container_file_t:s0\",lowerdir=/s/overlay/l/AAA:/s/"
      "overlay/l/BBB,upperdir=/s/overlay/abc/diff,workdir=/s/overlay/abc/work,"
      "uuid=on\n"
      "813 812 0:78 / /var/lib/containers/storage/overlay/abc/merged/proc rw - proc proc rw\n"
      "814 812 0:79 /x /var/lib/containers/storage/overlay/abc/merged/etc/host\\040name rw - "
      "tmpfs tmpfs rw\n"
      "815 30 0:80 / /var/lib/containers/storage/overlay/abc/merged2 rw - tmpfs tmpfs rw\n";

static void
test_podman_mount (void **state)
{
  og_overlay_mount m;
  cleanup_error og_error *err = NULL;

  assert_int_equal (og_overlay_parse_mountinfo (table, strlen (table), 812, &m, &err), 0);
  assert_string_equal (m.mount_point, "/var/lib/containers/storage/overlay/abc/merged");
  assert_int_equal (m.n_lowers, 2);
  assert_string_equal (m.lowers[0], "/s/overlay/l/AAA");
  assert_string_equal (m.lowers[1], "/s/overlay/l/BBB");
  assert_string_equal (m.upper, "/s/overlay/abc/diff");
  assert_false (m.userxattr);
  assert_null (m.unsupported);
  assert_int_equal (m.n_below, 2);
  assert_string_equal (m.below[0], "/proc");
  assert_string_equal (m.below[1], "/etc/host name"); /* \040 decoded; merged2 is not below */
  og_overlay_mount_clear (&m);
  /* Not an overlay, and not in the table.  */
  assert_int_equal (og_overlay_parse_mountinfo (table, strlen (table), 22, &m, &err), 1);
  assert_int_equal (og_overlay_parse_mountinfo (table, strlen (table), 9999, &m, &err), 1);
}

static void
parse_one (const char *opts, og_overlay_mount *m)
{
  cleanup_error og_error *err = NULL;
  cleanup_free char *line = og_xasprintf ("7 1 0:9 / /m rw - overlay overlay %s\n", opts);
  assert_int_equal (og_overlay_parse_mountinfo (line, strlen (line), 7, m, &err), 0);
}

/* Escapes in layer paths: Linux 6.5+ writes a ":" inside a path as \072,
   older kernels the "\:" given at mount as \134:, both not separators;
   spaces, commas and backslashes as octal.  */
static void
test_escapes (void **state)
{
  og_overlay_mount m;

  parse_one ("lowerdir=/a\\072b:/with\\040space:/c\\134:d:/e\\054f\\134\\134g,upperdir=/u\\040p,"
             "workdir=/w",
             &m);
  assert_int_equal (m.n_lowers, 4);
  assert_string_equal (m.lowers[0], "/a:b");
  assert_string_equal (m.lowers[1], "/with space");
  assert_string_equal (m.lowers[2], "/c:d");
  assert_string_equal (m.lowers[3], "/e,f\\\\g");
  assert_string_equal (m.upper, "/u p");
  og_overlay_mount_clear (&m);
}

static void
test_many_lowers (void **state)
{
  og_buf b = { 0 };
  og_overlay_mount m;

  og_buf_puts (&b, "lowerdir=");
  for (int i = 0; i < 128; i++)
    og_buf_printf (&b, "%s/var/lib/containers/storage/overlay/l/%026d", i ? ":" : "", i);
  og_buf_puts (&b, ",upperdir=/u,workdir=/w,userxattr");
  parse_one (b.data, &m);
  assert_int_equal (m.n_lowers, 128);
  assert_string_equal (m.lowers[127],
                       "/var/lib/containers/storage/overlay/l/00000000000000000000000127");
  assert_true (m.userxattr);
  assert_null (m.unsupported);
  og_overlay_mount_clear (&m);
  og_buf_free (&b);
}

/* What the merge does not reproduce makes the mount unsupported.  */
static void
test_unsupported (void **state)
{
  static const char *const cases[][2] = {
    { "lowerdir=/a:/b,upperdir=/u,workdir=/w,metacopy=on", "metacopy" },
    { "lowerdir=/a::/data,upperdir=/u,workdir=/w", "data-only" },
    { "lowerdir+=/a,datadir+=/d,upperdir=/u,workdir=/w", "data-only" },
    { "lowerdir=l/AAA:l/BBB,upperdir=abc/diff,workdir=abc/work", "relative" },
    { "upperdir=/u,workdir=/w", "no lowerdir" },
    { "lowerdir=/a,upperdir=/u,workdir=/w,redirect_dir=on", "redirect_dir=on" },
  };
  {
    /* A bind mount of /sub of an overlay (mountinfo's root field).  */
    static const char bind[] = "7 1 0:9 /sub /m rw - overlay overlay lowerdir=/a,upperdir=/u\n";
    og_overlay_mount m;
    cleanup_error og_error *err = NULL;
    assert_int_equal (og_overlay_parse_mountinfo (bind, strlen (bind), 7, &m, &err), 0);
    assert_non_null (m.unsupported);
    assert_non_null (strstr (m.unsupported, "bind mount"));
    og_overlay_mount_clear (&m);
  }
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    {
      og_overlay_mount m;
      parse_one (cases[i][0], &m);
      assert_non_null (m.unsupported);
      if (strstr (m.unsupported, cases[i][1]) == NULL)
        fail_msg ("%s: `%s`", cases[i][0], m.unsupported);
      og_overlay_mount_clear (&m);
    }
  {
    og_overlay_mount m;
    parse_one ("lowerdir+=/a,lowerdir+=/b,upperdir=/u,workdir=/w,metacopy=off", &m);
    assert_null (m.unsupported);
    assert_int_equal (m.n_lowers, 2);
    og_overlay_mount_clear (&m);
  }
}

static void
test_malformed (void **state)
{
  static const char bad[] = "1 2 3 4\n";
  og_overlay_mount m;
  cleanup_error og_error *err = NULL;
  assert_int_equal (og_overlay_parse_mountinfo (bad, strlen (bad), 1, &m, &err), -1);
  assert_int_equal (err->code, OG_ERR_CONTENT);
}

/* The key: the same layers give the same key; another layer directory, or
   the same one changed (its ctime), another key; the layer IDs are in it.  */
static void
test_key (void **state)
{
  cleanup_free char *top = fx_tmpdir ("key");
  cleanup_free char *a = og_xasprintf ("%s/overlay/1111/diff", top);
  cleanup_free char *b = og_xasprintf ("%s/snapshots/42/fs", top);
  cleanup_free char *t1 = NULL, *t2 = NULL, *t3 = NULL, *t4 = NULL;
  og_sha256_hex h1, h2, h3, h4;
  char *lowers[2];
  og_overlay_mount m = { 0 };
  cleanup_error og_error *err = NULL;

  fx_mkdir (top, "overlay");
  fx_mkdir (top, "overlay/1111");
  fx_mkdir (top, "overlay/1111/diff");
  fx_mkdir (top, "snapshots");
  fx_mkdir (top, "snapshots/42");
  fx_mkdir (top, "snapshots/42/fs");
  lowers[0] = a;
  lowers[1] = b;
  m.lowers = lowers;
  m.n_lowers = 2;
  assert_int_equal (og_overlay_key (&m, &t1, h1, &err), 0);
  assert_int_equal (og_overlay_key (&m, &t2, h2, &err), 0);
  assert_string_equal (h1, h2);
  assert_non_null (strstr (t1, " id 1111 "));
  assert_non_null (strstr (t1, " id 42 "));
  m.n_lowers = 1;
  assert_int_equal (og_overlay_key (&m, &t3, h3, &err), 0);
  assert_string_not_equal (h1, h3);
  m.n_lowers = 2;
  {
    struct timespec ts = { 0, 10 * 1000 * 1000 };
    nanosleep (&ts, NULL);
  }
  fx_mkdir (top, "snapshots/42/fs/new"); /* the layer directory changed */
  assert_int_equal (og_overlay_key (&m, &t4, h4, &err), 0);
  assert_string_not_equal (h1, h4);
  fx_rm_rf (top);
}

/* The lower layers mounted alone, detached: overlayfs's own merge (an
   opaque directory, a whiteout) seen through /proc/self/fd/FD.  */
static void
test_mount_lowers (void **state)
{
  if (geteuid () != 0)
    fx_skip ("mounting an overlay needs root"); /* before anything is allocated */

  cleanup_free char *top = fx_tmpdir ("lowers");
  cleanup_free char *l1 = og_xasprintf ("%s/l1", top);
  cleanup_free char *l2 = og_xasprintf ("%s/l2", top);
  cleanup_error og_error *err = NULL;
  char *lowers[2] = { l1, l2 };
  og_overlay_mount m = { 0 };
  int fd = -1;
  struct stat sb;

  fx_put (top, "l1/d/new", "");
  fx_put (top, "l2/d/old", "");
  fx_put (top, "l2/gone", "");
  fx_put (top, "l2/kept", "");
  fx_whiteout (top, "l1/gone");
  fx_xattr (top, "l1/d", "trusted.overlay.opaque", "y");
  m.lowers = lowers;
  m.n_lowers = 2;
  if (og_overlay_mount_lowers (&m, &fd, &err) < 0)
    {
      fx_rm_rf (top); /* fx_skip leaves by longjmp: no cleanup runs */
      fx_skip ("fsmount of an overlay: %s", err->msg);
    }
  assert_int_equal (fstatat (fd, "d/new", &sb, 0), 0);
  assert_int_equal (fstatat (fd, "kept", &sb, 0), 0);
  assert_int_equal (fstatat (fd, "d/old", &sb, 0), -1); /* below an opaque directory */
  assert_int_equal (fstatat (fd, "gone", &sb, 0), -1);  /* whited out */
  /* Read-only, and in no mount table.  */
  assert_int_equal (mkdirat (fd, "x", 0755), -1);
  assert_int_equal (errno, EROFS);
  close (fd);
  fx_rm_rf (top);
}

/* ---- the cache directory ------------------------------------------------ */

static const char *const keys[] = {
  "1111111111111111111111111111111111111111111111111111111111111111",
  "2222222222222222222222222222222222222222222222222222222222222222",
  "3333333333333333333333333333333333333333333333333333333333333333",
};

static void
publish (const char *dir, const char *key, const char *data, og_cache_state use)
{
  og_cachedir c;
  cleanup_error og_error *err = NULL;
  assert_int_equal (og_cachedir_open (dir, 1 << 20, key, &c, &err), 0);
  assert_null (c.entry);
  assert_true (c.tmpfd >= 0);
  assert_int_equal (og_cachedir_publish (&c, data, strlen (data), &err), 0);
  og_cachedir_count (&c, use);
  og_cachedir_close (&c);
}

static void
test_cachedir (void **state)
{
  cleanup_free char *top = fx_tmpdir ("cachedir");
  cleanup_free char *dir = og_xasprintf ("%s/cache", top);
  cleanup_free char *entry = og_xasprintf ("%s/%s.oglc", dir, keys[0]);
  og_cachedir c;
  og_cache_stats st;
  struct stat sb;
  cleanup_error og_error *err = NULL;

  publish (dir, keys[0], "entry one", OG_CACHE_MISS);
  assert_int_equal (stat (dir, &sb), 0);
  assert_int_equal (sb.st_mode & 07777, 0700);
  assert_int_equal (stat (entry, &sb), 0);
  assert_int_equal (sb.st_mode & 07777, 0600);
  /* Found again, with its bytes, and no file made for a new one.  */
  assert_int_equal (og_cachedir_open (dir, 1 << 20, keys[0], &c, &err), 0);
  assert_non_null (c.entry);
  assert_int_equal (c.entry_len, strlen ("entry one"));
  assert_memory_equal (c.entry, "entry one", c.entry_len);
  assert_int_equal (c.tmpfd, -1);
  og_cachedir_count (&c, OG_CACHE_HIT);
  og_cachedir_count (&c, OG_CACHE_HIT);
  /* Dropped (it did not verify): gone, and a file made for its replacement.  */
  assert_int_equal (og_cachedir_drop (&c, &err), 0);
  assert_int_equal (stat (entry, &sb), -1);
  assert_int_equal (og_cachedir_publish (&c, "entry 1bis", 10, &err), 0);
  og_cachedir_count (&c, OG_CACHE_INVALID);
  og_cachedir_close (&c);
  assert_int_equal (og_cache_stats_read (dir, &st, &err), 0);
  assert_int_equal (st.entries, 1);
  assert_int_equal (st.bytes, 10);
  assert_int_equal (st.hits, 2);
  assert_int_equal (st.misses, 1);
  assert_int_equal (st.invalid, 1);
  assert_int_equal (st.unsupported, 0);
  /* A directory others may write to is refused.  */
  assert_int_equal (chmod (dir, 0770), 0);
  assert_int_equal (og_cachedir_open (dir, 1 << 20, keys[0], &c, &err), -1);
  assert_non_null (strstr (err->msg, "writable by no one else"));
  fx_rm_rf (top);
}

/* Least recently used out: three entries of 10 bytes, each used after the
   one before, then the first used again; with room for 20 bytes the next
   open drops the second, the one least recently used.  */
static void
test_cachedir_lru (void **state)
{
  cleanup_free char *top = fx_tmpdir ("cachelru");
  cleanup_free char *dir = og_xasprintf ("%s/cache", top);
  og_cachedir c;
  og_cache_stats st;
  cleanup_error og_error *err = NULL;

  for (size_t i = 0; i < 3; i++)
    {
      cleanup_free char *p = NULL;
      struct timespec t[2] = { { 1000 + (time_t)i, 0 }, { 1000 + (time_t)i, 0 } };
      publish (dir, keys[i], "0123456789", OG_CACHE_MISS);
      p = og_xasprintf ("%s/%s.oglc", dir, keys[i]);
      assert_int_equal (utimensat (AT_FDCWD, p, t, 0), 0);
    }
  assert_int_equal (og_cachedir_open (dir, 1 << 20, keys[0], &c, &err), 0); /* used now */
  og_cachedir_close (&c);
  assert_int_equal (og_cachedir_open (dir, 20, keys[2], &c, &err), 0);
  assert_non_null (c.entry); /* the third stays */
  og_cachedir_close (&c);
  for (size_t i = 0; i < 3; i++)
    {
      cleanup_free char *p = og_xasprintf ("%s/%s.oglc", dir, keys[i]);
      struct stat sb;
      assert_int_equal (stat (p, &sb), i == 1 ? -1 : 0);
    }
  assert_int_equal (og_cache_stats_read (dir, &st, &err), 0);
  assert_int_equal (st.entries, 2);
  fx_rm_rf (top);
}

/* What stands in an entry's place and is not a file is an error that says
   so, and nothing else (no errno of an earlier call).  */
static void
test_cachedir_not_a_file (void **state)
{
  cleanup_free char *top = fx_tmpdir ("cachedir");
  cleanup_free char *name = og_xasprintf ("cache/%s.oglc", keys[0]);
  cleanup_free char *want = og_xasprintf ("cache entry `%s.oglc` is not a regular file", keys[0]);
  cleanup_free char *dir = og_xasprintf ("%s/cache", top);
  cleanup_error og_error *err = NULL;
  og_cachedir c;

  fx_mkdir (top, "cache");
  assert_int_equal (chmod (dir, 0700), 0);
  fx_mkdir (top, name);
  assert_int_equal (og_cachedir_open (dir, 1 << 20, keys[0], &c, &err), -1);
  assert_string_equal (err->msg, want);
  assert_int_equal (err->code, OG_ERR_CONTENT);
  fx_rm_rf (top);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_podman_mount), cmocka_unit_test (test_escapes),
         cmocka_unit_test (test_many_lowers), cmocka_unit_test (test_unsupported),
         cmocka_unit_test (test_malformed), cmocka_unit_test (test_key),
         cmocka_unit_test (test_cachedir), cmocka_unit_test (test_cachedir_lru),
         cmocka_unit_test (test_cachedir_not_a_file),
         cmocka_unit_test (test_mount_lowers))
