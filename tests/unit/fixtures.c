/* The shared unit-test fixtures (fixtures.h), and the TAP filter that turns
   cmocka 1.1.5's "not ok N # SKIP name" into the TAP form "ok N - name # SKIP why".  */
#include "fixtures.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "base/digest.h"
#include "base/fileio.h"
#include "base/util.h"
#include "source/source.h"

/* ---- skipping ----------------------------------------------------------- */

static char skip_why[512];

void
fx_skip_reason (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (skip_why, sizeof skip_why, fmt, ap);
  va_end (ap);
}

/* TAP line filter on stdout: cmocka prints each result with one printf and
   fflush, so the cookie sees whole lines; a partial line waits for its end.  */
static FILE *real_stdout;
static char pending[8192];
static size_t npending;

static void
emit_line (const char *line, size_t len)
{
  unsigned num;
  int name_at = 0;

  if (sscanf (line, "not ok %u # SKIP %n", &num, &name_at) == 1 && name_at > 0)
    {
      fprintf (real_stdout, "ok %u - %.*s # SKIP %s\n", num, (int)(len - name_at - 1),
               line + name_at, skip_why[0] ? skip_why : "no reason given");
      skip_why[0] = '\0';
    }
  else
    fwrite (line, 1, len, real_stdout);
  fflush (real_stdout);
}

static ssize_t
tap_write (void *cookie, const char *buf, size_t size)
{
  (void)cookie;
  for (size_t i = 0; i < size; i++)
    {
      if (npending < sizeof pending - 1)
        pending[npending++] = buf[i];
      if (buf[i] == '\n' || npending == sizeof pending - 1)
        {
          pending[npending] = '\0';
          emit_line (pending, npending);
          npending = 0;
        }
    }
  return (ssize_t)size;
}

static int
tap_close (void *cookie)
{
  (void)cookie;
  if (npending > 0)
    fwrite (pending, 1, npending, real_stdout);
  npending = 0;
  return fflush (real_stdout);
}

/* Before main: glibc lets a program assign stdout, and cmocka prints with
   printf, so every unit test linked with this file gets the filter.  */
__attribute__ ((constructor)) static void
install_tap_filter (void)
{
  cookie_io_functions_t io = { .write = tap_write, .close = tap_close };
  FILE *f = fopencookie (NULL, "w", io);
  if (f == NULL)
    return;
  setvbuf (f, NULL, _IONBF, 0);
  real_stdout = stdout;
  stdout = f;
}

__attribute__ ((destructor)) static void
flush_tap_filter (void)
{
  if (real_stdout != NULL)
    tap_close (NULL);
}

bool
fx_has_tool (const char *name)
{
  cleanup_free char *cmd = og_xasprintf ("command -v '%s' >/dev/null 2>&1", name);
  return system (cmd) == 0;
}

char *
fx_real_fixture (const char *rel)
{
  const char *real = getenv ("OG_REAL_FIXTURES");
  cleanup_free char *p = NULL;
  if (real == NULL || *real == '\0')
    return NULL;
  p = *rel ? og_xasprintf ("%s/%s", real, rel) : og_xstrdup (real);
  if (access (p, F_OK) != 0)
    return NULL;
  return og_steal_pointer (&p);
}

/* ---- values ------------------------------------------------------------ */

void
fx_assert_str_or_null (const char *what, const char *got, const char *want)
{
  if (want == NULL ? got != NULL : got == NULL || strcmp (got, want) != 0)
    fail_msg ("%s is \"%s\", should be \"%s\"", what, got ? got : "(absent)",
              want ? want : "(absent)");
}

/* ---- files the test makes ----------------------------------------------- */

char *
fx_tmpdir (const char *tag)
{
  char *d = og_xasprintf ("/tmp/og-%s-XXXXXX", tag);
  assert_non_null (mkdtemp (d));
  return d;
}

void
fx_rm_rf (const char *dir)
{
  cleanup_free char *cmd = NULL;
  if (dir == NULL || strncmp (dir, "/tmp/og-", 8) != 0)
    return; /* only what fx_tmpdir made */
  cmd = og_xasprintf ("rm -rf '%s'", dir);
  assert_int_equal (system (cmd), 0);
}

void
fx_write (const char *dir, const char *rel, const void *data, size_t len)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  int fd;
  fx_parents (dir, rel);
  fd = open (p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  assert_true (fd >= 0);
  assert_int_equal (og_write_all (fd, data, len), 0);
  assert_int_equal (close (fd), 0);
}

void
fx_put (const char *dir, const char *rel, const char *text)
{
  fx_write (dir, rel, text, strlen (text));
}

void
fx_mkdir (const char *dir, const char *rel)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  assert_int_equal (mkdir (p, 0755), 0);
}

void
fx_symlink (const char *target, const char *dir, const char *rel)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  fx_parents (dir, rel);
  assert_int_equal (symlink (target, p), 0);
}

void
fx_parents (const char *dir, const char *rel)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  for (char *s = p + strlen (dir) + 1; (s = strchr (s, '/')) != NULL; s++)
    {
      *s = '\0';
      if (mkdir (p, 0755) < 0)
        assert_int_equal (errno, EEXIST);
      *s = '/';
    }
}

void
fx_whiteout (const char *dir, const char *rel)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  fx_parents (dir, rel);
  assert_int_equal (mknod (p, S_IFCHR | 0, makedev (0, 0)), 0);
}

void
fx_xattr (const char *dir, const char *rel, const char *name, const char *value)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  assert_int_equal (lsetxattr (p, name, value, strlen (value), 0), 0);
}

