/* Allowed-content manifests (ocigate.manifest/v1): loading and validation
   with file:line:column diagnostics (through json/load.h), building the rule
   indexes (rule_index.c).  The format is this project's own; its JSON Schema is
   policy/ocigate.manifest.schema.json.  Pure over bytes and inventories.  */
#include <ctype.h>

#include "json/load.h"
#include "policy/glob.h"
#include "policy/lint.h"
#include "policy/manifest.h"
#include "policy/manifest_int.h"

/* ---- loading ----------------------------------------------------------- */

/* ---- sections ---------------------------------------------------------- */

/* "database": "required" | "optional" (the default): whether a root
   without any package database is a finding.  */
static bool
load_database (ctx *c, json_t *p)
{
  json_t *v = json_object_get (p, "database");
  bool required = false;
  if (v == NULL)
    return false;
  if (json_is_string (v) && strcmp (json_string_value (v), "required") == 0)
    required = true;
  else if (!(json_is_string (v) && strcmp (json_string_value (v), "optional") == 0))
    DIAG_AT (c, "database", "\"database\" must be \"required\" or \"optional\"");
  return required;
}

/* A section of the manifest: an object NAME whose keys are among keys, read
   by fill with the pointer at /NAME.  */
typedef struct section
{
  const char *name;
  const char *const *keys;
  void (*fill) (ctx *c, json_t *p);
} section;

static void
parse_section (ctx *c, json_t *root, const section *s)
{
  size_t save;
  json_t *p = og_jload_object (c->j, root, s->name, s->keys, NULL, &save);
  if (p)
    s->fill (c, p);
  pop (c, save);
}

static void
fill_packages (ctx *c, json_t *p)
{
  og_mload_pkg_list (c, p, "allow", &c->m->pkg_allow);
  og_mload_pkg_list (c, p, "deny", &c->m->pkg_deny);
  og_mload_pkg_list (c, p, "require", &c->m->pkg_require);
  c->m->pkg_unlisted = og_mload_switch (c, p, "unlisted", "packages that no rule names");
  c->m->missing_files
      = og_mload_switch (c, p, "missing_files", "files that their packages installed and are gone");
  c->m->require_database = load_database (c, p);
}

static void
fill_executables (ctx *c, json_t *p)
{
  og_manifest *m = c->m;
  og_mload_exec_list (c, p, "allow", &m->exec_allow);
  og_mload_exec_list (c, p, "deny", &m->exec_deny);
  m->exec_unlisted
      = og_mload_switch (c, p, "unlisted", "executables that no rule names and no package owns");
  m->unowned = og_mload_switch (c, p, "unowned", "executables that no package owns");
  m->modified = og_mload_switch (c, p, "modified", "executables that differ from their package");
  m->setuid = og_mload_priv (c, p, "setuid", "set-user-ID executables", false, &m->setuid_set);
  m->setgid = og_mload_priv (c, p, "setgid", "set-group-ID executables", false, &m->setgid_set);
  m->capabilities = og_mload_priv (c, p, "capabilities", "executables with file capabilities", true,
                                   &m->caps_set);
}

static void
add_bind_mount (ctx *c, json_t *e, OG_UNUSED size_t i, void *p)
{
  og_manifest *m = p;
  char *g = og_mload_glob (c, e, true, "a bind mount entry");
  if (g)
    m->allowed_bind_mounts[m->n_allowed_bind_mounts++] = g;
}

