/* Allowed-content manifests (ocigate.manifest/v1): loading, validation with
   file:line:column diagnostics, rule indexes, and generation from an
   inventory.  The format is this project's own; its JSON Schema is
   policy/ocigate.manifest.schema.json.  Pure over bytes and inventories.  */
#include <ctype.h>
#include <openssl/evp.h>

#include "policy/glob.h"
#include "policy/manifest.h"
#include "catalog/version.h"

/* ---- version constraints --------------------------------------------- */

const char *
og_cmp_op_name (og_cmp_op op)
{
  switch (op)
    {
    case OG_CMP_EQ:
      return "=";
    case OG_CMP_NE:
      return "!=";
    case OG_CMP_LT:
      return "<";
    case OG_CMP_LE:
      return "<=";
    case OG_CMP_GT:
      return ">";
    case OG_CMP_GE:
      return ">=";
    default:
      return "?";
    }
}

static bool
version_valid_any (og_pkg_type type, const char *v)
{
  if (type)
    return og_version_valid (type, v);
  return og_version_valid (OG_PKG_RPM, v) || og_version_valid (OG_PKG_DEB, v)
         || og_version_valid (OG_PKG_APK, v);
}

void
og_vconstraint_clear (og_vconstraint *c)
{
  for (size_t i = 0; i < c->n; i++)
    free (c->terms[i].version);
  free (c->terms);
  memset (c, 0, sizeof *c);
}

static int
parse_term (const char *s, size_t len, og_pkg_type type, og_vterm *t, const char **why)
{
  size_t i = 0, end = len;
  while (i < len && isspace ((unsigned char)s[i]))
    i++;
  while (end > i && isspace ((unsigned char)s[end - 1]))
    end--;
  if (i == end)
    return *why = "an empty term: expected \"OP VERSION\" (OP one of = != < <= > >=)", -1;
  t->op = OG_CMP_EQ;
  if (s[i] == '=' && i + 1 < end && s[i + 1] == '=')
    i += 2;
  else if (s[i] == '=')
    i += 1;
  else if (s[i] == '!' && i + 1 < end && s[i + 1] == '=')
    t->op = OG_CMP_NE, i += 2;
  else if (s[i] == '<' && i + 1 < end && s[i + 1] == '=')
    t->op = OG_CMP_LE, i += 2;
  else if (s[i] == '>' && i + 1 < end && s[i + 1] == '=')
    t->op = OG_CMP_GE, i += 2;
  else if (s[i] == '<')
    t->op = OG_CMP_LT, i += 1;
  else if (s[i] == '>')
    t->op = OG_CMP_GT, i += 1;
  else if (!isalnum ((unsigned char)s[i]))
    return *why = "expected an operator (= != < <= > >=) or a version", -1;
  while (i < end && isspace ((unsigned char)s[i]))
    i++;
  if (i == end)
    return *why = "an operator without a version", -1;
  for (size_t j = i; j < end; j++)
    if (isspace ((unsigned char)s[j]) || s[j] == '<' || s[j] == '>' || s[j] == '=' || s[j] == '!')
      return *why = "a version has no spaces or operators inside; join terms with ','", -1;
  t->version = og_xstrndup (s + i, end - i);
  if (!version_valid_any (type, t->version))
    {
      free (t->version);
      t->version = NULL;
      return *why = "not a valid version for the package type", -1;
    }
  return 0;
}

int
og_vconstraint_parse (const char *text, og_pkg_type type, og_vconstraint *out, const char **why)
{
  const char *p = text;
  size_t cap = 0;

  memset (out, 0, sizeof *out);
  for (;;)
    {
      const char *comma = strchr (p, ',');
      size_t len = comma ? (size_t)(comma - p) : strlen (p);
      og_vterm t = { 0 };
      if (out->n >= 64 || parse_term (p, len, type, &t, why) < 0)
        {
          if (out->n >= 64)
            *why = "more than 64 terms";
          og_vconstraint_clear (out);
          return -1;
        }
      og_grow (&out->terms, &cap, out->n + 1, sizeof *out->terms);
      out->terms[out->n++] = t;
      if (!comma)
        return 0;
      p = comma + 1;
    }
}

bool
og_vconstraint_eval (const og_vconstraint *c, og_pkg_type type, const char *evr)
{
  for (size_t i = 0; i < c->n; i++)
    {
      int r = og_version_cmp (type, evr, c->terms[i].version);
      bool ok;
      switch (c->terms[i].op)
        {
        case OG_CMP_EQ:
          ok = r == 0;
          break;
        case OG_CMP_NE:
          ok = r != 0;
          break;
        case OG_CMP_LT:
          ok = r < 0;
          break;
        case OG_CMP_LE:
          ok = r <= 0;
          break;
        case OG_CMP_GT:
          ok = r > 0;
          break;
        case OG_CMP_GE:
          ok = r >= 0;
          break;
        default:
          ok = false;
          break;
        }
      if (!ok)
        return false;
    }
  return true;
}

