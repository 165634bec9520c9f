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
gen_packages (const og_inventory *inv, og_gen_level level)
{
  json_t *allow = json_array ();
  size_t n = inv->packages.n;
  cleanup_free const og_package **v = og_xcalloc (n + 1, sizeof *v);
  for (size_t i = 0; i < n; i++)
    v[i] = &inv->packages.pkgs[i];
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

char *
og_manifest_generate (const og_inventory *inv, og_gen_level level, const char *name)
{
  cleanup_json json_t *root = json_object ();
  json_t *pk = json_object (), *ex = json_object (), *allow;
  size_t n = inv->n_execs;
  cleanup_free const og_exec **v = og_xcalloc (n + 1, sizeof *v);
  size_t setuid = 0, setgid = 0, caps = 0, unowned = 0, modified = 0;
  cleanup_free char *out = NULL;

  json_object_set_new (root, "schema", json_string (OG_MANIFEST_SCHEMA));
  json_object_set_new (root, "name", json_string (name ? name : "generated"));
  json_object_set_new (pk, "allow", gen_packages (inv, level));
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
      v[i] = e;
      setuid += e->setuid;
      setgid += e->setgid;
      caps += e->capabilities != NULL;
      unowned += e->package < 0;
      modified += e->integrity == OG_INTEGRITY_MODIFIED;
    }
  qsort (v, n, sizeof *v, cmp_exec_ptr);
  allow = json_array ();
  for (size_t i = 0; i < n; i++)
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
  json_object_set_new (ex, "setuid", json_string (sw (setuid == 0)));
  json_object_set_new (ex, "setgid", json_string (sw (setgid == 0)));
  json_object_set_new (ex, "capabilities", json_string (sw (caps == 0)));
  json_object_set_new (root, "executables", ex);

  out = json_dumps (root, JSON_INDENT (2) | JSON_PRESERVE_ORDER);
  if (out == NULL)
    abort ();
  /* Hand back memory from our allocator, with a final newline.  */
  return og_xasprintf ("%s\n", out);
}
