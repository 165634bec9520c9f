/* OCI state and config.json, parsed with yajl's tree API.
   Source: opencontainers/runtime-spec runtime.md ("State": ociVersion, id,
   status, pid, bundle, annotations) and config.md (root.path, root.readonly,
   process.args, process.noNewPrivileges, process.capabilities, mounts,
   annotations).  crun adds "root" to the state.  */
#include <yajl/yajl_parse.h>
#include <yajl/yajl_tree.h>

#include "json/scan.h"
#include "runtime/oci.h"
#include "base/util.h"

/* yajl builds and frees trees recursively: refuse nesting deeper than any
   real state or config has before handing the bytes to it.  The tokenizer
   stops at an unterminated string, where yajl stops too.  */
static int
check_depth (const char *data, size_t len, const char *name, og_error **err)
{
  og_jscan s;
  og_jtok t;

  og_jscan_init (&s, data, len, 0);
  while (og_jscan_next (&s, &t) > OG_JTOK_ERROR)
    if (s.depth > OG_OCI_MAX_DEPTH)
      return og_error_set (err, 0, "%s: JSON nested deeper than %d levels", name, OG_OCI_MAX_DEPTH);
  return 0;
}

/* Where a JSON syntax error is, as line:column: yajl's tree parser does not
   say, so a validating pass without callbacks finds the offset.  */
static void
error_position (const char *data, size_t len, int *line, int *column)
{
  yajl_handle h = yajl_alloc (NULL, NULL, NULL);
  size_t off = len;
  *line = 1;
  *column = 1;
  if (h == NULL)
    return;
  if (yajl_parse (h, (const unsigned char *)data, len) != yajl_status_ok)
    off = yajl_get_bytes_consumed (h);
  else if (yajl_complete_parse (h) != yajl_status_ok)
    off = len;
  yajl_free (h);
  for (size_t i = 0; i < off && i < len; i++)
    {
      if (data[i] == '\n')
        {
          (*line)++;
          *column = 1;
        }
      else
        (*column)++;
    }
}

static yajl_val
parse_tree (const char *data, size_t len, size_t max, const char *name, og_error **err)
{
  char ebuf[256];
  cleanup_free char *copy = NULL;
  yajl_val v;

  if (len > max)
    {
      og_error_set (err, EFBIG, "%s: %zu bytes, over the limit of %zu", name, len, max);
      return NULL;
    }
  if (memchr (data, '\0', len))
    {
      og_error_set (err, 0, "%s: a NUL byte in JSON", name);
      return NULL;
    }
  if (check_depth (data, len, name, err) < 0)
    return NULL;
  copy = og_xstrndup (data, len);
  ebuf[0] = '\0';
  v = yajl_tree_parse (copy, ebuf, sizeof ebuf);
  if (v == NULL)
    {
      char *nl = strchr (ebuf, '\n');
      int line, column;
      if (nl)
        *nl = '\0';
      error_position (data, len, &line, &column);
      og_error_set (err, 0, "%s:%d:%d: not valid JSON: %s", name, line, column,
                    ebuf[0] ? ebuf : "parse error");
      return NULL;
    }
  if (!YAJL_IS_OBJECT (v))
    {
      yajl_tree_free (v);
      og_error_set (err, 0, "%s: expected a JSON object", name);
      return NULL;
    }
  return v;
}

static yajl_val
field (yajl_val obj, const char *key)
{
  if (!YAJL_IS_OBJECT (obj))
    return NULL;
  for (size_t i = 0; i < obj->u.object.len; i++)
    if (strcmp (obj->u.object.keys[i], key) == 0)
      return obj->u.object.values[i];
  return NULL;
}

static char *
dup_string (yajl_val v)
{
  return YAJL_IS_STRING (v) ? og_xstrdup (YAJL_GET_STRING (v)) : NULL;
}

