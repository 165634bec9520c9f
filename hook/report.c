/* What the hook tells: the audit record (one ocigate.audit/v1 line), the
   syslog line, and the paragraph on stderr that the runtime shows when the
   launch is denied.  crun throws hook output away: the sinks are the trail.  */
#include <strings.h>

#include "hook.h"
#include "base/text.h"

#define SHOW_FINDINGS 5

const char *
hook_image_name (const hook *h)
{
  return h->identity.name;
}

/* Open the sinks before the sandbox: afterwards nothing can be opened for
   writing and no socket made.  What fails here is kept, not printed: the
   decision says it (no launch without a record).  */
void
hook_open_sinks (hook *h)
{
  h->audit_path = h->cfg ? h->cfg->audit_file : h->fallback_audit;
  if (h->audit_path)
    h->audit_fd = og_audit_open (h->audit_path, &h->audit_err);
  h->syslog_wanted = h->cfg == NULL || h->cfg->audit_syslog;
  if (h->syslog_wanted)
    h->syslog_fd = hook_syslog_open (hook_syslog_path (h), &h->syslog_err);
}

const char *
hook_syslog_path (const hook *h)
{
  return h->cfg && h->cfg->syslog_socket ? h->cfg->syslog_socket : HOOK_DEFAULT_SYSLOG;
}

