/* `ocigate diff` as a table (aligned columns) and as markdown: one row per
   difference, `Package | A | B` with the missing side "Not Installed", then
   the summary line.  */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/text.h"
#include "base/util.h"
#include "catalog/accounts.h"
#include "output/diff.h"
#include "output/output.h"

#define NOT_INSTALLED "Not Installed"
#define ABSENT        "Absent"

typedef struct cells
{
  char **v; /* 3 a row */
  size_t rows;
} cells;

static void
cells_clear (cells *c)
{
  og_strv_free (c->v, c->rows * 3);
}

/* The cell s escaped (base/text.h), as in the other tables: a path or a
   name from the image holding a newline or ESC cannot forge a row or drive
   the terminal.  Takes s.  */
static char *
escaped (char *s)
{
  char *e = og_text_escaped (s);
  free (s);
  return e;
}

static void
cells_add (cells *c, char *first, char *a, char *b)
{
  c->v = og_xreallocarray (c->v, (c->rows + 1) * 3, sizeof *c->v);
  c->v[c->rows * 3] = escaped (first);
  c->v[c->rows * 3 + 1] = escaped (a);
  c->v[c->rows * 3 + 2] = escaped (b);
  c->rows++;
}

static char *
pkg_version (const og_package *p, bool with_arch)
{
  og_buf b = { 0 };
  cleanup_free char *evr = NULL;
  if (p == NULL)
    return og_xstrdup (NOT_INSTALLED);
  evr = og_package_evr (p);
  og_buf_puts (&b, evr);
  if (with_arch && p->arch)
    og_buf_printf (&b, " (%s)", p->arch);
  return og_buf_steal (&b);
}

static char *
pkg_key (const og_diff_pkg *r)
{
  const og_package *p = r->a ? r->a : r->b;
  og_buf b = { 0 };
  og_buf_puts (&b, r->name ? r->name : "");
  if (r->arch)
    og_buf_printf (&b, "%c%s", p->type == OG_PKG_RPM ? '.' : ':', r->arch);
  return og_buf_steal (&b);
}

static void
package_cells (const og_diff *d, cells *c)
{
  for (size_t i = 0; i < d->n_pkgs; i++)
    {
      const og_diff_pkg *r = &d->pkgs[i];
      /* A changed row whose arch changed shows it; the key has none.  */
      bool arch_changed
          = r->a && r->b && r->arch == NULL
            && (r->a->arch == NULL || r->b->arch == NULL ? r->a->arch != r->b->arch
                                                         : strcmp (r->a->arch, r->b->arch) != 0);
      cells_add (c, pkg_key (r), pkg_version (r->a, arch_changed),
                 pkg_version (r->b, arch_changed));
    }
}

/* One side of a path row.  A path on one side only shows what `ls -l`
   would (and its capabilities and package when it has them); a changed
   path shows only the fields that changed, each named.  */
static char *
path_side (const og_diff *d, const og_inventory *inv, const void *rec, unsigned changed)
{
  og_buf b = { 0 };
  char mode[11];
  uint32_t m, uid, gid;
  uint64_t size;
  const char *target = NULL, *caps = NULL, *kind = NULL, *sha = NULL, *pkg;
  ssize_t pi;
  bool one = changed == 0;

  if (rec == NULL)
    return og_xstrdup (d->what == OG_DIFF_FILES ? ABSENT : NOT_INSTALLED);
  if (d->what == OG_DIFF_FILES)
    {
      const og_file *f = rec;
      m = f->mode, uid = f->uid, gid = f->gid, size = f->size, target = f->link_target;
      pi = f->package;
      if (f->exec >= 0)
        sha = inv->execs[f->exec].sha256;
    }
  else
    {
      const og_exec *x = rec;
      m = x->mode, uid = x->uid, gid = x->gid, size = x->size, caps = x->capabilities;
      kind = og_exec_kind_name (x->cls.kind), sha = x->sha256;
      pi = x->package;
    }
  pkg = pi >= 0 ? inv->packages.pkgs[pi].name : NULL;
  og_mode_string (m, mode);
  if (one || (changed & (OG_DIFF_F_TYPE | OG_DIFF_F_MODE)))
    og_buf_printf (&b, " %s", mode);
  if (one || (changed & OG_DIFF_F_OWNER))
    {
      og_buf_putc (&b, ' ');
      og_owner_format (&b, &inv->users, &inv->groups, uid, gid);
    }
  if ((one && !S_ISDIR (m)) || (changed & OG_DIFF_F_SIZE))
    og_buf_printf (&b, one ? " %llu" : " size=%llu", (unsigned long long)size);
  if ((one || (changed & OG_DIFF_F_TARGET)) && target)
    og_buf_printf (&b, " -> %s", target);
  if ((one || (changed & OG_DIFF_F_KIND)) && kind)
    og_buf_printf (&b, " %s", kind);
  if ((one && caps) || (changed & OG_DIFF_F_CAPS))
    og_buf_printf (&b, " caps=%s", caps ? caps : "none");
  if ((one && pkg) || (changed & OG_DIFF_F_PACKAGE))
    og_buf_printf (&b, " package=%s", pkg ? pkg : "none");
  if ((changed & OG_DIFF_F_DIGEST) && sha)
    og_buf_printf (&b, " sha256=%.12s", sha);
  if (b.len == 0)
    og_buf_puts (&b, " -");
  {
    char *s = og_buf_steal (&b);
    memmove (s, s + 1, strlen (s)); /* the leading space */
    return s;
  }
}

