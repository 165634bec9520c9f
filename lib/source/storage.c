/* containers-storage as a source: an image of the local store of podman,
   CRI-O or buildah, found by name or ID in the store's metadata, its layer
   chain followed to the bottom, and the layers' overlay diff directories
   flattened by image/diffdir.c (no daemon, no copy).  The metadata files
   are root-owned but still read bounded and parsed as data.
   Sources: containers/storage images.go (images.json: id, digest, names,
   layer), layers.go (layers.json: id, parent, diff-digest), containers.go
   (containers.json: id, image), drivers/overlay/overlay.go
   (overlay/<layer>/diff); containers/image storage/storage_reference.go
   and docs/containers-transports.5.md (the `[DRIVER@ROOT+RUNROOT:OPTIONS]`
   prefix of a reference).  */
#include <jansson.h>

#include "source/storage.h"
#include "base/digest.h"
#include "base/fileio.h"
#include "json/doc.h"
#include "source/image/image.h"

/* How many names an "image not found" error lists.  */
#define NOT_FOUND_NAMES 5

void
og_cstore_image_clear (og_cstore_image *img)
{
  free (img->id);
  free (img->digest);
  free (img->layer);
  og_strv_clear (&img->names);
  memset (img, 0, sizeof *img);
}

/* DIR/NAME of the store, as containers-storage names its folders:
   "overlay-images/images.json".  */
static char *
store_path (const char *root, const char *driver, const char *folder, const char *file)
{
  return og_xasprintf ("%s/%s-%s/%s", root, driver, folder, file);
}

/* Read one metadata file as a JSON array.  Returns 0, 1 when it does not
   exist (an empty store), -1.  */
static int
load_array (const char *path, json_t **out, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  json_error_t je;
  json_t *j;

  if (og_read_file (path, OG_CSTORE_JSON_MAX, &data, &len, err) < 0)
    {
      if (err && *err && (*err)->status == ENOENT)
        {
          og_error_freep (err);
          return 1;
        }
      return -1;
    }
  j = json_loadb (data, len, JSON_REJECT_DUPLICATES, &je);
  if (j == NULL)
    return og_error_set (err, 0, "%s:%d:%d: %s", path, je.line, je.column, je.text);
  if (!json_is_array (j))
    {
      json_decref (j);
      return og_error_set (err, 0, "%s: not a JSON array: not containers-storage metadata", path);
    }
  *out = j;
  return 0;
}

static const char *
str_field (json_t *o, const char *key)
{
  return json_string_value (json_object_get (o, key));
}

static bool
is_id (const char *s)
{
  return s && og_is_sha256_hex (s);
}

static int
fill_image (json_t *o, const char *path, og_cstore_image *out, og_error **err)
{
  const char *id = str_field (o, "id"), *layer = str_field (o, "layer");
  const char *digest = str_field (o, "digest");
  json_t *names = json_object_get (o, "names"), *v;
  size_t i;

  if (!is_id (id))
    return og_error_set (err, 0, "%s: an image whose id is not 64 hex digits", path);
  if (layer && !is_id (layer))
    return og_error_set (err, 0, "%s: image %s: a top layer whose id is not 64 hex digits", path,
                         id);
  out->id = og_xstrdup (id);
  out->layer = layer ? og_xstrdup (layer) : NULL;
  out->digest = digest && og_str_has_prefix (digest, "sha256:") ? og_xstrdup (digest) : NULL;
  json_array_foreach (names, i, v) if (json_is_string (v))
      og_strv_push (&out->names, json_string_value (v));
  return 0;
}

/* The repository of a name ("localhost/app:1" -> "localhost/app"): the tag
   is a ':' after the last '/'.  */
static size_t
repo_len (const char *name)
{
  const char *at = strchr (name, '@');
  const char *slash = strrchr (name, '/');
  const char *colon = strrchr (slash ? slash : name, ':');
  if (at)
    return (size_t)(at - name);
  return colon ? (size_t)(colon - name) : strlen (name);
}

/* Does NAME, a full name in the store, answer to WANT, a name as given
   with a tag (":latest" added when it had none)?  Equal, or WANT is a short
   name and NAME ends with "/" WANT ("app:1" -> "localhost/app:1",
   "docker.io/library/app:1").  */
