/* The loader context of schema-checked JSON documents (see load.h).
   Pointers: RFC 6901.  */
#include <stdarg.h>

#include "base/digest.h"
#include "json/load.h"

int
og_jload_read_file (const char *path, const char *what, char **data, size_t *len, og_error **err)
{
  if (og_jdoc_read_file (path, data, len, err) < 0)
    {
      og_error_prefix (err, "%s", what);
      return -1;
    }
  return 0;
}

int
og_jload_parse (og_jload *c, const char *data, size_t len, const char *file, const char *what,
                og_diags *diags, og_error **err)
{
  og_sha256_hex hex;

  if (diags->file == NULL)
    diags->file = og_xstrdup (file);
  og_buf_puts (&c->ptr, "");
  if (og_sha256_hex_of (data, len, hex, err) < 0)
    return -1;
  c->sha256 = og_xstrdup (hex);
  if (og_jdoc_parse (data, len, &c->doc, diags) < 0)
    {
      cleanup_free char *msg = og_diag_format (diags, 0);
      return og_error_set (err, 0, "%s %s", what, msg);
    }
  return 0;
}

int
og_jload_result (const og_jload *c, const char *what, bool count_more, og_error **err)
{
  const og_diags *d = c->doc.diags;
  cleanup_free char *msg = NULL;

  if (d->n == 0)
    return 0;
  msg = og_diag_format (d, 0);
  if (count_more && d->n > 1)
    return og_error_set (err, 0, "%s %s (and %zu more problems)", what, msg, d->n - 1);
  return og_error_set (err, 0, "%s %s", what, msg);
}

void
og_jload_clear (og_jload *c)
{
  og_jdoc_clear (&c->doc);
  og_buf_free (&c->ptr);
  free (c->sha256);
  c->sha256 = NULL;
}

size_t
og_jload_push (og_jload *c, const char *name)
{
  size_t save = c->ptr.len;
  og_jptr_push (&c->ptr, name);
  return save;
}

size_t
og_jload_push_index (og_jload *c, size_t i)
{
  size_t save = c->ptr.len;
  og_buf_printf (&c->ptr, "/%zu", i);
  return save;
}

void
og_jload_pop (og_jload *c, size_t save)
{
  c->ptr.len = save;
  c->ptr.data[save] = '\0';
}

static void __attribute__ ((format (printf, 3, 0)))
vdiag (og_jload *c, bool key, const char *fmt, va_list ap)
{
  cleanup_free char *m = og_vasprintf (fmt, ap);
  og_jdoc_diag (&c->doc, c->ptr.data, key, "%s", m ? m : "(error)");
}

void
og_jload_diag (og_jload *c, bool key, const char *fmt, ...)
{
  va_list ap;

  va_start (ap, fmt);
  vdiag (c, key, fmt, ap);
  va_end (ap);
}

void
og_jload_diag_at (og_jload *c, const char *name, const char *fmt, ...)
{
  size_t save = og_jload_push (c, name);
  va_list ap;

  va_start (ap, fmt);
  vdiag (c, false, fmt, ap);
  va_end (ap);
  og_jload_pop (c, save);
}

const char *
og_json_type_name (const json_t *v)
{
  switch (json_typeof (v))
    {
    case JSON_OBJECT:
      return "an object";
    case JSON_ARRAY:
      return "an array";
    case JSON_STRING:
      return "a string";
    case JSON_INTEGER:
      return "an integer";
    case JSON_REAL:
      return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
      return "a boolean";
    case JSON_NULL:
      return "null";
    default:
      return "a value";
    }
}

void
og_jload_check_keys (og_jload *c, json_t *obj, const char *const *allowed, const char *what)
{
  const char *key;
  json_t *v;
  json_object_foreach (obj, key, v)
  {
    bool ok = false;
    size_t save;
    og_buf b = { 0 };
    for (size_t i = 0; allowed[i] && !ok; i++)
      ok = strcmp (key, allowed[i]) == 0;
    if (ok)
      continue;
    for (size_t i = 0; allowed[i]; i++)
      og_buf_printf (&b, "%s\"%s\"", i ? ", " : "", allowed[i]);
    save = og_jload_push (c, key);
    og_jload_diag (c, true, "unknown key \"%s\" in %s; expected one of %s", key, what, b.data);
    og_jload_pop (c, save);
    og_buf_free (&b);
  }
}

bool
og_jload_expect (og_jload *c, json_t *v, json_type t, const char *what, const char *expected)
{
  if (json_typeof (v) == t || (t == JSON_TRUE && json_is_boolean (v)))
    return true;
  og_jload_diag (c, false, "%s must be %s, not %s", what, expected, og_json_type_name (v));
  return false;
}

json_t *
og_jload_object (og_jload *c, json_t *obj, const char *key, const char *const *allowed,
                 const char *shape, size_t *save)
{
  json_t *v = json_object_get (obj, key);
  cleanup_free char *what = NULL;

  *save = c->ptr.len;
  if (v == NULL)
    return NULL;
  og_jload_push (c, key);
  what = og_xasprintf ("\"%s\"", key);
  if (shape && !json_is_object (v))
    {
      og_jload_diag (c, false, "%s must be %s", what, shape);
      return NULL;
    }
  if (!og_jload_expect (c, v, JSON_OBJECT, what, "an object"))
    return NULL;
  if (allowed)
    og_jload_check_keys (c, v, allowed, what);
  return v;
}

const char *
og_jload_string (og_jload *c, json_t *obj, const char *key, bool nullable, bool *present)
{
  json_t *v = json_object_get (obj, key);
  size_t save;
  const char *r = NULL;
  if (present)
    *present = v != NULL;
  if (v == NULL || (nullable && json_is_null (v)))
    return NULL;
  save = og_jload_push (c, key);
  if (json_is_string (v))
    r = json_string_value (v);
  else
    og_jload_diag (c, false, "\"%s\" must be a string%s", key, nullable ? " or null" : "");
  og_jload_pop (c, save);
  return r;
}

int
og_jload_bool (og_jload *c, json_t *obj, const char *key)
{
  json_t *v = json_object_get (obj, key);
  cleanup_free char *what = NULL;
  size_t save;
  int r = -1;
  if (v == NULL)
    return -1;
  what = og_xasprintf ("\"%s\"", key);
  save = og_jload_push (c, key);
  if (og_jload_expect (c, v, JSON_TRUE, what, "true or false"))
    r = json_is_true (v);
  og_jload_pop (c, save);
  return r;
}

bool
og_json_is_sha256 (const json_t *v)
{
  return json_is_string (v) && og_is_sha256_hex (json_string_value (v));
}
