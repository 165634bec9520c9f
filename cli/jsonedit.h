/* Editing JSON as text: find where values begin and end in a document
   that jansson has already accepted (with the tokenizer of json/scan.h),
   and write new text that follows the document's own indentation, so that
   an edit changes no other byte of the file.  Used by `ocigate install`.  */
#ifndef OG_CLI_JSONEDIT_H
#define OG_CLI_JSONEDIT_H

#include <stdbool.h>
#include <stddef.h>

#include "base/reader.h"
#include "base/util.h"

/* How to lay out new text: indentation unit, or everything on one line.  */
typedef struct jedit_layout
{
  const char *unit;
  size_t unit_len;
  bool pretty;
} jedit_layout;

/* A newline and DEPTH indentation units (nothing when not pretty).  */
void jedit_nl (og_buf *b, const jedit_layout *l, int depth);
/* A JSON string.  */
void jedit_str (og_buf *b, const char *s);
/* "KEY": */
void jedit_key (og_buf *b, const jedit_layout *l, const char *key);
/* ["V0", "V1", ...] with the elements at DEPTH + 1.  */
void jedit_str_array (og_buf *b, const jedit_layout *l, int depth, const char *const *v, size_t n);

/* What scanning a container found.  Offsets are into the document.  */
typedef struct jedit_scan
{
  size_t open;     /* the '{' or '[' */
  size_t close;    /* the '}' or ']' */
  size_t last_end; /* end of the last member's value, or open + 1 when empty */
  bool empty;
  size_t first;     /* first member (its key) or element, when not empty */
  bool found;       /* the member or element asked for */
  size_t val_start; /* its value */
  size_t val_end;
} jedit_scan;

/* Where the top-level value starts (after white space).  */
size_t jedit_top (const og_reader *doc);
/* The object at OPEN; look for member WANT (NULL: none).  */
bool jedit_scan_object (const og_reader *doc, size_t open, const char *want, jedit_scan *s);
/* The array at OPEN; look for element number WANT (SIZE_MAX: none).  */
bool jedit_scan_array (const og_reader *doc, size_t open, size_t want, jedit_scan *s);

/* The file's own indentation: the white space before the first top-level
   key when it starts a line; one line when it does not.  */
jedit_layout jedit_detect_layout (const og_reader *doc, const jedit_scan *top);

/* Where the new text goes, and what it replaces.  */
typedef struct jedit_edit
{
  size_t at;
  size_t remove;
  og_buf text;
} jedit_edit;

static inline void
jedit_edit_clear (jedit_edit *e)
{
  og_buf_free (&e->text);
}
#define cleanup_edit __attribute__ ((cleanup (jedit_edit_clear)))


/* The document with the edit applied; the caller frees out.  */
void jedit_apply (const og_reader *doc, const jedit_edit *e, og_buf *out);

#endif
