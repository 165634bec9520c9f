/* The dependency graph: every package's dependencies resolved against the
   installed packages (see deps.h for the rules and their sources).

   Names are indexed once (package names and provides, and for rpm only the
   paths that some package requires, looked up in the file lists), so the
   build is linear in the size of the fields plus the files of rpm packages.  */
#include <stdlib.h>

#include "base/strmap.h"
#include "base/util.h"
#include "catalog/deps.h"
#include "catalog/version.h"

#define NONE ((size_t)-1)

typedef struct provider
{
  size_t pkg;
  const char *version; /* NULL: unversioned */
  uint32_t sense;
} provider;

typedef struct provider_list
{
  provider *v;
  size_t n;
  size_t cap;
} provider_list;

static void
provider_list_free (void *p)
{
  provider_list *l = p;
  free (l->v);
  free (l);
}

static void
add_provider (og_strmap *m, const char *name, size_t pkg, const char *version, uint32_t sense)
{
  provider_list *l = og_strmap_get (m, name);
  if (l == NULL)
    {
      l = og_xcalloc (1, sizeof *l);
      og_strmap_put (m, name, l);
    }
  og_grow (&l->v, &l->cap, l->n + 1, sizeof *l->v);
  l->v[l->n++] = (provider){ .pkg = pkg, .version = version, .sense = version ? sense : 0 };
}

/* ---- version comparison ------------------------------------------------- */

/* rpm "[E:]V[-R]" split in place of a copy (rpm lib/rpmds.c rpmdsParseEVR).  */
typedef struct evr
{
  unsigned long epoch;
  const char *v;
  const char *r; /* NULL when absent */
} evr;

static void
parse_evr (char *s, evr *e)
{
  char *colon, *dash, *p = s;
  e->epoch = 0;
  for (p = s; *p >= '0' && *p <= '9'; p++)
    ;
  colon = *p == ':' ? p : NULL;
  if (colon)
    {
      e->epoch = strtoul (s, NULL, 10);
      s = colon + 1;
    }
  dash = strrchr (s, '-');
  if (dash)
    *dash = '\0';
  e->v = s;
  e->r = dash ? dash + 1 : NULL;
}

/* rpm rpmdsCompareEVR: the release only when both have one.  */
static int
rpm_evr_cmp (const char *a, const char *b)
{
  cleanup_free char *ca = og_xstrdup (a);
  cleanup_free char *cb = og_xstrdup (b);
  evr ea, eb;
  int c;

  parse_evr (ca, &ea);
  parse_evr (cb, &eb);
  if (ea.epoch != eb.epoch)
    return ea.epoch < eb.epoch ? -1 : 1;
  c = og_rpmvercmp (ea.v, eb.v);
  if (c == 0 && ea.r && eb.r)
    c = og_rpmvercmp (ea.r, eb.r);
  return c;
}

/* rpm rpmdsCompareIndex: do the ranges of provide a and requirement b overlap?  */
static bool
rpm_overlap (const provider *a, const og_pkg_dep *b)
{
  int sense;
  if (a->version == NULL || b->version == NULL || a->sense == 0 || b->sense == 0)
    return true;
  sense = rpm_evr_cmp (a->version, b->version);
  if (sense < 0)
    return (a->sense & OG_DEP_GREATER) || (b->sense & OG_DEP_LESS);
  if (sense > 0)
    return (a->sense & OG_DEP_LESS) || (b->sense & OG_DEP_GREATER);
  return ((a->sense & OG_DEP_EQUAL) && (b->sense & OG_DEP_EQUAL))
         || ((a->sense & OG_DEP_LESS) && (b->sense & OG_DEP_LESS))
         || ((a->sense & OG_DEP_GREATER) && (b->sense & OG_DEP_GREATER));
}

/* apk-tools src/version.c apk_version_match with APK_VERSION_FUZZY: the
   provided version starts with the required one, up to a component break.  */
