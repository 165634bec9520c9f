/* Allowed-content manifests, ocigate.manifest/v1: what a container may
   contain and how it may be launched.  Loading validates everything once
   (globs, version constraints, dates) and builds the indexes that the
   evaluation (evaluate.c) uses; nothing here reads the inspected tree.  The
   format is described in policy/ocigate.manifest.schema.json.  Version
   constraints are catalog/constraint.h, rule indexes rule_index.h and
   generation from an inventory generate.h.  */
#ifndef OG_MANIFEST_H
#define OG_MANIFEST_H

#include "base/error.h"
#include "catalog/constraint.h"
#include "catalog/inventory.h"
#include "json/doc.h"
#include "catalog/pkgdb/pkgdb.h"
#include "base/strmap.h"
#include "policy/rule_index.h"

#define OG_MANIFEST_SCHEMA "ocigate.manifest/v1"

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
  bool with_deps;   /* require only: and every dependency of its closure installed */
} og_pkg_rule;

typedef struct og_exec_rule
{
  size_t index;
  char *path;   /* path glob */
  char *sha256; /* lower-case hex, or NULL */
} og_exec_rule;

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

/* The exact setuid, setgid or file-capability set a golden image pins:
   "setuid": ["/usr/bin/su", ...] or "capabilities": {"/usr/bin/ping":
   "cap_net_raw=ep"}.  A pinned set makes the switch deny for every file it
   does not name (and, for capabilities, every other capability text).  */
typedef struct og_priv_pin
{
  char *path; /* path glob */
  char *caps; /* capabilities only: the exact text, as the inventory gives it */
} og_priv_pin;

typedef struct og_priv_set
{
  bool pinned;
  og_priv_pin *v;
  size_t n;
} og_priv_set;

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
  char *sha256; /* of the manifest's bytes, lower-case hex */

  og_pkg_rules pkg_allow;
  og_pkg_rules pkg_deny;
  og_pkg_rules pkg_require;
  og_switch pkg_unlisted;
  og_switch missing_files; /* a file a package installed is gone */
  bool require_database;   /* "database": "required": a root without one is a finding */

  og_exec_rules exec_allow;
  og_exec_rules exec_deny;
  og_switch exec_unlisted;
  og_switch unowned;
  og_switch modified;
  og_switch setuid;
  og_switch setgid;
  og_switch capabilities;
  og_priv_set setuid_set; /* pinned when the manifest lists the files */
  og_priv_set setgid_set;
  og_priv_set caps_set;

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
OG_DEFINE_FREEP (og_manifest, og_manifest_free)
#define cleanup_manifest __attribute__ ((cleanup (og_manifest_freep)))

/* Does the switch's pinned set allow this file (path, and for capabilities
   the exact text)?  An unpinned set allows nothing.  When the path is in the
   set but the capability text differs, *pinned_caps is the pinned text.  */
bool og_priv_set_allows (const og_priv_set *s, const char *path, const char *caps,
                         const char **pinned_caps);

typedef enum og_priv_kind
{
  OG_PRIV_SETUID,
  OG_PRIV_SETGID,
  OG_PRIV_CAPS,
  OG_PRIV_KINDS,
} og_priv_kind;

/* "executables.setuid", ... for the kind.  */
const char *og_priv_rule (og_priv_kind k);
/* The finding's reason when e's setuid bit (setgid bit, capabilities) is
   what the manifest's switch or pinned set denies; NULL when it is not.  */
char *og_priv_violation (const og_manifest *m, const og_exec *e, og_priv_kind k);

/* Does a require rule ask for its dependencies ("with_dependencies")?  The
   inventory must then be built with OG_INV_DEPS (catalog/deps.h); without
   its graph such a rule is a finding, never a silent pass.  */
bool og_manifest_needs_deps (const og_manifest *m);

/* The reason a required package's dependency closure is incomplete: a
   package in it with a dependency that nothing installed satisfies; NULL
   when every dependency resolves (closure.c).  */
char *og_require_closure_violation (const og_pkglist *pkgs, const og_depgraph *g, size_t pkg);

/* Does any executable rule pin a sha256 (the inventory must then hash)?  */
bool og_manifest_needs_sha256 (const og_manifest *m);
/* Does the manifest judge packaged files against their databases
   ("modified" or "missing_files" deny)?  The inventory must then be built
   with OG_INV_VERIFY; a manifest that does not ask pays nothing.  */
bool og_manifest_needs_verify (const og_manifest *m);

#endif
