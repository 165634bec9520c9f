/* What the files of the image source share: the libarchive functions loaded
   at run time (archive.c), the in-memory tree (tree.c), the byte streams and
   the store they come from (stream.c), applying a layer (layer.c).  */
#ifndef OG_SOURCE_IMAGE_INT_H
#define OG_SOURCE_IMAGE_INT_H

#include <archive.h>
#include <archive_entry.h>
#include <jansson.h>
#include <pthread.h>
#include <sys/stat.h>

#include "base/digest.h"
#include "base/strmap.h"
#include "base/util.h"
#include "source/image/image.h"

/* ---- libarchive, loaded when an image is opened (archive.c) ------------- */

#define OG_ARCHIVE_FUNCS(X)                                                                        \
  X (archive_entry_filetype)                                                                       \
  X (archive_entry_gid)                                                                            \
  X (archive_entry_hardlink)                                                                       \
  X (archive_entry_mode)                                                                           \
  X (archive_entry_pathname)                                                                       \
  X (archive_entry_size)                                                                           \
  X (archive_entry_size_is_set)                                                                    \
  X (archive_entry_symlink)                                                                        \
  X (archive_entry_uid)                                                                            \
  X (archive_entry_xattr_next)                                                                     \
  X (archive_entry_xattr_reset)                                                                    \
  X (archive_errno)                                                                                \
  X (archive_error_string)                                                                         \
  X (archive_filter_bytes)                                                                         \
  X (archive_read_data)                                                                            \
  X (archive_read_data_block)                                                                      \
  X (archive_read_free)                                                                            \
  X (archive_read_new)                                                                             \
  X (archive_read_next_header)                                                                     \
  X (archive_read_open2)                                                                           \
  X (archive_read_open_fd)                                                                         \
  X (archive_read_open_filename)                                                                   \
  X (archive_read_support_filter_bzip2)                                                            \
  X (archive_read_support_filter_gzip)                                                             \
  X (archive_read_support_filter_xz)                                                               \
  X (archive_read_support_filter_zstd)                                                             \
  X (archive_read_support_format_raw)                                                              \
  X (archive_read_support_format_tar)                                                              \
  X (archive_set_error)

#define OG_ARCHIVE_DECLARE(f) extern __typeof__ (f) *og_##f;
OG_ARCHIVE_FUNCS (OG_ARCHIVE_DECLARE)
#undef OG_ARCHIVE_DECLARE

/* From here on every archive_* call goes through the loaded library.  */
#define archive_entry_filetype            og_archive_entry_filetype
#define archive_entry_gid                 og_archive_entry_gid
#define archive_entry_hardlink            og_archive_entry_hardlink
#define archive_entry_mode                og_archive_entry_mode
#define archive_entry_pathname            og_archive_entry_pathname
#define archive_entry_size                og_archive_entry_size
#define archive_entry_size_is_set         og_archive_entry_size_is_set
#define archive_entry_symlink             og_archive_entry_symlink
#define archive_entry_uid                 og_archive_entry_uid
#define archive_entry_xattr_next          og_archive_entry_xattr_next
#define archive_entry_xattr_reset         og_archive_entry_xattr_reset
#define archive_errno                     og_archive_errno
#define archive_error_string              og_archive_error_string
#define archive_filter_bytes              og_archive_filter_bytes
#define archive_read_data                 og_archive_read_data
#define archive_read_data_block           og_archive_read_data_block
#define archive_read_free                 og_archive_read_free
#define archive_read_new                  og_archive_read_new
#define archive_read_next_header          og_archive_read_next_header
#define archive_read_open2                og_archive_read_open2
#define archive_read_open_fd              og_archive_read_open_fd
#define archive_read_open_filename        og_archive_read_open_filename
#define archive_read_support_filter_bzip2 og_archive_read_support_filter_bzip2
#define archive_read_support_filter_gzip  og_archive_read_support_filter_gzip
#define archive_read_support_filter_xz    og_archive_read_support_filter_xz
#define archive_read_support_filter_zstd  og_archive_read_support_filter_zstd
#define archive_read_support_format_raw   og_archive_read_support_format_raw
#define archive_read_support_format_tar   og_archive_read_support_format_tar
#define archive_set_error                 og_archive_set_error

static inline void
img_archive_freep (struct archive **a)
{
  if (*a)
    archive_read_free (*a);
  *a = NULL;
}
#define cleanup_archive __attribute__ ((cleanup (img_archive_freep)))

/* "a FIFO", "a character device", ...: what a file that is not a regular
   file is, for messages.  */
