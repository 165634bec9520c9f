/* Audit records: one JSON line per hook decision (ocigate.audit/v1), written
   with yajl_gen and appended with one write() to a file opened O_APPEND, plus
   one syslog line.  crun throws hook output away, so these sinks are the
   only trail.  */
#ifndef OG_AUDIT_H
#define OG_AUDIT_H

#include "catalog/inventory.h"
#include "runtime/identity.h"
#include "runtime/oci.h"
#include "policy/evaluate.h"

#define OG_AUDIT_SCHEMA       "ocigate.audit/v1"
#define OG_AUDIT_MAX_FINDINGS 200

/* What the hook decided: the policy's verdict, or what on_error says when
   inspection failed.  */
typedef enum og_decision
{
  OG_DECISION_ALLOW,
  OG_DECISION_DENY,
  OG_DECISION_ERROR_ALLOW,
  OG_DECISION_ERROR_DENY,
} og_decision;

/* "allow" "deny" "error-allow" "error-deny", as the audit record writes it.  */
const char *og_decision_name (og_decision d);
og_decision og_decision_of_verdict (og_verdict v);

/* What the layer cache did for this inspection (catalog/cache.h).  */
typedef struct og_audit_cache
{
  const char *state; /* "hit" "miss" "off" "invalid" "unsupported" */
  const char *key;   /* the sha256 of the lower stack's key, or NULL */
  size_t layers;     /* lower layers */
  size_t records;    /* records in the entry used */
  size_t replayed;   /* directories replayed instead of walked */
  size_t entry_bytes;
  bool packages_cached; /* the packages came from the entry, not the databases */
  bool memo;            /* the hit memo answered (runtime/hitmemo.h) */
  const char *note;     /* why invalid or unsupported, or NULL */
} og_audit_cache;

typedef struct og_audit_record
{
  const char *stage;
  const og_oci_state *state;   /* may be NULL when stdin could not be read */
  const og_oci_config *config; /* may be NULL */
  const char *root;            /* the root filesystem inspected, or NULL */
  const char *manifest_name;   /* NULL: none */
  const char *manifest_path;
  const char *manifest_sha256;
  const char *mode; /* "enforce" | "audit" */
  og_decision decision;
  const char *would;                   /* audit mode: what enforce would have decided, else NULL */
  const char *error;                   /* the error message for error-* decisions */
  const og_policy_result *result;      /* may be NULL */
  const og_inventory_summary *summary; /* may be NULL */
  const char *inventory_sha256;
  /* what the inventory left out (mount points, the runtime's placeholders),
     listed so that nothing is hidden unsaid; may be NULL */
  const og_skipped *skipped;
  size_t n_skipped;
  long long duration_ms;
  /* the image and pod, where the runtime or its store says them; may be NULL */
  const og_image_identity *identity;
  const og_audit_cache *cache; /* NULL: no "cache" member */
} og_audit_record;

/* Format one record as a single line ending in '\n'.  */
char *og_audit_format (const og_audit_record *r, size_t *len);

/* Open (creating 0600, and its directory 0700 when missing) for appending.  */
int og_audit_open (const char *path, og_error **err);

/* Append a formatted line with a single write().  */
int og_audit_append (int fd, const char *path, const char *line, size_t len, og_error **err);

/* The current time as RFC 3339 UTC with milliseconds.  */
void og_audit_now (char buf[32]);

#endif