/* ---- rule indexes ----------------------------------------------------- */

typedef struct bucket
{
  size_t *v;
  size_t n;
  size_t cap;
} bucket;

static void
bucket_free (void *p)
{
  bucket *b = p;
  if (b)
    free (b->v);
  free (b);
}

static void
bucket_add (og_strmap *m, const char *key, size_t rule)
{
  bucket *b = og_strmap_get (m, key);
  if (b == NULL)
    {
      b = og_xcalloc (1, sizeof *b);
      og_strmap_put (m, key, b);
    }
  og_grow (&b->v, &b->cap, b->n + 1, sizeof *b->v);
  b->v[b->n++] = rule;
}

static void
index_add (og_rule_index *idx, size_t *globs_cap, const char *pat, bool path, size_t rule)
{
  cleanup_free char *lit = og_glob_literal (pat);
  cleanup_free char *dir = NULL;
  cleanup_free char *base = NULL;

  if (lit)
    {
      bucket_add (&idx->exact, lit, rule);
      return;
    }
  if (path && (dir = og_glob_dir_prefix (pat)) != NULL)
    {
      bucket_add (&idx->dirs, dir, rule);
      return;
    }
  if (path && (base = og_glob_any_basename (pat)) != NULL)
    {
      bucket_add (&idx->basenames, base, rule);
      return;
    }
  if (path && pat[0] == '/')
    {
      /* The literal directory before the first wildcard or escape.  */
      size_t stop = strcspn (pat, "*?[\\"), slash = 0;
      for (size_t i = 0; i < stop; i++)
        if (pat[i] == '/')
          slash = i;
      {
        cleanup_free char *d = og_xstrndup (pat, slash);
        bucket_add (&idx->globdirs, d, rule);
      }
      return;
    }
  og_grow (&idx->globs, globs_cap, idx->n_globs + 1, sizeof *idx->globs);
  idx->globs[idx->n_globs++] = rule;
}

static void
index_clear (og_rule_index *idx)
{
  og_strmap_clear (&idx->exact, bucket_free);
  og_strmap_clear (&idx->dirs, bucket_free);
  og_strmap_clear (&idx->basenames, bucket_free);
  og_strmap_clear (&idx->globdirs, bucket_free);
  free (idx->globs);
  memset (idx, 0, sizeof *idx);
}

static bool
visit_bucket (const og_strmap *m, const char *key, bool certain, og_candidate_fn fn, void *ud)
{
  const bucket *b = m->n ? og_strmap_get (m, key) : NULL;
  if (b)
    for (size_t i = 0; i < b->n; i++)
      if (fn (b->v[i], certain, ud))
        return true;
  return false;
}

void
og_rule_index_candidates (const og_rule_index *idx, const char *key, bool path, og_candidate_fn fn,
                          void *ud)
{
  if (visit_bucket (&idx->exact, key, true, fn, ud))
    return;
  if (path && (idx->dirs.n || idx->globdirs.n))
    {
      char buf[512];
      cleanup_free char *heap = NULL;
      size_t len = strlen (key);
      char *p = buf, *slash;
      if (len >= sizeof buf)
        p = heap = og_xstrdup (key);
      else
        memcpy (buf, key, len + 1);
      while ((slash = strrchr (p, '/')) != NULL)
        {
          *slash = '\0';
          if (visit_bucket (&idx->dirs, p, true, fn, ud)
              || visit_bucket (&idx->globdirs, p, false, fn, ud))
            return;
        }
    }
  if (path && idx->basenames.n)
    {
      const char *base = strrchr (key, '/');
      if (visit_bucket (&idx->basenames, base ? base + 1 : key, true, fn, ud))
        return;
    }
  for (size_t i = 0; i < idx->n_globs; i++)
    if (fn (idx->globs[i], false, ud))
      return;
}

/* ---- loading ----------------------------------------------------------- */

typedef struct ctx
{
  og_jdoc *doc;
  og_manifest *m;
  og_buf ptr;
} ctx;

#define DIAG(c, key, ...) og_jdoc_diag ((c)->doc, (c)->ptr.data, (key), __VA_ARGS__)

static size_t
push (ctx *c, const char *name)
{
  size_t save = c->ptr.len;
  og_jptr_push (&c->ptr, name);
  return save;
}

static size_t
push_index (ctx *c, size_t i)
{
  size_t save = c->ptr.len;
  og_buf_printf (&c->ptr, "/%zu", i);
  return save;
}

static void
pop (ctx *c, size_t save)
{
  c->ptr.len = save;
  c->ptr.data[save] = '\0';
}

static const char *
json_type_name (const json_t *v)
{
  switch (json_typeof (v))
    {
    case JSON_OBJECT:
      return "an object";
    case JSON_ARRAY:
      return "an array";
    case JSON_STRING:
      return "a string";
    case JSON_INTEGER:
      return "an integer";
    case JSON_REAL:
      return "a number";
    case JSON_TRUE:
    case JSON_FALSE:
      return "a boolean";
    case JSON_NULL:
      return "null";
    default:
      return "a value";
    }
}

