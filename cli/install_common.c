/* ocigate install: what the hooks.d and bundle installers share: the hook
   entry, written as JSON or as text in a file's own layout, and reading a
   target file.  */
#include <getopt.h>
#include <sys/stat.h>
#include "base/fileio.h"
#include "common.h"
#include "install_common.h"
#include "json/doc.h"
#include "og-config.h"

/* The hook's argv: ocigate-hook --stage STAGE [--config FILE] --on-error E.
   --on-error is always written, so that a node's hooks.d file or config.json
   says what a broken host config does instead of leaving it to a default.  */
static size_t
hook_args (const install_opts *o, const char *args[static 7])
{
  size_t n = 0;

  args[n++] = OG_HOOK_NAME;
  args[n++] = "--stage";
  args[n++] = o->stage;
  if (o->config != NULL)
    {
      args[n++] = "--config";
      args[n++] = o->config;
    }
  args[n++] = "--on-error";
  args[n++] = o->on_error;
  return n;
}

json_t *
install_hook_entry (const install_opts *o)
{
  const char *args[7];
  size_t n = hook_args (o, args);
  json_t *a = json_array ();

  for (size_t i = 0; i < n; i++)
    json_array_append_new (a, json_string (args[i]));
  return json_pack ("{s:s, s:o, s:[s]}", "path", o->hook, "args", a, "env", OG_HOOK_ENV_PATH);
}

bool
install_is_ocigate_entry (json_t *e)
{
  const char *path = json_string_value (json_object_get (e, "path"));
  const char *arg0 = json_string_value (json_array_get (json_object_get (e, "args"), 0));
  const char *slash = path ? strrchr (path, '/') : NULL;

  return og_str_eq (arg0, OG_HOOK_NAME) || og_str_eq (slash ? slash + 1 : path, OG_HOOK_NAME);
}

void
install_put_entry (og_buf *b, const jedit_layout *l, int depth, const install_opts *o)
{
  const char *args[7];
  size_t nargs = hook_args (o, args);
  const char *env[] = { OG_HOOK_ENV_PATH };

  og_buf_putc (b, '{');
  jedit_nl (b, l, depth + 1);
  jedit_key (b, l, "path");
  jedit_str (b, o->hook);
  og_buf_putc (b, ',');
  jedit_nl (b, l, depth + 1);
  jedit_key (b, l, "args");
  jedit_str_array (b, l, depth + 1, args, nargs);
  og_buf_putc (b, ',');
  jedit_nl (b, l, depth + 1);
  jedit_key (b, l, "env");
  jedit_str_array (b, l, depth + 1, env, OG_ARRAY_SIZE (env));
  jedit_nl (b, l, depth);
  og_buf_putc (b, '}');
}

void
install_put_stage_member (og_buf *b, const jedit_layout *l, int depth, const install_opts *o)
{
  jedit_key (b, l, o->stage);
  og_buf_putc (b, '[');
  jedit_nl (b, l, depth + 1);
  install_put_entry (b, l, depth + 1, o);
  jedit_nl (b, l, depth);
  og_buf_putc (b, ']');
}

int
install_read_file (const char *path, char **data, size_t *len, struct stat *st, og_error **err)
{
  if (og_read_file (path, OG_INSTALL_MAX_FILE, data, len, err) < 0)
    return -1;
  if (stat (path, st) < 0)
    {
      free (*data);
      *data = NULL;
      return og_error_set (err, errno, "stat %s", path);
    }
  return 0;
}
