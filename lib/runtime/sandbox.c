/* Deadline, capabilities, no_new_privs, Landlock and seccomp for the hook.
   Sources: capabilities(7), prctl(2) PR_SET_NO_NEW_PRIVS, landlock(7),
   seccomp(2), libseccomp seccomp_rule_add(3).  */
#include <fcntl.h>
#include <sched.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <seccomp.h>
#include <signal.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/time.h>
#include <time.h>

#include "runtime/sandbox.h"
#include "base/util.h"

static int backstop_fd = -1;
static const char *backstop_record;
static size_t backstop_len;
static const char *backstop_message;
static int backstop_code;

static void
on_backstop (int sig)
{
  (void)sig;
  if (backstop_fd >= 0 && backstop_record)
    (void)!write (backstop_fd, backstop_record, backstop_len);
  if (backstop_message)
    (void)!write (STDERR_FILENO, backstop_message, strlen (backstop_message));
  _exit (backstop_code);
}

int
og_deadline_backstop (long long ms, int fd, const char *record, size_t record_len,
                      const char *message, int code, og_error **err)
{
  struct sigaction sa = { 0 };
  struct itimerval it = { 0 };

  if (ms <= 0)
    return 0;
  backstop_fd = fd;
  backstop_record = record;
  backstop_len = record_len;
  backstop_message = message;
  backstop_code = code;
  sa.sa_handler = on_backstop;
  sigemptyset (&sa.sa_mask);
  if (sigaction (SIGALRM, &sa, NULL) < 0)
    return og_error_set (err, errno, "sigaction");
  it.it_value.tv_sec = ms / 1000;
  it.it_value.tv_usec = (ms % 1000) * 1000;
  if (setitimer (ITIMER_REAL, &it, NULL) < 0)
    return og_error_set (err, errno, "setitimer");
  return 0;
}

void
og_deadline_backstop_update (int fd, const char *record, size_t record_len, const char *message,
                             int code)
{
  sigset_t alrm, old;
  sigemptyset (&alrm);
  sigaddset (&alrm, SIGALRM);
  sigprocmask (SIG_BLOCK, &alrm, &old);
  backstop_fd = fd;
  backstop_record = record;
  backstop_len = record_len;
  backstop_message = message;
  backstop_code = code;
  sigprocmask (SIG_SETMASK, &old, NULL);
}

void
og_deadline_backstop_cancel (void)
{
  struct itimerval it = { 0 };
  setitimer (ITIMER_REAL, &it, NULL);
  signal (SIGALRM, SIG_IGN);
}

static void
cap_freep (cap_t *c)
{
  if (*c)
    cap_free (*c);
}
#define cleanup_cap __attribute__ ((cleanup (cap_freep)))

