/* One error type threaded through the library, as in crun: functions return
   0 on success or a negative value on failure, and fill *err with the errno
   and a message that carries its context.  The library never prints and never
   exits; the executables decide what to show.  */
#ifndef OG_ERROR_H
#define OG_ERROR_H

typedef struct og_error
{
  int status; /* errno, or 0 when the failure is about content.  */
  char *msg;
} og_error;

/* Set *err (when err is not NULL and *err is still empty) and return -1.
   With status != 0, ": strerror(status)" is appended.  */
int og_error_set (og_error **err, int status, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* Put "prefix: " in front of the message of an existing error.  */
void og_error_prefix (og_error **err, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));

void og_error_free (og_error *err);
void og_error_freep (og_error **err);
#define cleanup_error __attribute__ ((cleanup (og_error_freep)))

#endif
