/* A directory as a source: a root filesystem on the host.  */
#ifndef OG_SOURCE_DIR_H
#define OG_SOURCE_DIR_H

#include <sys/stat.h>

#include "source/source.h"

/* Open a directory as a source.  The root is opened once with
   O_PATH|O_DIRECTORY; every later open is relative to it with
   openat2(RESOLVE_IN_ROOT|RESOLVE_NO_MAGICLINKS).  Of opts (may be NULL)
   only digests applies.  */
int og_source_open_dir (const char *path, const og_source_options *opts, og_source **out,
                        og_error **err);

/* Read every name in an open directory (without "." and ".."), sorted by
   strcmp, at most OG_DIR_MAX_ENTRIES (OG_ERR_LIMIT past it); what names the
   directory in errors.  *names is one allocation (the pointers, then the
   names): free (*names).  Shared with source/overlay.c, whose walk must
   list in the same order.  */
int og_dir_read_names (int fd, const char *what, char ***names, size_t *n, og_error **err);

/* e's path, mode, owner, size and link count from a statx of it (no layer:
   a directory's entries).  Shared with source/overlay.c.  */
void og_dir_entry_from_statx (og_entry *e, const char *path, const struct statx *stx);

/* Open the regular file name of dirfd (path in messages) without following
   a symlink, and read into e its head (for the ELF facts) and its
   security.capability: the fd (for a digest) and *size, or -1.  Shared
   with source/overlay.c, whose entries must be the walk's.  */
int og_dir_open_head (int dirfd, const char *name, const char *path, uint8_t head[OG_HEAD_MAX],
                      uint8_t cap[OG_CAP_MAX], og_entry *e, uint64_t *size, og_error **err);

#endif
