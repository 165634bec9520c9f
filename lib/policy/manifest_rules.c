/* Manifest loading, the rule lists: package and executable entries (a glob
   string, or an object with a version constraint or a sha256 pin) and the
   allow/deny switches, each into its list and its rule index.  */
#include <ctype.h>

#include "json/load.h"
#include "policy/glob.h"
#include "policy/manifest.h"
#include "policy/manifest_int.h"

og_switch
og_mload_switch (ctx *c, json_t *parent, const char *key, const char *what)
{
  json_t *v = json_object_get (parent, key);
  og_switch r = OG_SWITCH_UNSET;
  if (v == NULL)
    return r;
  if (json_is_string (v) && strcmp (json_string_value (v), "allow") == 0)
    r = OG_SWITCH_ALLOW;
  else if (json_is_string (v) && strcmp (json_string_value (v), "deny") == 0)
    r = OG_SWITCH_DENY;
  else
    DIAG_AT (c, key, "\"%s\" (%s) must be \"allow\" or \"deny\"", key, what);
  return r;
}

char *
og_mload_glob (ctx *c, json_t *v, bool path, const char *what)
{
  if (!expect_type (c, v, JSON_STRING, what, path ? "a path glob string" : "a name glob string"))
    return NULL;
  return og_glob_load (c->j, json_string_value (v), path);
}

char *
og_mload_member_glob (ctx *c, json_t *obj, const char *key, bool path, bool *present)
{
  json_t *v = json_object_get (obj, key);
  cleanup_free char *what = NULL;
  char *r;
  size_t save;
  if (present)
    *present = v != NULL;
  if (v == NULL)
    return NULL;
  what = og_xasprintf ("\"%s\"", key);
  save = push (c, key);
  r = og_mload_glob (c, v, path, what);
  pop (c, save);
  return r;
}

void
og_mload_pkg_rule_clear (og_pkg_rule *r)
{
  free (r->name);
  free (r->version);
  free (r->arch);
  og_vconstraint_clear (&r->constraint);
}

static bool
parse_pkg_rule (ctx *c, json_t *e, og_pkg_rule *r, bool require)
{
  static const char *const keys[] = { "name", "version", "type", "arch", NULL };
  static const char *const require_keys[]
      = { "name", "version", "type", "arch", "with_dependencies", NULL };
  json_t *v;
  size_t save;
  bool present;

  if (json_is_string (e))
    return (r->name = og_mload_glob (c, e, false, "a package entry")) != NULL;
  if (!json_is_object (e))
    {
      DIAG (c, false,
            "a package entry must be a name glob string or an object {\"name\", "
            "\"version\", \"type\", \"arch\"}, not %s",
            json_type_name (e));
      return false;
    }
  check_keys (c, e, require ? require_keys : keys, "a package entry");
  r->with_deps = og_jload_bool (c->j, e, "with_dependencies") == 1;
  r->name = og_mload_member_glob (c, e, "name", false, &present);
  if (!present)
    {
      DIAG (c, false, "a package entry needs \"name\" (a name glob)");
      return false;
    }
  if ((v = json_object_get (e, "type")) != NULL)
    {
      if (!json_is_string (v) || (r->type = og_pkg_type_parse (json_string_value (v))) == 0)
        DIAG_AT (c, "type", "\"type\" must be \"rpm\", \"deb\" or \"apk\"");
    }
  r->arch = og_mload_member_glob (c, e, "arch", false, NULL);
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

void
og_mload_each (ctx *c, json_t *parent, const char *key, const char *expected, og_mload_add add,
               void *out)
{
  json_t *arr = json_object_get (parent, key);
  cleanup_free char *what = NULL;
  size_t save, i;
  json_t *e;

  if (arr == NULL)
    return;
  what = og_xasprintf ("\"%s\"", key);
  save = push (c, key);
  if (expect_type (c, arr, JSON_ARRAY, what, expected))
    json_array_foreach (arr, i, e)
    {
      size_t s2 = push_index (c, i);
      add (c, e, i, out);
      pop (c, s2);
    }
  pop (c, save);
}

static void
add_pkg_rule (ctx *c, json_t *e, size_t i, void *p)
{
  og_pkg_rules *out = p;
  og_pkg_rule r = { .index = i };
  /* Only a require rule can ask for its dependencies.  */
  if (!parse_pkg_rule (c, e, &r, out == &c->m->pkg_require))
    {
      og_mload_pkg_rule_clear (&r);
      return;
    }
  out->v[out->n] = r;
  og_rule_index_add (&out->idx, r.name, false, out->n);
  out->n++;
}

void
og_mload_pkg_list (ctx *c, json_t *parent, const char *key, og_pkg_rules *out)
{
  /* json_array_size is 0 for what is not an array: a list is never NULL.  */
  out->v = og_xcalloc (json_array_size (json_object_get (parent, key)) + 1, sizeof *out->v);
  og_mload_each (c, parent, key, "an array of package entries", add_pkg_rule, out);
}

void
og_mload_exec_rule_clear (og_exec_rule *r)
{
  free (r->path);
  free (r->sha256);
}

static bool
parse_exec_rule (ctx *c, json_t *e, og_exec_rule *r)
{
  static const char *const keys[] = { "path", "sha256", NULL };
  json_t *v;
  bool present;

  if (json_is_string (e))
    return (r->path = og_mload_glob (c, e, true, "an executable entry")) != NULL;
  if (!json_is_object (e))
    {
      DIAG (c, false,
            "an executable entry must be a path glob string or an object {\"path\", \"sha256\"}, "
            "not %s",
            json_type_name (e));
      return false;
    }
  check_keys (c, e, keys, "an executable entry");
  r->path = og_mload_member_glob (c, e, "path", true, &present);
  if (!present)
    {
      DIAG (c, false, "an executable entry needs \"path\" (a path glob)");
      return false;
    }
  if ((v = json_object_get (e, "sha256")) != NULL)
    {
      if (!og_json_is_sha256 (v))
        DIAG_AT (c, "sha256", "\"sha256\" must be 64 lower-case hex digits");
      else
        r->sha256 = og_xstrdup (json_string_value (v));
    }
  return r->path != NULL;
}

static void
add_exec_rule (ctx *c, json_t *e, size_t i, void *p)
{
  og_exec_rules *out = p;
  og_exec_rule r = { .index = i };
  if (!parse_exec_rule (c, e, &r))
    {
      og_mload_exec_rule_clear (&r);
      return;
    }
  out->v[out->n] = r;
  og_rule_index_add (&out->idx, r.path, true, out->n);
  out->n++;
}

void
og_mload_exec_list (ctx *c, json_t *parent, const char *key, og_exec_rules *out)
{
  out->v = og_xcalloc (json_array_size (json_object_get (parent, key)) + 1, sizeof *out->v);
  og_mload_each (c, parent, key, "an array of executable entries", add_exec_rule, out);
}
