/* ocigate-hook: an OCI runtime hook (prestart / createRuntime /
   createContainer) that inventories the container's root filesystem right
   before it starts, checks it against the manifest that the host config
   picks, and lets the launch go on (exit 0) or stops it (exit 1).  This file:
   the arguments, the stage, a clean process; the flow is in run.c.  The
   inherited environment and working directory are ignored.  */
#include <fcntl.h>
#include <getopt.h>
#include <sys/stat.h>

#include "hook.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate-hook [--config PATH] [--stage STAGE] [--on-error deny|allow]\n"
              "                    [--audit-file PATH] < STATE\n\n"
              "An OCI runtime hook: reads the container state (JSON) on stdin, inventories the\n"
              "root filesystem of BUNDLE/config.json, checks it against the manifest that the\n"
              "host config picks for the container, and exits 0 (the launch goes on) or 1\n"
              "(the runtime stops it).  Every decision is appended to the audit file as one\n"
              "ocigate.audit/v1 JSON line and sent to syslog as an RFC 5424 line.\n\n"
              "Options:\n"
              "  --config PATH        host config (default " HOOK_DEFAULT_CONFIG ")\n"
              "  --stage STAGE        prestart, createRuntime or createContainer (default\n"
              "                       prestart); recorded in the audit record\n"
              "  --on-error deny|allow  only for when the host config itself cannot be loaded\n"
              "                       (missing, not JSON, invalid): deny stops the launch\n"
              "                       (default), allow lets it go on; once the config is\n"
              "                       loaded, its own \"on_error\" (default allow) decides\n"
              "                       every other operational error\n"
              "  --audit-file PATH    audit file when the host config cannot be loaded\n"
              "                       (default " HOOK_DEFAULT_AUDIT ")\n"
              "  -h, --help           show this help\n"
              "  --version            show the version\n\n"
              "Exit status: 0 the launch may go on; 1 it must not; 2 bad usage.\n");
}

/* Stdin, stdout and stderr exist (a runtime may close them), so that the
   files we open never take their numbers.  */
static void
sanitize_fds (void)
{
  for (int fd = 0; fd < 3; fd++)
    if (fcntl (fd, F_GETFD) < 0)
      {
        int n = open ("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
        if (n >= 0 && n != fd)
          {
            dup2 (n, fd);
            close (n);
          }
      }
}

#ifdef __SANITIZE_ADDRESS__
/* LeakSanitizer stops the world with ptrace at exit, which the hook's own
   seccomp filter refuses: in sanitizer builds leaks are checked by the unit
   and integration tests, not in the hook.  The environment (ASAN_OPTIONS)
   cannot say so: the hook clears it.  */
const char *__asan_default_options (void);
const char *
__asan_default_options (void)
{
  return "detect_leaks=0";
}
#endif

static const char *const stages[] = { "prestart", "createRuntime", "createContainer" };

int
main (int argc, char **argv)
{
  static const struct option opts[] = {
    { "config", required_argument, NULL, 'c' },
    { "stage", required_argument, NULL, 's' },
    { "on-error", required_argument, NULL, 'e' },
    { "audit-file", required_argument, NULL, 'a' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  /* Static: what it holds stays reachable to the end (see the end of main).  */
  static hook h = { .config_path = HOOK_DEFAULT_CONFIG,
                    .stage = "prestart",
                    .fallback_deny = true,
                    .fallback_audit = HOOK_DEFAULT_AUDIT,
                    .audit_fd = -1,
                    .syslog_fd = -1 };
  bool stage_ok = false;
  int c, code;

  sanitize_fds ();
  /* A runtime may hand hooks the container's environment: use none of it.  */
  clearenv ();
  setenv ("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", 1);
  umask (077);
  if (chdir ("/") < 0)
    return 1;
  clock_gettime (CLOCK_MONOTONIC, &h.t0);

  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'c':
        h.config_path = optarg;
        break;
      case 's':
        h.stage = optarg;
        break;
      case 'e':
        if (strcmp (optarg, "deny") != 0 && strcmp (optarg, "allow") != 0)
          {
            fprintf (stderr, "ocigate-hook: --on-error must be deny or allow, not '%s'\n", optarg);
            return 2;
          }
        h.fallback_deny = strcmp (optarg, "deny") == 0;
        break;
      case 'a':
        h.fallback_audit = optarg;
        break;
      case 'h':
        usage (stdout);
        return 0;
      case 'V':
        printf ("ocigate-hook %s\n", OG_VERSION);
        return 0;
      default:
        usage (stderr);
        return 2;
      }
  if (optind != argc)
    {
      fprintf (stderr, "ocigate-hook: unexpected argument '%s'; the state comes on stdin\n",
               argv[optind]);
      return 2;
    }
  for (size_t i = 0; i < OG_ARRAY_SIZE (stages); i++)
    stage_ok |= strcmp (h.stage, stages[i]) == 0;
  if (!stage_ok)
    {
      fprintf (stderr,
               "ocigate-hook: stage '%s' is not one where the root filesystem can be inspected "
               "before the container runs; use prestart, createRuntime or createContainer\n",
               h.stage);
      return 2;
    }

  hook_arm_startup_backstop (&h);
  code = hook_run (&h);
  /* The process ends here, and its end frees what it holds: freeing the
     inventory, the manifest and the records one by one was a millisecond
     of every minbase launch, spent while the runtime waits.  */
  hook_close_sinks (&h);
  return code;
}
