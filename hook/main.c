/* ocigate-hook: an OCI runtime hook (prestart / createRuntime /
   createContainer) that inventories the container's root filesystem right
   before it starts, checks it against the manifest that the host config
   picks, and lets the launch go on (exit 0) or stops it (exit 1).  Every
   decision is recorded (audit file, syslog): crun throws hook output away.

   The OCI state arrives on stdin (runtime-spec runtime.md "State"); the root
   is root.path of BUNDLE/config.json, relative to the bundle when not
   absolute.  The inherited environment and working directory are ignored.  */
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>

#include "runtime/audit.h"
#include "policy/hostconfig.h"
#include "catalog/build.h"
#include "source/dir.h"
#include "policy/manifest.h"
#include "runtime/oci.h"
#include "og-config.h"
#include "output/output.h"
#include "policy/evaluate.h"
#include "runtime/sandbox.h"
#include "base/util.h"

#define DEFAULT_CONFIG "/etc/ocigate/ocigate.json"
#define DEFAULT_AUDIT  "/var/log/ocigate/audit.jsonl"
#define SHOW_FINDINGS  5

typedef struct hook
{
  /* options */
  const char *config_path;
  const char *stage;
  bool fallback_deny;         /* on_error when the host config cannot be loaded */
  const char *fallback_audit; /* audit file when the host config cannot be loaded */
  /* what we learn */
  og_hostconfig *cfg;
  og_oci_state state;
  bool have_state;
  og_oci_config oci;
  bool have_oci;
  char *root;
  og_mode mode;
  char *manifest_path;
  og_manifest *manifest;
  og_inventory inv;
  bool have_inv;
  og_policy_result res;
  bool have_res;
  char inv_sha256[65];
  int audit_fd;
  const char *audit_path;
  bool syslog_open;
  struct timespec t0;
} hook;

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate-hook [--config PATH] [--stage STAGE] [--on-error deny|allow]\n"
              "                    [--audit-file PATH] < STATE\n\n"
              "An OCI runtime hook: reads the container state (JSON) on stdin, inventories the\n"
              "root filesystem of BUNDLE/config.json, checks it against the manifest that the\n"
              "host config picks for the container, and exits 0 (the launch goes on) or 1\n"
              "(the runtime stops it).  Every decision is appended to the audit file as one\n"
              "ocigate.audit/v1 JSON line and logged to syslog.\n\n"
              "Options:\n"
              "  --config PATH        host config (default " DEFAULT_CONFIG ")\n"
              "  --stage STAGE        prestart, createRuntime or createContainer (default\n"
              "                       prestart); recorded in the audit record\n"
              "  --on-error deny|allow  what to do when the host config itself cannot be\n"
              "                       loaded (default deny); otherwise its on_error decides\n"
              "  --audit-file PATH    audit file when the host config cannot be loaded\n"
              "                       (default " DEFAULT_AUDIT ")\n"
              "  -h, --help           show this help\n"
              "  --version            show the version\n\n"
              "Exit status: 0 the launch may go on; 1 it must not; 2 bad usage.\n");
}

static long long
elapsed_ms (const hook *h)
{
  struct timespec now;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return (now.tv_sec - h->t0.tv_sec) * 1000LL + (now.tv_nsec - h->t0.tv_nsec) / 1000000L;
}

/* Read all of fd, at most max bytes.  */
static int
read_bounded (int fd, const char *what, size_t max, char **out, size_t *len, og_error **err)
{
  og_buf b = { 0 };
  char chunk[65536];
  for (;;)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, chunk, sizeof chunk));
      if (n < 0)
        {
          og_buf_free (&b);
          return og_error_set (err, errno, "read %s", what);
        }
      if (n == 0)
        break;
      og_buf_append (&b, chunk, n);
      if (b.len > max)
        {
          og_buf_free (&b);
          return og_error_set (err, EFBIG, "%s is larger than %zu bytes", what, max);
        }
    }
  *len = b.len;
  *out = og_buf_steal (&b);
  return 0;
}

static int
read_state (hook *h, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  if (read_bounded (STDIN_FILENO, "the OCI state on stdin", OG_OCI_STATE_MAX, &data, &len, err) < 0)
    return -1;
  if (og_oci_state_parse (data, len, &h->state, err) < 0)
    return -1;
  h->have_state = true;
  return 0;
}

