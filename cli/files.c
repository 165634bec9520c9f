/* ocigate files: every entry of a source, with its owning package.  */
#include <getopt.h>

#include <stdint.h>
#include <sys/stat.h>

#include "common.h"
#include "base/resolve.h"
#include "base/strmap.h"
#include "catalog/build.h"
#include "output/output.h"

static void
usage (FILE *f)
{
  fprintf (
      f, "Usage: ocigate files [OPTIONS] SOURCE\n\n"
         "List every file, directory and link of a root filesystem with its type, mode,\n"
         "owner, size and owning package: the view an image review starts with\n"
         "(\"what is in /bin, and why?\").\n\n" OG_CLI_SOURCE_HELP "Options:\n"
         "  --under PATH         only entries at or below PATH (inside the root, e.g. /usr/bin),\n"
         "                       after following PATH's symlinks inside the root (on a\n"
         "                       merged-/usr tree, --under /bin lists /usr/bin and says so)\n"
         "  --executables        only executables (execute, setuid or setgid bit)\n"
         "  --format json|table  output format (default: table); json is "
         "ocigate.files/v1\n" OG_CLI_OUTPUT_HELP OG_CLI_SOURCE_OPTIONS_HELP
         "  -h, --help           show this help\n\n"
         "Exit status: 0 success; 2 bad usage or a source that cannot be read.\n");
}

typedef struct files_view
{
  og_format format;
  const char *under;
  bool executables;
} files_view;

/* The entries of the inventory by path, for og_resolve_in_root: the walk
   recorded every entry, symlinks with their targets.  */
static int
inventory_lstat (void *userdata, const char *path, uint32_t *mode, char **target,
                 og_error **err OG_UNUSED)
{
  const og_inventory *inv = ((void **)userdata)[0];
  const og_strmap *by_path = ((void **)userdata)[1];
  const og_file *f;
  void *v;

  if (strcmp (path, "/") == 0)
    {
      *mode = S_IFDIR | 0755;
      return 0;
    }
  v = og_strmap_get (by_path, path);
  if (v == NULL)
    return 1;
  f = &inv->files[(size_t)(uintptr_t)v - 1];
  *mode = f->mode;
  if (S_ISLNK (f->mode) && f->link_target)
    *target = og_xstrdup (f->link_target);
  return 0;
}

/* --under PATH with the directory symlinks of PATH followed inside the
   root, as a shell's `ls PATH` would: on a merged-/usr tree /bin is a link
   to usr/bin, and what the reviewer asks about is what /usr/bin holds.  The
   caller frees.  */
static int
resolve_under (const og_inventory *inv, const char *under, char **out, og_error **err)
{
  og_strmap by_path = { 0 };
  void *ud[2] = { (void *)inv, &by_path };
  int r;

  for (size_t i = 0; i < inv->n_files; i++)
    og_strmap_put (&by_path, inv->files[i].path, (void *)(uintptr_t)(i + 1));
  r = og_resolve_in_root (under, true, inventory_lstat, ud, out, err);
  if (r == 0)
    {
      /* A final link to a file is listed itself, as ls -l would.  */
      void *v = og_strmap_get (&by_path, *out);
      if (v && !S_ISDIR (inv->files[(size_t)(uintptr_t)v - 1].mode))
        {
          free (*out);
          *out = NULL;
          r = og_resolve_in_root (under, false, inventory_lstat, ud, out, err);
        }
    }
  og_strmap_clear (&by_path, NULL);
  return r;
}

static int
write_files (const og_inventory *inv, const void *ctx, FILE *out, og_error **err)
{
  const files_view *v = ctx;
  cleanup_free char *under = NULL;

  if (v->under)
    {
      if (resolve_under (inv, v->under, &under, err) < 0)
        return -1;
      if (!og_path_under (under, v->under) || !og_path_under (v->under, under))
        fprintf (stderr,
                 "ocigate files: %s leads through symbolic links inside the root to %s: "
                 "listing that\n",
                 v->under, under);
    }
  return v->format == OG_FORMAT_JSON ? og_files_write_json (inv, under, v->executables, out, err)
                                     : og_files_write_table (inv, under, v->executables, out, err);
}

static int
own_option (og_cli_args *a OG_UNUSED, int c, const char *arg, void *ctx)
{
  files_view *v = ctx;
  switch (c)
    {
    case 'u':
      if (arg[0] != '/')
        return og_cli_usage_error ("files",
                                   "--under takes an absolute path inside the root, "
                                   "like /usr/bin, not '%s'",
                                   arg);
      v->under = arg;
      return OG_CLI_GO_ON;
    case 'e':
      v->executables = true;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

int
og_cmd_files (int argc, char **argv)
{
  static const struct option opts[] = {
    { "under", required_argument, NULL, 'u' },
    { "executables", no_argument, NULL, 'e' },
    { NULL, 0, NULL, 0 }, /* and the shared ones (common.h) */
  };
  og_cli_args a = {
    .verb = "files",
    .usage = usage,
    .takes_format = true,
    .takes_output = true,
    .flags = OG_INV_FILES,
  };
  files_view view = { 0 };
  int r = og_cli_parse (&a, argc, argv, "o:", opts, own_option, &view);

  if (r != OG_CLI_GO_ON)
    return r;
  view.format = a.format;
  return og_cli_write_inventory (&a, write_files, &view);
}
