/* `ocigate slim`: what could go.  The leaves (packages nothing installed
   requires), each with its size, its executables and the packages that only
   it holds in; with --keep, the closure that keeps the kept packages (and
   the essential / priority-required ones, which a package manager will not
   remove) and everything outside it.  Advice: nothing is changed.  */
#include "base/util.h"
#include "output/deps.h"

#define NONE ((size_t)-1)
/* A table stays readable: the JSON has every path.  */
#define MAX_EXECS_SHOWN 8

typedef struct slim
{
  const og_inventory *inv;
  og_deps_format format;
  FILE *out;
  og_idxv *execs;   /* per package: indices into inv->execs */
  size_t *held_by;  /* per package: the one root that alone holds it in, or NONE */
  bool *kept;       /* per package, with keep: in the closure */
  size_t *keep_pkg; /* the kept packages */
  size_t n_keep;
} slim;

static void
human (uint64_t n, char out[32])
{
  static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB" };
  double v = (double)n;
  size_t u = 0;
  while (v >= 1024 && u + 1 < OG_ARRAY_SIZE (units))
    {
      v /= 1024;
      u++;
    }
  if (u == 0)
    snprintf (out, 32, "%llu B", (unsigned long long)n);
  else
    snprintf (out, 32, "%.1f %s", v, units[u]);
}

static const char *
note (const og_package *p)
{
  return p->essential ? "essential" : p->priority_required ? "required" : "";
}

/* What goes with leaf l: it and the packages only it holds in.  */
static void
goes_with (const slim *s, size_t l, uint64_t *bytes, size_t *n_pkgs, size_t *n_execs)
{
  const og_pkglist *pk = &s->inv->packages;
  *bytes = pk->pkgs[l].size;
  *n_pkgs = 1;
  *n_execs = s->execs[l].n;
  for (size_t i = 0; i < pk->n; i++)
    if (s->held_by[i] == l)
      {
        *bytes += pk->pkgs[i].size;
        (*n_pkgs)++;
        *n_execs += s->execs[i].n;
      }
}

static size_t
count_leaves (const slim *s)
{
  size_t n = 0;
  for (size_t i = 0; i < s->inv->packages.n; i++)
    n += s->inv->deps.links[i].required_by.n == 0;
  return n;
}

/* ---- table and markdown ------------------------------------------------- */

static void
text_leaves (const slim *s)
{
  const og_inventory *inv = s->inv;
  bool md = s->format == OG_DEPS_MARKDOWN;
  FILE *out = s->out;

  fprintf (out,
           md ? "## Leaves: %zu of %zu packages\n\nNothing installed requires them.\n\n"
              : "Leaves: %zu of %zu packages (nothing installed requires them)\n",
           count_leaves (s), inv->packages.n);
  fprintf (out,
           md ? "| package | version | size | executables | also goes | with it | note |\n"
                "|---|---|---|---|---|---|---|\n"
              : "%-32s %-24s %10s %5s  %s\n",
           "PACKAGE", "VERSION", "SIZE", "EXECS", "ALSO GOES (only it holds them in)");
  for (size_t l = 0; l < inv->packages.n; l++)
    {
      const og_package *p = &inv->packages.pkgs[l];
      cleanup_free char *evr = NULL;
      og_buf also = { 0 };
      char sz[32], tot[32];
      uint64_t bytes;
      size_t n_pkgs, n_execs;

      if (inv->deps.links[l].required_by.n)
        continue;
      evr = og_package_evr (p);
      human (p->size, sz);
      goes_with (s, l, &bytes, &n_pkgs, &n_execs);
      human (bytes, tot);
      for (size_t i = 0; i < inv->packages.n; i++)
        if (s->held_by[i] == l)
          og_buf_printf (&also, "%s%s", also.len ? ", " : "", inv->packages.pkgs[i].name);
      if (md)
        fprintf (out, "| %s | %s | %s | %zu | %s | %zu %s, %s, %zu %s | %s |\n", p->name, evr, sz,
                 s->execs[l].n, also.len ? also.data : "", n_pkgs,
                 og_plural (n_pkgs, "package", "packages"), tot, n_execs,
                 og_plural (n_execs, "executable", "executables"), note (p));
      else
        {
          fprintf (out, "%-32s %-24s %10s %5zu  %s", p->name, evr, sz, s->execs[l].n,
                   also.len ? also.data : "-");
          if (n_pkgs > 1)
            fprintf (out, " (with it: %zu packages, %s, %zu %s)", n_pkgs, tot, n_execs,
                     og_plural (n_execs, "executable", "executables"));
          if (*note (p))
            fprintf (out, " [%s: kept by the package manager]", note (p));
          fputc ('\n', out);
        }
      og_buf_free (&also);
    }
  for (size_t l = 0; l < inv->packages.n; l++)
    {
      const og_idxv *x = &s->execs[l];
      if (inv->deps.links[l].required_by.n || x->n == 0)
        continue;
      fprintf (out, md ? "\n**%s** executables:" : "  %s:", inv->packages.pkgs[l].name);
      for (size_t k = 0; k < x->n && k < MAX_EXECS_SHOWN; k++)
        fprintf (out, md ? " `%s`" : " %s", inv->execs[x->v[k]].path);
      if (x->n > MAX_EXECS_SHOWN)
        fprintf (out, " ... %zu more (--format json lists them all)", x->n - MAX_EXECS_SHOWN);
      fputc ('\n', out);
    }
}

