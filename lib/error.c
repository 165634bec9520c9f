#include "error.h"
#include "util.h"

int
og_error_set (og_error **err, int status, const char *fmt, ...)
{
  va_list ap;
  og_buf b = { 0 };
  og_error *e;

  if (err == NULL || *err != NULL)
    return -1;
  va_start (ap, fmt);
  {
    char *m = NULL;
    if (vasprintf (&m, fmt, ap) < 0)
      m = NULL;
    og_buf_puts (&b, m ? m : "(error)");
    free (m);
  }
  va_end (ap);
  if (status)
    og_buf_printf (&b, ": %s", strerror (status));
  e = og_xmalloc (sizeof *e);
  e->status = status;
  e->msg = og_buf_steal (&b);
  *err = e;
  return -1;
}

void
og_error_prefix (og_error **err, const char *fmt, ...)
{
  va_list ap;
  char *p = NULL;
  char *m;

  if (err == NULL || *err == NULL)
    return;
  va_start (ap, fmt);
  if (vasprintf (&p, fmt, ap) < 0)
    p = NULL;
  va_end (ap);
  if (p == NULL)
    return;
  m = og_xasprintf ("%s: %s", p, (*err)->msg);
  free (p);
  free ((*err)->msg);
  (*err)->msg = m;
}

void
og_error_free (og_error *err)
{
  if (err == NULL)
    return;
  free (err->msg);
  free (err);
}

void
og_error_freep (og_error **err)
{
  og_error_free (*err);
  *err = NULL;
}
