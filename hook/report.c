/* What the hook tells: the audit record (one ocigate.audit/v1 line), the
   syslog line, and the paragraph on stderr that the runtime shows when the
   launch is denied.  crun throws hook output away: the sinks are the trail.  */
#include <fcntl.h>
#include <sys/stat.h>
#include <syslog.h>

#include "hook.h"
#include "base/text.h"

#define SHOW_FINDINGS 5

static int
facility_of (const char *name)
{
  return name && strcmp (name, "daemon") == 0 ? LOG_DAEMON : LOG_AUTHPRIV;
}

/* Connect syslog now (LOG_NDELAY): in the sandbox no socket can be made.
   Returns the socket's fd, or -1 when there is no syslog daemon (syslog()
   then tries to connect again, which the sandbox refuses: the line is
   dropped).  The socket takes the lowest free fd (POSIX, "Allocation of File
   Descriptors"), which is found beforehand and checked afterwards.  */
static int
open_syslog (int facility)
{
  int next = fcntl (STDERR_FILENO, F_DUPFD_CLOEXEC, 0);
  struct stat st;

  if (next >= 0)
    close (next);
  openlog ("ocigate", LOG_PID | LOG_NDELAY, facility);
  if (next >= 0 && fstat (next, &st) == 0 && S_ISSOCK (st.st_mode))
    return next;
  return -1;
}

/* Open the sinks before the sandbox: afterwards nothing can be opened for
   writing.  */
void
hook_open_sinks (hook *h)
{
  cleanup_error og_error *err = NULL;

  h->audit_path = h->cfg ? h->cfg->audit_file : h->fallback_audit;
  if (h->audit_path)
    {
      h->audit_fd = og_audit_open (h->audit_path, &err);
      if (h->audit_fd < 0)
        {
          cleanup_free char *msg = og_text_escaped (err->msg);
          fprintf (stderr, "ocigate-hook: %s\n", msg);
        }
    }
  if (h->cfg == NULL || h->cfg->audit_syslog)
    {
      h->syslog_fd = open_syslog (facility_of (h->cfg ? h->cfg->syslog_facility : NULL));
      h->syslog_open = true;
    }
}

void
hook_close_sinks (hook *h)
{
  if (h->syslog_open)
    closelog ();
  h->syslog_open = false;
  h->syslog_fd = -1;
  og_closep (&h->audit_fd);
  h->audit_fd = -1;
}

int
hook_max_out_fd (const hook *h)
{
  int m = STDERR_FILENO;
  if (h->audit_fd > m)
    m = h->audit_fd;
  if (h->syslog_fd > m)
    m = h->syslog_fd;
  return m;
}

static long long
elapsed_ms (const hook *h)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec - h->t0.tv_sec) * 1000LL + (now.tv_nsec - h->t0.tv_nsec) / 1000000L;
}

void
hook_audit_record (const hook *h, og_audit_record *r, og_decision decision, const char *would,
                   const char *error)
{
  *r = (og_audit_record){
    .stage = h->stage,
    .state = h->have_state ? &h->state : NULL,
    .config = h->have_oci ? &h->oci : NULL,
    .root = h->root,
    .manifest_path = h->manifest_path,
    .manifest_name = h->manifest ? h->manifest->name : NULL,
    .manifest_sha256 = h->manifest ? h->manifest->sha256 : NULL,
    .mode = h->mode ? og_mode_name (h->mode) : NULL,
    .decision = decision,
    .would = would,
    .error = error,
    .result = h->have_res ? &h->res : NULL,
    .summary = h->have_inv ? &h->inv.summary : NULL,
    .inventory_sha256 = h->inv_sha256[0] ? h->inv_sha256 : NULL,
    .skipped = h->have_inv ? h->inv.skipped : NULL,
    .n_skipped = h->have_inv ? h->inv.n_skipped : 0,
    .duration_ms = elapsed_ms (h),
    .cache = hook_cache_audit (h), /* layer cache (issue 16) */
  };
}

/* Text from the image, the state or an error message, escaped
   (base/text.h) so that one line on stderr or in syslog is one record: a
   name holding a newline or ESC cannot forge a line such as "ocigate:
   launch allowed".  */
static void
put_safe (og_buf *b, const char *s)
{
  og_text_escape (b, s ? s : "");
}

