/* The JSON tokenizer (see scan.h).  Source of the grammar: RFC 8259
   sections 2 (structure), 6 (numbers, as runs up to a delimiter) and 7
   (strings and escapes).  */
#include "json/scan.h"

void
og_jscan_init (og_jscan *s, const void *data, size_t len, size_t off)
{
  og_reader_init (&s->r, data, len);
  if (!og_reader_seek (&s->r, off))
    og_reader_seek (&s->r, s->r.len);
  s->line = 1;
  s->column = 1;
  s->depth = 0;
}

static int
peek_byte (const og_jscan *s)
{
  og_reader c = s->r;
  uint8_t v;
  return og_reader_u8 (&c, &v) ? v : -1;
}

static int
next_byte (og_jscan *s)
{
  uint8_t v;
  if (!og_reader_u8 (&s->r, &v))
    return -1;
  if (v == '\n')
    s->line++, s->column = 1;
  else if ((v & 0xc0) != 0x80) /* count characters, not UTF-8 continuation bytes */
    s->column++;
  return v;
}

static bool
is_ws (int c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool
is_delim (int c)
{
  return c < 0 || is_ws (c) || strchr ("{}[],:\"", c) != NULL;
}

static og_jtok_kind
read_string (og_jscan *s)
{
  next_byte (s); /* the opening quote */
  for (;;)
    {
      int c = next_byte (s);
      if (c < 0)
        return OG_JTOK_ERROR;
      if (c == '"')
        return OG_JTOK_STRING;
      if (c == '\\' && next_byte (s) < 0)
        return OG_JTOK_ERROR;
    }
}

og_jtok_kind
og_jscan_next (og_jscan *s, og_jtok *t)
{
  int c;

  while (is_ws (peek_byte (s)))
    next_byte (s);
  t->start = s->r.pos;
  t->line = s->line;
  t->column = s->column;
  c = peek_byte (s);
  switch (c)
    {
    case -1:
      t->kind = OG_JTOK_END;
      break;
    case '{':
    case '[':
      next_byte (s);
      s->depth++;
      t->kind = c == '{' ? OG_JTOK_BEGIN_OBJECT : OG_JTOK_BEGIN_ARRAY;
      break;
    case '}':
    case ']':
      next_byte (s);
      if (s->depth > 0)
        s->depth--;
      t->kind = c == '}' ? OG_JTOK_END_OBJECT : OG_JTOK_END_ARRAY;
      break;
    case ':':
      next_byte (s);
      t->kind = OG_JTOK_COLON;
      break;
    case ',':
      next_byte (s);
      t->kind = OG_JTOK_COMMA;
      break;
    case '"':
      t->kind = read_string (s);
      break;
    default:
      while (!is_delim (peek_byte (s)))
        next_byte (s);
      t->kind = OG_JTOK_SCALAR;
      break;
    }
  if (t->kind == OG_JTOK_ERROR)
    og_reader_seek (&s->r, s->r.len); /* ERROR repeats */
  t->end = s->r.pos;
  return t->kind;
}

og_jtok_kind
og_jscan_peek (const og_jscan *s, og_jtok *t)
{
  og_jscan c = *s;
  return og_jscan_next (&c, t);
}

bool
og_jtok_is_value (og_jtok_kind k)
{
  return k == OG_JTOK_BEGIN_OBJECT || k == OG_JTOK_BEGIN_ARRAY || k == OG_JTOK_STRING
         || k == OG_JTOK_SCALAR;
}

bool
og_jscan_skip_value (og_jscan *s, const og_jtok *first, size_t *end)
{
  size_t outer;
  og_jtok t;

  if (first->kind == OG_JTOK_STRING || first->kind == OG_JTOK_SCALAR)
    {
      *end = first->end;
      return true;
    }
  if (first->kind != OG_JTOK_BEGIN_OBJECT && first->kind != OG_JTOK_BEGIN_ARRAY)
    return false;
  outer = s->depth - 1;
  for (;;)
    {
      og_jtok_kind k = og_jscan_next (s, &t);
      if (k == OG_JTOK_END || k == OG_JTOK_ERROR)
        return false;
      if ((k == OG_JTOK_END_OBJECT || k == OG_JTOK_END_ARRAY) && s->depth == outer)
        {
          *end = t.end;
          return true;
        }
    }
}

static int
hex4 (og_reader *r)
{
  int v = 0;
  for (int i = 0; i < 4; i++)
    {
      uint8_t c;
      if (!og_reader_u8 (r, &c))
        return -1;
      if (c >= '0' && c <= '9')
        v = v * 16 + (c - '0');
      else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
        v = v * 16 + ((c | 0x20) - 'a' + 10);
      else
        return -1;
    }
  return v;
}

static void
put_utf8 (og_buf *out, uint32_t cp)
{
  if (cp < 0x80)
    og_buf_putc (out, (char)cp);
  else if (cp < 0x800)
    {
      og_buf_putc (out, (char)(0xc0 | (cp >> 6)));
      og_buf_putc (out, (char)(0x80 | (cp & 0x3f)));
    }
  else if (cp < 0x10000)
    {
      og_buf_putc (out, (char)(0xe0 | (cp >> 12)));
      og_buf_putc (out, (char)(0x80 | ((cp >> 6) & 0x3f)));
      og_buf_putc (out, (char)(0x80 | (cp & 0x3f)));
    }
  else
    {
      og_buf_putc (out, (char)(0xf0 | (cp >> 18)));
      og_buf_putc (out, (char)(0x80 | ((cp >> 12) & 0x3f)));
      og_buf_putc (out, (char)(0x80 | ((cp >> 6) & 0x3f)));
      og_buf_putc (out, (char)(0x80 | (cp & 0x3f)));
    }
}

/* \uXXXX, with a following \uXXXX when it is a high surrogate.  */
static bool
read_u_escape (og_reader *r, og_buf *out)
{
  int hi = hex4 (r), lo;
  uint8_t a, b;

  if (hi < 0)
    return false;
  if (hi < 0xd800 || hi > 0xdfff)
    {
      put_utf8 (out, (uint32_t)hi);
      return true;
    }
  if (hi > 0xdbff || !og_reader_u8 (r, &a) || !og_reader_u8 (r, &b) || a != '\\' || b != 'u'
      || (lo = hex4 (r)) < 0xdc00 || lo > 0xdfff)
    return false;
  put_utf8 (out, 0x10000 + (((uint32_t)hi - 0xd800) << 10) + ((uint32_t)lo - 0xdc00));
  return true;
}

bool
og_jscan_string (const og_jscan *s, const og_jtok *t, og_buf *out)
{
  og_reader r;
  uint8_t c;

  if (t->kind != OG_JTOK_STRING || t->end - t->start < 2
      || !og_reader_sub (&s->r, t->start + 1, t->end - t->start - 2, &r))
    return false;
  og_buf_puts (out, "");
  while (og_reader_u8 (&r, &c))
    {
      static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
      const char *p;
      if (c != '\\')
        {
          og_buf_putc (out, (char)c);
          continue;
        }
      if (!og_reader_u8 (&r, &c))
        return false;
      if (c == 'u')
        {
          if (!read_u_escape (&r, out))
            return false;
        }
      else if (c != '\0' && (p = strchr (from, c)) != NULL)
        og_buf_putc (out, to[p - from]);
      else
        return false;
    }
  return true;
}
