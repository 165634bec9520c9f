/* Benchmark driver (not installed): evaluation of a manifest with 400
   package rules and 2,000 executable rules against an inventory of 400
   packages and 2,000 executables, next to the wall time of building the
   inventory of a real tree.  Built by bench/meson.build, run by bench/policy.sh.  */
#include <time.h>

#include "catalog/build.h"
#include "catalog/pkgdb_paths.h"
#include "policy/manifest.h"
#include "policy/evaluate.h"

static double
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
cmp_d (const void *a, const void *b)
{
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double
median (double *v, size_t n)
{
  qsort (v, n, sizeof *v, cmp_d);
  return v[n / 2];
}

static void
synth_inventory (og_inventory *inv)
{
  memset (inv, 0, sizeof *inv);
  for (int i = 0; i < 400; i++)
    {
      og_package *p = og_pkglist_add (&inv->packages);
      p->type = OG_PKG_DEB;
      p->name = og_xasprintf (i % 8 == 0 ? "libfoo%d-1" : "pkg%d", i);
      p->version = og_xasprintf ("1:2.%d.3~rc1-%d+deb12u1", i, i % 7);
      p->arch = og_xstrdup ("amd64");
    }
  inv->execs = og_xcalloc (2000, sizeof *inv->execs);
  for (int i = 0; i < 2000; i++)
    {
      og_exec *e = &inv->execs[inv->n_execs++];
      e->path = og_xasprintf ("/usr/lib/pkg%d/bin/tool%d", i % 400, i);
      e->package = i % 10 == 0 ? -1 : i % 400;
      e->integrity = e->package < 0 ? OG_INTEGRITY_UNOWNED : OG_INTEGRITY_OK;
      e->mode = 0100755;
      e->layer = -1;
    }
}

/* 400 package rules (allow exact+version, allow globs, deny exact) and
   2,000 executable rules (exact, DIR/ + **, ** + /NAME, general globs).  */
static char *
synth_manifest (void)
{
  og_buf b = { 0 };
  og_buf_puts (&b, "{\"schema\": \"ocigate.manifest/v1\", \"name\": \"bench\",\n"
                   "\"packages\": {\"unlisted\": \"deny\", \"allow\": [");
  for (int i = 0; i < 350; i++)
    og_buf_printf (&b, "%s{\"name\": \"pkg%d\", \"version\": \">= 1:2.%d.3~rc1, < 1:3\"}",
                   i ? "," : "", i, i);
  for (int i = 0; i < 25; i++)
    og_buf_printf (&b, ",\"libfoo%d*\"", i);
  og_buf_puts (&b, "], \"deny\": [");
  for (int i = 0; i < 25; i++)
    og_buf_printf (&b, "%s\"bad%d\"", i ? "," : "", i);
  og_buf_puts (&b, "]},\n\"executables\": {\"unlisted\": \"deny\", \"allow\": [");
  for (int i = 0; i < 1500; i++)
    og_buf_printf (&b, "%s\"/usr/lib/pkg%d/bin/tool%d\"", i ? "," : "", i % 400, i * 7 % 2000);
  for (int i = 0; i < 300; i++)
    og_buf_printf (&b, ",\"/usr/lib/pkg%d/**\"", i);
  og_buf_puts (&b, "], \"deny\": [");
  for (int i = 0; i < 100; i++)
    og_buf_printf (&b, "%s\"**/evil%d\"", i ? "," : "", i);
  for (int i = 0; i < 100; i++)
    og_buf_printf (&b, ",\"/opt/*/x%d-[0-9]*\"", i);
  og_buf_puts (&b, "]}}\n");
  return og_buf_steal (&b);
}

int
main (int argc, char **argv)
{
  og_inventory inv;
  og_manifest *m = NULL;
  og_diags d = { 0 };
  og_error *err = NULL;
  char *text = synth_manifest ();
  double ev[21], ld[21], inv_t[7];
  size_t findings = 0;

  if (argc != 2)
    {
      fprintf (stderr, "usage: policy_bench TREE\n");
      return 2;
    }
  for (size_t r = 0; r < OG_ARRAY_SIZE (inv_t); r++)
    {
      og_source_options opts = { .keep = og_pkgdb_keep };
      og_source *src = NULL;
      og_inventory real;
      double t0 = now_ms ();
      if (og_source_open (argv[1], &opts, &src, &err) < 0
          || og_inventory_build (src, 0, &real, &err) < 0)
        {
          fprintf (stderr, "inventory: %s\n", err->msg);
          return 3;
        }
      inv_t[r] = now_ms () - t0;
      if (r == 0)
        printf ("real tree: %zu packages, %zu executables\n", real.packages.n, real.n_execs);
      og_inventory_clear (&real);
      og_source_free (src);
    }
  synth_inventory (&inv);
  for (size_t r = 0; r < OG_ARRAY_SIZE (ev); r++)
    {
      og_policy_result res;
      double t0 = now_ms (), t1;
      if (og_manifest_load_buffer (text, strlen (text), "bench.json", &m, &d, &err) < 0)
        {
          fprintf (stderr, "%s\n", err->msg);
          return 2;
        }
      t1 = now_ms ();
      og_policy_evaluate (m, &inv, NULL, "2026-01-01", &res, &err);
      ev[r] = now_ms () - t1;
      ld[r] = t1 - t0;
      findings = res.n;
      og_policy_result_clear (&res);
      og_manifest_free (m);
    }
  printf ("manifest: %zu package rules, %zu executable rules; synthetic inventory: %zu "
          "packages, %zu executables; findings: %zu\n",
          (size_t)400, (size_t)2000, inv.packages.n, inv.n_execs, findings);
  {
    double e = median (ev, OG_ARRAY_SIZE (ev)), l = median (ld, OG_ARRAY_SIZE (ld)),
           i = median (inv_t, OG_ARRAY_SIZE (inv_t));
    printf ("inventory of the real tree: median %.2f ms\n", i);
    printf ("manifest load (parse, validate, index): median %.2f ms\n", l);
    printf ("evaluation: median %.2f ms\n", e);
    printf ("ratio evaluation/inventory: %.3fx (target <= 0.1x)\n", e / i);
    printf ("ratio (load+evaluation)/inventory: %.3fx\n", (e + l) / i);
  }
  og_inventory_clear (&inv);
  free (text);
  return 0;
}
