/* JSON writers, streamed with yajl_gen so large inventories never sit in
   memory twice.  */
#include <sys/stat.h>
#include <openssl/evp.h>
#include <yajl/yajl_gen.h>

#include "../util.h"
#include "output.h"

typedef struct jw
{
  yajl_gen g;
  FILE *out;
  bool failed;
} jw;

static void
jw_print (void *ctx, const char *s, size_t len)
{
  jw *w = ctx;
  if (fwrite (s, 1, len, w->out) != len)
    w->failed = true;
}

static void
jstr (jw *w, const char *s)
{
  if (s == NULL)
    yajl_gen_null (w->g);
  else
    yajl_gen_string (w->g, (const unsigned char *)s, strlen (s));
}

static void
jkey (jw *w, const char *k)
{
  yajl_gen_string (w->g, (const unsigned char *)k, strlen (k));
}

static void
jkv_str (jw *w, const char *k, const char *v)
{
  jkey (w, k);
  jstr (w, v);
}

static void
jkv_int (jw *w, const char *k, long long v)
{
  jkey (w, k);
  yajl_gen_integer (w->g, v);
}

static void
jkv_bool (jw *w, const char *k, bool v)
{
  jkey (w, k);
  yajl_gen_bool (w->g, v);
}

static int
jw_open (jw *w, FILE *out)
{
  w->out = out;
  w->failed = false;
  w->g = yajl_gen_alloc (NULL);
  if (w->g == NULL)
    return -1;
  yajl_gen_config (w->g, yajl_gen_beautify, 1);
  yajl_gen_config (w->g, yajl_gen_indent_string, "  ");
  yajl_gen_config (w->g, yajl_gen_validate_utf8, 0);
  yajl_gen_config (w->g, yajl_gen_print_callback, jw_print, w);
  return 0;
}

static int
jw_close (jw *w, og_error **err)
{
  yajl_gen_free (w->g);
  if (fflush (w->out) != 0 || w->failed || ferror (w->out))
    return og_error_set (err, errno, "write output");
  return 0;
}

void
og_mode_octal (uint32_t mode, char out[8])
{
  snprintf (out, 8, "%04o", mode & 07777);
}

static void
write_source (jw *w, const og_source_info *s)
{
  jkey (w, "source");
  yajl_gen_map_open (w->g);
  jkv_str (w, "kind", s->kind);
  jkv_str (w, "path", s->path);
  if (s->config_digest)
    jkv_str (w, "config_digest", s->config_digest);
  if (s->manifest_digest)
    jkv_str (w, "manifest_digest", s->manifest_digest);
  if (s->n_tags)
    {
      jkey (w, "tags");
      yajl_gen_array_open (w->g);
      for (size_t i = 0; i < s->n_tags; i++)
        jstr (w, s->tags[i]);
      yajl_gen_array_close (w->g);
    }
  if (s->n_layers)
    jkv_int (w, "layers", (long long)s->n_layers);
  yajl_gen_map_close (w->g);
}

static void
write_os (jw *w, const og_osrelease *os)
{
  jkey (w, "os");
  yajl_gen_map_open (w->g);
  jkv_str (w, "id", os->id);
  jkv_str (w, "version_id", os->version_id);
  jkv_str (w, "pretty_name", os->pretty_name);
  yajl_gen_map_close (w->g);
}

static void
write_packages (jw *w, const og_inventory *inv)
{
  jkey (w, "package_dbs");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->n_dbs; i++)
    {
      yajl_gen_map_open (w->g);
      jkv_str (w, "type", inv->dbs[i].type);
      jkv_str (w, "path", inv->dbs[i].path);
      jkv_str (w, "backend", inv->dbs[i].backend);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);

  jkey (w, "packages");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->packages.n; i++)
    {
      const og_package *p = &inv->packages.pkgs[i];
      cleanup_free char *purl = og_package_purl (p, &inv->os);
      yajl_gen_map_open (w->g);
      jkv_str (w, "type", og_pkg_type_name (p->type));
      jkv_str (w, "name", p->name);
      jkey (w, "epoch");
      if (p->has_epoch)
        yajl_gen_integer (w->g, p->epoch);
      else
        yajl_gen_null (w->g);
      jkv_str (w, "version", p->version);
      jkv_str (w, "release", p->release);
      jkv_str (w, "arch", p->arch);
      jkv_str (w, "source", p->source);
      jkv_str (w, "license", p->license);
      jkv_str (w, "purl", purl);
      jkv_int (w, "files", (long long)p->n_files);
      jkv_str (w, "state", p->state);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);
}

static void
write_elf (jw *w, const og_exec_class *c)
{
  const char *machine;
  char num[16];

  jkey (w, "elf");
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
  jkv_int (w, "class", c->elf.elf_class);
  jkv_str (w, "machine", machine);
  jkv_str (w, "type", og_elf_type_name (&c->elf));
  jkv_str (w, "linkage", c->elf.dynamic ? "dynamic" : "static");
  yajl_gen_map_close (w->g);
}