static int
drop_capabilities (og_error **err)
{
  cleanup_cap cap_t have = cap_get_proc ();
  cleanup_cap cap_t want = cap_init ();
  cap_value_t keep = CAP_DAC_READ_SEARCH;
  cap_flag_value_t v = CAP_CLEAR;
  int ret = 0;

  if (have == NULL || want == NULL)
    ret = og_error_set (err, errno, "capabilities");
  else
    {
      /* Keep CAP_DAC_READ_SEARCH only when we hold it (root); an unprivileged
         run simply keeps nothing.  */
      if (cap_get_flag (have, keep, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
        {
          cap_set_flag (want, CAP_PERMITTED, 1, &keep, CAP_SET);
          cap_set_flag (want, CAP_EFFECTIVE, 1, &keep, CAP_SET);
        }
      if (cap_set_proc (want) < 0)
        ret = og_error_set (err, errno, "drop capabilities");
    }
  return ret;
}

/* ---- Landlock: the whole filesystem read-only ---------------------------

   seccomp sees only a system call's registers: openat2's flags live in
   user memory (struct open_how), so a filter cannot tell a read-only
   openat2 from one with O_CREAT|O_TRUNC, and the directory source opens
   every path with openat2(RESOLVE_IN_ROOT) (source/dir.c).  Landlock checks
   the access itself, whatever call asks for it: a ruleset that handles every
   kind of write and grants none makes every file on every filesystem
   unwritable, uncreatable and unremovable for this process, while the fds
   opened before (the audit file, stderr, the syslog socket) keep working
   (Landlock checks at open time).  Scopes (ABI 6) also keep signals and
   abstract unix sockets inside the process.  Sources: landlock(7),
   Documentation/userspace-api/landlock.rst; values from the kernel's
   include/uapi/linux/landlock.h (older headers lack the later ones).  */

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif
#define OG_LL_FS_EXECUTE      (1ULL << 0)
#define OG_LL_FS_WRITE_FILE   (1ULL << 1)
#define OG_LL_FS_REMOVE_DIR   (1ULL << 4)
#define OG_LL_FS_REMOVE_FILE  (1ULL << 5)
#define OG_LL_FS_MAKE_CHAR    (1ULL << 6)
#define OG_LL_FS_MAKE_DIR     (1ULL << 7)
#define OG_LL_FS_MAKE_REG     (1ULL << 8)
#define OG_LL_FS_MAKE_SOCK    (1ULL << 9)
#define OG_LL_FS_MAKE_FIFO    (1ULL << 10)
#define OG_LL_FS_MAKE_BLOCK   (1ULL << 11)
#define OG_LL_FS_MAKE_SYM     (1ULL << 12)
#define OG_LL_FS_REFER        (1ULL << 13) /* ABI 2 */
#define OG_LL_FS_TRUNCATE     (1ULL << 14) /* ABI 3 */
#define OG_LL_NET_BIND_TCP    (1ULL << 0)  /* ABI 4 */
#define OG_LL_NET_CONNECT_TCP (1ULL << 1)
#define OG_LL_SCOPE_ABSTRACT  (1ULL << 0) /* ABI 6 */
#define OG_LL_SCOPE_SIGNAL    (1ULL << 1)

struct og_landlock_ruleset_attr
{
  uint64_t handled_access_fs;
  uint64_t handled_access_net;
  uint64_t scoped;
};

/* The files the sandbox lets the hook make: a layer cache entry and its
   hit memo, each made before as an O_TMPFILE (link_from) and linked into
   the one cache directory (link_dir) with linkat(AT_EMPTY_PATH)
   (runtime/cachedir.c).  -1: none.  */
static int link_from[2] = { -1, -1 }, link_dir = -1;

void
og_sandbox_allow_link (int from_fd, int dir_fd)
{
  size_t i = link_from[0] < 0 ? 0 : 1;
  if (from_fd < 0 || dir_fd < 0 || (link_dir >= 0 && dir_fd != link_dir) || link_from[i] >= 0)
    return; /* a second directory, or a third file: not allowed */
  link_from[i] = from_fd;
  link_dir = dir_fd;
}

#define OG_LL_RULE_PATH_BENEATH 1
struct og_landlock_path_beneath_attr
{
  uint64_t allowed_access;
  int32_t parent_fd;
} __attribute__ ((packed));

/* 1 when Landlock is not available (an old kernel, or not among the active
   LSMs): the caller goes on without it, see install_filter.  */
static int
restrict_filesystem (og_error **err)
{
#if defined(SYS_landlock_create_ruleset) && defined(SYS_landlock_restrict_self)
  struct og_landlock_ruleset_attr attr = { 0 };
  size_t size = sizeof attr.handled_access_fs;
  long abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
  cleanup_close int fd = -1;

  if (abi < 1)
    return 1;
  attr.handled_access_fs = OG_LL_FS_EXECUTE | OG_LL_FS_WRITE_FILE | OG_LL_FS_REMOVE_DIR
                           | OG_LL_FS_REMOVE_FILE | OG_LL_FS_MAKE_CHAR | OG_LL_FS_MAKE_DIR
                           | OG_LL_FS_MAKE_REG | OG_LL_FS_MAKE_SOCK | OG_LL_FS_MAKE_FIFO
                           | OG_LL_FS_MAKE_BLOCK | OG_LL_FS_MAKE_SYM;
  if (abi >= 2)
    attr.handled_access_fs |= OG_LL_FS_REFER;
  if (abi >= 3)
    attr.handled_access_fs |= OG_LL_FS_TRUNCATE;
  if (abi >= 4)
    {
      attr.handled_access_net = OG_LL_NET_BIND_TCP | OG_LL_NET_CONNECT_TCP;
      size = offsetof (struct og_landlock_ruleset_attr, scoped);
    }
  if (abi >= 6)
    {
      attr.scoped = OG_LL_SCOPE_ABSTRACT | OG_LL_SCOPE_SIGNAL;
      size = sizeof attr;
    }
  fd = (int)syscall (SYS_landlock_create_ruleset, &attr, size, 0);
  if (fd < 0)
    return og_error_set (err, errno, "landlock_create_ruleset");
  /* No rule is added but, with a cache file to link, making a regular
     file in the cache directory: no other path is granted any of the
     handled accesses.  */
  if (link_dir >= 0)
    {
      struct og_landlock_path_beneath_attr rule
          = { .allowed_access = OG_LL_FS_MAKE_REG | (abi >= 2 ? OG_LL_FS_REFER : 0),
              .parent_fd = link_dir };
      if (syscall (SYS_landlock_add_rule, fd, OG_LL_RULE_PATH_BENEATH, &rule, 0) < 0)
        return og_error_set (err, errno, "landlock_add_rule");
    }
  if (syscall (SYS_landlock_restrict_self, fd, 0) < 0)
    return og_error_set (err, errno, "landlock_restrict_self");
  return 0;
#else
  (void)err;
  return 1; /* headers older than Linux 5.13: built without Landlock */
#endif
}

/* ---- seccomp: an allow-list ----------------------------------------------

   Everything not listed here fails with EPERM; the calls that only an
   attack would make kill the process (SIGSYS) instead.  Each entry says why
   the inspection needs it (found with strace -f on the hook's e2e runs:
   runc, crun, podman, syslog, digests).  */

typedef struct allowed
{
  const char *name;
  const char *why;
} allowed;

static const allowed plain[] = {
  /* reading the tree: source/dir.c, base/fileio.c, catalog/ */
  { "read", "file contents, the OCI state" },
  { "readv", "stdio" },
  { "pread64", "ELF heads, package databases" },
  { "preadv", "as pread64" },
  { "preadv2", "as pread64" },
  { "lseek", "stdio and sqlite on read-only fds" },
  { "getdents64", "listing directories" },
  { "getdents", "as getdents64 on older ABIs" },
  { "statx", "the walk's stat with mount attributes" },
  { "newfstatat", "fstat/fstatat of opened fds" },
  { "fstat", "as newfstatat" },
  { "stat", "as newfstatat" },
  { "lstat", "as newfstatat" },
  { "readlink", "symlink targets" },
  { "readlinkat", "symlink targets inside the root" },
  { "getxattr", "security.capability of executables" },
  { "lgetxattr", "security.capability" },
  { "fgetxattr", "security.capability on the opened file" },
  { "listxattr", "xattr lists" },
  { "llistxattr", "xattr lists" },
  { "flistxattr", "xattr lists" },
  { "faccessat", "sqlite and glibc probes (no change)" },
  { "faccessat2", "as faccessat" },
  { "access", "as faccessat" },
  { "getcwd", "sqlite path handling (read only)" },
  { "fadvise64", "POSIX_FADV_SEQUENTIAL before a digest's reads (readahead, no change)" },
  { "fstatfs", "glibc's statvfs, opendir" },
  { "statfs", "as fstatfs" },
  /* openat2(RESOLVE_IN_ROOT) is how source/dir.c opens every path; its flags
     are in memory seccomp cannot read, so Landlock (above) refuses writes.  */
  { "openat2", "opening inside the root; writes refused by Landlock" },
  { "close", "closing what was opened" },
  { "fsync", "the audit file after its one write (base/fileio.c)" },
  { "fdatasync", "as fsync" },
  /* memory: malloc, sqlite3_deserialize, OpenSSL, thread stacks */
  { "brk", "malloc" },
  { "mmap", "malloc, thread stacks (a fd opened read-only cannot be mapped for writing)" },
  { "munmap", "free" },
  { "mremap", "realloc of large blocks" },
  { "mprotect", "malloc arenas, thread stack guards" },
  { "madvise", "free and thread exit" },
  /* threads, time, signals */
  { "futex", "locks (stdio, malloc, OpenSSL)" },
  { "set_robust_list", "thread start" },
  { "rseq", "thread start (glibc 2.35+)" },
  { "sched_yield", "locks" },
  { "sched_getaffinity", "counting CPUs (get_nprocs) for the hashing threads" },
  { "gettid", "abort(), locks" },
  { "getpid", "syslog's LOG_PID, abort()" },
  { "getuid", "glibc and OpenSSL probes" },
  { "geteuid", "as getuid" },
  { "getgid", "as getuid" },
  { "getegid", "as getuid" },
  { "capget", "libcap's text of security.capability" },
  { "uname", "gethostname for the audit record" },
  { "sysinfo", "glibc qsort's memory probe" },
  { "getrandom", "OpenSSL and sqlite seeding" },
  { "clock_gettime", "the deadline (when the vDSO falls back)" },
  { "clock_getres", "as clock_gettime" },
  { "gettimeofday", "as clock_gettime" },
  { "time", "as clock_gettime" },
  { "nanosleep", "back-off in locks" },
  { "clock_nanosleep", "as nanosleep" },
  { "rt_sigreturn", "returning from the backstop's handler" },
  { "rt_sigaction", "the backstop's SIGALRM handler, and cancelling it" },
  { "rt_sigprocmask", "the backstop's updates block SIGALRM" },
  { "sigaltstack", "the sanitizers ask for the alternate signal stack before a noreturn call" },
  { "setitimer", "the backstop's timer, cancelled at the end" },
  { "getitimer", "as setitimer" },
  { "restart_syscall", "a call interrupted by the backstop's signal" },
  { "exit", "a thread's end" },
  { "exit_group", "the end" },
};

/* The calls no inspection makes and an attack would: the process is killed
   rather than told EPERM.  */
static const char *const kill_on_sight[] = {
  "ptrace",
  "process_vm_readv",
  "process_vm_writev",
  "kexec_load",
  "kexec_file_load",
  "init_module",
  "finit_module",
  "delete_module",
  "bpf",
  "mount",
  "umount2",
  "move_mount",
  "fsopen",
  "fsconfig",
  "fsmount",
  "fspick",
  "open_tree",
  "mount_setattr",
  "pivot_root",
  "chroot",
  "perf_event_open",
  "userfaultfd",
  "keyctl",
  "add_key",
  "request_key",
  "setns",
  "unshare",
  "iopl",
  "ioperm",
  "swapon",
  "swapoff",
  "reboot",
  "settimeofday",
  "clock_settime",
  "adjtimex",
  "clock_adjtime",
  "open_by_handle_at",
  "name_to_handle_at",
  "io_uring_setup",
};

static int
rule (scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
      const struct scmp_arg_cmp *args)
{
  int nr = seccomp_syscall_resolve_name (name);
  if (nr == __NR_SCMP_ERROR)
    return 0; /* not on this architecture */
  return seccomp_rule_add_array (ctx, action, nr, n, args);
}

static int
allow (scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *args)
{
  return rule (ctx, SCMP_ACT_ALLOW, name, n, args);
}

/* Writes and sends only to the fds opened for output before the filter
   (stdout, stderr, the audit file, the syslog socket): fd <= max_out_fd.  */
static int
allow_output (scmp_filter_ctx ctx, int max_out_fd)
{
  static const char *const writers[] = { "write", "writev", "sendto", "sendmsg" };
  struct scmp_arg_cmp fd_out = SCMP_A0 (SCMP_CMP_LE, (scmp_datum_t)max_out_fd);
  int ret = 0;
  for (size_t i = 0; i < OG_ARRAY_SIZE (writers) && ret == 0; i++)
    ret = allow (ctx, writers[i], 1, &fd_out);
  return ret;
}

/* open and openat read-only: no access mode but O_RDONLY, no O_CREAT,
   O_TRUNC, O_APPEND or O_TMPFILE (these flags are in a register).  */
static int
allow_read_only_opens (scmp_filter_ctx ctx)
{
  const scmp_datum_t writing
      = O_WRONLY | O_RDWR | O_CREAT | O_TRUNC | O_APPEND | (O_TMPFILE & ~O_DIRECTORY);
  struct scmp_arg_cmp open_ro = SCMP_A1 (SCMP_CMP_MASKED_EQ, writing, 0);
  struct scmp_arg_cmp openat_ro = SCMP_A2 (SCMP_CMP_MASKED_EQ, writing, 0);
  int ret = allow (ctx, "open", 1, &open_ro);
  if (ret == 0)
    ret = allow (ctx, "openat", 1, &openat_ro);
  return ret;
}

/* fcntl: reading and setting an fd's flags (glibc's fdopendir, stdio),
   F_DUPFD_CLOEXEC; no locks, leases or pipe sizes.  */
static int
allow_fcntl (scmp_filter_ctx ctx)
{
  static const int cmds[] = { F_GETFD, F_SETFD, F_GETFL, F_DUPFD_CLOEXEC };
  int ret = 0;
  for (size_t i = 0; i < OG_ARRAY_SIZE (cmds) && ret == 0; i++)
    {
      struct scmp_arg_cmp c = SCMP_A1 (SCMP_CMP_EQ, (scmp_datum_t)cmds[i]);
      ret = allow (ctx, "fcntl", 1, &c);
    }
  return ret;
}

/* Signals only to itself (abort() raises SIGABRT with tgkill): never to
   the runtime or another process.  prctl only to read (no_new_privs, the
   bounding set libcap reads).  ioctl only TCGETS (isatty in stdio).  */
static int
allow_self_only (scmp_filter_ctx ctx)
{
  pid_t self = getpid ();
  struct scmp_arg_cmp to_self = SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t)self);
  static const int prctls[]
      = { PR_GET_NO_NEW_PRIVS, PR_GET_SECCOMP, PR_CAPBSET_READ, PR_GET_DUMPABLE, PR_GET_NAME };
  struct scmp_arg_cmp tcgets = SCMP_A1 (SCMP_CMP_EQ, (scmp_datum_t)TCGETS);
  int ret = allow (ctx, "kill", 1, &to_self);
  if (ret == 0)
    ret = allow (ctx, "tgkill", 1, &to_self);
  for (size_t i = 0; i < OG_ARRAY_SIZE (prctls) && ret == 0; i++)
    {
      struct scmp_arg_cmp c = SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t)prctls[i]);
      ret = allow (ctx, "prctl", 1, &c);
    }
  if (ret == 0)
    ret = allow (ctx, "ioctl", 1, &tcgets);
  return ret;
}

