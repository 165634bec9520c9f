/* The one JSON tokenizer, over the bounds-checked reader (base/reader.h).
   Grammar: RFC 8259.  It splits bytes into tokens (structure, strings with
   their escapes, numbers and literals), tracks the line:column of each
   token and the nesting depth, and never reads past the end.  It does not
   validate: scalars are runs of bytes up to the next delimiter, so the
   callers either scan text that a parser has already accepted (positions in
   doc.c, the config.json editor of `ocigate install`) or only need the
   structure of untrusted bytes (the depth pre-scan in runtime/oci.c).  */
#ifndef OG_JSON_SCAN_H
#define OG_JSON_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/reader.h"
#include "base/util.h"

typedef enum og_jtok_kind
{
  OG_JTOK_END,   /* no more tokens */
  OG_JTOK_ERROR, /* an unterminated string */
  OG_JTOK_BEGIN_OBJECT,
  OG_JTOK_END_OBJECT,
  OG_JTOK_BEGIN_ARRAY,
  OG_JTOK_END_ARRAY,
  OG_JTOK_COLON,
  OG_JTOK_COMMA,
  OG_JTOK_STRING, /* quotes included */
  OG_JTOK_SCALAR, /* a number, true, false or null */
} og_jtok_kind;

typedef struct og_jtok
{
  og_jtok_kind kind;
  size_t start; /* offsets of the token's bytes, [start, end) */
  size_t end;
  int line; /* of the first byte, from 1; columns count characters, not bytes */
  int column;
} og_jtok;

typedef struct og_jscan
{
  og_reader r;
  int line;
  int column;
  size_t depth; /* containers open after the last token */
} og_jscan;

/* Tokens of data[off..len); positions count from off as 1:1.  */
void og_jscan_init (og_jscan *s, const void *data, size_t len, size_t off);

/* The next token (white space skipped), its kind also returned.  END and
   ERROR repeat.  */
og_jtok_kind og_jscan_next (og_jscan *s, og_jtok *t);

/* The next token without moving.  */
og_jtok_kind og_jscan_peek (const og_jscan *s, og_jtok *t);

/* Does a token of this kind start a value?  */
bool og_jtok_is_value (og_jtok_kind k);

/* first is the token just read: move past the whole value it starts and set
   *end to the offset after it.  false when first starts no value or the
   value does not end.  */
bool og_jscan_skip_value (og_jscan *s, const og_jtok *first, size_t *end);

/* The text of a string token with its escapes (RFC 8259 section 7, \uXXXX
   and surrogate pairs to UTF-8) decoded, appended to out.  false on a bad
   escape.  */
bool og_jscan_string (const og_jscan *s, const og_jtok *t, og_buf *out);

#endif
