/* `ocigate why`: what keeps a package (or the package that owns a path) in
   the image: the packages that require it, and the shortest chains up to
   the roots (packages nothing requires, or essential / priority-required
   ones, which a package manager keeps for their own sake).  */
#include "base/util.h"
#include "output/deps.h"

#define MAX_CHAINS 20

typedef struct why
{
  const og_inventory *inv;
  const char *path; /* NULL when asked by package */
  ssize_t pkg;      /* -1: no package owns the path */
  og_chains chains;
} why;

static const char *
protected_name (const og_package *p)
{
  return p->essential ? "essential" : p->priority_required ? "required" : NULL;
}

static void
write_table (const why *q, FILE *out)
{
  const og_inventory *inv = q->inv;
  const og_package *p;
  const og_idxv *rby;

  if (q->pkg < 0)
    {
      fprintf (out, "%s: no package owns it\n", q->path);
      return;
    }
  p = &inv->packages.pkgs[q->pkg];
  rby = &inv->deps.links[q->pkg].required_by;
  {
    cleanup_free char *evr = og_package_evr (p);
    if (q->path)
      fprintf (out, "%s: owned by %s %s\n", q->path, p->name, evr);
    else
      fprintf (out, "%s %s\n", p->name, evr);
  }
  if (protected_name (p))
    fprintf (out, "%s is %s: the package manager keeps it for its own sake\n", p->name,
             p->essential ? "essential (Essential: yes)" : "required (Priority: required)");
  if (rby->n == 0)
    fprintf (out, "required by: nothing installed%s\n",
             protected_name (p) ? "" : " (a root: what the image's author installed)");
  else
    {
      fprintf (out, "required by (%zu):", rby->n);
      for (size_t k = 0; k < rby->n; k++)
        fprintf (out, "%s %s", k ? "," : "", inv->packages.pkgs[rby->v[k]].name);
      fputc ('\n', out);
    }
  if (q->chains.cycle)
    {
      fprintf (out, "held in only by a dependency cycle: no root above it\n");
      return;
    }
  fprintf (out, "chains (shortest first, %zu root%s):\n", q->chains.total,
           q->chains.total == 1 ? "" : "s");
  for (size_t c = 0; c < q->chains.n; c++)
    {
      const og_idxv *ch = &q->chains.v[c];
      const og_package *root = &inv->packages.pkgs[ch->v[ch->n - 1]];
      fputs ("  ", out);
      if (q->path)
        fprintf (out, "%s <- ", q->path);
      for (size_t k = 0; k < ch->n; k++)
        fprintf (out, "%s%s", k ? " <- " : "", inv->packages.pkgs[ch->v[k]].name);
      if (protected_name (root))
        fprintf (out, " <- (%s)", protected_name (root));
      fputc ('\n', out);
    }
  if (q->chains.total > q->chains.n)
    fprintf (out, "  ... %zu more\n", q->chains.total - q->chains.n);
}

static int
write_json (const why *q, FILE *out, og_error **err)
{
  const og_inventory *inv = q->inv;
  og_jw w;

  if (og_jw_open_file (&w, out, err) < 0)
    return -1;
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "schema", "ocigate.why/v1");
  og_jw_kv (&w, "path", q->path);
  if (q->pkg < 0)
    {
      og_jw_kv (&w, "package", NULL);
      yajl_gen_map_close (w.g);
      return og_jw_close (&w, err);
    }
  {
    const og_package *p = &inv->packages.pkgs[q->pkg];
    cleanup_free char *evr = og_package_evr (p);
    og_jw_kv (&w, "package", p->name);
    og_jw_kv (&w, "version", evr);
    og_jw_kv (&w, "type", og_pkg_type_name (p->type));
    og_jw_kbool (&w, "essential", p->essential);
    og_jw_kbool (&w, "priority_required", p->priority_required);
  }
  yajl_gen_string (w.g, (const unsigned char *)"required_by", 11);
  yajl_gen_array_open (w.g);
  for (size_t k = 0; k < inv->deps.links[q->pkg].required_by.n; k++)
    og_jw_str (&w, inv->packages.pkgs[inv->deps.links[q->pkg].required_by.v[k]].name);
  yajl_gen_array_close (w.g);
  yajl_gen_string (w.g, (const unsigned char *)"chains", 6);
  yajl_gen_array_open (w.g);
  for (size_t c = 0; c < q->chains.n; c++)
    {
      yajl_gen_array_open (w.g);
      for (size_t k = 0; k < q->chains.v[c].n; k++)
        og_jw_str (&w, inv->packages.pkgs[q->chains.v[c].v[k]].name);
      yajl_gen_array_close (w.g);
    }
  yajl_gen_array_close (w.g);
  yajl_gen_string (w.g, (const unsigned char *)"protected_roots", 15);
  yajl_gen_array_open (w.g);
  for (size_t c = 0; c < q->chains.n; c++)
    {
      const og_package *root = &inv->packages.pkgs[q->chains.v[c].v[q->chains.v[c].n - 1]];
      if (protected_name (root))
        og_jw_str (&w, root->name);
    }
  yajl_gen_array_close (w.g);
  og_jw_kint (&w, "roots", (long long)q->chains.total);
  og_jw_kbool (&w, "cycle", q->chains.cycle);
  yajl_gen_map_close (w.g);
  return og_jw_close (&w, err);
}

int
og_why_write (const og_inventory *inv, const char *what, og_deps_format format, FILE *out,
              og_error **err)
{
  why q = { .inv = inv, .pkg = -1 };
  int ret;

  if (inv->deps.links == NULL)
    return og_error_set (err, 0, "the inventory was built without its dependency graph");
  if (what[0] == '/')
    {
      q.path = what;
      if (og_inventory_path_owner (inv, what, &q.pkg, err) < 0)
        return -1;
    }
  else
    {
      size_t i;
      if (og_inventory_find_package (inv, what, &i, err) < 0)
        return -1;
      q.pkg = (ssize_t)i;
    }
  if (q.pkg >= 0)
    og_depgraph_chains (&inv->deps, &inv->packages, (size_t)q.pkg, MAX_CHAINS, &q.chains);
  ret = 0;
  if (format == OG_DEPS_JSON)
    ret = write_json (&q, out, err);
  else
    write_table (&q, out);
  og_chains_clear (&q.chains);
  return ret;
}
