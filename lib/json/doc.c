/* JSON documents with positions.  Source of the grammar: RFC 8259; of the
   pointers: RFC 6901.  The position pass walks bytes that jansson has
   already accepted, through the bounds-checked reader, and stops quietly on
   anything unexpected (positions then fall back to an enclosing value).  */
#include <fcntl.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "json/doc.h"
#include "base/reader.h"

#define MAX_DEPTH     256
#define MAX_POSITIONS 1000000

void
og_diags_add (og_diags *d, int line, int column, const char *fmt, ...)
{
  va_list ap;
  char *m = NULL;

  va_start (ap, fmt);
  if (vasprintf (&m, fmt, ap) < 0)
    m = NULL;
  va_end (ap);
  og_grow (&d->v, &d->cap, d->n + 1, sizeof *d->v);
  d->v[d->n++] = (og_diag){ line, column, m ? m : og_xstrdup ("(error)") };
}

char *
og_diag_format (const og_diags *d, size_t i)
{
  return og_xasprintf ("%s:%d:%d: %s", d->file ? d->file : "<manifest>", d->v[i].line,
                       d->v[i].column, d->v[i].msg);
}

void
og_diags_clear (og_diags *d)
{
  for (size_t i = 0; i < d->n; i++)
    free (d->v[i].msg);
  free (d->v);
  free (d->file);
  memset (d, 0, sizeof *d);
}

void
og_jptr_push (og_buf *b, const char *name)
{
  og_buf_putc (b, '/');
  for (const char *p = name; *p; p++)
    {
      if (*p == '~')
        og_buf_puts (b, "~0");
      else if (*p == '/')
        og_buf_puts (b, "~1");
      else
        og_buf_putc (b, *p);
    }
}

typedef struct scan
{
  og_reader r;
  int line;
  int col;
  og_jdoc *doc;
  size_t recorded;
} scan;

static int
peek (const scan *s)
{
  og_reader c = s->r;
  uint8_t v;
  return og_reader_u8 (&c, &v) ? v : -1;
}

static int
next (scan *s)
{
  uint8_t v;
  if (!og_reader_u8 (&s->r, &v))
    return -1;
  if (v == '\n')
    s->line++, s->col = 1;
  else if ((v & 0xc0) != 0x80) /* count characters, not UTF-8 continuation bytes */
    s->col++;
  return v;
}

static void
skip_ws (scan *s)
{
  int c;
  while ((c = peek (s)) == ' ' || c == '\t' || c == '\n' || c == '\r')
    next (s);
}

static void
record (scan *s, og_strmap *m, const og_buf *ptr)
{
  uintptr_t v = ((uintptr_t)(uint32_t)s->line << 32) | (uint32_t)s->col;
  if (s->recorded >= MAX_POSITIONS)
    return;
  s->recorded++;
  og_strmap_put (m, ptr->data ? ptr->data : "", (void *)v);
}

/* A string at the cursor; its decoded text (escapes other than \uXXXX
   resolved; \uXXXX kept as written, which only costs a position fallback)
   goes to out when not NULL.  */
static bool
read_string (scan *s, og_buf *out)
{
  if (next (s) != '"')
    return false;
  for (;;)
    {
      int c = next (s);
      if (c < 0)
        return false;
      if (c == '"')
        return true;
      if (c == '\\')
        {
          int e = next (s);
          char d;
          switch (e)
            {
            case 'n':
              d = '\n';
              break;
            case 't':
              d = '\t';
              break;
            case 'r':
              d = '\r';
              break;
            case 'b':
              d = '\b';
              break;
            case 'f':
              d = '\f';
              break;
            case 'u':
              if (out)
                og_buf_puts (out, "\\u");
              continue;
            case -1:
              return false;
            default:
              d = (char)e;
              break;
            }
          if (out)
            og_buf_putc (out, d);
          continue;
        }
      if (out)
        og_buf_putc (out, (char)c);
    }
}

static void
skip_scalar (scan *s)
{
  int c = peek (s);
  if (c == '"')
    {
      read_string (s, NULL);
      return;
    }
  while ((c = peek (s)) >= 0 && c != ',' && c != '}' && c != ']' && c != ' ' && c != '\n'
         && c != '\t' && c != '\r')
    next (s);
}

typedef struct frame
{
  bool array;
  size_t index;
  size_t ptrlen;
} frame;

static void
truncate_ptr (og_buf *ptr, size_t len)
{
  if (ptr->data)
    {
      ptr->len = len;
      ptr->data[len] = '\0';
    }
}

/* After '{' or ',' inside an object: a member name and ':'.  */
static bool
read_key (scan *s, og_buf *ptr)
{
  og_buf key = { 0 };
  bool ok;
  skip_ws (s);
  og_buf_puts (&key, "");
  ok = read_string (s, &key);
  if (!ok)
    {
      og_buf_free (&key);
      return false;
    }
  og_jptr_push (ptr, key.data);
  og_buf_free (&key);
  skip_ws (s);
  return next (s) == ':';
}

