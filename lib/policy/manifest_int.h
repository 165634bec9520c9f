/* What the manifest loader's files share (manifest.c: the sections and the
   document; manifest_rules.c: the rule lists).  Internal to policy/.  */
#ifndef OG_POLICY_MANIFEST_INT_H
#define OG_POLICY_MANIFEST_INT_H

#include "json/load.h"
#include "policy/manifest.h"

typedef struct ctx
{
  og_jload *j;
  og_manifest *m;
} ctx;

#define DIAG(c, key, ...)                    og_jload_diag ((c)->j, (key), __VA_ARGS__)
#define DIAG_AT(c, name, ...)                og_jload_diag_at ((c)->j, (name), __VA_ARGS__)
#define push(c, name)                        og_jload_push ((c)->j, (name))
#define push_index(c, i)                     og_jload_push_index ((c)->j, (i))
#define pop(c, save)                         og_jload_pop ((c)->j, (save))
#define check_keys(c, obj, allowed, what)    og_jload_check_keys ((c)->j, (obj), (allowed), (what))
#define expect_type(c, v, t, what, expected) og_jload_expect ((c)->j, (v), (t), (what), (expected))
#define json_type_name                       og_json_type_name

/* "allow" | "deny" at parent.key (absent: the default, allow).  */
og_switch og_mload_switch (ctx *c, json_t *parent, const char *key, const char *what);
/* A switch that may instead pin the exact set (privset.c): DENY when pinned.  */
og_switch og_mload_priv (ctx *c, json_t *parent, const char *key, const char *what, bool caps,
                         og_priv_set *s);
void og_priv_set_clear (og_priv_set *s);
/* A glob string, checked; NULL after a diagnostic.  */
char *og_mload_glob (ctx *c, json_t *v, bool path, const char *what);
/* The glob at obj.key, read with the pointer at it; NULL when absent (then
 *present, when given, is false) or after a diagnostic.  */
char *og_mload_member_glob (ctx *c, json_t *obj, const char *key, bool path, bool *present);
/* Walk parent.key, an array (else the diagnostic "\"KEY\" must be
   EXPECTED, not TYPE"), calling add for each entry with its pointer pushed.
   Absent: nothing.  */
typedef void (*og_mload_add) (ctx *c, json_t *e, size_t i, void *out);
void og_mload_each (ctx *c, json_t *parent, const char *key, const char *expected,
                    og_mload_add add, void *out);
void og_mload_pkg_rule_clear (og_pkg_rule *r);
void og_mload_exec_rule_clear (og_exec_rule *r);
/* parent.key, an array of package (executable) entries, into out.  */
void og_mload_pkg_list (ctx *c, json_t *parent, const char *key, og_pkg_rules *out);
void og_mload_exec_list (ctx *c, json_t *parent, const char *key, og_exec_rules *out);

#endif
