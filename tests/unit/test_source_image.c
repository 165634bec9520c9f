/* The image source on hand-made layers: each test writes layer tars with
   libarchive, wraps them into an OCI layout (index, manifest and config with
   their real sha256 digests) in a temporary directory, and opens it.  */
#include "fixtures.h"

#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <time.h>

#include "base/deadline.h"
#include "base/digest.h"
#include "catalog/pkgdb_paths.h"
#include "source/image/image.h"
#include "base/util.h"

/* One entry of a hand-made layer.  */
typedef struct ent
{
  const char *path;
  char type; /* f d l h (hardlink) */
  unsigned perm;
  const char *data; /* file content, link or hardlink target */
  const char *cap;  /* security.capability value (raw bytes), or NULL */
  size_t cap_len;
} ent;

#define END                                                                                        \
  {                                                                                                \
    NULL, 0, 0, NULL, NULL, 0                                                                      \
  }

static char tmpdir[] = "/tmp/og-test-image-XXXXXX";

/* A tar of ENTS in memory (gzip-compressed when GZ).  */
static og_buf
make_tar (const ent *ents, bool gz)
{
  struct archive *a = archive_write_new ();
  size_t cap = 1 << 20, used = 0;
  og_buf b = { 0 };
  for (const ent *e = ents; e->path; e++)
    cap += e->type == 'f' && e->data ? strlen (e->data) + 1024 : 1024;
  b.data = og_xmalloc (cap);
  archive_write_set_format_pax_restricted (a);
  if (gz)
    archive_write_add_filter_gzip (a);
  archive_write_set_bytes_in_last_block (a, 1);
  assert_int_equal (archive_write_open_memory (a, b.data, cap, &used), ARCHIVE_OK);
  for (const ent *e = ents; e->path; e++)
    {
      struct archive_entry *ae = archive_entry_new ();
      archive_entry_set_pathname (ae, e->path);
      archive_entry_set_uid (ae, 0);
      archive_entry_set_gid (ae, 0);
      switch (e->type)
        {
        case 'd':
          archive_entry_set_filetype (ae, AE_IFDIR);
          break;
        case 'l':
          archive_entry_set_filetype (ae, AE_IFLNK);
          archive_entry_set_symlink (ae, e->data);
          break;
        case 'h':
          archive_entry_set_filetype (ae, AE_IFREG);
          archive_entry_set_hardlink (ae, e->data);
          break;
        default:
          archive_entry_set_filetype (ae, AE_IFREG);
          archive_entry_set_size (ae, e->data ? strlen (e->data) : 0);
          break;
        }
      archive_entry_set_perm (ae, e->perm          ? e->perm
                                  : e->type == 'd' ? 0755
                                  : e->type == 'l' ? 0777
                                                   : 0644);
      if (e->cap)
        archive_entry_xattr_add_entry (ae, "security.capability", e->cap, e->cap_len);
      assert_int_equal (archive_write_header (a, ae), ARCHIVE_OK);
      if (e->type == 'f' && e->data)
        assert_int_equal (archive_write_data (a, e->data, strlen (e->data)),
                          (ssize_t)strlen (e->data));
      archive_entry_free (ae);
    }
  assert_int_equal (archive_write_close (a), ARCHIVE_OK);
  archive_write_free (a);
  b.len = used;
  b.cap = cap;
  return b;
}

/* Write an OCI layout of LAYERS (NULL-terminated list of entry lists) into
   a fresh directory and return its path.  When CORRUPT_DIGEST, the manifest
   names a wrong digest for the last layer.  */