/* Check the keys of obj (at c->ptr) against allowed (NULL-terminated).  */
static void
check_keys (ctx *c, json_t *obj, const char *const *allowed, const char *what)
{
  const char *key;
  json_t *v;
  json_object_foreach (obj, key, v)
  {
    bool ok = false;
    size_t save;
    for (size_t i = 0; allowed[i]; i++)
      if (strcmp (key, allowed[i]) == 0)
        ok = true;
    if (ok)
      continue;
    save = push (c, key);
    {
      og_buf b = { 0 };
      for (size_t i = 0; allowed[i]; i++)
        og_buf_printf (&b, "%s\"%s\"", i ? ", " : "", allowed[i]);
      DIAG (c, true, "unknown key \"%s\" in %s; expected one of %s", key, what, b.data);
      og_buf_free (&b);
    }
    pop (c, save);
  }
}

static bool
expect_type (ctx *c, json_t *v, json_type t, const char *what, const char *expected)
{
  if (json_typeof (v) == t || (t == JSON_TRUE && json_is_boolean (v)))
    return true;
  DIAG (c, false, "%s must be %s, not %s", what, expected, json_type_name (v));
  return false;
}

static og_switch
parse_switch (ctx *c, json_t *parent, const char *key, const char *what)
{
  json_t *v = json_object_get (parent, key);
  og_switch r = OG_SWITCH_UNSET;
  size_t save;
  if (v == NULL)
    return r;
  save = push (c, key);
  if (json_is_string (v) && strcmp (json_string_value (v), "allow") == 0)
    r = OG_SWITCH_ALLOW;
  else if (json_is_string (v) && strcmp (json_string_value (v), "deny") == 0)
    r = OG_SWITCH_DENY;
  else
    DIAG (c, false, "\"%s\" (%s) must be \"allow\" or \"deny\"", key, what);
  pop (c, save);
  return r;
}

static char *
get_glob (ctx *c, json_t *v, bool path, const char *what)
{
  const char *why = NULL;
  size_t off = 0;
  if (!expect_type (c, v, JSON_STRING, what, path ? "a path glob string" : "a name glob string"))
    return NULL;
  if (!og_glob_valid (json_string_value (v), path, &why, &off))
    {
      DIAG (c, false, "bad glob \"%s\" (at character %zu): %s", json_string_value (v), off + 1,
            why);
      return NULL;
    }
  return og_xstrdup (json_string_value (v));
}

static og_pkg_type
parse_pkg_type (const char *s)
{
  if (strcmp (s, "rpm") == 0)
    return OG_PKG_RPM;
  if (strcmp (s, "deb") == 0)
    return OG_PKG_DEB;
  if (strcmp (s, "apk") == 0)
    return OG_PKG_APK;
  return 0;
}

static void
pkg_rule_clear (og_pkg_rule *r)
{
  free (r->name);
  free (r->version);
  free (r->arch);
  og_vconstraint_clear (&r->constraint);
}

static bool
parse_pkg_rule (ctx *c, json_t *e, og_pkg_rule *r)
{
  static const char *const keys[] = { "name", "version", "type", "arch", NULL };
  json_t *v;
  size_t save;

  if (json_is_string (e))
    return (r->name = get_glob (c, e, false, "a package entry")) != NULL;
  if (!json_is_object (e))
    {
      DIAG (c, false,
            "a package entry must be a name glob string or an object {\"name\", "
            "\"version\", \"type\", \"arch\"}, not %s",
            json_type_name (e));
      return false;
    }
  check_keys (c, e, keys, "a package entry");
  v = json_object_get (e, "name");
  if (v == NULL)
    {
      DIAG (c, false, "a package entry needs \"name\" (a name glob)");
      return false;
    }
  save = push (c, "name");
  r->name = get_glob (c, v, false, "\"name\"");
  pop (c, save);
  if ((v = json_object_get (e, "type")) != NULL)
    {
      save = push (c, "type");
      if (!json_is_string (v) || (r->type = parse_pkg_type (json_string_value (v))) == 0)
        DIAG (c, false, "\"type\" must be \"rpm\", \"deb\" or \"apk\"");
      pop (c, save);
    }
  if ((v = json_object_get (e, "arch")) != NULL)
    {
      save = push (c, "arch");
      r->arch = get_glob (c, v, false, "\"arch\"");
      pop (c, save);
    }
  if ((v = json_object_get (e, "version")) != NULL)
    {
      save = push (c, "version");
      if (expect_type (c, v, JSON_STRING, "\"version\"",
                       "a constraint string like \">= 1:1.0.2k, < 1:1.1\""))
        {
          const char *why = NULL;
          if (og_vconstraint_parse (json_string_value (v), r->type, &r->constraint, &why) < 0)
            DIAG (c, false, "bad version constraint \"%s\": %s", json_string_value (v), why);
          else
            r->version = og_xstrdup (json_string_value (v));
        }
      pop (c, save);
    }
  return r->name != NULL;
}

