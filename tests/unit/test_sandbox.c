/* The hook's sandbox, tried in a child process: after og_sandbox_enter,
   reading works (open, openat, openat2 read-only); opening for writing,
   creating, exec, fork, sockets, writes to fds above the outputs, sendfile,
   splice, copy_file_range, fallocate, truncate, signals to another process
   fail (EPERM, or EACCES from Landlock for openat2, whose flags seccomp
   cannot see); ptrace, mount and bpf kill the process; the outputs still
   work.  */
#include "fixtures.h"
#include <fcntl.h>
#include <linux/openat2.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "runtime/sandbox.h"
#include "base/fileio.h"
#include "base/util.h"

/* Each probe runs in its own child: its wait status.  */
static int
child_status (int (*probe) (int out_fd))
{
  int status = 0;
  pid_t pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      og_error *err = NULL;
      int out = open ("/dev/null", O_WRONLY | O_CLOEXEC);
      if (out < 0 || og_sandbox_enter (out, &err) < 0)
        _exit (100);
      _exit (probe (out));
    }
  assert_true (waitpid (pid, &status, 0) == pid);
  return status;
}

/* The child's exit code is the result.  */
static int
in_child (int (*probe) (int out_fd))
{
  int status = child_status (probe);
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* The same, for a probe that the filter must kill: the signal that ended
   the child (0 when it exited).  */
static int
killed_in_child (int (*probe) (int out_fd))
{
  int status = child_status (probe);
  return WIFSIGNALED (status) ? WTERMSIG (status) : 0;
}

typedef int probe_fn (int out_fd);

/* Each of these probes, in its own child, exits 0 (what it tried was refused
   as it should be, or allowed as it should be).  */
static void
all_exit_0 (probe_fn *const *probes, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      int r = in_child (probes[i]);
      if (r != 0)
        print_message ("# probe %zu of the list exited %d\n", i, r);
      assert_int_equal (r, 0);
    }
}

/* A file test_sandbox makes before the probes run, and its content.  */
static char *readable;
static const char readable_text[] = "read me inside the sandbox\n";

static int
probe_read (int out)
{
  char buf[64];
  int fd = open (readable, O_RDONLY | O_CLOEXEC);
  ssize_t n = fd >= 0 ? read (fd, buf, sizeof buf) : -1;
  return n == (ssize_t)strlen (readable_text) && memcmp (buf, readable_text, n) == 0 ? 0 : 1;
}

static int
probe_output (int out)
{
  return write (out, "x", 1) == 1 ? 0 : 1;
}

static int
probe_write_open (int out)
{
  int fd = open ("/tmp/og-sandbox-probe", O_WRONLY | O_CREAT, 0600);
  return fd < 0 && errno == EPERM ? 0 : 1;
}

static int
probe_rdwr_open (int out)
{
  int fd = open ("/dev/null", O_RDWR);
  return fd < 0 && errno == EPERM ? 0 : 1;
}

static int
probe_write_other_fd (int out)
{
  /* A descriptor opened after the sandbox, read-only, then written: refused
     by the filter before the kernel even looks at the mode.  */
  int fd = open ("/dev/null", O_RDONLY);
  return fd > out && write (fd, "x", 1) < 0 && errno == EPERM ? 0 : 1;
}

static int
probe_exec (int out)
{
  char *argv[] = { (char *)"/bin/true", NULL };
  execv ("/bin/true", argv);
  return errno == EPERM ? 0 : 1;
}

static int
probe_fork (int out)
{
  pid_t p = fork ();
  if (p == 0)
    _exit (0);
  return p < 0 && errno == EPERM ? 0 : 1;
}

static void *
thread_main (void *arg)
{
  return arg;
}

/* Threads are allowed (clone with CLONE_THREAD); new processes are not.  */
static int
probe_thread (int out)
{
  pthread_t t;
  void *r = NULL;
  if (pthread_create (&t, NULL, thread_main, (void *)7) != 0)
    return 1;
  pthread_join (t, &r);
  return r == (void *)7 ? 0 : 1;
}

static int
probe_socket (int out)
{
  int s = socket (AF_INET, SOCK_STREAM, 0);
  return s < 0 && errno == EPERM ? 0 : 1;
}

static int
probe_unlink_mkdir (int out)
{
  return unlink ("/tmp/og-nonexistent") < 0 && errno == EPERM && mkdir ("/tmp/og-x", 0700) < 0
                 && errno == EPERM
             ? 0
             : 1;
}