/* clone for threads only (CLONE_THREAD set: never a new process); clone3
   keeps its flags in memory a filter cannot read: ENOSYS makes glibc fall
   back to clone.  The hook's content reads (verification, the sha256 of
   executables) run on the catalog's threads (catalog/pool.c).  */
static int
allow_threads (scmp_filter_ctx ctx)
{
  struct scmp_arg_cmp thread = SCMP_A0 (SCMP_CMP_MASKED_EQ, CLONE_THREAD, CLONE_THREAD);
  int ret = allow (ctx, "clone", 1, &thread);
  if (ret == 0)
    ret = rule (ctx, SCMP_ACT_ERRNO (ENOSYS), "clone3", 0, NULL);
  return ret;
}

/* linkat of the cache files only: from each link_from with AT_EMPTY_PATH
   into link_dir (og_sandbox_allow_link).  */
static int
allow_cache_link (scmp_filter_ctx ctx)
{
  int ret = 0;
  for (size_t i = 0; i < OG_ARRAY_SIZE (link_from) && ret == 0; i++)
    {
      struct scmp_arg_cmp args[3] = {
        SCMP_A0 (SCMP_CMP_EQ, (scmp_datum_t)link_from[i]),
        SCMP_A2 (SCMP_CMP_EQ, (scmp_datum_t)link_dir),
        SCMP_A4 (SCMP_CMP_EQ, (scmp_datum_t)AT_EMPTY_PATH),
      };
      if (link_from[i] >= 0)
        ret = allow (ctx, "linkat", 3, args);
    }
  return ret;
}

