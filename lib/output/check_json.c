/* ocigate.check/v1 (JSON, streamed with yajl_gen) and the check table.  */
#include <yajl/yajl_gen.h>

#include "../util.h"
#include "check.h"

typedef struct cw
{
  yajl_gen g;
  FILE *out;
  bool failed;
} cw;

static void
cw_print (void *ctx, const char *s, size_t len)
{
  cw *w = ctx;
  if (fwrite (s, 1, len, w->out) != len)
    w->failed = true;
}

static void
str (cw *w, const char *s)
{
  if (s == NULL)
    yajl_gen_null (w->g);
  else
    yajl_gen_string (w->g, (const unsigned char *)s, strlen (s));
}

static void
kv (cw *w, const char *k, const char *v)
{
  str (w, k);
  str (w, v);
}

static void
kvi (cw *w, const char *k, long long v)
{
  str (w, k);
  yajl_gen_integer (w->g, v);
}

static const char *
kind_name (og_subject_kind k)
{
  switch (k)
    {
    case OG_SUBJECT_PACKAGE:
      return "package";
    case OG_SUBJECT_EXECUTABLE:
      return "executable";
    case OG_SUBJECT_LAUNCH:
      return "launch";
    case OG_SUBJECT_LIMIT:
      return "limit";
    default:
      return "other";
    }
}

static void
write_summary (cw *w, const og_inventory *inv)
{
  const og_inventory_summary *s = &inv->summary;
  str (w, "summary");
  yajl_gen_map_open (w->g);
  kvi (w, "packages", (long long)inv->packages.n);
  kvi (w, "executables", (long long)inv->n_execs);
  kvi (w, "setuid", (long long)s->setuid);
  kvi (w, "setgid", (long long)s->setgid);
  kvi (w, "capabilities", (long long)s->capabilities);
  kvi (w, "unowned", (long long)s->unowned);
  kvi (w, "modified", (long long)s->modified);
  yajl_gen_map_close (w->g);
}

int
og_check_write_json (const og_manifest *m, const og_inventory *inv, const og_policy_result *r,
                     FILE *out, og_error **err)
{
  cw w = { .out = out };

  w.g = yajl_gen_alloc (NULL);
  if (w.g == NULL)
    return og_error_set (err, ENOMEM, "yajl_gen_alloc");
  yajl_gen_config (w.g, yajl_gen_beautify, 1);
  yajl_gen_config (w.g, yajl_gen_indent_string, "  ");
  yajl_gen_config (w.g, yajl_gen_print_callback, cw_print, &w);

  yajl_gen_map_open (w.g);
  kv (&w, "schema", "ocigate.check/v1");
  kv (&w, "verdict", og_policy_verdict (r));
  str (&w, "manifest");
  yajl_gen_map_open (w.g);
  kv (&w, "name", m->name);
  kv (&w, "file", m->file);
  kv (&w, "sha256", m->sha256);
  yajl_gen_map_close (w.g);
  str (&w, "source");
  yajl_gen_map_open (w.g);
  kv (&w, "kind", inv->source.kind);
  kv (&w, "path", inv->source.path);
  yajl_gen_map_close (w.g);
  str (&w, "os");
  yajl_gen_map_open (w.g);
  kv (&w, "id", inv->os.id);
  kv (&w, "version_id", inv->os.version_id);
  yajl_gen_map_close (w.g);
  write_summary (&w, inv);
  str (&w, "findings");
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < r->n; i++)
    {
      const og_finding *f = &r->findings[i];
      yajl_gen_map_open (w.g);
      kv (&w, "rule", f->rule);
      kv (&w, "kind", kind_name (f->kind));
      kv (&w, "subject", f->subject);
      kv (&w, "reason", f->reason);
      if (f->expired_exception)
        kv (&w, "expired_exception", f->expired_exception);
      yajl_gen_map_close (w.g);
    }
  yajl_gen_array_close (w.g);
  str (&w, "waived");
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < r->n_waived; i++)
    {
      const og_waiver *x = &r->waived[i];
      const og_exception *e = &m->exceptions[x->exception];
      yajl_gen_map_open (w.g);
      kv (&w, "rule", x->rule);
      kv (&w, "subject", x->subject);
      kvi (&w, "exception", (long long)x->exception);
      kv (&w, "expires", e->expires);
      kv (&w, "reason", e->reason);
      yajl_gen_map_close (w.g);
    }
  yajl_gen_array_close (w.g);
  yajl_gen_map_close (w.g);
  yajl_gen_free (w.g);
  if (fflush (out) != 0 || w.failed || ferror (out))
    return og_error_set (err, errno, "write output");
  return 0;
}

/* Findings grouped by rule, groups in order of first appearance.  */
int
og_check_write_table (const og_manifest *m, const og_inventory *inv, const og_policy_result *r,
                      FILE *out, og_error **err)
{
  cleanup_free bool *done = og_xcalloc (r->n + 1, sizeof *done);
  size_t wrule = 4, wsubj = 7;

  for (size_t i = 0; i < r->n; i++)
    {
      size_t a = strlen (r->findings[i].rule), b = strlen (r->findings[i].subject);
      wrule = a > wrule ? a : wrule;
      wsubj = b > wsubj ? b : wsubj;
    }
  wsubj = wsubj > 60 ? 60 : wsubj;
  if (r->n)
    fprintf (out, "%-*s  %-*s  %s\n", (int)wrule, "RULE", (int)wsubj, "SUBJECT", "REASON");
  for (size_t i = 0; i < r->n; i++)
    {
      if (done[i])
        continue;
      for (size_t j = i; j < r->n; j++)
        {
          const og_finding *f = &r->findings[j];
          if (done[j] || strcmp (f->rule, r->findings[i].rule) != 0)
            continue;
          done[j] = true;
          fprintf (out, "%-*s  %-*s  %s\n", (int)wrule, f->rule, (int)wsubj, f->subject, f->reason);
        }
    }
  fprintf (out,
           "verdict: %s (%zu finding%s, %zu waived by exceptions; manifest %s, %zu packages, "
           "%zu executables)\n",
           og_policy_verdict (r), r->n, r->n == 1 ? "" : "s", r->n_waived,
           m->name ? m->name : m->file, inv->packages.n, inv->n_execs);
  if (fflush (out) != 0 || ferror (out))
    return og_error_set (err, errno, "write output");
  return 0;
}
