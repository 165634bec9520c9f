/* ocigate doctor's report: one line per check, counted.  */
#include <stdarg.h>
#include <stdio.h>

#include "doctor_report.h"

void
doctor_say (doctor *d, doctor_level l, const char *fmt, ...)
{
  static const char *const tag[] = { "ok  ", "warn", "FAIL" };
  va_list ap;

  d->n_warn += l == DOCTOR_WARN;
  d->n_fail += l == DOCTOR_FAIL;
  printf ("%s  ", tag[l]);
  va_start (ap, fmt);
  vprintf (fmt, ap);
  va_end (ap);
  putchar ('\n');
}