static void
outside_totals (const slim *s, size_t *n, uint64_t *bytes, size_t *execs)
{
  *n = *execs = 0;
  *bytes = 0;
  for (size_t i = 0; i < s->inv->packages.n; i++)
    if (!s->kept[i])
      {
        (*n)++;
        *bytes += s->inv->packages.pkgs[i].size;
        *execs += s->execs[i].n;
      }
}

static void
text_keep (const slim *s)
{
  const og_inventory *inv = s->inv;
  bool md = s->format == OG_DEPS_MARKDOWN;
  FILE *out = s->out;
  size_t n, execs, in = 0;
  uint64_t bytes;
  char b[32];

  outside_totals (s, &n, &bytes, &execs);
  in = inv->packages.n - n;
  human (bytes, b);
  fprintf (out, md ? "\n## Keeping" : "\nKeeping");
  for (size_t k = 0; k < s->n_keep; k++)
    fprintf (out, "%s %s", k ? "," : "", inv->packages.pkgs[s->keep_pkg[k]].name);
  fprintf (out,
           md ? "\n\nThe closure (with the essential and required packages) is %zu %s; "
                "%zu %s, %s and %zu %s %s outside it.\n\n"
              : ": the closure (with the essential and required packages) is %zu %s;\n"
                "outside it: %zu %s, %s, %zu %s%s\n",
           in, og_plural (in, "package", "packages"), n, og_plural (n, "package", "packages"), b,
           execs, og_plural (execs, "executable", "executables"),
           md ? (n + execs == 1 ? "is" : "are") : "");
  if (md && n)
    fprintf (out, "| package | version | size | executables |\n|---|---|---|---|\n");
  for (size_t i = 0; i < inv->packages.n; i++)
    {
      cleanup_free char *evr = NULL;
      if (s->kept[i])
        continue;
      evr = og_package_evr (&inv->packages.pkgs[i]);
      human (inv->packages.pkgs[i].size, b);
      fprintf (out, md ? "| %s | %s | %s | %zu |\n" : "  %-32s %-24s %10s %5zu\n",
               inv->packages.pkgs[i].name, evr, b, s->execs[i].n);
    }
}

/* ---- json --------------------------------------------------------------- */

static void
json_key (og_jw *w, const char *k)
{
  yajl_gen_string (w->g, (const unsigned char *)k, strlen (k));
}

static void
json_execs (og_jw *w, const slim *s, size_t i)
{
  json_key (w, "executables");
  yajl_gen_array_open (w->g);
  for (size_t k = 0; k < s->execs[i].n; k++)
    og_jw_str (w, s->inv->execs[s->execs[i].v[k]].path);
  yajl_gen_array_close (w->g);
}

static void
json_pkg_head (og_jw *w, const slim *s, size_t i)
{
  const og_package *p = &s->inv->packages.pkgs[i];
  cleanup_free char *evr = og_package_evr (p);
  og_jw_kv (w, "name", p->name);
  og_jw_kv (w, "version", evr);
  og_jw_kint (w, "size", (long long)p->size);
  og_jw_kbool (w, "essential", p->essential);
  og_jw_kbool (w, "priority_required", p->priority_required);
  json_execs (w, s, i);
}

