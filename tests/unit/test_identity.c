/* The container's image and pod from the runtime's annotations (CRI-O,
   containerd's CRI plugin), the base-image annotation kept apart, and the
   podman bundle paths that lead to containers-storage.  */
#include "fixtures.h"

#include "runtime/identity.h"

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define DG64 "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"

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
  cleanup_image_identity og_image_identity id = { 0 };
  og_identity_from_annotations (a, OG_ARRAY_SIZE (a), &id);
  assert_string_equal (id.name, "quay.io/acme/web:2");
  assert_string_equal (id.id, ID64);
  assert_null (id.digest);
  assert_string_equal (id.source, "cri-o");
  assert_string_equal (id.pod_namespace, "shop");
  assert_string_equal (id.pod_name, "web-7d9");
  assert_string_equal (id.pod_uid, "5e1c7a2e-0000-4000-8000-000000000001");
  assert_string_equal (id.container_name, "web");
  assert_string_equal (id.base_image, "docker.io/library/debian:12");
}

static void
test_crio_digest_ref (void **state)
{
  /* Newer CRI-O: ImageRef is the name with the manifest digest.  */
  og_kv a[] = { { "io.kubernetes.cri-o.ImageName", "quay.io/acme/web:2" },
                { "io.kubernetes.cri-o.ImageRef", "quay.io/acme/web@sha256:" DG64 } };
  cleanup_image_identity og_image_identity id = { 0 };
  og_identity_from_annotations (a, OG_ARRAY_SIZE (a), &id);
  assert_string_equal (id.digest, "sha256:" DG64);
  assert_null (id.id);
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
  cleanup_image_identity og_image_identity id = { 0 };
  og_identity_from_annotations (a, OG_ARRAY_SIZE (a), &id);
  assert_string_equal (id.name, "docker.io/library/nginx:1.25");
  assert_string_equal (id.source, "containerd");
  assert_null (id.id);
  assert_string_equal (id.pod_namespace, "edge");
  assert_string_equal (id.pod_name, "nginx-abc");
  assert_string_equal (id.pod_uid, "uid-1");
  assert_string_equal (id.container_name, "nginx");
}

static void
test_base_image_is_not_the_image (void **state)
{
  /* podman passes the image's annotations on: the base image and the ref
     name are the author's words, never the image's identity.  */
  og_kv a[] = { { "org.opencontainers.image.base.name", "localhost/ux-debmin:1" },
                { "org.opencontainers.image.ref.name", "1" },
                { "io.container.manager", "libpod" } };
  cleanup_image_identity og_image_identity id = { 0 };
  og_identity_from_annotations (a, OG_ARRAY_SIZE (a), &id);
  assert_null (id.name);
  assert_null (id.id);
  assert_null (id.source);
  assert_string_equal (id.base_image, "localhost/ux-debmin:1");
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
