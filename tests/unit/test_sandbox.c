/* The hook's sandbox, tried in a child process: after og_sandbox_enter,
   reading works; opening for writing, creating, exec, fork, sockets and
   writes to fds above the outputs fail with EPERM; the outputs still work.  */
#include "fixtures.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "runtime/sandbox.h"
#include "base/util.h"

/* Each probe runs in its own child; the child's exit code is the result.  */
static int
in_child (int (*probe) (int out_fd))
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
  assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
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

static void
test_sandbox (void **state)
{
  cleanup_free char *dir = fx_tmpdir ("sandbox");
  fx_put (dir, "readable", readable_text);
  readable = og_xasprintf ("%s/readable", dir);
  assert_int_equal (in_child (probe_read), 0);
  assert_int_equal (in_child (probe_output), 0);
  assert_int_equal (in_child (probe_write_open), 0);
  assert_int_equal (in_child (probe_rdwr_open), 0);
  assert_int_equal (in_child (probe_write_other_fd), 0);
  assert_int_equal (in_child (probe_exec), 0);
  assert_int_equal (in_child (probe_fork), 0);
  assert_int_equal (in_child (probe_thread), 0);
  assert_int_equal (in_child (probe_socket), 0);
  assert_int_equal (in_child (probe_unlink_mkdir), 0);
  assert_int_equal (in_child (probe_no_new_privs), 0);
  fx_rm_rf (dir);
  free (readable);
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

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_sandbox),
    cmocka_unit_test (test_deadline),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
