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
  OG_SUBJECT_INSPECTION, /* rule "inspection": the path or item not inspected, or the root */
} og_subject_kind;

/* The rule of every finding about the inspection itself.  */
#define OG_RULE_INSPECTION "inspection"

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
   required packages, executables (inventory order), launch, limits, and
   then what og_policy_judge_skipped and og_policy_add_inspection add.  */
int og_policy_evaluate (const og_manifest *m, const og_inventory *inv,
                        const og_launch_facts *launch, const char *today, og_policy_result *out,
                        og_error **err);
void og_policy_result_clear (og_policy_result *r);
#define cleanup_policy_result __attribute__ ((cleanup (og_policy_result_clear)))

/* An `inspection` finding: the inspection of an opened root could not be
   completed (a limit reached on the image's content, malformed content, the
   deadline passing while walking or hashing).  subject: the path or item
   concerned, or the root; reason: one line saying which limit, where and
   what to do.  No exception waives it: the inventory it would excuse is not
   whole.  r may be a zeroed result or one og_policy_evaluate filled.  */
void og_policy_add_inspection (og_policy_result *r, const char *subject, const char *reason);
/* The same for an inspection that failed with err: subject its subject (or
   "/"), reason its message and what to do about that kind of failure; also
   (may be NULL) is a second failure's message, appended.  The one wording of
   the hook's and ocigate check's inspection findings.  */
void og_policy_add_inspection_error (og_policy_result *r, const og_error *err, const char *also);

/* Judge one thing the walk left out without looking inside: a mount point
   directory that was listed but not entered, or a file on another mount
   (inventory.h og_skipped with the reason "mount"; path as the inventory
   writes it, mode its st_mode).  Unless the manifest vouches for it, an
   `inspection` finding with that path as its subject is added to out.  The
   manifest vouches for it when a current exception {"rule": "inspection",
   "path": P} names exactly that path (P is a literal path, see
   ocigate-manifest(5)), or when the manifest judges no content at all (no
   packages or executables rule, switch or limit that could deny anything),
   so that what is hidden there cannot change the verdict.  today as for
   og_policy_evaluate.  The caller passes only what the walk did not see:
   a subtree the hook excluded because it is a runtime's empty placeholder
   (reason "excluded") holds no image content and is not judged.  */
void og_policy_judge_skipped (const og_manifest *m, const char *today, const char *path,
                              uint32_t mode, og_policy_result *out);

/* og_policy_judge_skipped for each thing inv->skipped lists with the reason
   OG_SKIPPED_MOUNT, in walk order.  The hook calls it after
   og_policy_evaluate: at launch, what it could not see denies unless
   vouched for; the offline verbs only count and list what they skipped.  */
void og_policy_evaluate_skipped (const og_manifest *m, const og_inventory *inv, const char *today,
                                 og_policy_result *out);

/* The verdict of a policy result: allow when there is no finding.  */
typedef enum og_verdict
{
  OG_VERDICT_ALLOW,
  OG_VERDICT_DENY,
} og_verdict;

og_verdict og_policy_verdict (const og_policy_result *r);
const char *og_verdict_name (og_verdict v); /* "allow" "deny" */

/* The current UTC date "YYYY-MM-DD" into buf (11 bytes).  */
void og_policy_today (char buf[11]);

#endif
