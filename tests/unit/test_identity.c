/* The container's image and pod from the runtime's annotations (CRI-O,
   containerd's CRI plugin), the base-image annotation kept apart, and the
   podman bundle paths that lead to containers-storage.  */
#include "fixtures.h"

#include "runtime/identity.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DG64 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

/* What og_identity_from_annotations must find; NULL: nothing.  */
typedef struct want_identity
{
  const char *name, *id, *digest, *source, *base_image, *pod_namespace, *pod_name, *pod_uid,
      *container_name;
} want_identity;

/* The identity the annotations a[0..n) give is w, field by field.  */
static void
assert_identity (const og_kv *a, size_t n, want_identity w)
{
  cleanup_image_identity og_image_identity id = { 0 };
  og_identity_from_annotations (a, n, &id);
  fx_assert_str_or_null ("name", id.name, w.name);
  fx_assert_str_or_null ("id", id.id, w.id);
  fx_assert_str_or_null ("digest", id.digest, w.digest);
  fx_assert_str_or_null ("source", id.source, w.source);
  fx_assert_str_or_null ("base_image", id.base_image, w.base_image);
  fx_assert_str_or_null ("pod_namespace", id.pod_namespace, w.pod_namespace);
  fx_assert_str_or_null ("pod_name", id.pod_name, w.pod_name);
  fx_assert_str_or_null ("pod_uid", id.pod_uid, w.pod_uid);
  fx_assert_str_or_null ("container_name", id.container_name, w.container_name);
}

static void
test_crio (void **state)
{
  /* As CRI-O writes them into config.json; the pod facts from the
     kubelet's labels, which CRI-O copies.  */
  og_kv a[] = {
    { "io.kubernetes.cri-o.ImageName", "quay.io/acme/web:2" },
    { "io.kubernetes.cri-o.ImageRef", ID64 },
    { "io.kubernetes.pod.namespace", "shop" },
    { "io.kubernetes.pod.name", "web-7d9" },
    { "io.kubernetes.pod.uid", "5e1c7a2e-0000-4000-8000-000000000001" },
    { "io.kubernetes.container.name", "web" },
    { "io.kubernetes.cri-o.ContainerName", "k8s_web_web-7d9_shop_5e1c_0" },
    { "org.opencontainers.image.base.name", "docker.io/library/debian:12" },
  };
  assert_identity (a, OG_ARRAY_SIZE (a),
                   (want_identity){ .name = "quay.io/acme/web:2",
                                    .id = ID64,
                                    .source = "cri-o",
                                    .base_image = "docker.io/library/debian:12",
                                    .pod_namespace = "shop",
                                    .pod_name = "web-7d9",
                                    .pod_uid = "5e1c7a2e-0000-4000-8000-000000000001",
                                    .container_name = "web" });
}

static void
test_crio_digest_ref (void **state)
{
  /* Newer CRI-O: ImageRef is the name with the manifest digest.  */
  og_kv a[] = { { "io.kubernetes.cri-o.ImageName", "quay.io/acme/web:2" },
                { "io.kubernetes.cri-o.ImageRef", "quay.io/acme/web@sha256:" DG64 } };
  assert_identity (
      a, OG_ARRAY_SIZE (a),
      (want_identity){ .name = "quay.io/acme/web:2", .digest = "sha256:" DG64, .source = "cri-o" });
}

static void
test_containerd (void **state)
{
  og_kv a[] = {
    { "io.kubernetes.cri.container-type", "container" },
    { "io.kubernetes.cri.image-name", "docker.io/library/nginx:1.25" },
    { "io.kubernetes.cri.sandbox-namespace", "edge" },
    { "io.kubernetes.cri.sandbox-name", "nginx-abc" },
    { "io.kubernetes.cri.sandbox-uid", "uid-1" },
    { "io.kubernetes.cri.container-name", "nginx" },
    /* What a pod author could also set: the runtime's own keys come first.  */
    { "io.kubernetes.pod.namespace", "kube-system" },
  };
  assert_identity (a, OG_ARRAY_SIZE (a),
                   (want_identity){ .name = "docker.io/library/nginx:1.25",
                                    .source = "containerd",
                                    .pod_namespace = "edge",
                                    .pod_name = "nginx-abc",
                                    .pod_uid = "uid-1",
                                    .container_name = "nginx" });
}

static void
test_base_image_is_not_the_image (void **state)
{
  /* podman passes the image's annotations on: the base image and the ref
     name are the author's words, never the image's identity.  */
  og_kv a[] = { { "org.opencontainers.image.base.name", "localhost/ux-debmin:1" },
                { "org.opencontainers.image.ref.name", "1" },
                { "io.container.manager", "libpod" } };
  assert_identity (a, OG_ARRAY_SIZE (a), (want_identity){ .base_image = "localhost/ux-debmin:1" });
}

static void
test_cstore_paths (void **state)
{
  cleanup_image_identity og_image_identity id = { 0 };
  og_error *err = NULL;
  /* Not containers-storage bundles: nothing looked up.  */
  assert_int_equal (
      og_identity_from_cstore ("/run/runc/bundle", "/run/runc/bundle/rootfs", &id, &err), 1);
  assert_int_equal (og_identity_from_cstore ("/run/x/overlay-containers/short/userdata",
                                             "/var/lib/x/overlay/" ID64 "/merged", &id, &err),
                    1);
  /* The shape is right but the root is not under the same driver.  */
  assert_int_equal (og_identity_from_cstore ("/run/x/overlay-containers/" ID64 "/userdata",
                                             "/var/lib/x/vfs/dir/" ID64, &id, &err),
                    1);
  /* The shape is right and the store has no containers.json: unknown.  */
  assert_int_equal (og_identity_from_cstore ("/nonexistent/overlay-containers/" ID64 "/userdata",
                                             "/nonexistent/overlay/" ID64 "/merged", &id, &err),
                    1);
  assert_null (err);
  assert_null (id.id);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_crio), cmocka_unit_test (test_crio_digest_ref),
         cmocka_unit_test (test_containerd), cmocka_unit_test (test_base_image_is_not_the_image),
         cmocka_unit_test (test_cstore_paths));
