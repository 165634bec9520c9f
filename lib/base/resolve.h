/* Path resolution inside a root, shared by the directory and image sources:
   symlinks are followed as if the root were "/", so an absolute or ".."
   link never leaves the root.  */
#ifndef OG_SOURCE_RESOLVE_H
#define OG_SOURCE_RESOLVE_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"

/* Longest path inside a root, and most symlinks followed in one lookup.  */
#define OG_MAX_PATH      4096
#define OG_MAX_LINK_HOPS 40

/* Look up a canonical path (no symlinks in its parents).  Returns 0 and its
   mode (and, for a symlink, its target in *target, malloc'd), 1 when it does
   not exist, -1 on error.  */
typedef int (*og_lstat_fn) (void *userdata, const char *path, uint32_t *mode, char **target,
                            og_error **err);

/* Resolve path to a canonical absolute path inside the root.  From the
   first component that does not exist, or that is not a directory where
   the path goes on, the rest is kept as written.  With follow_last false, a final
   symlink is not followed.  */
int og_resolve_in_root (const char *path, bool follow_last, og_lstat_fn lstat_fn, void *userdata,
                        char **out, og_error **err);

#endif
