/* The layers of an overlay mount, read as overlayfs merges them: the walk of
   a stack of read-only lower layers (what the layer cache keeps, see
   catalog/cache.h) and what the upper layer holds at a path.  */
#ifndef OG_SOURCE_OVERLAY_H
#define OG_SOURCE_OVERLAY_H

#include <sys/stat.h>

#include "source/source.h"

/* Walk the merged view of the lower layers lowers[0..n) (the top one first,
   as in lowerdir=), as overlayfs presents it: entries in the order of a
   directory source's walk (names sorted, depth first), with the head and
   security.capability of executables (no digests).  userxattr: the
   overlay's xattrs are user.overlay.* instead of trusted.overlay.*.
   Returns 0; 1 with *why (a static string) when a layer holds something
   this walk does not reproduce exactly (a redirect, an opaque value other
   than "y", a mount inside a layer), after which the caller walks the
   mounted root instead; or -1 with *err (limits as a directory source's,
   the deadline).  */
int og_overlay_walk_lowers (const char *const *lowers, size_t n, bool userxattr, og_walk_fn fn,
                            void *userdata, const char **why, og_error **err);

/* What an upper layer holds at a path.  */
typedef enum og_upper_kind
{
  OG_UPPER_NONE = 0,     /* nothing: the merged entry is the lower layers' alone */
  OG_UPPER_DIR,          /* a directory, merged with the lower ones */
  OG_UPPER_OTHER,        /* anything else, or what could not be looked at */
  OG_UPPER_DIR_REDIRECT, /* a directory whose lower content comes from elsewhere */
} og_upper_kind;

typedef struct og_overlay_upper og_overlay_upper;

int og_overlay_upper_open (const char *path, bool userxattr, og_overlay_upper **out,
                           og_error **err);
/* path is absolute inside the root ("/usr/bin"); no component is followed
   if it is a symlink (overlayfs does not either).  */
og_upper_kind og_overlay_upper_lookup (og_overlay_upper *u, const char *path);
/* What the upper layer holds at path (as og_overlay_upper_lookup finds
   it): 0 with its statx (inode, size, change and modification times), 1
   when it holds nothing there, -1 with *err.  */
int og_overlay_upper_identity (og_overlay_upper *u, const char *path, struct statx *out,
                               og_error **err);
void og_overlay_upper_free (og_overlay_upper *u);
OG_DEFINE_FREEP (og_overlay_upper, og_overlay_upper_free)
#define cleanup_overlay_upper __attribute__ ((cleanup (og_overlay_upper_freep)))

#endif
