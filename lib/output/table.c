/* Tables aligned for a terminal: columns padded to their widest cell, the
   last column left unpadded (it holds paths).  Every cell and every header
   value is escaped (base/text.h): a name from the image holding a newline or
   ESC cannot forge a line or drive the terminal.  */
#include <sys/stat.h>

#include "base/text.h"
#include "base/util.h"
#include "output/output.h"

typedef struct table
{
  size_t ncols;
  char **cells; /* row-major */
  size_t n;     /* cells used */
  size_t cap;
} table;

static void
cell (table *t, const char *s)
{
  og_grow (&t->cells, &t->cap, t->n + 1, sizeof *t->cells);
  t->cells[t->n++] = og_text_escaped (s ? s : "-");
}

/* The header row: the names, as many as there are columns.  */
#define headers(t, ...)                                                                            \
  set_headers ((t), (const char *const[]){ __VA_ARGS__ },                                          \
               sizeof ((const char *const[]){ __VA_ARGS__ }) / sizeof (const char *))
static void
set_headers (table *t, const char *const *names, size_t n)
{
  t->ncols = n;
  for (size_t i = 0; i < n; i++)
    cell (t, names[i]);
}

static void cellf (table *t, const char *fmt, ...) __attribute__ ((format (printf, 2, 3)));
static void
cellf (table *t, const char *fmt, ...)
{
  va_list ap;
  cleanup_free char *s = NULL;
  va_start (ap, fmt);
  s = og_vasprintf (fmt, ap);
  va_end (ap);
  cell (t, s);
}

static void
table_clear (table *t)
{
  og_strv_free (t->cells, t->n);
  memset (t, 0, sizeof *t);
}
#define cleanup_table __attribute__ ((cleanup (table_clear)))

static void
table_print (table *t, FILE *out)
{
  cleanup_free size_t *w = og_xcalloc (t->ncols, sizeof *w);
  for (size_t i = 0; i < t->n; i++)
    {
      size_t l = strlen (t->cells[i]);
      if (l > w[i % t->ncols])
        w[i % t->ncols] = l;
    }
  for (size_t i = 0; i < t->n; i++)
    {
      size_t c = i % t->ncols;
      if (c + 1 == t->ncols)
        fprintf (out, "%s\n", t->cells[i]);
      else
        fprintf (out, "%-*s  ", (int)w[c], t->cells[i]);
    }
  table_clear (t); /* ready for the next table */
}

void
og_mode_string (uint32_t mode, char out[11])
{
  static const char types[] = "?pc?d?b?-?l?s???";
  out[0] = types[(mode >> 12) & 15];
  out[1] = mode & S_IRUSR ? 'r' : '-';
  out[2] = mode & S_IWUSR ? 'w' : '-';
  out[3] = mode & S_ISUID ? (mode & S_IXUSR ? 's' : 'S') : (mode & S_IXUSR ? 'x' : '-');
  out[4] = mode & S_IRGRP ? 'r' : '-';
  out[5] = mode & S_IWGRP ? 'w' : '-';
  out[6] = mode & S_ISGID ? (mode & S_IXGRP ? 's' : 'S') : (mode & S_IXGRP ? 'x' : '-');
  out[7] = mode & S_IROTH ? 'r' : '-';
  out[8] = mode & S_IWOTH ? 'w' : '-';
  out[9] = mode & S_ISVTX ? (mode & S_IXOTH ? 't' : 'T') : (mode & S_IXOTH ? 'x' : '-');
  out[10] = '\0';
}

static void
exec_kind_text (const og_exec *x, char *buf, size_t len)
{
  if (x->cls.kind == OG_KIND_ELF)
    {
      const char *m = og_elf_machine_name (x->cls.elf.machine);
      snprintf (buf, len, "elf%u/%s/%s/%s", x->cls.elf.elf_class, m ? m : "?",
                og_elf_type_name (&x->cls.elf), x->cls.elf.dynamic ? "dynamic" : "static");
    }
  else if (x->cls.kind == OG_KIND_SCRIPT)
    snprintf (buf, len, "script:%s", x->cls.interpreter[0] ? x->cls.interpreter : "?");
  else
    snprintf (buf, len, "other");
}

static void
exec_flags_text (const og_exec *x, og_buf *b)
{
  b->len = 0;
  og_buf_puts (b, "");
  if (x->setuid)
    og_buf_puts (b, "setuid ");
  if (x->setgid)
    og_buf_puts (b, "setgid ");
  if (x->capabilities)
    og_buf_printf (b, "caps:%s ", x->capabilities);
  if (b->len)
    b->data[--b->len] = '\0';
  else
    og_buf_puts (b, "-");
}

