/* Manifest generation from an inventory (ocigate.manifest/v1, schema in
   policy/ocigate.manifest.schema.json): names, versions or digests pinned.  */
#include <jansson.h>

#include "base/text.h"
#include "json/doc.h"
#include "policy/generate.h"
#include "policy/manifest.h"

int
og_gen_level_parse (const char *s, og_gen_level *out)
{
  if (strcmp (s, "names") == 0)
    *out = OG_GEN_NAMES;
  else if (strcmp (s, "versions") == 0)
    *out = OG_GEN_VERSIONS;
  else if (strcmp (s, "digests") == 0)
    *out = OG_GEN_DIGESTS;
  else
    return -1;
  return 0;
}

static int
cmp_pkg_ptr (const void *a, const void *b)
{
  const og_package *x = *(const og_package *const *)a, *y = *(const og_package *const *)b;
  int r = strcmp (x->name ? x->name : "", y->name ? y->name : "");
  if (r)
    return r;
  return strcmp (x->arch ? x->arch : "", y->arch ? y->arch : "");
}

static int
cmp_exec_ptr (const void *a, const void *b)
{
  const og_exec *x = *(const og_exec *const *)a, *y = *(const og_exec *const *)b;
  return strcmp (x->path, y->path);
}

/* Length of the well-formed UTF-8 sequence at s (RFC 3629), or 0.  */
static size_t
utf8_at (const char *s)
{
  unsigned char c = (unsigned char)*s;
  size_t n = c < 0x80 ? 1 : c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
  for (size_t i = 1; i < n; i++)
    if (s[i] == '\0')
      return 0;
  return n && og_utf8_valid (s, n) ? n : 0;
}

/* Escape glob characters so that a path or name is matched literally.  A
   manifest is JSON, always UTF-8, so a byte of the name that is not part of
   well-formed UTF-8 cannot be written: it becomes '?', which matches one
   byte (globs match bytes), and the rule then also allows names that differ
   from this one in those bytes only.  */
static char *
glob_escape (const char *s)
{
  og_buf b = { 0 };
  og_buf_puts (&b, "");
  while (*s)
    {
      size_t n = utf8_at (s);
      if (n == 0)
        {
          og_buf_putc (&b, '?');
          s++;
          continue;
        }
      if (*s == '*' || *s == '?' || *s == '[' || *s == '\\')
        og_buf_putc (&b, '\\');
      og_buf_append (&b, s, n);
      s += n;
    }
  return og_buf_steal (&b);
}

/* A JSON string of text from the image: jansson refuses what is not UTF-8
   (json_string returns NULL and the member would silently go missing), so
   such text is written lossy.  */
static json_t *
text_string (const char *s)
{
  cleanup_free char *lossy = NULL;
  if (!og_utf8_valid (s, strlen (s)))
    s = lossy = og_utf8_lossy (s, strlen (s));
  return json_string (s);
}

static json_t *
gen_packages (const og_inventory *inv, og_gen_level level, const og_gen_keep *keep)
{
  json_t *allow = json_array ();
  size_t n = 0;
  cleanup_free const og_package **v = og_xcalloc (inv->packages.n + 1, sizeof *v);
  for (size_t i = 0; i < inv->packages.n; i++)
    if (keep == NULL || keep->in[i])
      v[n++] = &inv->packages.pkgs[i];
  qsort (v, n, sizeof *v, cmp_pkg_ptr);
  for (size_t i = 0; i < n; i++)
    {
      const og_package *p = v[i];
      cleanup_free char *name = glob_escape (p->name ? p->name : "");
      if (level == OG_GEN_NAMES)
        {
          if (i > 0 && og_str_eq (v[i - 1]->name, p->name))
            continue;
          json_array_append_new (allow, json_string (name));
        }
      else
        {
          cleanup_free char *evr = og_package_evr (p);
          cleanup_free char *ver = og_xasprintf ("= %s", evr);
          json_t *o = json_object ();
          json_object_set_new (o, "name", json_string (name));
          json_object_set_new (o, "type", json_string (og_pkg_type_name (p->type)));
          if (p->arch)
            {
              cleanup_free char *arch = glob_escape (p->arch);
              json_object_set_new (o, "arch", json_string (arch));
            }
          json_object_set_new (o, "version", text_string (ver));
          json_array_append_new (allow, o);
        }
    }
  return allow;
}

static const char *
sw (bool deny)
{
  return deny ? "deny" : "allow";
}

/* The runtime's placeholders that an exported container carries (runc and
   podman make bind-mount targets as empty files, mode 0755): not part of the
   image, never pinned as its executables.  The hook leaves the same files
   out at launch (catalog/build.h).  */
static bool
runtime_placeholder (const og_exec *e)
{
  static const char *const paths[]
      = { "/etc/hostname", "/etc/hosts", "/etc/resolv.conf", "/run/.containerenv", NULL };
  if (e->package >= 0 || e->size != 0 || e->setuid || e->setgid || e->capabilities)
    return false;
  for (size_t i = 0; paths[i]; i++)
    if (strcmp (e->path, paths[i]) == 0)
      return true;
  return false;
}