static void
parse_pkg_list (ctx *c, json_t *parent, const char *key, og_pkg_rules *out)
{
  json_t *arr = json_object_get (parent, key);
  size_t save, i, globs_cap = 0;
  json_t *e;

  if (arr == NULL)
    return;
  save = push (c, key);
  if (expect_type (c, arr, JSON_ARRAY, key, "an array of package entries"))
    {
      out->v = og_xcalloc (json_array_size (arr) + 1, sizeof *out->v);
      json_array_foreach (arr, i, e)
      {
        size_t s2 = push_index (c, i);
        og_pkg_rule r = { .index = i };
        if (parse_pkg_rule (c, e, &r))
          {
            out->v[out->n] = r;
            index_add (&out->idx, &globs_cap, r.name, false, out->n);
            out->n++;
          }
        else
          pkg_rule_clear (&r);
        pop (c, s2);
      }
    }
  pop (c, save);
}

static bool
is_sha256_hex (const char *s)
{
  size_t n = 0;
  for (; s[n]; n++)
    if (!isxdigit ((unsigned char)s[n]) || isupper ((unsigned char)s[n]))
      return false;
  return n == 64;
}

static bool
parse_exec_rule (ctx *c, json_t *e, og_exec_rule *r)
{
  static const char *const keys[] = { "path", "sha256", NULL };
  json_t *v;
  size_t save;

  if (json_is_string (e))
    return (r->path = get_glob (c, e, true, "an executable entry")) != NULL;
  if (!json_is_object (e))
    {
      DIAG (c, false,
            "an executable entry must be a path glob string or an object {\"path\", \"sha256\"}, "
            "not %s",
            json_type_name (e));
      return false;
    }
  check_keys (c, e, keys, "an executable entry");
  v = json_object_get (e, "path");
  if (v == NULL)
    {
      DIAG (c, false, "an executable entry needs \"path\" (a path glob)");
      return false;
    }
  save = push (c, "path");
  r->path = get_glob (c, v, true, "\"path\"");
  pop (c, save);
  if ((v = json_object_get (e, "sha256")) != NULL)
    {
      save = push (c, "sha256");
      if (!json_is_string (v) || !is_sha256_hex (json_string_value (v)))
        DIAG (c, false, "\"sha256\" must be 64 lower-case hex digits");
      else
        r->sha256 = og_xstrdup (json_string_value (v));
      pop (c, save);
    }
  return r->path != NULL;
}

static void
parse_exec_list (ctx *c, json_t *parent, const char *key, og_exec_rules *out)
{
  json_t *arr = json_object_get (parent, key);
  size_t save, i, globs_cap = 0;
  json_t *e;

  if (arr == NULL)
    return;
  save = push (c, key);
  if (expect_type (c, arr, JSON_ARRAY, key, "an array of executable entries"))
    {
      out->v = og_xcalloc (json_array_size (arr) + 1, sizeof *out->v);
      json_array_foreach (arr, i, e)
      {
        size_t s2 = push_index (c, i);
        og_exec_rule r = { .index = i };
        if (parse_exec_rule (c, e, &r))
          {
            out->v[out->n] = r;
            index_add (&out->idx, &globs_cap, r.path, true, out->n);
            out->n++;
          }
        else
          {
            free (r.path);
            free (r.sha256);
          }
        pop (c, s2);
      }
    }
  pop (c, save);
}

/* ---- "a deny that hides an allow" -------------------------------------- */

typedef struct hide_ud
{
  const og_manifest *m;
  const char *subject;
  const og_pkg_rule *allow;
  ssize_t hit;
} hide_ud;

static bool
pkg_hide_cb (size_t rule, bool certain, void *p)
{
  hide_ud *u = p;
  const og_pkg_rule *d = &u->m->pkg_deny.v[rule];
  if (d->version || (d->type && d->type != u->allow->type))
    return false;
  if (d->arch && !(u->allow->arch && strcmp (d->arch, u->allow->arch) == 0))
    return false;
  if (certain || og_name_glob_match (d->name, u->subject) || strcmp (d->name, u->allow->name) == 0)
    {
      if (u->hit < 0 || rule < (size_t)u->hit)
        u->hit = (ssize_t)rule;
    }
  return false;
}

static bool
exec_hide_cb (size_t rule, bool certain, void *p)
{
  hide_ud *u = p;
  const og_exec_rule *d = &u->m->exec_deny.v[rule];
  if (d->sha256)
    return false;
  if (certain || og_path_glob_match (d->path, u->subject))
    if (u->hit < 0 || rule < (size_t)u->hit)
      u->hit = (ssize_t)rule;
  return false;
}