static void
write_exec (jw *w, const og_inventory *inv, const og_exec *x, bool with_source)
{
  char mode[8];
  og_mode_octal (x->mode, mode);
  yajl_gen_map_open (w->g);
  jkv_str (w, "path", x->path);
  jkv_str (w, "mode", mode);
  jkv_int (w, "uid", x->uid);
  jkv_int (w, "gid", x->gid);
  jkv_int (w, "size", (long long)x->size);
  jkv_int (w, "nlink", (long long)x->nlink);
  jkv_str (w, "kind", og_exec_kind_name (x->cls.kind));
  write_elf (w, &x->cls);
  jkv_str (w, "interpreter", x->cls.interpreter[0] ? x->cls.interpreter : NULL);
  jkv_bool (w, "setuid", x->setuid);
  jkv_bool (w, "setgid", x->setgid);
  jkv_str (w, "capabilities", x->capabilities);
  jkv_str (w, "package", x->package >= 0 ? inv->packages.pkgs[x->package].name : NULL);
  jkv_str (w, "integrity", og_integrity_name (x->integrity));
  if (x->sha256)
    jkv_str (w, "sha256", x->sha256);
  if (x->layer >= 0 && (size_t)x->layer < inv->source.n_layers)
    {
      jkey (w, "layer");
      yajl_gen_map_open (w->g);
      jkv_int (w, "index", x->layer);
      jkv_str (w, "digest", inv->source.layers[x->layer]);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_map_close (w->g);
}

static void
write_summary (jw *w, const og_inventory_summary *s, bool with_files)
{
  jkey (w, "summary");
  yajl_gen_map_open (w->g);
  jkv_int (w, "packages", (long long)s->packages);
  jkv_int (w, "executables", (long long)s->executables);
  jkv_int (w, "elf", (long long)s->elf);
  jkv_int (w, "scripts", (long long)s->scripts);
  jkv_int (w, "other", (long long)s->other);
  jkv_int (w, "setuid", (long long)s->setuid);
  jkv_int (w, "setgid", (long long)s->setgid);
  jkv_int (w, "capabilities", (long long)s->capabilities);
  jkv_int (w, "owned", (long long)s->owned);
  jkv_int (w, "unowned", (long long)s->unowned);
  if (with_files)
    jkv_int (w, "files", (long long)s->files);
  yajl_gen_map_close (w->g);
}

static void
emit_inventory (jw *w, const og_inventory *inv, bool with_source)
{
  yajl_gen_map_open (w->g);
  jkv_str (w, "schema", "ocigate.inventory/v1");
  if (with_source)
    write_source (w, &inv->source);
  write_os (w, &inv->os);
  write_packages (w, inv);
  jkey (w, "executables");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->n_execs; i++)
    write_exec (w, inv, &inv->execs[i], with_source);
  yajl_gen_array_close (w->g);
  write_summary (w, &inv->summary, false);
  yajl_gen_map_close (w->g);
}

int
og_inventory_write_json (const og_inventory *inv, FILE *out, og_error **err)
{
  jw w;
  if (jw_open (&w, out) < 0)
    return og_error_set (err, ENOMEM, "json");
  emit_inventory (&w, inv, true);
  return jw_close (&w, err);
}

static void
hash_print (void *ctx, const char *s, size_t len)
{
  EVP_DigestUpdate (ctx, s, len);
}

int
og_inventory_digest (const og_inventory *inv, char out[65], og_error **err)
{
  EVP_MD_CTX *ctx = EVP_MD_CTX_new ();
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  jw w = { 0 };

  if (ctx == NULL || !EVP_DigestInit_ex (ctx, EVP_sha256 (), NULL))
    {
      EVP_MD_CTX_free (ctx);
      return og_error_set (err, ENOMEM, "sha256");
    }
  w.g = yajl_gen_alloc (NULL);
  if (w.g == NULL)
    {
      EVP_MD_CTX_free (ctx);
      return og_error_set (err, ENOMEM, "json");
    }
  yajl_gen_config (w.g, yajl_gen_validate_utf8, 0);
  yajl_gen_config (w.g, yajl_gen_print_callback, hash_print, ctx);
  emit_inventory (&w, inv, false);
  yajl_gen_free (w.g);
  EVP_DigestFinal_ex (ctx, md, &n);
  EVP_MD_CTX_free (ctx);
  og_hex (md, n, out);
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

static const char *
type_name (uint32_t mode)
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
  jw w;
  if (jw_open (&w, out) < 0)
    return og_error_set (err, ENOMEM, "json");
  yajl_gen_map_open (w.g);
  jkv_str (&w, "schema", "ocigate.files/v1");
  write_source (&w, &inv->source);
  write_os (&w, &inv->os);
  jkey (&w, "files");
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < inv->n_files; i++)
    {
      const og_file *f = &inv->files[i];
      char mode[8];
      if (!og_path_under (f->path, under) || (executables_only && f->exec < 0))
        continue;
      og_mode_octal (f->mode, mode);
      yajl_gen_map_open (w.g);
      jkv_str (&w, "path", f->path);
      jkv_str (&w, "type", type_name (f->mode));
      jkv_str (&w, "mode", mode);
      jkv_int (&w, "uid", f->uid);
      jkv_int (&w, "gid", f->gid);
      jkv_int (&w, "size", (long long)f->size);
      if (f->link_target)
        jkv_str (&w, "target", f->link_target);
      jkv_str (&w, "package", f->package >= 0 ? inv->packages.pkgs[f->package].name : NULL);
      jkv_bool (&w, "executable", f->exec >= 0);
      if (f->exec >= 0)
        {
          const og_exec *x = &inv->execs[f->exec];
          jkv_str (&w, "kind", og_exec_kind_name (x->cls.kind));
          jkv_str (&w, "capabilities", x->capabilities);
        }
      yajl_gen_map_close (w.g);
    }
  yajl_gen_array_close (w.g);
  yajl_gen_map_close (w.g);
  return jw_close (&w, err);
}
