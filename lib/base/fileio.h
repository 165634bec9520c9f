/* Bounded reads and atomic writes of files, the one place either is done.
   The library reads the inspected tree through source/; these are for the
   host's own files (host config, manifests, config.json, the state on
   stdin) and for files the executables write.  */
#ifndef OG_FILEIO_H
#define OG_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "base/error.h"

/* Read fd to its end, at most max bytes.  *data is NUL-terminated (the NUL
   is not counted in *len).  Past max: OG_ERR_LIMIT naming what.  */
int og_read_fd (int fd, const char *what, size_t max, char **data, size_t *len, og_error **err);

/* Open PATH (O_NONBLOCK, no controlling tty), check that it is a regular
   file, and read it as og_read_fd does.  */
int og_read_file (const char *path, size_t max, char **data, size_t *len, og_error **err);
/* Open path for reading (O_NONBLOCK: a FIFO put in the file's place does
   not hang the open) and fstat what was opened into *st: the fd, or -1
   with *err naming path.  */
int og_open_stat (const char *path, struct stat *st, og_error **err);
/* og_open_stat, refusing what is not a regular file.  */
int og_open_regular (const char *path, og_error **err);

struct open_how;
/* openat2(2), tried again on EINTR and on EAGAIN: with RESOLVE_IN_ROOT or
   RESOLVE_BENEATH the kernel answers EAGAIN when a rename or a mount
   anywhere on the system raced with a ".." step of the path (a busy node,
   not the image), and asks the caller to retry or fall back.  After
   OG_OPENAT2_TRIES attempts, or once the inspection deadline has passed
   (base/deadline.h), a RESOLVE_IN_ROOT open resolves the path in userspace
   (base/resolve.h) and opens the canonical path, which takes no ".." step;
   other opens keep the EAGAIN.  The fd, or -1 with errno.  */
#define OG_OPENAT2_TRIES 16
int og_openat2 (int dirfd, const char *path, const struct open_how *how);

/* The og_lstat_fn (base/resolve.h) of a directory tree: userdata is an
   og_in_root, the root's fd and the RESOLVE_ flags its opens take
   (RESOLVE_NO_SYMLINKS added: the path is canonical).  With
   RESOLVE_NO_SYMLINKS among them, a link to follow is ELOOP, as the
   kernel says.  */
typedef struct og_in_root
{
  int dirfd;
  uint64_t resolve;
} og_in_root;
int og_in_root_lstat (void *userdata, const char *path, uint32_t *mode, char **target,
                      og_error **err);

/* Write all of data to fd.  -1 with errno set.  */
int og_write_all (int fd, const void *data, size_t len);

/* Write PATH as a temporary file in the same directory, fsync'd and renamed
   over PATH, with MODE and, when OLD is given, its owner.  */
int og_write_atomic (const char *path, const void *data, size_t len, mode_t mode,
                     const struct stat *old, og_error **err);

#endif
