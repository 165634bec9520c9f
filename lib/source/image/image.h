/* Images as sources: a docker-archive, an oci-archive or an OCI layout whose
   layers are streamed with libarchive and flattened in memory (whiteouts and
   opaque directories applied), never extracted to disk.  */
#ifndef OG_SOURCE_IMAGE_H
#define OG_SOURCE_IMAGE_H

#include "source/source.h"

/* Caps on what one image may make us hold or read.  */
#define OG_IMAGE_MAX_ENTRIES     2000000u        /* tar entries over all layers */
#define OG_IMAGE_JSON_MAX        (4u << 20)      /* index, manifest, config documents */
#define OG_IMAGE_KEEP_MAX        (1024ull << 20) /* bytes of package databases and os-release kept */
#define OG_IMAGE_HEADS_MAX       (512ull << 20)  /* bytes of executable heads kept */
#define OG_IMAGE_LAYER_BYTES_MAX (64ull << 30)   /* uncompressed bytes read from one layer */
#define OG_IMAGE_MAX_LINK_HOPS   40

/* Open SPEC: "docker-archive:PATH", "oci-archive:PATH", "oci:DIR[:TAG]", or a
   bare PATH whose kind is found by content (a directory with oci-layout, a
   tar with manifest.json, a tar with oci-layout and index.json).  opts may be
   NULL.  Returns 0 with *out, 1 when a bare PATH is a plain directory (the
   caller opens it as a directory source), -1 with *err.  */
int og_source_open_image (const char *spec, const og_source_options *opts, og_source **out,
                          og_error **err);

/* The OCI platform of this build ("linux/amd64", "linux/arm64/v8", ...).  */
const char *og_image_host_platform (void);

#endif
