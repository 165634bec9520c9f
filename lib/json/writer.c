/* The streaming JSON writer over yajl_gen (see writer.h): every string it
   emits is valid UTF-8.  */
#include "json/writer.h"
#include "base/text.h"

static void
print_file (void *ctx, const char *s, size_t len)
{
  og_jw *w = ctx;
  if (fwrite (s, 1, len, w->out) != len)
    w->failed = true;
  if (w->tee)
    og_digest_update (w->tee, s, len);
}

static void
print_buf (void *ctx, const char *s, size_t len)
{
  og_jw *w = ctx;
  og_buf_append (w->buf, s, len);
  if (w->tee)
    og_digest_update (w->tee, s, len);
}

static int
open_gen (og_jw *w, yajl_print_t print, void *ctx, bool pretty, og_error **err)
{
  w->g = yajl_gen_alloc (NULL);
  if (w->g == NULL)
    return og_error_set (err, ENOMEM, "yajl_gen_alloc");
  if (pretty)
    {
      yajl_gen_config (w->g, yajl_gen_beautify, 1);
      yajl_gen_config (w->g, yajl_gen_indent_string, "  ");
    }
  /* og_jw_str hands yajl only well-formed UTF-8; yajl checks it again, and a
     string it refuses fails the document instead of breaking it.  */
  yajl_gen_config (w->g, yajl_gen_validate_utf8, 1);
  yajl_gen_config (w->g, yajl_gen_print_callback, print, ctx);
  return 0;
}

int
og_jw_open_file (og_jw *w, FILE *out, og_error **err)
{
  memset (w, 0, sizeof *w);
  w->out = out;
  return open_gen (w, print_file, w, true, err);
}

int
og_jw_open_buf (og_jw *w, og_buf *buf, og_error **err)
{
  memset (w, 0, sizeof *w);
  w->buf = buf;
  return open_gen (w, print_buf, w, false, err);
}

int
og_jw_open_cb (og_jw *w, yajl_print_t print, void *ctx, og_error **err)
{
  memset (w, 0, sizeof *w);
  return open_gen (w, print, ctx, false, err);
}

void
og_jw_tee (og_jw *w, og_digest *d)
{
  w->tee = d;
}

int
og_jw_close (og_jw *w, og_error **err)
{
  bool bad = w->bad_string;
  yajl_gen_free (w->g);
  w->g = NULL;
  if (w->out && (fflush (w->out) != 0 || w->failed || ferror (w->out)))
    return og_error_set (err, errno, "write output");
  if (bad)
    return og_error_set (err, EILSEQ, "JSON output: a string the generator refused");
  return 0;
}

void
og_jw_str (og_jw *w, const char *s)
{
  cleanup_free char *lossy = NULL;
  size_t len;
  if (s == NULL)
    {
      yajl_gen_null (w->g);
      return;
    }
  len = strlen (s);
  if (!og_utf8_valid (s, len))
    {
      lossy = og_utf8_lossy (s, len);
      s = lossy;
      len = strlen (s);
    }
  if (yajl_gen_string (w->g, (const unsigned char *)s, len) != yajl_gen_status_ok)
    w->bad_string = true;
}

void
og_jw_kpath (og_jw *w, const char *key, const char *value)
{
  cleanup_free char *bkey = NULL;
  cleanup_free char *b64 = NULL;
  og_jw_kv (w, key, value);
  if (value == NULL || og_utf8_valid (value, strlen (value)))
    return;
  bkey = og_xasprintf ("%s_bytes", key);
  b64 = og_base64 (value, strlen (value));
  og_jw_kv (w, bkey, b64);
}

void
og_jw_kv (og_jw *w, const char *key, const char *value)
{
  og_jw_str (w, key);
  og_jw_str (w, value);
}

void
og_jw_kint (og_jw *w, const char *key, long long value)
{
  og_jw_str (w, key);
  yajl_gen_integer (w->g, value);
}

void
og_jw_kbool (og_jw *w, const char *key, bool value)
{
  og_jw_str (w, key);
  yajl_gen_bool (w->g, value);
}