static char *
make_layout (const ent *const *layers, bool gz, bool corrupt_digest)
{
  static int seq;
  char *dir = og_xasprintf ("%s/l%d", tmpdir, seq++);
  og_buf manifest_layers = { 0 }, diff_ids = { 0 }, cfg = { 0 }, man = { 0 }, idx = { 0 };
  og_sha256_hex hex;
  size_t i;

  assert_int_equal (mkdir (dir, 0755), 0);
  fx_mkdir (dir, "blobs");
  fx_mkdir (dir, "blobs/sha256");
  fx_write (dir, "oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
  for (i = 0; layers[i]; i++)
    {
      og_buf t = make_tar (layers[i], gz);
      og_buf u = gz ? make_tar (layers[i], false) : (og_buf){ 0 };
      og_sha256_hex uhex;
      cleanup_free char *name = NULL;
      fx_sha256 (t.data, t.len, hex);
      fx_sha256 (gz ? u.data : t.data, gz ? u.len : t.len, uhex);
      name = og_xasprintf ("blobs/sha256/%s", hex);
      fx_write (dir, name, t.data, t.len);
      if (corrupt_digest && layers[i + 1] == NULL)
        {
          /* The same bytes under a name they do not hash to.  */
          cleanup_free char *bad = NULL;
          hex[0] = hex[0] == '0' ? '1' : '0';
          bad = og_xasprintf ("blobs/sha256/%s", hex);
          fx_write (dir, bad, t.data, t.len);
        }
      og_buf_printf (&manifest_layers,
                     "%s{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar%s\","
                     "\"digest\":\"sha256:%s\",\"size\":%zu}",
                     i ? "," : "", gz ? "+gzip" : "", hex, t.len);
      og_buf_printf (&diff_ids, "%s\"sha256:%s\"", i ? "," : "", uhex);
      og_buf_free (&t);
      og_buf_free (&u);
    }
  og_buf_printf (&cfg,
                 "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                 "\"diff_ids\":[%s]}}",
                 diff_ids.data);
  fx_sha256 (cfg.data, cfg.len, hex);
  {
    cleanup_free char *name = og_xasprintf ("blobs/sha256/%s", hex);
    fx_write (dir, name, cfg.data, cfg.len);
  }
  og_buf_printf (
      &man,
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\","
      "\"digest\":\"sha256:%s\",\"size\":%zu},\"layers\":[%s]}",
      hex, cfg.len, manifest_layers.data);
  fx_sha256 (man.data, man.len, hex);
  {
    cleanup_free char *name = og_xasprintf ("blobs/sha256/%s", hex);
    fx_write (dir, name, man.data, man.len);
  }
  og_buf_printf (&idx,
                 "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                 "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:%s\","
                 "\"size\":%zu,\"annotations\":{\"org.opencontainers.image.ref.name\":\"t\"}}]}",
                 hex, man.len);
  fx_write (dir, "index.json", idx.data, idx.len);
  og_buf_free (&manifest_layers);
  og_buf_free (&diff_ids);
  og_buf_free (&cfg);
  og_buf_free (&man);
  og_buf_free (&idx);
  return dir;
}

typedef struct seen
{
  og_buf lines;
} seen;

static int
collect (const og_entry *e, void *ud, og_error **err)
{
  seen *s = ud;
  og_buf_printf (&s->lines, "%s %o %llu %llu %s %zu %d\n", e->path, e->mode,
                 (unsigned long long)e->size, (unsigned long long)e->nlink,
                 e->link_target ? e->link_target : "-", e->cap_len, e->layer);
  return 0;
}

/* The sha256 the walk hands over for each executable: "PATH HEX\n".  */
static int
collect_sha (const og_entry *e, void *ud, og_error **err)
{
  seen *s = ud;
  if (og_entry_is_executable (e->mode))
    og_buf_printf (&s->lines, "%s %s\n", e->path, e->sha256 ? e->sha256 : "-");
  return 0;
}

static char *
walk_sha (og_source *s)
{
  seen sn = { { 0 } };
  og_error *err = NULL;
  assert_int_equal (og_source_walk (s, 0, collect_sha, &sn, &err), 0);
  return sn.lines.data ? og_buf_steal (&sn.lines) : og_xstrdup ("");
}

static og_source *
open_ok (const char *dir, bool sha)
{
  og_source_options o
      = { .digests = sha ? OG_DIGESTS_EXEC : OG_DIGESTS_NONE, .keep = og_pkgdb_keep };
  og_source *s = NULL;
  og_error *err = NULL;
  int r = og_source_open (dir, &o, &s, &err);
  if (r != 0)
    fail_msg ("open %s: %s", dir, err ? err->msg : "(returned 1)");
  assert_string_equal (s->info.kind, "oci");
  return s;
}

static char *
open_fails (const char *dir)
{
  og_source *s = NULL;
  og_error *err = NULL;
  char *msg;
  assert_int_equal (og_source_open (dir, NULL, &s, &err), -1);
  assert_null (s);
  assert_non_null (err);
  msg = og_xstrdup (err->msg);
  og_error_free (err);
  return msg;
}

/* Open DIR expecting a failure: its code, and its message in *msg.  */
static og_errcode
open_fails_code (const char *dir, char **msg)
{
  og_source *s = NULL;
  og_error *err = NULL;
  og_errcode code;
  assert_int_equal (og_source_open (dir, NULL, &s, &err), -1);
  assert_non_null (err);
  code = err->code;
  *msg = og_xstrdup (err->msg);
  og_error_free (err);
  return code;
}

static char *
walk_text (og_source *s)
{
  seen sn = { { 0 } };
  og_error *err = NULL;
  assert_int_equal (og_source_walk (s, 0, collect, &sn, &err), 0);
  return sn.lines.data ? og_buf_steal (&sn.lines) : og_xstrdup ("");
}

static void
test_whiteouts_and_opaque (void **state)
{
  static const ent l0[] = { { "etc", 'd', 0, NULL, NULL, 0 },
                            { "etc/a", 'f', 0, "a", NULL, 0 },
                            { "etc/b", 'f', 0, "b", NULL, 0 },
                            { "opt", 'd', 0, NULL, NULL, 0 },
                            { "opt/x", 'd', 0, NULL, NULL, 0 },
                            { "opt/x/deep", 'f', 0, "d", NULL, 0 },
                            { "var", 'd', 0, NULL, NULL, 0 },
                            { "var/old", 'f', 0, "o", NULL, 0 },
                            { "var/sub", 'd', 0, NULL, NULL, 0 },
                            { "var/sub/older", 'f', 0, "o", NULL, 0 },
                            END };
  /* The new file comes before the opaque marker: it must survive it.  */
  static const ent l1[]
      = { { "etc/.wh.a", 'f', 0, NULL, NULL, 0 }, { "opt/.wh.x", 'f', 0, NULL, NULL, 0 },
          { "var/new", 'f', 0, "n", NULL, 0 },    { "var/.wh..wh..opq", 'f', 0, NULL, NULL, 0 },
          { "etc/b", 'f', 0, "bb", NULL, 0 },     END };
  const ent *layers[] = { l0, l1, NULL };
  cleanup_free char *dir = make_layout (layers, true, false);
  og_source *s = open_ok (dir, false);
  cleanup_free char *w = walk_text (s);
  assert_string_equal (w, "/etc 40755 0 2 - 0 0\n"
                          "/etc/b 100644 2 1 - 0 1\n"
                          "/opt 40755 0 2 - 0 0\n"
                          "/var 40755 0 2 - 0 0\n"
                          "/var/new 100644 1 1 - 0 1\n");
  assert_string_equal (s->info.kind, "oci");
  assert_int_equal (s->info.n_layers, 2);
  assert_int_equal (s->info.n_tags, 1);
  assert_string_equal (s->info.tags[0], "t");
  s->ops->free (s);
}

static void
test_deleted_subtree_stays_deleted (void **state)
{
  static const ent l0[] = { { "opt/x/a", 'f', 0, "a", NULL, 0 },
                            { "opt/x/b", 'f', 0, "b", NULL, 0 },
                            { "opt/x/c/d", 'f', 0, "d", NULL, 0 },
                            { "usr/lib/os-release", 'f', 0, "ID=x\n", NULL, 0 },
                            END };
  static const ent l1[] = { { "opt/.wh.x", 'f', 0, NULL, NULL, 0 }, END };
  static const ent l2[] = { { "opt/x/new", 'f', 0, "n", NULL, 0 },
                            { "usr/lib/os-release", 'l', 0, "../../etc/os-release", NULL, 0 },
                            END };
  const ent *layers[] = { l0, l1, l2, NULL };
  cleanup_free char *dir = make_layout (layers, false, false);
  og_source *s = open_ok (dir, false);
  cleanup_free char *w = walk_text (s);
  /* Directories the layers only imply keep the layer that made them.  */
  assert_string_equal (w, "/opt 40755 0 3 - 0 0\n"
                          "/opt/x 40755 0 2 - 0 2\n"
                          "/opt/x/new 100644 1 1 - 0 2\n"
                          "/usr 40755 0 3 - 0 0\n"
                          "/usr/lib 40755 0 2 - 0 0\n"
                          "/usr/lib/os-release 120777 20 1 ../../etc/os-release 0 2\n");
  /* None of the old names may come back through a lookup.  */
  fx_assert_read_fails (s, "/opt/x/b", 100, NULL);
  fx_assert_read_fails (s, "/opt/x/c/d", 100, NULL);
  /* The kept bytes of the replaced os-release are gone with it.  */
  fx_assert_read_fails (s, "/usr/lib/os-release", 100, NULL);
  s->ops->free (s);
}

static void
test_hardlinks_share_metadata (void **state)
{
  static const char cap[] = "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                            "\x00\x00\x00\x00";
  static const ent l0[] = { { "bin", 'd', 0, NULL, NULL, 0 },
                            { "bin/tool", 'f', 04755,
                              "\x7f"
                              "ELFxyz",
                              cap, 20 },
                            /* As docker and containers-storage write hard links:
                               the header carries the inode's mode and xattrs.  */
                            { "bin/alias", 'h', 04755, "bin/tool", cap, 20 },
                            { "bin/alias2", 'h', 04755, "./bin/tool", cap, 20 },
                            END };
  const ent *layers[] = { l0, NULL };
  cleanup_free char *dir = make_layout (layers, false, false);
  og_source *s = open_ok (dir, true);
  cleanup_free char *w = walk_text (s);
  assert_string_equal (w, "/bin 40755 0 2 - 0 0\n"
                          "/bin/alias 104755 7 3 - 20 0\n"
                          "/bin/alias2 104755 7 3 - 20 0\n"
                          "/bin/tool 104755 7 3 - 20 0\n");
  {
    /* Opened with digests: every name of the executable carries its sha256.  */
    og_sha256_hex hex;
    cleanup_free char *shas = walk_sha (s);
    cleanup_free char *want = NULL;
    assert_int_equal (og_sha256_hex_of ("\x7f"
                                        "ELFxyz",
                                        7, hex, NULL),
                      0);
    want = og_xasprintf ("/bin/alias %s\n/bin/alias2 %s\n/bin/tool %s\n", hex, hex, hex);
    assert_string_equal (shas, want);
  }
  {
    /* Without digests, none.  */
    og_source *plain = open_ok (dir, false);
    cleanup_free char *shas = walk_sha (plain);
    assert_string_equal (shas, "/bin/alias -\n/bin/alias2 -\n/bin/tool -\n");
    og_source_free (plain);
  }
  /* A small executable's head is all of it.  */
  fx_assert_reads_bytes (s, "/bin/alias", 100,
                         "\x7f"
                         "ELFxyz",
                         7);
  s->ops->free (s);
}

/* A hard link entry's own header gives the shared inode its mode, owner
   and xattrs, as containers-storage applies it (link, Lchown, which drops
   a file capability, Lsetxattr, chmod): a 0644 file linked as 04755 is a
   setuid executable under both names, with its head and sha256 read
   (the layer is read again for them), in the same layer or a later one.  */
static void
test_hardlink_header_applies (void **state)
{
  static const char cap[] = "\x01\x00\x00\x02\x00\x20\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"
                            "\x00\x00\x00\x00";
  static const ent l0[] = { { "bin", 'd', 0, NULL, NULL, 0 },
                            { "bin/data.bin", 'f', 0644,
                              "\x7f"
                              "ELFdata",
                              NULL, 0 },
                            { "bin/tool", 'h', 04755, "bin/data.bin", NULL, 0 },
                            { "bin/capped", 'f', 0755,
                              "\x7f"
                              "ELFcap",
                              cap, 20 },
                            { "bin/plain", 'h', 0755, "bin/capped", NULL, 0 },
                            { "bin/late.bin", 'f', 0600, "#!/bin/late\n", NULL, 0 },
                            END };
  static const ent l1[] = { { "bin/late", 'h', 02711, "bin/late.bin", NULL, 0 }, END };
  const ent *layers[] = { l0, l1, NULL };
  cleanup_free char *dir = make_layout (layers, true, false);
  og_source *s = open_ok (dir, true);
  cleanup_free char *w = walk_text (s);
  cleanup_free char *shas = walk_sha (s);
  cleanup_free char *want = NULL;
  og_sha256_hex h_data, h_cap, h_late;

  assert_string_equal (w, "/bin 40755 0 2 - 0 0\n"
                          "/bin/capped 100755 7 2 - 0 0\n"
                          "/bin/data.bin 104755 8 2 - 0 0\n"
                          "/bin/late 102711 12 2 - 0 1\n"
                          "/bin/late.bin 102711 12 2 - 0 0\n"
                          "/bin/plain 100755 7 2 - 0 0\n"
                          "/bin/tool 104755 8 2 - 0 0\n");
  assert_int_equal (og_sha256_hex_of ("\x7f"
                                      "ELFdata",
                                      8, h_data, NULL),
                    0);
  assert_int_equal (og_sha256_hex_of ("\x7f"
                                      "ELFcap",
                                      7, h_cap, NULL),
                    0);
  assert_int_equal (og_sha256_hex_of ("#!/bin/late\n", 12, h_late, NULL), 0);
  want = og_xasprintf ("/bin/capped %s\n/bin/data.bin %s\n/bin/late %s\n/bin/late.bin %s\n"
                       "/bin/plain %s\n/bin/tool %s\n",
                       h_cap, h_data, h_late, h_late, h_cap, h_data);
  assert_string_equal (shas, want);
  /* The head read again is the file's bytes.  */
  fx_assert_reads_bytes (s, "/bin/tool", 100,
                         "\x7f"
                         "ELFdata",
                         8);
  og_source_free (s);
  {
    /* Without digests the heads are read again all the same.  */
    og_source *plain = open_ok (dir, false);
    fx_assert_reads (plain, "/bin/late", 100, "#!/bin/late\n");
    og_source_free (plain);
  }
}

/* Open before you look: a FIFO (or anything but a regular file) in an OCI
   layout is refused at once, naming the file.  */
static void
test_layout_fifo_refused (void **state)
{
  static const ent l0[] = { { "x", 'f', 0, "x", NULL, 0 }, END };
  const ent *layers[] = { l0, NULL };
  cleanup_free char *d1 = make_layout (layers, false, false);
  cleanup_free char *d2 = make_layout (layers, false, false);
  cleanup_free char *index = og_xasprintf ("%s/index.json", d1);
  cleanup_free char *blobs = og_xasprintf ("%s/blobs/sha256", d2);
  cleanup_free char *m1 = NULL;
  cleanup_free char *m2 = NULL;
  char **names = NULL;
  size_t n = 0;

  assert_int_equal (unlink (index), 0);
  assert_int_equal (mkfifo (index, 0644), 0);
  m1 = open_fails (d1);
  assert_non_null (strstr (m1, "`index.json` is a FIFO, not a regular file"));
  /* Every blob of d2 in turn: the config, the manifest, the layer.  */
  {
    cleanup_free char *cmd = og_xasprintf ("ls '%s'", blobs);
    FILE *p = popen (cmd, "r");
    char line[256];
    assert_non_null (p);
    while (fgets (line, sizeof line, p))
      {
        line[strcspn (line, "\n")] = '\0';
        names = og_xreallocarray (names, n + 1, sizeof *names);
        names[n++] = og_xstrdup (line);
      }
    pclose (p);
  }
  assert_int_equal (n, 3);
  for (size_t i = 0; i < n; i++)
    {
      cleanup_free char *blob = og_xasprintf ("%s/%s", blobs, names[i]);
      cleanup_free char *keep = og_xasprintf ("%s.keep", blob);
      cleanup_free char *name
          = og_xasprintf ("`blobs/sha256/%s` is a FIFO, not a regular file", names[i]);
      assert_int_equal (rename (blob, keep), 0);
      assert_int_equal (mkfifo (blob, 0644), 0);
      m2 = open_fails (d2);
      if (strstr (m2, name) == NULL)
        fail_msg ("%s: %s", names[i], m2);
      free (m2);
      m2 = NULL;
      assert_int_equal (unlink (blob), 0);
      assert_int_equal (rename (keep, blob), 0);
      free (names[i]);
    }
  free (names);
}

static void
test_symlinks_resolve_inside_root (void **state)
{
  static const ent l0[] = { { "usr", 'd', 0, NULL, NULL, 0 },
                            { "usr/bin", 'd', 0, NULL, NULL, 0 },
                            { "usr/bin/b", 'f', 0, "b", NULL, 0 },
                            { "usr/bin/a", 'f', 0, "a", NULL, 0 },
                            { "usr/lib", 'd', 0, NULL, NULL, 0 },
                            { "usr/lib/os-release", 'f', 0, "ID=test\n", NULL, 0 },
                            { "bin", 'l', 0, "usr/bin", NULL, 0 },
                            { "etc", 'd', 0, NULL, NULL, 0 },
                            { "etc/os-release", 'l', 0, "/../../usr/lib/os-release", NULL, 0 },
                            { "etc/escape", 'l', 0, "../../../../../../etc/passwd", NULL, 0 },
                            { "loop1", 'l', 0, "loop2", NULL, 0 },
                            { "loop2", 'l', 0, "/loop1", NULL, 0 },
                            END };
  const ent *layers[] = { l0, NULL };
  cleanup_free char *dir = make_layout (layers, false, false);
  og_source *s = open_ok (dir, false);
  size_t n;
  char *out = NULL;
  char **names = NULL;
  og_error *err = NULL;

  fx_assert_reads (s, "/etc/os-release", 100, "ID=test\n");
  /* Too big for max: an error, not a truncation.  */
  fx_assert_read_fails (s, "/etc/os-release", 3, "");
  /* An escaping link lands inside the image, where there is no /etc/passwd.  */
  fx_assert_read_fails (s, "/etc/escape", 100, NULL);
  fx_assert_resolves (s, "/bin", "/usr/bin");
  fx_assert_resolves (s, "/bin/../../..", "/");
  assert_int_equal (og_source_resolve_dir (s, "/usr/bin/a", &out, &err), 1);
  assert_int_equal (og_source_list_dir (s, "/bin", &names, &n, &err), 0);
  assert_int_equal (n, 2);
  assert_string_equal (names[0], "a");
  assert_string_equal (names[1], "b");
  for (size_t i = 0; i < n; i++)
    free (names[i]);
  free (names);
  assert_int_equal (og_source_list_dir (s, "/nope", &names, &n, &err), 1);
  fx_assert_read_fails (s, "/loop1", 100, "symbolic links");
  s->ops->free (s);
}

static void
test_kept_files_follow_layers (void **state)
{
  static const ent l0[] = { { "var/lib/dpkg/status", 'f', 0, "Package: a\n", NULL, 0 },
                            { "var/lib/dpkg/info/a.list", 'f', 0, "/x\n", NULL, 0 },
                            { "var/lib/other", 'f', 0, "not kept", NULL, 0 },
                            END };
  static const ent l1[] = { { "var/lib/dpkg/status", 'f', 0, "Package: b\n", NULL, 0 },
                            { "var/lib/dpkg/info/.wh.a.list", 'f', 0, NULL, NULL, 0 },
                            END };
  const ent *layers[] = { l0, l1, NULL };
  cleanup_free char *dir = make_layout (layers, true, false);
  og_source *s = open_ok (dir, false);

  fx_assert_reads (s, "/var/lib/dpkg/status", 1000, "Package: b\n");
  fx_assert_read_fails (s, "/var/lib/dpkg/info/a.list", 1000, NULL);
  fx_assert_read_fails (s, "/var/lib/other", 1000, "keeps only");
  s->ops->free (s);
}

/* Every path the catalog reads is kept whole by og_pkgdb_keep, and the
   patterns keep what the image source always kept, no more.  */
static void
test_keep_covers_catalog_paths (void **state)
{
  const char *paths[32];
  size_t n = 0;
  ent l0[40];
  size_t k = 0;
  static const char *const not_kept[] = { "/var/lib/dpkg/info/.list", "/var/lib/dpkg/available",
                                          "/rpm/x", "/etc/rpm/macros", "/lib/apk/db/lock" };
  for (size_t i = 0; i < OG_ARRAY_SIZE (og_osrelease_paths); i++)
    paths[n++] = og_osrelease_paths[i];
  for (size_t i = 0; i < OG_ARRAY_SIZE (og_rpmdb_dirs); i++)
    for (size_t j = 0; j < OG_ARRAY_SIZE (og_rpmdb_files); j++)
      paths[n++] = og_xasprintf ("%s/%s", og_rpmdb_dirs[i], og_rpmdb_files[j]);
  paths[n++] = "/var/lib/rpm/rpmdb.sqlite-wal";
  paths[n++] = "/usr/lib/rpm/macros"; /* as always kept: a "lib/rpm" directory */
  paths[n++] = OG_DPKG_STATUS;
  paths[n++] = OG_DPKG_STATUS_D "/base-files";
  paths[n++] = OG_DPKG_INFO "/libc6:amd64.list";
  paths[n++] = OG_DPKG_INFO "/libc6.md5sums";
  paths[n++] = OG_DPKG_DOC "/libc6/copyright";
  paths[n++] = OG_APK_INSTALLED;
  for (size_t i = 0; i < n; i++)
    l0[k++] = (ent){ paths[i] + 1, 'f', 0644, "kept bytes", NULL, 0 };
  for (size_t i = 0; i < OG_ARRAY_SIZE (not_kept); i++)
    l0[k++] = (ent){ not_kept[i] + 1, 'f', 0644, "not kept", NULL, 0 };
  l0[k++] = (ent)END;
  {
    const ent *layers[] = { l0, NULL };
    cleanup_free char *dir = make_layout (layers, false, false);
    og_source *s = open_ok (dir, false);
    og_source *bare = NULL;
    og_error *err = NULL;
    for (size_t i = 0; i < n; i++)
      fx_assert_reads (s, paths[i], 100, "kept bytes");
    for (size_t i = 0; i < OG_ARRAY_SIZE (not_kept); i++)
      fx_assert_read_fails (s, not_kept[i], 100, "keeps only");
    og_source_free (s);
    /* Without a keep list nothing is kept.  */
    assert_int_equal (og_source_open (dir, NULL, &bare, &err), 0);
    fx_assert_read_fails (bare, OG_DPKG_STATUS, 100, "keeps only");
    og_source_free (bare);
  }
  for (size_t i = OG_ARRAY_SIZE (og_osrelease_paths);
       i < OG_ARRAY_SIZE (og_osrelease_paths)
               + OG_ARRAY_SIZE (og_rpmdb_dirs) * OG_ARRAY_SIZE (og_rpmdb_files);
       i++)
    free ((char *)paths[i]);
}

static void
test_hostile_layers (void **state)
{
  static const ent dotdot[] = { { "a/../../etc/passwd", 'f', 0, "x", NULL, 0 }, END };
  static const ent absolute[] = { { "/etc/passwd", 'f', 0, "x", NULL, 0 }, END };
  static const ent badlink[] = { { "x", 'h', 0, "missing", NULL, 0 }, END };
  static const ent fine[] = { { "x", 'f', 0, "x", NULL, 0 }, END };
  const ent *l1[] = { dotdot, NULL };
  const ent *l2[] = { absolute, NULL };
  const ent *l3[] = { badlink, NULL };
  const ent *l4[] = { fine, fine, NULL };
  cleanup_free char *d1 = make_layout (l1, false, false);
  cleanup_free char *d2 = make_layout (l2, false, false);
  cleanup_free char *d3 = make_layout (l3, false, false);
  cleanup_free char *d4 = make_layout (l4, true, true);
  cleanup_free char *m1 = open_fails (d1);
  cleanup_free char *m2 = open_fails (d2);
  cleanup_free char *m3 = open_fails (d3);
  cleanup_free char *m4 = open_fails (d4);
  assert_non_null (strstr (m1, "layer 0 (sha256:"));
  assert_non_null (strstr (m1, "`..` in path"));
  assert_non_null (strstr (m2, "absolute path"));
  assert_non_null (strstr (m3, "hard link `/x` to `/missing`"));
  assert_non_null (strstr (m4, "layer 1 (sha256:"));
  assert_non_null (strstr (m4, "digest mismatch"));
}

/* Limits reached on a layer's content carry OG_ERR_LIMIT and name the
   limit; the deadline stops the streaming with OG_ERR_DEADLINE.  */
static void
test_limits_and_deadline (void **state)
{
  og_buf deep = { 0 };
  cleanup_free char *big = og_xmalloc (12u << 20);
  cleanup_free char *m1 = NULL;
  cleanup_free char *m2 = NULL;
  for (int i = 0; i <= OG_MAX_DEPTH; i++)
    og_buf_puts (&deep, "d/");
  og_buf_puts (&deep, "x");
  memset (big, 'A', (12u << 20) - 1);
  big[(12u << 20) - 1] = '\0';
  {
    ent l0[] = { { deep.data, 'f', 0, "x", NULL, 0 }, END };
    const ent *layers[] = { l0, NULL };
    cleanup_free char *dir = make_layout (layers, false, false);
    assert_int_equal (open_fails_code (dir, &m1), OG_ERR_LIMIT);
    assert_non_null (strstr (m1, "the depth limit of 256 levels"));
  }
  {
    ent l0[] = { { "big", 'f', 0755, big, NULL, 0 }, END };
    const ent *layers[] = { l0, NULL };
    cleanup_free char *dir = make_layout (layers, true, false);
    og_source_options o = { .digests = OG_DIGESTS_EXEC };
    og_source *s = NULL;
    og_error *err = NULL;
    struct timespec ts = { 0, 5 * 1000 * 1000 };
    og_deadline_start (1);
    nanosleep (&ts, NULL);
    assert_int_equal (og_source_open (dir, &o, &s, &err), -1);
    og_deadline_start (0);
    assert_int_equal (og_error_code (err), OG_ERR_DEADLINE);
    m2 = og_xstrdup (err->msg);
    og_error_free (err);
    assert_non_null (strstr (m2, "layer 0 (sha256:"));
    assert_non_null (strstr (m2, "ran past its deadline"));
    /* Without the deadline the same image opens.  */
    assert_int_equal (og_source_open (dir, &o, &s, &err), 0);
    og_source_free (s);
  }
  og_buf_free (&deep);
}

static void
test_garbage_and_plain_dirs (void **state)
{
  cleanup_free char *plain = og_xasprintf ("%s/plain", tmpdir);
  cleanup_free char *junk = og_xasprintf ("%s/junk.tar", tmpdir);
  og_source *s = NULL;
  og_error *err = NULL;
  assert_int_equal (mkdir (plain, 0755), 0);
  /* A plain directory is a root filesystem.  */
  assert_int_equal (og_source_open (plain, NULL, &s, &err), 0);
  assert_string_equal (s->info.kind, "dir");
  og_source_free (s);
  s = NULL;
  fx_write (tmpdir, "junk.tar", "this is not a tar at all, not even close", 40);
  assert_int_equal (og_source_open (junk, NULL, &s, &err), -1);
  assert_non_null (strstr (err->msg, "junk.tar"));
  og_error_free (err);
  err = NULL;
  {
    cleanup_free char *spec = og_xasprintf ("oci:%s", plain);
    assert_int_equal (og_source_open (spec, NULL, &s, &err), -1);
    assert_non_null (strstr (err->msg, "index.json"));
    og_error_free (err);
  }
}

/* og_source_image_path parses SOURCE as og_source_open does: which file or
   layout an image reads, nothing for a root directory or containers-storage.  */
static void
test_image_path (void **state)
{
  cleanup_free char *dir = fx_tmpdir ("imgpath");
  cleanup_free char *lay = og_xasprintf ("%s/lay", dir);
  cleanup_free char *root = og_xasprintf ("%s/root", dir);
  cleanup_free char *tar = og_xasprintf ("%s/x.tar", dir);
  struct
  {
    char *spec;
    const char *want;
    bool layout;
  } cases[] = {
    { og_xasprintf ("oci:%s:v1", lay), lay, true },
    { og_xasprintf ("oci:%s", lay), lay, true },
    { og_xstrdup (lay), lay, true },
    { og_xstrdup (root), NULL, false },
    { og_xasprintf ("dir:%s", lay), NULL, false },
    { og_xasprintf ("docker-archive:%s", tar), tar, false },
    { og_xasprintf ("oci-archive:%s", tar), tar, false },
    { og_xstrdup (tar), tar, false },
    { og_xstrdup ("containers-storage:alpine"), NULL, false },
    { og_xasprintf ("%s/missing", dir), NULL, false },
  };
  (void)state;

  fx_mkdir (dir, "lay");
  fx_put (dir, "lay/oci-layout", "{\"imageLayoutVersion\": \"1.0.0\"}");
  fx_mkdir (dir, "root");
  fx_put (dir, "x.tar", "");
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    {
      bool layout = !cases[i].layout;
      cleanup_free char *got = og_source_image_path (cases[i].spec, &layout);
      if (cases[i].want)
        assert_string_equal (got, cases[i].want);
      else
        assert_null (got);
      assert_int_equal (layout, cases[i].layout);
      free (cases[i].spec);
    }
  fx_rm_rf (dir);
}

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_whiteouts_and_opaque),
    cmocka_unit_test (test_deleted_subtree_stays_deleted),
    cmocka_unit_test (test_hardlinks_share_metadata),
    cmocka_unit_test (test_hardlink_header_applies),
    cmocka_unit_test (test_layout_fifo_refused),
    cmocka_unit_test (test_symlinks_resolve_inside_root),
    cmocka_unit_test (test_kept_files_follow_layers),
    cmocka_unit_test (test_keep_covers_catalog_paths),
    cmocka_unit_test (test_hostile_layers),
    cmocka_unit_test (test_limits_and_deadline),
    cmocka_unit_test (test_garbage_and_plain_dirs),
    cmocka_unit_test (test_image_path),
  };
  int r;
  if (mkdtemp (tmpdir) == NULL)
    return 1;
  r = cmocka_run_group_tests (tests, NULL, NULL);
  {
    cleanup_free char *cmd = og_xasprintf ("rm -rf '%s'", tmpdir);
    if (system (cmd) != 0)
      r = 1;
  }
  return r;
}
