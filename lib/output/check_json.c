/* ocigate.check/v1 (JSON, streamed with yajl_gen) and the check table.  */
#include <yajl/yajl_gen.h>

#include "base/text.h"
#include "base/util.h"
#include "output/check.h"
#include "output/output.h"
#include "json/writer.h"

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
    case OG_SUBJECT_INSPECTION:
      return "inspection";
    default:
      return "other";
    }
}

int
og_check_write_json (const og_manifest *m, const og_inventory *inv, const og_policy_result *r,
                     FILE *out, og_error **err)
{
  og_jw w;

  if (og_jw_open_file (&w, out, err) < 0)
    return -1;
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "schema", "ocigate.check/v1");
  og_jw_kv (&w, "verdict", og_verdict_name (og_policy_verdict (r)));
  og_jw_str (&w, "manifest");
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "name", m->name);
  og_jw_kv (&w, "file", m->file);
  og_jw_kv (&w, "sha256", m->sha256);
  yajl_gen_map_close (w.g);
  og_jw_str (&w, "source");
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "kind", inv->source.kind);
  og_jw_kpath (&w, "path", inv->source.path);
  yajl_gen_map_close (w.g);
  og_jw_str (&w, "os");
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "id", inv->os.id);
  og_jw_kv (&w, "version_id", inv->os.version_id);
  yajl_gen_map_close (w.g);
  og_summary_write (&w, "summary", &inv->summary, OG_SUMMARY_CHECK);
  og_jw_str (&w, "findings");
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < r->n; i++)
    {
      const og_finding *f = &r->findings[i];
      yajl_gen_map_open (w.g);
      og_jw_kv (&w, "rule", f->rule);
      og_jw_kv (&w, "kind", kind_name (f->kind));
      og_jw_kpath (&w, "subject", f->subject);
      og_jw_kv (&w, "reason", f->reason);
      if (f->expired_exception)
        og_jw_kv (&w, "expired_exception", f->expired_exception);
      yajl_gen_map_close (w.g);
    }
  yajl_gen_array_close (w.g);
  og_jw_str (&w, "waived");
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < r->n_waived; i++)
    {
      const og_waiver *x = &r->waived[i];
      const og_exception *e = &m->exceptions[x->exception];
      yajl_gen_map_open (w.g);
      og_jw_kv (&w, "rule", x->rule);
      og_jw_kpath (&w, "subject", x->subject);
      og_jw_kint (&w, "exception", (long long)x->exception);
      og_jw_kv (&w, "expires", e->expires);
      og_jw_kv (&w, "reason", e->reason);
      yajl_gen_map_close (w.g);
    }
  yajl_gen_array_close (w.g);
  yajl_gen_map_close (w.g);
  return og_jw_close (&w, err);
}

/* Findings grouped by rule, groups in order of first appearance.  */
/* The findings' text, escaped for a terminal (base/text.h): subjects and
   reasons carry names from the image.  */
typedef struct safe_finding
{
  char *rule, *subject, *reason;
} safe_finding;

int
og_check_write_table (const og_manifest *m, const og_inventory *inv, const og_policy_result *r,
                      FILE *out, og_error **err)
{
  cleanup_free bool *done = og_xcalloc (r->n + 1, sizeof *done);
  cleanup_free safe_finding *sf = og_xcalloc (r->n + 1, sizeof *sf);
  cleanup_free char *mname = og_text_escaped (m->name ? m->name : m->file);
  size_t wrule = 4, wsubj = 7;

  for (size_t i = 0; i < r->n; i++)
    {
      size_t a, b;
      sf[i] = (safe_finding){ og_text_escaped (r->findings[i].rule),
                              og_text_escaped (r->findings[i].subject),
                              og_text_escaped (r->findings[i].reason) };
      a = strlen (sf[i].rule);
      b = strlen (sf[i].subject);
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
          if (done[j] || strcmp (r->findings[j].rule, r->findings[i].rule) != 0)
            continue;
          done[j] = true;
          fprintf (out, "%-*s  %-*s  %s\n", (int)wrule, sf[j].rule, (int)wsubj, sf[j].subject,
                   sf[j].reason);
        }
    }
  for (size_t i = 0; i < r->n; i++)
    {
      free (sf[i].rule);
      free (sf[i].subject);
      free (sf[i].reason);
    }
  fprintf (out, "verdict: %s (%zu %s, %zu waived by exceptions; manifest %s, %zu %s, %zu %s)\n",
           og_verdict_name (og_policy_verdict (r)), r->n, og_plural (r->n, "finding", "findings"),
           r->n_waived, mname, inv->packages.n, og_plural (inv->packages.n, "package", "packages"),
           inv->n_execs, og_plural (inv->n_execs, "executable", "executables"));
  if (fflush (out) != 0 || ferror (out))
    return og_error_set (err, errno, "write output");
  return 0;
}
