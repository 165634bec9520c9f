/* ocigate install: put the hook where a runtime will run it.

   Formats:
   - hooks.d files: oci-hooks(5) of containers/common (pkg/hooks/docs/oci-hooks.5.md),
     version 1.0.0, read by podman, CRI-O and containerd's NRI hook-injector
     (install_hooksdir.c).
   - config.json: the OCI runtime spec, config.md "POSIX-platform Hooks"
     (hooks.prestart / hooks.createRuntime: arrays of {path, args, env, timeout}),
     edited as text (install_bundle.c, jsonedit.c).

   This file: the options, the dispatch, and the entry that both targets write.  */
#include <getopt.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "common.h"
#include "install_common.h"
#include "json/doc.h"
#include "og-config.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate install hooks-dir [OPTIONS] [DIR]\n"
              "       ocigate install bundle [OPTIONS] BUNDLE\n\n"
              "Register ocigate-hook with a container runtime.\n\n"
              "hooks-dir  writes DIR/" OG_HOOKS_FILE_NAME
              ", an oci-hooks(5) file (version 1.0.0, when.always,\n"
              "           a fixed PATH) that podman, CRI-O and containerd's NRI hook-injector\n"
              "           read.  DIR defaults to " OG_HOOKS_DIR_DEFAULT " and is created\n"
              "           when missing.\n"
              "bundle     adds the hook to hooks.STAGE of BUNDLE/config.json, for runc and crun.\n"
              "           The entry is spliced into the text: every other byte of the file stays\n"
              "           as it was; the new lines follow the file's indentation.\n\n"
              "Both write a temporary file beside the target and rename it over the target\n"
              "(keeping its mode), do nothing and say \"already installed\" when the same\n"
              "entry is there, and refuse to replace a different one without --force.\n"
              "An entry is ocigate's when its path ends in /" OG_HOOK_NAME
              " or its args[0] is\n" OG_HOOK_NAME ".\n\n"
              "Options:\n"
              "  --hook PATH     the hook executable, an absolute path\n"
              "                  (default: " OG_HOOK_PATH ")\n"
              "  --stage STAGE   prestart or createRuntime (default: prestart)\n"
              "  --config FILE   the host config the hook reads, an absolute path, written\n"
              "                  into the hook's args (default: none written; the hook reads\n"
              "                  " OG_SYSCONFDIR "/ocigate/ocigate.json)\n"
              "  --on-error allow|deny\n"
              "                  the hook's --on-error: what a host config that does not load\n"
              "                  does to every launch (default: allow, for audit nodes; use\n"
              "                  deny on enforcing nodes)\n"
              "  --force         replace a different existing ocigate entry or hooks.d file\n"
              "  -h, --help      show this help\n\n"
              "Exit status: 0 installed or already installed; 2 bad usage, an unreadable or\n"
              "invalid file, or a different entry in the way (without --force).\n");
}

static int
install_option (int c, const char *arg, void *ctx)
{
  install_opts *o = ctx;
  switch (c)
    {
    case 'k':
      o->hook = arg;
      return OG_CLI_GO_ON;
    case 's':
      o->stage = arg;
      return OG_CLI_GO_ON;
    case 'c':
      o->config = arg;
      return OG_CLI_GO_ON;
    case 'e':
      o->on_error = arg;
      return OG_CLI_GO_ON;
    case 'f':
      o->force = true;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

int
og_cmd_install (int argc, char **argv)
{
  static const struct option opts[] = {
    { "hook", required_argument, NULL, 'k' },   { "stage", required_argument, NULL, 's' },
    { "config", required_argument, NULL, 'c' }, { "on-error", required_argument, NULL, 'e' },
    { "force", no_argument, NULL, 'f' },        OG_CLI_LONGOPTS_END,
  };
  install_opts o = { .hook = OG_HOOK_PATH, .stage = "prestart", .on_error = "allow" };
  const char *what;
  int r = og_cli_getopt ("install", usage, argc, argv, "", opts, install_option, &o);

  if (r != OG_CLI_GO_ON)
    return r;
  if (strcmp (o.stage, "prestart") != 0 && strcmp (o.stage, "createRuntime") != 0)
    return og_cli_usage_error ("install", "--stage must be prestart or createRuntime, not '%s'",
                               o.stage);
  if (o.hook[0] != '/')
    return og_cli_usage_error (
        "install", "--hook takes an absolute path (runtimes require one), not '%s'", o.hook);
  if (strcmp (o.on_error, "allow") != 0 && strcmp (o.on_error, "deny") != 0)
    return og_cli_usage_error ("install", "--on-error must be allow or deny, not '%s'", o.on_error);
  /* The hook ignores its working directory: a relative config would be
     resolved against whatever the runtime's is.  */
  if (o.config != NULL && o.config[0] != '/')
    return og_cli_usage_error ("install", "--config takes an absolute path, not '%s'", o.config);
  {
    cleanup_json json_t *j = json_string (o.hook);
    cleanup_json json_t *jc = o.config ? json_string (o.config) : NULL;
    if (j == NULL)
      return og_cli_usage_error ("install", "--hook must be valid UTF-8");
    if (o.config != NULL && jc == NULL)
      return og_cli_usage_error ("install", "--config must be valid UTF-8");
  }
  if (optind >= argc)
    return og_cli_usage_error ("install", "expected hooks-dir or bundle");
  what = argv[optind++];
  if (access (o.hook, X_OK) < 0)
    fprintf (stderr, "ocigate install: warning: %s is not an executable file (yet)\n", o.hook);
  if (strcmp (what, "hooks-dir") == 0)
    {
      if (argc - optind > 1)
        return og_cli_usage_error ("install", "hooks-dir takes at most one DIR");
      return install_hooks_dir (optind < argc ? argv[optind] : OG_HOOKS_DIR_DEFAULT, &o);
    }
  if (strcmp (what, "bundle") == 0)
    {
      if (argc - optind != 1)
        return og_cli_usage_error ("install", "bundle takes exactly one BUNDLE directory");
      return install_bundle (argv[optind], &o);
    }
  return og_cli_usage_error ("install", "unknown target '%s': expected hooks-dir or bundle", what);
}
