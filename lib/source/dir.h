/* A directory as a source: a root filesystem on the host.  */
#ifndef OG_SOURCE_DIR_H
#define OG_SOURCE_DIR_H

#include "source/source.h"

/* Open a directory as a source.  The root is opened once with
   O_PATH|O_DIRECTORY; every later open is relative to it with
   openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS).  Of opts (may be NULL)
   only digests applies.  */
int og_source_open_dir (const char *path, const og_source_options *opts, og_source **out,
                        og_error **err);

/* Read every name in the open directory FD (without "." and ".."), sorted,
   at most OG_DIR_MAX_ENTRIES; WHAT names it in messages.  *names is one
   allocation (the pointers, then the names): free (*names).  */
int og_dir_read_names (int fd, const char *what, char ***names, size_t *n, og_error **err);

#endif
