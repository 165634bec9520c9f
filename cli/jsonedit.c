/* Editing JSON as text (see jsonedit.h).  Grammar: RFC 8259, through the
   tokenizer of json/scan.h; every byte is read through the bounds-checked
   reader.  */
#include <jansson.h>

#include "json/doc.h"
#include "jsonedit.h"
#include "json/scan.h"

void
jedit_nl (og_buf *b, const jedit_layout *l, int depth)
{
  if (!l->pretty)
    return;
  og_buf_putc (b, '\n');
  for (int i = 0; i < depth; i++)
    og_buf_append (b, l->unit, l->unit_len);
}

void
jedit_str (og_buf *b, const char *s)
{
  cleanup_json json_t *j = json_string (s);
  cleanup_free char *t = j ? json_dumps (j, JSON_ENCODE_ANY) : NULL;
  og_buf_puts (b, t ? t : "\"\"");
}

void
jedit_key (og_buf *b, const jedit_layout *l, const char *key)
{
  jedit_str (b, key);
  og_buf_puts (b, l->pretty ? ": " : ":");
}

void
jedit_str_array (og_buf *b, const jedit_layout *l, int depth, const char *const *v, size_t n)
{
  og_buf_putc (b, '[');
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        og_buf_putc (b, ',');
      jedit_nl (b, l, depth + 1);
      jedit_str (b, v[i]);
    }
  jedit_nl (b, l, depth);
  og_buf_putc (b, ']');
}

size_t
jedit_top (const og_reader *doc)
{
  og_jscan s;
  og_jtok t;
  og_jscan_init (&s, doc->data, doc->len, 0);
  og_jscan_next (&s, &t);
  return t.start;
}

static bool
key_is (const og_jscan *s, const og_jtok *t, const char *want)
{
  og_buf k = { 0 };
  bool same = og_jscan_string (s, t, &k) && og_str_eq (k.data, want);
  og_buf_free (&k);
  return same;
}

/* Open a scan of the container at OPEN, of the kind given.  */
static bool
scan_open (const og_reader *doc, size_t open, og_jtok_kind kind, og_jscan *js, jedit_scan *s)
{
  og_jtok t;
  memset (s, 0, sizeof *s);
  s->open = open;
  s->empty = true;
  og_jscan_init (js, doc->data, doc->len, open);
  if (og_jscan_next (js, &t) != kind)
    return false;
  s->last_end = t.end;
  return true;
}

/* The next member or element: false at the end (*closed then says whether
   the container closed properly), else *t is the first token after a
   comma, if any.  */
static bool
scan_next (og_jscan *js, og_jtok_kind close, jedit_scan *s, og_jtok *t, bool *closed)
{
  og_jtok_kind k = og_jscan_next (js, t);
  *closed = k == close;
  if (*closed)
    {
      s->close = t->start;
      return false;
    }
  if (k == OG_JTOK_COMMA)
    og_jscan_next (js, t);
  return true;
}

bool
jedit_scan_object (const og_reader *doc, size_t open, const char *want, jedit_scan *s)
{
  og_jscan js;
  og_jtok key, t, v;
  bool closed;

  if (!scan_open (doc, open, OG_JTOK_BEGIN_OBJECT, &js, s))
    return false;
  while (scan_next (&js, OG_JTOK_END_OBJECT, s, &key, &closed))
    {
      size_t end;
      if (key.kind != OG_JTOK_STRING || og_jscan_next (&js, &t) != OG_JTOK_COLON
          || !og_jtok_is_value (og_jscan_next (&js, &v)))
        return false;
      if (s->empty)
        s->first = key.start;
      s->empty = false;
      if (want && !s->found && key_is (&js, &key, want))
        {
          s->found = true;
          s->val_start = v.start;
        }
      if (!og_jscan_skip_value (&js, &v, &end))
        return false;
      if (s->found && s->val_end == 0)
        s->val_end = end;
      s->last_end = end;
    }
  return closed;
}

bool
jedit_scan_array (const og_reader *doc, size_t open, size_t want, jedit_scan *s)
{
  og_jscan js;
  og_jtok v;
  bool closed;

  if (!scan_open (doc, open, OG_JTOK_BEGIN_ARRAY, &js, s))
    return false;
  for (size_t i = 0; scan_next (&js, OG_JTOK_END_ARRAY, s, &v, &closed); i++)
    {
      size_t end;
      if (s->empty)
        s->first = v.start;
      s->empty = false;
      if (i == want)
        {
          s->found = true;
          s->val_start = v.start;
        }
      if (!og_jscan_skip_value (&js, &v, &end))
        return false;
      if (i == want)
        s->val_end = end;
      s->last_end = end;
    }
  return closed;
}

static int
byte_at (const og_reader *doc, size_t off)
{
  og_reader r;
  uint8_t c;
  return og_reader_sub (doc, off, 1, &r) && og_reader_u8 (&r, &c) ? c : -1;
}

jedit_layout
jedit_detect_layout (const og_reader *doc, const jedit_scan *top)
{
  jedit_layout l = { "\t", 1, true };
  const uint8_t *unit;
  size_t p;

  if (top->empty)
    return l;
  for (p = top->first; p > top->open; p--)
    {
      int c = byte_at (doc, p - 1);
      if (c != ' ' && c != '\t')
        break;
    }
  if (p == top->open || byte_at (doc, p - 1) != '\n')
    {
      l.pretty = false;
      return l;
    }
  {
    og_reader r = *doc;
    if (og_reader_seek (&r, p) && og_reader_bytes (&r, top->first - p, &unit))
      {
        l.unit = (const char *)unit;
        l.unit_len = top->first - p;
      }
  }
  return l;
}

void
jedit_apply (const og_reader *doc, const jedit_edit *e, og_buf *out)
{
  og_reader r = *doc;
  const uint8_t *head, *tail;

  og_reader_seek (&r, 0);
  if (!og_reader_bytes (&r, e->at, &head) || !og_reader_skip (&r, e->remove)
      || !og_reader_bytes (&r, og_reader_remaining (&r), &tail))
    abort (); /* the edit was planned on this document */
  og_buf_append (out, head, e->at);
  og_buf_append (out, e->text.data, e->text.len);
  og_buf_append (out, tail, doc->len - e->at - e->remove);
}
