/* ocigate-hook's one state: main.c fills the options, run.c what it learns
   about the container, report.c and backstop.c write it out.  */
#ifndef OG_HOOK_H
#define OG_HOOK_H

#include <time.h>

#include "base/digest.h"
#include "base/error.h"
#include "catalog/inventory.h"
#include "policy/evaluate.h"
#include "policy/hostconfig.h"
#include "policy/manifest.h"
#include "runtime/audit.h"
#include "runtime/identity.h"
#include "runtime/oci.h"
#include "source/source.h"
#include "og-config.h"

/* OG_SYSCONFDIR is prefix/sysconfdir: /etc for the packages (prefix /usr).  */
#define HOOK_DEFAULT_CONFIG OG_SYSCONFDIR "/ocigate/ocigate.json"
#define HOOK_DEFAULT_AUDIT  "/var/log/ocigate/audit.jsonl"
#define HOOK_DEFAULT_SYSLOG "/dev/log"

/* Where the hook is in its flow; a failure records the phase it happened in.  */
typedef enum hook_phase
{
  HOOK_PHASE_CONFIG = 1, /* loading the host config */
  HOOK_PHASE_STATE,      /* reading the OCI state on stdin */
  HOOK_PHASE_BUNDLE,     /* reading BUNDLE/config.json */
  HOOK_PHASE_SANDBOX,    /* entering the sandbox */
  HOOK_PHASE_ROOT,       /* opening the container's root */
  HOOK_PHASE_MANIFEST,   /* loading the manifest the host config picks */
  /* From here on a failure is the content's doing (a limit, malformed
     content, the deadline while walking or hashing): an "inspection"
     finding, never on_error.  */
  HOOK_PHASE_INSPECT,
  HOOK_PHASE_DONE,
} hook_phase;

typedef struct hook
{
  /* options */
  const char *config_path;
  const char *stage;
  bool fallback_deny;         /* on_error when the host config cannot be loaded */
  const char *fallback_audit; /* audit file when the host config cannot be loaded */
  /* what we learn */
  hook_phase phase; /* where the flow is, or where it failed */
  og_hostconfig *cfg;
  og_oci_state state;
  bool have_state;
  og_oci_config oci;
  bool have_oci;
  char *root;
  og_image_identity identity; /* the container's image and pod, where known */
  og_mode mode;
  bool selected; /* the host config's rules have picked manifest_path and mode */
  char *manifest_path;
  og_manifest *manifest;
  /* a hit memo answered (cache.c): the manifest it was made with, which
     was then not loaded */
  char *memo_manifest_name;
  char *memo_manifest_sha256;
  og_inventory inv;
  bool have_inv;
  og_policy_result res;
  bool have_res;
  og_sha256_hex inv_sha256;
  /* the normalised mount destinations: the empty placeholder file at one is
     left out of the inventory (and listed in its skipped) */
  char **placeholders;
  size_t n_placeholders;
  /* the sinks, opened before the sandbox */
  int audit_fd;
  const char *audit_path; /* NULL: the host config asks for no audit file */
  og_error *audit_err;    /* why the record cannot be (or was not) written, or NULL */
  bool recorded;          /* the record is in the audit file */
  bool record_is_error;   /* the missing record is the error the decision reports */
  bool syslog_wanted;
  int syslog_fd;        /* the syslog daemon's socket, connected, or -1 */
  og_error *syslog_err; /* why there is no syslog socket or the line was not sent */
  struct timespec t0;
  struct hook_cache *cache; /* the layer cache (cache.c), or NULL when off */
} hook;

/* run.c: the whole flow, from the host config to the decision; returns the
   exit code.  */
int hook_run (hook *h);

/* report.c */
void hook_open_sinks (hook *h);
void hook_close_sinks (hook *h);
/* text with the phrases podman turns into "command not found" said in
   other words (report.c); the caller frees.  */
char *hook_runtime_safe (const char *text);
/* The syslog socket the host config names, or /dev/log.  */
const char *hook_syslog_path (const hook *h);
/* The highest fd the hook writes to after the sandbox is in place.  */
int hook_max_out_fd (const hook *h);
/* Fill r from what h knows: the one place an audit record is put together.  */
void hook_audit_record (const hook *h, og_audit_record *r, og_decision decision, const char *would,
                        const char *error);
/* Record the outcome (audit file, syslog) and tell the runtime (stderr);
   returns the exit code.  err is the failure, or NULL.  */
int hook_report (hook *h, const og_error *err, bool on_error_deny);

/* syslog.c: the RFC 5424 line of a decision.  */
typedef struct hook_syslog_facts
{
  og_decision decision;
  const char *would;    /* audit mode: what enforce would decide, else NULL */
  const char *facility; /* "authpriv" (NULL) or "daemon" */
  const char *mode, *container, *image, *manifest;
  size_t findings;
  const char *first;  /* "RULE: SUBJECT" of the first finding, or NULL */
  const char *error;  /* the error of an error-* decision, or NULL */
  const char *record; /* "written", "failed" or "none" */
  const char *text;   /* MSG: the same facts as one escaped line, or NULL */
} hook_syslog_facts;
/* Connect a datagram socket to the syslog daemon at path; returns the fd.  */
int hook_syslog_open (const char *path, og_error **err);
/* The constant event id (MSGID) of a decision: OG-ALLOW, OG-AUDIT-DENY,
   OG-DENY, OG-ERROR-ALLOW, OG-ERROR-DENY.  */
const char *hook_event_id (og_decision decision, const char *would);
char *hook_syslog_format (const hook_syslog_facts *f, size_t *len);
int hook_syslog_send (int fd, const char *line, size_t len, og_error **err);

/* report.c: the container's image name (its identity), or NULL.  */
const char *hook_image_name (const hook *h);

/* cache.c: the layer cache of an overlay root (issue 16).  prepare runs
   before the sandbox; build makes the first inventory through it.  */
void hook_cache_prepare (hook *h);
int hook_cache_max_fd (const hook *h);
bool hook_cache_usable (const hook *h);
/* flags: what the manifest asks of the inventory (verification, the
   dependency graph) beside the walk, which the cache replays.  */
int hook_cache_build (hook *h, og_source *src, unsigned flags, og_error **err);
/* The hit memo (runtime/hitmemo.h): whether the stack's memo answers for
   the manifest whose file has manifest_sha256, the inputs of this launch
   over src being those it was made with (filling h's inventory digest,
   summary, skipped and result); or, after a hit or a miss that made the
   entry was inspected and evaluated, keep its memo (content: the
   inspection verified the packaged files, so the inputs hold the identity
   of every regular file of the upper layer).  */
bool hook_cache_memo_use (hook *h, og_source *src, const char *manifest_sha256);
void hook_cache_memo_keep (hook *h, og_source *src, bool content);
const og_audit_cache *hook_cache_audit (const hook *h);

/* backstop.c */
void hook_arm_startup_backstop (const hook *h);
void hook_arm_backstop (const hook *h);
/* What the armed backstop writes, now that the container is known.  */
void hook_update_backstop (const hook *h);

#endif
