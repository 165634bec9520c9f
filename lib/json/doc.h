/* JSON documents loaded whole (manifests, host config) with jansson, plus
   the line and column of every value and member name, so that semantic
   errors (unknown key, wrong type, bad glob) can say file:line:column like
   syntax errors do.  jansson keeps no positions of values, so a second,
   small pass over the bytes (which jansson has already validated) records
   them by JSON pointer (RFC 6901), when the first diagnostic asks for one:
   a document without problems is not scanned twice.  */
#ifndef OG_JSONDOC_H
#define OG_JSONDOC_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/strmap.h"
#include "base/util.h"

static inline void
og_json_decrefp (json_t **j)
{
  json_decref (*j);
  *j = NULL;
}
#define cleanup_json __attribute__ ((cleanup (og_json_decrefp)))

/* Largest document accepted.  */
#define OG_JSONDOC_MAX (16u << 20)

typedef struct og_diag
{
  int line;
  int column;
  char *msg;
} og_diag;

/* Diagnostics of one document, in the order found.  */
typedef struct og_diags
{
  char *file;
  og_diag *v;
  size_t n;
  size_t cap;
} og_diags;

void og_diags_add (og_diags *d, int line, int column, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));
/* "file:line:column: message"; the caller frees.  */
char *og_diag_format (const og_diags *d, size_t i);
void og_diags_clear (og_diags *d);
#define cleanup_diags __attribute__ ((cleanup (og_diags_clear)))

typedef struct og_jdoc
{
  json_t *root;
  og_strmap values; /* JSON pointer -> position of the value */
  og_strmap keys;   /* JSON pointer -> position of the member name */
  og_diags *diags;
  char *text; /* a copy of the bytes, until the position pass has run */
  size_t len;
} og_jdoc;

/* Parse data (rejecting duplicate keys).  A syntax error is added to diags
   and returns -1.  */
int og_jdoc_parse (const char *data, size_t len, og_jdoc *doc, og_diags *diags);
void og_jdoc_clear (og_jdoc *doc);

/* Position of the value (key == false) or member name (key == true) at ptr;
   falls back to the nearest enclosing value, then 1:1.  The first call
   runs the position pass.  */
void og_jdoc_pos (og_jdoc *doc, const char *ptr, bool key, int *line, int *column);

/* Add a diagnostic at ptr.  */
void og_jdoc_diag (og_jdoc *doc, const char *ptr, bool key, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

/* Append "/" + the RFC 6901 escape of name to b.  */
void og_jptr_push (og_buf *b, const char *name);

/* Read a whole file (at most OG_JSONDOC_MAX bytes).  */
int og_jdoc_read_file (const char *path, char **data, size_t *len, og_error **err);

#endif
