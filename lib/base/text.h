/* Text from the image made safe to show: UTF-8 validation, escaping for
   lines a person or a log reads (one record is always one line), lossy
   UTF-8 and base64 for JSON, and hex read back.  The one place these rules live.  */
#ifndef OG_TEXT_H
#define OG_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

/* Is s[0..len) well-formed UTF-8 (RFC 3629: no overlong forms, no
   surrogates, nothing above U+10FFFF)?  */
bool og_utf8_valid (const char *s, size_t len);

/* Append s to b for a terminal or a log line: a backslash becomes "\\",
   newline "\n", tab "\t", every other control character (C0, DEL, C1) and
   every byte that is not part of well-formed UTF-8 "\xHH".  What comes out is
   printable UTF-8 without control characters, and the input can be read back
   from it.  */
void og_text_escape (og_buf *b, const char *s);
/* The same into a new string; the caller frees.  */
char *og_text_escaped (const char *s);

/* s with every byte that is not part of well-formed UTF-8 replaced by
   U+FFFD; the caller frees.  */
char *og_utf8_lossy (const char *s, size_t len);

/* RFC 4648 base64 of data; the caller frees.  */
char *og_base64 (const void *data, size_t len);
/* Decode exactly want bytes of padded base64 from s (n characters, no
   white space) into out: false when s is not that (a wrong length, a
   character outside the alphabet, padding that is not at the end, or
   non-zero bits in the padding).  */
bool og_base64_decode (const char *s, size_t n, uint8_t *out, size_t want);

/* The N bytes written as 2*N hex digits (either case) at hex, into out:
   og_hex's inverse.  False, with out unspecified, when one of the 2*N
   characters is not a hex digit (a shorter string fails at its NUL).  */
bool og_hex_decode (const char *hex, size_t n, uint8_t *out);

#endif
