/* Selecting the image and opening it: which manifest of an index (by name,
   by tag, by platform), the config and its digest, then the layers in order.
   Sources: OCI image-spec image-layout.md (oci-layout, index.json,
   blobs/<alg>/<hex>), image-index.md, manifest.md, config.md
   (rootfs.diff_ids); docker-archive: moby image/tarexport (manifest.json:
   Config, RepoTags, Layers; the layer files are the uncompressed tars of
   rootfs.diff_ids).  */
#include <fcntl.h>

#include "json/doc.h"
#include "source/image/image_int.h"

/* ---- platforms and names -------------------------------------------------- */

const char *
og_image_host_platform (void)
{
#if defined(__x86_64__)
  return "linux/amd64";
#elif defined(__aarch64__)
  return "linux/arm64";
#elif defined(__i386__)
  return "linux/386";
#elif defined(__arm__)
  return "linux/arm/v7";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  return "linux/ppc64le";
#elif defined(__s390x__)
  return "linux/s390x";
#elif defined(__riscv) && __riscv_xlen == 64
  return "linux/riscv64";
#else
  return "linux/unknown";
#endif
}

static bool
platform_matches (json_t *p, const char *want)
{
  char os[64] = "", arch[64] = "", variant[64] = "";
  const char *jos = json_string_value (json_object_get (p, "os"));
  const char *jarch = json_string_value (json_object_get (p, "architecture"));
  const char *jvar = json_string_value (json_object_get (p, "variant"));
  if (sscanf (want, "%63[^/]/%63[^/]/%63s", os, arch, variant) < 2)
    return false;
  if (!og_str_eq (jos, os) || !og_str_eq (jarch, arch))
    return false;
  return variant[0] == '\0' || og_str_eq (jvar, variant);
}

static char *
platform_text (json_t *p)
{
  const char *v = json_string_value (json_object_get (p, "variant"));
  return og_xasprintf ("%s/%s%s%s", json_string_value (json_object_get (p, "os")) ?: "?",
                       json_string_value (json_object_get (p, "architecture")) ?: "?", v ? "/" : "",
                       v ? v : "");
}

static const char *
ref_name (json_t *desc)
{
  return json_string_value (
      json_object_get (json_object_get (desc, "annotations"), "org.opencontainers.image.ref.name"));
}

static bool
is_index_type (const char *mt)
{
  return og_str_eq (mt, "application/vnd.oci.image.index.v1+json")
         || og_str_eq (mt, "application/vnd.docker.distribution.manifest.list.v2+json");
}

/* Pick one descriptor of MANIFESTS by NAME|INDEX (opts->image).  Returns the
   index, or -1 with an error listing the choices.  */
static ssize_t
pick_by_name (json_t *list, const char *want, const char *what,
              bool (*has_name) (json_t *, const char *), char *(*describe) (json_t *),
              og_error **err)
{
  size_t i, n = json_array_size (list);
  __attribute__ ((cleanup (og_buf_free))) og_buf choices = { 0 };
  if (want)
    {
      char *end;
      unsigned long v = strtoul (want, &end, 10);
      if (*want && *end == '\0' && v < n)
        return (ssize_t)v;
      for (i = 0; i < n; i++)
        if (has_name (json_array_get (list, i), want))
          return (ssize_t)i;
    }
  for (i = 0; i < n; i++)
    {
      cleanup_free char *d = describe (json_array_get (list, i));
      og_buf_printf (&choices, "%s%zu: %s", i ? ", " : "", i, d);
    }
  if (want)
    return og_error_set_code (err, OG_ERR_USAGE, 0,
                              "%s: no image `%s`; choose one with --image NAME|INDEX: %s", what,
                              want, choices.data ?: "");
  return og_error_set (err, 0, "%s holds %zu images; choose one with --image NAME|INDEX: %s", what,
                       n, choices.data ?: "");
}