static void
json_leaves (og_jw *w, const slim *s)
{
  const og_inventory *inv = s->inv;
  json_key (w, "leaves");
  yajl_gen_array_open (w->g);
  for (size_t l = 0; l < inv->packages.n; l++)
    {
      uint64_t bytes;
      size_t n_pkgs, n_execs;
      if (inv->deps.links[l].required_by.n)
        continue;
      yajl_gen_map_open (w->g);
      json_pkg_head (w, s, l);
      json_key (w, "also_goes");
      yajl_gen_array_open (w->g);
      for (size_t i = 0; i < inv->packages.n; i++)
        if (s->held_by[i] == l)
          {
            yajl_gen_map_open (w->g);
            json_pkg_head (w, s, i);
            yajl_gen_map_close (w->g);
          }
      yajl_gen_array_close (w->g);
      goes_with (s, l, &bytes, &n_pkgs, &n_execs);
      og_jw_kint (w, "with_it_packages", (long long)n_pkgs);
      og_jw_kint (w, "with_it_bytes", (long long)bytes);
      og_jw_kint (w, "with_it_executables", (long long)n_execs);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);
}

static void
json_keep (og_jw *w, const slim *s)
{
  const og_inventory *inv = s->inv;
  size_t n, execs;
  uint64_t bytes;

  outside_totals (s, &n, &bytes, &execs);
  json_key (w, "keep");
  yajl_gen_map_open (w->g);
  json_key (w, "kept");
  yajl_gen_array_open (w->g);
  for (size_t k = 0; k < s->n_keep; k++)
    og_jw_str (w, inv->packages.pkgs[s->keep_pkg[k]].name);
  yajl_gen_array_close (w->g);
  json_key (w, "closure");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->packages.n; i++)
    if (s->kept[i])
      og_jw_str (w, inv->packages.pkgs[i].name);
  yajl_gen_array_close (w->g);
  json_key (w, "outside");
  yajl_gen_map_open (w->g);
  og_jw_kint (w, "packages", (long long)n);
  og_jw_kint (w, "bytes", (long long)bytes);
  og_jw_kint (w, "executables", (long long)execs);
  json_key (w, "list");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->packages.n; i++)
    if (!s->kept[i])
      {
        yajl_gen_map_open (w->g);
        json_pkg_head (w, s, i);
        yajl_gen_map_close (w->g);
      }
  yajl_gen_array_close (w->g);
  yajl_gen_map_close (w->g);
  yajl_gen_map_close (w->g);
}

static int
write_json (const slim *s, og_error **err)
{
  og_jw w;
  if (og_jw_open_file (&w, s->out, err) < 0)
    return -1;
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "schema", "ocigate.slim/v1");
  og_jw_kint (&w, "packages", (long long)s->inv->packages.n);
  json_leaves (&w, s);
  if (s->kept)
    json_keep (&w, s);
  yajl_gen_map_close (w.g);
  return og_jw_close (&w, err);
}

/* ---- the verb ----------------------------------------------------------- */

static int
resolve_keep (slim *s, const char *const *keep, size_t n_keep, og_error **err)
{
  s->keep_pkg = og_xcalloc (n_keep ? n_keep : 1, sizeof *s->keep_pkg);
  s->kept = og_xcalloc (s->inv->packages.n ? s->inv->packages.n : 1, sizeof *s->kept);
  return og_keep_resolve (s->inv, keep, n_keep, s->keep_pkg, &s->n_keep, s->kept, err);
}

static void
slim_clear (slim *s)
{
  for (size_t i = 0; s->execs && i < s->inv->packages.n; i++)
    free (s->execs[i].v);
  free (s->execs);
  free (s->held_by);
  free (s->kept);
  free (s->keep_pkg);
}

int
og_slim_write (const og_inventory *inv, const char *const *keep, size_t n_keep,
               og_deps_format format, FILE *out, og_error **err)
{
  __attribute__ ((cleanup (slim_clear))) slim s = { .inv = inv, .format = format, .out = out };
  size_t n = inv->packages.n;

  if (inv->deps.links == NULL)
    return og_error_set (err, 0, "the inventory was built without its dependency graph");
  s.execs = og_xcalloc (n ? n : 1, sizeof *s.execs);
  for (size_t i = 0; i < inv->n_execs; i++)
    if (inv->execs[i].package >= 0 && (size_t)inv->execs[i].package < n)
      og_idxv_push (&s.execs[inv->execs[i].package], i);
  s.held_by = og_xmalloc ((n ? n : 1) * sizeof *s.held_by);
  og_depgraph_sole_holders (&inv->deps, &inv->packages, s.held_by);
  if (keep && resolve_keep (&s, keep, n_keep, err) < 0)
    return -1;
  if (format == OG_DEPS_JSON)
    return write_json (&s, err);
  text_leaves (&s);
  if (s.kept)
    text_keep (&s);
  return 0;
}