static bool
apk_fuzzy (const char *have, const char *want)
{
  size_t n = strlen (want);
  if (strncmp (have, want, n) != 0)
    return false;
  return have[n] == '\0' || strchr ("._-", have[n]) != NULL;
}

static bool
satisfies (og_pkg_type type, const provider *p, const og_pkg_dep *d)
{
  int c;
  if (d->version == NULL)
    return true;
  if (type == OG_PKG_RPM)
    return rpm_overlap (p, d);
  /* dpkg and apk: an unversioned provide satisfies no versioned dependency.  */
  if (p->version == NULL)
    return false;
  if (type == OG_PKG_APK && (d->sense & OG_DEP_FUZZY))
    return apk_fuzzy (p->version, d->version);
  c = og_version_cmp (type, p->version, d->version);
  return (c < 0 && (d->sense & OG_DEP_LESS)) || (c == 0 && (d->sense & OG_DEP_EQUAL))
         || (c > 0 && (d->sense & OG_DEP_GREATER));
}

/* ---- the index of names ------------------------------------------------- */

typedef struct name_index
{
  og_strmap names; /* name or path -> provider_list */
  char **evrs;     /* each package's own version, as its ecosystem writes it */
  size_t n;
} name_index;

static void
index_build (name_index *ix, const og_pkglist *pkgs)
{
  og_strmap paths = { 0 }; /* required paths (rpm), value unused */
  bool any_path = false;

  ix->n = pkgs->n;
  ix->evrs = og_xcalloc (pkgs->n ? pkgs->n : 1, sizeof *ix->evrs);
  for (size_t i = 0; i < pkgs->n; i++)
    {
      const og_package *p = &pkgs->pkgs[i];
      ix->evrs[i] = og_package_evr (p);
      if (p->name)
        add_provider (&ix->names, p->name, i, ix->evrs[i], OG_DEP_EQUAL);
      for (size_t k = 0; k < p->provides.n; k++)
        add_provider (&ix->names, p->provides.v[k].name, i, p->provides.v[k].version,
                      p->provides.v[k].sense);
      if (p->type != OG_PKG_RPM)
        continue;
      for (size_t k = 0; k < p->depends.n; k++)
        if (p->depends.v[k].name[0] == '/')
          {
            og_strmap_put (&paths, p->depends.v[k].name, (void *)1);
            any_path = true;
          }
    }
  /* rpm: a required path is provided by every package that lists it.  */
  for (size_t i = 0; any_path && i < pkgs->n; i++)
    {
      const og_package *p = &pkgs->pkgs[i];
      if (p->type != OG_PKG_RPM)
        continue;
      for (size_t k = 0; k < p->n_files; k++)
        if (og_strmap_has (&paths, p->files[k].path))
          add_provider (&ix->names, p->files[k].path, i, NULL, 0);
    }
  og_strmap_clear (&paths, NULL);
}

static void
index_clear (name_index *ix)
{
  og_strmap_clear (&ix->names, provider_list_free);
  og_strv_free (ix->evrs, ix->n);
}

/* ---- the graph ---------------------------------------------------------- */

static int
cmp_size (const void *a, const void *b)
{
  size_t x = *(const size_t *)a, y = *(const size_t *)b;
  return x < y ? -1 : x > y;
}

/* Resolve the dependencies of package i.  seen[] holds the last package
   that added each target (an edge is added once).  */
