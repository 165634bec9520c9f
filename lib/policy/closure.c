/* "packages.require": {"name": ..., "with_dependencies": true}: the required
   package and everything it depends on, transitively, must be installed,
   each dependency satisfied the way its package manager resolves it
   (catalog/deps.h).  */
#include "policy/manifest.h"

char *
og_require_closure_violation (const og_pkglist *pkgs, const og_depgraph *g, size_t pkg)
{
  cleanup_free bool *in = NULL;
  cleanup_free size_t *todo = NULL;
  size_t n = 0, broken = 0, first = (size_t)-1;

  if (g->links == NULL || g->n != pkgs->n)
    return og_xasprintf ("the dependencies of %s were not resolved", pkgs->pkgs[pkg].name);
  /* The closure of pkg alone over requires (og_depgraph_closure would add
     the protected packages, which are no dependency of it).  */
  in = og_xcalloc (pkgs->n, sizeof *in);
  todo = og_xcalloc (pkgs->n, sizeof *todo);
  in[pkg] = true;
  todo[n++] = pkg;
  while (n)
    {
      size_t i = todo[--n];
      const og_idxv *req = &g->links[i].requires;
      if (g->links[i].unresolved)
        {
          broken += g->links[i].unresolved;
          if (first == (size_t)-1 || strcmp (pkgs->pkgs[i].name, pkgs->pkgs[first].name) < 0)
            first = i;
        }
      for (size_t k = 0; k < req->n; k++)
        if (!in[req->v[k]])
          {
            in[req->v[k]] = true;
            todo[n++] = req->v[k];
          }
    }
  if (broken == 0)
    return NULL;
  return og_xasprintf (
      "required package %s is installed, but its dependencies are not: %zu "
      "dependenc%s in its closure that no installed package satisfies (%s has %zu)",
      pkgs->pkgs[pkg].name, broken, broken == 1 ? "y" : "ies", pkgs->pkgs[first].name,
      g->links[first].unresolved);
}