static void
check_hidden (ctx *c)
{
  og_manifest *m = c->m;
  size_t save;

  for (size_t i = 0; i < m->pkg_allow.n; i++)
    {
      og_pkg_rule *a = &m->pkg_allow.v[i];
      cleanup_free char *lit = og_glob_literal (a->name);
      hide_ud u = { m, lit ? lit : a->name, a, -1 };
      if (lit)
        og_rule_index_candidates (&m->pkg_deny.idx, lit, false, pkg_hide_cb, &u);
      else
        for (size_t j = 0; j < m->pkg_deny.n; j++)
          if (strcmp (m->pkg_deny.v[j].name, a->name) == 0)
            pkg_hide_cb (j, true, &u);
      if (u.hit < 0)
        continue;
      save = c->ptr.len;
      og_buf_printf (&c->ptr, "/packages/allow/%zu", a->index);
      DIAG (c, false,
            "packages.allow[%zu] \"%s\" can never apply: packages.deny[%zu] \"%s\" denies "
            "every package it names (deny beats allow)",
            a->index, a->name, m->pkg_deny.v[u.hit].index, m->pkg_deny.v[u.hit].name);
      pop (c, save);
    }
  for (size_t i = 0; i < m->exec_allow.n; i++)
    {
      og_exec_rule *a = &m->exec_allow.v[i];
      cleanup_free char *lit = og_glob_literal (a->path);
      hide_ud u = { m, lit ? lit : a->path, NULL, -1 };
      if (lit)
        og_rule_index_candidates (&m->exec_deny.idx, lit, true, exec_hide_cb, &u);
      else
        for (size_t j = 0; j < m->exec_deny.n; j++)
          if (!m->exec_deny.v[j].sha256 && strcmp (m->exec_deny.v[j].path, a->path) == 0)
            {
              u.hit = (ssize_t)j;
              break;
            }
      if (u.hit < 0)
        continue;
      save = c->ptr.len;
      og_buf_printf (&c->ptr, "/executables/allow/%zu", a->index);
      DIAG (c, false,
            "executables.allow[%zu] \"%s\" can never apply: executables.deny[%zu] \"%s\" "
            "denies it (deny beats allow)",
            a->index, a->path, m->exec_deny.v[u.hit].index, m->exec_deny.v[u.hit].path);
      pop (c, save);
    }
}

/* ---- sections ---------------------------------------------------------- */

static void
parse_packages (ctx *c, json_t *root)
{
  static const char *const keys[] = { "allow", "deny", "require", "unlisted", NULL };
  json_t *p = json_object_get (root, "packages");
  size_t save;
  if (p == NULL)
    return;
  save = push (c, "packages");
  if (expect_type (c, p, JSON_OBJECT, "\"packages\"", "an object"))
    {
      check_keys (c, p, keys, "\"packages\"");
      parse_pkg_list (c, p, "allow", &c->m->pkg_allow);
      parse_pkg_list (c, p, "deny", &c->m->pkg_deny);
      parse_pkg_list (c, p, "require", &c->m->pkg_require);
      c->m->pkg_unlisted = parse_switch (c, p, "unlisted", "packages that no rule names");
    }
  pop (c, save);
}

static void
parse_executables (ctx *c, json_t *root)
{
  static const char *const keys[] = { "allow",  "deny",   "unlisted",     "unowned", "modified",
                                      "setuid", "setgid", "capabilities", NULL };
  json_t *p = json_object_get (root, "executables");
  size_t save;
  if (p == NULL)
    return;
  save = push (c, "executables");
  if (expect_type (c, p, JSON_OBJECT, "\"executables\"", "an object"))
    {
      og_manifest *m = c->m;
      check_keys (c, p, keys, "\"executables\"");
      parse_exec_list (c, p, "allow", &m->exec_allow);
      parse_exec_list (c, p, "deny", &m->exec_deny);
      m->exec_unlisted
          = parse_switch (c, p, "unlisted", "executables that no rule names and no package owns");
      m->unowned = parse_switch (c, p, "unowned", "executables that no package owns");
      m->modified = parse_switch (c, p, "modified", "executables that differ from their package");
      m->setuid = parse_switch (c, p, "setuid", "set-user-ID executables");
      m->setgid = parse_switch (c, p, "setgid", "set-group-ID executables");
      m->capabilities = parse_switch (c, p, "capabilities", "executables with file capabilities");
    }
  pop (c, save);
}

