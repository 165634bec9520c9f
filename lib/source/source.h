/* A source is a read-only tree: the container's root filesystem as a
   directory (dir.c) or an image whose layers are flattened in memory
   (image/).  Only source/ touches the inspected tree.  */
#ifndef OG_SOURCE_H
#define OG_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/digest.h"
#include "base/error.h"
#include "base/resolve.h"
#include "source/info.h"

/* Bytes of the start of every executable that a walk hands over: enough for
   the ELF header, the program headers and PT_INTERP of real binaries.  */
#define OG_HEAD_MAX 4096
/* Bounds on what a walk accepts, with clear errors past them.  */
#define OG_MAX_DEPTH 256
/* Largest security.capability xattr kept (VFS_CAP_REVISION_3 is 24 bytes).  */
#define OG_CAP_MAX 64
/* Largest single file (package database, os-release) read whole.  */
#define OG_READ_MAX (512u << 20)
/* Most names in one directory of a directory source.  */
#define OG_DIR_MAX_ENTRIES 1000000u
/* Largest executable hashed (holes of sparse files count): beyond it the
   digest would take minutes, and no real executable is this large.  */
#define OG_HASH_MAX (16ull << 30)

/* Why a walk leaves something out.  The entry is still handed to the walk
   function, with og_entry.skipped set, so that it can be counted and
   reported: a directory is listed but not entered, anything else is not
   part of the image's content.  */
typedef enum og_skip
{
  OG_SKIP_NONE = 0,
  OG_SKIP_MOUNT, /* a mount point or another filesystem (without OG_WALK_CROSS_MOUNTS) */
} og_skip;

typedef struct og_entry
{
  const char *path; /* absolute inside the root: "/usr/bin/ls" */
  uint32_t mode;    /* st_mode, type bits included */
  uint32_t uid;
  uint32_t gid;
  uint64_t size;
  uint64_t nlink;
  const char *link_target; /* symlinks only; else NULL */
  /* For regular files with an execute, setuid or setgid bit only: */
  const uint8_t *head; /* the first head_len bytes (head_len <= OG_HEAD_MAX) */
  size_t head_len;
  const uint8_t *cap; /* raw security.capability xattr, NULL when none */
  size_t cap_len;
  const char *sha256; /* hex, when the source was opened with digests; else NULL */
  /* Opened with digests, the source answers this file's sha256 through
     inspect instead (a directory: the catalog then reads the executables on
     every CPU after the walk rather than one by one inside it).  */
  bool sha256_pending;
  int layer;       /* image sources: the layer that last wrote it; else -1 */
  og_skip skipped; /* left out (see og_skip); head, cap and sha256 are then unset */
  /* A walk that replays an inventory cache (catalog/cache.c) hands over the
     executable's classification made when it was cached instead of its
     head; NULL otherwise.  */
  const struct og_exec_class *cls;
} og_entry;

/* Walk flags.  */
enum
{
  OG_WALK_CROSS_MOUNTS = 1 << 0, /* directory source: descend into other filesystems */
  /* The walk function never returns OG_WALK_PRUNE: a directory source may
     read directories ahead on other threads (what the function is given,
     and in what order, is the same).  */
  OG_WALK_PARALLEL = 1 << 1,
};

static inline bool
og_entry_is_executable (uint32_t mode)
{
  return (mode & 0170000) == 0100000 && (mode & 06111) != 0;
}

/* Returns 0 to go on, < 0 to stop the walk; a directory source also takes
   OG_WALK_PRUNE for a directory: its entries are not walked (the caller
   has them from elsewhere: catalog/merge.c).  */
typedef int (*og_walk_fn) (const og_entry *e, void *userdata, og_error **err);
#define OG_WALK_PRUNE 1

/* What og_source_inspect finds at one path.  */
typedef struct og_file_facts
{
  uint32_t mode; /* st_mode, type bits included */
  uint32_t uid;
  uint32_t gid;
  uint64_t size;
  bool has_digest; /* digest holds the content's digest in the algorithm asked for */
  char digest[OG_DIGEST_HEX_MAX];
} og_file_facts;

typedef struct og_source og_source;