static bool
oci_has_name (json_t *d, const char *want)
{
  const char *r = ref_name (d);
  const char *colon;
  if (r == NULL)
    return false;
  if (strcmp (r, want) == 0)
    return true;
  /* "localhost/app:1" names the descriptor whose ref.name is "1" or the whole.  */
  colon = strrchr (want, ':');
  return colon && strchr (colon, '/') == NULL && strcmp (r, colon + 1) == 0;
}

static char *
oci_describe (json_t *d)
{
  const char *r = ref_name (d);
  json_t *p = json_object_get (d, "platform");
  cleanup_free char *pt = p ? platform_text (p) : NULL;
  return og_xasprintf ("%s%s%s%s", r ? r : json_string_value (json_object_get (d, "digest")) ?: "?",
                       pt ? " (" : "", pt ? pt : "", pt ? ")" : "");
}

static bool
docker_has_name (json_t *d, const char *want)
{
  size_t i;
  json_t *t;
  json_array_foreach (json_object_get (d, "RepoTags"), i, t)
  {
    if (og_str_eq (json_string_value (t), want))
      return true;
  }
  return false;
}

static char *
docker_describe (json_t *d)
{
  json_t *tags = json_object_get (d, "RepoTags");
  const char *t = json_string_value (json_array_get (tags, 0));
  return og_xstrdup (t ? t : json_string_value (json_object_get (d, "Config")) ?: "?");
}

/* ---- opening ------------------------------------------------------------- */

typedef struct open_ctx
{
  img_source *im;
  img_store store;
  const og_source_options *opts;
  const char *what; /* the path, for messages */
  const char *tag;  /* oci:DIR:TAG */
} open_ctx;

static void
add_str (char ***v, size_t *n, const char *s)
{
  *v = og_xreallocarray (*v, *n + 1, sizeof **v);
  (*v)[(*n)++] = og_xstrdup (s);
}

/* The command the image runs (config.Entrypoint, then config.Cmd, as an
   argv) and the PATH of its config.Env: what `ocigate slim` keeps by
   default.  Image-author data, so bounded; anything out of shape is left
   out (there is then no default).  */
static void
take_command (og_source_info *info, json_t *config)
{
  static const char *const keys[] = { "Entrypoint", "Cmd" };
  json_t *c = json_object_get (config, "config"), *env, *v;
  size_t i;
  for (size_t k = 0; k < OG_ARRAY_SIZE (keys); k++)
    json_array_foreach (json_object_get (c, keys[k]), i, v)
    {
      if (info->n_command >= 64 || !json_is_string (v) || json_string_length (v) > 4096)
        break;
      add_str (&info->command, &info->n_command, json_string_value (v));
    }
  env = json_object_get (c, "Env");
  json_array_foreach (env, i, v)
  {
    const char *e = json_string_value (v);
    if (i >= 1024)
      break;
    if (e && strncmp (e, "PATH=", 5) == 0 && strlen (e) <= 4096)
      {
        free (info->command_path);
        info->command_path = og_xstrdup (e + 5);
      }
  }
}

static int
check_platform_config (open_ctx *oc, json_t *config, og_error **err)
{
  if (oc->opts && oc->opts->platform && !platform_matches (config, oc->opts->platform))
    {
      cleanup_free char *have = platform_text (config);
      return og_error_set (err, 0, "%s: the image is for %s, not %s", oc->what, have,
                           oc->opts->platform);
    }
  if (oc->im->base.info.n_command == 0)
    take_command (&oc->im->base.info, config);
  return 0;
}

/* The config: its digest checked, rootfs.diff_ids present.  */
static json_t *
load_config (open_ctx *oc, const char *member, const char *digest, og_error **err)
{
  cleanup_json json_t *config = img_load_json (&oc->store, member, digest, err);
  if (config == NULL)
    return NULL;
  if (!json_is_array (json_object_get (json_object_get (config, "rootfs"), "diff_ids")))
    {
      og_error_set (err, 0, "%s: config `%s`: no rootfs.diff_ids", oc->what, member);
      return NULL;
    }
  if (check_platform_config (oc, config, err) < 0)
    return NULL;
  return og_steal_pointer (&config);
}

/* The hex digest in a member name such as "HEX.json", "HEX.tar",
   "HEX/layer.tar" or "blobs/sha256/HEX", or NULL.  */