static void
parse_launch (ctx *c, json_t *root)
{
  static const char *const keys[]
      = { "readonly_rootfs", "no_new_privileges", "allowed_bind_mounts", NULL };
  json_t *p = json_object_get (root, "launch"), *v;
  og_manifest *m = c->m;
  size_t save, s2;
  if (p == NULL)
    return;
  save = push (c, "launch");
  if (!expect_type (c, p, JSON_OBJECT, "\"launch\"", "an object"))
    {
      pop (c, save);
      return;
    }
  check_keys (c, p, keys, "\"launch\"");
  if ((v = json_object_get (p, "readonly_rootfs")) != NULL)
    {
      s2 = push (c, "readonly_rootfs");
      if (expect_type (c, v, JSON_TRUE, "\"readonly_rootfs\"", "true or false"))
        m->readonly_rootfs = json_is_true (v);
      pop (c, s2);
    }
  if ((v = json_object_get (p, "no_new_privileges")) != NULL)
    {
      s2 = push (c, "no_new_privileges");
      if (json_is_boolean (v))
        m->no_new_privileges = json_is_true (v) ? OG_NNP_TRUE : OG_NNP_FALSE;
      else if (json_is_string (v) && strcmp (json_string_value (v), "when-privileged") == 0)
        m->no_new_privileges = OG_NNP_WHEN_PRIVILEGED;
      else
        DIAG (c, false, "\"no_new_privileges\" must be true, false or \"when-privileged\"");
      pop (c, s2);
    }
  if ((v = json_object_get (p, "allowed_bind_mounts")) != NULL)
    {
      s2 = push (c, "allowed_bind_mounts");
      if (expect_type (c, v, JSON_ARRAY, "\"allowed_bind_mounts\"", "an array of host path globs"))
        {
          size_t i;
          json_t *e;
          m->has_bind_mounts = true;
          m->allowed_bind_mounts = og_xcalloc (json_array_size (v) + 1, sizeof (char *));
          json_array_foreach (v, i, e)
          {
            size_t s3 = push_index (c, i);
            char *g = get_glob (c, e, true, "a bind mount entry");
            if (g)
              m->allowed_bind_mounts[m->n_allowed_bind_mounts++] = g;
            pop (c, s3);
          }
        }
      pop (c, s2);
    }
  pop (c, save);
}

static long long
parse_limit (ctx *c, json_t *p, const char *key)
{
  json_t *v = json_object_get (p, key);
  long long r = -1;
  size_t save;
  if (v == NULL)
    return -1;
  save = push (c, key);
  if (json_is_integer (v) && json_integer_value (v) >= 0)
    r = json_integer_value (v);
  else
    DIAG (c, false, "\"%s\" must be a non-negative integer", key);
  pop (c, save);
  return r;
}

static void
parse_limits (ctx *c, json_t *root)
{
  static const char *const keys[] = { "max_packages", "max_executables", NULL };
  json_t *p = json_object_get (root, "limits");
  size_t save;
  if (p == NULL)
    return;
  save = push (c, "limits");
  if (expect_type (c, p, JSON_OBJECT, "\"limits\"", "an object"))
    {
      check_keys (c, p, keys, "\"limits\"");
      c->m->max_packages = parse_limit (c, p, "max_packages");
      c->m->max_executables = parse_limit (c, p, "max_executables");
    }
  pop (c, save);
}

