/* runtime/audit_read: the lines of an audit file and the fields of one
   record, for ocigate audit.  */
#include <time.h>

#include "fixtures.h"
#include "runtime/audit_read.h"

static const char *
get (const og_audit_fields *f, og_audit_str s)
{
  return og_audit_str_get (f, s);
}

/* What a record must parse to: every field, NULL where it is absent.  */
typedef struct want_fields
{
  const char *time, *decision, *container, *image, *namespace_, *manifest, *first_rule,
      *first_subject;
  long long findings_total; /* -1: absent */
} want_fields;

static void
assert_fields (const og_audit_fields *f, want_fields w)
{
  fx_assert_str_or_null ("time", get (f, f->time), w.time);
  fx_assert_str_or_null ("decision", get (f, f->decision), w.decision);
  fx_assert_str_or_null ("container", get (f, f->container), w.container);
  fx_assert_str_or_null ("image", get (f, f->image), w.image);
  fx_assert_str_or_null ("namespace", get (f, f->namespace_), w.namespace_);
  fx_assert_str_or_null ("manifest", get (f, f->manifest), w.manifest);
  fx_assert_str_or_null ("first_rule", get (f, f->first_rule), w.first_rule);
  fx_assert_str_or_null ("first_subject", get (f, f->first_subject), w.first_subject);
  assert_int_equal (f->findings_total, w.findings_total);
}

static void
parse_ok (const char *line, og_audit_fields *f)
{
  og_error *err = NULL;
  int r = og_audit_parse (line, strlen (line), f, &err);
  if (r < 0)
    fail_msg ("%s: %s", line, err->msg);
}

static void
parse_bad (const char *line, size_t len, const char *want)
{
  og_audit_fields f = { 0 };
  cleanup_error og_error *err = NULL;
  assert_int_equal (og_audit_parse (line, len, &f, &err), -1);
  if (strstr (err->msg, want) == NULL)
    fail_msg ("%s: \"%s\" not in \"%s\"", line, want, err->msg);
  og_audit_fields_clear (&f);
}

/* Today's record: the image only in the runtime's annotations, CRI-O's
   ImageName before the OCI ref name, the base image never.  */
static void
test_today_shape (void **state)
{
  og_audit_fields f = { 0 };
  parse_ok ("{\"schema\":\"ocigate.audit/v1\",\"time\":\"2026-12-01T08:00:00.123Z\","
            "\"container\":{\"id\":\"abc123\",\"annotations\":{"
            "\"org.opencontainers.image.base.name\":\"base:1\","
            "\"org.opencontainers.image.ref.name\":\"ref:2\","
            "\"io.kubernetes.cri-o.ImageName\":\"quay.io/a/b:3\","
            "\"io.kubernetes.cri.sandbox-namespace\":\"ns-cri\","
            "\"io.kubernetes.pod.namespace\":\"ns-pod\"},\"args\":[\"/bin/sh\"]},"
            "\"manifest\":{\"name\":\"web\",\"path\":\"/m/web.json\",\"sha256\":null},"
            "\"decision\":\"deny\",\"findings\":[{\"rule\":\"executables.deny\",\"subject\":"
            "\"/bin/sh\",\"reason\":\"r\"},{\"rule\":\"packages.deny\",\"subject\":\"x\"}],"
            "\"findings_total\":2,\"inventory\":{\"name\":\"not the manifest\"}}",
            &f);
  assert_fields (&f, (want_fields){ .time = "2026-12-01T08:00:00.123Z",
                                    .decision = "deny",
                                    .container = "abc123",
                                    .image = "quay.io/a/b:3",
                                    .namespace_ = "ns-pod",
                                    .manifest = "web",
                                    .first_rule = "executables.deny",
                                    .first_subject = "/bin/sh",
                                    .findings_total = 2 });
  og_audit_fields_clear (&f);
}

/* The record with image and pod objects: those win over the annotations,
   wherever they come in the line.  The buffer is reused between lines.  */
static void
test_identity_shape (void **state)
{
  og_audit_fields f = { 0 };
  parse_ok ("{\"time\":\"2026-12-01T08:00:00Z\",\"decision\":\"allow\",\"container\":{"
            "\"annotations\":{\"io.kubernetes.cri.image-name\":\"ann:1\","
            "\"io.kubernetes.pod.namespace\":\"ann-ns\"}},"
            "\"image\":{\"id\":\"1234\",\"name\":\"docker.io/library/debian:12\",\"digest\":"
            "\"sha256:00\",\"source\":\"containers-storage\"},"
            "\"pod\":{\"namespace\":\"prod-a\",\"name\":\"p\",\"uid\":\"u\"},\"manifest\":null,"
            "\"findings\":[]}",
            &f);
  assert_fields (&f, (want_fields){ .time = "2026-12-01T08:00:00Z",
                                    .decision = "allow",
                                    .image = "docker.io/library/debian:12",
                                    .namespace_ = "prod-a",
                                    .findings_total = -1 });
  parse_ok ("{\"time\":\"t\",\"decision\":\"deny\",\"image\":\"plain:1\"}", &f);
  assert_fields (
      &f,
      (want_fields){ .time = "t", .decision = "deny", .image = "plain:1", .findings_total = -1 });
  og_audit_fields_clear (&f);
}

/* A literal line, its length without the NUL.  */
#define BAD(line, want) parse_bad (line, sizeof line - 1, want)

