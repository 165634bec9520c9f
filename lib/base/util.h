/* Small helpers shared by every file: cleanup attributes, checked allocation,
   a growable string buffer.  Nothing here touches the inspected tree.  */
#ifndef OG_UTIL_H
#define OG_UTIL_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TEMP_FAILURE_RETRY
#define TEMP_FAILURE_RETRY(expression)                                                             \
  (__extension__({                                                                                 \
    long int __result;                                                                             \
    do                                                                                             \
      __result = (long int)(expression);                                                           \
    while (__result == -1L && errno == EINTR);                                                     \
    __result;                                                                                      \
  }))
#endif

#define OG_ARRAY_SIZE(a) (sizeof (a) / sizeof ((a)[0]))

/* A parameter a callback type requires and this callback does not use.  */
#define OG_UNUSED __attribute__ ((unused))

/* NAME##p, the cleanup function (__attribute__ ((cleanup))) of a TYPE *
   owned by the free function NAME, which takes NULL: it frees and clears.  */
#define OG_DEFINE_FREEP(type, name)                                                                \
  static inline void name##p (type **p)                                                            \
  {                                                                                                \
    name (*p);                                                                                     \
    *p = NULL;                                                                                     \
  }

static inline void
og_freep (void *p)
{
  free (*(void **)p);
}

static inline void
og_closep (int *fd)
{
  if (*fd >= 0)
    {
      int saved = errno;
      close (*fd);
      errno = saved;
    }
}

static inline void
og_fclosep (FILE **f)
{
  if (*f)
    fclose (*f);
}

/* Hand a resource over: the holder's cleanup then does nothing.
   og_steal_pointer (&p) returns p with its type and leaves NULL behind.  */
#define og_steal_pointer(pp)                                                                       \
  (__extension__({                                                                                 \
    __typeof__ (*(pp)) _og_stolen = *(pp);                                                         \
    *(pp) = NULL;                                                                                  \
    _og_stolen;                                                                                    \
  }))

static inline int
og_steal_fd (int *fd)
{
  int r = *fd;
  *fd = -1;
  return r;
}

#define cleanup_free  __attribute__ ((cleanup (og_freep)))
#define cleanup_close __attribute__ ((cleanup (og_closep)))
#define cleanup_file  __attribute__ ((cleanup (og_fclosep)))

/* Allocation failures end the process: every caller would do the same, and a
   half-built inventory is worse than none.  */
void *og_xmalloc (size_t size);
void *og_xcalloc (size_t n, size_t size);
void *og_xrealloc (void *p, size_t size);
void *og_xreallocarray (void *p, size_t n, size_t size);
char *og_xstrdup (const char *s);
char *og_xstrndup (const char *s, size_t n);
char *og_xasprintf (const char *fmt, ...) __attribute__ ((format (printf, 1, 2)));
/* vasprintf for message texts: NULL (never an undefined pointer) when it
   fails, so the caller can say "(error)" rather than abort.  */
char *og_vasprintf (const char *fmt, va_list ap) __attribute__ ((format (printf, 1, 0)));

/* Grow *array (of *cap elements of size elsize) so that it holds at least need.  */
void og_grow (void *array, size_t *cap, size_t need, size_t elsize);

/* The CPUs this process may run on (its affinity mask), at least 1.  */
size_t og_usable_cpus (void);

/* A growable byte buffer, always NUL-terminated.  */
typedef struct og_buf
{
  char *data;
  size_t len;
  size_t cap;
} og_buf;

void og_buf_append (og_buf *b, const void *data, size_t len);
void og_buf_puts (og_buf *b, const char *s);
void og_buf_putc (og_buf *b, char c);
void og_buf_printf (og_buf *b, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
void og_buf_free (og_buf *b);
/* An og_buf freed when it goes out of scope.  */
#define cleanup_buf __attribute__ ((cleanup (og_buf_free)))
/* Hand the bytes over to the caller; the buffer is empty afterwards.  */
char *og_buf_steal (og_buf *b);

static inline bool
og_str_has_prefix (const char *s, const char *prefix)
{
  return strncmp (s, prefix, strlen (prefix)) == 0;
}

static inline bool
og_str_eq (const char *a, const char *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  return strcmp (a, b) == 0;
}

/* The word for n things: one when n is 1, else many ("1 entry", "2
   entries", "0 entries").  */
static inline const char *
og_plural (unsigned long long n, const char *one, const char *many)
{
  return n == 1 ? one : many;
}

/* Free n strings and the array.  */
void og_strv_free (char **v, size_t n);
/* A copy of the n strings of v (NULL when n is 0).  */
char **og_strv_dup (char *const *v, size_t n);

/* A vector of strings that owns them.  */
typedef struct og_strv
{
  char **v;
  size_t n;
} og_strv;

void og_strv_push (og_strv *sv, const char *s); /* a copy of s */

/* A growable vector of indices (into some other array).  */
typedef struct og_idxv
{
  size_t *v;
  size_t n;
  size_t cap;
} og_idxv;

void og_idxv_push (og_idxv *x, size_t i);
void og_strv_clear (og_strv *sv);
#define cleanup_strv __attribute__ ((cleanup (og_strv_clear)))

/* Hex encoding of a digest into out (2*len+1 bytes).  */
void og_hex (const uint8_t *in, size_t len, char *out);

#endif
