/* JSON writers, streamed with yajl_gen so large inventories never sit in
   memory twice.  */
#include <sys/stat.h>
#include <yajl/yajl_gen.h>

#include "base/digest.h"
#include "base/util.h"
#include "json/writer.h"
#include "catalog/purl.h"
#include "output/deps.h"
#include "output/output.h"

void
og_mode_octal (uint32_t mode, char out[8])
{
  snprintf (out, 8, "%04o", mode & 07777);
}

void
og_stat_write (og_jw *w, uint32_t mode, uint32_t uid, uint32_t gid, uint64_t size)
{
  char oct[8];
  og_mode_octal (mode, oct);
  og_jw_kv (w, "mode", oct);
  og_jw_kint (w, "uid", uid);
  og_jw_kint (w, "gid", gid);
  og_jw_kint (w, "size", (long long)size);
}

static void
write_source (og_jw *w, const og_source_info *s)
{
  og_jw_str (w, "source");
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "kind", s->kind);
  og_jw_kpath (w, "path", s->path);
  if (s->config_digest)
    og_jw_kv (w, "config_digest", s->config_digest);
  if (s->manifest_digest)
    og_jw_kv (w, "manifest_digest", s->manifest_digest);
  if (s->n_tags)
    {
      og_jw_str (w, "tags");
      yajl_gen_array_open (w->g);
      for (size_t i = 0; i < s->n_tags; i++)
        og_jw_str (w, s->tags[i]);
      yajl_gen_array_close (w->g);
    }
  if (s->n_layers)
    og_jw_kint (w, "layers", (long long)s->n_layers);
  yajl_gen_map_close (w->g);
}

static void
write_os (og_jw *w, const og_osrelease *os)
{
  og_jw_str (w, "os");
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "id", os->id);
  og_jw_kv (w, "version_id", os->version_id);
  og_jw_kv (w, "pretty_name", os->pretty_name);
  yajl_gen_map_close (w->g);
}

void
og_package_write_nevr (og_jw *w, const og_package *p)
{
  og_jw_kv (w, "type", og_pkg_type_name (p->type));
  og_jw_kv (w, "name", p->name);
  og_jw_str (w, "epoch");
  if (p->has_epoch)
    yajl_gen_integer (w->g, p->epoch);
  else
    yajl_gen_null (w->g);
  og_jw_kv (w, "version", p->version);
  og_jw_kv (w, "release", p->release);
}

static void
write_packages (og_jw *w, const og_inventory *inv)
{
  og_jw_str (w, "package_dbs");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->n_dbs; i++)
    {
      yajl_gen_map_open (w->g);
      og_jw_kv (w, "type", inv->dbs[i].type);
      og_jw_kpath (w, "path", inv->dbs[i].path);
      og_jw_kv (w, "backend", inv->dbs[i].backend);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);

  og_jw_str (w, "packages");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->packages.n; i++)
    {
      const og_package *p = &inv->packages.pkgs[i];
      cleanup_free char *purl = og_package_purl (p, &inv->os);
      yajl_gen_map_open (w->g);
      og_package_write_nevr (w, p);
      og_jw_kv (w, "arch", p->arch);
      og_jw_kv (w, "source", p->source);
      og_jw_kv (w, "license", p->license);
      og_jw_kv (w, "purl", purl);
      og_jw_kint (w, "files", (long long)og_package_file_count (p));
      og_jw_kv (w, "state", p->state);
      og_package_write_deps_json (w, inv, i); /* nothing unless built with OG_INV_DEPS */
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);
}

static void
write_elf (og_jw *w, const og_exec_class *c)
{
  const char *machine;
  char num[16];

  og_jw_str (w, "elf");
  if (c->kind != OG_KIND_ELF)
    {
      yajl_gen_null (w->g);
      return;
    }
  machine = og_elf_machine_name (c->elf.machine);
  if (machine == NULL)
    {
      snprintf (num, sizeof num, "%u", c->elf.machine);
      machine = num;
    }
  yajl_gen_map_open (w->g);
  og_jw_kint (w, "class", c->elf.elf_class);
  og_jw_kv (w, "machine", machine);
  og_jw_kv (w, "type", og_elf_type_name (&c->elf));
  og_jw_kv (w, "linkage", c->elf.dynamic ? "dynamic" : "static");
  yajl_gen_map_close (w->g);
}

static void
write_exec (og_jw *w, const og_inventory *inv, const og_exec *x)
{
  yajl_gen_map_open (w->g);
  og_jw_kpath (w, "path", x->path);
  og_stat_write (w, x->mode, x->uid, x->gid, x->size);
  og_jw_kint (w, "nlink", (long long)x->nlink);
  og_jw_kv (w, "kind", og_exec_kind_name (x->cls.kind));
  write_elf (w, &x->cls);
  og_jw_kv (w, "interpreter", x->cls.interpreter[0] ? x->cls.interpreter : NULL);
  og_jw_kbool (w, "setuid", x->setuid);
  og_jw_kbool (w, "setgid", x->setgid);
  og_jw_kv (w, "capabilities", x->capabilities);
  og_jw_kv (w, "package", x->package >= 0 ? inv->packages.pkgs[x->package].name : NULL);
  og_jw_kv (w, "integrity", og_integrity_name (x->integrity));
  if (x->sha256)
    og_jw_kv (w, "sha256", x->sha256);
  if (x->layer >= 0 && (size_t)x->layer < inv->source.n_layers)
    {
      og_jw_str (w, "layer");
      yajl_gen_map_open (w->g);
      og_jw_kint (w, "index", x->layer);
      og_jw_kv (w, "digest", inv->source.layers[x->layer]);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_map_close (w->g);
}

static void
emit_inventory (og_jw *w, const og_inventory *inv, bool with_source)
{
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "schema", "ocigate.inventory/v1");
  if (with_source)
    write_source (w, &inv->source);
  write_os (w, &inv->os);
  write_packages (w, inv);
  og_jw_str (w, "executables");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->n_execs; i++)
    write_exec (w, inv, &inv->execs[i]);
  yajl_gen_array_close (w->g);
  og_summary_write (w, "summary", &inv->summary, OG_SUMMARY_INVENTORY);
  yajl_gen_map_close (w->g);
}

