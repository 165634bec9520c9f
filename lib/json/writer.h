/* The one small layer over yajl_gen that every JSON writer uses: a generator
   that prints to a FILE (pretty) or into a buffer (compact, one line), and
   helpers for strings that may be NULL and for key/value pairs.

   Every string it writes is well-formed UTF-8 (RFC 8259 section 8.1), whatever
   bytes it was given: names from the image that are not UTF-8 are written
   lossy (each byte that is not part of a well-formed sequence becomes
   U+FFFD, base/text.h og_utf8_lossy).  Paths and other names whose bytes
   must be recoverable go through og_jw_kpath, which adds the raw bytes in
   base64 beside the lossy text.  */
#ifndef OG_JSONW_H
#define OG_JSONW_H

#include <stdbool.h>
#include <stdio.h>
#include <yajl/yajl_gen.h>

#include "base/digest.h"
#include "base/error.h"
#include "base/util.h"

typedef struct og_jw
{
  yajl_gen g;
  FILE *out; /* or */
  og_buf *buf;
  og_digest *tee;  /* when set, every byte printed also goes into it */
  bool failed;     /* a write to out failed */
  bool bad_string; /* yajl refused a string (never, with og_jw_str) */
} og_jw;

/* Pretty-printed to out.  */
int og_jw_open_file (og_jw *w, FILE *out, og_error **err);
/* Compact, appended to buf.  */
int og_jw_open_buf (og_jw *w, og_buf *buf, og_error **err);
/* Compact, every byte handed to print (e.g. a digest).  */
int og_jw_open_cb (og_jw *w, yajl_print_t print, void *ctx, og_error **err);
/* From now on every byte printed also goes into d (NULL: no longer); the
   caller owns d.  */
void og_jw_tee (og_jw *w, og_digest *d);
/* Free the generator; for a file, flush and report write errors.  */
int og_jw_close (og_jw *w, og_error **err);

void og_jw_str (og_jw *w, const char *s); /* null for NULL; lossy when not UTF-8 */
void og_jw_kv (og_jw *w, const char *key, const char *value);
/* "key": value as og_jw_kv does and, only when value is not well-formed
   UTF-8, "key_bytes": the RFC 4648 base64 of its raw bytes, so that a reader
   recovers the exact name (documented as *_bytes in policy/ *.schema.json).  */
void og_jw_kpath (og_jw *w, const char *key, const char *value);
void og_jw_kint (og_jw *w, const char *key, long long value);
void og_jw_kbool (og_jw *w, const char *key, bool value);

#endif