/* The owner in the one wording of every table (catalog/accounts.h).  */
static void
owner_cell (table *t, const og_inventory *inv, uint32_t uid, uint32_t gid)
{
  cleanup_buf og_buf b = { 0 };
  og_owner_format (&b, &inv->users, &inv->groups, uid, gid);
  cell (t, b.data);
}

/* The escaped copy of s, in b (reused: one buffer per %s of a call).  */
static const char *
safe (og_buf *b, const char *s)
{
  b->len = 0;
  og_buf_puts (b, "");
  og_text_escape (b, s ? s : "-");
  return b->data;
}

int
og_inventory_write_table (const og_inventory *inv, FILE *out, og_error **err)
{
  cleanup_table table t = { 0 };
  cleanup_buf og_buf flags = { 0 };
  const og_inventory_summary *s = &inv->summary;

  cleanup_buf og_buf e1 = { 0 }, e2 = { 0 }, e3 = { 0 };

  fprintf (out, "SOURCE  %s ", safe (&e1, inv->source.kind));
  fprintf (out, "%s\n", safe (&e1, inv->source.path));
  fprintf (out, "OS      %s\n",
           safe (&e1, inv->os.pretty_name ? inv->os.pretty_name
                      : inv->os.id        ? inv->os.id
                                          : "unknown (no os-release)"));
  for (size_t i = 0; i < inv->n_dbs; i++)
    fprintf (out, "DB      %s %s (%s)\n", safe (&e1, inv->dbs[i].type),
             safe (&e2, inv->dbs[i].path), safe (&e3, inv->dbs[i].backend));

  fprintf (out, "\nPACKAGES (%zu)\n", inv->packages.n);
  if (inv->packages.n)
    {
      headers (&t, "TYPE", "VERSION", "ARCH", "FILES", "NAME");
      for (size_t i = 0; i < inv->packages.n; i++)
        {
          const og_package *p = &inv->packages.pkgs[i];
          cleanup_free char *evr = og_package_evr (p);
          cell (&t, og_pkg_type_name (p->type));
          cell (&t, evr);
          cell (&t, p->arch);
          cellf (&t, "%zu", og_package_file_count (p));
          cell (&t, p->name);
        }
      table_print (&t, out);
    }

  fprintf (out, "\nEXECUTABLES (%zu)\n", inv->n_execs);
  if (inv->n_execs)
    {
      headers (&t, "MODE", "OWNER", "SIZE", "KIND", "FLAGS", "PACKAGE", "PATH");
      for (size_t i = 0; i < inv->n_execs; i++)
        {
          const og_exec *x = &inv->execs[i];
          char mode[11], kind[320];
          og_mode_string (x->mode, mode);
          exec_kind_text (x, kind, sizeof kind);
          exec_flags_text (x, &flags);
          cell (&t, mode);
          owner_cell (&t, inv, x->uid, x->gid);
          cellf (&t, "%llu", (unsigned long long)x->size);
          cell (&t, kind);
          cell (&t, flags.data);
          cell (&t, x->package >= 0 ? inv->packages.pkgs[x->package].name : "(unowned)");
          cell (&t, x->path);
        }
      table_print (&t, out);
    }
  fprintf (out,
           "\nSUMMARY packages %zu, executables %zu (elf %zu, scripts %zu, other %zu), "
           "setuid %zu, setgid %zu, capabilities %zu, unowned %zu\n",
           s->packages, s->executables, s->elf, s->scripts, s->other, s->setuid, s->setgid,
           s->capabilities, s->unowned);
  if (fflush (out) != 0 || ferror (out))
    return og_error_set (err, errno, "write output");
  return 0;
}

int
og_files_write_table (const og_inventory *inv, const char *under, bool executables_only, FILE *out,
                      og_error **err)
{
  cleanup_table table t = { 0 };
  size_t shown = 0;

  headers (&t, "MODE", "OWNER", "SIZE", "PACKAGE", "PATH");
  for (const og_file *f = NULL; (f = og_files_next (inv, f, under, executables_only)) != NULL;)
    {
      char mode[11];
      og_mode_string (f->mode, mode);
      cell (&t, mode);
      owner_cell (&t, inv, f->uid, f->gid);
      cellf (&t, "%llu", (unsigned long long)f->size);
      cell (&t, f->package >= 0     ? inv->packages.pkgs[f->package].name
                : S_ISDIR (f->mode) ? "-"
                                    : "(unowned)");
      if (f->link_target)
        cellf (&t, "%s -> %s", f->path, f->link_target);
      else
        cell (&t, f->path);
      shown++;
    }
  if (shown)
    table_print (&t, out);
  fprintf (out, "%zu %s\n", shown, og_plural (shown, "entry", "entries"));
  if (fflush (out) != 0 || ferror (out))
    return og_error_set (err, errno, "write output");
  return 0;
}