static bool
name_matches (const char *name, const char *want)
{
  size_t n = strlen (name), w = strlen (want);
  if (strcmp (name, want) == 0)
    return true;
  return n > w && name[n - w - 1] == '/' && strcmp (name + n - w, want) == 0;
}

/* Does image O answer to REF with a digest ("app@sha256:...")?  */
static bool
digest_matches (json_t *o, const char *ref)
{
  const char *at = strchr (ref, '@');
  const char *digest = str_field (o, "digest");
  json_t *names = json_object_get (o, "names"), *v;
  size_t i;
  cleanup_free char *repo = og_xstrndup (ref, (size_t)(at - ref));
  if (digest == NULL || strcmp (digest, at + 1) != 0)
    return false;
  json_array_foreach (names, i, v)
  {
    const char *nm = json_string_value (v);
    cleanup_free char *r = nm ? og_xstrndup (nm, repo_len (nm)) : NULL;
    if (r && name_matches (r, repo))
      return true;
  }
  return false;
}

static bool
names_match (json_t *o, const char *want)
{
  json_t *names = json_object_get (o, "names"), *v;
  size_t i;
  json_array_foreach (names, i, v) if (json_is_string (v)
                                       && name_matches (json_string_value (v), want)) return true;
  return false;
}

static bool
is_hex_prefix (const char *s)
{
  size_t n = strlen (s);
  return n > 0 && n <= 64 && strspn (s, "0123456789abcdef") == n;
}

/* A few of the names the store holds, for a message.  */
static char *
some_names (json_t *images)
{
  og_buf b = { 0 };
  size_t i, shown = 0, total = 0;
  json_t *o;
  json_array_foreach (images, i, o)
  {
    const char *nm = json_string_value (json_array_get (json_object_get (o, "names"), 0));
    if (nm == NULL)
      continue;
    if (shown < NOT_FOUND_NAMES)
      og_buf_printf (&b, "%s%s", shown ? ", " : "", nm);
    shown += shown < NOT_FOUND_NAMES;
    total++;
  }
  if (total == 0)
    og_buf_puts (&b, "no named image");
  else if (total > shown)
    og_buf_printf (&b, " and %zu more", total - shown);
  return og_buf_steal (&b);
}

/* The images that REF names: by name first, then by ID or ID prefix.  */
static void
match_images (json_t *images, const char *ref, json_t *found)
{
  const char *id = og_str_has_prefix (ref, "sha256:") ? ref + 7 : ref;
  cleanup_free char *want = NULL;
  size_t i;
  json_t *o;

  if (strchr (ref, '@'))
    {
      json_array_foreach (images, i, o) if (digest_matches (o, ref)) json_array_append (found, o);
      return;
    }
  want = repo_len (ref) == strlen (ref) ? og_xasprintf ("%s:latest", ref) : og_xstrdup (ref);
  json_array_foreach (images, i, o) if (names_match (o, want)) json_array_append (found, o);
  if (json_array_size (found) > 0 || !is_hex_prefix (id))
    return;
  json_array_foreach (images, i, o)
  {
    const char *iid = str_field (o, "id");
    if (iid && og_str_has_prefix (iid, id))
      json_array_append (found, o);
  }
}

int
og_cstore_find_image (const char *root, const char *driver, const char *ref, og_cstore_image *out,
                      og_error **err)
{
  cleanup_free char *path = store_path (root, driver, "images", "images.json");
  cleanup_json json_t *images = NULL;
  cleanup_json json_t *found = json_array ();
  cleanup_free char *names = NULL;
  int r = load_array (path, &images, err);

  if (r < 0)
    return -1;
  if (r == 1)
    return og_error_set_code (err, OG_ERR_USAGE, 0,
                              "containers-storage: `%s` does not exist: no image store with the "
                              "%s driver under `%s` (give [DRIVER@ROOT] as `podman info` shows "
                              "them: store.graphDriverName, store.graphRoot)",
                              path, driver, root);
  match_images (images, ref, found);
  if (json_array_size (found) == 1)
    return fill_image (json_array_get (found, 0), path, out, err);
  if (json_array_size (found) > 1)
    {
      names = some_names (found);
      return og_error_set_code (err, OG_ERR_USAGE, 0,
                                "containers-storage: `%s` names %zu images in `%s` (%s): give "
                                "the full name or the image ID",
                                ref, json_array_size (found), path, names);
    }
  names = some_names (images);
  return og_error_set_code (err, OG_ERR_USAGE, 0,
                            "containers-storage: no image `%s` in `%s` (it holds %s): give a "
                            "name or an ID that `podman images` lists",
                            ref, path, names);
}

