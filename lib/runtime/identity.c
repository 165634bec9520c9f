/* A container's image and pod: the annotations CRI-O and containerd's CRI
   plugin set on the container they make, or, under podman, the container's
   entry in containers-storage (source/storage.c reads the store).
   Sources: cri-o pkg/annotations/internal.go (io.kubernetes.cri-o.ImageName,
   ImageRef, ContainerName) and the kubelet's container labels
   (io.kubernetes.pod.namespace, .name, .uid, io.kubernetes.container.name,
   which CRI-O copies into the spec); containerd
   internal/cri/annotations/annotations.go (io.kubernetes.cri.image-name,
   sandbox-namespace, sandbox-name, sandbox-uid, container-name); OCI
   image-spec annotations.md (org.opencontainers.image.base.name);
   containers/storage store.go (the bundle is
   RUNROOT/DRIVER-containers/ID/userdata, the root GRAPHROOT/DRIVER/...).  */
#include "runtime/identity.h"
#include "base/digest.h"
#include "source/storage.h"

void
og_image_identity_clear (og_image_identity *id)
{
  free (id->name);
  og_strv_clear (&id->names);
  free (id->id);
  free (id->digest);
  free (id->base_image);
  free (id->pod_namespace);
  free (id->pod_name);
  free (id->pod_uid);
  free (id->container_name);
  memset (id, 0, sizeof *id);
}

/* Set *field to the first of KEYS that A holds, unless it is set.  */
static bool
take (char **field, const og_kv *a, size_t n, const char *const *keys)
{
  if (*field)
    return false;
  for (; *keys; keys++)
    {
      const char *v = og_kv_get (a, n, *keys);
      if (v && *v)
        {
          *field = og_xstrdup (v);
          return true;
        }
    }
  return false;
}

/* An image reference the runtime resolved: an image ID ("HEX" or
   "sha256:HEX"), or a name with the manifest's digest ("repo@sha256:HEX").  */
static void
take_ref (og_image_identity *out, const char *ref)
{
  const char *at = ref ? strrchr (ref, '@') : NULL;
  if (ref == NULL)
    return;
  if (at && og_str_has_prefix (at + 1, "sha256:") && og_is_sha256_hex (at + 8))
    {
      if (out->digest == NULL)
        out->digest = og_xstrdup (at + 1);
      return;
    }
  if (og_str_has_prefix (ref, "sha256:"))
    ref += 7;
  if (out->id == NULL && og_is_sha256_hex (ref))
    out->id = og_xstrdup (ref);
}

void
og_identity_from_annotations (const og_kv *a, size_t n, og_image_identity *out)
{
  static const char *const crio_image[] = { "io.kubernetes.cri-o.ImageName", NULL };
  static const char *const cri_image[] = { "io.kubernetes.cri.image-name", NULL };
  static const char *const ns[]
      = { "io.kubernetes.cri.sandbox-namespace", "io.kubernetes.pod.namespace", NULL };
  static const char *const pod[]
      = { "io.kubernetes.cri.sandbox-name", "io.kubernetes.pod.name", NULL };
  static const char *const uid[]
      = { "io.kubernetes.cri.sandbox-uid", "io.kubernetes.pod.uid", NULL };
  static const char *const ctr[]
      = { "io.kubernetes.cri.container-name", "io.kubernetes.container.name",
          "io.kubernetes.cri-o.ContainerName", NULL };
  static const char *const base[] = { "org.opencontainers.image.base.name", NULL };

  if (take (&out->name, a, n, crio_image))
    out->source = "cri-o";
  else if (take (&out->name, a, n, cri_image))
    out->source = "containerd";
  if (og_kv_get (a, n, "io.kubernetes.cri-o.ImageRef"))
    {
      take_ref (out, og_kv_get (a, n, "io.kubernetes.cri-o.ImageRef"));
      out->source = out->source ? out->source : "cri-o";
    }
  if (og_kv_get (a, n, "io.kubernetes.cri.image-ref"))
    {
      take_ref (out, og_kv_get (a, n, "io.kubernetes.cri.image-ref"));
      out->source = out->source ? out->source : "containerd";
    }
  take (&out->pod_namespace, a, n, ns);
  take (&out->pod_name, a, n, pod);
  take (&out->pod_uid, a, n, uid);
  take (&out->container_name, a, n, ctr);
  take (&out->base_image, a, n, base);
}

/* Remove the last component of P (in place) and return it, or NULL.  */
static const char *
pop (char *p)
{
  char *s;
  size_t n = strlen (p);
  while (n > 1 && p[n - 1] == '/')
    p[--n] = '\0';
  s = strrchr (p, '/');
  if (s == NULL || s == p)
    return NULL;
  *s = '\0';
  return s + 1;
}

/* The container ID and the driver of a bundle
   RUNROOT/DRIVER-containers/ID/userdata.  */
static bool
parse_bundle (const char *bundle, char **ctr_id, char **driver)
{
  cleanup_free char *p = og_xstrdup (bundle);
  const char *c, *d;
  size_t dl;
  if (!og_str_eq (pop (p), "userdata") || (c = pop (p)) == NULL || !og_is_sha256_hex (c)
      || (d = pop (p)) == NULL)
    return false;
  dl = strlen (d);
  if (dl <= 11 || strcmp (d + dl - 11, "-containers") != 0
      || strspn (d, "abcdefghijklmnopqrstuvwxyz0123456789") != dl - 11)
    return false;
  *ctr_id = og_xstrdup (c);
  *driver = og_xstrndup (d, dl - 11);
  return true;
}

/* GRAPHROOT of a root GRAPHROOT/DRIVER/LAYER/merged or
   GRAPHROOT/DRIVER/dir/LAYER.  */
static char *
graph_root (const char *root_path, const char *driver)
{
  cleanup_free char *p = og_xstrdup (root_path);
  const char *last = pop (p), *c;
  if (root_path[0] != '/' || last == NULL)
    return NULL;
  if (strcmp (last, "merged") == 0)
    last = pop (p);
  if (last == NULL || !og_is_sha256_hex (last) || (c = pop (p)) == NULL)
    return NULL;
  if (strcmp (c, "dir") == 0)
    c = pop (p);
  if (!og_str_eq (c, driver))
    return NULL;
  return og_steal_pointer (&p);
}

int
og_identity_from_cstore (const char *bundle, const char *root_path, og_image_identity *out,
                         og_error **err)
{
  cleanup_free char *ctr_id = NULL;
  cleanup_free char *driver = NULL;
  cleanup_free char *graph = NULL;
  cleanup_free char *image_id = NULL;
  cleanup_cstore_image og_cstore_image img = { 0 };
  int r;

  if (bundle == NULL || root_path == NULL || !parse_bundle (bundle, &ctr_id, &driver))
    return 1;
  graph = graph_root (root_path, driver);
  if (graph == NULL)
    return 1;
  r = og_cstore_container_image (graph, driver, ctr_id, &image_id, err);
  if (r == 0)
    r = og_cstore_image_by_id (graph, driver, image_id, &img, err);
  if (r != 0)
    return r;
  free (out->id);
  out->id = og_steal_pointer (&img.id);
  if (img.digest)
    {
      free (out->digest);
      out->digest = og_steal_pointer (&img.digest);
    }
  if (out->name == NULL && img.names.n > 0)
    out->name = og_xstrdup (img.names.v[0]);
  og_strv_clear (&out->names);
  out->names = img.names;
  img.names = (og_strv){ 0 };
  out->source = "containers-storage";
  return 0;
}
