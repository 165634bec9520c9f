/* Images as sources: a docker-archive, an oci-archive or an OCI layout whose
   layers are streamed with libarchive and flattened in memory (whiteouts and
   opaque directories applied), never extracted to disk.  The SOURCE syntax
   that names them is parsed by source.c.  */
#ifndef OG_SOURCE_IMAGE_H
#define OG_SOURCE_IMAGE_H

#include <sys/types.h>

#include "source/source.h"

/* Caps on what one image may make us hold or read.  */
#define OG_IMAGE_MAX_ENTRIES     2000000u        /* tar entries over all layers */
#define OG_IMAGE_JSON_MAX        (4u << 20)      /* index, manifest, config documents */
#define OG_IMAGE_KEEP_MAX        (1024ull << 20) /* bytes of package databases and os-release kept */
#define OG_IMAGE_HEADS_MAX       (512ull << 20)  /* bytes of executable heads kept */
#define OG_IMAGE_LAYER_BYTES_MAX (64ull << 30)   /* uncompressed bytes read from one layer */

typedef enum og_image_kind
{
  OG_IMAGE_DOCKER_ARCHIVE, /* a `docker save` tar: manifest.json */
  OG_IMAGE_OCI_ARCHIVE,    /* a tar of an OCI layout: oci-layout, index.json */
  OG_IMAGE_OCI_LAYOUT,     /* an OCI layout directory */
  OG_IMAGE_CSTORAGE,       /* a containers-storage image: overlay diff directories */
} og_image_kind;

/* "docker-archive", "oci-archive", "oci": the kind as the inventory names it.  */
const char *og_image_kind_name (og_image_kind kind);

/* The kind of the image archive (a tar) at PATH, found by one pass over its
   member names: manifest.json, or oci-layout and index.json.  */
int og_image_detect_archive (const char *path, og_image_kind *kind, og_error **err);

/* Open the image of KIND at PATH; TAG (oci:DIR:TAG) or NULL.  opts may be
   NULL: no platform or image chosen, no digests, nothing kept whole.
   Every layer is read here, once.  */
int og_image_open (og_image_kind kind, const char *path, const char *tag,
                   const og_source_options *opts, og_source **out, og_error **err);

/* An image whose layers are the overlay diff directories DIFFS[0..N)
   (bottom first), as containers-storage keeps them; PATH is what the
   inventory names as its path.  Each directory is read once, in place.  */
int og_image_open_diffs (const char *path, const char *const *diffs, size_t n,
                         const og_source_options *opts, og_source **out, og_error **err);

/* The OCI platform of this build ("linux/amd64", "linux/arm64/v8", ...).  */
const char *og_image_host_platform (void);

/* A host file compressed with gzip, zstd, xz or bzip2 (a rotated log),
   read as one decompressed stream with libarchive's raw format.  fd stays
   the caller's.  read returns the bytes read, 0 at the end, -1 on error.  */
struct archive;
struct archive *og_decompress_open (int fd, const char *path, og_error **err);
ssize_t og_decompress_read (struct archive *a, void *buf, size_t len, const char *path,
                            og_error **err);
void og_decompress_close (struct archive *a);

#endif
