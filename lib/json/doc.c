/* JSON documents with positions.  Source of the grammar: RFC 8259; of the
   pointers: RFC 6901.  The position pass walks the tokens (json/scan.h) of
   bytes that jansson has already accepted, and stops quietly on anything
   unexpected (positions then fall back to an enclosing value).  */
#include <fcntl.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "json/doc.h"
#include "json/scan.h"

#define MAX_DEPTH     256
#define MAX_POSITIONS 1000000

void
og_diags_add (og_diags *d, int line, int column, const char *fmt, ...)
{
  va_list ap;
  char *m = NULL;

  va_start (ap, fmt);
  m = og_vasprintf (fmt, ap);
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

/* The position pass: tokens of the accepted text, the JSON pointer of the
   value at hand, and a stack of the containers it is in.  */
typedef struct frame
{
  bool array;
  size_t index;
  size_t ptrlen;
} frame;

typedef struct positions
{
  og_jscan s;
  og_jdoc *doc;
  og_buf ptr;
  frame stack[MAX_DEPTH];
  size_t depth;
  size_t recorded;
} positions;

static void
record (positions *p, og_strmap *m, const og_jtok *t)
{
  uintptr_t v = ((uintptr_t)(uint32_t)t->line << 32) | (uint32_t)t->column;
  if (p->recorded >= MAX_POSITIONS)
    return;
  p->recorded++;
  og_strmap_put (m, p->ptr.data ? p->ptr.data : "", (void *)v);
}

static void
truncate_ptr (og_buf *ptr, size_t len)
{
  if (ptr->data)
    {
      ptr->len = len;
      ptr->data[len] = '\0';
    }
}

/* A member name and ':': the name's position, under the member's pointer.  */
static bool
read_key (positions *p)
{
  og_buf key = { 0 };
  og_jtok t;
  bool ok = og_jscan_next (&p->s, &t) == OG_JTOK_STRING && og_jscan_string (&p->s, &t, &key);
  if (ok)
    {
      og_jptr_push (&p->ptr, key.data);
      record (p, &p->doc->keys, &t);
      ok = og_jscan_next (&p->s, &t) == OG_JTOK_COLON;
    }
  og_buf_free (&key);
  return ok;
}

/* A value ended: close the containers that end with it and move to the
   next element or member.  false when the document is done.  */
static bool
value_ended (positions *p)
{
  og_jtok t;
  while (p->depth > 0)
    {
      frame *f = &p->stack[p->depth - 1];
      truncate_ptr (&p->ptr, f->ptrlen);
      switch (og_jscan_next (&p->s, &t))
        {
        case OG_JTOK_COMMA:
          if (!f->array)
            return read_key (p);
          og_buf_printf (&p->ptr, "/%zu", ++f->index);
          return true;
        case OG_JTOK_END_OBJECT:
        case OG_JTOK_END_ARRAY:
          p->depth--;
          truncate_ptr (&p->ptr, p->stack[p->depth].ptrlen);
          break;
        case OG_JTOK_END:
        case OG_JTOK_ERROR:
        case OG_JTOK_BEGIN_OBJECT:
        case OG_JTOK_BEGIN_ARRAY:
        case OG_JTOK_COLON:
        case OG_JTOK_STRING:
        case OG_JTOK_SCALAR:
        default:
          return false;
        }
    }
  return false;
}

/* A value starts at the next token.  false when the pass stops.  */
static bool
at_value (positions *p)
{
  og_jtok t, n;
  og_jtok_kind k = og_jscan_next (&p->s, &t);
  if (!og_jtok_is_value (k))
    return false;
  record (p, &p->doc->values, &t);
  if (k == OG_JTOK_STRING || k == OG_JTOK_SCALAR)
    return value_ended (p);
  if (p->depth >= MAX_DEPTH)
    return false;
  p->stack[p->depth++] = (frame){ k == OG_JTOK_BEGIN_ARRAY, 0, p->ptr.len };
  og_jscan_peek (&p->s, &n);
  if (n.kind == OG_JTOK_END_OBJECT || n.kind == OG_JTOK_END_ARRAY)
    {
      og_jscan_next (&p->s, &n);
      p->depth--;
      truncate_ptr (&p->ptr, p->stack[p->depth].ptrlen);
      return value_ended (p);
    }
  if (k == OG_JTOK_BEGIN_ARRAY)
    {
      og_buf_puts (&p->ptr, "/0");
      return true;
    }
  return read_key (p);
}

static void
scan_positions (og_jdoc *doc, const char *data, size_t len)
{
  positions *p = og_xcalloc (1, sizeof *p);

  og_jscan_init (&p->s, data, len, 0);
  p->doc = doc;
  og_buf_puts (&p->ptr, "");
  while (at_value (p))
    ;
  og_buf_free (&p->ptr);
  free (p);
}

int
og_jdoc_parse (const char *data, size_t len, og_jdoc *doc, og_diags *diags)
{
  json_error_t je;

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
  doc->text = og_xmalloc (len + 1);
  memcpy (doc->text, data, len);
  doc->len = len;
  return 0;
}

void
og_jdoc_clear (og_jdoc *doc)
{
  if (doc->root)
    json_decref (doc->root);
  og_strmap_clear (&doc->values, NULL);
  og_strmap_clear (&doc->keys, NULL);
  free (doc->text);
  memset (doc, 0, sizeof *doc);
}

void
og_jdoc_pos (og_jdoc *doc, const char *ptr, bool key, int *line, int *column)
{
  cleanup_free char *p = og_xstrdup (ptr);
  const og_strmap *m = key ? &doc->keys : &doc->values;

  if (doc->text)
    {
      scan_positions (doc, doc->text, doc->len);
      free (doc->text);
      doc->text = NULL;
    }

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
  m = og_vasprintf (fmt, ap);
  va_end (ap);
  og_diags_add (doc->diags, line, col, "%s", m ? m : "(error)");
  free (m);
}

int
og_jdoc_read_file (const char *path, char **data, size_t *len, og_error **err)
{
  return og_read_file (path, OG_JSONDOC_MAX, data, len, err);
}
