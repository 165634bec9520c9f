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

json_t *
install_hook_entry (const install_opts *o)
{
  return json_pack ("{s:s, s:[s,s,s], s:[s]}", "path", o->hook, "args", OG_HOOK_NAME, "--stage",
                    o->stage, "env", OG_HOOK_ENV_PATH);
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
  const char *args[] = { OG_HOOK_NAME, "--stage", o->stage };
  const char *env[] = { OG_HOOK_ENV_PATH };

  og_buf_putc (b, '{');
  jedit_nl (b, l, depth + 1);
  jedit_key (b, l, "path");
  jedit_str (b, o->hook);
  og_buf_putc (b, ',');
  jedit_nl (b, l, depth + 1);
  jedit_key (b, l, "args");
  jedit_str_array (b, l, depth + 1, args, OG_ARRAY_SIZE (args));
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