const char *img_file_type_name (mode_t mode);
/* A reader for tar streams, plain or compressed.  */
struct archive *img_new_reader (og_error **err);
/* A reader positioned before the first member of the tar at PATH.  */
struct archive *img_outer_open (const char *path, og_error **err);
/* A member name without "./" or "/" in front.  */
const char *img_norm_member (const char *name);

/* ---- the in-memory tree (tree.c) ----------------------------------------- */

typedef struct img_ino
{
  uint32_t mode, uid, gid;
  uint64_t size;
  size_t refs; /* names pointing at it: the link count of a regular file */
  char *link;
  uint8_t *cap;
  size_t cap_len;
  uint8_t *head;
  size_t head_len;
  uint8_t *data; /* kept whole (package databases, os-release) */
  size_t data_len;
  bool kept;
  char *sha256;
  /* The digest in another algorithm that og_source_prefetch asked for
     (a package database's md5 or sha1), read again from the layer.  */
  og_digest_algo valgo;
  char *vdigest;
  /* The tar entry that wrote the data: layer and ordinal in it, to read it
     again when a hard link makes the file an executable (layer.c).  */
  int src_layer;
  uint64_t src_entry;
  bool refetch; /* in img_source.refetch */
} img_ino;

typedef struct img_node
{
  char *path;       /* "/usr/bin/ls"; "/" for the root */
  const char *name; /* last component, inside path */
  struct img_node *parent, *first, *prev, *next;
  img_ino *ino;
  int layer; /* that last wrote it */
  int seen;  /* last layer that wrote it or anything below it */
} img_node;

/* Where the blobs are: an OCI layout directory or an outer tar (stream.c).  */
typedef struct img_store
{
  int dirfd;     /* OCI layout, or -1 */
  char *archive; /* path of the outer tar, or NULL */
} img_store;

/* Where a layer was read from, to read it again (layer.c).  */
typedef struct img_layer_src
{
  char *member;
  char *expect;
  int64_t size;
} img_layer_src;

typedef struct img_source
{
  og_source base;
  img_node *root;
  og_strmap nodes; /* path -> img_node, NULL once deleted */
  uint64_t entries;
  uint64_t kept_bytes;
  uint64_t head_bytes;
  bool digests;            /* hash executables while the layers stream */
  const char *const *keep; /* while opening: patterns of the files kept whole */
  /* The layers read, and where from (the store is the open's, taken by
     img_finish_layers), to read some entries again: while opening, the
     inodes that a hard link made executable after their data had streamed
     by (each holds a reference), whose heads and digests img_finish_layers
     reads; later, the files og_source_prefetch names.  */
  img_layer_src *layer_srcs;
  size_t n_layer_srcs;
  img_store store;
  img_ino **refetch;
  size_t n_refetch;
} img_source;

/* A new, empty image source of KIND for PATH.  */
img_source *img_source_new (og_image_kind kind, const char *path, const og_source_options *opts);
void img_source_freep (img_source **im);
#define cleanup_img_source __attribute__ ((cleanup (img_source_freep)))

static inline bool
img_is_dir (const img_node *n)
{
  return (n->ino->mode & S_IFMT) == S_IFDIR;
}

img_ino *img_ino_new (void);
void img_ino_unref (img_source *im, img_ino *ino);
img_node *img_node_new (img_source *im, img_node *parent, const char *path, img_ino *ino,
                        int layer);
/* Free N and everything below it, and forget their paths.  */
void img_node_delete (img_source *im, img_node *n);
/* The node of a canonical path, or NULL.  */
img_node *img_lookup (img_source *im, const char *path);
/* Remove what lower layers put below DIR and this layer did not write.  */
void img_prune_lower (img_source *im, img_node *dir, int layer);
/* The parent directory of PATH, made (as an implicit 0755 directory) when the
   layer did not list it; a non-directory in the way is replaced.  */
img_node *img_ensure_parent (img_source *im, const char *path, int layer);

/* ---- byte streams and where they come from (stream.c) -------------------- */

/* The digest of a blob is computed on a second thread while the first one
   decompresses and flattens it: on two cores this hides most of sha256.
   Chunks are copied into a small ring of slots that the hasher drains in
   order; the reader waits when the ring is full, so memory stays bounded.  */
#define IMG_HASH_SLOTS    8
#define IMG_HASH_SLOT_MAX (128u << 10)

