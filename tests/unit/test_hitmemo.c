/* runtime/hitmemo: the layer cache's hit memo read back as written, and
   refused (OG_ERR_CONTENT, saying what) when a part of it does not
   verify.  */
#include "fixtures.h"
#include "runtime/hitmemo.h"

/* A memo with a finding, a waiver and a skipped mount point.  */
static void
sample (og_hit_memo *m, og_finding *f, og_waiver *w, og_skipped *k)
{
  memset (m, 0, sizeof *m);
  m->input = (char *)"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  m->manifest_name = (char *)"web";
  m->binds = (char *)"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  m->inventory_sha256 = (char *)"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
  m->packages_cached = true;
  m->content = true;
  m->summary.packages = 88;
  m->summary.executables = 480;
  m->summary.setuid = 8;
  m->summary.skipped = 1;
  *f = (og_finding){ .rule = (char *)"executables.unlisted",
                     .subject = (char *)"/usr/local/bin/new",
                     .reason = (char *)"no rule allows it",
                     .kind = OG_SUBJECT_EXECUTABLE,
                     .expired_exception = (char *)"2026-01-31" };
  *w = (og_waiver){ .rule = (char *)"executables.setuid",
                    .subject = (char *)"/usr/bin/passwd",
                    .exception = 2 };
  *k = (og_skipped){ .path = (char *)"/proc", .mode = 040555, .reason = OG_SKIPPED_MOUNT };
  m->res.findings = f;
  m->res.n = 1;
  m->res.waived = w;
  m->res.n_waived = 1;
  m->skipped = k;
  m->n_skipped = 1;
}

static void
test_round_trip (void **state)
{
  og_hit_memo m, back;
  og_finding f;
  og_waiver w;
  og_skipped k;
  cleanup_buf og_buf a = { 0 };
  cleanup_buf og_buf b = { 0 };
  cleanup_error og_error *err = NULL;

  sample (&m, &f, &w, &k);
  assert_int_equal (og_hit_memo_serialize (&m, "key", &a, NULL), 0);
  assert_int_equal (og_hit_memo_parse ((const uint8_t *)a.data, a.len, "key", &back, &err), 0);
  assert_string_equal (back.input, m.input);
  assert_string_equal (back.manifest_name, "web");
  assert_string_equal (back.binds, m.binds);
  assert_string_equal (back.inventory_sha256, m.inventory_sha256);
  assert_true (back.packages_cached);
  assert_true (back.content);
  assert_memory_equal (&back.summary, &m.summary, sizeof m.summary);
  assert_int_equal (back.n_skipped, 1);
  assert_string_equal (back.skipped[0].path, "/proc");
  assert_int_equal (back.skipped[0].mode, 040555);
  assert_int_equal (back.skipped[0].reason, OG_SKIPPED_MOUNT);
  assert_int_equal (back.res.n, 1);
  assert_string_equal (back.res.findings[0].rule, "executables.unlisted");
  assert_string_equal (back.res.findings[0].subject, "/usr/local/bin/new");
  assert_string_equal (back.res.findings[0].reason, "no rule allows it");
  assert_int_equal (back.res.findings[0].kind, OG_SUBJECT_EXECUTABLE);
  assert_string_equal (back.res.findings[0].expired_exception, "2026-01-31");
  assert_int_equal (back.res.n_waived, 1);
  assert_string_equal (back.res.waived[0].subject, "/usr/bin/passwd");
  assert_int_equal (back.res.waived[0].exception, 2);
  assert_int_equal (og_hit_memo_serialize (&back, "key", &b, NULL), 0);
  assert_int_equal (a.len, b.len);
  assert_memory_equal (a.data, b.data, a.len);
  og_hit_memo_clear (&back);
}

static void
rejected (const og_buf *b, const char *key, const char *why)
{
  og_hit_memo back;
  cleanup_error og_error *err = NULL;
  assert_int_equal (og_hit_memo_parse ((const uint8_t *)b->data, b->len, key, &back, &err), -1);
  assert_int_equal (err->code, OG_ERR_CONTENT);
  assert_null (back.input);
  if (strstr (err->msg, why) == NULL)
    fail_msg ("`%s` does not say `%s`", err->msg, why);
}

static void
test_rejected (void **state)
{
  og_hit_memo m;
  og_finding f;
  og_waiver w;
  og_skipped k;
  cleanup_buf og_buf a = { 0 };

  sample (&m, &f, &w, &k);
  assert_int_equal (og_hit_memo_serialize (&m, "key", &a, NULL), 0);
  fx_assert_frame_checks (&a, "key", "another key", OG_HIT_MEMO_FORMAT, rejected);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_round_trip), cmocka_unit_test (test_rejected))
