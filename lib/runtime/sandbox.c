/* Deadline, capabilities, no_new_privs and seccomp for the hook.
   Sources: capabilities(7), prctl(2) PR_SET_NO_NEW_PRIVS, seccomp(2),
   libseccomp seccomp_rule_add(3).  */
#include <fcntl.h>
#include <sched.h>
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

static int
deny (scmp_filter_ctx ctx, const char *name, unsigned n, const struct scmp_arg_cmp *args)
{
  int nr = seccomp_syscall_resolve_name (name);
  if (nr == __NR_SCMP_ERROR)
    return 0; /* not on this architecture */
  return seccomp_rule_add_array (ctx, SCMP_ACT_ERRNO (EPERM), nr, n, args);
}

static int
install_filter (int max_out_fd, og_error **err)
{
  static const char *const never[] = {
    "execve",
    "execveat",
    "fork",
    "vfork",
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    "ptrace",
    "process_vm_writev",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "mkdir",
    "mkdirat",
    "rmdir",
    "unlink",
    "unlinkat",
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "mknod",
    "mknodat",
    "chmod",
    "fchmod",
    "fchmodat",
    "chown",
    "fchown",
    "lchown",
    "fchownat",
    "truncate",
    "ftruncate",
    "setxattr",
    "lsetxattr",
    "fsetxattr",
    "removexattr",
    "lremovexattr",
    "fremovexattr",
    "utime",
    "utimes",
    "utimensat",
    "futimesat",
    "creat",
    "memfd_create",
    "io_uring_setup",
    "open_by_handle_at",
    "name_to_handle_at",
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setgroups",
    "unshare",
    "setns",
    "kexec_load",
    "init_module",
    "finit_module",
    "delete_module",
    "bpf",
    "userfaultfd",
  };
  static const char *const writers[]
      = { "write", "writev", "pwrite64", "pwritev", "pwritev2", "sendto", "sendmsg", "sendmmsg" };
  static const int write_flags[] = { O_WRONLY, O_RDWR, O_CREAT, O_TRUNC, O_APPEND };
  scmp_filter_ctx ctx = seccomp_init (SCMP_ACT_ALLOW);
  int ret = 0;

  if (ctx == NULL)
    return og_error_set (err, ENOMEM, "seccomp_init");
  for (size_t i = 0; i < OG_ARRAY_SIZE (never) && ret == 0; i++)
    ret = deny (ctx, never[i], 0, NULL);
  for (size_t i = 0; i < OG_ARRAY_SIZE (writers) && ret == 0; i++)
    {
      struct scmp_arg_cmp fd_above = SCMP_A0 (SCMP_CMP_GT, (scmp_datum_t)max_out_fd);
      ret = deny (ctx, writers[i], 1, &fd_above);
    }
  for (size_t i = 0; i < OG_ARRAY_SIZE (write_flags) && ret == 0; i++)
    {
      scmp_datum_t f = (scmp_datum_t)write_flags[i];
      struct scmp_arg_cmp open_flag = SCMP_A1 (SCMP_CMP_MASKED_EQ, f, f);
      struct scmp_arg_cmp openat_flag = SCMP_A2 (SCMP_CMP_MASKED_EQ, f, f);
      ret = deny (ctx, "open", 1, &open_flag);
      if (ret == 0)
        ret = deny (ctx, "openat", 1, &openat_flag);
    }
  /* clone3 keeps its flags in memory a filter cannot read: ENOSYS makes
     glibc fall back to clone, whose flags it can.  */
  if (ret == 0)
    {
      int nr = seccomp_syscall_resolve_name ("clone3");
      if (nr != __NR_SCMP_ERROR)
        ret = seccomp_rule_add (ctx, SCMP_ACT_ERRNO (ENOSYS), nr, 0);
    }
  /* clone for new processes, not threads: refuse unless CLONE_THREAD.  */
  if (ret == 0)
    {
      struct scmp_arg_cmp no_thread = SCMP_A0 (SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0);
      ret = deny (ctx, "clone", 1, &no_thread);
    }
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
  return install_filter (max_out_fd, err);
}
