/* The comparison of two inventories (see diff.h).  Both sides are sorted
   once and walked together, so two trees of 50,000 paths compare in
   O(n log n) with no per-path lookups.  Versions are compared as the
   ecosystem writes them (og_package_evr): two records with the same text
   are the same version, and the rows show that text.  */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/util.h"
#include "policy/diff.h"

/* A package with its version text, computed once.  */
typedef struct side_pkg
{
  const og_package *p;
  char *evr;
} side_pkg;

static int
cmp_nullable (const char *x, const char *y)
{
  if (x == NULL || y == NULL)
    return (x != NULL) - (y != NULL);
  return strcmp (x, y);
}

static int
cmp_side_pkg (const void *x, const void *y)
{
  const side_pkg *a = x, *b = y;
  int c = cmp_nullable (a->p->name, b->p->name);
  if (c == 0)
    c = cmp_nullable (a->p->arch, b->p->arch);
  if (c == 0)
    c = strcmp (a->evr, b->evr);
  return c;
}

static side_pkg *
sorted_packages (const og_pkglist *l)
{
  side_pkg *s = og_xcalloc (l->n + 1, sizeof *s);
  for (size_t i = 0; i < l->n; i++)
    {
      s[i].p = &l->pkgs[i];
      s[i].evr = og_package_evr (&l->pkgs[i]);
    }
  qsort (s, l->n, sizeof *s, cmp_side_pkg);
  return s;
}

static void
free_side (side_pkg *s, size_t n)
{
  for (size_t i = 0; s && i < n; i++)
    free (s[i].evr);
  free (s);
}

typedef struct pkg_rows
{
  og_diff *d;
  size_t cap;
} pkg_rows;

static void
add_pkg_row (pkg_rows *r, const char *name, const char *arch, const og_package *a,
             const og_package *b)
{
  og_diff *d = r->d;
  if (d->n_pkgs == r->cap)
    {
      r->cap = r->cap ? r->cap * 2 : 64;
      d->pkgs = og_xrealloc (d->pkgs, r->cap * sizeof *d->pkgs);
    }
  d->pkgs[d->n_pkgs++] = (og_diff_pkg){ .name = name, .arch = arch, .a = a, .b = b };
  if (a && b)
    d->changed++;
  else if (a)
    d->only_a++;
  else
    d->only_b++;
}

/* End of the run of entries in s[from, n) that share s[from]'s name (and
   arch, when by_arch).  */
static size_t
run_end (const side_pkg *s, size_t from, size_t n, const char *name, const char *arch, bool by_arch)
{
  size_t i = from;
  while (i < n && cmp_nullable (s[i].p->name, name) == 0
         && (!by_arch || cmp_nullable (s[i].p->arch, arch) == 0))
    i++;
  return i;
}

static bool
several_arches (const side_pkg *s, size_t from, size_t to)
{
  for (size_t i = from + 1; i < to; i++)
    if (cmp_nullable (s[i].p->arch, s[from].p->arch) != 0)
      return true;
  return false;
}

/* One key (a name, or a name and an arch): records with the same version
   and arch on both sides cancel; one left on each side is a changed row;
   anything else is a row of its own (rpm installonly kernels, gpg-pubkey).  */
static void
compare_group (pkg_rows *r, const char *name, const char *arch, side_pkg *a, size_t na, side_pkg *b,
               size_t nb)
{
  cleanup_free bool *used_b = og_xcalloc (nb + 1, sizeof *used_b);
  cleanup_free size_t *ra = og_xcalloc (na + 1, sizeof *ra);
  size_t nra = 0, nrb = 0, lastb = 0;

  if (r->d->ignore_versions && na > 0 && nb > 0)
    {
      /* Present on both sides: whatever differs is a version.  */
      for (size_t i = 0; i < na; i++)
        for (size_t j = 0; j < nb; j++)
          if (strcmp (a[i].evr, b[j].evr) != 0 || cmp_nullable (a[i].p->arch, b[j].p->arch) != 0)
            {
              r->d->ignored_version_only++;
              return;
            }
      return;
    }
  for (size_t i = 0; i < na; i++)
    {
      bool found = false;
      for (size_t j = 0; j < nb && !found; j++)
        if (!used_b[j] && strcmp (a[i].evr, b[j].evr) == 0
            && cmp_nullable (a[i].p->arch, b[j].p->arch) == 0)
          used_b[j] = found = true;
      if (!found)
        ra[nra++] = i;
    }
  for (size_t j = 0; j < nb; j++)
    if (!used_b[j])
      {
        nrb++;
        lastb = j;
      }
  if (nra == 1 && nrb == 1)
    {
      add_pkg_row (r, name, arch, a[ra[0]].p, b[lastb].p);
      return;
    }
  for (size_t i = 0; i < nra; i++)
    add_pkg_row (r, name, arch, a[ra[i]].p, NULL);
  for (size_t j = 0; j < nb; j++)
    if (!used_b[j])
      add_pkg_row (r, name, arch, NULL, b[j].p);
}

