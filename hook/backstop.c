/* The hook's backstop timers: a deadline that a blocking call outran (a
   stdin that never closes, a read that never returns) still ends in a
   record and a message, formatted in advance and written from the signal
   handler (runtime/sandbox.c).  A hook must never hang a container start.  */
#include "hook.h"
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

/* The record and the message of a hook stopped at the host config's deadline.  */
static void
format_backstop (const hook *h, size_t *len)
{
  bool deny = h->cfg->on_error_deny;
  og_audit_record r;
  char *line, *msg;

  hook_audit_record (h, &r, deny ? OG_DECISION_ERROR_DENY : OG_DECISION_ERROR_ALLOW, NULL,
                     "no decision before the deadline: the hook was stopped");
  r.duration_ms = h->cfg->deadline_ms;
  line = og_audit_format (&r, len);
  msg = og_xasprintf ("ocigate: container %s: no decision within %lld ms; on_error is %s, so the "
                      "launch %s\n",
                      h->have_state ? h->state.id : "(unknown)", h->cfg->deadline_ms,
                      deny ? "deny" : "allow", deny ? "is stopped" : "goes on");
  og_deadline_backstop_update (h->audit_fd, line, *len, msg);
  replace (line, msg);
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

  format_backstop (h, &len);
  og_deadline_backstop (ms, h->audit_fd, backstop_line, len, backstop_msg,
                        h->cfg->on_error_deny ? 1 : 0, NULL);
}

void
hook_update_backstop (const hook *h)
{
  size_t len = 0;
  format_backstop (h, &len);
}

void
hook_backstop_free (void)
{
  replace (NULL, NULL);
}