static int
read_bundle_config (hook *h, og_error **err)
{
  cleanup_free char *path = og_xasprintf ("%s/config.json", h->state.bundle);
  cleanup_free char *data = NULL;
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  size_t len = 0;

  if (fd < 0)
    return og_error_set (err, errno, "open `%s`", path);
  if (read_bounded (fd, path, OG_OCI_CONFIG_MAX, &data, &len, err) < 0)
    return -1;
  if (og_oci_config_parse (data, len, path, &h->oci, err) < 0)
    return -1;
  h->have_oci = true;
  h->root = h->oci.root_path[0] == '/' ? og_xstrdup (h->oci.root_path)
                                       : og_xasprintf ("%s/%s", h->state.bundle, h->oci.root_path);
  return 0;
}

static int
load_config (hook *h, og_error **err)
{
  og_diags diags = { 0 }; /* the error already names the first problem as file:line:column */
  int ret = og_hostconfig_load_file (h->config_path, &h->cfg, &diags, err);
  og_diags_clear (&diags);
  return ret;
}

static int
facility_of (const char *name)
{
  return name && strcmp (name, "daemon") == 0 ? LOG_DAEMON : LOG_AUTHPRIV;
}

/* Open the sinks before the sandbox: afterwards nothing can be opened for
   writing.  */
static void
open_sinks (hook *h)
{
  og_error *err = NULL;
  h->audit_path = h->cfg ? h->cfg->audit_file : h->fallback_audit;
  if (h->audit_path)
    {
      h->audit_fd = og_audit_open (h->audit_path, &err);
      if (h->audit_fd < 0)
        {
          fprintf (stderr, "ocigate-hook: %s\n", err->msg);
          og_error_freep (&err);
        }
    }
  if (h->cfg == NULL || h->cfg->audit_syslog)
    {
      openlog ("ocigate", LOG_PID | LOG_NDELAY,
               facility_of (h->cfg ? h->cfg->syslog_facility : NULL));
      h->syslog_open = true;
    }
}

static const char *
image_name (const hook *h)
{
  static const char *const keys[]
      = { "io.kubernetes.cri-o.ImageName", "io.kubernetes.cri.image-name",
          "org.opencontainers.image.ref.name", "org.opencontainers.image.base.name" };
  for (size_t i = 0; i < OG_ARRAY_SIZE (keys); i++)
    {
      const char *v = og_kv_get (h->oci.annotations, h->oci.n_annotations, keys[i]);
      if (v == NULL && h->have_state)
        v = og_kv_get (h->state.annotations, h->state.n_annotations, keys[i]);
      if (v)
        return v;
    }
  return NULL;
}

static void
select_manifest (hook *h)
{
  size_t n = h->oci.n_annotations + h->state.n_annotations;
  og_annotation *a = og_xcalloc (n ? n : 1, sizeof *a);
  size_t k = 0;
  for (size_t i = 0; i < h->oci.n_annotations; i++, k++)
    a[k].key = h->oci.annotations[i].key, a[k].value = h->oci.annotations[i].value;
  for (size_t i = 0; i < h->state.n_annotations; i++, k++)
    a[k].key = h->state.annotations[i].key, a[k].value = h->state.annotations[i].value;
  og_hostconfig_select (h->cfg, a, k, &h->inv.os, image_name (h), &h->manifest_path, &h->mode);
  free (a);
}

static int
load_manifest (hook *h, og_error **err)
{
  og_diags diags = { 0 };
  int ret = og_manifest_load_file (h->manifest_path, &h->manifest, &diags, err);
  og_diags_clear (&diags);
  return ret;
}

/* The container's mount destinations: what is there comes from the runtime
   (podman's /etc/hostname, /etc/hosts, /run/.containerenv, /proc, /dev...),
   and the container never sees the image's version of it.  */
static const char **
mount_destinations (const hook *h, size_t *n)
{
  const char **v = og_xcalloc (h->oci.n_mounts + 1, sizeof *v);
  *n = 0;
  for (size_t i = 0; i < h->oci.n_mounts; i++)
    {
      const char *d = h->oci.mounts[i].destination;
      if (d && d[0] == '/' && d[1] != '\0')
        v[(*n)++] = d;
    }
  return v;
}