static void
fill_launch (ctx *c, json_t *p)
{
  og_manifest *m = c->m;
  json_t *v;
  m->readonly_rootfs = og_jload_bool (c->j, p, "readonly_rootfs");
  if ((v = json_object_get (p, "no_new_privileges")) != NULL)
    {
      if (json_is_boolean (v))
        m->no_new_privileges = json_is_true (v) ? OG_NNP_TRUE : OG_NNP_FALSE;
      else if (json_is_string (v) && strcmp (json_string_value (v), "when-privileged") == 0)
        m->no_new_privileges = OG_NNP_WHEN_PRIVILEGED;
      else
        DIAG_AT (c, "no_new_privileges",
                 "\"no_new_privileges\" must be true, false or \"when-privileged\"");
    }
  /* Present, even empty, the list is the whole allow-list (when it is not
     an array, the manifest does not load).  */
  v = json_object_get (p, "allowed_bind_mounts");
  m->has_bind_mounts = v != NULL;
  m->allowed_bind_mounts = og_xcalloc (json_array_size (v) + 1, sizeof (char *));
  og_mload_each (c, p, "allowed_bind_mounts", "an array of host path globs", add_bind_mount, m);
}

static long long
parse_limit (ctx *c, json_t *p, const char *key)
{
  json_t *v = json_object_get (p, key);
  long long r = -1;
  if (v == NULL)
    return -1;
  if (json_is_integer (v) && json_integer_value (v) >= 0)
    r = json_integer_value (v);
  else
    DIAG_AT (c, key, "\"%s\" must be a non-negative integer", key);
  return r;
}

static void
fill_limits (ctx *c, json_t *p)
{
  c->m->max_packages = parse_limit (c, p, "max_packages");
  c->m->max_executables = parse_limit (c, p, "max_executables");
}

/* The object sections, in the order they are read.  */
static const section sections[] = {
  { "packages",
    (const char *const[]){ "allow", "deny", "require", "unlisted", "missing_files", "database",
                           NULL },
    fill_packages },
  { "executables",
    (const char *const[]){ "allow", "deny", "unlisted", "unowned", "modified", "setuid", "setgid",
                           "capabilities", NULL },
    fill_executables },
  { "launch",
    (const char *const[]){ "readonly_rootfs", "no_new_privileges", "allowed_bind_mounts", NULL },
    fill_launch },
  { "limits", (const char *const[]){ "max_packages", "max_executables", NULL }, fill_limits },
};

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
                                       "packages.missing_files",
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
                                       "inspection",
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
exception_clear (og_exception *x)
{
  free (x->rule);
  free (x->package);
  free (x->path);
  free (x->expires);
  free (x->reason);
}

