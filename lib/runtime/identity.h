/* The image and the pod a container comes from, as the runtime that made it
   knows them: CRI-O's and containerd's CRI annotations, and for podman
   (which sets none) the containers-storage metadata of the container the
   bundle belongs to.  The image's own annotations (its base image) are
   reported, never taken for the image.  */
#ifndef OG_IDENTITY_H
#define OG_IDENTITY_H

#include "base/error.h"
#include "base/kv.h"
#include "base/util.h"

typedef struct og_image_identity
{
  char *name;         /* "localhost/app:1", as the runtime names it, or NULL */
  og_strv names;      /* every name the store gives the image (containers-storage) */
  char *id;           /* the image ID (64 hex digits: the sha256 of its config), or NULL */
  char *digest;       /* "sha256:..." of its manifest, or NULL */
  const char *source; /* where the facts come from: "cri-o", "containerd", "containers-storage" */
  char *base_image;   /* org.opencontainers.image.base.name: set by the image's author */
  char *pod_namespace;
  char *pod_name;
  char *pod_uid;
  char *container_name;
} og_image_identity;

void og_image_identity_clear (og_image_identity *id);
#define cleanup_image_identity __attribute__ ((cleanup (og_image_identity_clear)))

/* The facts the CRI annotations A[0..n) give (CRI-O's
   io.kubernetes.cri-o.ImageName/ImageRef and the pod's io.kubernetes.pod.*;
   containerd's io.kubernetes.cri.image-name and sandbox-*), and the base
   image.  Fields already set are kept.  */
void og_identity_from_annotations (const og_kv *a, size_t n, og_image_identity *out);

/* podman: the image of the container whose bundle is
   RUNROOT/DRIVER-containers/ID/userdata and whose root is
   GRAPHROOT/DRIVER/LAYER/merged (overlay) or GRAPHROOT/DRIVER/dir/LAYER
   (vfs), from GRAPHROOT's containers.json and images.json.  Returns 0 with
   the facts, 1 when the bundle is not one of containers-storage or the
   store does not know the container, -1 on a store that cannot be read.  */
int og_identity_from_cstore (const char *bundle, const char *root_path, og_image_identity *out,
                             og_error **err);

#endif
