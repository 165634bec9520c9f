/* The policy step: (inventory, manifest, launch facts) -> findings ->
   verdict.  A pure function: it never reads the inspected tree.  */
#ifndef OG_POLICY_H
#define OG_POLICY_H

#include "catalog/inventory.h"
#include "policy/manifest.h"

/* How the container is launched, from the OCI config.json (cli/check.c
   --oci-config, or the hook from the bundle).  */
typedef struct og_launch_facts
{
  bool known; /* false: no config was given; launch rules are not evaluated */
  bool readonly_rootfs;
  bool no_new_privileges;
  char **bind_sources; /* host paths of bind mounts */
  size_t n_bind_sources;
} og_launch_facts;

void og_launch_facts_clear (og_launch_facts *f);
#define cleanup_launch_facts __attribute__ ((cleanup (og_launch_facts_clear)))
typedef enum og_subject_kind
{
  OG_SUBJECT_PACKAGE,
  OG_SUBJECT_EXECUTABLE,
  OG_SUBJECT_LAUNCH,
  OG_SUBJECT_LIMIT,
  OG_SUBJECT_INSPECTION, /* the inspection itself could not be completed */
} og_subject_kind;

typedef struct og_finding
{
  char *rule;    /* "packages.deny[2]", "executables.unlisted", ... */
  char *subject; /* package NEVRA, path, or launch/limit item */
  char *reason;  /* one line */
  og_subject_kind kind;
  char *expired_exception; /* expires date of a lapsed exception that would have waived it */
} og_finding;

typedef struct og_waiver
{
  char *rule;
  char *subject;
  size_t exception; /* index in the manifest's exceptions */
} og_waiver;

typedef struct og_policy_result
{
  og_finding *findings;
  size_t n;
  size_t cap;
  og_waiver *waived; /* findings suppressed by a current exception */
  size_t n_waived;
  size_t cap_waived;
} og_policy_result;

/* today is "YYYY-MM-DD" (exceptions whose expires is before it have lapsed).
   launch may be NULL.  Findings come packages first (inventory order), then
   required packages, executables (inventory order), launch, limits.  */
int og_policy_evaluate (const og_manifest *m, const og_inventory *inv,
                        const og_launch_facts *launch, const char *today, og_policy_result *out,
                        og_error **err);
void og_policy_result_clear (og_policy_result *r);
#define cleanup_policy_result __attribute__ ((cleanup (og_policy_result_clear)))

/* The verdict of a policy result: allow when there is no finding.  */
typedef enum og_verdict
{
  OG_VERDICT_ALLOW,
  OG_VERDICT_DENY,
} og_verdict;

og_verdict og_policy_verdict (const og_policy_result *r);

/* Add a finding with rule "inspection": the content could not be inspected
   whole (a limit reached, malformed content, the deadline), so it cannot be
   vouched for.  subject is the path concerned or "/"; reason says what and
   what to do.  */
void og_policy_add_inspection (og_policy_result *r, const char *subject, const char *reason);
const char *og_verdict_name (og_verdict v); /* "allow" "deny" */

/* The current UTC date "YYYY-MM-DD" into buf (11 bytes).  */
void og_policy_today (char buf[11]);

#endif