static int
build_inventory (hook *h, bool digests, og_error **err)
{
  og_source_options opts = { .digests = digests };
  og_source *src = NULL;
  const char **mounts;
  size_t n = 0;
  int ret;

  if (h->have_inv)
    {
      og_inventory_clear (&h->inv);
      h->have_inv = false;
    }
  if (og_source_open_dir (h->root, &opts, &src, err) < 0)
    return -1;
  mounts = mount_destinations (h, &n);
  ret = og_inventory_build_excluding (src, 0, mounts, n, &h->inv, err);
  free (mounts);
  og_source_free (src);
  if (ret < 0)
    {
      og_error_prefix (err, "inspect `%s`", h->root);
      return -1;
    }
  h->have_inv = true;
  return 0;
}

/* Everything after the sinks are open and the sandbox is in place.  */
static int
inspect_and_evaluate (hook *h, og_error **err)
{
  og_launch_facts facts;
  char today[11];
  int ret;

  if (build_inventory (h, false, err) < 0)
    return -1;
  select_manifest (h);
  if (h->manifest_path == NULL)
    return og_inventory_digest (&h->inv, h->inv_sha256, err);
  if (load_manifest (h, err) < 0)
    return -1;
  if (og_manifest_needs_sha256 (h->manifest) && build_inventory (h, true, err) < 0)
    return -1;
  if (og_deadline_check (err) < 0)
    return -1;
  og_launch_facts_from_oci (&h->oci, &facts);
  og_policy_today (today);
  ret = og_policy_evaluate (h->manifest, &h->inv, &facts, today, &h->res, err);
  og_launch_facts_clear (&facts);
  if (ret < 0)
    return -1;
  h->have_res = true;
  return og_inventory_digest (&h->inv, h->inv_sha256, err);
}

static int
max_out_fd (const hook *h)
{
  int m = STDERR_FILENO;
  if (h->audit_fd > m)
    m = h->audit_fd;
  /* syslog's socket was opened (LOG_NDELAY) right after the audit file.  */
  if (h->syslog_open)
    m += 1;
  return m;
}

/* A backstop for a deadline that a blocking call outran (a stdin that never
   closes, a read that never returns): a record and a message are formatted in
   advance and written from the signal handler.  */
#define STARTUP_BACKSTOP_MS 10000
static char *backstop_line;
static char *backstop_msg;

static void
format_backstop (hook *h, bool deny, long long deadline_ms, size_t *len)
{
  og_audit_record r = { 0 };
  char *line, *msg;

  r.stage = h->stage;
  r.state = h->have_state ? &h->state : NULL;
  r.config = h->have_oci ? &h->oci : NULL;
  r.root = h->root;
  r.mode = h->mode ? og_mode_name (h->mode) : NULL;
  r.decision = deny ? OG_DECISION_ERROR_DENY : OG_DECISION_ERROR_ALLOW;
  r.error = "no decision before the deadline: the hook was stopped";
  r.duration_ms = deadline_ms;
  line = og_audit_format (&r, len);
  msg = og_xasprintf ("ocigate: container %s: no decision within %lld ms; on_error is %s, so the "
                      "launch %s\n",
                      h->have_state ? h->state.id : "(unknown)", deadline_ms,
                      deny ? "deny" : "allow", deny ? "is stopped" : "goes on");
  og_deadline_backstop_update (h->audit_fd, line, *len, msg);
  free (backstop_line);
  free (backstop_msg);
  backstop_line = line;
  backstop_msg = msg;
}

/* Before anything is known: a hook must never hang a container start.  */
static void
arm_startup_backstop (hook *h)
{
  backstop_msg = og_xasprintf ("ocigate: no decision within %d ms (reading the OCI state or the "
                               "host config); --on-error is %s\n",
                               STARTUP_BACKSTOP_MS, h->fallback_deny ? "deny" : "allow");
  og_deadline_backstop (STARTUP_BACKSTOP_MS, -1, NULL, 0, backstop_msg, h->fallback_deny ? 1 : 0,
                        NULL);
}

/* The host config is loaded: its deadline (and a second of grace) from now on.  */
static void
arm_backstop (hook *h)
{
  size_t len = 0;
  long long ms = h->cfg->deadline_ms + 1000;
  format_backstop (h, h->cfg->on_error_deny, h->cfg->deadline_ms, &len);
  og_deadline_backstop (ms, h->audit_fd, backstop_line, len, backstop_msg,
                        h->cfg->on_error_deny ? 1 : 0, NULL);
}

