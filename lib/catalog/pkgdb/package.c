/* The package model shared by every database reader.  */
#include "catalog/pkgdb/pkgdb.h"
#include "base/util.h"

og_package *
og_pkglist_add (og_pkglist *l)
{
  og_package *p;
  og_grow (&l->pkgs, &l->cap, l->n + 1, sizeof *l->pkgs);
  p = &l->pkgs[l->n++];
  memset (p, 0, sizeof *p);
  return p;
}

og_pkg_file *
og_package_add_file (og_package *p, const char *path, size_t path_len)
{
  og_pkg_file *f;
  og_grow (&p->files, &p->cap_files, p->n_files + 1, sizeof *p->files);
  f = &p->files[p->n_files++];
  memset (f, 0, sizeof *f);
  f->path = og_xstrndup (path, path_len);
  return f;
}

og_pkg_dep *
og_pkg_deps_add (og_pkg_deps *l, const char *name, size_t name_len, const char *version,
                 size_t version_len, uint32_t sense, uint32_t clause, og_dep_kind kind)
{
  og_pkg_dep *d;
  og_grow (&l->v, &l->cap, l->n + 1, sizeof *l->v);
  d = &l->v[l->n++];
  d->name = og_xstrndup (name, name_len);
  d->version = version ? og_xstrndup (version, version_len) : NULL;
  d->sense = version ? sense : 0;
  d->clause = clause;
  d->kind = kind;
  return d;
}

void
og_pkg_deps_clear (og_pkg_deps *l)
{
  for (size_t i = 0; i < l->n; i++)
    {
      free (l->v[i].name);
      free (l->v[i].version);
    }
  free (l->v);
  memset (l, 0, sizeof *l);
}

void
og_package_clear (og_package *p)
{
  for (size_t i = 0; i < p->n_files; i++)
    {
      free (p->files[i].path);
      free (p->files[i].digest);
      free (p->files[i].user);
      free (p->files[i].group);
      free (p->files[i].diverted);
    }
  free (p->files);
  free (p->name);
  free (p->version);
  free (p->release);
  free (p->arch);
  free (p->source);
  free (p->source_version);
  free (p->license);
  free (p->vendor);
  free (p->state);
  og_pkg_deps_clear (&p->depends);
  og_pkg_deps_clear (&p->provides);
  memset (p, 0, sizeof *p);
}

void
og_pkglist_clear (og_pkglist *l)
{
  for (size_t i = 0; i < l->n; i++)
    og_package_clear (&l->pkgs[i]);
  bool with_deps = l->with_deps, with_verify = l->with_verify;
  free (l->pkgs);
  memset (l, 0, sizeof *l);
  l->with_deps = with_deps;
  l->with_verify = with_verify;
}

void
og_pkglist_truncate (og_pkglist *l, size_t n)
{
  while (l->n > n)
    og_package_clear (&l->pkgs[--l->n]);
}

char *
og_package_evr (const og_package *p)
{
  og_buf b = { 0 };
  if (p->has_epoch && (p->type != OG_PKG_DEB || p->epoch != 0))
    og_buf_printf (&b, "%u:", p->epoch);
  og_buf_puts (&b, p->version ? p->version : "");
  if (p->release)
    og_buf_printf (&b, "-%s", p->release);
  return og_buf_steal (&b);
}

char *
og_package_nevra (const og_package *p)
{
  og_buf b = { 0 };
  if (p->type == OG_PKG_RPM)
    {
      og_buf_printf (&b, "%s-", p->name ? p->name : "");
      if (p->has_epoch)
        og_buf_printf (&b, "%u:", p->epoch);
      og_buf_printf (&b, "%s-%s", p->version ? p->version : "", p->release ? p->release : "");
      if (p->arch)
        og_buf_printf (&b, ".%s", p->arch);
      return og_buf_steal (&b);
    }
  {
    cleanup_free char *evr = og_package_evr (p);
    og_buf_printf (&b, "%s %s", p->name ? p->name : "", evr);
    if (p->arch)
      og_buf_printf (&b, " %s", p->arch);
  }
  return og_buf_steal (&b);
}

static const char *const type_names[] = {
  [OG_PKG_RPM] = "rpm",
  [OG_PKG_DEB] = "deb",
  [OG_PKG_APK] = "apk",
};

const char *
og_pkg_type_name (og_pkg_type t)
{
  if ((size_t)t < OG_ARRAY_SIZE (type_names) && type_names[t])
    return type_names[t];
  return "unknown";
}

og_pkg_type
og_pkg_type_parse (const char *s)
{
  for (size_t t = 0; t < OG_ARRAY_SIZE (type_names); t++)
    if (type_names[t] && strcmp (s, type_names[t]) == 0)
      return (og_pkg_type)t;
  return 0;
}
