/* The dependency graph of the installed packages: for each package, the
   installed packages that satisfy its dependencies (`requires`) and the
   reverse (`required_by`), computed once from the fields the pkgdb/ readers
   parse.  Plain data over indices into the package list.  */
#ifndef OG_CATALOG_DEPS_H
#define OG_CATALOG_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/util.h"
#include "catalog/pkgdb/pkgdb.h"

typedef struct og_pkg_links
{
  og_idxv requires;    /* packages that satisfy its requires / depends / pre-depends */
  og_idxv required_by; /* packages whose dependencies it satisfies */
  og_idxv recommends;  /* dpkg Recommends that an installed package satisfies */
  size_t unresolved;   /* dependencies (clauses) that nothing installed satisfies */
} og_pkg_links;

typedef struct og_depgraph
{
  og_pkg_links *links; /* one per package, in the package list's order; NULL when not built */
  size_t n;
} og_depgraph;

/* Resolve every package's dependencies against the others in pkgs, the way
   its own package manager does:
   - a dependency is satisfied by a package of that name, or by one that
     Provides it, whose version satisfies the constraint; a package never
     satisfies itself (rpm's config() and soname self-requires, a dpkg
     package that Provides what it Depends on);
   - rpm: a requirement on a path is also satisfied by a package that lists
     the file; an unversioned provide or requirement overlaps every version,
     a missing release is not compared (rpm lib/rpmds.c rpmdsCompareIndex);
     install-only prerequisites are left out (rpm lib/rpmdb.c);
   - dpkg: every installed alternative of "a | b" counts; an unversioned
     Provides does not satisfy a versioned dependency (Debian Policy 7.5);
     Recommends go to `recommends`, not into the graph;
   - apk: "so:", "cmd:" and path names through p: provides, "~" is a fuzzy
     (prefix) match; an unversioned provide satisfies only unversioned ones.
   Versions compare with catalog/version.h.  */
void og_depgraph_build (const og_pkglist *pkgs, og_depgraph *g);
void og_depgraph_clear (og_depgraph *g);

/* A package that a package manager keeps regardless of what requires it:
   dpkg Essential: yes or Priority: required.  */
bool og_package_protected (const og_package *p);

/* The chains that keep package `start` installed, following required_by up
   to roots (packages nothing requires, or protected ones, which hold
   themselves in; start is a root when it is either): one shortest chain per root, the
   shortest first (ties by root name), at most max.  chains[i] is a list of
   indices from start to the root.  *cycle is set when start is held in only
   by a dependency cycle (no root above it).  */
typedef struct og_chains
{
  og_idxv *v;
  size_t n;
  size_t total; /* roots reached, before max */
  bool cycle;
} og_chains;
void og_depgraph_chains (const og_depgraph *g, const og_pkglist *pkgs, size_t start, size_t max,
                         og_chains *out);
void og_chains_clear (og_chains *c);

/* in[i] set for every package in the closure of the seeds (and of the
   protected packages) over requires.  in has pkgs->n entries.  */
void og_depgraph_closure (const og_depgraph *g, const og_pkglist *pkgs, const size_t *seeds,
                          size_t n_seeds, bool *in);

/* For every package, the root that alone holds it in: held_by[i] = the
   index of the only root (a leaf, or a protected package) whose requires
   closure contains i, when exactly one does and i is neither protected nor
   a root itself; else (size_t)-1.  */
void og_depgraph_sole_holders (const og_depgraph *g, const og_pkglist *pkgs, size_t *held_by);

#endif
