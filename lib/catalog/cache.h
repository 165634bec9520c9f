/* The layer cache: what the walk of an overlay root's lower layer stack
   hands the inventory (directories, symlinks and their targets,
   executables with their classification and capability), recorded once
   per stack and replayed into the walk of the merged root (merge.c).  The
   entry file is a compact binary with its own format version, key and
   sha256; runtime/cachedir.c keeps the files.  */
#ifndef OG_CATALOG_CACHE_H
#define OG_CATALOG_CACHE_H

#include "base/digest.h"
#include "base/util.h"
#include "catalog/build.h"

/* 2: the package snapshot (catalog/snapshot.c) after the records; 3: the
   records compressed (zlib).  */
#define OG_LAYER_CACHE_FORMAT 3
/* Most bytes the records may inflate to.  */
#define OG_LAYER_CACHE_MAX_RAW (1024u << 20)
/* Most records an entry may hold (a tree of 16 million entries is far past
   anything the walk inventories within a hook's deadline).  */
#define OG_LAYER_CACHE_MAX_RECORDS (1u << 24)

/* What the hook's record says of the cache ("cache": {"state": ...}).  */
typedef enum og_cache_state
{
  OG_CACHE_OFF = 0,     /* disabled in the host config, or the root is not an overlay */
  OG_CACHE_HIT,         /* the lower stack's entry was found and verified */
  OG_CACHE_MISS,        /* none: the lower stack was walked and an entry made */
  OG_CACHE_INVALID,     /* an entry that did not verify: ignored, walked, replaced */
  OG_CACHE_UNSUPPORTED, /* an overlay the merge does not reproduce exactly: the root was walked */
} og_cache_state;
const char *og_cache_state_name (og_cache_state s);

typedef struct og_layer_cache og_layer_cache;

/* Walk the lower layers (top first) as overlayfs merges them and record
   what the inventory takes from each entry: through lower_root, a mount of
   the lower layers alone (overlayfs merges them itself: what the hook
   does, runtime/overlay.h og_overlay_mount_lowers), or when it is NULL
   with source/overlay.c's merge, which needs CAP_SYS_ADMIN to see
   trusted.overlay.* xattrs.  Returns 0, 1 with *why (a static string)
   when the layers hold what the merge does not reproduce, -1 with *err.  */
int og_layer_cache_build (const char *lower_root, const char *const *lowers, size_t n,
                          bool userxattr, og_layer_cache **out, const char **why, og_error **err);
/* The entry's bytes: "OGLC", the format, the key, the payload's length and
   sha256, the payload.  -1 with *err, out as it was, when the sums cannot
   be taken.  */
int og_layer_cache_serialize (const og_layer_cache *c, const char *key, og_buf *out,
                              og_error **err);
/* Read an entry back, checking every part of it (OG_ERR_CONTENT, with
   what did not verify, when one does not): the magic, the format, that it
   is the entry of key, the length and the sha256 of the payload, and the
   structure of the records.  */
int og_layer_cache_parse (const uint8_t *data, size_t len, const char *key, og_layer_cache **out,
                          og_error **err);
/* Only the header and the checksum (what the hook checks before its
   sandbox, to drop an entry that does not verify while it still may).  */
int og_layer_cache_verify (const uint8_t *data, size_t len, const char *key, og_error **err);
size_t og_layer_cache_size (const og_layer_cache *c); /* records */
/* The entry's package snapshot (snapshot.c): set takes the bytes (written
   by the next og_layer_cache_serialize), get returns NULL when there is
   none.  */
void og_layer_cache_set_snapshot (og_layer_cache *c, og_buf *snapshot);
const uint8_t *og_layer_cache_snapshot (const og_layer_cache *c, size_t *len);

/* The package snapshot of an inventory built with flags 0 over an overlay
   root whose package databases are the lower layers' own, and tree_hex,
   the digest of the tree its walk saw.  */
void og_pkg_snapshot_serialize (const og_inventory *inv, const char *tree_hex, og_buf *out);
/* Into inv, built with flags 0 and walked but without its packages: the
   snapshot's databases and packages (file counts only:
   og_package.n_files_listed) and each executable's owner.  1 when done, 0
   when the snapshot is of another tree or an executable has no owner
   recorded (inv unchanged), -1 with *err when the bytes do not parse.  */
