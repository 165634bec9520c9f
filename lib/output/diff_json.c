/* ocigate.diff/v1 (policy/ocigate.diff.schema.json), streamed with yajl_gen:
   each row carries the full record of each side, or null where the side
   does not have it.  */
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "base/util.h"
#include "catalog/purl.h"
#include "json/writer.h"
#include "output/diff.h"
#include "output/output.h"

static void
write_package (og_jw *w, const og_inventory *inv, const og_package *p)
{
  cleanup_free char *purl = NULL;
  cleanup_free char *evr = NULL;
  if (p == NULL)
    {
      yajl_gen_null (w->g);
      return;
    }
  purl = og_package_purl (p, &inv->os);
  evr = og_package_evr (p);
  yajl_gen_map_open (w->g);
  og_package_write_nevr (w, p);
  og_jw_kv (w, "evr", evr);
  og_jw_kv (w, "arch", p->arch);
  og_jw_kv (w, "source", p->source);
  og_jw_kv (w, "license", p->license);
  og_jw_kv (w, "purl", purl);
  og_jw_kint (w, "files", (long long)og_package_file_count (p));
  yajl_gen_map_close (w->g);
}

static const char *
pkg_of (const og_inventory *inv, ssize_t i)
{
  return i >= 0 ? inv->packages.pkgs[i].name : NULL;
}

static void
write_exec (og_jw *w, const og_inventory *inv, const og_exec *x)
{
  yajl_gen_map_open (w->g);
  og_stat_write (w, x->mode, x->uid, x->gid, x->size);
  og_jw_kv (w, "kind", og_exec_kind_name (x->cls.kind));
  og_jw_kbool (w, "setuid", x->setuid);
  og_jw_kbool (w, "setgid", x->setgid);
  og_jw_kv (w, "capabilities", x->capabilities);
  og_jw_kv (w, "package", pkg_of (inv, x->package));
  og_jw_kv (w, "integrity", og_integrity_name (x->integrity));
  og_jw_kv (w, "sha256", x->sha256);
  yajl_gen_map_close (w->g);
}

static void
write_file (og_jw *w, const og_inventory *inv, const og_file *f)
{
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "type", og_file_type_name (f->mode));
  og_stat_write (w, f->mode, f->uid, f->gid, f->size);
  og_jw_kv (w, "target", f->link_target);
  og_jw_kv (w, "package", pkg_of (inv, f->package));
  og_jw_kv (w, "sha256", f->exec >= 0 ? inv->execs[f->exec].sha256 : NULL);
  yajl_gen_map_close (w->g);
}

/* KEY ("a" or "b"): the record of a path on that side, an executable's or
   a file's as the diff compares them, or null where the side has none.  */
static void
write_path_side (og_jw *w, const og_diff *d, const char *key, const og_inventory *inv,
                 const void *rec)
{
  og_jw_str (w, key);
  if (rec == NULL)
    yajl_gen_null (w->g);
  else if (d->what == OG_DIFF_FILES)
    write_file (w, inv, rec);
  else
    write_exec (w, inv, rec);
}

static void
write_side (og_jw *w, const char *key, const char *label, const og_inventory *inv)
{
  og_jw_str (w, key);
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "label", label);
  og_jw_kv (w, "kind", inv->source.kind);
  og_jw_kv (w, "path", inv->source.path);
  if (inv->source.config_digest)
    og_jw_kv (w, "config_digest", inv->source.config_digest);
  og_jw_kv (w, "os", inv->os.pretty_name);
  yajl_gen_map_close (w->g);
}

static void
write_rows (og_jw *w, const og_diff *d)
{
  og_jw_str (w, og_diff_what_name (d->what));
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < d->n_pkgs; i++)
    {
      const og_diff_pkg *r = &d->pkgs[i];
      yajl_gen_map_open (w->g);
      og_jw_kv (w, "name", r->name);
      og_jw_kv (w, "arch", r->arch);
      og_jw_str (w, "a");
      write_package (w, d->inv_a, r->a);
      og_jw_str (w, "b");
      write_package (w, d->inv_b, r->b);
      yajl_gen_map_close (w->g);
    }
  for (size_t i = 0; i < d->n_paths; i++)
    {
      const og_diff_path *r = &d->paths[i];
      yajl_gen_map_open (w->g);
      og_jw_kv (w, "path", r->path);
      og_jw_kv (w, "change", r->a && r->b ? "changed" : r->a ? "removed" : "added");
      og_jw_str (w, "changed");
      yajl_gen_array_open (w->g);
      for (unsigned k = 0; k < OG_DIFF_F_COUNT; k++)
        if (r->changed & (1u << k))
          og_jw_str (w, og_diff_field_name (1u << k));
      yajl_gen_array_close (w->g);
      write_path_side (w, d, "a", d->inv_a, r->a);
      write_path_side (w, d, "b", d->inv_b, r->b);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);
}

int
og_diff_write_json (const og_diff *d, const char *la, const char *lb, FILE *out, og_error **err)
{
  og_jw w;
  if (og_jw_open_file (&w, out, err) < 0)
    return -1;
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "schema", "ocigate.diff/v1");
  og_jw_kv (&w, "what", og_diff_what_name (d->what));
  og_jw_kbool (&w, "ignore_versions", d->ignore_versions);
  write_side (&w, "a", la, d->inv_a);
  write_side (&w, "b", lb, d->inv_b);
  write_rows (&w, d);
  og_jw_str (&w, "summary");
  yajl_gen_map_open (w.g);
  og_jw_kint (&w, "differences", (long long)og_diff_count (d));
  og_jw_kint (&w, "only_a", (long long)d->only_a);
  og_jw_kint (&w, "only_b", (long long)d->only_b);
  og_jw_kint (&w, "changed", (long long)d->changed);
  og_jw_kint (&w, "ignored_version_only", (long long)d->ignored_version_only);
  yajl_gen_map_close (w.g);
  yajl_gen_map_close (w.g);
  return og_jw_close (&w, err);
}