typedef struct og_source_ops
{
  /* Every entry below the root except the root itself, depth first, without
     following symlinks.  What the walk leaves out is handed over too, with
     og_entry.skipped set.  fn returning < 0 stops the walk.  Limits reached
     on content (depth, path length, names in a directory, hashed bytes)
     fail with OG_ERR_LIMIT, the deadline with OG_ERR_DEADLINE.  */
  int (*walk) (og_source *s, unsigned flags, og_walk_fn fn, void *userdata, og_error **err);
  /* Read a whole regular file, following symlinks inside the root only.
     Returns 0 and the bytes (NUL-terminated for convenience, *len without the
     NUL), 1 when the path does not exist, or -1 with *err.  */
  int (*read_file) (og_source *s, const char *path, size_t max, uint8_t **data, size_t *len,
                    og_error **err);
  /* The names in a directory (following symlinks inside the root), sorted.
     Returns 0, 1 when it does not exist, -1 on error.  */
  int (*list_dir) (og_source *s, const char *path, char ***names, size_t *n, og_error **err);
  /* The canonical path of a directory, symlinks resolved inside the root
     ("/bin" -> "/usr/bin" on usrmerge).  Returns 0, 1 when it does not
     resolve to a directory, -1 on error.  */
  int (*resolve_dir) (og_source *s, const char *path, char **out, og_error **err);
  /* The facts of one path, its last component not followed (intermediate
     symlinks resolve inside the root) and, for a regular file when algo is
     not OG_DIGEST_NONE, the digest of its content in algo.  A source that
     has no way to compute that digest leaves has_digest false (an image
     keeps only the sha256 of executables, computed as its layers stream,
     with og_source_options.digests).  Returns 0, 1 when the path does not
     exist, or -1 with *err (OG_ERR_LIMIT past OG_HASH_MAX, OG_ERR_DEADLINE).
     Safe to call from several threads at once (nothing else is).  */
  int (*inspect) (og_source *s, const char *path, og_digest_algo algo, og_file_facts *out,
                  og_error **err);
  /* Optional (NULL when inspect reads the content itself).  Before inspect
     is asked for the digests of many files: a source that no longer holds
     their content (an image: its layers streamed at open) reads it again,
     once, for each regular file of PATHS (as inspect takes them) in
     ALGOS[i], so that inspect can answer.  Paths that are not there or not
     regular files are left to inspect.  Returns 0, or -1 with *err
     (OG_ERR_LIMIT past OG_HASH_MAX, OG_ERR_DEADLINE).  */
  int (*prefetch) (og_source *s, const char *const *paths, const og_digest_algo *algos, size_t n,
                   og_error **err);
  void (*free) (og_source *s);
  /* read_file, list_dir and resolve_dir may run on another thread while
     walk runs (a directory: syscalls on the root fd, no state kept).  */
  bool reads_beside_walk;
} og_source_ops;

struct og_source
{
  const og_source_ops *ops;
  og_source_info info;
};

/* Which sha256 a source computes: of every regular file with an
   exec/setuid/setgid bit, in og_entry.sha256.  */
typedef enum og_source_digests
{
  OG_DIGESTS_NONE = 0,
  /* Every source: a directory hashes during the walk, an image while its
     layers stream at open (they are not read again).  */
  OG_DIGESTS_EXEC,
  /* Only a source that cannot read a file twice: an image hashes while its
     layers stream, so that inspect can answer after they streamed past
     (verification asks for it); a directory hashes nothing, its inspect
     reads the file again (hashing in the walk too would read every
     executable twice).  */
  OG_DIGESTS_STREAMED,
} og_source_digests;

/* How to open a source.  */
typedef struct og_source_options
{
  const char *platform; /* images: "os/arch[/variant]" or NULL */
  const char *image;    /* images: NAME or INDEX in a multi-image archive, or NULL */
  og_source_digests digests;
  /* Images: the files kept whole for read_file, a NULL-terminated list of
     patterns matched (fnmatch, FNM_PATHNAME) on as many last components of
     a file's real path as the pattern has: "os-release", "dpkg/status",
     "dpkg/info/?*.list".  The catalog's list is og_pkgdb_keep (catalog/pkgdb_paths.h).
     NULL keeps none: read_file then serves only executables' small heads
     and empty files.  */
  const char *const *keep;
} og_source_options;

/* Open whatever SOURCE names: "dir:PATH", "docker-archive:PATH",
   "oci-archive:PATH", "oci:DIR[:TAG]", "containers-storage:[DRIVER@ROOT]NAME",
   or a bare PATH whose kind is found
   by its content.  opts may be NULL.  */
int og_source_open (const char *spec, const og_source_options *opts, og_source **out,
                    og_error **err);
/* What the image source SPEC names reads its bytes from, parsed as
   og_source_open parses it: the archive file, or the OCI layout's directory
   (*layout set); NULL for a root filesystem directory, containers-storage
   or a path that is not there.  The caller frees.  For progress lines.  */
char *og_source_image_path (const char *spec, bool *layout);

void og_source_free (og_source *s);
OG_DEFINE_FREEP (og_source, og_source_free)
#define cleanup_source __attribute__ ((cleanup (og_source_freep)))

static inline int
og_source_walk (og_source *s, unsigned flags, og_walk_fn fn, void *ud, og_error **err)
{
  return s->ops->walk (s, flags, fn, ud, err);
}

static inline int
og_source_read_file (og_source *s, const char *path, size_t max, uint8_t **data, size_t *len,
                     og_error **err)
{
  return s->ops->read_file (s, path, max, data, len, err);
}

static inline int
og_source_list_dir (og_source *s, const char *path, char ***names, size_t *n, og_error **err)
{
  return s->ops->list_dir (s, path, names, n, err);
}

static inline int
og_source_inspect (og_source *s, const char *path, og_digest_algo algo, og_file_facts *out,
                   og_error **err)
{
  return s->ops->inspect (s, path, algo, out, err);
}

static inline int
og_source_prefetch (og_source *s, const char *const *paths, const og_digest_algo *algos, size_t n,
                    og_error **err)
{
  return s->ops->prefetch ? s->ops->prefetch (s, paths, algos, n, err) : 0;
}

static inline int
og_source_resolve_dir (og_source *s, const char *path, char **out, og_error **err)
{
  return s->ops->resolve_dir (s, path, out, err);
}

#endif