static void
test_broken (void **state)
{
  static const char deep[] = "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["
                             "[[[[[[[[";
  BAD ("{\"time\":\"x\",\"decision\":\"\xff\"}", "UTF8");
  BAD ("{\"time\":\"x\",\"decision\":\"deny\"} {}", "trailing garbage");
  BAD ("{\"time\":\"x\",\"decision\":\"deny\"", "premature EOF");
  BAD ("{\"decision\":\"deny\"}", "no \"time\"");
  BAD ("{\"time\":1,\"decision\":\"deny\"}", "no \"time\"");
  BAD ("[\"time\",\"decision\"]", "no \"time\"");
  BAD ("", "not JSON");
  parse_bad (deep, sizeof deep - 1, "nested deeper than 64");
}

static int64_t
oracle (int y, int mo, int d, int h, int mi, int s)
{
  struct tm tm = {
    .tm_year = y - 1900, .tm_mon = mo - 1, .tm_mday = d, .tm_hour = h, .tm_min = mi, .tm_sec = s
  };
  return (int64_t)timegm (&tm) * 1000;
}

static int64_t
rfc (const char *s)
{
  int64_t ms = 0;
  assert_int_equal (og_audit_parse_rfc3339 (s, strlen (s), &ms), 0);
  return ms;
}

static void
test_times (void **state)
{
  int64_t ms;
  cleanup_error og_error *err = NULL;
  assert_int_equal (rfc ("2026-12-01T08:00:00.123Z"), oracle (2026, 12, 1, 8, 0, 0) + 123);
  assert_int_equal (rfc ("1999-02-28T23:59:59Z"), oracle (1999, 2, 28, 23, 59, 59));
  assert_int_equal (rfc ("2024-02-29T12:00:00.5+02:00"), oracle (2024, 2, 29, 10, 0, 0) + 500);
  assert_int_equal (rfc ("2024-03-01T00:30:00.123456-01:30"), oracle (2024, 3, 1, 2, 0, 0) + 123);
  assert_int_equal (og_audit_parse_rfc3339 ("2026-13-01T00:00:00Z", 20, &ms), -1);
  assert_int_equal (og_audit_parse_rfc3339 ("2026-12-01T00:00:00", 19, &ms), -1);
  assert_int_equal (og_audit_parse_rfc3339 ("2026-12-01T00:00:00.Z", 21, &ms), -1);
  assert_int_equal (og_audit_parse_rfc3339 ("2026-12-01T00:00:00Zx", 21, &ms), -1);
  assert_int_equal (og_audit_parse_time ("2026-12-01", 0, &ms, &err), 0);
  assert_int_equal (ms, oracle (2026, 12, 1, 0, 0, 0));
  assert_int_equal (og_audit_parse_time ("-90s", 1000000, &ms, &err), 0);
  assert_int_equal (ms, 1000000 - 90000);
  assert_int_equal (og_audit_parse_time ("-7d", 0, &ms, &err), 0);
  assert_int_equal (ms, -7 * 86400000ll);
  assert_int_equal (og_audit_parse_time ("-2w", 0, &ms, &err), 0);
  assert_int_equal (ms, -14 * 86400000ll);
  assert_int_equal (og_audit_parse_time ("-1y", 0, &ms, &err), -1);
  assert_non_null (strstr (err->msg, "RFC 3339"));
}

/* Lines: numbered from 1, a last line without '\n', a line over the bound
   skipped and numbered, and the same through gzip.  */
static void
check_lines (const char *path)
{
  cleanup_audit_lines og_audit_lines *l = NULL;
  cleanup_error og_error *err = NULL;
  const char *line;
  size_t len;
  uint64_t no;
  bool too_long;
  assert_int_equal (og_audit_lines_open (path, &l, &err), 0);
  assert_int_equal (og_audit_lines_next (l, &line, &len, &no, &too_long, &err), 1);
  assert_int_equal (no, 1);
  assert_false (too_long);
  assert_string_equal (line, "first");
  assert_int_equal (og_audit_lines_next (l, &line, &len, &no, &too_long, &err), 1);
  assert_int_equal (no, 2);
  assert_true (too_long);
  assert_int_equal (og_audit_lines_next (l, &line, &len, &no, &too_long, &err), 1);
  assert_int_equal (no, 3);
  assert_int_equal (len, 0);
  assert_false (too_long);
  assert_int_equal (og_audit_lines_next (l, &line, &len, &no, &too_long, &err), 1);
  assert_int_equal (no, 4);
  assert_string_equal (line, "last");
  assert_int_equal (og_audit_lines_next (l, &line, &len, &no, &too_long, &err), 0);
}

static void
test_lines (void **state)
{
  cleanup_free char *dir = fx_tmpdir ("audit-lines");
  size_t big = OG_AUDIT_LINE_MAX + 300000;
  og_buf b = { 0 };
  og_buf_puts (&b, "first\n");
  char *fill = og_xmalloc (big);
  memset (fill, 'x', big);
  og_buf_append (&b, fill, big);
  free (fill);
  og_buf_puts (&b, "\n\nlast");
  fx_write (dir, "audit.jsonl", b.data, b.len);
  og_buf_free (&b);
  cleanup_free char *path = og_xasprintf ("%s/audit.jsonl", dir);
  check_lines (path);
  if (!fx_has_tool ("gzip"))
    fx_skip ("gzip is not installed");
  cleanup_free char *cmd = og_xasprintf ("gzip -k '%s'", path);
  assert_int_equal (system (cmd), 0);
  cleanup_free char *gz = og_xasprintf ("%s.gz", path);
  check_lines (gz);
  fx_rm_rf (dir);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_today_shape), cmocka_unit_test (test_identity_shape),
         cmocka_unit_test (test_broken), cmocka_unit_test (test_times),
         cmocka_unit_test (test_lines));
