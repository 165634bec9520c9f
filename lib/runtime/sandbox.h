/* The hook's own protection while it parses untrusted bytes: a backstop
   timer, dropped capabilities, no_new_privs and a seccomp filter.  */
#ifndef OG_SANDBOX_H
#define OG_SANDBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/deadline.h"
#include "base/error.h"

/* A backstop for a deadline that a blocking call outran: after ms, write
   record (already formatted) to fd and message to stderr, then _exit(code).
   Only async-signal-safe calls run in the handler.  */
int og_deadline_backstop (long long ms, int fd, const char *record, size_t record_len,
                          const char *message, int code, og_error **err);
/* Replace what the armed backstop writes and its exit code, without
   touching its timer.  */
void og_deadline_backstop_update (int fd, const char *record, size_t record_len,
                                  const char *message, int code);
void og_deadline_backstop_cancel (void);

/* Drop every capability but CAP_DAC_READ_SEARCH (reading any file), set
   no_new_privs, make the whole filesystem read-only and unexecutable for the
   process with Landlock (when the kernel has it), and install a seccomp
   allow-list: what the inspection uses is allowed (sandbox.c lists each call
   with why), everything else fails with EPERM, and ptrace, mount, bpf,
   module loading and the like kill the process.  open/openat are allowed
   read-only only; writes and sends only to fds <= max_out_fd (stdout,
   stderr and the outputs opened before); signals only to itself.  */
int og_sandbox_enter (int max_out_fd, og_error **err);
/* Before og_sandbox_enter: allow the linkat(from_fd, "", dir_fd, NAME,
   AT_EMPTY_PATH) that puts a layer cache entry or its hit memo in place
   (Landlock: making a regular file in dir_fd only), runtime/cachedir.h;
   at most two files, all into one directory (a call past that allows
   nothing more).  */
void og_sandbox_allow_link (int from_fd, int dir_fd);

#endif