static void
add_exception (ctx *c, json_t *e, size_t i, void *p)
{
  static const char *const keys[] = { "rule", "package", "path", "expires", "reason", NULL };
  og_manifest *m = p;
  og_exception x = { .index = i };
  json_t *v;
  bool ok = true, present;
  size_t s3;
  if (!expect_type (c, e, JSON_OBJECT, "an exception", "an object"))
    return;
  check_keys (c, e, keys, "an exception");
  if ((v = json_object_get (e, "rule")) == NULL)
    DIAG (c, false, "an exception needs \"rule\" (the rule it waives)"), ok = false;
  else
    {
      const char *why;
      if (!json_is_string (v) || !valid_rule_name (m, json_string_value (v), &why))
        DIAG_AT (c, "rule", "bad \"rule\": %s", json_is_string (v) ? why : "expected a string"),
            ok = false;
      else
        x.rule = og_xstrdup (json_string_value (v));
    }
  x.package = og_mload_member_glob (c, e, "package", false, &present);
  ok = ok && (x.package || !present);
  x.path = og_mload_member_glob (c, e, "path", true, &present);
  ok = ok && (x.path || !present);
  if (x.package && x.path)
    DIAG (c, false, "an exception names a \"package\" or a \"path\", not both"), ok = false;
  /* What was not inspected is waived one named place at a time: a pattern
     would let content the operator never saw slip through unseen.  */
  if (x.rule && strcmp (x.rule, "inspection") == 0)
    {
      cleanup_free char *lit = x.path ? og_glob_literal (x.path) : NULL;
      if (lit == NULL)
        DIAG (c, false,
              "an exception for \"inspection\" needs \"path\": the exact path (no wildcard) "
              "of the mount point or file it vouches for"),
            ok = false;
    }
  if ((v = json_object_get (e, "expires")) == NULL)
    DIAG (c, false, "an exception needs \"expires\" (a date, YYYY-MM-DD)"), ok = false;
  else
    {
      if (!json_is_string (v) || !valid_date (json_string_value (v)))
        DIAG_AT (c, "expires", "\"expires\" must be a date YYYY-MM-DD"), ok = false;
      else
        x.expires = og_xstrdup (json_string_value (v));
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
    exception_clear (&x);
}

static void
parse_exceptions (ctx *c, json_t *root)
{
  /* json_array_size is 0 for what is not an array.  */
  c->m->exceptions = og_xcalloc (json_array_size (json_object_get (root, "exceptions")) + 1,
                                 sizeof *c->m->exceptions);
  og_mload_each (c, root, "exceptions", "an array of exception objects", add_exception, c->m);
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
      if (!json_is_string (v) || strcmp (json_string_value (v), OG_MANIFEST_SCHEMA) != 0)
        DIAG_AT (c, "schema", "\"schema\" must be \"" OG_MANIFEST_SCHEMA "\"");
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
  for (size_t i = 0; i < OG_ARRAY_SIZE (sections); i++)
    parse_section (c, root, &sections[i]);
  parse_exceptions (c, root);
  og_manifest_lint_hidden (c->m, c->j);
}

int
og_manifest_load_buffer (const char *data, size_t len, const char *file, og_manifest **out,
                         og_diags *diags, og_error **err)
{
  cleanup_manifest og_manifest *m = NULL;
  cleanup_jload og_jload j = { 0 };
  ctx c = { &j, NULL };

  *out = NULL;
  if (og_jload_parse (&j, data, len, file ? file : "<manifest>", "manifest", diags, err) < 0)
    return -1;
  m = og_xcalloc (1, sizeof *m);
  m->file = og_xstrdup (diags->file);
  m->readonly_rootfs = -1;
  m->max_packages = m->max_executables = -1;
  m->sha256 = og_steal_pointer (&j.sha256);
  c.m = m;
  parse_root (&c, j.doc.root);
  if (og_jload_result (&j, "manifest", true, err) < 0)
    return -1;
  *out = og_steal_pointer (&m);
  return 0;
}

int
og_manifest_load_file (const char *path, og_manifest **out, og_diags *diags, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  *out = NULL;
  if (og_jload_read_file (path, "manifest", &data, &len, err) < 0)
    return -1;
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
        og_mload_pkg_rule_clear (&pl[l]->v[i]);
      free (pl[l]->v);
      og_rule_index_clear (&pl[l]->idx);
    }
  for (size_t l = 0; l < OG_ARRAY_SIZE (el); l++)
    {
      for (size_t i = 0; i < el[l]->n; i++)
        og_mload_exec_rule_clear (&el[l]->v[i]);
      free (el[l]->v);
      og_rule_index_clear (&el[l]->idx);
    }
  og_priv_set_clear (&m->setuid_set);
  og_priv_set_clear (&m->setgid_set);
  og_priv_set_clear (&m->caps_set);
  for (size_t i = 0; i < m->n_allowed_bind_mounts; i++)
    free (m->allowed_bind_mounts[i]);
  free (m->allowed_bind_mounts);
  for (size_t i = 0; i < m->n_exceptions; i++)
    exception_clear (&m->exceptions[i]);
  free (m->exceptions);
  free (m->file);
  free (m->name);
  free (m->sha256);
  free (m);
}

bool
og_manifest_needs_deps (const og_manifest *m)
{
  for (size_t i = 0; i < m->pkg_require.n; i++)
    if (m->pkg_require.v[i].with_deps)
      return true;
  return false;
}

bool
og_manifest_needs_verify (const og_manifest *m)
{
  return m->modified == OG_SWITCH_DENY || m->missing_files == OG_SWITCH_DENY;
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
