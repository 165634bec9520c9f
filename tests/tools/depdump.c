/* depdump: the dependency graph ocigate computes for a SOURCE, one line per
   package: "name<TAB>required_by names, space-separated, sorted<TAB>requires
   names, likewise<TAB>flags" (flags: "essential", "required", "-"), so the
   integration tests can compare it with what dpkg-query and rpm answer.
   Test-only, not installed.

     depdump SOURCE  */
#include <stdlib.h>

#include "base/util.h"
#include "catalog/build.h"
#include "catalog/pkgdb_paths.h"

static int
cmp_str (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static void
print_names (const og_inventory *inv, const og_idxv *x)
{
  cleanup_free const char **names = og_xcalloc (x->n ? x->n : 1, sizeof *names);
  for (size_t k = 0; k < x->n; k++)
    names[k] = inv->packages.pkgs[x->v[k]].name;
  qsort (names, x->n, sizeof *names, cmp_str);
  for (size_t k = 0; k < x->n; k++)
    printf ("%s%s", k ? " " : "", names[k]);
}

int
main (int argc, char **argv)
{
  og_source_options opts = { .keep = og_pkgdb_keep };
  cleanup_source og_source *src = NULL;
  cleanup_inventory og_inventory inv = { 0 };
  og_error *err = NULL;

  if (argc != 2)
    {
      fprintf (stderr, "usage: depdump SOURCE\n");
      return 2;
    }
  if (og_source_open (argv[1], &opts, &src, &err) < 0
      || og_inventory_build (src, OG_INV_DEPS, &inv, &err) < 0)
    {
      fprintf (stderr, "depdump: %s\n", err->msg);
      og_error_free (err);
      return 1;
    }
  for (size_t i = 0; i < inv.packages.n; i++)
    {
      const og_package *p = &inv.packages.pkgs[i];
      printf ("%s\t", p->name);
      print_names (&inv, &inv.deps.links[i].required_by);
      printf ("\t");
      print_names (&inv, &inv.deps.links[i].requires);
      printf ("\t%s\n", p->essential ? "essential" : p->priority_required ? "required" : "-");
    }
  return 0;
}
