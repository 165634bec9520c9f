/* The schema-checked loader context for JSON documents loaded whole
   (manifests, the host config): the parsed document with positions, the
   JSON pointer of the value being checked, key and type checks, and the
   diagnostics (file:line:column) that they add.  The one copy of this job.  */
#ifndef OG_JSON_LOAD_H
#define OG_JSON_LOAD_H

#include "json/doc.h"

typedef struct og_jload
{
  og_jdoc doc;
  og_buf ptr;   /* JSON pointer (RFC 6901) of the value being checked */
  char *sha256; /* of the document's bytes, lower-case hex (base/digest.h) */
} og_jload;

/* Read PATH (at most OG_JSONDOC_MAX bytes); an error is prefixed with what
   ("manifest", "host config").  */
int og_jload_read_file (const char *path, const char *what, char **data, size_t *len,
                        og_error **err);

/* Hash and parse data into c, naming the document `file` in diags (when diags has no
   name yet).  A syntax error: -1 with *err "WHAT FILE:LINE:COL: MESSAGE".  */
int og_jload_parse (og_jload *c, const char *data, size_t len, const char *file, const char *what,
                    og_diags *diags, og_error **err);

/* After the checks: 0 when diags is empty, else -1 with *err "WHAT" and the
   first diagnostic (and, when count_more, "(and N more problems)").  */
int og_jload_result (const og_jload *c, const char *what, bool count_more, og_error **err);

void og_jload_clear (og_jload *c);
#define cleanup_jload __attribute__ ((cleanup (og_jload_clear)))

/* Descend into member name / element i; pop back to what they returned.  */
size_t og_jload_push (og_jload *c, const char *name);
size_t og_jload_push_index (og_jload *c, size_t i);
void og_jload_pop (og_jload *c, size_t save);

/* A diagnostic at the current pointer: at the member name when key.  */
void og_jload_diag (og_jload *c, bool key, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));
/* A diagnostic at the member name of the current value (there or not).  */
void og_jload_diag_at (og_jload *c, const char *name, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

/* "an object", "a string", ... as diagnostics name a JSON value's type.  */
const char *og_json_type_name (const json_t *v);

/* A diagnostic for every key of obj (at the current pointer) that is not in
   allowed (NULL-terminated); what names obj ("the manifest", "\"launch\"").  */
void og_jload_check_keys (og_jload *c, json_t *obj, const char *const *allowed, const char *what);

/* The member key of obj when it is an object, with the pointer at /KEY and
   its keys checked against allowed (when given) as "\"KEY\"".  NULL when
   absent, or when not an object, after the diagnostic "\"KEY\" must be
   SHAPE" (SHAPE NULL: "an object, not TYPE").  Either way *save is where
   og_jload_pop goes back to.  */
json_t *og_jload_object (og_jload *c, json_t *obj, const char *key, const char *const *allowed,
                         const char *shape, size_t *save);

/* Is v of type t (JSON_TRUE: any boolean)?  If not, a diagnostic
   "WHAT must be EXPECTED, not TYPE".  */
bool og_jload_expect (og_jload *c, json_t *v, json_type t, const char *what, const char *expected);

/* The member key of obj as a string; NULL when absent, null (when
   nullable) or not a string (then with a diagnostic "\"KEY\" must be a
   string[ or null]").  *present (when given) says whether the key is there.  */
const char *og_jload_string (og_jload *c, json_t *obj, const char *key, bool nullable,
                             bool *present);

/* The member key of obj as a boolean: 1 or 0; -1 when absent or not a
   boolean (then with a diagnostic "\"KEY\" must be true or false, not
   TYPE").  */
int og_jload_bool (og_jload *c, json_t *obj, const char *key);

/* Is v a string of exactly 64 lower-case hex digits, a sha256 as
   base/digest.h writes it (og_is_sha256_hex)?  */
bool og_json_is_sha256 (const json_t *v);

#endif