static char *
digest_in_name (const char *member)
{
  const char *s = member;
  while (*s)
    {
      size_t n = strspn (s, "0123456789abcdef");
      if (n == OG_SHA256_HEX_LEN && (s == member || s[-1] == '/')
          && (s[OG_SHA256_HEX_LEN] == '\0' || s[OG_SHA256_HEX_LEN] == '.'))
        return og_xasprintf ("sha256:%.64s", s);
      s += n ? n : 1;
    }
  return NULL;
}

/* The config of a docker-archive entry, checked against the digest its
   member name carries; *digest is the digest of its bytes.  */
static json_t *
docker_config (open_ctx *oc, const char *cfgname, og_oci_digest digest, og_error **err)
{
  cleanup_free char *named = digest_in_name (cfgname);
  cleanup_free uint8_t *data = NULL;
  size_t len;
  int r = img_store_read (&oc->store, cfgname, OG_IMAGE_JSON_MAX, &data, &len, digest, err);
  if (r == 1)
    og_error_set (err, ENOENT, "%s: config `%s` is missing", oc->what, cfgname);
  if (r != 0)
    return NULL;
  if (named && strcmp (named, digest) != 0)
    {
      og_error_set (err, 0, "%s: config `%s`: digest mismatch: the bytes hash to %s", oc->what,
                    cfgname, digest);
      return NULL;
    }
  return img_parse_json (data, len, cfgname, err);
}

/* Does the store hold member NAME?  */
static bool
store_has (img_store *s, const char *name)
{
  cleanup_free uint8_t *data = NULL;
  cleanup_error og_error *e = NULL;
  size_t len = 0;
  return img_store_read (s, name, 4096, &data, &len, NULL, &e) == 0;
}

/* The image's top document (manifest.json of a docker-archive, index.json
   of an OCI image) is missing: say which kind the archive looks like
   instead, so that a wrong prefix is told apart from a broken archive.  */
static void
explain_missing_top (open_ctx *oc, const char *top, og_error **err)
{
  bool oci = store_has (&oc->store, "oci-layout") && store_has (&oc->store, "index.json");
  bool docker = store_has (&oc->store, "manifest.json");
  const char *prefix = oci ? "oci-archive:" : "docker-archive:";

  if (oc->store.archive && access (oc->store.archive, F_OK) < 0)
    return; /* the archive itself is missing: the error says so */
  og_error_freep (err);
  if (oci != docker && oc->store.archive != NULL)
    og_error_set_code (
        err, OG_ERR_USAGE, 0, "`%s` has no %s, so it is not %s; it looks like %s: use %s%s",
        oc->what, top, oci ? "a docker-archive" : "an OCI archive",
        oci ? "an OCI archive (oci-layout and index.json)" : "a docker-archive (manifest.json)",
        prefix, oc->what);
  else
    og_error_set_code (err, OG_ERR_CONTENT, 0,
                       "`%s` has no %s: it is not an image %s, or it is damaged; make it again "
                       "with `docker save`, `podman save` or `skopeo copy`",
                       oc->what, top, oc->store.archive ? "archive" : "layout");
}

