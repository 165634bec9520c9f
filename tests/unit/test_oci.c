/* OCI state and config.json: the fields the hook uses, and refusals.  */
#include "fixtures.h"

#include "json/scan.h"
#include "runtime/oci.h"
#include "base/util.h"

static void
test_state (void **state)
{
  static const char s[] = "{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\","
                          "\"pid\":42,\"bundle\":\"/b\",\"root\":\"rootfs\","
                          "\"annotations\":{\"k\":\"v\"}}";
  og_oci_state st;
  og_error *err = NULL;
  assert_int_equal (og_oci_state_parse (s, sizeof s - 1, &st, &err), 0);
  assert_string_equal (st.id, "c1");
  assert_string_equal (st.bundle, "/b");
  assert_string_equal (st.root, "rootfs");
  assert_int_equal (st.pid, 42);
  assert_string_equal (og_kv_get (st.annotations, st.n_annotations, "k"), "v");
  og_oci_state_clear (&st);
}

static void
test_state_refusals (void **state)
{
  static const char *const bad[] = {
    "{\"bundle\":\"/b\"}",                    /* no id */
    "{\"id\":\"c\",\"bundle\":\"relative\"}", /* bundle not absolute */
    "[1]",                                    /* not an object */
    "{\"id\":\"c\",\"bundle\":\"/b\",\"annotations\":{\"k\":1}}",
    "{\"id\":",
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (bad); i++)
    {
      og_oci_state st;
      og_error *err = NULL;
      assert_int_equal (og_oci_state_parse (bad[i], strlen (bad[i]), &st, &err), -1);
      assert_non_null (strstr (err->msg, "OCI state"));
      og_error_free (err);
    }
}

/* depth '[' and as many ']'.  */
static void
put_nested (og_buf *b, int depth)
{
  for (int i = 0; i < depth; i++)
    og_buf_putc (b, '[');
  for (int i = 0; i < depth; i++)
    og_buf_putc (b, ']');
}

/* A state whose "x" is depth arrays deep is refused for its nesting.  */
static void
assert_too_deep (int depth)
{
  og_buf b = { 0 };
  og_oci_state st;
  og_error *err = NULL;
  og_buf_puts (&b, "{\"id\":\"c\",\"bundle\":\"/b\",\"x\":");
  put_nested (&b, depth);
  og_buf_putc (&b, '}');
  assert_int_equal (og_oci_state_parse (b.data, b.len, &st, &err), -1);
  assert_non_null (strstr (err->msg, "nested deeper than 64"));
  og_error_free (err);
  og_buf_free (&b);
}

static void
test_nesting_is_bounded (void **state)
{
  assert_too_deep (100000);
}

/* Brackets inside strings (escaped quotes too) are not nesting: a state
   whose annotation holds 1,000 '[' parses; 63 real levels pass, 65 do not.  */
static void
test_nesting_counts_structure_only (void **state)
{
  og_buf b = { 0 };
  og_oci_state st;
  og_error *err = NULL;
  og_buf_puts (&b, "{\"id\":\"c\",\"bundle\":\"/b\",\"annotations\":{\"k\":\"\\\"");
  for (int i = 0; i < 1000; i++)
    og_buf_putc (&b, '[');
  og_buf_puts (&b, "\"},\"x\":");
  put_nested (&b, 63);
  og_buf_putc (&b, '}');
  if (og_oci_state_parse (b.data, b.len, &st, &err) < 0)
    fprintf (stderr, "# %s\n", err->msg);
  assert_null (err);
  assert_string_equal (st.id, "c");
  assert_int_equal (st.n_annotations, 1);
  assert_int_equal (strlen (st.annotations[0].value), 1001);
  og_oci_state_clear (&st);
  og_buf_free (&b);

  assert_too_deep (65);
}

/* The tokenizer itself: kinds, offsets, line:column (characters), depth,
   string decoding, value skipping, and an unterminated string.  */