static void
scan_positions (scan *s)
{
  frame stack[MAX_DEPTH];
  size_t depth = 0;
  og_buf ptr = { 0 };

  og_buf_puts (&ptr, "");
  for (;;)
    {
      int c;
      /* A value starts here.  */
      skip_ws (s);
      record (s, &s->doc->values, &ptr);
      c = peek (s);
      if (c == '{' || c == '[')
        {
          if (depth >= MAX_DEPTH)
            break;
          next (s);
          stack[depth++] = (frame){ c == '[', 0, ptr.len };
          skip_ws (s);
          c = peek (s);
          if (c == '}' || c == ']')
            {
              next (s);
              depth--;
              truncate_ptr (&ptr, stack[depth].ptrlen);
            }
          else if (stack[depth - 1].array)
            {
              og_buf_puts (&ptr, "/0");
              continue;
            }
          else
            {
              /* The member name's position, under the member's pointer.  */
              scan save = *s;
              skip_ws (&save);
              if (!read_key (s, &ptr))
                break;
              record (&save, &s->doc->keys, &ptr);
              s->recorded++;
              continue;
            }
        }
      else
        skip_scalar (s);

      /* A value ended: continue the enclosing container.  */
      for (;;)
        {
          frame *f;
          if (depth == 0)
            goto done;
          f = &stack[depth - 1];
          truncate_ptr (&ptr, f->ptrlen);
          skip_ws (s);
          c = next (s);
          if (c == ',')
            {
              if (f->array)
                og_buf_printf (&ptr, "/%zu", ++f->index);
              else
                {
                  scan save = *s;
                  skip_ws (&save);
                  if (!read_key (s, &ptr))
                    goto done;
                  record (&save, &s->doc->keys, &ptr);
                  s->recorded++;
                }
              break;
            }
          if (c == '}' || c == ']')
            {
              depth--;
              truncate_ptr (&ptr, stack[depth].ptrlen);
              continue;
            }
          goto done;
        }
    }
done:
  og_buf_free (&ptr);
}

int
og_jdoc_parse (const char *data, size_t len, og_jdoc *doc, og_diags *diags)
{
  json_error_t je;
  scan s;

  memset (doc, 0, sizeof *doc);
  doc->diags = diags;
  if (len > OG_JSONDOC_MAX)
    {
      og_diags_add (diags, 1, 1, "the document is larger than %u bytes", OG_JSONDOC_MAX);
      return -1;
    }
  doc->root = json_loadb (data, len, JSON_REJECT_DUPLICATES, &je);
  if (doc->root == NULL)
    {
      og_diags_add (diags, je.line > 0 ? je.line : 1, je.column > 0 ? je.column : 1, "%s", je.text);
      return -1;
    }
  memset (&s, 0, sizeof s);
  og_reader_init (&s.r, data, len);
  s.line = 1;
  s.col = 1;
  s.doc = doc;
  scan_positions (&s);
  return 0;
}

void
og_jdoc_clear (og_jdoc *doc)
{
  if (doc->root)
    json_decref (doc->root);
  og_strmap_clear (&doc->values, NULL);
  og_strmap_clear (&doc->keys, NULL);
  memset (doc, 0, sizeof *doc);
}

void
og_jdoc_pos (const og_jdoc *doc, const char *ptr, bool key, int *line, int *column)
{
  cleanup_free char *p = og_xstrdup (ptr);
  const og_strmap *m = key ? &doc->keys : &doc->values;

  for (;;)
    {
      if (og_strmap_has (m, p))
        {
          uintptr_t v = (uintptr_t)og_strmap_get (m, p);
          *line = (int)(v >> 32);
          *column = (int)(v & 0xffffffffu);
          return;
        }
      if (m == &doc->keys)
        {
          m = &doc->values;
          continue;
        }
      {
        char *slash = strrchr (p, '/');
        if (slash == NULL)
          break;
        *slash = '\0';
      }
    }
  *line = 1;
  *column = 1;
}

void
og_jdoc_diag (og_jdoc *doc, const char *ptr, bool key, const char *fmt, ...)
{
  va_list ap;
  char *m = NULL;
  int line, col;

  og_jdoc_pos (doc, ptr, key, &line, &col);
  va_start (ap, fmt);
  if (vasprintf (&m, fmt, ap) < 0)
    m = NULL;
  va_end (ap);
  og_diags_add (doc->diags, line, col, "%s", m ? m : "(error)");
  free (m);
}

int
og_jdoc_read_file (const char *path, char **data, size_t *len, og_error **err)
{
  return og_read_file (path, OG_JSONDOC_MAX, data, len, err);
}
