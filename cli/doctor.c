/* ocigate doctor: check that a node is ready to run the hook, one line per
   check (ok, warn or FAIL, with what to do).  This file: the options, the
   report, and the checks of the hook, the host config and its manifests,
   the audit file, the kernel's features and syslog; hooks.d and the
   runtimes are in doctor_runtimes.c.  Nothing here writes: the audit file
   is opened for appending and closed untouched.

   Sources: openat2(2) (RESOLVE_IN_ROOT), seccomp(2)
   (SECCOMP_GET_ACTION_AVAIL), landlock(7) (LANDLOCK_CREATE_RULESET_VERSION),
   syslog(3) and unix(7) for the /dev/log datagram socket.  */
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "common.h"
#include "doctor_report.h"
#include "doctor_runtimes.h"
#include "og-config.h"
#include "policy/hostconfig.h"
#include "policy/manifest.h"
#include "runtime/cachedir.h"
#include "base/text.h"

#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#endif

#define DOCTOR_DEFAULT_CONFIG OG_SYSCONFDIR "/ocigate/ocigate.json"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate doctor [OPTIONS]\n\n"
              "Check that this node is ready to run ocigate-hook, one line per check: ok,\n"
              "warn or FAIL, each naming the file and saying what to do.  Checked: the hook\n"
              "executable; the hooks.d files that name it (valid oci-hooks 1.0.0, pointing\n"
              "at it, a stage where the root filesystem can be inspected); the host config\n"
              "and its regexes; every manifest it names; the audit file's directory (there,\n"
              "owned by root, not writable by others) and that a record can be appended;\n"
              "openat2 with RESOLVE_IN_ROOT, seccomp, Landlock and the syslog socket; and\n"
              "whether podman, CRI-O and containerd are configured to run the hook.\n"
              "Nothing is written.\n\n"
              "Options:\n"
              "  --config FILE        the host config (default " DOCTOR_DEFAULT_CONFIG ")\n"
              "  --hooks-dir DIR      a hooks.d directory to look in; may be repeated\n"
              "                       (default: /usr/share/containers/oci/hooks.d and\n"
              "                       /etc/containers/oci/hooks.d)\n"
              "  --hook PATH          the hook executable (default " OG_HOOK_PATH ")\n"
              "  --containers-conf FILE\n"
              "                       podman's containers.conf (default: its own places)\n"
              "  --containers-conf-dir DIR\n"
              "                       a containers.conf.d directory whose *.conf files are\n"
              "                       read after it, in order; may be repeated (default\n"
              "                       /usr/share/containers/containers.conf.d and\n"
              "                       /etc/containers/containers.conf.d)\n"
              "  --crio-conf FILE     CRI-O's crio.conf (default /etc/crio/crio.conf)\n"
              "  --crio-conf-dir DIR  a crio.conf.d directory, the same way (default\n"
              "                       /etc/crio/crio.conf.d)\n"
              "  --containerd-conf FILE\n"
              "                       containerd's config (default /etc/containerd/config.toml)\n"
              "  --containerd-socket PATH\n"
              "                       containerd's socket, which says it runs (default\n"
              "                       /run/containerd/containerd.sock)\n"
              "  --syslog-socket PATH\n"
              "                       the syslog socket (default /dev/log)\n"
              "  --strict             count warnings as failures\n"
              "  -h, --help           show this help\n\n"
              "Exit status: 0 no check failed (warnings, which do not stop the hook from\n"
              "doing its job, may be shown; with --strict there were none); 1 a check\n"
              "failed; 2 bad usage.\n");
}

