/* The container's root as an overlay mount: its layers from the mount
   table, and the key of its lower layer stack in the layer cache.  */
#ifndef OG_RUNTIME_OVERLAY_H
#define OG_RUNTIME_OVERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/digest.h"
#include "base/error.h"

/* Largest /proc/self/mountinfo read (a node with thousands of containers
   has a few MiB).  */
#define OG_MOUNTINFO_MAX (32u << 20)

typedef struct og_overlay_mount
{
  char **lowers; /* lowerdir=, top first, unescaped */
  size_t n_lowers;
  char *upper; /* upperdir=, or NULL */
  bool userxattr;
  char *redirect_dir; /* redirect_dir=VALUE, or NULL (the kernel's default) */
  /* Why the cache cannot be used on this mount (a static string), or NULL:
     metacopy=on, data-only layers, a relative layer path.  */
  const char *unsupported;
  char *mount_point; /* unescaped */
  /* The mount points strictly below mount_point, as paths inside the root
     ("/proc", "/etc/hosts").  */
  char **below;
  size_t n_below;
} og_overlay_mount;

/* Parse mountinfo (proc(5) /proc/PID/mountinfo) for the mount with ID
   mnt_id.  Returns 0 with *out when it is an overlay, 1 when it is not
   (or is not in the table), -1 with *err when the table is malformed.  */
int og_overlay_parse_mountinfo (const char *data, size_t len, uint64_t mnt_id,
                                og_overlay_mount *out, og_error **err);
/* The same for the mount at root (found by its mount ID), from
   /proc/self/mountinfo.  */
int og_overlay_find (const char *root, og_overlay_mount *out, og_error **err);
void og_overlay_mount_clear (og_overlay_mount *m);

/* Mount the lower layers of m alone, read-only, as a detached mount
   (fsopen(2), fsmount(2): nothing appears in any mount table): overlayfs
   itself merges them, with the mounter's right to read trusted.overlay.*
   xattrs, which the sandboxed hook no longer has.  *fd is the mount's root
   (walk it as /proc/self/fd/FD).  Before the sandbox, as root.  */
int og_overlay_mount_lowers (const og_overlay_mount *m, int *fd, og_error **err);

/* The key of m's lower stack: for each lower layer, its path, the layer ID
   the storage names in it (containers-storage overlay/ID/diff or l/LINK,
   containerd snapshots/ID/fs), and the device, inode and change time of
   the directory; the kernel release and ocigate's version (what the merge
   and the records depend on).  Never anything inside the layers.  *text is
   the key written into the entry, hex its sha256 (the entry's name).  */
int og_overlay_key (const og_overlay_mount *m, char **text, og_sha256_hex hex, og_error **err);

/* The package-database directories dirs (catalog/pkgdb_paths.h) as paths
   of the merged tree at root, symlinks resolved by the kernel inside it,
   into *canon (n strings, the literal path where one does not exist); true
   when the upper layer and the mounts below the root leave each, literal
   and resolved, as the lower layers have it: nothing in the upper layer at
   it, only directories neither opaque nor redirected on the way there, no
   mount at, above or below it.  Before the sandbox (trusted.overlay.*
   xattrs).  */
bool og_overlay_pkgdb_untouched (const og_overlay_mount *m, const char *root,
                                 const char *const *dirs, size_t n, char ***canon);

#endif
