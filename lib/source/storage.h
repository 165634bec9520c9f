/* containers-storage (podman, CRI-O, buildah): the local image store's
   metadata (overlay-images/images.json, overlay-layers/layers.json,
   overlay-containers/containers.json) and its images as sources.  */
#ifndef OG_SOURCE_STORAGE_H
#define OG_SOURCE_STORAGE_H

#include "base/util.h"
#include "source/source.h"

/* Where containers-storage keeps images by default, and the one driver
   whose layers are read.  */
#define OG_CSTORE_ROOT   "/var/lib/containers/storage"
#define OG_CSTORE_DRIVER "overlay"
/* Largest metadata file read (images.json of thousands of images).  */
#define OG_CSTORE_JSON_MAX (64u << 20)
/* Longest layer chain followed.  */
#define OG_CSTORE_MAX_LAYERS 1024u

/* An image as images.json records it.  */
typedef struct og_cstore_image
{
  char *id;     /* 64 hex digits: the sha256 of its config */
  char *digest; /* "sha256:..." of its manifest, or NULL */
  char *layer;  /* its top layer's ID, or NULL for an image without layers */
  og_strv names;
} og_cstore_image;

void og_cstore_image_clear (og_cstore_image *img);
#define cleanup_cstore_image __attribute__ ((cleanup (og_cstore_image_clear)))

/* The image REF names in the store at ROOT (driver DRIVER): a name
   ("localhost/app:1"), a short name ("app:1", "app" for "app:latest"), a
   name with a digest, an ID ("sha256:" optional) or a unique prefix of one.
   Not found or ambiguous: an error naming images.json and a few names.  */
int og_cstore_find_image (const char *root, const char *driver, const char *ref,
                          og_cstore_image *out, og_error **err);

/* The image of ID exactly.  Returns 0, 1 when the store has none, -1.  */
int og_cstore_image_by_id (const char *root, const char *driver, const char *id,
                           og_cstore_image *out, og_error **err);

/* The image ID of container CTR_ID in overlay-containers/containers.json
   under ROOT.  Returns 0 with *image_id, 1 when no such container, -1.  */
int og_cstore_container_image (const char *root, const char *driver, const char *ctr_id,
                               char **image_id, og_error **err);

/* Open "[DRIVER@ROOT+RUNROOT:OPTIONS]REF" or "REF" (what follows
   "containers-storage:") as an image source.  */
int og_source_open_cstore (const char *spec, const og_source_options *opts, og_source **out,
                           og_error **err);

#endif