int og_pkg_snapshot_restore (const uint8_t *data, size_t len, const char *tree_hex,
                             og_inventory *inv, og_error **err);
/* Hand fn the records below directory dir ("/usr"; not dir itself), as a
   directory walk does.  Returns 0, 1 when dir is not a directory of the
   cache, -1 when fn fails.  */
int og_layer_cache_replay (const og_layer_cache *c, const char *dir, og_walk_fn fn, void *userdata,
                           og_error **err);
void og_layer_cache_free (og_layer_cache *c);
OG_DEFINE_FREEP (og_layer_cache, og_layer_cache_free)
#define cleanup_layer_cache __attribute__ ((cleanup (og_layer_cache_freep)))

/* The merged root of an overlay: its layers and what must be walked for
   real (merge.c).  */
typedef struct og_overlay_root
{
  const char *upper;         /* upperdir, or NULL for a read-only overlay */
  const char *lower_root;    /* the lower layers mounted alone, or NULL (og_layer_cache_build) */
  const char *const *lowers; /* lowerdir=, top first */
  size_t n_lowers;
  bool userxattr; /* user.overlay.* xattrs */
  /* Paths inside the root whose every ancestor directory is walked for
     real: the mount points below the root and the runtime's placeholders,
     which the lower layers know nothing of.  */
  const char *const *pins;
  size_t n_pins;
  /* The package-database directories (pkgdb_paths.h og_pkgdb_dirs) as
     paths of the merged tree, and whether the upper layer and the mounts
     leave each as the lower layers have it (runtime/overlay.h
     og_overlay_pkgdb_untouched): only then does an entry's package snapshot
     stand for the databases, or is one made.  */
  const char *const *pkgdb_dirs;
  size_t n_pkgdb_dirs;
  bool pkgdb_untouched;
  const char *key;      /* the lower stack's key text (runtime/overlay.c) */
  const uint8_t *entry; /* the cached entry found under that key, or NULL */
  size_t entry_len;
  /* og_overlay_fingerprint: the identity of every regular file that the
     upper layer holds (inode, size, change and modification times) is in
     the fingerprint too, for an inspection that verifies packaged files
     against their databases (what the lower layers hold is fixed by the
     key).  */
  bool content;
} og_overlay_root;

typedef struct og_overlay_result
{
  og_cache_state state;
  char *note;           /* why INVALID or UNSUPPORTED, else NULL */
  og_buf entry;         /* MISS and INVALID: the new entry to keep */
  size_t records;       /* records in the entry used */
  size_t replayed;      /* directories replayed from it instead of walked */
  bool packages_cached; /* the packages came from the entry's snapshot */
} og_overlay_result;
void og_overlay_result_clear (og_overlay_result *r);

/* og_inventory_build_excluding of root, an overlay mount described by o:
   the lower stack's entry replayed (or made, then replayed) for every
   directory that the upper layer does not hold, the rest walked.  The
   inventory is that of a full walk; when the entry cannot be used exactly
   (flags other than the hook's first build, an overlay feature not
   reproduced) the root is walked in full and res says why.  */
int og_inventory_build_overlay (og_source *root, const og_overlay_root *o, unsigned flags,
                                const char *const *excludes, size_t n_excludes, og_inventory *inv,
                                og_overlay_result *res, og_error **err);

/* The fingerprint of what a hit's build over o would see besides the
   entry, into d: the pins, the excludes, whether the databases are the
   lower layers' own, and every entry of the merged root that the build
   walks for real (its facts, link target, capability and, for an
   executable, its head), with which directories it replays; with
   o->content, the identity of each regular file the upper layer holds
   (the runtime's placeholders and what the walk leaves out aside).  The walk
   enters what the upper layer holds only: its cost is the upper layer's,
   not the image's.  With the same entry, the same fingerprint means the
   same inventory (runtime/hitmemo.h), and with o->content the same
   verification of the packaged files.  */
int og_overlay_fingerprint (og_source *root, const og_overlay_root *o, const char *const *excludes,
                            size_t n_excludes, og_digest *d, og_error **err);

#endif