uint8_t *
fx_slurp (const char *path, size_t *len)
{
  char *data = NULL;
  og_error *err = NULL;
  if (og_read_file (path, SIZE_MAX, &data, len, &err) < 0)
    {
      og_error_free (err);
      return NULL;
    }
  return (uint8_t *)data;
}

char **
fx_read_lines (const char *path, size_t *n)
{
  size_t len, i, start = 0;
  cleanup_free uint8_t *d = fx_slurp (path, &len);
  char **lines = NULL;

  assert_non_null (d);
  *n = 0;
  for (i = 0; i < len; i++)
    if (d[i] == '\n')
      {
        lines = og_xreallocarray (lines, *n + 1, sizeof *lines);
        lines[(*n)++] = og_xstrndup ((char *)d + start, i - start);
        start = i + 1;
      }
  return lines;
}

void
fx_free_lines (char **lines, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (lines[i]);
  free (lines);
}

/* ---- bytes -------------------------------------------------------------- */

void
fx_sha256 (const void *data, size_t len, char *out)
{
  og_error *err = NULL;
  if (og_sha256_hex_of (data, len, out, &err) < 0)
    fail_msg ("sha256: %s", err->msg);
}

void
fx_put32 (uint8_t *p, uint32_t v, bool big_endian)
{
  for (int i = 0; i < 4; i++)
    p[i] = (uint8_t)(big_endian ? v >> (24 - 8 * i) : v >> (8 * i));
}

/* ---- the layer cache's framed files ------------------------------------ */

void
fx_assert_frame_checks (og_buf *a, const char *key, const char *other_key, uint32_t format,
                        fx_frame_rejects_fn rejected)
{
  const size_t body = 4 + 4 + 32 + 8 + 32;
  og_buf t;

  assert_true (a->len > body);
  assert_int_equal (a->data[0], 'O');
  rejected (a, other_key, "key");
  a->data[body + (a->len - body) / 2] ^= 1;
  rejected (a, key, "checksum");
  a->data[body + (a->len - body) / 2] ^= 1;
  a->data[4] = (char)(format + 1);
  rejected (a, key, "format");
  a->data[4] = (char)format;
  a->data[0] = 'X';
  rejected (a, key, "magic");
  a->data[0] = 'O';
  t = *a;
  t.len = a->len - 1;
  rejected (&t, key, "truncated");
}

/* ---- parsers and diagnostics -------------------------------------------- */

/* Line and column (from 1) of the first occurrence of at in text.  */
static void
position (const char *text, const char *at, bool utf8, int *line, int *col)
{
  const char *hit = strstr (text, at);
  assert_non_null (hit);
  *line = 1;
  *col = 1;
  for (const char *p = text; p < hit; p++)
    {
      if (*p == '\n')
        ++*line, *col = 1;
      else if (!utf8 || (*p & 0xc0) != 0x80)
        ++*col;
    }
}

void
fx_assert_one_diag_at (const og_diags *d, const char *text, const char *at, bool utf8,
                       const char *what)
{
  int line, col;
  position (text, at, utf8, &line, &col);
  if (d->n != 1 || d->v[0].line != line || d->v[0].column != col || !strstr (d->v[0].msg, what))
    for (size_t i = 0; i < d->n; i++)
      fprintf (stderr, "# %d:%d: %s (expected %d:%d)\n", d->v[i].line, d->v[i].column, d->v[i].msg,
               line, col);
  assert_int_equal (d->n, 1);
  assert_int_equal (d->v[0].line, line);
  assert_int_equal (d->v[0].column, col);
  assert_non_null (strstr (d->v[0].msg, what));
}

void
fx_chmod (const char *dir, const char *rel, mode_t mode)
{
  cleanup_free char *p = og_xasprintf ("%s/%s", dir, rel);
  assert_int_equal (chmod (p, mode), 0);
}

void
fx_assert_resolves (og_source *s, const char *path, const char *want)
{
  og_error *err = NULL;
  cleanup_free char *out = NULL;
  if (og_source_resolve_dir (s, path, &out, &err) != 0)
    fail_msg ("resolving %s: %s", path, err ? err->msg : "not a directory in the root");
  assert_string_equal (out, want);
}

void
fx_assert_reads_bytes (og_source *s, const char *path, size_t max, const void *want, size_t len)
{
  cleanup_free uint8_t *d = NULL;
  cleanup_error og_error *err = NULL;
  size_t got = 0;
  if (og_source_read_file (s, path, max, &d, &got, &err) != 0)
    fail_msg ("reading %s: %s", path, err ? err->msg : "not found");
  assert_int_equal (got, len);
  assert_memory_equal (d, want, len);
}

void
fx_assert_reads (og_source *s, const char *path, size_t max, const char *want)
{
  fx_assert_reads_bytes (s, path, max, want, strlen (want));
}

void
fx_assert_read_fails (og_source *s, const char *path, size_t max, const char *why)
{
  cleanup_free uint8_t *d = NULL;
  cleanup_error og_error *err = NULL;
  size_t len = 0;
  int r = og_source_read_file (s, path, max, &d, &len, &err);
  if (why == NULL)
    {
      if (r != 1)
        fail_msg ("reading %s gives %d, should find nothing (%s)", path, r,
                  err ? err->msg : "no error");
      assert_null (err);
      return;
    }
  if (r != -1)
    fail_msg ("reading %s gives %d, should fail saying %s", path, r, why);
  assert_non_null (err);
  if (strstr (err->msg, why) == NULL)
    fail_msg ("reading %s: '%s' does not say %s", path, err->msg, why);
}