static int
open_docker_archive (open_ctx *oc, og_error **err)
{
  img_source *im = oc->im;
  cleanup_json json_t *manifest = img_load_json (&oc->store, "manifest.json", NULL, err);
  cleanup_json json_t *config = NULL;
  json_t *entry, *layers, *ids, *tags;
  const char *cfgname;
  og_oci_digest cfggot;
  ssize_t pick = 0;
  size_t i;

  if (manifest == NULL)
    {
      if (*err && (*err)->status == ENOENT)
        explain_missing_top (oc, "manifest.json", err);
      return -1;
    }
  if (!json_is_array (manifest) || json_array_size (manifest) == 0)
    return og_error_set (err, 0, "%s: manifest.json: not a non-empty array", oc->what);
  if (json_array_size (manifest) > 1 || (oc->opts && oc->opts->image))
    pick = pick_by_name (manifest, oc->opts ? oc->opts->image : NULL, oc->what, docker_has_name,
                         docker_describe, err);
  if (pick < 0)
    return -1;
  entry = json_array_get (manifest, (size_t)pick);
  cfgname = json_string_value (json_object_get (entry, "Config"));
  layers = json_object_get (entry, "Layers");
  if (cfgname == NULL || !json_is_array (layers))
    return og_error_set (err, 0, "%s: manifest.json: entry %zd has no Config or Layers", oc->what,
                         pick);
  config = docker_config (oc, cfgname, cfggot, err);
  if (config == NULL)
    return -1;
  ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  if (!json_is_array (ids) || json_array_size (ids) != json_array_size (layers))
    return og_error_set (err, 0, "%s: config `%s`: rootfs.diff_ids does not match the %zu layers",
                         oc->what, cfgname, json_array_size (layers));
  if (check_platform_config (oc, config, err) < 0)
    return -1;
  im->base.info.config_digest = og_xstrdup (cfggot);
  tags = json_object_get (entry, "RepoTags");
  for (i = 0; i < json_array_size (tags); i++)
    if (json_string_value (json_array_get (tags, i)))
      add_str (&im->base.info.tags, &im->base.info.n_tags,
               json_string_value (json_array_get (tags, i)));
  for (i = 0; i < json_array_size (layers); i++)
    {
      const char *member = json_string_value (json_array_get (layers, i));
      const char *diff = json_string_value (json_array_get (ids, i));
      if (member == NULL || !img_valid_digest (diff))
        return og_error_set (err, 0, "%s: layer %zu: bad member name or diff_id", oc->what, i);
      add_str (&im->base.info.layers, &im->base.info.n_layers, diff);
    }
  for (i = 0; i < json_array_size (layers); i++)
    {
      const char *member = json_string_value (json_array_get (layers, i));
      const char *diff = json_string_value (json_array_get (ids, i));
      /* docker-archive layers are the uncompressed tars the diff_ids name.  */
      if (img_stream_layer (im, &oc->store, member, (int)i, diff, -1, err) < 0)
        return -1;
    }
  return img_finish_layers (im, &oc->store, err);
}

/* The candidates of an index at DEPTH: the one --image or the tag names at
   the top, else every image (attestations and other non-images carry the
   platform "unknown/unknown").  */
static json_t *
index_candidates (open_ctx *oc, json_t *list, int depth, og_error **err)
{
  cleanup_json json_t *cands = json_array ();
  size_t i;
  json_t *d;
  if (depth == 0 && (oc->tag || (oc->opts && oc->opts->image)))
    {
      const char *want = oc->tag ? oc->tag : oc->opts->image;
      ssize_t k = pick_by_name (list, want, oc->what, oci_has_name, oci_describe, err);
      if (k < 0)
        return NULL;
      json_array_append (cands, json_array_get (list, (size_t)k));
      return og_steal_pointer (&cands);
    }
  json_array_foreach (list, i, d)
  {
    json_t *p = json_object_get (d, "platform");
    if (p && og_str_eq (json_string_value (json_object_get (p, "os")), "unknown"))
      continue;
    json_array_append (cands, d);
  }
  return og_steal_pointer (&cands);
}

/* Of a multi-platform index, the one image for the asked platform, else the
   host's.  */
static json_t *
pick_platform (open_ctx *oc, json_t *cands, og_error **err)
{
  const char *want
      = oc->opts && oc->opts->platform ? oc->opts->platform : og_image_host_platform ();
  cleanup_json json_t *match = json_array ();
  __attribute__ ((cleanup (og_buf_free))) og_buf b = { 0 };
  size_t i;
  json_t *d;
  json_array_foreach (cands, i, d)
  {
    if (platform_matches (json_object_get (d, "platform"), want))
      json_array_append (match, d);
  }
  if (json_array_size (match) == 1)
    return json_incref (json_array_get (match, 0));
  json_array_foreach (cands, i, d)
  {
    cleanup_free char *t = platform_text (json_object_get (d, "platform"));
    og_buf_printf (&b, "%s%s", i ? ", " : "", t);
  }
  og_error_set (err, 0, "%s: %s platform %s in the index; choose with --platform: %s", oc->what,
                json_array_size (match) ? "more than one image for" : "no image for", want, b.data);
  return NULL;
}

