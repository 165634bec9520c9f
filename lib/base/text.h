/* Text from the image made safe to show: UTF-8 validation, escaping for
   lines a person or a log reads (one record is always one line), lossy
   UTF-8 and base64 for JSON.  The one place these rules live.  */
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

#endif
