/* ocigate install hooks-dir: write DIR/ocigate.json, an oci-hooks(5) file
   (containers/common pkg/hooks/docs/oci-hooks.5.md, version 1.0.0).  */
#include <sys/stat.h>

#include "base/fileio.h"
#include "common.h"
#include "install_common.h"
#include "json/doc.h"

/* The hooks.d document, as `ocigate install hooks-dir` and the package ship it.  */
static char *
hooks_d_text (const install_opts *o)
{
  static const jedit_layout l = { "  ", 2, true };
  const char *stages[] = { o->stage };
  og_buf b = { 0 };

  og_buf_putc (&b, '{');
  jedit_nl (&b, &l, 1);
  jedit_key (&b, &l, "version");
  jedit_str (&b, "1.0.0");
  og_buf_putc (&b, ',');
  jedit_nl (&b, &l, 1);
  jedit_key (&b, &l, "hook");
  install_put_entry (&b, &l, 1, o);
  og_buf_putc (&b, ',');
  jedit_nl (&b, &l, 1);
  jedit_key (&b, &l, "when");
  og_buf_putc (&b, '{');
  jedit_nl (&b, &l, 2);
  jedit_key (&b, &l, "always");
  og_buf_puts (&b, "true");
  jedit_nl (&b, &l, 1);
  og_buf_putc (&b, '}');
  og_buf_putc (&b, ',');
  jedit_nl (&b, &l, 1);
  jedit_key (&b, &l, "stages");
  jedit_str_array (&b, &l, 1, stages, OG_ARRAY_SIZE (stages));
  og_buf_puts (&b, "\n}\n");
  return og_buf_steal (&b);
}

/* mkdir -p DIR with mode 0755.  */
static int
make_dirs (const char *dir, og_error **err)
{
  cleanup_free char *p = og_xstrdup (dir);

  for (char *s = p + 1;; s++)
    {
      char c = *s;
      if (c != '/' && c != '\0')
        continue;
      *s = '\0';
      if (mkdir (p, 0755) < 0 && errno != EEXIST)
        return og_error_set (err, errno, "create directory %s", p);
      *s = c;
      if (c == '\0')
        break;
    }
  return 0;
}

int
install_hooks_dir (const char *dir, const install_opts *o)
{
  cleanup_free char *path = og_xasprintf ("%s/" OG_HOOKS_FILE_NAME, dir);
  cleanup_free char *text = hooks_d_text (o);
  cleanup_free char *data = NULL;
  og_error *err = NULL;
  struct stat st, dst;
  bool exists = false;
  size_t len;

  if (stat (dir, &dst) < 0)
    {
      if (errno != ENOENT || make_dirs (dir, &err) < 0)
        {
          og_error_set (&err, errno, "%s", dir);
          return og_cli_fail (OG_EXIT_USAGE, err);
        }
      printf ("created %s\n", dir);
    }
  else if (!S_ISDIR (dst.st_mode))
    {
      og_error_set (&err, 0, "%s is not a directory", dir);
      return og_cli_fail (OG_EXIT_USAGE, err);
    }
  if (install_read_file (path, &data, &len, &st, &err) == 0)
    {
      cleanup_json json_t *want = json_loads (text, 0, NULL);
      cleanup_json json_t *have = json_loadb (data, len, JSON_REJECT_DUPLICATES, NULL);
      bool same = want && have && json_equal (want, have);
      const char *old
          = json_string_value (json_object_get (json_object_get (have, "hook"), "path"));
      cleanup_free char *what = og_xstrdup (old ? old : "something else");

      if (same)
        {
          printf ("already installed: %s runs %s at %s\n", path, o->hook, o->stage);
          return OG_EXIT_OK;
        }
      if (!o->force)
        {
          og_error_set (&err, 0,
                        "%s already exists and configures a different hook (%s); "
                        "run with --force to replace it",
                        path, what);
          return og_cli_fail (OG_EXIT_USAGE, err);
        }
      exists = true;
    }
  else if (err->status != ENOENT)
    return og_cli_fail (OG_EXIT_USAGE, err);
  og_error_freep (&err);
  if (og_write_atomic (path, text, strlen (text), exists ? st.st_mode & 07777 : 0644,
                       exists ? &st : NULL, &err)
      < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  printf ("%s %s: podman and CRI-O run %s at %s for every container\n",
          exists ? "replaced" : "wrote", path, o->hook, o->stage);
  return OG_EXIT_OK;
}
