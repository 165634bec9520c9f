/* Checked allocation, the growable buffer, string vectors and the usable
   CPUs (see util.h).  */
#include <sched.h>

#include "base/util.h"

static void __attribute__ ((noreturn)) oom (void)
{
  static const char msg[] = "ocigate: out of memory\n";
  (void)!write (STDERR_FILENO, msg, sizeof msg - 1);
  abort ();
}

void *
og_xmalloc (size_t size)
{
  void *p = malloc (size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
og_xcalloc (size_t n, size_t size)
{
  void *p = calloc (n ? n : 1, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
og_xrealloc (void *p, size_t size)
{
  p = realloc (p, size ? size : 1);
  if (p == NULL)
    oom ();
  return p;
}

void *
og_xreallocarray (void *p, size_t n, size_t size)
{
  if (size && n > SIZE_MAX / size)
    oom ();
  return og_xrealloc (p, n * size);
}

char *
og_xstrdup (const char *s)
{
  char *p = strdup (s);
  if (p == NULL)
    oom ();
  return p;
}

char *
og_xstrndup (const char *s, size_t n)
{
  char *p = og_xmalloc (n + 1);
  memcpy (p, s, n);
  p[n] = '\0';
  return p;
}

char *
og_xasprintf (const char *fmt, ...)
{
  va_list ap;
  char *p = NULL;
  va_start (ap, fmt);
  if (vasprintf (&p, fmt, ap) < 0)
    oom ();
  va_end (ap);
  return p;
}

char *
og_vasprintf (const char *fmt, va_list ap)
{
  char *p = NULL;
  if (vasprintf (&p, fmt, ap) < 0)
    return NULL;
  return p;
}

void
og_grow (void *array, size_t *cap, size_t need, size_t elsize)
{
  void **a = array;
  size_t n;
  if (need <= *cap)
    return;
  n = *cap ? *cap : 8;
  while (n < need)
    {
      if (n > SIZE_MAX / 2)
        oom ();
      n *= 2;
    }
  *a = og_xreallocarray (*a, n, elsize);
  *cap = n;
}

void
og_buf_append (og_buf *b, const void *data, size_t len)
{
  og_grow (&b->data, &b->cap, b->len + len + 1, 1);
  if (len)
    memcpy (b->data + b->len, data, len);
  b->len += len;
  b->data[b->len] = '\0';
}

void
og_buf_puts (og_buf *b, const char *s)
{
  og_buf_append (b, s, strlen (s));
}

void
og_buf_putc (og_buf *b, char c)
{
  og_buf_append (b, &c, 1);
}

void
og_buf_printf (og_buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  char small[256];
  va_start (ap, fmt);
  n = vsnprintf (small, sizeof small, fmt, ap);
  va_end (ap);
  if (n < 0)
    return;
  if ((size_t)n < sizeof small)
    {
      og_buf_append (b, small, n);
      return;
    }
  og_grow (&b->data, &b->cap, b->len + n + 1, 1);
  va_start (ap, fmt);
  vsnprintf (b->data + b->len, n + 1, fmt, ap);
  va_end (ap);
  b->len += n;
}

void
og_buf_free (og_buf *b)
{
  free (b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

char *
og_buf_steal (og_buf *b)
{
  char *p = b->data ? b->data : og_xstrdup ("");
  b->data = NULL;
  b->len = b->cap = 0;
  return p;
}

void
og_hex (const uint8_t *in, size_t len, char *out)
{
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < len; i++)
    {
      out[2 * i] = digits[in[i] >> 4];
      out[2 * i + 1] = digits[in[i] & 15];
    }
  out[2 * len] = '\0';
}

char **
og_strv_dup (char *const *v, size_t n)
{
  char **r = n ? og_xcalloc (n, sizeof *r) : NULL;
  for (size_t i = 0; i < n; i++)
    r[i] = og_xstrdup (v[i]);
  return r;
}

void
og_strv_free (char **v, size_t n)
{
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free (v[i]);
  free (v);
}

void
og_strv_push (og_strv *sv, const char *s)
{
  sv->v = og_xreallocarray (sv->v, sv->n + 1, sizeof *sv->v);
  sv->v[sv->n++] = og_xstrdup (s);
}

void
og_idxv_push (og_idxv *x, size_t i)
{
  og_grow (&x->v, &x->cap, x->n + 1, sizeof *x->v);
  x->v[x->n++] = i;
}

void
og_strv_clear (og_strv *sv)
{
  og_strv_free (sv->v, sv->n);
  sv->v = NULL;
  sv->n = 0;
}

size_t
og_usable_cpus (void)
{
  cpu_set_t set;
  if (sched_getaffinity (0, sizeof set, &set) == 0 && CPU_COUNT (&set) > 0)
    return (size_t)CPU_COUNT (&set);
  return 1;
}