static void
describe_denial (const hook *h, const char *decision, const char *error)
{
  fprintf (stderr, "ocigate: container %s: launch denied (%s)",
           h->have_state ? h->state.id : "(unknown)", decision);
  if (h->manifest_path)
    fprintf (stderr, " by manifest %s%s%s%s", h->manifest ? "\"" : "",
             h->manifest && h->manifest->name ? h->manifest->name : "", h->manifest ? "\" " : "",
             h->manifest_path);
  fprintf (stderr, ".\n");
  if (error)
    fprintf (stderr, "  error: %s\n", error);
  if (h->have_res)
    {
      for (size_t i = 0; i < h->res.n && i < SHOW_FINDINGS; i++)
        fprintf (stderr, "  %s: %s: %s\n", h->res.findings[i].rule, h->res.findings[i].subject,
                 h->res.findings[i].reason);
      if (h->res.n > SHOW_FINDINGS)
        fprintf (stderr, "  ... and %zu more finding%s\n", h->res.n - SHOW_FINDINGS,
                 h->res.n - SHOW_FINDINGS == 1 ? "" : "s");
    }
  if (h->audit_path)
    fprintf (stderr, "  full record: %s\n", h->audit_path);
}

static void
record (hook *h, og_decision decision, const char *would, const char *error)
{
  og_audit_record r = { 0 };
  og_error *err = NULL;
  cleanup_free char *line = NULL;
  size_t len = 0;

  r.stage = h->stage;
  r.state = h->have_state ? &h->state : NULL;
  r.config = h->have_oci ? &h->oci : NULL;
  r.root = h->root;
  r.manifest_path = h->manifest_path;
  r.manifest_name = h->manifest ? h->manifest->name : NULL;
  r.manifest_sha256 = h->manifest ? h->manifest->sha256 : NULL;
  r.mode = h->mode ? og_mode_name (h->mode) : NULL;
  r.decision = decision;
  r.would = would;
  r.error = error;
  r.result = h->have_res ? &h->res : NULL;
  r.summary = h->have_inv ? &h->inv.summary : NULL;
  r.inventory_sha256 = h->inv_sha256[0] ? h->inv_sha256 : NULL;
  r.duration_ms = elapsed_ms (h);
  line = og_audit_format (&r, &len);
  if (line && h->audit_fd >= 0 && og_audit_append (h->audit_fd, h->audit_path, line, len, &err) < 0)
    {
      fprintf (stderr, "ocigate-hook: %s\n", err->msg);
      og_error_free (err);
    }
  if (h->syslog_open)
    syslog (decision == OG_DECISION_ALLOW ? LOG_INFO : LOG_WARNING,
            "container=%s decision=%s mode=%s manifest=%s findings=%zu%s%s",
            h->have_state ? h->state.id : "-", og_decision_name (decision), r.mode ? r.mode : "-",
            h->manifest_path ? h->manifest_path : "-", h->have_res ? h->res.n : (size_t)0,
            error ? " error=" : "", error ? error : "");
}

static int
run (hook *h)
{
  og_error *err = NULL;
  bool on_error_deny = h->fallback_deny;
  og_decision decision;
  og_verdict verdict;

  /* Setup: what the runtime handed us and the host config.  */
  if (load_config (h, &err) == 0)
    {
      on_error_deny = h->cfg->on_error_deny;
      h->mode = h->cfg->mode;
    }
  else
    h->mode = OG_MODE_ENFORCE;
  open_sinks (h);
  if (err == NULL)
    {
      og_deadline_start (h->cfg->deadline_ms);
      arm_backstop (h);
    }
  if (err == NULL && read_state (h, &err) == 0 && read_bundle_config (h, &err) == 0)
    {
      size_t len;
      format_backstop (h, h->cfg->on_error_deny, h->cfg->deadline_ms,
                       &len); /* now with the container */
      if (og_sandbox_enter (max_out_fd (h), &err) == 0)
        inspect_and_evaluate (h, &err);
    }
  else if (!h->have_state && err && !strstr (err->msg, "OCI state"))
    {
      /* The config failed first: still name the container in the record.  */
      og_error *e2 = NULL;
      if (read_state (h, &e2) == 0)
        read_bundle_config (h, &e2);
      og_error_free (e2);
    }
  og_deadline_backstop_cancel ();

  if (err)
    {
      decision = on_error_deny ? OG_DECISION_ERROR_DENY : OG_DECISION_ERROR_ALLOW;
      record (h, decision, NULL, err->msg);
      if (on_error_deny)
        describe_denial (h, og_decision_name (decision), err->msg);
      else
        fprintf (stderr, "ocigate: container %s: %s; on_error is allow, the launch goes on\n",
                 h->have_state ? h->state.id : "(unknown)", err->msg);
      og_error_free (err);
      return on_error_deny ? 1 : 0;
    }
  verdict = h->have_res ? og_policy_verdict (&h->res) : OG_VERDICT_ALLOW;
  if (h->mode == OG_MODE_AUDIT)
    {
      record (h, OG_DECISION_ALLOW, og_verdict_name (verdict), NULL);
      return 0;
    }
  decision = og_decision_of_verdict (verdict);
  record (h, decision, NULL, NULL);
  if (verdict == OG_VERDICT_ALLOW)
    return 0;
  describe_denial (h, og_decision_name (decision), NULL);
  return 1;
}