static void
check_hook (doctor *d)
{
  struct stat st;

  if (stat (d->hook, &st) < 0)
    doctor_say (d, DOCTOR_FAIL, "hook %s: %s; install ocigate, or give its place with --hook",
                d->hook, strerror (errno));
  else if (!S_ISREG (st.st_mode) || access (d->hook, X_OK) < 0)
    doctor_say (d, DOCTOR_FAIL, "hook %s is not an executable file; chmod 0755 it", d->hook);
  else if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
    doctor_say (d, DOCTOR_FAIL,
                "hook %s can be changed by a user other than root (owner %u, mode %04o); "
                "chown root and chmod go-w it",
                d->hook, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
  else
    doctor_say (d, DOCTOR_OK, "hook %s is an executable file owned by root", d->hook);
}

/* A FAIL line for each problem of the file at path that did not load:
   WHAT, the problem (file:line:column: what is expected), then what it
   does (ending in ": ", or "") and how to find them all again.  */
static void
fail_diags (doctor *d, const og_diags *diags, const char *what, const char *effect,
            const char *path)
{
  for (size_t i = 0; i < diags->n; i++)
    {
      cleanup_free char *s = og_diag_format (diags, i);
      doctor_say (d, DOCTOR_FAIL, "%s %s; %sfix it (`ocigate manifest lint %s`)", what, s, effect,
                  path);
    }
}

/* One manifest that the config names.  */
static void
check_manifest (doctor *d, const og_hostconfig *cfg, const char *name, const char *who)
{
  cleanup_free char *path = og_hostconfig_manifest_path (cfg, name);
  cleanup_manifest og_manifest *m = NULL;
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;
  struct stat st;

  if (path == NULL)
    return;
  if (stat (path, &st) < 0)
    {
      doctor_say (d, DOCTOR_FAIL, "manifest `%s` (%s of %s): %s: %s; create it or correct the name",
                  name, who, cfg->file, path, strerror (errno));
      return;
    }
  if (og_manifest_load_file (path, &m, &diags, &err) == 0)
    {
      doctor_say (d, DOCTOR_OK, "manifest `%s` (%s): valid", name, path);
      return;
    }
  fail_diags (d, &diags, "manifest", "", path);
  if (diags.n == 0)
    doctor_say (d, DOCTOR_FAIL, "manifest `%s`: %s", name, err->msg);
}

static og_hostconfig *
check_config (doctor *d)
{
  og_hostconfig *cfg = NULL;
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;
  size_t n_regex = 0;

  if (og_hostconfig_load_file (d->config, &cfg, &diags, &err) < 0)
    {
      fail_diags (d, &diags, "host config",
                  "the hook cannot load it and follows its --on-error: ", d->config);
      if (diags.n == 0)
        doctor_say (d, DOCTOR_FAIL,
                    "host config: %s; the hook follows its --on-error until there is one",
                    err->msg);
      return NULL;
    }
  for (size_t i = 0; i < cfg->n_rules; i++)
    n_regex += 2 * cfg->rules[i].n_annotations;
  doctor_say (d, DOCTOR_OK,
              "host config %s: valid (mode %s, on_error %s, %zu %s, %zu %s within limits)",
              d->config, og_mode_name (cfg->mode), cfg->on_error_deny ? "deny" : "allow",
              cfg->n_rules, cfg->n_rules == 1 ? "rule" : "rules", n_regex,
              n_regex == 1 ? "regex compiles" : "regexes compile");
  for (size_t i = 0; i < cfg->n_rules; i++)
    {
      cleanup_free char *who = og_xasprintf ("rule %zu", i + 1);
      check_manifest (d, cfg, cfg->rules[i].manifest, who);
    }
  check_manifest (d, cfg, cfg->default_manifest, "\"default\"");
  return cfg;
}

/* The audit file can be appended to: open it O_APPEND as the hook does
   (without O_CREAT: an absent file is made by the hook) and close it
   without writing.  */
static void
check_audit_file (doctor *d, const char *file)
{
  struct stat st;
  int fd;

  if (lstat (file, &st) < 0)
    {
      if (errno == ENOENT)
        doctor_say (d, DOCTOR_OK, "audit file %s: not there yet; the hook creates it (0600)", file);
      else
        doctor_say (d, DOCTOR_FAIL, "audit file %s: %s", file, strerror (errno));
      return;
    }
  if (!S_ISREG (st.st_mode))
    {
      doctor_say (d, DOCTOR_FAIL,
                  "audit file %s is not a regular file (a symbolic link, a directory, ...); the "
                  "hook refuses it: remove it or point audit.file elsewhere",
                  file);
      return;
    }
  fd = open (file, O_WRONLY | O_APPEND | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
  if (fd < 0)
    {
      doctor_say (d, DOCTOR_FAIL, "audit file %s cannot be opened for appending: %s", file,
                  strerror (errno));
      return;
    }
  close (fd);
  doctor_say (d, DOCTOR_OK, "audit file %s can be appended to", file);
}

static void
check_audit (doctor *d, const og_hostconfig *cfg)
{
  cleanup_free char *copy = NULL;
  const char *dir;
  struct stat st;
  struct statvfs vfs;

  if (cfg == NULL)
    {
      doctor_say (d, DOCTOR_WARN, "audit file: not checked, as the host config does not load");
      return;
    }
  if (cfg->audit_file == NULL)
    {
      doctor_say (d, cfg->audit_syslog ? DOCTOR_WARN : DOCTOR_FAIL,
                  "audit file: %s sets none, so records go %s; set audit.file", cfg->file,
                  cfg->audit_syslog ? "to syslog only" : "nowhere");
      return;
    }
  copy = og_xstrdup (cfg->audit_file);
  dir = dirname (copy);
  if (stat (dir, &st) < 0)
    doctor_say (d, DOCTOR_FAIL, "audit directory %s: %s; create it: install -d -m 0700 %s", dir,
                strerror (errno), dir);
  else if (!S_ISDIR (st.st_mode))
    doctor_say (d, DOCTOR_FAIL,
                "audit directory %s is not a directory, so no record can be written; remove it "
                "or point audit.file elsewhere",
                dir);
  else if (st.st_uid != 0)
    doctor_say (d, DOCTOR_FAIL, "audit directory %s is owned by uid %u, not root; chown root %s",
                dir, (unsigned)st.st_uid, dir);
  else if (st.st_mode & S_IWOTH)
    doctor_say (d, DOCTOR_FAIL,
                "audit directory %s is writable by everyone (mode %04o), so anyone can replace "
                "the records; chmod 0700 %s",
                dir, (unsigned)(st.st_mode & 07777), dir);
  else if (statvfs (dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
    doctor_say (d, DOCTOR_FAIL, "audit directory %s is on a read-only filesystem", dir);
  else
    {
      doctor_say (d, DOCTOR_OK, "audit directory %s is owned by root and not writable by others",
                  dir);
      check_audit_file (d, cfg->audit_file);
    }
}

static void
check_openat2 (doctor *d)
{
  struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
  int root = open ("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  long fd = root < 0 ? -1 : syscall (SYS_openat2, root, ".", &how, sizeof how);
  int saved = errno;

  if (fd >= 0)
    {
      close ((int)fd);
      doctor_say (d, DOCTOR_OK, "kernel: openat2 with RESOLVE_IN_ROOT works");
    }
  else
    doctor_say (d, DOCTOR_FAIL,
                "kernel: openat2 with RESOLVE_IN_ROOT fails (%s); the hook needs Linux 5.6 or "
                "later to open paths inside a root safely",
                strerror (saved));
  if (root >= 0)
    close (root);
}

static void
check_kernel (doctor *d)
{
  unsigned action = SECCOMP_RET_KILL_PROCESS;
  long abi;

  check_openat2 (d);
  if (syscall (SYS_seccomp, SECCOMP_GET_ACTION_AVAIL, 0, &action) == 0)
    doctor_say (d, DOCTOR_OK, "kernel: seccomp filters are available");
  else
    doctor_say (d, DOCTOR_FAIL,
                "kernel: seccomp filters are not available (%s); the hook installs one before "
                "it parses a container's files, and every inspection fails without one",
                strerror (errno));
#ifdef SYS_landlock_create_ruleset
  abi = syscall (SYS_landlock_create_ruleset, NULL, 0, LANDLOCK_CREATE_RULESET_VERSION);
#else
  abi = -1;
#endif
  if (abi >= 1)
    doctor_say (d, DOCTOR_OK, "kernel: Landlock is available (ABI %ld)", abi);
  else
    doctor_say (d, DOCTOR_WARN,
                "kernel: Landlock is not available (Linux before 5.13, or landlock not in the "
                "lsm= boot list); the hook goes on with seccomp and dropped capabilities only");
}

/* The layer cache: off, not made yet, or its size and hit rate.  */
static void
check_cache (doctor *d, const og_hostconfig *cfg)
{
  og_cache_stats st = { 0 };
  cleanup_error og_error *err = NULL;
  uint64_t uses;
  int r;

  if (cfg == NULL)
    return;
  if (!cfg->cache_enabled)
    {
      doctor_say (d, DOCTOR_OK, "layer cache: off (%s sets cache.enabled false)", cfg->file);
      return;
    }
  r = og_cache_stats_read (cfg->cache_dir, &st, &err);
  if (r < 0)
    {
      cleanup_free char *msg = og_text_escaped (err->msg);
      doctor_say (d, DOCTOR_WARN,
                  "layer cache %s: %s; launches walk the whole root: fix its directory (root's, "
                  "mode 0700) or set cache.enabled false",
                  cfg->cache_dir, msg);
      return;
    }
  if (r == 1)
    {
      doctor_say (d, DOCTOR_OK,
                  "layer cache %s: not made yet (the hook makes it, mode 0700, at "
                  "the first launch on an overlay root)",
                  cfg->cache_dir);
      return;
    }
  uses = st.hits + st.misses + st.invalid + st.unsupported;
  doctor_say (d, DOCTOR_OK,
              "layer cache %s: %llu %s, %.1f MiB of %.1f MiB; %llu %s, hit rate %.0f%% (%llu "
              "%s, %llu invalid, %llu unsupported roots)",
              cfg->cache_dir, (unsigned long long)st.entries, st.entries == 1 ? "entry" : "entries",
              st.bytes / 1048576.0, cfg->cache_max_bytes / 1048576.0, (unsigned long long)uses,
              uses == 1 ? "launch" : "launches", uses ? 100.0 * st.hits / uses : 0.0,
              (unsigned long long)st.misses, st.misses == 1 ? "miss" : "misses",
              (unsigned long long)st.invalid, (unsigned long long)st.unsupported);
}

static void
check_syslog (doctor *d, const og_hostconfig *cfg)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  int fd;

  if (cfg && cfg->syslog_socket && !d->syslog_socket_given)
    d->syslog_socket = cfg->syslog_socket;

  if (cfg && !cfg->audit_syslog)
    {
      doctor_say (d, DOCTOR_OK, "syslog: not used (%s sets audit.syslog false)", cfg->file);
      return;
    }
  if (strlen (d->syslog_socket) >= sizeof sa.sun_path)
    {
      doctor_say (d, DOCTOR_FAIL, "syslog socket %s: the name is too long", d->syslog_socket);
      return;
    }
  strcpy (sa.sun_path, d->syslog_socket);
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd >= 0 && connect (fd, (struct sockaddr *)&sa, sizeof sa) == 0)
    doctor_say (d, DOCTOR_OK, "syslog socket %s accepts records", d->syslog_socket);
  else
    doctor_say (d, DOCTOR_FAIL,
                "syslog socket %s: %s; the hook's syslog lines are lost: start the syslog "
                "daemon (systemd-journald, rsyslog) or set audit.syslog false",
                d->syslog_socket, strerror (errno));
  if (fd >= 0)
    close (fd);
}

/* One more directory of a repeatable --*-dir option (OPTION), up to
   DOCTOR_MAX_DIRS: OG_CLI_GO_ON, or the usage error's exit code.  */
static int
add_dir (const char **dirs, size_t *n, const char *option, const char *dir)
{
  if (*n == DOCTOR_MAX_DIRS)
    return og_cli_usage_error ("doctor", "at most %d %s", DOCTOR_MAX_DIRS, option);
  dirs[(*n)++] = dir;
  return OG_CLI_GO_ON;
}

static int
doctor_option (int c, const char *arg, void *ctx)
{
  doctor *d = ctx;
  switch (c)
    {
    case 'c':
      d->config = arg;
      return OG_CLI_GO_ON;
    case 'D':
      return add_dir (d->hooks_dirs, &d->n_hooks_dirs, "--hooks-dir", arg);
    case 'k':
      d->hook = arg;
      return OG_CLI_GO_ON;
    case 'P':
      d->containers_conf = arg;
      return OG_CLI_GO_ON;
    case 'C':
      d->crio_conf = arg;
      return OG_CLI_GO_ON;
    case 'p':
      return add_dir (d->containers_conf_dirs, &d->n_containers_conf_dirs, "--containers-conf-dir",
                      arg);
    case 'r':
      return add_dir (d->crio_conf_dirs, &d->n_crio_conf_dirs, "--crio-conf-dir", arg);
    case 'd':
      d->containerd_conf = arg;
      return OG_CLI_GO_ON;
    case 'K':
      d->containerd_socket = arg;
      return OG_CLI_GO_ON;
    case 'S':
      d->syslog_socket = arg;
      d->syslog_socket_given = true;
      return OG_CLI_GO_ON;
    case 's':
      d->strict = true;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

static int
parse (doctor *d, int argc, char **argv)
{
  static const struct option opts[] = {
    { "config", required_argument, NULL, 'c' },
    { "hooks-dir", required_argument, NULL, 'D' },
    { "hook", required_argument, NULL, 'k' },
    { "containers-conf", required_argument, NULL, 'P' },
    { "crio-conf", required_argument, NULL, 'C' },
    { "containers-conf-dir", required_argument, NULL, 'p' },
    { "crio-conf-dir", required_argument, NULL, 'r' },
    { "containerd-conf", required_argument, NULL, 'd' },
    { "containerd-socket", required_argument, NULL, 'K' },
    { "syslog-socket", required_argument, NULL, 'S' },
    { "strict", no_argument, NULL, 's' },
    OG_CLI_LONGOPTS_END,
  };
  int rc = og_cli_getopt ("doctor", usage, argc, argv, "", opts, doctor_option, d);

  if (rc != OG_CLI_GO_ON)
    return rc;
  if (optind != argc)
    return og_cli_usage_error ("doctor", "unexpected argument '%s'", argv[optind]);
  if (d->n_hooks_dirs == 0)
    {
      d->hooks_dirs[d->n_hooks_dirs++] = "/usr/share/containers/oci/hooks.d";
      d->hooks_dirs[d->n_hooks_dirs++] = "/etc/containers/oci/hooks.d";
    }
  return OG_CLI_GO_ON;
}

int
og_cmd_doctor (int argc, char **argv)
{
  doctor d = { .hook = OG_HOOK_PATH, .config = DOCTOR_DEFAULT_CONFIG, .syslog_socket = "/dev/log" };
  cleanup_hostconfig og_hostconfig *cfg = NULL;
  int r = parse (&d, argc, argv);

  if (r != OG_CLI_GO_ON)
    return r;
  check_hook (&d);
  doctor_hooks_dirs (&d);
  cfg = check_config (&d);
  check_audit (&d, cfg);
  check_kernel (&d);
  check_syslog (&d, cfg);
  check_cache (&d, cfg);
  doctor_runtimes (&d);
  fflush (stdout); /* the summary on stderr comes after the lines */
  if (d.n_fail || (d.strict && d.n_warn))
    {
      fprintf (stderr, "ocigate doctor: %zu %s failed, %zu %s\n", d.n_fail,
               d.n_fail == 1 ? "check" : "checks", d.n_warn,
               d.n_warn == 1 ? "warning" : "warnings");
      return OG_EXIT_DENY;
    }
  printf ("all is well (%zu %s)\n", d.n_warn, d.n_warn == 1 ? "warning" : "warnings");
  return OG_EXIT_OK;
}