static void
describe_denial (const hook *h, og_decision decision, const char *error)
{
  og_buf b = { 0 };
  cleanup_free char *text = NULL;

  og_buf_puts (&b, "ocigate: container ");
  put_safe (&b, h->have_state ? h->state.id : "(unknown)");
  og_buf_printf (&b, ": launch denied (%s)", og_decision_name (decision));
  if (h->manifest_path)
    {
      og_buf_puts (&b, " by manifest ");
      if (h->manifest)
        {
          og_buf_putc (&b, '"');
          put_safe (&b, h->manifest->name);
          og_buf_puts (&b, "\" ");
        }
      put_safe (&b, h->manifest_path);
    }
  og_buf_puts (&b, ".\n");
  if (error)
    {
      og_buf_puts (&b, "  error: ");
      put_safe (&b, error);
      og_buf_putc (&b, '\n');
    }
  if (h->have_res)
    {
      for (size_t i = 0; i < h->res.n && i < SHOW_FINDINGS; i++)
        {
          og_buf_puts (&b, "  ");
          put_safe (&b, h->res.findings[i].rule);
          og_buf_puts (&b, ": ");
          put_safe (&b, h->res.findings[i].subject);
          og_buf_puts (&b, ": ");
          put_safe (&b, h->res.findings[i].reason);
          og_buf_putc (&b, '\n');
        }
      if (h->res.n > SHOW_FINDINGS)
        og_buf_printf (&b, "  ... and %zu more finding%s\n", h->res.n - SHOW_FINDINGS,
                       h->res.n - SHOW_FINDINGS == 1 ? "" : "s");
    }
  if (h->audit_path)
    {
      og_buf_puts (&b, "  full record: ");
      put_safe (&b, h->audit_path);
      og_buf_putc (&b, '\n');
    }
  text = og_buf_steal (&b);
  fputs (text, stderr);
}

/* One syslog record, escaped as the stderr paragraph is.  */
static void
log_decision (const hook *h, const og_audit_record *r, og_decision decision, const char *error)
{
  og_buf b = { 0 };
  cleanup_free char *text = NULL;

  og_buf_puts (&b, "container=");
  put_safe (&b, h->have_state ? h->state.id : "-");
  og_buf_printf (&b, " decision=%s mode=%s manifest=", og_decision_name (decision),
                 r->mode ? r->mode : "-");
  put_safe (&b, h->manifest_path ? h->manifest_path : "-");
  og_buf_printf (&b, " findings=%zu", h->have_res ? h->res.n : (size_t)0);
  if (error)
    {
      og_buf_puts (&b, " error=");
      put_safe (&b, error);
    }
  text = og_buf_steal (&b);
  syslog (decision == OG_DECISION_ALLOW ? LOG_INFO : LOG_WARNING, "%s", text);
}

static void
record (const hook *h, og_decision decision, const char *would, const char *error)
{
  og_audit_record r;
  cleanup_error og_error *err = NULL;
  cleanup_free char *line = NULL;
  size_t len = 0;

  hook_audit_record (h, &r, decision, would, error);
  line = og_audit_format (&r, &len);
  if (line && h->audit_fd >= 0 && og_audit_append (h->audit_fd, h->audit_path, line, len, &err) < 0)
    {
      cleanup_free char *msg = og_text_escaped (err->msg);
      fprintf (stderr, "ocigate-hook: %s\n", msg);
    }
  if (h->syslog_open)
    log_decision (h, &r, decision, error);
}

static int
report_error (hook *h, const og_error *err, bool on_error_deny)
{
  og_decision decision = on_error_deny ? OG_DECISION_ERROR_DENY : OG_DECISION_ERROR_ALLOW;

  record (h, decision, NULL, err->msg);
  if (on_error_deny)
    describe_denial (h, decision, err->msg);
  else
    {
      cleanup_free char *id = og_text_escaped (h->have_state ? h->state.id : "(unknown)");
      cleanup_free char *msg = og_text_escaped (err->msg);
      fprintf (stderr, "ocigate: container %s: %s; on_error is allow, the launch goes on\n", id,
               msg);
    }
  return on_error_deny ? 1 : 0;
}

int
hook_report (hook *h, const og_error *err, bool on_error_deny)
{
  og_verdict verdict;

  if (err)
    return report_error (h, err, on_error_deny);
  verdict = h->have_res ? og_policy_verdict (&h->res) : OG_VERDICT_ALLOW;
  if (h->mode == OG_MODE_AUDIT)
    {
      record (h, OG_DECISION_ALLOW, og_verdict_name (verdict), NULL);
      return 0;
    }
  record (h, og_decision_of_verdict (verdict), NULL, NULL);
  if (verdict == OG_VERDICT_ALLOW)
    return 0;
  describe_denial (h, og_decision_of_verdict (verdict), NULL);
  return 1;
}