/* All records of one name on both sides.  */
static void
compare_name (pkg_rows *r, const char *name, side_pkg *a, size_t na, side_pkg *b, size_t nb)
{
  size_t i = 0, j = 0;

  if (!several_arches (a, 0, na) && !several_arches (b, 0, nb))
    {
      compare_group (r, name, NULL, a, na, b, nb);
      return;
    }
  while (i < na || j < nb)
    {
      const char *arch;
      int c;
      size_t ie, je;

      if (i < na && j < nb)
        c = cmp_nullable (a[i].p->arch, b[j].p->arch);
      else
        c = i < na ? -1 : 1;
      arch = c <= 0 ? a[i].p->arch : b[j].p->arch;
      ie = c <= 0 ? run_end (a, i, na, name, arch, true) : i;
      je = c >= 0 ? run_end (b, j, nb, name, arch, true) : j;
      compare_group (r, name, arch, a + i, ie - i, b + j, je - j);
      i = ie;
      j = je;
    }
}

static void
diff_packages (og_diff *d)
{
  const og_pkglist *la = &d->inv_a->packages, *lb = &d->inv_b->packages;
  side_pkg *a = sorted_packages (la), *b = sorted_packages (lb);
  pkg_rows r = { .d = d };
  size_t i = 0, j = 0;

  while (i < la->n || j < lb->n)
    {
      int c;
      const char *name;
      size_t ie, je;

      if (i < la->n && j < lb->n)
        c = cmp_nullable (a[i].p->name, b[j].p->name);
      else
        c = i < la->n ? -1 : 1;
      name = c <= 0 ? a[i].p->name : b[j].p->name;
      ie = c <= 0 ? run_end (a, i, la->n, name, NULL, false) : i;
      je = c >= 0 ? run_end (b, j, lb->n, name, NULL, false) : j;
      compare_name (&r, name, a + i, ie - i, b + j, je - j);
      i = ie;
      j = je;
    }
  free_side (a, la->n);
  free_side (b, lb->n);
}

/* ---- executables and files ---------------------------------------------- */

/* og_exec and og_file both start with their path.  */
static const char *
path_of (const void *rec)
{
  return *(const char *const *)rec;
}

static int
cmp_path_ptr (const void *x, const void *y)
{
  const void *const *a = x, *const *b = y;
  return strcmp (path_of (*a), path_of (*b));
}

/* Pointers to the records, sorted by path.  */
static const void **
sorted_paths (const void *base, size_t n, size_t size)
{
  const void **v = og_xcalloc (n + 1, sizeof *v);
  for (size_t i = 0; i < n; i++)
    v[i] = (const char *)base + i * size;
  qsort (v, n, sizeof *v, cmp_path_ptr);
  return v;
}

static const char *
pkg_name (const og_inventory *inv, ssize_t i)
{
  return i >= 0 ? inv->packages.pkgs[i].name : NULL;
}

static unsigned
exec_changes (const og_diff *d, const og_exec *a, const og_exec *b)
{
  unsigned c = 0;
  if ((a->mode & S_IFMT) != (b->mode & S_IFMT))
    c |= OG_DIFF_F_TYPE;
  if ((a->mode & 07777) != (b->mode & 07777) || a->setuid != b->setuid || a->setgid != b->setgid)
    c |= OG_DIFF_F_MODE;
  if (a->uid != b->uid || a->gid != b->gid)
    c |= OG_DIFF_F_OWNER;
  if (a->size != b->size)
    c |= OG_DIFF_F_SIZE;
  if (cmp_nullable (a->capabilities, b->capabilities) != 0)
    c |= OG_DIFF_F_CAPS;
  if (cmp_nullable (pkg_name (d->inv_a, a->package), pkg_name (d->inv_b, b->package)) != 0)
    c |= OG_DIFF_F_PACKAGE;
  if (a->cls.kind != b->cls.kind)
    c |= OG_DIFF_F_KIND;
  if (a->sha256 && b->sha256 && strcmp (a->sha256, b->sha256) != 0)
    c |= OG_DIFF_F_DIGEST;
  return c;
}