/* The exact set a golden image holds, sorted by path: "deny" when it has
   none, else the paths (setuid, setgid) or path: capabilities
   (capabilities), which a launch must keep.  */
static json_t *
gen_priv_set (const og_exec *const *v, size_t n, og_priv_kind which)
{
  json_t *set = which == OG_PRIV_CAPS ? json_object () : json_array ();
  size_t count = 0;
  for (size_t i = 0; i < n; i++)
    {
      const og_exec *e = v[i];
      bool has = which == OG_PRIV_SETUID   ? e->setuid
                 : which == OG_PRIV_SETGID ? e->setgid
                                           : e->capabilities != NULL;
      cleanup_free char *path = NULL;
      if (!has)
        continue;
      path = glob_escape (e->path);
      if (which == OG_PRIV_CAPS)
        json_object_set_new (set, path, text_string (e->capabilities));
      else
        json_array_append_new (set, json_string (path));
      count++;
    }
  if (count)
    return set;
  json_decref (set);
  return json_string ("deny");
}

/* The kept packages, required with everything they depend on.  */
static json_t *
gen_require (const og_inventory *inv, const og_gen_keep *keep)
{
  json_t *req = json_array ();
  for (size_t k = 0; k < keep->n_kept; k++)
    {
      const og_package *p = &inv->packages.pkgs[keep->kept[k]];
      cleanup_free char *name = glob_escape (p->name ? p->name : "");
      bool dup = false;
      for (size_t j = 0; j < k; j++)
        dup |= keep->kept[j] == keep->kept[k];
      if (dup)
        continue;
      json_t *o = json_object ();
      json_object_set_new (o, "name", json_string (name));
      json_object_set_new (o, "with_dependencies", json_true ());
      json_array_append_new (req, o);
    }
  return req;
}

static char *
generate (const og_inventory *inv, og_gen_level level, const char *name, const og_gen_keep *keep)
{
  cleanup_json json_t *root = json_object ();
  json_t *pk = json_object (), *ex = json_object (), *allow;
  size_t n = inv->n_execs;
  cleanup_free const og_exec **v = og_xcalloc (n + 1, sizeof *v);
  size_t unowned = 0, modified = 0, m = 0;
  cleanup_free char *out = NULL;

  json_object_set_new (root, "schema", json_string (OG_MANIFEST_SCHEMA));
  json_object_set_new (root, "name", json_string (name ? name : "generated"));
  json_object_set_new (pk, "allow", gen_packages (inv, level, keep));
  if (keep)
    json_object_set_new (pk, "require", gen_require (inv, keep));
  json_object_set_new (pk, "unlisted", json_string ("deny"));
  /* A golden image's packages keep their files: a launch must too.  */
  json_object_set_new (pk, "missing_files", json_string (sw (inv->summary.verified_missing == 0)));
  /* A golden image with a package database: an image without one is not
     what was vouched for.  */
  if (inv->n_dbs > 0)
    json_object_set_new (pk, "database", json_string ("required"));
  json_object_set_new (root, "packages", pk);

  for (size_t i = 0; i < n; i++)
    {
      const og_exec *e = &inv->execs[i];
      if (runtime_placeholder (e) || (keep && e->package >= 0 && !keep->in[e->package]))
        continue;
      v[m++] = e;
      unowned += e->package < 0;
      modified += e->integrity == OG_INTEGRITY_MODIFIED;
    }
  qsort (v, m, sizeof *v, cmp_exec_ptr);
  allow = json_array ();
  for (size_t i = 0; i < m; i++)
    {
      const og_exec *e = v[i];
      cleanup_free char *path = glob_escape (e->path);
      if (level == OG_GEN_DIGESTS && e->sha256)
        {
          json_t *o = json_object ();
          json_object_set_new (o, "path", json_string (path));
          json_object_set_new (o, "sha256", json_string (e->sha256));
          json_array_append_new (allow, o);
        }
      else if (e->package < 0)
        json_array_append_new (allow, json_string (path));
    }
  json_object_set_new (ex, "allow", allow);
  json_object_set_new (ex, "unlisted", json_string ("deny"));
  json_object_set_new (ex, "unowned", json_string (sw (unowned == 0)));
  json_object_set_new (ex, "modified", json_string (sw (modified == 0)));
  json_object_set_new (ex, "setuid", gen_priv_set (v, m, OG_PRIV_SETUID));
  json_object_set_new (ex, "setgid", gen_priv_set (v, m, OG_PRIV_SETGID));
  json_object_set_new (ex, "capabilities", gen_priv_set (v, m, OG_PRIV_CAPS));
  json_object_set_new (root, "executables", ex);

  out = json_dumps (root, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  if (out == NULL)
    abort ();
  /* Hand back memory from our allocator, with a final newline.  */
  return og_xasprintf ("%s\n", out);
}

char *
og_manifest_generate (const og_inventory *inv, og_gen_level level, const char *name)
{
  return generate (inv, level, name, NULL);
}

char *
og_manifest_generate_keep (const og_inventory *inv, og_gen_level level, const char *name,
                           const og_gen_keep *keep)
{
  return generate (inv, level, name, keep);
}