/* A store file (FOLDER/FILE under the driver's root) loaded whole.  */
typedef struct store_file
{
  char *path;
  json_t *array;
} store_file;

static void
store_file_clear (store_file *f)
{
  free (f->path);
  json_decref (f->array);
}
#define cleanup_store_file __attribute__ ((cleanup (store_file_clear)))

/* The entry of the store file whose "id" is id: 0 with *entry (held by f),
   1 when there is none (or no such file: an empty store), -1.  */
static int
find_by_id (const char *root, const char *driver, const char *folder, const char *file,
            const char *id, store_file *f, json_t **entry, og_error **err)
{
  size_t i;
  json_t *o;
  int r;

  f->path = store_path (root, driver, folder, file);
  r = load_array (f->path, &f->array, err);
  if (r != 0)
    return r;
  json_array_foreach (f->array, i, o) if (og_str_eq (str_field (o, "id"), id))
  {
    *entry = o;
    return 0;
  }
  return 1;
}

int
og_cstore_image_by_id (const char *root, const char *driver, const char *id, og_cstore_image *out,
                       og_error **err)
{
  cleanup_store_file store_file f = { 0 };
  json_t *o;
  int r = find_by_id (root, driver, "images", "images.json", id, &f, &o, err);

  if (r != 0)
    return r;
  return fill_image (o, f.path, out, err);
}

int
og_cstore_container_image (const char *root, const char *driver, const char *ctr_id,
                           char **image_id, og_error **err)
{
  cleanup_store_file store_file f = { 0 };
  json_t *o;
  const char *img;
  int r = find_by_id (root, driver, "containers", "containers.json", ctr_id, &f, &o, err);

  if (r != 0)
    return r;
  img = str_field (o, "image");
  if (!is_id (img))
    return og_error_set (err, 0, "%s: container %s: an image id that is not 64 hex digits", f.path,
                         ctr_id);
  *image_id = og_xstrdup (img);
  return 0;
}

/* The layers from TOP down to the bottom, as layers.json links them:
   ids[0] is the bottom layer.  DIGESTS gets each one's diff-digest.  */
static int
layer_chain (const char *root, const char *driver, const char *top, og_strv *ids, og_strv *digests,
             og_error **err)
{
  cleanup_free char *path = store_path (root, driver, "layers", "layers.json");
  cleanup_json json_t *layers = NULL;
  cleanup_strv og_strv down = { 0 };
  cleanup_strv og_strv ddown = { 0 };
  const char *cur = top;
  int r = load_array (path, &layers, err);

  if (r == 1)
    return og_error_set (err, ENOENT, "containers-storage: `%s` does not exist", path);
  if (r < 0)
    return -1;
  while (cur)
    {
      json_t *l = NULL, *o;
      size_t i;
      json_array_foreach (layers, i, o) if (og_str_eq (str_field (o, "id"), cur))
      {
        l = o;
        break;
      }
      if (l == NULL)
        return og_error_set (err, 0,
                             "%s: no layer %s, which the image needs: the store is damaged "
                             "(`podman system check` or pull the image again)",
                             path, cur);
      if (down.n == OG_CSTORE_MAX_LAYERS)
        return og_error_set_code (err, OG_ERR_LIMIT, 0,
                                  "%s: a chain of more than %u layers (a loop?)", path,
                                  OG_CSTORE_MAX_LAYERS);
      og_strv_push (&down, cur);
      og_strv_push (&ddown, str_field (l, "diff-digest") ? str_field (l, "diff-digest") : "");
      cur = str_field (l, "parent");
      if (cur && !is_id (cur))
        return og_error_set (err, 0, "%s: layer %s: a parent that is not 64 hex digits", path,
                             down.v[down.n - 1]);
    }
  for (size_t i = down.n; i > 0; i--)
    {
      og_strv_push (ids, down.v[i - 1]);
      og_strv_push (digests, ddown.v[i - 1]);
    }
  return 0;
}