static void
test_tokenizer (void **state)
{
  static const char text[] = "{\"a\\u00e9\": [1, true,\n \"\xc3\xa9\\\"}\"], \"b\":null}";
  /* Each token: its bytes [start, end), where it starts (line:column), the
     containers open after it, and a string's value.  */
  static const struct
  {
    og_jtok_kind kind;
    size_t start, end;
    int line, column;
    size_t depth;
    const char *value;
  } toks[] = {
    { OG_JTOK_BEGIN_OBJECT, 0, 1, 1, 1, 1, NULL },
    { OG_JTOK_STRING, 1, 10, 1, 2, 1, "a\xc3\xa9" },
    { OG_JTOK_COLON, 10, 11, 1, 11, 1, NULL },
    { OG_JTOK_BEGIN_ARRAY, 12, 13, 1, 13, 2, NULL },
    { OG_JTOK_SCALAR, 13, 14, 1, 14, 2, NULL },
    { OG_JTOK_COMMA, 14, 15, 1, 15, 2, NULL },
    { OG_JTOK_SCALAR, 16, 20, 1, 17, 2, NULL },
    { OG_JTOK_COMMA, 20, 21, 1, 21, 2, NULL },
    { OG_JTOK_STRING, 23, 30, 2, 2, 2, "\xc3\xa9\"}" },
    { OG_JTOK_END_ARRAY, 30, 31, 2, 8, 1, NULL },
    { OG_JTOK_COMMA, 31, 32, 2, 9, 1, NULL },
    { OG_JTOK_STRING, 33, 36, 2, 11, 1, "b" },
    { OG_JTOK_COLON, 36, 37, 2, 14, 1, NULL },
    { OG_JTOK_SCALAR, 37, 41, 2, 15, 1, NULL },
    { OG_JTOK_END_OBJECT, 41, 42, 2, 19, 0, NULL },
  };
  og_jscan s;
  og_jtok t, first;
  og_buf b = { 0 };
  size_t end = 0;

  og_jscan_init (&s, text, strlen (text), 0);
  for (size_t i = 0; i < OG_ARRAY_SIZE (toks); i++)
    {
      og_jtok_kind kind = og_jscan_next (&s, &t);
      if (kind != toks[i].kind || t.start != toks[i].start || t.end != toks[i].end
          || t.line != toks[i].line || t.column != toks[i].column || s.depth != toks[i].depth)
        fail_msg ("token %zu: kind %d [%zu, %zu) at %d:%d, depth %zu; should be kind %d "
                  "[%zu, %zu) at %d:%d, depth %zu",
                  i, (int)kind, t.start, t.end, t.line, t.column, s.depth, (int)toks[i].kind,
                  toks[i].start, toks[i].end, toks[i].line, toks[i].column, toks[i].depth);
      if (toks[i].value != NULL)
        {
          og_buf_free (&b);
          assert_true (og_jscan_string (&s, &t, &b));
          assert_string_equal (b.data, toks[i].value);
        }
    }
  assert_int_equal (og_jscan_next (&s, &t), OG_JTOK_END);
  assert_int_equal (og_jscan_next (&s, &t), OG_JTOK_END);
  og_buf_free (&b);

  /* Skipping the array value of "a" lands after its ']'.  */
  og_jscan_init (&s, text, strlen (text), 0);
  for (int i = 0; i < 4; i++)
    og_jscan_next (&s, &first);
  assert_true (og_jscan_skip_value (&s, &first, &end));
  assert_int_equal (text[end - 1], ']');
  assert_int_equal (og_jscan_next (&s, &t), OG_JTOK_COMMA);

  og_jscan_init (&s, "[\"abc\\\"", 7, 0);
  assert_int_equal (og_jscan_next (&s, &t), OG_JTOK_BEGIN_ARRAY);
  assert_int_equal (og_jscan_next (&s, &t), OG_JTOK_ERROR);
  assert_int_equal (og_jscan_next (&s, &t), OG_JTOK_END);
  og_jscan_init (&s, "\"\\x\"", 4, 0);
  assert_int_equal (og_jscan_next (&s, &t), OG_JTOK_STRING);
  assert_false (og_jscan_string (&s, &t, &b)); /* \\x is no escape */
  og_buf_free (&b);
}

static void
test_config (void **state)
{
  static const char c[]
      = "{\"root\":{\"path\":\"rootfs\",\"readonly\":true},"
        "\"process\":{\"args\":[\"/bin/sh\",\"-c\",\"x\"],\"noNewPrivileges\":true,"
        "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\"]}},"
        "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
        "{\"destination\":\"/data\",\"type\":\"none\",\"source\":\"/"
        "srv\",\"options\":[\"rbind\"]}],"
        "\"annotations\":{\"a\":\"b\"}}";
  og_oci_config cfg;
  og_error *err = NULL;
  assert_int_equal (og_oci_config_parse (c, sizeof c - 1, "config.json", &cfg, &err), 0);
  assert_string_equal (cfg.root_path, "rootfs");
  assert_true (cfg.root_readonly);
  assert_true (cfg.no_new_privileges);
  assert_int_equal (cfg.n_args, 3);
  assert_string_equal (cfg.cap_bounding[0], "CAP_CHOWN");
  assert_int_equal (cfg.n_mounts, 2);
  assert_false (cfg.mounts[0].bind);
  assert_true (cfg.mounts[1].bind);
  assert_string_equal (cfg.mounts[1].source, "/srv");
  og_oci_config_clear (&cfg);
  assert_int_equal (og_oci_config_parse ("{}", 2, "config.json", &cfg, &err), -1);
  assert_non_null (strstr (err->msg, "root.path"));
  og_error_free (err);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_state), cmocka_unit_test (test_state_refusals),
         cmocka_unit_test (test_nesting_is_bounded),
         cmocka_unit_test (test_nesting_counts_structure_only), cmocka_unit_test (test_tokenizer),
         cmocka_unit_test (test_config));
