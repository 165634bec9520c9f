/* Audit records.  Format: ocigate.audit/v1 (policy/ocigate.audit.schema.json
   documents it).  One write() of the whole line to an O_APPEND file keeps
   concurrent hooks from interleaving (write(2): "the file offset is first set
   to the end of the file ... and the write is performed as an atomic step").  */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <yajl/yajl_gen.h>

#include "output/output.h"
#include "runtime/audit.h"
#include "og-config.h"
#include "json/writer.h"
#include "base/util.h"

static void
annotations (og_jw *g, const og_kv *a, size_t n)
{
  og_jw_str (g, "annotations");
  yajl_gen_map_open (g->g);
  for (size_t i = 0; i < n; i++)
    og_jw_kv (g, a[i].key, a[i].value);
  yajl_gen_map_close (g->g);
}

static void
container (og_jw *g, const og_audit_record *r)
{
  og_jw_str (g, "container");
  yajl_gen_map_open (g->g);
  og_jw_kv (g, "id", r->state ? r->state->id : NULL);
  og_jw_kv (g, "bundle", r->state ? r->state->bundle : NULL);
  og_jw_kv (g, "root", r->root);
  if (r->state && r->state->pid > 0)
    og_jw_kint (g, "pid", r->state->pid);
  if (r->config)
    annotations (g, r->config->annotations, r->config->n_annotations);
  else if (r->state)
    annotations (g, r->state->annotations, r->state->n_annotations);
  og_jw_str (g, "args");
  yajl_gen_array_open (g->g);
  for (size_t i = 0; r->config && i < r->config->n_args; i++)
    og_jw_str (g, r->config->args[i]);
  yajl_gen_array_close (g->g);
  yajl_gen_map_close (g->g);
}

typedef struct field
{
  const char *key;
  const char *value;
} field;

/* "key": {the n fields} when one of the first `known` of them is known.  */
static void
group (og_jw *g, const char *key, const field *f, size_t n, size_t known)
{
  size_t i = 0;
  while (i < known && f[i].value == NULL)
    i++;
  if (i == known)
    return;
  og_jw_str (g, key);
  yajl_gen_map_open (g->g);
  for (i = 0; i < n; i++)
    og_jw_kv (g, f[i].key, f[i].value);
  yajl_gen_map_close (g->g);
}

/* "image" {name, id, digest, source} and "pod" {namespace, name, uid,
   container} where the runtime or the store told them (a source alone
   names no image); "base_image" is the image author's annotation,
   reported apart.  */
static void
identity (og_jw *g, const og_image_identity *id)
{
  if (id == NULL)
    return;
  const field image[] = {
    { "name", id->name }, { "id", id->id }, { "digest", id->digest }, { "source", id->source }
  };
  const field pod[] = { { "namespace", id->pod_namespace },
                        { "name", id->pod_name },
                        { "uid", id->pod_uid },
                        { "container", id->container_name } };
  group (g, "image", image, OG_ARRAY_SIZE (image), 3);
  group (g, "pod", pod, OG_ARRAY_SIZE (pod), OG_ARRAY_SIZE (pod));
  if (id->base_image)
    og_jw_kv (g, "base_image", id->base_image);
}

static void
findings (og_jw *g, const og_policy_result *res)
{
  size_t n = res ? res->n : 0;
  og_jw_str (g, "findings");
  yajl_gen_array_open (g->g);
  for (size_t i = 0; i < n && i < OG_AUDIT_MAX_FINDINGS; i++)
    {
      const og_finding *f = &res->findings[i];
      yajl_gen_map_open (g->g);
      og_jw_kv (g, "rule", f->rule);
      og_jw_kpath (g, "subject", f->subject);
      og_jw_kv (g, "reason", f->reason);
      if (f->expired_exception)
        og_jw_kv (g, "expired_exception", f->expired_exception);
      yajl_gen_map_close (g->g);
    }
  yajl_gen_array_close (g->g);
  og_jw_kint (g, "findings_total", (long long)n);
  og_jw_kint (g, "waived", res ? (long long)res->n_waived : 0);
}

