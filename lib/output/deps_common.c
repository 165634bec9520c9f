/* What the dependency documents share: finding a package by name or by a
   path it owns, in the inventory, and the graph keys of a package in the
   inventory JSON.  */
#include "base/strmap.h"
#include "base/util.h"
#include "output/deps.h"

int
og_inventory_find_package (const og_inventory *inv, const char *name, size_t *out, og_error **err)
{
  for (size_t i = 0; i < inv->packages.n; i++)
    if (og_str_eq (inv->packages.pkgs[i].name, name))
      {
        *out = i;
        return 0;
      }
  return og_error_set (err, 0, "no installed package is named '%s'", name);
}

/* Join a link target to the directory of the link; both absolute results.  */
static char *
join_target (const char *link, const char *target)
{
  const char *slash;
  if (target[0] == '/')
    return og_xstrdup (target);
  slash = strrchr (link, '/');
  return og_xasprintf ("%.*s/%s", (int)(slash ? slash - link : 0), link, target);
}

/* Collapse "//", "/./" and "/../" (lexically: the links are already
   followed component by component).  */
static char *
normalize (const char *p)
{
  og_buf b = { 0 };
  og_buf_putc (&b, '/');
  while (*p)
    {
      const char *e;
      size_t n;
      while (*p == '/')
        p++;
      e = strchrnul (p, '/');
      n = (size_t)(e - p);
      if (n == 0 || (n == 1 && p[0] == '.'))
        ;
      else if (n == 2 && p[0] == '.' && p[1] == '.')
        {
          while (b.len > 1 && b.data[b.len - 1] != '/')
            b.len--;
          if (b.len > 1)
            b.len--;
          b.data[b.len] = '\0';
        }
      else
        {
          if (b.len > 1)
            og_buf_putc (&b, '/');
          og_buf_append (&b, p, n);
        }
      p = e;
    }
  return og_buf_steal (&b);
}

/* Follow the symlinks among the leading components of path (the inventory
   recorded every entry with its link target), at most 40 times as the
   kernel does.  */
static char *
resolve (const og_strmap *links, const char *path)
{
  cleanup_free char *cur = normalize (path);
  for (int hops = 0; hops < 40; hops++)
    {
      bool changed = false;
      for (char *s = cur + 1;; s++)
        {
          char save = *s;
          const char *target;
          if (save != '/' && save != '\0')
            continue;
          *s = '\0';
          target = og_strmap_get (links, cur);
          *s = save;
          if (target && save == '/')
            {
              cleanup_free char *head = og_xstrndup (cur, (size_t)(s - cur));
              cleanup_free char *j = join_target (head, target);
              cleanup_free char *full = og_xasprintf ("%s%s", j, s);
              free (cur);
              cur = normalize (full);
              changed = true;
              break;
            }
          if (save == '\0')
            break;
        }
      if (!changed)
        break;
    }
  return og_steal_pointer (&cur);
}

int
og_inventory_path_owner (const og_inventory *inv, const char *path, ssize_t *pkg, og_error **err)
{
  og_strmap links = { 0 };
  cleanup_free char *real = NULL;
  int ret = -1;

  for (size_t i = 0; i < inv->n_files; i++)
    if (inv->files[i].link_target)
      og_strmap_put (&links, inv->files[i].path, inv->files[i].link_target);
  real = resolve (&links, path);
  og_strmap_clear (&links, NULL);
  for (size_t i = 0; i < inv->n_files; i++)
    if (strcmp (inv->files[i].path, real) == 0)
      {
        *pkg = inv->files[i].package;
        ret = 0;
        break;
      }
  if (ret < 0)
    og_error_set (err, 0, "%s: no such file in the source", path);
  return ret;
}

int
og_keep_resolve (const og_inventory *inv, const char *const *keep, size_t n_keep, size_t *pkgs,
                 size_t *n_pkgs, bool *in, og_error **err)
{
  *n_pkgs = 0;
  for (size_t k = 0; k < n_keep; k++)
    {
      if (keep[k][0] == '/')
        {
          ssize_t pkg;
          if (og_inventory_path_owner (inv, keep[k], &pkg, err) < 0)
            return -1;
          if (pkg < 0)
            return og_error_set (err, 0, "--keep %s: no package owns it", keep[k]);
          pkgs[(*n_pkgs)++] = (size_t)pkg;
        }
      else if (og_inventory_find_package (inv, keep[k], &pkgs[(*n_pkgs)++], err) < 0)
        {
          og_error_prefix (err, "--keep");
          return -1;
        }
    }
  og_depgraph_closure (&inv->deps, &inv->packages, pkgs, *n_pkgs, in);
  return 0;
}

static void
write_names (og_jw *w, const char *key, const og_inventory *inv, const og_idxv *x)
{
  yajl_gen_string (w->g, (const unsigned char *)key, strlen (key));
  yajl_gen_array_open (w->g);
  for (size_t k = 0; k < x->n; k++)
    og_jw_str (w, inv->packages.pkgs[x->v[k]].name);
  yajl_gen_array_close (w->g);
}

void
og_package_write_deps_json (og_jw *w, const og_inventory *inv, size_t i)
{
  const og_package *p = &inv->packages.pkgs[i];
  if (inv->deps.links == NULL || i >= inv->deps.n)
    return;
  write_names (w, "requires", inv, &inv->deps.links[i].requires);
  write_names (w, "required_by", inv, &inv->deps.links[i].required_by);
  if (p->type == OG_PKG_DEB)
    {
      write_names (w, "recommends", inv, &inv->deps.links[i].recommends);
      og_jw_kbool (w, "essential", p->essential);
      og_jw_kbool (w, "priority_required", p->priority_required);
    }
}