static int
take_annotations (yajl_val obj, const char *name, og_kv **out, size_t *n, og_error **err)
{
  if (obj == NULL || YAJL_IS_NULL (obj))
    return 0;
  if (!YAJL_IS_OBJECT (obj))
    return og_error_set (err, 0, "%s: \"annotations\" must be an object", name);
  *out = og_xcalloc (obj->u.object.len, sizeof **out);
  for (size_t i = 0; i < obj->u.object.len; i++)
    {
      yajl_val v = obj->u.object.values[i];
      if (!YAJL_IS_STRING (v))
        return og_error_set (err, 0, "%s: annotation \"%s\" must be a string", name,
                             obj->u.object.keys[i]);
      (*out)[*n].key = og_xstrdup (obj->u.object.keys[i]);
      (*out)[*n].value = og_xstrdup (YAJL_GET_STRING (v));
      (*n)++;
    }
  return 0;
}

static int
take_strings (yajl_val arr, const char *name, const char *what, char ***out, size_t *n,
              og_error **err)
{
  if (arr == NULL || YAJL_IS_NULL (arr))
    return 0;
  if (!YAJL_IS_ARRAY (arr))
    return og_error_set (err, 0, "%s: \"%s\" must be an array of strings", name, what);
  *out = og_xcalloc (arr->u.array.len, sizeof **out);
  for (size_t i = 0; i < arr->u.array.len; i++)
    {
      if (!YAJL_IS_STRING (arr->u.array.values[i]))
        return og_error_set (err, 0, "%s: \"%s\" must be an array of strings", name, what);
      (*out)[(*n)++] = og_xstrdup (YAJL_GET_STRING (arr->u.array.values[i]));
    }
  return 0;
}

int
og_oci_state_parse (const char *data, size_t len, og_oci_state *out, og_error **err)
{
  const char *name = "OCI state (stdin)";
  yajl_val v = parse_tree (data, len, OG_OCI_STATE_MAX, name, err);
  yajl_val pid;
  int ret;

  memset (out, 0, sizeof *out);
  if (v == NULL)
    return -1;
  out->oci_version = dup_string (field (v, "ociVersion"));
  out->id = dup_string (field (v, "id"));
  out->status = dup_string (field (v, "status"));
  out->bundle = dup_string (field (v, "bundle"));
  out->root = dup_string (field (v, "root"));
  pid = field (v, "pid");
  out->pid = YAJL_IS_INTEGER (pid) ? YAJL_GET_INTEGER (pid) : 0;
  ret = take_annotations (field (v, "annotations"), name, &out->annotations, &out->n_annotations,
                          err);
  yajl_tree_free (v);
  if (ret == 0 && (out->id == NULL || out->id[0] == '\0'))
    ret = og_error_set (err, 0, "%s: no container \"id\"", name);
  else if (ret == 0 && (out->bundle == NULL || out->bundle[0] != '/'))
    ret = og_error_set (err, 0, "%s: \"bundle\" must be an absolute path", name);
  if (ret < 0)
    og_oci_state_clear (out);
  return ret;
}

void
og_oci_state_clear (og_oci_state *s)
{
  free (s->oci_version);
  free (s->id);
  free (s->status);
  free (s->bundle);
  free (s->root);
  og_kv_free (s->annotations, s->n_annotations);
  memset (s, 0, sizeof *s);
}

static bool
mount_is_bind (yajl_val m)
{
  yajl_val type = field (m, "type"), opts = field (m, "options");
  const char *t = YAJL_GET_STRING (type);
  if (t && strcmp (t, "bind") == 0)
    return true;
  if (YAJL_IS_ARRAY (opts))
    for (size_t i = 0; i < opts->u.array.len; i++)
      {
        const char *o = YAJL_GET_STRING (opts->u.array.values[i]);
        if (o && (strcmp (o, "bind") == 0 || strcmp (o, "rbind") == 0))
          return true;
      }
  return false;
}