static bool
valid_date (const char *s)
{
  int y, mo, d;
  static const int days[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if (strlen (s) != 10)
    return false;
  for (int i = 0; i < 10; i++)
    if ((i == 4 || i == 7) ? s[i] != '-' : !isdigit ((unsigned char)s[i]))
      return false;
  y = atoi (s);
  mo = atoi (s + 5);
  d = atoi (s + 8);
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days[mo - 1])
    return false;
  if (mo == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return false;
  return true;
}

/* Known rule names; list rules may carry "[N]" with N within the list.  */
static bool
valid_rule_name (const og_manifest *m, const char *rule, const char **why)
{
  static const char *const plain[] = { "packages.unlisted",
                                       "executables.unlisted",
                                       "executables.unowned",
                                       "executables.modified",
                                       "executables.setuid",
                                       "executables.setgid",
                                       "executables.capabilities",
                                       "launch.readonly_rootfs",
                                       "launch.no_new_privileges",
                                       "launch.allowed_bind_mounts",
                                       "limits.max_packages",
                                       "limits.max_executables",
                                       NULL };
  static const char *const lists[] = { "packages.allow",    "packages.deny",    "packages.require",
                                       "executables.allow", "executables.deny", NULL };
  size_t sizes[]
      = { m->pkg_allow.n, m->pkg_deny.n, m->pkg_require.n, m->exec_allow.n, m->exec_deny.n };
  *why = "expected a rule name such as \"executables.setuid\" or \"packages.deny[2]\"";
  for (size_t i = 0; plain[i]; i++)
    if (strcmp (rule, plain[i]) == 0)
      return true;
  for (size_t i = 0; lists[i]; i++)
    {
      size_t l = strlen (lists[i]);
      if (strncmp (rule, lists[i], l) != 0)
        continue;
      if (rule[l] == '\0')
        return true;
      if (rule[l] == '[' && isdigit ((unsigned char)rule[l + 1]))
        {
          char *end;
          unsigned long long n = strtoull (rule + l + 1, &end, 10);
          if (strcmp (end, "]") != 0)
            return false;
          if (n >= sizes[i])
            {
              *why = "the index is past the end of that list";
              return false;
            }
          return true;
        }
    }
  return false;
}

static void
parse_exceptions (ctx *c, json_t *root)
{
  static const char *const keys[] = { "rule", "package", "path", "expires", "reason", NULL };
  json_t *arr = json_object_get (root, "exceptions"), *e;
  og_manifest *m = c->m;
  size_t save, i;
  if (arr == NULL)
    return;
  save = push (c, "exceptions");
  if (!expect_type (c, arr, JSON_ARRAY, "\"exceptions\"", "an array of exception objects"))
    {
      pop (c, save);
      return;
    }
  m->exceptions = og_xcalloc (json_array_size (arr) + 1, sizeof *m->exceptions);
  json_array_foreach (arr, i, e)
  {
    size_t s2 = push_index (c, i), s3;
    og_exception x = { .index = i };
    json_t *v;
    bool ok = true;
    if (!expect_type (c, e, JSON_OBJECT, "an exception", "an object"))
      {
        pop (c, s2);
        continue;
      }
    check_keys (c, e, keys, "an exception");
    if ((v = json_object_get (e, "rule")) == NULL)
      DIAG (c, false, "an exception needs \"rule\" (the rule it waives)"), ok = false;
    else
      {
        const char *why;
        s3 = push (c, "rule");
        if (!json_is_string (v) || !valid_rule_name (m, json_string_value (v), &why))
          DIAG (c, false, "bad \"rule\": %s", json_is_string (v) ? why : "expected a string"),
              ok = false;
        else
          x.rule = og_xstrdup (json_string_value (v));
        pop (c, s3);
      }
    if ((v = json_object_get (e, "package")) != NULL)
      {
        s3 = push (c, "package");
        x.package = get_glob (c, v, false, "\"package\"");
        ok = ok && x.package;
        pop (c, s3);
      }
    if ((v = json_object_get (e, "path")) != NULL)
      {
        s3 = push (c, "path");
        x.path = get_glob (c, v, true, "\"path\"");
        ok = ok && x.path;
        pop (c, s3);
      }
    if (x.package && x.path)
      DIAG (c, false, "an exception names a \"package\" or a \"path\", not both"), ok = false;
    if ((v = json_object_get (e, "expires")) == NULL)
      DIAG (c, false, "an exception needs \"expires\" (a date, YYYY-MM-DD)"), ok = false;
    else
      {
        s3 = push (c, "expires");
        if (!json_is_string (v) || !valid_date (json_string_value (v)))
          DIAG (c, false, "\"expires\" must be a date YYYY-MM-DD"), ok = false;
        else
          x.expires = og_xstrdup (json_string_value (v));
        pop (c, s3);
      }
    if ((v = json_object_get (e, "reason")) == NULL)
      DIAG (c, false, "an exception needs \"reason\" (why it is granted)"), ok = false;
    else
      {
        s3 = push (c, "reason");
        if (expect_type (c, v, JSON_STRING, "\"reason\"", "a string"))
          x.reason = og_xstrdup (json_string_value (v));
        else
          ok = false;
        pop (c, s3);
      }
    if (ok)
      m->exceptions[m->n_exceptions++] = x;
    else
      {
        free (x.rule);
        free (x.package);
        free (x.path);
        free (x.expires);
        free (x.reason);
      }
    pop (c, s2);
  }
  pop (c, save);
}

static void
parse_root (ctx *c, json_t *root)
{
  static const char *const keys[] = { "schema", "name",   "description", "packages", "executables",
                                      "launch", "limits", "exceptions",  NULL };
  json_t *v;
  size_t save;

  if (!json_is_object (root))
    {
      DIAG (c, false, "a manifest is a JSON object, not %s", json_type_name (root));
      return;
    }
  check_keys (c, root, keys, "the manifest");
  v = json_object_get (root, "schema");
  if (v == NULL)
    DIAG (c, false, "the manifest needs \"schema\": \"" OG_MANIFEST_SCHEMA "\"");
  else
    {
      save = push (c, "schema");
      if (!json_is_string (v) || strcmp (json_string_value (v), OG_MANIFEST_SCHEMA) != 0)
        DIAG (c, false, "\"schema\" must be \"" OG_MANIFEST_SCHEMA "\"");
      pop (c, save);
    }
  if ((v = json_object_get (root, "name")) != NULL)
    {
      save = push (c, "name");
      if (expect_type (c, v, JSON_STRING, "\"name\"", "a string"))
        c->m->name = og_xstrdup (json_string_value (v));
      pop (c, save);
    }
  if ((v = json_object_get (root, "description")) != NULL)
    {
      save = push (c, "description");
      expect_type (c, v, JSON_STRING, "\"description\"", "a string");
      pop (c, save);
    }
  parse_packages (c, root);
  parse_executables (c, root);
  parse_launch (c, root);
  parse_limits (c, root);
  parse_exceptions (c, root);
  check_hidden (c);
}

int
og_manifest_load_buffer (const char *data, size_t len, const char *file, og_manifest **out,
                         og_diags *diags, og_error **err)
{
  og_jdoc doc;
  og_manifest *m;
  ctx c = { 0 };
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int mdlen = 0;

  *out = NULL;
  if (diags->file == NULL)
    diags->file = og_xstrdup (file ? file : "<manifest>");
  if (og_jdoc_parse (data, len, &doc, diags) < 0)
    {
      cleanup_free char *msg = og_diag_format (diags, 0);
      og_jdoc_clear (&doc);
      return og_error_set (err, 0, "manifest %s", msg);
    }
  m = og_xcalloc (1, sizeof *m);
  m->file = og_xstrdup (diags->file);
  m->readonly_rootfs = -1;
  m->max_packages = m->max_executables = -1;
  if (EVP_Digest (data, len, md, &mdlen, EVP_sha256 (), NULL) == 1 && mdlen == 32)
    og_hex (md, 32, m->sha256);
  c.doc = &doc;
  c.m = m;
  og_buf_puts (&c.ptr, "");
  parse_root (&c, doc.root);
  og_buf_free (&c.ptr);
  og_jdoc_clear (&doc);
  if (diags->n)
    {
      cleanup_free char *msg = og_diag_format (diags, 0);
      og_manifest_free (m);
      if (diags->n > 1)
        return og_error_set (err, 0, "manifest %s (and %zu more problems)", msg, diags->n - 1);
      return og_error_set (err, 0, "manifest %s", msg);
    }
  *out = m;
  return 0;
}

int
og_manifest_load_file (const char *path, og_manifest **out, og_diags *diags, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  *out = NULL;
  if (og_jdoc_read_file (path, &data, &len, err) < 0)
    {
      og_error_prefix (err, "manifest");
      return -1;
    }
  return og_manifest_load_buffer (data, len, path, out, diags, err);
}

void
og_manifest_free (og_manifest *m)
{
  if (m == NULL)
    return;
  og_pkg_rules *pl[] = { &m->pkg_allow, &m->pkg_deny, &m->pkg_require };
  og_exec_rules *el[] = { &m->exec_allow, &m->exec_deny };
  for (size_t l = 0; l < OG_ARRAY_SIZE (pl); l++)
    {
      for (size_t i = 0; i < pl[l]->n; i++)
        pkg_rule_clear (&pl[l]->v[i]);
      free (pl[l]->v);
      index_clear (&pl[l]->idx);
    }
  for (size_t l = 0; l < OG_ARRAY_SIZE (el); l++)
    {
      for (size_t i = 0; i < el[l]->n; i++)
        {
          free (el[l]->v[i].path);
          free (el[l]->v[i].sha256);
        }
      free (el[l]->v);
      index_clear (&el[l]->idx);
    }
  for (size_t i = 0; i < m->n_allowed_bind_mounts; i++)
    free (m->allowed_bind_mounts[i]);
  free (m->allowed_bind_mounts);
  for (size_t i = 0; i < m->n_exceptions; i++)
    {
      og_exception *x = &m->exceptions[i];
      free (x->rule);
      free (x->package);
      free (x->path);
      free (x->expires);
      free (x->reason);
    }
  free (m->exceptions);
  free (m->file);
  free (m->name);
  free (m);
}

bool
og_manifest_needs_sha256 (const og_manifest *m)
{
  for (size_t i = 0; i < m->exec_allow.n; i++)
    if (m->exec_allow.v[i].sha256)
      return true;
  for (size_t i = 0; i < m->exec_deny.n; i++)
    if (m->exec_deny.v[i].sha256)
      return true;
  return false;
}

/* ---- generation -------------------------------------------------------- */

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

/* Escape glob characters so that a path or name is matched literally.  */
static char *
glob_escape (const char *s)
{
  og_buf b = { 0 };
  og_buf_puts (&b, "");
  for (; *s; s++)
    {
      if (*s == '*' || *s == '?' || *s == '[' || *s == '\\')
        og_buf_putc (&b, '\\');
      og_buf_putc (&b, *s);
    }
  return og_buf_steal (&b);
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
          json_object_set_new (o, "version", json_string (ver));
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
  json_t *root = json_object (), *pk = json_object (), *ex = json_object (), *allow;
  size_t n = inv->n_execs;
  cleanup_free const og_exec **v = og_xcalloc (n + 1, sizeof *v);
  size_t setuid = 0, setgid = 0, caps = 0, unowned = 0, modified = 0;
  char *out;

  json_object_set_new (root, "schema", json_string (OG_MANIFEST_SCHEMA));
  json_object_set_new (root, "name", json_string (name ? name : "generated"));
  json_object_set_new (pk, "allow", gen_packages (inv, level));
  json_object_set_new (pk, "unlisted", json_string ("deny"));
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
  json_decref (root);
  if (out == NULL)
    abort ();
  {
    /* Hand back memory from our allocator, with a final newline.  */
    char *r = og_xasprintf ("%s\n", out);
    free (out);
    return r;
  }
}