static void
resolve_one (const name_index *ix, const og_pkglist *pkgs, size_t i, og_depgraph *g, size_t *seen,
             size_t *seen_rec)
{
  const og_package *p = &pkgs->pkgs[i];
  og_pkg_links *L = &g->links[i];
  size_t k = 0;

  while (k < p->depends.n)
    {
      uint32_t clause = p->depends.v[k].clause;
      og_dep_kind kind = p->depends.v[k].kind;
      bool resolved = false;

      for (; k < p->depends.n && p->depends.v[k].clause == clause; k++)
        {
          const og_pkg_dep *d = &p->depends.v[k];
          const provider_list *pl;
          if (d->kind == OG_DEP_INSTALL_ONLY)
            {
              resolved = true;
              continue;
            }
          pl = og_strmap_get (&ix->names, d->name);
          for (size_t j = 0; pl && j < pl->n; j++)
            {
              const provider *pv = &pl->v[j];
              if (pkgs->pkgs[pv->pkg].type != p->type || !satisfies (p->type, pv, d))
                continue;
              resolved = true;
              if (pv->pkg == i)
                continue;
              if (d->kind == OG_DEP_RECOMMENDS)
                {
                  if (seen_rec[pv->pkg] != i)
                    {
                      seen_rec[pv->pkg] = i;
                      og_idxv_push (&L->recommends, pv->pkg);
                    }
                }
              else if (seen[pv->pkg] != i)
                {
                  seen[pv->pkg] = i;
                  og_idxv_push (&L->requires, pv->pkg);
                }
            }
        }
      if (!resolved && kind != OG_DEP_RECOMMENDS)
        L->unresolved++;
    }
  if (L->requires.n > 1)
    qsort (L->requires.v, L->requires.n, sizeof *L->requires.v, cmp_size);
  if (L->recommends.n > 1)
    qsort (L->recommends.v, L->recommends.n, sizeof *L->recommends.v, cmp_size);
}

void
og_depgraph_build (const og_pkglist *pkgs, og_depgraph *g)
{
  name_index ix = { 0 };
  cleanup_free size_t *seen = NULL;
  cleanup_free size_t *seen_rec = NULL;
  size_t n = pkgs->n;

  memset (g, 0, sizeof *g);
  g->n = n;
  g->links = og_xcalloc (n ? n : 1, sizeof *g->links);
  seen = og_xmalloc ((n ? n : 1) * sizeof *seen);
  seen_rec = og_xmalloc ((n ? n : 1) * sizeof *seen_rec);
  for (size_t i = 0; i < n; i++)
    seen[i] = seen_rec[i] = NONE;
  index_build (&ix, pkgs);
  for (size_t i = 0; i < n; i++)
    resolve_one (&ix, pkgs, i, g, seen, seen_rec);
  /* The reverse, in package order (i ascending).  */
  for (size_t i = 0; i < n; i++)
    for (size_t k = 0; k < g->links[i].requires.n; k++)
      og_idxv_push (&g->links[g->links[i].requires.v[k]].required_by, i);
  index_clear (&ix);
}

void
og_depgraph_clear (og_depgraph *g)
{
  for (size_t i = 0; g->links && i < g->n; i++)
    {
      free (g->links[i].requires.v);
      free (g->links[i].required_by.v);
      free (g->links[i].recommends.v);
    }
  free (g->links);
  memset (g, 0, sizeof *g);
}

bool
og_package_protected (const og_package *p)
{
  return p->essential || p->priority_required;
}

/* ---- questions on the graph --------------------------------------------- */

typedef struct root_at
{
  size_t pkg;
  size_t dist;
  const char *name;
} root_at;

static int
cmp_root (const void *a, const void *b)
{
  const root_at *x = a, *y = b;
  if (x->dist != y->dist)
    return x->dist < y->dist ? -1 : 1;
  return strcmp (x->name ? x->name : "", y->name ? y->name : "");
}