typedef struct img_hasher
{
  og_digest *md;
  pthread_t thread;
  bool running;
  pthread_mutex_t mu;
  pthread_cond_t more;
  pthread_cond_t space;
  uint8_t *slot[IMG_HASH_SLOTS];
  size_t len[IMG_HASH_SLOTS];
  size_t head;  /* next slot to fill */
  size_t count; /* filled slots not yet hashed */
  bool done;
} img_hasher;

typedef struct img_stream
{
  int fd;                /* a blob of an OCI layout, or -1 */
  struct archive *outer; /* positioned at a member, or NULL */
  img_hasher h;
  uint64_t total;
  uint64_t expect_off;
  uint64_t since_check; /* bytes since the deadline was last checked */
  char *name;
  og_error *err;
  uint8_t buf[1 << 16];
} img_stream;

/* Where the image's files are: an OCI layout directory or a tar.  */

void img_store_clear (img_store *s);
/* Open a stream over NAME.  Returns 0, 1 when it does not exist, -1.  */
int img_store_stream (img_store *s, const char *name, img_stream *st, uint64_t *size,
                      og_error **err);
/* Read NAME whole (at most max bytes), and its digest when DIGEST is given.
   Returns 0, 1 when missing, -1.  */
int img_store_read (img_store *s, const char *name, size_t max, uint8_t **data, size_t *len,
                    og_oci_digest digest, og_error **err);

/* The next bytes: > 0 with *p, 0 at the end, -1 with st->err.  */
ssize_t img_stream_read (img_stream *st, const void **p);
/* "sha256:HEX" of every byte read.  */
void img_stream_digest (img_stream *st, og_oci_digest out);
void img_stream_close (img_stream *st);

/* Is d "sha256:" and 64 lower-case hex digits?  */
bool img_valid_digest (const char *d);
json_t *img_parse_json (const uint8_t *data, size_t len, const char *name, og_error **err);
/* Read a JSON document; when DIGEST is given, check the bytes against it.  */
json_t *img_load_json (img_store *s, const char *name, const char *digest, og_error **err);
/* "blobs/sha256/HEX" of "sha256:HEX".  */
char *img_blob_name (const char *digest);

/* ---- applying a layer (layer.c) ------------------------------------------ */

/* Stream MEMBER of STORE, apply it as layer INDEX, and check the digest of
   its bytes against EXPECT ("sha256:..."); SIZE (or -1) is the size the
   manifest claims.  */
int img_stream_layer (img_source *im, img_store *store, const char *member, int index,
                      const char *expect, int64_t size, og_error **err);
/* After the last layer: read again the layers that hold the data of files
   a hard link entry made executable, for their heads and digests.  */
int img_finish_layers (img_source *im, img_store *store, og_error **err);
/* Read again the entries that wrote the data of the N inodes of WANT
   (sorted here by layer and entry), each layer once: with VDIGEST for each
   one's vdigest in its valgo, else for its head and sha256.  */
int img_reread (img_source *im, img_store *store, img_ino **want, size_t n, bool vdigest,
                og_error **err);
/* Forget the inodes img_finish_layers read again.  */
void img_refetch_clear (img_source *im);
/* Forget the layers, and close the store.  */
void img_layers_clear (img_source *im);
/* og_source_prefetch of an image: read again, from their layers, the
   entries of the regular files among PATHS whose digest in ALGOS[i] is not
   known.  */
int img_prefetch (og_source *s, const char *const *paths, const og_digest_algo *algos, size_t n,
                  og_error **err);
/* What layer.c and diffdir.c share.  Is PATH one of the files kept whole?  */
bool img_want_kept (const img_source *im, const char *path);
/* Room for what a regular file of the layer WHAT keeps (its head when
   EXEC, all of it when KEEP, a digest in *md when digests were asked for),
   within the image's caps.  */
int img_prepare_data (img_source *im, const char *what, const char *path, img_ino *ino, bool exec,
                      bool keep, og_digest **md, og_error **err);
/* The end of a file read after img_prepare_data: its digest, when one was
   asked for (MD not NULL), goes to ino->sha256.  */
void img_finish_data (img_ino *ino, og_digest *md);
/* The whiteout PATH (".../.wh.NAME" or ".../.wh..wh..opq") of layer INDEX:
   what lower layers put there is removed.  */
int img_whiteout (img_source *im, const char *what, const char *path, int index, og_error **err);

/* ---- overlay diff directories (diffdir.c) -------------------------------- */

/* Apply the overlay diff directory DIRFD (containers-storage's
   overlay/<layer>/diff) as layer INDEX; WHAT names it in messages.  */
int img_apply_diff_dir (img_source *im, int dirfd, int index, const char *what, og_error **err);

#endif
