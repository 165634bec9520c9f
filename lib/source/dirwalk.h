/* The walk of a directory source (dirwalk.c), for dir.c.  Internal to
   source/.  */
#ifndef OG_SOURCE_DIRWALK_H
#define OG_SOURCE_DIRWALK_H

#include <sys/types.h>

#include "source/source.h"

/* The root a walk starts from, as dir.c opened it.  */
typedef struct og_dir_root
{
  int fd;          /* O_PATH|O_DIRECTORY */
  dev_t dev;       /* its st_dev, for kernels without mount IDs */
  uint64_t mnt;    /* its mount ID, when has_mnt_id */
  bool has_mnt_id;
  bool digests;    /* executables handed over with sha256_pending */
} og_dir_root;

/* Every entry below the root, depth first in strcmp order, to fn on the
   calling thread (source.h, og_source_ops.walk); root_what names the root
   in messages.  With OG_WALK_PARALLEL, directories are read ahead on other
   threads.  */
int og_dir_walk (const og_dir_root *root, const char *root_what, unsigned flags, og_walk_fn fn,
                 void *userdata, og_error **err);

#endif