static unsigned
file_changes (const og_diff *d, const og_file *a, const og_file *b)
{
  unsigned c = 0;
  uint32_t type = a->mode & S_IFMT;
  if (type != (b->mode & S_IFMT))
    c |= OG_DIFF_F_TYPE;
  if ((a->mode & 07777) != (b->mode & 07777))
    c |= OG_DIFF_F_MODE;
  if (a->uid != b->uid || a->gid != b->gid)
    c |= OG_DIFF_F_OWNER;
  /* A directory's size is its filesystem's business (a tar records none).  */
  if (type != S_IFDIR && a->size != b->size)
    c |= OG_DIFF_F_SIZE;
  if (cmp_nullable (a->link_target, b->link_target) != 0)
    c |= OG_DIFF_F_TARGET;
  if (a->exec >= 0 && b->exec >= 0)
    {
      const char *da = d->inv_a->execs[a->exec].sha256, *db = d->inv_b->execs[b->exec].sha256;
      if (da && db && strcmp (da, db) != 0)
        c |= OG_DIFF_F_DIGEST;
    }
  return c;
}

static void
diff_paths (og_diff *d, bool files)
{
  size_t na = files ? d->inv_a->n_files : d->inv_a->n_execs;
  size_t nb = files ? d->inv_b->n_files : d->inv_b->n_execs;
  size_t size = files ? sizeof (og_file) : sizeof (og_exec);
  cleanup_free const void **a = sorted_paths (
      files ? (const void *)d->inv_a->files : (const void *)d->inv_a->execs, na, size);
  cleanup_free const void **b = sorted_paths (
      files ? (const void *)d->inv_b->files : (const void *)d->inv_b->execs, nb, size);
  size_t i = 0, j = 0, cap = 0;

  while (i < na || j < nb)
    {
      og_diff_path row = { 0 };
      int c;
      if (i < na && j < nb)
        c = strcmp (path_of (a[i]), path_of (b[j]));
      else
        c = i < na ? -1 : 1;
      if (c == 0)
        {
          row.changed = files ? file_changes (d, (const og_file *)a[i], (const og_file *)b[j])
                              : exec_changes (d, (const og_exec *)a[i], (const og_exec *)b[j]);
          row.a = a[i++];
          row.b = b[j++];
          if (row.changed == 0)
            continue;
          d->changed++;
        }
      else if (c < 0)
        {
          row.a = a[i++];
          d->only_a++;
        }
      else
        {
          row.b = b[j++];
          d->only_b++;
        }
      row.path = path_of (row.a ? row.a : row.b);
      if (d->n_paths == cap)
        {
          cap = cap ? cap * 2 : 64;
          d->paths = og_xrealloc (d->paths, cap * sizeof *d->paths);
        }
      d->paths[d->n_paths++] = row;
    }
}

int
og_diff_compute (const og_inventory *a, const og_inventory *b, og_diff_what what,
                 bool ignore_versions, og_diff *out, og_error **err)
{
  *out = (og_diff){ .what = what, .ignore_versions = ignore_versions, .inv_a = a, .inv_b = b };
  switch (what)
    {
    case OG_DIFF_PACKAGES:
      diff_packages (out);
      break;
    case OG_DIFF_EXECUTABLES:
      diff_paths (out, false);
      break;
    case OG_DIFF_FILES:
      diff_paths (out, true);
      break;
    default:
      return og_error_set (err, EINVAL, "unknown diff kind %d", (int)what);
    }
  return 0;
}

void
og_diff_clear (og_diff *d)
{
  free (d->pkgs);
  free (d->paths);
  *d = (og_diff){ 0 };
}

const char *
og_diff_what_name (og_diff_what w)
{
  switch (w)
    {
    case OG_DIFF_PACKAGES:
      return "packages";
    case OG_DIFF_EXECUTABLES:
      return "executables";
    case OG_DIFF_FILES:
      return "files";
    default:
      return "unknown";
    }
}

int
og_diff_what_parse (const char *s, og_diff_what *out)
{
  static const og_diff_what all[] = { OG_DIFF_PACKAGES, OG_DIFF_EXECUTABLES, OG_DIFF_FILES };
  for (size_t i = 0; i < OG_ARRAY_SIZE (all); i++)
    if (strcmp (s, og_diff_what_name (all[i])) == 0)
      {
        *out = all[i];
        return 0;
      }
  return -1;
}

const char *
og_diff_field_name (unsigned bit)
{
  static const char *const names[OG_DIFF_F_COUNT] = {
    "type", "mode", "owner", "size", "target", "capabilities", "package", "kind", "sha256",
  };
  for (unsigned i = 0; i < OG_DIFF_F_COUNT; i++)
    if (bit == 1u << i)
      return names[i];
  return "unknown";
}