static int
probe_no_new_privs (int out)
{
  return prctl (PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1;
}

static int
sys_openat2 (int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
  struct open_how how = { .flags = flags, .mode = flags & O_CREAT ? 0600 : 0, .resolve = resolve };
  return (int)syscall (SYS_openat2, dirfd, path, &how, sizeof how);
}

/* A path the probes try to create, and the test process (the probes'
   parent: getppid is not among the calls the sandbox allows).  */
static char *created;
static pid_t parent;

static int
probe_openat_write (int out)
{
  int fd = openat (AT_FDCWD, created, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  return fd < 0 && errno == EPERM ? 0 : 1;
}

/* As source/dir.c opens: openat2(RESOLVE_IN_ROOT), read-only, works.  */
static int
probe_openat2_read (int out)
{
  char buf[64];
  int fd = sys_openat2 (AT_FDCWD, readable, O_RDONLY | O_CLOEXEC, RESOLVE_NO_MAGICLINKS);
  return fd >= 0 && read (fd, buf, sizeof buf) == (ssize_t)strlen (readable_text) ? 0 : 1;
}

/* openat2's flags are in memory the filter cannot read: Landlock refuses
   the write (EACCES).  */
static int
probe_openat2_write (int out)
{
  int c = sys_openat2 (AT_FDCWD, created, O_WRONLY | O_CREAT | O_TRUNC, 0);
  int c_errno = errno;
  int w = sys_openat2 (AT_FDCWD, readable, O_RDWR, 0);
  int w_errno = errno;
  int t = sys_openat2 (AT_FDCWD, readable, O_RDONLY | O_TRUNC, 0);
  int t_errno = errno;
  return c < 0 && (c_errno == EACCES || c_errno == EPERM) && w < 0
                 && (w_errno == EACCES || w_errno == EPERM) && t < 0
                 && (t_errno == EACCES || t_errno == EPERM)
             ? 0
             : 1;
}

/* Copying into another fd: refused whatever the fd (the filter does not
   know sendfile, splice, copy_file_range, fallocate, truncate).  */
static int
probe_copy_calls (int out)
{
  int in = open (readable, O_RDONLY | O_CLOEXEC);
  off_t off = 0;
  bool ok = in >= 0;
  ok = ok && sendfile (out, in, &off, 4) < 0 && errno == EPERM;
  ok = ok && splice (in, NULL, out, NULL, 4, 0) < 0 && errno == EPERM;
  ok = ok && copy_file_range (in, NULL, out, NULL, 4, 0) < 0 && errno == EPERM;
  ok = ok && fallocate (out, 0, 0, 4096) < 0 && errno == EPERM;
  ok = ok && ftruncate (out, 0) < 0 && errno == EPERM;
  ok = ok && truncate (readable, 0) < 0 && errno == EPERM;
  ok = ok && pwrite (out, "x", 1, 0) < 0 && errno == EPERM;
  return ok ? 0 : 1;
}

/* Signals to itself only.  */
static int
probe_kill (int out)
{
  bool ok = kill (parent, 0) < 0 && errno == EPERM;
  ok = ok && syscall (SYS_tgkill, parent, parent, 0) < 0 && errno == EPERM;
  ok = ok && kill (1, 0) < 0 && errno == EPERM;
  ok = ok && kill (-1, 0) < 0 && errno == EPERM;
  ok = ok && kill (getpid (), 0) == 0;
  return ok ? 0 : 1;
}

static int
probe_rename_link_chmod (int out)
{
  bool ok = rename (readable, created) < 0 && errno == EPERM;
  ok = ok && link (readable, created) < 0 && errno == EPERM;
  ok = ok && symlink (readable, created) < 0 && errno == EPERM;
  ok = ok && chmod (readable, 0777) < 0 && errno == EPERM;
  ok = ok && mknod (created, S_IFIFO | 0600, 0) < 0 && errno == EPERM;
  return ok ? 0 : 1;
}

static int
probe_ptrace (int out)
{
  ptrace (PTRACE_ATTACH, parent, NULL, NULL);
  return 0; /* not reached */
}

static int
probe_mount (int out)
{
  mount ("none", "/tmp", "tmpfs", 0, NULL);
  return 0;
}

static int
probe_bpf (int out)
{
  syscall (SYS_bpf, 0, NULL, 0);
  return 0;
}

static bool
have_landlock (void)
{
#ifdef SYS_landlock_create_ruleset
  return syscall (SYS_landlock_create_ruleset, NULL, 0, 1U /* _VERSION */) >= 1;
#else
  return false;
#endif
}

static void
test_sandbox (void **state)
{
  cleanup_free char *dir = fx_tmpdir ("sandbox");
  fx_put (dir, "readable", readable_text);
  readable = og_xasprintf ("%s/readable", dir);
  created = og_xasprintf ("%s/created", dir);
  parent = getpid ();
  static probe_fn *const before_landlock[]
      = { probe_read,           probe_output,       probe_write_open,   probe_rdwr_open,
          probe_write_other_fd, probe_exec,         probe_fork,         probe_thread,
          probe_socket,         probe_unlink_mkdir, probe_no_new_privs, probe_openat_write,
          probe_openat2_read };
  static probe_fn *const after_landlock[]
      = { probe_copy_calls, probe_kill, probe_rename_link_chmod };
  all_exit_0 (before_landlock, OG_ARRAY_SIZE (before_landlock));
  if (have_landlock ())
    assert_int_equal (in_child (probe_openat2_write), 0);
  else
    print_message ("# no Landlock on this kernel: openat2 writes not refused\n");
  all_exit_0 (after_landlock, OG_ARRAY_SIZE (after_landlock));
  assert_int_equal (killed_in_child (probe_ptrace), SIGSYS);
  assert_int_equal (killed_in_child (probe_mount), SIGSYS);
  assert_int_equal (killed_in_child (probe_bpf), SIGSYS);
  /* Nothing was created or changed.  */
  assert_int_equal (access (created, F_OK), -1);
  {
    cleanup_free char *text = NULL;
    size_t len = 0;
    og_error *err = NULL;
    assert_int_equal (og_read_file (readable, 1024, &text, &len, &err), 0);
    assert_string_equal (text, readable_text);
  }
  fx_rm_rf (dir);
  free (created);
  free (readable);
}

/* The cache's files (og_sandbox_allow_link): the two allowed O_TMPFILEs
   are linked into the cache directory; a third, and a link into another
   directory, are refused (EPERM from seccomp, or EACCES from Landlock).  */
static void
test_cache_links (void **state)
{
  cleanup_free char *dir = fx_tmpdir ("sandbox-link");
  cleanup_free char *other = og_xasprintf ("%s/other", dir);
  int status = 0;
  pid_t pid;

  fx_mkdir (dir, "cache");
  fx_mkdir (dir, "other");
  pid = fork ();
  assert_true (pid >= 0);
  if (pid == 0)
    {
      og_error *err = NULL;
      cleanup_free char *cache = og_xasprintf ("%s/cache", dir);
      int cfd = open (cache, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      int ofd = open (other, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      int t[3];
      for (int i = 0; i < 3; i++)
        t[i] = openat (cfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
      if (cfd < 0 || ofd < 0 || t[0] < 0 || t[1] < 0 || t[2] < 0)
        _exit (100);
      og_sandbox_allow_link (t[0], cfd);
      og_sandbox_allow_link (t[1], ofd); /* another directory: nothing */
      og_sandbox_allow_link (t[1], cfd);
      og_sandbox_allow_link (t[2], cfd); /* a third file: nothing */
      if (og_sandbox_enter (2, &err) < 0)
        _exit (101);
      if (linkat (t[0], "", cfd, "entry", AT_EMPTY_PATH) != 0)
        _exit (1);
      if (linkat (t[1], "", cfd, "memo", AT_EMPTY_PATH) != 0)
        _exit (2);
      if (linkat (t[2], "", cfd, "third", AT_EMPTY_PATH) == 0
          || (errno != EPERM && errno != EACCES))
        _exit (3);
      if (linkat (t[1], "", ofd, "elsewhere", AT_EMPTY_PATH) == 0
          || (errno != EPERM && errno != EACCES))
        _exit (4);
      _exit (0);
    }
  assert_true (waitpid (pid, &status, 0) == pid);
  assert_true (WIFEXITED (status));
  assert_int_equal (WEXITSTATUS (status), 0);
  {
    cleanup_free char *entry = og_xasprintf ("%s/cache/entry", dir);
    cleanup_free char *memo = og_xasprintf ("%s/cache/memo", dir);
    cleanup_free char *third = og_xasprintf ("%s/cache/third", dir);
    cleanup_free char *elsewhere = og_xasprintf ("%s/elsewhere", other);
    assert_int_equal (access (entry, F_OK), 0);
    assert_int_equal (access (memo, F_OK), 0);
    assert_int_equal (access (third, F_OK), -1);
    assert_int_equal (access (elsewhere, F_OK), -1);
  }
  fx_rm_rf (dir);
}

static void
test_deadline (void **state)
{
  og_error *err = NULL;
  og_deadline_start (0);
  assert_false (og_deadline_passed ());
  assert_int_equal (og_deadline_check (&err), 0);
  og_deadline_start (1);
  usleep (3000);
  assert_true (og_deadline_passed ());
  assert_int_equal (og_deadline_check (&err), -1);
  assert_int_equal (og_error_code (err), OG_ERR_DEADLINE);
  assert_non_null (strstr (err->msg, "deadline of 1 ms"));
  og_error_free (err);
  og_deadline_start (0);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_sandbox), cmocka_unit_test (test_cache_links),
         cmocka_unit_test (test_deadline));