void
hook_close_sinks (hook *h)
{
  og_closep (&h->syslog_fd);
  h->syslog_fd = -1;
  og_closep (&h->audit_fd);
  h->audit_fd = -1;
  og_error_freep (&h->audit_err);
  og_error_freep (&h->syslog_err);
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
    .identity = &h->identity,
    .manifest_path = h->manifest_path,
    .manifest_name = h->manifest ? h->manifest->name : h->memo_manifest_name,
    .manifest_sha256 = h->manifest ? h->manifest->sha256 : h->memo_manifest_sha256,
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

/* podman sorts a runtime's error by phrases in it (libpod/oci_util.go,
   getOCIRuntimeError: "permission denied", "operation not permitted",
   "no such file or directory", "executable file not found in", "open
   executable", any case) and then shows only the one line that holds the
   phrase, as "OCI runtime attempted to invoke a command that was not
   found" (exit 127) or "OCI permission denied" (126): the rest of the
   paragraph is lost.  podman 4.3 also exits 127 for any "not found" in it
   (tried: tests/e2e/hook_podman.sh).  So what the hook prints on stderr
   says these things in other words, longest phrase first; the audit
   record and the syslog line keep the system's own.  */
static const struct
{
  const char *phrase, *instead;
} podman_phrases[] = {
  { "executable file not found in", "executable missing from" },
  { "no such file or directory", "does not exist" },
  { "operation not permitted", "not permitted" },
  { "permission denied", "access refused" },
  { "open executable", "open the executable" },
  { "not found", "missing" },
};

char *
hook_runtime_safe (const char *text)
{
  og_buf b = { 0 };

  og_buf_puts (&b, "");
  for (const char *p = text; *p;)
    {
      size_t i;
      for (i = 0; i < OG_ARRAY_SIZE (podman_phrases); i++)
        if (strncasecmp (p, podman_phrases[i].phrase, strlen (podman_phrases[i].phrase)) == 0)
          break;
      if (i < OG_ARRAY_SIZE (podman_phrases))
        {
          og_buf_puts (&b, podman_phrases[i].instead);
          p += strlen (podman_phrases[i].phrase);
        }
      else
        og_buf_putc (&b, *p++);
    }
  return og_buf_steal (&b);
}

static void
tell (og_buf *b)
{
  cleanup_free char *text = og_buf_steal (b);
  cleanup_free char *safe = hook_runtime_safe (text);
  fputs (safe, stderr);
}

/* Where the record went: the audit file, or why not and whether syslog has
   the decision.  Never names a file that was not written.  */
static void
describe_trail (og_buf *b, const hook *h, bool sent)
{
  if (h->recorded)
    {
      og_buf_puts (b, "  full record: ");
      put_safe (b, h->audit_path);
      og_buf_putc (b, '\n');
      return;
    }
  if (h->audit_path == NULL)
    return;
  og_buf_puts (b, "  no record was written");
  if (!h->record_is_error)
    {
      og_buf_puts (b, ": ");
      put_safe (b, h->audit_err ? h->audit_err->msg : h->audit_path);
    }
  og_buf_puts (b, "\n  syslog: ");
  if (sent)
    {
      og_buf_puts (b, "the decision was sent to ");
      put_safe (b, hook_syslog_path (h));
    }
  else if (!h->syslog_wanted)
    og_buf_puts (b, "off in the host config; the decision is recorded nowhere else");
  else
    put_safe (b, h->syslog_err ? h->syslog_err->msg : "not sent");
  og_buf_puts (b, "\n");
}

static void
describe_denial (const hook *h, og_decision decision, const char *error, bool sent)
{
  og_buf b = { 0 };

  og_buf_puts (&b, "ocigate: container ");
  put_safe (&b, h->have_state ? h->state.id : "(unknown)");
  og_buf_printf (&b, ": launch denied (%s)", og_decision_name (decision));
  if (h->manifest_path)
    {
      og_buf_puts (&b, " by manifest ");
      const char *name = h->manifest ? h->manifest->name : h->memo_manifest_name;
      if (name)
        {
          og_buf_putc (&b, '"');
          put_safe (&b, name);
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
  describe_trail (&b, h, sent);
  tell (&b);
}

static void
describe_error_allow (const hook *h, const char *error, bool sent)
{
  og_buf b = { 0 };

  og_buf_puts (&b, "ocigate: container ");
  put_safe (&b, h->have_state ? h->state.id : "(unknown)");
  og_buf_puts (&b, ": ");
  put_safe (&b, error);
  og_buf_puts (&b, "; on_error is allow, the launch goes on\n");
  describe_trail (&b, h, sent);
  tell (&b);
}

/* Append the record to the audit file; h->recorded says whether it is
   there, h->audit_err why not.  */
static void
write_record (hook *h, og_decision decision, const char *would, const char *error)
{
  og_audit_record r;
  cleanup_free char *line = NULL;
  size_t len = 0;

  if (h->audit_fd < 0)
    return;
  hook_audit_record (h, &r, decision, would, error);
  line = og_audit_format (&r, &len);
  if (line == NULL)
    og_error_set (&h->audit_err, ENOMEM, "format the audit record");
  else if (og_audit_append (h->audit_fd, h->audit_path, line, len, &h->audit_err) == 0)
    h->recorded = true;
}

/* The syslog line (RFC 5424, syslog.c); returns whether it was sent.  */
static bool
send_syslog (hook *h, og_decision decision, const char *would, const char *error)
{
  og_buf b = { 0 };
  cleanup_free char *text = NULL, *first = NULL, *line = NULL;
  size_t len = 0;
  hook_syslog_facts f = {
    .decision = decision,
    .would = would,
    .facility = h->cfg ? h->cfg->syslog_facility : NULL,
    .mode = h->mode ? og_mode_name (h->mode) : NULL,
    .container = h->have_state ? h->state.id : NULL,
    .image = h->have_oci || h->have_state ? hook_image_name (h) : NULL,
    .manifest = h->manifest_path,
    .findings = h->have_res ? h->res.n : 0,
    .error = error,
    .record = h->recorded     ? "written"
              : h->audit_path ? "failed"
                              : "none",
  };

  if (h->syslog_fd < 0)
    return false;
  if (h->have_res && h->res.n > 0)
    first = og_xasprintf ("%s: %s", h->res.findings[0].rule, h->res.findings[0].subject);
  f.first = first;
  og_buf_puts (&b, "container=");
  put_safe (&b, h->have_state ? h->state.id : "-");
  og_buf_printf (&b, " decision=%s mode=%s manifest=", og_decision_name (decision),
                 f.mode ? f.mode : "-");
  put_safe (&b, h->manifest_path ? h->manifest_path : "-");
  og_buf_printf (&b, " findings=%zu", f.findings);
  if (error)
    {
      og_buf_puts (&b, " error=");
      put_safe (&b, error);
    }
  text = og_buf_steal (&b);
  f.text = text;
  line = hook_syslog_format (&f, &len);
  return hook_syslog_send (h->syslog_fd, line, len, &h->syslog_err) == 0;
}

/* The decision on content (or on_error's, for err), then the record; a
   launch that would go on without its record is an operational error,
   and on_error decides (a denial stays a denial).  Then syslog and stderr.  */
int
hook_report (hook *h, const og_error *err, bool on_error_deny)
{
  og_decision decision;
  const char *would = NULL, *error = err ? err->msg : NULL;
  cleanup_free char *why = NULL;
  bool sent;

  if (err)
    decision = on_error_deny ? OG_DECISION_ERROR_DENY : OG_DECISION_ERROR_ALLOW;
  else
    {
      og_verdict verdict = h->have_res ? og_policy_verdict (&h->res) : OG_VERDICT_ALLOW;
      decision = h->mode == OG_MODE_AUDIT ? OG_DECISION_ALLOW : og_decision_of_verdict (verdict);
      if (h->mode == OG_MODE_AUDIT)
        would = og_verdict_name (verdict);
    }
  write_record (h, decision, would, error);
  if (!h->recorded && h->audit_path
      && (decision == OG_DECISION_ALLOW || decision == OG_DECISION_ERROR_ALLOW))
    {
      why = og_xasprintf ("%s%sno audit record could be written: %s", error ? error : "",
                          error ? "; and " : "", h->audit_err ? h->audit_err->msg : h->audit_path);
      error = why;
      h->record_is_error = true;
      decision = on_error_deny ? OG_DECISION_ERROR_DENY : OG_DECISION_ERROR_ALLOW;
    }
  sent = send_syslog (h, decision, would, error);
  switch (decision)
    {
    case OG_DECISION_ALLOW:
      return 0;
    case OG_DECISION_ERROR_ALLOW:
      describe_error_allow (h, error, sent);
      return 0;
    case OG_DECISION_DENY:
    case OG_DECISION_ERROR_DENY:
    default:
      describe_denial (h, decision, error, sent);
      return 1;
    }
}