/* Stdin, stdout and stderr exist (a runtime may close them), so that the
   files we open never take their numbers.  */
static void
sanitize_fds (void)
{
  for (int fd = 0; fd < 3; fd++)
    if (fcntl (fd, F_GETFD) < 0)
      {
        int n = open ("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (n >= 0 && n != fd)
          {
            dup2 (n, fd);
            close (n);
          }
      }
}

#ifdef __SANITIZE_ADDRESS__
/* LeakSanitizer stops the world with ptrace at exit, which the hook's own
   seccomp filter refuses: in sanitizer builds leaks are checked by the unit
   and integration tests, not in the hook.  The environment (ASAN_OPTIONS)
   cannot say so: the hook clears it.  */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}
#endif

static const char *const stages[] = { "prestart", "createRuntime", "createContainer" };

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "config", required_argument, NULL, 'c' },
    { "stage", required_argument, NULL, 's' },
    { "on-error", required_argument, NULL, 'e' },
    { "audit-file", required_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  hook h = { .config_path = DEFAULT_CONFIG,
             .stage = "prestart",
             .fallback_deny = true,
             .fallback_audit = DEFAULT_AUDIT,
             .audit_fd = -1 };
  bool stage_ok = false;
  int c, code;

  sanitize_fds ();
  /* A runtime may hand hooks the container's environment: use none of it.  */
  clearenv ();
  setenv ("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
  umask (077);
  if (chdir ("/") < 0)
    return 1;
  clock_gettime (CLOCK_MONOTONIC, &h.t0);

  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'c':
        h.config_path = optarg;
        break;
      case 's':
        h.stage = optarg;
        break;
      case 'e':
        if (strcmp (optarg, "deny") != 0 && strcmp (optarg, "allow") != 0)
          {
            fprintf (stderr, "ocigate-hook: --on-error must be deny or allow, not '%s'\n", optarg);
            return 2;
          }
        h.fallback_deny = strcmp (optarg, "deny") == 0;
        break;
      case 'a':
        h.fallback_audit = optarg;
        break;
      case 'h':
        usage (stdout);
        return 0;
      case 'V':
        printf ("ocigate-hook %s\n", OG_VERSION);
        return 0;
      default:
        usage (stderr);
        return 2;
      }
  if (optind != argc)
    {
      fprintf (stderr, "ocigate-hook: unexpected argument '%s'; the state comes on stdin\n",
               argv[optind]);
      return 2;
    }
  for (size_t i = 0; i < OG_ARRAY_SIZE (stages); i++)
    stage_ok |= strcmp (h.stage, stages[i]) == 0;
  if (!stage_ok)
    {
      fprintf (stderr,
               "ocigate-hook: stage '%s' is not one where the root filesystem can be inspected "
               "before the container runs; use prestart, createRuntime or createContainer\n",
               h.stage);
      return 2;
    }

  arm_startup_backstop (&h);
  code = run (&h);
  if (h.syslog_open)
    closelog ();
  if (h.audit_fd >= 0)
    close (h.audit_fd);
  if (h.have_res)
    og_policy_result_clear (&h.res);
  if (h.have_inv)
    og_inventory_clear (&h.inv);
  og_manifest_free (h.manifest);
  free (h.manifest_path);
  free (h.root);
  og_oci_config_clear (&h.oci);
  og_oci_state_clear (&h.state);
  og_hostconfig_free (h.cfg);
  free (backstop_line);
  free (backstop_msg);
  return code;
}