static int
take_mounts (yajl_val arr, const char *name, og_oci_config *c, og_error **err)
{
  if (arr == NULL || YAJL_IS_NULL (arr))
    return 0;
  if (!YAJL_IS_ARRAY (arr))
    return og_error_set (err, 0, "%s: \"mounts\" must be an array", name);
  c->mounts = og_xcalloc (arr->u.array.len, sizeof *c->mounts);
  for (size_t i = 0; i < arr->u.array.len; i++)
    {
      yajl_val m = arr->u.array.values[i];
      og_oci_mount *om;
      if (!YAJL_IS_OBJECT (m))
        return og_error_set (err, 0, "%s: mounts[%zu] must be an object", name, i);
      om = &c->mounts[c->n_mounts++];
      om->destination = dup_string (field (m, "destination"));
      om->type = dup_string (field (m, "type"));
      om->source = dup_string (field (m, "source"));
      om->bind = mount_is_bind (m);
    }
  return 0;
}

int
og_oci_config_parse (const char *data, size_t len, const char *name, og_oci_config *out,
                     og_error **err)
{
  yajl_val v = parse_tree (data, len, OG_OCI_CONFIG_MAX, name, err);
  yajl_val root, process, nnp, caps;
  int ret = 0;

  memset (out, 0, sizeof *out);
  if (v == NULL)
    return -1;
  root = field (v, "root");
  process = field (v, "process");
  out->root_path = dup_string (field (root, "path"));
  out->root_readonly = YAJL_IS_TRUE (field (root, "readonly"));
  nnp = field (process, "noNewPrivileges");
  out->no_new_privileges = YAJL_IS_TRUE (nnp);
  caps = field (process, "capabilities");
  if (ret == 0)
    ret = take_strings (field (process, "args"), name, "process.args", &out->args, &out->n_args,
                        err);
  if (ret == 0)
    ret = take_strings (field (caps, "bounding"), name, "process.capabilities.bounding",
                        &out->cap_bounding, &out->n_cap_bounding, err);
  if (ret == 0)
    ret = take_mounts (field (v, "mounts"), name, out, err);
  if (ret == 0)
    ret = take_annotations (field (v, "annotations"), name, &out->annotations, &out->n_annotations,
                            err);
  yajl_tree_free (v);
  if (ret == 0 && (out->root_path == NULL || out->root_path[0] == '\0'))
    ret = og_error_set (err, 0, "%s: no \"root.path\"", name);
  if (ret < 0)
    og_oci_config_clear (out);
  return ret;
}

void
og_oci_config_clear (og_oci_config *c)
{
  free (c->root_path);
  og_strv_free (c->args, c->n_args);
  og_strv_free (c->cap_bounding, c->n_cap_bounding);
  for (size_t i = 0; i < c->n_mounts; i++)
    {
      free (c->mounts[i].destination);
      free (c->mounts[i].type);
      free (c->mounts[i].source);
    }
  free (c->mounts);
  og_kv_free (c->annotations, c->n_annotations);
  memset (c, 0, sizeof *c);
}

/* ---- launch facts: what the policy step knows of config.json ---------- */

void
og_launch_facts_from_oci (const og_oci_config *c, og_launch_facts *out)
{
  memset (out, 0, sizeof *out);
  out->known = true;
  out->readonly_rootfs = c->root_readonly;
  out->no_new_privileges = c->no_new_privileges;
  for (size_t i = 0; i < c->n_mounts; i++)
    if (c->mounts[i].bind && c->mounts[i].source)
      {
        out->bind_sources = og_xreallocarray (out->bind_sources, out->n_bind_sources + 1,
                                              sizeof *out->bind_sources);
        out->bind_sources[out->n_bind_sources++] = og_xstrdup (c->mounts[i].source);
      }
}

int
og_launch_facts_from_oci_config (const char *data, size_t len, const char *name,
                                 og_launch_facts *out, og_error **err)
{
  og_oci_config c;
  if (og_oci_config_parse (data, len, name, &c, err) < 0)
    return -1;
  og_launch_facts_from_oci (&c, out);
  og_oci_config_clear (&c);
  return 0;
}
