/* One error type threaded through the library, as in crun: functions return
   0 on success or a negative value on failure, and fill *err with the errno
   and a message that carries its context.  The library never prints and never
   exits; the executables decide what to show.  */
#ifndef OG_ERROR_H
#define OG_ERROR_H

#include "base/util.h"

/* What kind of failure it is: callers test this, never the message.  */
typedef enum og_errcode
{
  OG_ERR_SYSTEM = 1, /* a system call failed (status holds errno) */
  OG_ERR_CONTENT,    /* the bytes read are not what their format says */
  OG_ERR_LIMIT,      /* content reached a cap (size, depth, count, line length) */
  OG_ERR_DEADLINE,   /* the inspection ran past its deadline */
  OG_ERR_USAGE,      /* arguments or a document the operator wrote are wrong */
} og_errcode;

typedef struct og_error
{
  og_errcode code;
  int status; /* errno, or 0 when the failure is about content.  */
  char *msg;
  /* The path or item inside the inspected content the failure is about,
     when the code that failed knows it (the hook's "inspection" finding
     names it), else NULL.  */
  char *subject;
} og_error;

/* Set *err (when err is not NULL) and return -1.  With status != 0,
   ": strerror(status)" is appended.  When *err already holds an error, that
   one stays the cause (its code and status) and this message is appended to
   it after "; then: ", so no error is lost.  */
int og_error_set (og_error **err, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* The same with an explicit code (og_error_set picks OG_ERR_SYSTEM when
   status != 0, else OG_ERR_CONTENT).  */
int og_error_set_code (og_error **err, og_errcode code, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* The code of err, or 0 when there is none.  */
static inline og_errcode
og_error_code (const og_error *err)
{
  return err ? err->code : (og_errcode)0;
}

/* Put "prefix: " in front of the message of an existing error.  */
void og_error_prefix (og_error **err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

/* Name what an existing error is about (the first one named stays).  */
void og_error_set_subject (og_error **err, const char *subject);

void og_error_free (og_error *err);
OG_DEFINE_FREEP (og_error, og_error_free)
#define cleanup_error __attribute__ ((cleanup (og_error_freep)))

#endif
