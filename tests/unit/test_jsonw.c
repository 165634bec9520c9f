/* The JSON writer: whatever bytes it is given, what it writes is well-formed
   UTF-8 JSON (jansson, which refuses anything else, reads it back), and a
   path that is not UTF-8 comes with its raw bytes in base64 (<key>_bytes).  */
#include <jansson.h>
#include "fixtures.h"

#include "base/text.h"
#include "json/writer.h"

static const char *const hostile[] = {
  "\xff\xfe",
  "over\xc0\xaflong",           /* an overlong "/" */
  "\xed\xa0\x80",               /* a UTF-16 surrogate, U+D800 */
  "\xf4\x90\x80\x80",           /* above U+10FFFF */
  "caf\xc3",                    /* a truncated sequence at the end */
  "line\nocigate: allowed\x1b", /* valid UTF-8: escaped by JSON itself */
  "del\x7f",
};

/* Write {"k": s, ...og_jw_kpath ("path", s)} compactly and parse it back.  */
static json_t *
round_trip (const char *s, og_buf *b)
{
  og_jw w;
  json_error_t jerr;
  json_t *doc;
  og_error *err = NULL;
  b->len = 0;
  assert_int_equal (og_jw_open_buf (&w, b, &err), 0);
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "name", s);
  og_jw_str (&w, s); /* as a key */
  og_jw_str (&w, "v");
  og_jw_kpath (&w, "path", s);
  yajl_gen_map_close (w.g);
  assert_int_equal (og_jw_close (&w, &err), 0);
  og_buf_putc (b, '\0');
  b->len--;
  assert_true (og_utf8_valid (b->data, b->len));
  doc = json_loadb (b->data, b->len, 0, &jerr);
  if (doc == NULL)
    fprintf (stderr, "# %s: %s\n", b->data, jerr.text);
  assert_non_null (doc);
  return doc;
}

static void
test_strings_are_utf8 (void **state)
{
  og_buf b = { 0 };
  for (size_t i = 0; i < OG_ARRAY_SIZE (hostile); i++)
    {
      const char *s = hostile[i];
      bool valid = og_utf8_valid (s, strlen (s));
      char *lossy = og_utf8_lossy (s, strlen (s));
      json_t *doc = round_trip (s, &b);
      assert_string_equal (json_string_value (json_object_get (doc, "name")), lossy);
      assert_string_equal (json_string_value (json_object_get (doc, "path")), lossy);
      assert_non_null (json_object_get (doc, lossy));
      if (valid)
        {
          assert_string_equal (lossy, s);
          assert_null (json_object_get (doc, "path_bytes"));
        }
      else
        {
          char *b64 = og_base64 (s, strlen (s));
          assert_non_null (strstr (lossy, "\xef\xbf\xbd"));
          assert_string_equal (json_string_value (json_object_get (doc, "path_bytes")), b64);
          free (b64);
        }
      json_decref (doc);
      free (lossy);
    }
  og_buf_free (&b);
}

/* The example of the schemas: "/bin/" + 0xFF.  */
static void
test_path_bytes_example (void **state)
{
  og_buf b = { 0 };
  og_jw w;
  og_error *err = NULL;
  assert_int_equal (og_jw_open_buf (&w, &b, &err), 0);
  yajl_gen_map_open (w.g);
  og_jw_kpath (&w, "path", "/bin/\xff");
  og_jw_kpath (&w, "target", "/usr/bin/ls");
  og_jw_kpath (&w, "subject", NULL);
  yajl_gen_map_close (w.g);
  assert_int_equal (og_jw_close (&w, &err), 0);
  og_buf_putc (&b, '\0');
  assert_string_equal (b.data, "{\"path\":\"/bin/\xef\xbf\xbd\",\"path_bytes\":\"L2Jpbi//\","
                               "\"target\":\"/usr/bin/ls\",\"subject\":null}");
  og_buf_free (&b);
}

/* A pretty-printed file is the same: valid UTF-8 JSON.  */
static void
test_file_output (void **state)
{
  char *text = NULL;
  size_t len = 0;
  FILE *f = open_memstream (&text, &len);
  og_jw w;
  og_error *err = NULL;
  json_error_t jerr;
  json_t *doc;
  assert_int_equal (og_jw_open_file (&w, f, &err), 0);
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < OG_ARRAY_SIZE (hostile); i++)
    og_jw_str (&w, hostile[i]);
  yajl_gen_array_close (w.g);
  assert_int_equal (og_jw_close (&w, &err), 0);
  fclose (f);
  assert_true (og_utf8_valid (text, len));
  doc = json_loadb (text, len, 0, &jerr);
  assert_non_null (doc);
  assert_int_equal (json_array_size (doc), OG_ARRAY_SIZE (hostile));
  assert_string_equal (json_string_value (json_array_get (doc, 5)), hostile[5]);
  json_decref (doc);
  free (text);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_strings_are_utf8),
         cmocka_unit_test (test_path_bytes_example), cmocka_unit_test (test_file_output));