/* Choose a manifest descriptor from an index: by --image, by the tag of
   oci:DIR:TAG, by platform.  Nested indexes are followed (depth 4).  Returns
   a new reference to the descriptor.  */
static json_t *
choose_manifest (open_ctx *oc, json_t *index, int depth, const char **tag, og_error **err)
{
  json_t *list = json_object_get (index, "manifests");
  cleanup_json json_t *cands = NULL;
  cleanup_json json_t *desc = NULL;
  cleanup_json json_t *sub = NULL;
  cleanup_free char *name = NULL;
  size_t i, n_plat = 0;
  const char *dg;
  json_t *d;

  if (!json_is_array (list) || json_array_size (list) == 0)
    {
      og_error_set (err, 0, "%s: index has no manifests", oc->what);
      return NULL;
    }
  cands = index_candidates (oc, list, depth, err);
  if (cands == NULL)
    return NULL;
  json_array_foreach (cands, i, d) n_plat += json_object_get (d, "platform") != NULL;
  if (json_array_size (cands) > 1 && n_plat == json_array_size (cands))
    desc = pick_platform (oc, cands, err);
  else if (json_array_size (cands) > 1)
    pick_by_name (cands, NULL, oc->what, oci_has_name, oci_describe, err);
  else
    desc = json_incref (json_array_get (cands, 0));
  if (desc == NULL)
    return NULL;
  if (depth == 0 && ref_name (desc))
    *tag = ref_name (desc);
  if (!is_index_type (json_string_value (json_object_get (desc, "mediaType"))))
    return og_steal_pointer (&desc);
  dg = json_string_value (json_object_get (desc, "digest"));
  if (depth >= 4 || !img_valid_digest (dg))
    {
      og_error_set (err, 0, "%s: nested index too deep or with a bad digest", oc->what);
      return NULL;
    }
  name = img_blob_name (dg);
  sub = img_load_json (&oc->store, name, dg, err);
  if (sub == NULL)
    return NULL;
  /* *tag points into the top-level index, which outlives sub.  */
  return choose_manifest (oc, sub, depth + 1, tag, err);
}

static int
open_oci (open_ctx *oc, og_error **err)
{
  img_source *im = oc->im;
  cleanup_json json_t *index = img_load_json (&oc->store, "index.json", NULL, err);
  cleanup_json json_t *desc = NULL;
  cleanup_json json_t *manifest = NULL;
  cleanup_json json_t *config = NULL;
  cleanup_free char *mname = NULL;
  cleanup_free char *cname = NULL;
  const char *tag = NULL, *mdigest, *cdigest;
  json_t *layers, *ids;
  size_t i;

  if (index == NULL)
    {
      if (*err && (*err)->status == ENOENT)
        explain_missing_top (oc, "index.json", err);
      return -1;
    }
  desc = choose_manifest (oc, index, 0, &tag, err);
  if (desc == NULL)
    return -1;
  mdigest = json_string_value (json_object_get (desc, "digest"));
  if (!img_valid_digest (mdigest))
    return og_error_set (err, 0, "%s: index: manifest descriptor without a sha256 digest",
                         oc->what);
  mname = img_blob_name (mdigest);
  manifest = img_load_json (&oc->store, mname, mdigest, err);
  if (manifest == NULL)
    return -1;
  cdigest = json_string_value (json_object_get (json_object_get (manifest, "config"), "digest"));
  layers = json_object_get (manifest, "layers");
  if (!img_valid_digest (cdigest) || !json_is_array (layers))
    return og_error_set (err, 0, "%s: manifest %s: no config digest or layers", oc->what, mdigest);
  cname = img_blob_name (cdigest);
  config = load_config (oc, cname, cdigest, err);
  if (config == NULL)
    return -1;
  ids = json_object_get (json_object_get (config, "rootfs"), "diff_ids");
  if (json_array_size (ids) != json_array_size (layers))
    return og_error_set (err, 0, "%s: config %s: %zu diff_ids for %zu layers", oc->what, cdigest,
                         json_array_size (ids), json_array_size (layers));
  im->base.info.manifest_digest = og_xstrdup (mdigest);
  im->base.info.config_digest = og_xstrdup (cdigest);
  if (tag)
    add_str (&im->base.info.tags, &im->base.info.n_tags, tag);
  for (i = 0; i < json_array_size (layers); i++)
    {
      const char *dg = json_string_value (json_object_get (json_array_get (layers, i), "digest"));
      if (!img_valid_digest (dg))
        return og_error_set (err, 0, "%s: manifest %s: layer %zu without a sha256 digest", oc->what,
                             mdigest, i);
      add_str (&im->base.info.layers, &im->base.info.n_layers, dg);
    }
  for (i = 0; i < json_array_size (layers); i++)
    {
      json_t *l = json_array_get (layers, i);
      const char *dg = json_string_value (json_object_get (l, "digest"));
      json_t *sz = json_object_get (l, "size");
      cleanup_free char *bname = img_blob_name (dg);
      if (img_stream_layer (im, &oc->store, bname, (int)i, dg,
                            json_is_integer (sz) ? json_integer_value (sz) : -1, err)
          < 0)
        return -1;
    }
  return img_finish_layers (im, &oc->store, err);
}