int
og_inventory_write_json (const og_inventory *inv, FILE *out, og_error **err)
{
  og_jw w;
  if (og_jw_open_file (&w, out, err) < 0)
    return -1;
  emit_inventory (&w, inv, true);
  return og_jw_close (&w, err);
}

/* The generator prints a token at a time: gather its bytes before they
   go into the digest, a call per 16 KiB instead of one per token.  */
typedef struct hash_sink
{
  og_digest *d;
  size_t n;
  char buf[16384];
} hash_sink;

static void
hash_print (void *ctx, const char *s, size_t len)
{
  hash_sink *h = ctx;
  if (h->n + len > sizeof h->buf)
    {
      og_digest_update (h->d, h->buf, h->n);
      h->n = 0;
    }
  if (len > sizeof h->buf)
    og_digest_update (h->d, s, len);
  else
    {
      memcpy (h->buf + h->n, s, len);
      h->n += len;
    }
}

int
og_inventory_digest (const og_inventory *inv, og_sha256_hex out, og_error **err)
{
  cleanup_digest og_digest *d = NULL;
  cleanup_free hash_sink *h = NULL;
  og_jw w = { 0 };

  if (og_digest_new (OG_DIGEST_SHA256, &d, err) < 0)
    return -1;
  h = og_xcalloc (1, sizeof *h);
  h->d = d;
  if (og_jw_open_cb (&w, hash_print, h, err) < 0)
    return -1;
  emit_inventory (&w, inv, false);
  og_jw_close (&w, NULL);
  og_digest_update (d, h->buf, h->n);
  og_digest_final_hex (d, out);
  return 0;
}

bool
og_path_under (const char *path, const char *prefix)
{
  size_t n;
  if (prefix == NULL)
    return true;
  n = strlen (prefix);
  while (n > 1 && prefix[n - 1] == '/')
    n--;
  if (n == 1 && prefix[0] == '/')
    return true;
  return strncmp (path, prefix, n) == 0 && (path[n] == '\0' || path[n] == '/');
}

const og_file *
og_files_next (const og_inventory *inv, const og_file *prev, const char *under,
               bool executables_only)
{
  for (size_t i = prev ? (size_t)(prev - inv->files) + 1 : 0; i < inv->n_files; i++)
    {
      const og_file *f = &inv->files[i];
      if (og_path_under (f->path, under) && !(executables_only && f->exec < 0))
        return f;
    }
  return NULL;
}

const char *
og_file_type_name (uint32_t mode)
{
  switch (mode & S_IFMT)
    {
    case S_IFREG:
      return "file";
    case S_IFDIR:
      return "dir";
    case S_IFLNK:
      return "symlink";
    case S_IFCHR:
      return "char";
    case S_IFBLK:
      return "block";
    case S_IFIFO:
      return "fifo";
    case S_IFSOCK:
      return "socket";
    default:
      return "unknown";
    }
}

int
og_files_write_json (const og_inventory *inv, const char *under, bool executables_only, FILE *out,
                     og_error **err)
{
  og_jw w;
  if (og_jw_open_file (&w, out, err) < 0)
    return -1;
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "schema", "ocigate.files/v1");
  write_source (&w, &inv->source);
  write_os (&w, &inv->os);
  og_jw_str (&w, "files");
  yajl_gen_array_open (w.g);
  for (const og_file *f = NULL; (f = og_files_next (inv, f, under, executables_only)) != NULL;)
    {
      yajl_gen_map_open (w.g);
      og_jw_kpath (&w, "path", f->path);
      og_jw_kv (&w, "type", og_file_type_name (f->mode));
      og_stat_write (&w, f->mode, f->uid, f->gid, f->size);
      if (f->link_target)
        og_jw_kpath (&w, "target", f->link_target);
      og_jw_kv (&w, "package", f->package >= 0 ? inv->packages.pkgs[f->package].name : NULL);
      og_jw_kbool (&w, "executable", f->exec >= 0);
      if (f->exec >= 0)
        {
          const og_exec *x = &inv->execs[f->exec];
          og_jw_kv (&w, "kind", og_exec_kind_name (x->cls.kind));
          og_jw_kv (&w, "capabilities", x->capabilities);
        }
      yajl_gen_map_close (w.g);
    }
  yajl_gen_array_close (w.g);
  yajl_gen_map_close (w.g);
  return og_jw_close (&w, err);
}
