/* The one error type (see error.h).  */
#include "base/error.h"
#include "base/util.h"

/* The first error is the cause and keeps its code; a later one, usually a
   consequence, is appended ("...; then: ...") rather than dropped.  */
static int error_setv (og_error **err, og_errcode code, int status, const char *fmt, va_list ap)
    __attribute__ ((format (printf, 4, 0)));

static int
error_setv (og_error **err, og_errcode code, int status, const char *fmt, va_list ap)
{
  og_buf b = { 0 };
  og_error *e;
  char *m = NULL;

  if (err == NULL)
    return -1;
  if (*err)
    og_buf_printf (&b, "%s; then: ", (*err)->msg);
  m = og_vasprintf (fmt, ap);
  og_buf_puts (&b, m ? m : "(error)");
  free (m);
  if (status)
    og_buf_printf (&b, ": %s", strerror (status));
  if (*err)
    {
      free ((*err)->msg);
      (*err)->msg = og_buf_steal (&b);
      return -1;
    }
  e = og_xmalloc (sizeof *e);
  e->code = code;
  e->status = status;
  e->msg = og_buf_steal (&b);
  e->subject = NULL;
  *err = e;
  return -1;
}

int
og_error_set (og_error **err, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  error_setv (err, status ? OG_ERR_SYSTEM : OG_ERR_CONTENT, status, fmt, ap);
  va_end (ap);
  return -1;
}

int
og_error_set_code (og_error **err, og_errcode code, int status, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  error_setv (err, code, status, fmt, ap);
  va_end (ap);
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
  p = og_vasprintf (fmt, ap);
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
  free (err->subject);
  free (err);
}

void
og_error_set_subject (og_error **err, const char *subject)
{
  if (err && *err && (*err)->subject == NULL && subject)
    (*err)->subject = og_xstrdup (subject);
}