/* ---- the entry points ----------------------------------------------------- */

int
og_image_detect_archive (const char *path, og_image_kind *kind, og_error **err)
{
  cleanup_archive struct archive *a = img_outer_open (path, err);
  struct archive_entry *e;
  bool manifest = false, layout = false, index = false;
  int r;
  if (a == NULL)
    {
      if (err && *err && (*err)->status != ENOENT && (*err)->status != EACCES
          && (*err)->status != ELIBACC)
        {
          og_error_freep (err);
          og_error_set_code (
              err, OG_ERR_USAGE, 0,
              "`%s` is neither a directory nor an image archive: give a root "
              "filesystem directory, docker-archive:PATH, oci-archive:PATH or oci:DIR",
              path);
        }
      return -1;
    }
  while ((r = archive_read_next_header (a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN)
    {
      const char *n = archive_entry_pathname (e);
      n = n ? img_norm_member (n) : "";
      manifest |= strcmp (n, "manifest.json") == 0;
      layout |= strcmp (n, "oci-layout") == 0;
      index |= strcmp (n, "index.json") == 0;
    }
  if (r != ARCHIVE_EOF)
    return og_error_set (err, 0, "%s: not an image archive: %s", path, archive_error_string (a));
  if (manifest)
    *kind = OG_IMAGE_DOCKER_ARCHIVE;
  else if (layout && index)
    *kind = OG_IMAGE_OCI_ARCHIVE;
  else
    return og_error_set (err, 0,
                         "%s: a tar without manifest.json or oci-layout and index.json: "
                         "not an image archive",
                         path);
  return 0;
}

int
og_image_open (og_image_kind kind, const char *path, const char *tag, const og_source_options *opts,
               og_source **out, og_error **err)
{
  cleanup_img_source img_source *im = img_source_new (kind, path, opts);
  open_ctx oc = { .im = im, .opts = opts, .what = path, .tag = tag, .store = { .dirfd = -1 } };
  int r = 0;

  if (kind == OG_IMAGE_OCI_LAYOUT)
    {
      oc.store.dirfd = open (path, O_PATH | O_DIRECTORY | O_CLOEXEC);
      if (oc.store.dirfd < 0)
        r = og_error_set (err, errno, "open `%s`", path);
    }
  else
    oc.store.archive = og_xstrdup (path);
  if (r == 0)
    r = kind == OG_IMAGE_DOCKER_ARCHIVE ? open_docker_archive (&oc, err) : open_oci (&oc, err);
  img_store_clear (&oc.store);
  if (r < 0)
    return -1;
  im->keep = NULL; /* the caller's, valid while opening only */
  *out = &og_steal_pointer (&im)->base;
  return 0;
}