void
og_depgraph_chains (const og_depgraph *g, const og_pkglist *pkgs, size_t start, size_t max,
                    og_chains *out)
{
  size_t n = g->n, head = 0, tail = 0, n_roots = 0;
  cleanup_free size_t *queue = og_xmalloc ((n ? n : 1) * sizeof *queue);
  cleanup_free size_t *parent = og_xmalloc ((n ? n : 1) * sizeof *parent);
  cleanup_free size_t *dist = og_xmalloc ((n ? n : 1) * sizeof *dist);
  cleanup_free root_at *roots = og_xmalloc ((n ? n : 1) * sizeof *roots);

  memset (out, 0, sizeof *out);
  if (start >= n)
    return;
  for (size_t i = 0; i < n; i++)
    dist[i] = parent[i] = NONE;
  dist[start] = 0;
  queue[tail++] = start;
  while (head < tail)
    {
      size_t x = queue[head++];
      const og_idxv *up = &g->links[x].required_by;
      /* A protected package holds itself in: what requires it is beside the point.  */
      if (up->n == 0 || og_package_protected (&pkgs->pkgs[x]))
        {
          roots[n_roots++] = (root_at){ x, dist[x], pkgs->pkgs[x].name };
          continue;
        }
      for (size_t k = 0; k < up->n; k++)
        if (dist[up->v[k]] == NONE)
          {
            dist[up->v[k]] = dist[x] + 1;
            parent[up->v[k]] = x;
            queue[tail++] = up->v[k];
          }
    }
  if (n_roots > 1)
    qsort (roots, n_roots, sizeof *roots, cmp_root);
  out->total = n_roots;
  out->cycle = n_roots == 0;
  out->v = og_xcalloc (n_roots ? n_roots : 1, sizeof *out->v);
  for (size_t r = 0; r < n_roots && r < max; r++)
    {
      og_idxv *c = &out->v[out->n++];
      /* parent[] points one step back toward start.  */
      for (size_t x = roots[r].pkg; x != NONE; x = parent[x])
        og_idxv_push (c, x);
      for (size_t a = 0, b = c->n - 1; a < b; a++, b--)
        {
          size_t t = c->v[a];
          c->v[a] = c->v[b];
          c->v[b] = t;
        }
    }
}

void
og_chains_clear (og_chains *c)
{
  for (size_t i = 0; i < c->n; i++)
    free (c->v[i].v);
  free (c->v);
  memset (c, 0, sizeof *c);
}

/* Mark everything reachable from x over requires in in[] (iterative).  */
static void
mark_closure (const og_depgraph *g, size_t x, bool *in, og_idxv *stack)
{
  if (in[x])
    return;
  in[x] = true;
  stack->n = 0;
  og_idxv_push (stack, x);
  while (stack->n)
    {
      const og_idxv *down = &g->links[stack->v[--stack->n]].requires;
      for (size_t k = 0; k < down->n; k++)
        if (!in[down->v[k]])
          {
            in[down->v[k]] = true;
            og_idxv_push (stack, down->v[k]);
          }
    }
}

void
og_depgraph_closure (const og_depgraph *g, const og_pkglist *pkgs, const size_t *seeds,
                     size_t n_seeds, bool *in)
{
  og_idxv stack = { 0 };
  memset (in, 0, g->n * sizeof *in);
  for (size_t i = 0; i < n_seeds; i++)
    if (seeds[i] < g->n)
      mark_closure (g, seeds[i], in, &stack);
  for (size_t i = 0; i < g->n; i++)
    if (og_package_protected (&pkgs->pkgs[i]))
      mark_closure (g, i, in, &stack);
  free (stack.v);
}

static bool
is_root (const og_depgraph *g, const og_pkglist *pkgs, size_t i)
{
  return g->links[i].required_by.n == 0 || og_package_protected (&pkgs->pkgs[i]);
}

void
og_depgraph_sole_holders (const og_depgraph *g, const og_pkglist *pkgs, size_t *held_by)
{
  size_t n = g->n;
  cleanup_free bool *in = og_xmalloc ((n ? n : 1) * sizeof *in);
  cleanup_free size_t *count = og_xcalloc (n ? n : 1, sizeof *count);
  og_idxv stack = { 0 };

  for (size_t i = 0; i < n; i++)
    held_by[i] = NONE;
  for (size_t r = 0; r < n; r++)
    {
      if (!is_root (g, pkgs, r))
        continue;
      memset (in, 0, n * sizeof *in);
      mark_closure (g, r, in, &stack);
      for (size_t i = 0; i < n; i++)
        if (in[i] && i != r)
          {
            count[i]++;
            held_by[i] = r;
          }
    }
  for (size_t i = 0; i < n; i++)
    if (count[i] != 1 || is_root (g, pkgs, i))
      held_by[i] = NONE;
  free (stack.v);
}
