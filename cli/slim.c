/* ocigate slim: what could go from an image (advice; nothing is changed).  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "output/deps.h"

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate slim [OPTIONS] SOURCE\n\n"
              "Say what could go from a root filesystem or image, from its package\n"
              "dependencies: the leaf packages (nothing installed requires them) with their\n"
              "size and executables, and the packages that only each leaf holds in.  With\n"
              "--keep, the smallest closure that keeps the named packages (and the essential\n"
              "and priority-required ones, which a package manager will not remove), and\n"
              "everything outside it: the packages, bytes and executables that would leave\n"
              "the image.  This is advice: nothing is changed.\n\n" OG_CLI_SOURCE_HELP "Options:\n"
              "  --keep PACKAGE|PATH  keep this package, or the package that owns PATH (the\n"
              "                       entrypoint, what the service needs); repeat for more.\n"
              "                       Default for an image: the package that owns its\n"
              "                       command (config Entrypoint, else Cmd), found on the\n"
              "                       image's PATH\n"
              "  --format table|json|markdown\n"
              "                       output format (default: table); json is "
              "ocigate.slim/v1\n" OG_CLI_SOURCE_OPTIONS_HELP
              "  -h, --help           show this help\n\n"
              "Exit status: 0 success; 2 bad usage, a source that cannot be read, or a --keep\n"
              "that names no package or file in it.\n");
}

typedef struct slim_opts
{
  og_deps_format format;
  og_strv keep;
  bool keep_paths;
} slim_opts;

static int
own_option (og_cli_args *a OG_UNUSED, int c, const char *arg, void *ctx)
{
  slim_opts *o = ctx;
  switch (c)
    {
    case 'k':
      og_strv_push (&o->keep, arg);
      o->keep_paths |= arg[0] == '/';
      return OG_CLI_GO_ON;
    case 'f':
      if (strcmp (arg, "table") == 0)
        o->format = OG_DEPS_TABLE;
      else if (strcmp (arg, "json") == 0)
        o->format = OG_DEPS_JSON;
      else if (strcmp (arg, "markdown") == 0)
        o->format = OG_DEPS_MARKDOWN;
      else
        return og_cli_usage_error ("slim", "--format must be table, json or markdown, not '%s'",
                                   arg);
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

/* Is file in the inventory?  Then keep its package (and say so), or say
   that no package owns it.  */
static bool
keep_owner (const og_inventory *inv, const char *file, og_strv *keep)
{
  og_error *err = NULL;
  ssize_t pkg = -1;
  if (og_inventory_path_owner (inv, file, &pkg, &err) < 0)
    {
      og_error_free (err);
      return false;
    }
  if (pkg < 0)
    fprintf (stderr,
             "ocigate slim: the image's command %s belongs to no package; keeping nothing "
             "(give --keep)\n",
             file);
  else
    {
      fprintf (stderr, "ocigate slim: keeping %s, which owns the image's command %s\n",
               inv->packages.pkgs[pkg].name, file);
      og_strv_push (keep, file);
    }
  return true;
}

/* The image's command (Entrypoint, else Cmd: its first word) as the file
   it runs: an absolute path as it is, a bare name looked up on the
   image's PATH (its config's Env; the usual default when it sets none).
   Its package is kept; when no package owns it, or the source has no
   command, nothing is.  */
static void
default_keep (const og_inventory *inv, og_strv *keep)
{
  const og_source_info *s = &inv->source;
  const char *cmd = s->n_command ? s->command[0] : NULL;
  cleanup_free char *path = NULL;
  char *save = NULL;

  if (cmd == NULL || cmd[0] == '\0')
    return;
  if (cmd[0] == '/' && keep_owner (inv, cmd, keep))
    return;
  path = og_xstrdup (s->command_path
                         ? s->command_path
                         : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
  for (char *dir = strtok_r (path, ":", &save); dir && cmd[0] != '/';
       dir = strtok_r (NULL, ":", &save))
    {
      cleanup_free char *file = og_xasprintf ("%s/%s", dir, cmd);
      if (dir[0] == '/' && strchr (cmd, '/') == NULL && keep_owner (inv, file, keep))
        return;
    }
  fprintf (stderr,
           "ocigate slim: the image's command %s is not in the image; keeping nothing (give "
           "--keep)\n",
           cmd);
}

int
og_cmd_slim (int argc, char **argv)
{
  static const struct option opts[] = {
    { "keep", required_argument, NULL, 'k' },
    OG_CLI_FORMAT_LONGOPT,
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = { .verb = "slim", .usage = usage, .flags = OG_INV_DEPS };
  slim_opts o = { .format = OG_DEPS_TABLE };
  cleanup_inventory og_inventory inv = { 0 };
  og_error *err = NULL;
  int r = og_cli_parse (&a, argc, argv, "", opts, own_option, &o);

  if (r == OG_CLI_GO_ON)
    {
      /* Without --keep the image's command may name what to keep: its
         path is resolved through the files.  */
      if (o.keep_paths || o.keep.n == 0)
        a.flags |= OG_INV_FILES;
      if (og_cli_build_inventory (a.source, &a.sopts, a.flags, &inv, NULL, &err) == 0
          && o.keep.n == 0)
        default_keep (&inv, &o.keep);
      if (err != NULL
          || og_slim_write (&inv, o.keep.n ? (const char *const *)o.keep.v : NULL, o.keep.n,
                            o.format, stdout, &err)
                 < 0)
        r = og_cli_fail (OG_EXIT_USAGE, err);
      else
        r = OG_EXIT_OK;
    }
  og_strv_clear (&o.keep);
  return r;
}