/* The store of "[DRIVER@ROOT+RUNROOT:OPTIONS]REF": the runroot and the
   options are not needed to read an image.  */
static int
parse_spec (const char *spec, char **driver, char **root, const char **ref, og_error **err)
{
  const char *close, *store, *at, *end;
  if (*spec != '[')
    {
      *driver = og_xstrdup (OG_CSTORE_DRIVER);
      *root = og_xstrdup (OG_CSTORE_ROOT);
      *ref = spec;
      return 0;
    }
  close = strchr (spec, ']');
  if (close == NULL)
    return og_error_set_code (err, OG_ERR_USAGE, 0,
                              "containers-storage:%s: `[` without `]`: write "
                              "containers-storage:[DRIVER@ROOT]NAME",
                              spec);
  store = spec + 1;
  end = store + strcspn (store, "+:]");
  at = memchr (store, '@', (size_t)(end - store));
  *driver = at ? og_xstrndup (store, (size_t)(at - store)) : og_xstrdup (OG_CSTORE_DRIVER);
  *root = og_xstrndup (at ? at + 1 : store, (size_t)(end - (at ? at + 1 : store)));
  *ref = close + 1;
  if (**root != '/')
    return og_error_set_code (err, OG_ERR_USAGE, 0,
                              "containers-storage:%s: the store root must be an absolute path",
                              spec);
  if (strcmp (*driver, OG_CSTORE_DRIVER) != 0)
    return og_error_set_code (err, OG_ERR_USAGE, 0,
                              "containers-storage:%s: the %s driver is not read, only %s", spec,
                              *driver, OG_CSTORE_DRIVER);
  return 0;
}

int
og_source_open_cstore (const char *spec, const og_source_options *opts, og_source **out,
                       og_error **err)
{
  cleanup_free char *driver = NULL;
  cleanup_free char *root = NULL;
  cleanup_cstore_image og_cstore_image img = { 0 };
  cleanup_strv og_strv ids = { 0 };
  cleanup_strv og_strv digests = { 0 };
  cleanup_strv og_strv diffs = { 0 };
  cleanup_free char *path = og_xasprintf ("containers-storage:%s", spec);
  og_source *s = NULL;
  const char *ref = NULL;

  if (parse_spec (spec, &driver, &root, &ref, err) < 0)
    return -1;
  if (*ref == '\0')
    return og_error_set_code (err, OG_ERR_USAGE, 0,
                              "%s: no image named: write containers-storage:[DRIVER@ROOT]NAME",
                              path);
  if (og_cstore_find_image (root, driver, ref, &img, err) < 0)
    return -1;
  if (img.layer && layer_chain (root, driver, img.layer, &ids, &digests, err) < 0)
    return -1;
  for (size_t i = 0; i < ids.n; i++)
    {
      cleanup_free char *d = og_xasprintf ("%s/%s/%s/diff", root, driver, ids.v[i]);
      og_strv_push (&diffs, d);
    }
  if (og_image_open_diffs (path, (const char *const *)diffs.v, diffs.n, opts, &s, err) < 0)
    {
      og_error_prefix (err, "%s: image %.12s", path, img.id);
      return -1;
    }
  s->info.config_digest = og_xasprintf ("sha256:%s", img.id);
  s->info.manifest_digest = og_steal_pointer (&img.digest);
  s->info.tags = og_steal_pointer (&img.names.v);
  s->info.n_tags = img.names.n;
  img.names.n = 0;
  for (size_t i = 0; i < digests.n; i++)
    if (digests.v[i][0] != '\0')
      {
        s->info.layers
            = og_xreallocarray (s->info.layers, s->info.n_layers + 1, sizeof *s->info.layers);
        s->info.layers[s->info.n_layers++] = og_xstrdup (digests.v[i]);
      }
  *out = s;
  return 0;
}