void
og_audit_now (char buf[32])
{
  struct timespec ts;
  struct tm tm;
  char sec[24];
  clock_gettime (CLOCK_REALTIME, &ts);
  gmtime_r (&ts.tv_sec, &tm);
  strftime (sec, sizeof sec, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf (buf, 32, "%.20s.%03dZ", sec, (int)(ts.tv_nsec / 1000000));
}

const char *
og_decision_name (og_decision d)
{
  switch (d)
    {
    case OG_DECISION_ALLOW:
      return "allow";
    case OG_DECISION_DENY:
      return "deny";
    case OG_DECISION_ERROR_ALLOW:
      return "error-allow";
    case OG_DECISION_ERROR_DENY:
      return "error-deny";
    default:
      return "error-deny";
    }
}

og_decision
og_decision_of_verdict (og_verdict v)
{
  return v == OG_VERDICT_ALLOW ? OG_DECISION_ALLOW : OG_DECISION_DENY;
}

/* "cache": what the layer cache did (catalog/cache.h).  */
static void
write_cache (og_jw *g, const og_audit_cache *c)
{
  og_jw_str (g, "cache");
  yajl_gen_map_open (g->g);
  og_jw_kv (g, "state", c->state);
  if (c->key)
    og_jw_kv (g, "key", c->key);
  og_jw_kint (g, "layers", (long long)c->layers);
  og_jw_kint (g, "records", (long long)c->records);
  og_jw_kint (g, "replayed", (long long)c->replayed);
  og_jw_kint (g, "entry_bytes", (long long)c->entry_bytes);
  og_jw_kv (g, "packages", c->packages_cached ? "entry" : "databases");
  og_jw_kv (g, "result", c->memo ? "memo" : "evaluated");
  if (c->note)
    og_jw_kv (g, "note", c->note);
  yajl_gen_map_close (g->g);
}

char *
og_audit_format (const og_audit_record *r, size_t *len)
{
  og_jw g;
  og_buf b = { 0 };
  char now[32], host[256] = "";

  og_audit_now (now);
  gethostname (host, sizeof host - 1);
  if (og_jw_open_buf (&g, &b, NULL) < 0)
    return NULL;
  yajl_gen_map_open (g.g);
  og_jw_kv (&g, "schema", OG_AUDIT_SCHEMA);
  og_jw_kv (&g, "time", now);
  og_jw_kv (&g, "host", host);
  og_jw_kv (&g, "stage", r->stage);
  container (&g, r);
  identity (&g, r->identity);
  og_jw_str (&g, "manifest");
  if (r->manifest_path)
    {
      yajl_gen_map_open (g.g);
      og_jw_kv (&g, "name", r->manifest_name);
      og_jw_kv (&g, "path", r->manifest_path);
      og_jw_kv (&g, "sha256", r->manifest_sha256);
      yajl_gen_map_close (g.g);
    }
  else
    yajl_gen_null (g.g);
  og_jw_kv (&g, "mode", r->mode);
  og_jw_kv (&g, "decision", og_decision_name (r->decision));
  if (r->would)
    og_jw_kv (&g, "enforce_would", r->would);
  if (r->error)
    og_jw_kv (&g, "error", r->error);
  findings (&g, r->result);
  og_summary_write (&g, "inventory", r->summary, OG_SUMMARY_AUDIT);
  og_jw_kv (&g, "inventory_sha256", r->inventory_sha256);
  if (r->n_skipped)
    {
      og_jw_str (&g, "skipped");
      yajl_gen_array_open (g.g);
      for (size_t i = 0; i < r->n_skipped; i++)
        {
          yajl_gen_map_open (g.g);
          og_jw_kpath (&g, "path", r->skipped[i].path);
          og_jw_kv (&g, "reason", og_skip_reason_name (r->skipped[i].reason));
          yajl_gen_map_close (g.g);
        }
      yajl_gen_array_close (g.g);
    }
  og_jw_kint (&g, "duration_ms", r->duration_ms);
  if (r->cache)
    write_cache (&g, r->cache);
  og_jw_kv (&g, "version", OG_VERSION);
  yajl_gen_map_close (g.g);
  og_jw_close (&g, NULL);
  og_buf_putc (&b, '\n');
  *len = b.len;
  return og_buf_steal (&b);
}

static int
mkdir_parents (const char *path, og_error **err)
{
  cleanup_free char *dir = og_xstrdup (path);
  char *slash = strrchr (dir, '/');
  if (slash == NULL || slash == dir)
    return 0;
  *slash = '\0';
  for (char *p = dir + 1; *p; p++)
    if (*p == '/')
      {
        *p = '\0';
        if (mkdir (dir, 0700) < 0 && errno != EEXIST)
          return og_error_set (err, errno, "create directory `%s`", dir);
        *p = '/';
      }
  if (mkdir (dir, 0700) < 0 && errno != EEXIST)
    return og_error_set (err, errno, "create directory `%s`", dir);
  return 0;
}

int
og_audit_open (const char *path, og_error **err)
{
  int fd;
  if (path == NULL || path[0] != '/')
    return og_error_set (err, 0, "audit file `%s` must be an absolute path", path ? path : "");
  if (mkdir_parents (path, err) < 0)
    return -1;
  fd = open (path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, 0600);
  if (fd < 0)
    return og_error_set (err, errno, "open audit file `%s`", path);
  return fd;
}

int
og_audit_append (int fd, const char *path, const char *line, size_t len, og_error **err)
{
  ssize_t n = TEMP_FAILURE_RETRY (write (fd, line, len));
  if (n < 0)
    return og_error_set (err, errno, "write audit file `%s`", path);
  if ((size_t)n != len)
    {
      /* End the fragment so that the next record starts a line of its own:
         the fragment is one broken line, which a reader skips.  */
      if (TEMP_FAILURE_RETRY (write (fd, "\n", 1)) < 0)
        return og_error_set (err, errno,
                             "short write to audit file `%s` (%zd of %zu bytes), and its line "
                             "could not be ended",
                             path, n, len);
      return og_error_set (err, EIO, "short write to audit file `%s` (%zd of %zu bytes)", path, n,
                           len);
    }
  return 0;
}
