/* Allowed-content manifests, ocigate.manifest/v1: what a container may
   contain and how it may be launched.  Loading validates everything once
   (globs, version constraints, dates) and builds the indexes that the
   evaluation (policy.c) uses; nothing here reads the inspected tree.  The
   format is described in policy/ocigate.manifest.schema.json.  */
#ifndef OG_MANIFEST_H
#define OG_MANIFEST_H

#include "base/error.h"
#include "catalog/inventory.h"
#include "json/doc.h"
#include "catalog/pkgdb/pkgdb.h"
#include "base/strmap.h"

#define OG_MANIFEST_SCHEMA "ocigate.manifest/v1"

typedef enum og_cmp_op
{
  OG_CMP_EQ,
  OG_CMP_NE,
  OG_CMP_LT,
  OG_CMP_LE,
  OG_CMP_GT,
  OG_CMP_GE,
} og_cmp_op;

/* One term of a version constraint: "OP VERSION".  */
typedef struct og_vterm
{
  og_cmp_op op;
  char *version;
} og_vterm;

/* "TERM, TERM, ..." (all must hold).  */
typedef struct og_vconstraint
{
  og_vterm *terms;
  size_t n;
} og_vconstraint;

/* Parse ">= 1:1.0.2k, < 1:1.1"; a bare version means "=".  type 0 accepts a
   version that is valid in any ecosystem.  On error *why says what is
   expected.  */
int og_vconstraint_parse (const char *text, og_pkg_type type, og_vconstraint *out,
                          const char **why);
bool og_vconstraint_eval (const og_vconstraint *c, og_pkg_type type, const char *evr);
void og_vconstraint_clear (og_vconstraint *c);
const char *og_cmp_op_name (og_cmp_op op);

typedef enum og_switch
{
  OG_SWITCH_UNSET = 0,
  OG_SWITCH_ALLOW,
  OG_SWITCH_DENY,
} og_switch;

typedef struct og_pkg_rule
{
  size_t index;  /* position in its list, for "packages.deny[2]" */
  char *name;    /* name glob */
  char *version; /* the constraint as written, or NULL */
  og_vconstraint constraint;
  og_pkg_type type; /* 0: any */
  char *arch;       /* glob, or NULL */
} og_pkg_rule;

typedef struct og_exec_rule
{
  size_t index;
  char *path;   /* path glob */
  char *sha256; /* lower-case hex, or NULL */
} og_exec_rule;

/* Lists of rules indexed for lookups that do not scan every rule for the
   common shapes: literal names/paths (hash), DIR + "/" + "**" (hash of the
   directory, probed for each ancestor), "**" + "/NAME" (hash of basenames);
   other globs are scanned.  Each bucket holds rule indexes in list order.  */
typedef struct og_rule_index
{
  og_strmap exact;
  og_strmap dirs;
  og_strmap basenames;
  og_strmap globdirs; /* other path globs, by the literal directory before the first wildcard */
  size_t *globs;
  size_t n_globs;
} og_rule_index;

typedef struct og_pkg_rules
{
  og_pkg_rule *v;
  size_t n;
  og_rule_index idx;
} og_pkg_rules;

typedef struct og_exec_rules
{
  og_exec_rule *v;
  size_t n;
  og_rule_index idx;
} og_exec_rules;

typedef enum og_nnp
{
  OG_NNP_UNSET = 0,
  OG_NNP_FALSE,
  OG_NNP_TRUE,
  OG_NNP_WHEN_PRIVILEGED, /* required when the image has setuid/setgid files or file caps */
} og_nnp;

typedef struct og_exception
{
  size_t index;
  char *rule;    /* "executables.setuid", or "packages.deny[2]" */
  char *package; /* name glob, or NULL */
  char *path;    /* path glob, or NULL */
  char *expires; /* "YYYY-MM-DD" */
  char *reason;
} og_exception;

typedef struct og_manifest
{
  char *file;
  char *name;
  char sha256[65]; /* of the manifest's bytes */

  og_pkg_rules pkg_allow;
  og_pkg_rules pkg_deny;
  og_pkg_rules pkg_require;
  og_switch pkg_unlisted;

  og_exec_rules exec_allow;
  og_exec_rules exec_deny;
  og_switch exec_unlisted;
  og_switch unowned;
  og_switch modified;
  og_switch setuid;
  og_switch setgid;
  og_switch capabilities;

  int readonly_rootfs; /* -1 unset, 0, 1 */
  og_nnp no_new_privileges;
  bool has_bind_mounts;
  char **allowed_bind_mounts; /* path globs of host paths */
  size_t n_allowed_bind_mounts;

  long long max_packages; /* -1 unset */
  long long max_executables;

  og_exception *exceptions;
  size_t n_exceptions;
} og_manifest;

/* Load from bytes; `file` names the document in diagnostics.  Every problem
   found goes to diags (file:line:column, what is expected); returns -1 when
   there is any, with *err holding the first.  */
int og_manifest_load_buffer (const char *data, size_t len, const char *file, og_manifest **out,
                             og_diags *diags, og_error **err);
int og_manifest_load_file (const char *path, og_manifest **out, og_diags *diags, og_error **err);
void og_manifest_free (og_manifest *m);
static inline void
og_manifest_freep (og_manifest **m)
{
  og_manifest_free (*m);
}
#define cleanup_manifest __attribute__ ((cleanup (og_manifest_freep)))

/* Does any executable rule pin a sha256 (the inventory must then hash)?  */
bool og_manifest_needs_sha256 (const og_manifest *m);

/* Rules of a list whose pattern may match key, in no particular order.
   `certain` tells that the pattern matches key (literal, directory prefix
   and basename shapes); otherwise the caller still checks it with the glob.
   fn returns true to stop.  */
typedef bool (*og_candidate_fn) (size_t rule, bool certain, void *ud);
void og_rule_index_candidates (const og_rule_index *idx, const char *key, bool path,
                               og_candidate_fn fn, void *ud);

typedef enum og_gen_level
{
  OG_GEN_NAMES,
  OG_GEN_VERSIONS,
  OG_GEN_DIGESTS,
} og_gen_level;

int og_gen_level_parse (const char *s, og_gen_level *out);

/* A manifest that allows exactly inv: JSON text (indented), caller frees.  */
char *og_manifest_generate (const og_inventory *inv, og_gen_level level, const char *name);

#endif