static int
install_filter (int max_out_fd, og_error **err)
{
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ERRNO (EPERM));
  int ret = 0;

  if (ctx == NULL)
    return og_error_set (err, ENOMEM, "seccomp_init");
  for (size_t i = 0; i < OG_ARRAY_SIZE (plain) && ret == 0; i++)
    ret = allow (ctx, plain[i].name, 0, NULL);
  for (size_t i = 0; i < OG_ARRAY_SIZE (kill_on_sight) && ret == 0; i++)
    ret = rule (ctx, SCMP_ACT_KILL_PROCESS, kill_on_sight[i], 0, NULL);
  if (ret == 0)
    ret = allow_output (ctx, max_out_fd);
  if (ret == 0)
    ret = allow_read_only_opens (ctx);
  if (ret == 0)
    ret = allow_fcntl (ctx);
  if (ret == 0)
    ret = allow_self_only (ctx);
  if (ret == 0)
    ret = allow_threads (ctx);
  if (ret == 0)
    ret = allow_cache_link (ctx);
  if (ret < 0)
    {
      seccomp_release (ctx);
      return og_error_set (err, -ret, "seccomp rule");
    }
  ret = seccomp_load (ctx);
  seccomp_release (ctx);
  if (ret < 0)
    return og_error_set (err, -ret, "seccomp_load");
  return 0;
}

int
og_sandbox_enter (int max_out_fd, og_error **err)
{
  if (drop_capabilities (err) < 0)
    return -1;
  if (prctl (PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return og_error_set (err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  /* Without Landlock (kernel < 5.13, or not an active LSM) the one hole is
     openat2, whose flags the filter cannot see: the hook then relies on
     opening the tree read-only in source/dir.c and on holding no capability
     but CAP_DAC_READ_SEARCH.  */
  if (restrict_filesystem (err) < 0)
    return -1;
  return install_filter (max_out_fd, err);
}