static void
path_cells (const og_diff *d, cells *c)
{
  for (size_t i = 0; i < d->n_paths; i++)
    {
      const og_diff_path *r = &d->paths[i];
      cells_add (c, og_xstrdup (r->path), path_side (d, d->inv_a, r->a, r->changed),
                 path_side (d, d->inv_b, r->b, r->changed));
    }
}

static const char *
subject (og_diff_what w, bool capital)
{
  switch (w)
    {
    case OG_DIFF_PACKAGES:
      return capital ? "Package" : "package";
    case OG_DIFF_EXECUTABLES:
      return capital ? "Executable" : "executable";
    case OG_DIFF_FILES:
      return capital ? "Path" : "file";
    default:
      return "?";
    }
}

char *
og_diff_summary_text (const og_diff *d, const char *la, const char *lb)
{
  og_buf b = { 0 };
  size_t n = og_diff_count (d);
  og_buf_printf (&b, "%zu %s difference%s: %zu only in %s, %zu only in %s, %zu ", n,
                 subject (d->what, false), n == 1 ? "" : "s", d->only_a, la, d->only_b, lb,
                 d->changed);
  og_buf_puts (&b, d->what == OG_DIFF_PACKAGES ? "with different versions" : "changed");
  if (d->ignore_versions)
    og_buf_printf (&b, " (versions ignored: %zu version-only difference%s not shown)",
                   d->ignored_version_only, d->ignored_version_only == 1 ? "" : "s");
  return og_buf_steal (&b);
}

static void
build_cells (const og_diff *d, const char *la, const char *lb, cells *c)
{
  cells_add (c, og_xstrdup (subject (d->what, true)), og_xstrdup (la), og_xstrdup (lb));
  if (d->what == OG_DIFF_PACKAGES)
    package_cells (d, c);
  else
    path_cells (d, c);
}

static int
finish (FILE *out, og_error **err)
{
  if (fflush (out) != 0 || ferror (out))
    return og_error_set (err, errno, "write output");
  return 0;
}

int
og_diff_write_table (const og_diff *d, const char *la, const char *lb, FILE *out, og_error **err)
{
  cells c = { 0 };
  size_t w[2] = { 0, 0 };
  cleanup_free char *sum = og_diff_summary_text (d, la, lb);

  build_cells (d, la, lb, &c);
  for (size_t i = 0; i < c.rows; i++)
    for (size_t k = 0; k < 2; k++)
      {
        size_t l = strlen (c.v[i * 3 + k]);
        w[k] = l > w[k] ? l : w[k];
      }
  /* A header with no rows says nothing: identical sides print the summary only.  */
  for (size_t i = c.rows > 1 ? 0 : 1; i < c.rows; i++)
    fprintf (out, "%-*s  %-*s  %s\n", (int)w[0], c.v[i * 3], (int)w[1], c.v[i * 3 + 1],
             c.v[i * 3 + 2]);
  fprintf (out, "%s\n", sum);
  cells_clear (&c);
  return finish (out, err);
}

/* A markdown cell: `|` escaped, newlines (never in these fields, but a
   label may carry one) turned into spaces.  */
static void
md_cell (FILE *out, const char *s)
{
  fputs ("| ", out);
  for (; *s; s++)
    {
      if (*s == '|')
        fputs ("\\|", out);
      else if (*s == '\n' || *s == '\r')
        fputc (' ', out);
      else
        fputc (*s, out);
    }
  fputc (' ', out);
}

int
og_diff_write_markdown (const og_diff *d, const char *la, const char *lb, FILE *out, og_error **err)
{
  cells c = { 0 };
  cleanup_free char *sum = og_diff_summary_text (d, la, lb);

  build_cells (d, la, lb, &c);
  if (c.rows > 1)
    {
      for (size_t i = 0; i < c.rows; i++)
        {
          for (size_t k = 0; k < 3; k++)
            md_cell (out, c.v[i * 3 + k]);
          fputs ("|\n", out);
          if (i == 0)
            fputs ("| --- | --- | --- |\n", out);
        }
      fputc ('\n', out);
    }
  fprintf (out, "%s\n", sum);
  cells_clear (&c);
  return finish (out, err);
}
