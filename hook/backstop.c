/* The hook's backstop timers: a deadline that a blocking call outran (a
   stdin that never closes, a read that never returns) still ends in a
   record and a message, formatted in advance and written from the signal
   handler (runtime/sandbox.c).  A hook must never hang a container start.  */
#include "hook.h"
#include "base/text.h"
#include "runtime/sandbox.h"

#define STARTUP_BACKSTOP_MS 10000

/* What the armed backstop writes; it holds the pointers, so they live here
   until the next update or the end.  */
static char *backstop_line;
static char *backstop_msg;

static void
replace (char *line, char *msg)
{
  free (backstop_line);
  free (backstop_msg);
  backstop_line = line;
  backstop_msg = msg;
}

/* The record and the message of a hook stopped at the host config's
   deadline before the container's root was opened: on_error decides.  */
static int
format_operational (const hook *h, size_t *len)
{
  bool deny = h->cfg->on_error_deny;
  og_audit_record r;
  char *line, *msg;

  hook_audit_record (h, &r, deny ? OG_DECISION_ERROR_DENY : OG_DECISION_ERROR_ALLOW, NULL,
                     "no decision before the deadline: the hook was stopped");
  r.duration_ms = h->cfg->deadline_ms;
  line = og_audit_format (&r, len);
  {
    cleanup_free char *id = og_text_escaped (h->have_state ? h->state.id : "(unknown)");
    msg = og_xasprintf ("ocigate: container %s: no decision within %lld ms; on_error is %s, so "
                        "the launch %s\n",
                        id, h->cfg->deadline_ms, deny ? "deny" : "allow",
                        deny ? "is stopped" : "goes on");
  }
  replace (line, msg);
  return deny ? 1 : 0;
}

/* Once the root is open, a blocking call on the image's content (a read
   that never returns, hashing a huge file) is the content's doing: an
   "inspection" finding, a deny in enforce mode whatever on_error says.  */
static int
format_inspection (const hook *h, size_t *len)
{
  bool audit = h->mode == OG_MODE_AUDIT;
  cleanup_policy_result og_policy_result res = { 0 };
  cleanup_free char *reason = NULL;
  og_audit_record r;
  char *line, *msg;

  reason = og_xasprintf ("the inspection of `%s` did not end within deadline_ms (%lld ms) and the "
                         "hook was stopped; make the image smaller, or raise deadline_ms in the "
                         "host config if such images are expected",
                         h->root ? h->root : "(unknown)", h->cfg->deadline_ms);
  og_policy_add_inspection (&res, "/", reason);
  hook_audit_record (h, &r, audit ? OG_DECISION_ALLOW : OG_DECISION_DENY, audit ? "deny" : NULL,
                     NULL);
  r.result = &res;
  r.summary = NULL;
  r.inventory_sha256 = NULL;
  r.duration_ms = h->cfg->deadline_ms;
  line = og_audit_format (&r, len);
  {
    cleanup_free char *id = og_text_escaped (h->have_state ? h->state.id : "(unknown)");
    msg = audit ? og_xasprintf ("ocigate: container %s: the inspection did not end within %lld ms "
                                "(audit mode: enforce would deny); the launch goes on\n",
                                id, h->cfg->deadline_ms)
                : og_xasprintf ("ocigate: container %s: launch denied (deny).\n  inspection: /: "
                                "the inspection did not end within %lld ms\n%s%s%s",
                                id, h->cfg->deadline_ms,
                                h->audit_fd >= 0 ? "  full record: "
                                : h->audit_path  ? "  no record was written: "
                                                 : "",
                                h->audit_fd >= 0                ? h->audit_path
                                : h->audit_path && h->audit_err ? h->audit_err->msg
                                                                : "",
                                h->audit_path ? "\n" : "");
  }
  replace (line, msg);
  return audit ? 0 : 1;
}

/* No launch without a record: when the audit file could not be opened, a
   backstop that would let the launch go on follows on_error instead.  */
static int
unrecorded (const hook *h, int code)
{
  bool deny = h->cfg->on_error_deny;
  cleanup_free char *id = NULL, *why = NULL;
  char *msg;

  if (h->audit_fd >= 0 || h->audit_path == NULL || code != 0)
    return code;
  id = og_text_escaped (h->have_state ? h->state.id : "(unknown)");
  why = og_text_escaped (h->audit_err ? h->audit_err->msg : h->audit_path);
  msg = og_xasprintf ("%socigate: container %s: no audit record could be written: %s; "
                      "on_error is %s, so the launch %s\n",
                      backstop_msg, id, why, deny ? "deny" : "allow",
                      deny ? "is stopped" : "goes on");
  free (backstop_msg);
  backstop_msg = hook_runtime_safe (msg);
  free (msg);
  return deny ? 1 : 0;
}

static int
format_backstop (const hook *h, size_t *len)
{
  int code
      = h->phase >= HOOK_PHASE_INSPECT ? format_inspection (h, len) : format_operational (h, len);
  code = unrecorded (h, code);
  og_deadline_backstop_update (h->audit_fd, backstop_line, *len, backstop_msg, code);
  return code;
}

/* Before anything is known: --on-error decides.  */
void
hook_arm_startup_backstop (const hook *h)
{
  replace (NULL, og_xasprintf ("ocigate: no decision within %d ms (reading the OCI state or the "
                               "host config); --on-error is %s\n",
                               STARTUP_BACKSTOP_MS, h->fallback_deny ? "deny" : "allow"));
  og_deadline_backstop (STARTUP_BACKSTOP_MS, -1, NULL, 0, backstop_msg, h->fallback_deny ? 1 : 0,
                        NULL);
}

/* The host config is loaded: its deadline (and a second of grace) from now on.  */
void
hook_arm_backstop (const hook *h)
{
  size_t len = 0;
  long long ms = h->cfg->deadline_ms + 1000;
  int code = format_backstop (h, &len);

  og_deadline_backstop (ms, h->audit_fd, backstop_line, len, backstop_msg, code, NULL);
}

void
hook_update_backstop (const hook *h)
{
  size_t len = 0;
  format_backstop (h, &len);
}
