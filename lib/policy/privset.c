/* The setuid, setgid and file-capability sets a golden manifest pins
   (ocigate-manifest(5), "executables"): loading the list or map that may
   stand where the "allow"/"deny" switch does, and matching a file against
   it.  */
#include "policy/glob.h"
#include "policy/manifest.h"
#include "policy/manifest_int.h"

static void
pin_add (og_priv_set *s, char *path, char *caps)
{
  s->v = og_xreallocarray (s->v, s->n + 1, sizeof *s->v);
  s->v[s->n++] = (og_priv_pin){ .path = path, .caps = caps };
}

/* "setuid": ["/usr/bin/su", ...]  */
static void
load_paths (ctx *c, json_t *v, og_priv_set *s)
{
  size_t i;
  json_t *x;
  json_array_foreach (v, i, x)
  {
    size_t save = push_index (c, i);
    char *path = og_mload_glob (c, x, true, "a pinned path");
    if (path)
      pin_add (s, path, NULL);
    pop (c, save);
  }
}

/* "capabilities": {"/usr/bin/ping": "cap_net_raw=ep", ...}  */
static void
load_caps (ctx *c, json_t *v, og_priv_set *s)
{
  const char *key;
  json_t *x;
  json_object_foreach (v, key, x)
  {
    size_t save = push (c, key);
    cleanup_json json_t *k = json_string (key);
    char *path = k ? og_mload_glob (c, k, true, "a pinned path") : NULL;
    if (path == NULL)
      ;
    else if (!json_is_string (x) || json_string_length (x) == 0)
      {
        DIAG (c, false,
              "the capabilities pinned for \"%s\" must be a non-empty string such as "
              "\"cap_net_raw=ep\"",
              key);
        free (path);
      }
    else
      pin_add (s, path, og_xstrdup (json_string_value (x)));
    pop (c, save);
  }
}

og_switch
og_mload_priv (ctx *c, json_t *parent, const char *key, const char *what, bool caps, og_priv_set *s)
{
  json_t *v = json_object_get (parent, key);
  size_t save;
  if (v == NULL || json_is_string (v))
    return og_mload_switch (c, parent, key, what);
  save = push (c, key);
  if (!caps && json_is_array (v))
    load_paths (c, v, s);
  else if (caps && json_is_object (v))
    load_caps (c, v, s);
  else
    DIAG (c, false,
          caps ? "\"%s\" (%s) must be \"allow\", \"deny\" or an object of path: capabilities"
               : "\"%s\" (%s) must be \"allow\", \"deny\" or an array of the paths allowed",
          key, what);
  pop (c, save);
  s->pinned = true;
  return OG_SWITCH_DENY;
}

void
og_priv_set_clear (og_priv_set *s)
{
  for (size_t i = 0; i < s->n; i++)
    {
      free (s->v[i].path);
      free (s->v[i].caps);
    }
  free (s->v);
  *s = (og_priv_set){ 0 };
}

bool
og_priv_set_allows (const og_priv_set *s, const char *path, const char *caps,
                    const char **pinned_caps)
{
  *pinned_caps = NULL;
  for (size_t i = 0; i < s->n; i++)
    {
      if (!og_path_glob_match (s->v[i].path, path))
        continue;
      if (s->v[i].caps == NULL || (caps && strcmp (s->v[i].caps, caps) == 0))
        return true;
      *pinned_caps = s->v[i].caps;
    }
  return false;
}

const char *
og_priv_rule (og_priv_kind k)
{
  switch (k)
    {
    case OG_PRIV_SETUID:
      return "executables.setuid";
    case OG_PRIV_SETGID:
      return "executables.setgid";
    case OG_PRIV_CAPS:
    case OG_PRIV_KINDS:
    default:
      break;
    }
  return "executables.capabilities";
}

char *
og_priv_violation (const og_manifest *m, const og_exec *e, og_priv_kind k)
{
  const char *pin = NULL;
  switch (k)
    {
    case OG_PRIV_SETUID:
      if (m->setuid != OG_SWITCH_DENY || !e->setuid
          || og_priv_set_allows (&m->setuid_set, e->path, NULL, &pin))
        return NULL;
      return og_xasprintf ("%s is set-user-ID (owner uid %u)%s", e->path, e->uid,
                           m->setuid_set.pinned ? ", and the pinned setuid set leaves it out" : "");
    case OG_PRIV_SETGID:
      if (m->setgid != OG_SWITCH_DENY || !e->setgid
          || og_priv_set_allows (&m->setgid_set, e->path, NULL, &pin))
        return NULL;
      return og_xasprintf ("%s is set-group-ID (group gid %u)%s", e->path, e->gid,
                           m->setgid_set.pinned ? ", and the pinned setgid set leaves it out" : "");
    case OG_PRIV_CAPS:
    case OG_PRIV_KINDS:
    default:
      break;
    }
  if (m->capabilities != OG_SWITCH_DENY || e->capabilities == NULL
      || og_priv_set_allows (&m->caps_set, e->path, e->capabilities, &pin))
    return NULL;
  if (pin)
    return og_xasprintf ("%s has file capabilities %s; the manifest pins %s", e->path,
                         e->capabilities, pin);
  return og_xasprintf ("%s has file capabilities %s%s", e->path, e->capabilities,
                       m->caps_set.pinned ? ", and the pinned capability set leaves it out" : "");
}
