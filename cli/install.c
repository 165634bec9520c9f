/* ocigate install: put the hook where a runtime will run it.

   Formats:
   - hooks.d files: oci-hooks(5) of containers/common (pkg/hooks/docs/oci-hooks.5.md),
     version 1.0.0, read by podman, CRI-O and containerd's NRI hook-injector.
   - config.json: the OCI runtime spec, config.md "POSIX-platform Hooks"
     (hooks.prestart / hooks.createRuntime: arrays of {path, args, env, timeout}).

   config.json is edited as text: jansson parses it to learn what is there, a
   small scanner over the (already valid) text finds the byte offsets, and the
   new entry is spliced in, so every other byte of the file stays as it was.  */
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <sys/stat.h>

#include "common.h"
#include "og-config.h"
#include "base/reader.h"

#define OG_HOOKS_DIR_DEFAULT "/etc/containers/oci/hooks.d"
#define OG_HOOKS_FILE_NAME   "ocigate.json"
#define OG_HOOK_NAME         "ocigate-hook"
#define OG_HOOK_ENV_PATH     "PATH=/usr/sbin:/usr/bin:/sbin:/bin"
/* A config.json of a few MiB is already unusual; refuse anything silly.  */
#define OG_INSTALL_MAX_FILE (16u << 20)

typedef struct install_opts
{
  const char *hook;
  const char *stage;
  bool force;
} install_opts;

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
              "  --force         replace a different existing ocigate entry or hooks.d file\n"
              "  -h, --help      show this help\n\n"
              "Exit status: 0 installed or already installed; 2 bad usage, an unreadable or\n"
              "invalid file, or a different entry in the way (without --force).\n");
}

/* Reading and writing whole small files.  */

static int
read_small_file (const char *path, char **data, size_t *len, struct stat *st, og_error **err)
{
  cleanup_close int fd = -1;
  cleanup_free char *buf = NULL;
  size_t got = 0;

  fd = TEMP_FAILURE_RETRY (open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY));
  if (fd < 0)
    return og_error_set (err, errno, "open %s", path);
  if (fstat (fd, st) < 0)
    return og_error_set (err, errno, "stat %s", path);
  if (!S_ISREG (st->st_mode))
    return og_error_set (err, 0, "%s is not a regular file", path);
  if (st->st_size > (off_t)OG_INSTALL_MAX_FILE)
    return og_error_set (err, 0, "%s is larger than %u bytes", path, OG_INSTALL_MAX_FILE);
  buf = og_xmalloc ((size_t)st->st_size + 1);
  while (got < (size_t)st->st_size)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, buf + got, (size_t)st->st_size - got));
      if (n < 0)
        return og_error_set (err, errno, "read %s", path);
      if (n == 0)
        break;
      got += (size_t)n;
    }
  buf[got] = '\0';
  *data = buf;
  buf = NULL;
  *len = got;
  return 0;
}

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = TEMP_FAILURE_RETRY (write (fd, data, len));
      if (n < 0)
        return -1;
      data += n;
      len -= (size_t)n;
    }
  return 0;
}

/* Write PATH as a temporary file in the same directory renamed over it, with
   MODE and, when OLD is given, the old owner.  */
static int
write_atomic (const char *path, const char *data, size_t len, mode_t mode, const struct stat *old,
              og_error **err)
{
  cleanup_free char *dir_copy = og_xstrdup (path);
  cleanup_free char *base_copy = og_xstrdup (path);
  cleanup_free char *tmp = NULL;
  int fd, saved;

  tmp = og_xasprintf ("%s/.%s.XXXXXX", dirname (dir_copy), basename (base_copy));
  fd = mkostemp (tmp, O_CLOEXEC);
  if (fd < 0)
    return og_error_set (err, errno, "create a temporary file beside %s", path);
  if (fchmod (fd, mode) < 0)
    goto fail;
  if (old && fchown (fd, old->st_uid, old->st_gid) < 0 && errno != EPERM)
    goto fail;
  if (write_all (fd, data, len) < 0 || fsync (fd) < 0)
    goto fail;
  if (close (fd) < 0)
    {
      fd = -1;
      goto fail;
    }
  fd = -1;
  if (rename (tmp, path) < 0)
    goto fail;
  return 0;

fail:
  saved = errno;
  if (fd >= 0)
    close (fd);
  unlink (tmp);
  return og_error_set (err, saved, "write %s", path);
}

static json_t *
load_json (const char *path, const char *data, size_t len, og_error **err)
{
  json_error_t jerr;
  json_t *j = json_loadb (data, len, JSON_REJECT_DUPLICATES, &jerr);
  if (j == NULL)
    og_error_set (err, 0, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
  return j;
}

/* The entry we install, as JSON and as text.  */

static json_t *
hook_entry (const install_opts *o)
{
  return json_pack ("{s:s, s:[s,s,s], s:[s]}", "path", o->hook, "args", OG_HOOK_NAME, "--stage",
                    o->stage, "env", OG_HOOK_ENV_PATH);
}

static bool
is_ocigate_entry (json_t *e)
{
  const char *path = json_string_value (json_object_get (e, "path"));
  const char *arg0 = json_string_value (json_array_get (json_object_get (e, "args"), 0));
  const char *slash = path ? strrchr (path, '/') : NULL;

  return og_str_eq (arg0, OG_HOOK_NAME) || og_str_eq (slash ? slash + 1 : path, OG_HOOK_NAME);
}

/* How to lay out new text: indentation unit, or everything on one line.  */
typedef struct layout
{
  const char *unit;
  size_t unit_len;
  bool pretty;
} layout;

static void
put_nl (og_buf *b, const layout *l, int depth)
{
  if (!l->pretty)
    return;
  og_buf_putc (b, '\n');
  for (int i = 0; i < depth; i++)
    og_buf_append (b, l->unit, l->unit_len);
}

static void
put_str (og_buf *b, const char *s)
{
  json_t *j = json_string (s);
  char *t = j ? json_dumps (j, JSON_ENCODE_ANY) : NULL;
  og_buf_puts (b, t ? t : "\"\"");
  free (t);
  json_decref (j);
}

static void
put_key (og_buf *b, const layout *l, const char *key)
{
  put_str (b, key);
  og_buf_puts (b, l->pretty ? ": " : ":");
}

static void
put_str_array (og_buf *b, const layout *l, int depth, const char *const *v, size_t n)
{
  og_buf_putc (b, '[');
  for (size_t i = 0; i < n; i++)
    {
      if (i)
        og_buf_putc (b, ',');
      put_nl (b, l, depth + 1);
      put_str (b, v[i]);
    }
  put_nl (b, l, depth);
  og_buf_putc (b, ']');
}

/* {"path": ..., "args": [...], "env": [...]} starting at DEPTH.  */
static void
put_entry (og_buf *b, const layout *l, int depth, const install_opts *o)
{
  const char *args[] = { OG_HOOK_NAME, "--stage", o->stage };
  const char *env[] = { OG_HOOK_ENV_PATH };

  og_buf_putc (b, '{');
  put_nl (b, l, depth + 1);
  put_key (b, l, "path");
  put_str (b, o->hook);
  og_buf_putc (b, ',');
  put_nl (b, l, depth + 1);
  put_key (b, l, "args");
  put_str_array (b, l, depth + 1, args, OG_ARRAY_SIZE (args));
  og_buf_putc (b, ',');
  put_nl (b, l, depth + 1);
  put_key (b, l, "env");
  put_str_array (b, l, depth + 1, env, OG_ARRAY_SIZE (env));
  put_nl (b, l, depth);
  og_buf_putc (b, '}');
}

/* "STAGE": [ENTRY] as a member at DEPTH.  */
static void
put_stage_member (og_buf *b, const layout *l, int depth, const install_opts *o)
{
  put_key (b, l, o->stage);
  og_buf_putc (b, '[');
  put_nl (b, l, depth + 1);
  put_entry (b, l, depth + 1, o);
  put_nl (b, l, depth);
  og_buf_putc (b, ']');
}

/* The hooks.d document, as `ocigate install hooks-dir` and the package ship it.  */
static char *
hooks_d_text (const install_opts *o)
{
  static const layout l = { "  ", 2, true };
  const char *stages[] = { o->stage };
  og_buf b = { 0 };

  og_buf_putc (&b, '{');
  put_nl (&b, &l, 1);
  put_key (&b, &l, "version");
  put_str (&b, "1.0.0");
  og_buf_putc (&b, ',');
  put_nl (&b, &l, 1);
  put_key (&b, &l, "hook");
  put_entry (&b, &l, 1, o);
  og_buf_putc (&b, ',');
  put_nl (&b, &l, 1);
  put_key (&b, &l, "when");
  og_buf_putc (&b, '{');
  put_nl (&b, &l, 2);
  put_key (&b, &l, "always");
  og_buf_puts (&b, "true");
  put_nl (&b, &l, 1);
  og_buf_putc (&b, '}');
  og_buf_putc (&b, ',');
  put_nl (&b, &l, 1);
  put_key (&b, &l, "stages");
  put_str_array (&b, &l, 1, stages, OG_ARRAY_SIZE (stages));
  og_buf_puts (&b, "\n}\n");
  return og_buf_steal (&b);
}

/* A scanner over JSON text that jansson has already accepted, through the
   bounds-checked reader: it only has to find where values begin and end.  */

static void
skip_ws (og_reader *r)
{
  while (!og_reader_at_end (r))
    {
      uint8_t c = r->data[r->pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
        return;
      r->pos++;
    }
}

static int
peek (const og_reader *r)
{
  return og_reader_at_end (r) ? -1 : r->data[r->pos];
}

/* At a '"': move past the closing quote.  */
static bool
skip_string (og_reader *r)
{
  uint8_t c;
  if (!og_reader_u8 (r, &c) || c != '"')
    return false;
  while (og_reader_u8 (r, &c))
    {
      if (c == '"')
        return true;
      if (c == '\\' && !og_reader_skip (r, 1))
        return false;
    }
  return false;
}

static bool
skip_value (og_reader *r)
{
  size_t depth = 0;
  int c = peek (r);

  if (c == '"')
    return skip_string (r);
  if (c != '{' && c != '[')
    {
      /* A number, true, false or null: up to the next delimiter.  */
      while ((c = peek (r)) > 0 && strchr (",}] \t\n\r", c) == NULL)
        r->pos++;
      return true;
    }
  for (;;)
    {
      c = peek (r);
      if (c < 0)
        return false;
      if (c == '"')
        {
          if (!skip_string (r))
            return false;
          continue;
        }
      r->pos++;
      if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && --depth == 0)
        return true;
    }
}

/* What scanning a container found.  Offsets are into the document.  */
typedef struct scan
{
  size_t open;     /* the '{' or '[' */
  size_t close;    /* the '}' or ']' */
  size_t last_end; /* end of the last member's value, or open + 1 when empty */
  bool empty;
  size_t first;     /* first member (its key) or element, when not empty */
  bool found;       /* the member or element asked for */
  size_t val_start; /* its value */
  size_t val_end;
} scan;

static bool
key_is (const og_reader *doc, size_t start, size_t end, const char *want)
{
  json_t *k = json_loadb ((const char *)doc->data + start, end - start, JSON_DECODE_ANY, NULL);
  bool same = og_str_eq (json_string_value (k), want);
  json_decref (k);
  return same;
}

/* The object at OPEN; look for member WANT (NULL: none).  */
static bool
scan_object (const og_reader *doc, size_t open, const char *want, scan *s)
{
  og_reader r = *doc;

  memset (s, 0, sizeof *s);
  s->open = open;
  s->empty = true;
  if (!og_reader_seek (&r, open + 1))
    return false;
  s->last_end = r.pos;
  for (;;)
    {
      size_t key_start, key_end;
      skip_ws (&r);
      if (peek (&r) == '}')
        {
          s->close = r.pos;
          return true;
        }
      if (peek (&r) == ',')
        {
          r.pos++;
          skip_ws (&r);
        }
      key_start = r.pos;
      if (!skip_string (&r))
        return false;
      key_end = r.pos;
      skip_ws (&r);
      if (peek (&r) != ':')
        return false;
      r.pos++;
      skip_ws (&r);
      if (s->empty)
        s->first = key_start;
      s->empty = false;
      if (want && !s->found && key_is (doc, key_start, key_end, want))
        {
          s->found = true;
          s->val_start = r.pos;
        }
      if (!skip_value (&r))
        return false;
      if (s->found && s->val_end == 0)
        s->val_end = r.pos;
      s->last_end = r.pos;
    }
}

/* The array at OPEN; look for element number WANT (SIZE_MAX: none).  */
static bool
scan_array (const og_reader *doc, size_t open, size_t want, scan *s)
{
  og_reader r = *doc;
  size_t i = 0;

  memset (s, 0, sizeof *s);
  s->open = open;
  s->empty = true;
  if (!og_reader_seek (&r, open + 1))
    return false;
  s->last_end = r.pos;
  for (;; i++)
    {
      skip_ws (&r);
      if (peek (&r) == ']')
        {
          s->close = r.pos;
          return true;
        }
      if (peek (&r) == ',')
        {
          r.pos++;
          skip_ws (&r);
        }
      if (s->empty)
        s->first = r.pos;
      s->empty = false;
      if (i == want)
        {
          s->found = true;
          s->val_start = r.pos;
        }
      if (!skip_value (&r))
        return false;
      if (i == want)
        s->val_end = r.pos;
      s->last_end = r.pos;
    }
}

/* The file's own indentation: the white space before the first top-level
   key when it starts a line; one line when it does not.  */
static layout
detect_layout (const og_reader *doc, const scan *top)
{
  layout l = { "\t", 1, true };
  size_t p;

  if (top->empty)
    return l;
  for (p = top->first; p > top->open; p--)
    {
      uint8_t c = doc->data[p - 1];
      if (c == '\n')
        break;
      if (c != ' ' && c != '\t')
        break;
    }
  if (p == top->open || doc->data[p - 1] != '\n')
    {
      l.pretty = false;
      return l;
    }
  l.unit = (const char *)doc->data + p;
  l.unit_len = top->first - p;
  return l;
}

/* Where the new text goes, and what it replaces.  */
typedef struct text_edit
{
  size_t at;
  size_t remove;
  og_buf text;
} text_edit;

/* Insert MEMBER-writer's text as a new last member of an object, or element
   of an array, described by S, at DEPTH.  */
static void
splice_append (text_edit *sp, const scan *s, const layout *l, int depth, bool is_member,
               const install_opts *o)
{
  sp->at = s->last_end;
  if (!s->empty)
    og_buf_putc (&sp->text, ',');
  put_nl (&sp->text, l, depth);
  if (is_member)
    put_stage_member (&sp->text, l, depth, o);
  else
    put_entry (&sp->text, l, depth, o);
  if (s->empty)
    put_nl (&sp->text, l, depth - 1);
}

static int
scan_fail (const char *path, og_error **err)
{
  return og_error_set (err, 0, "%s: cannot locate the hooks in the text (unexpected layout)", path);
}

typedef enum bundle_action
{
  ACTION_NONE,
  ACTION_ADDED,
  ACTION_REPLACED,
} bundle_action;

/* Which element of ARR is ocigate's; -1 when none, -2 when several.  */
static ssize_t
find_ocigate_entry (json_t *arr)
{
  ssize_t found = -1;
  size_t i;
  json_t *e;

  json_array_foreach (arr, i, e) if (is_ocigate_entry (e))
  {
    if (found >= 0)
      return -2;
    found = (ssize_t)i;
  }
  return found;
}

/* Decide what to change in the document (parsed as ROOT, text DOC) and where.  */
static int
plan_bundle (const char *path, const og_reader *doc, json_t *root, const install_opts *o,
             text_edit *sp, bundle_action *action, og_error **err)
{
  json_t *hooks = json_object_get (root, "hooks");
  json_t *arr = hooks ? json_object_get (hooks, o->stage) : NULL;
  scan top, hs, as;
  og_reader r = *doc;
  ssize_t idx;
  layout l;

  skip_ws (&r);
  if (!scan_object (doc, r.pos, "hooks", &top))
    return scan_fail (path, err);
  l = detect_layout (doc, &top);
  if (hooks == NULL)
    {
      sp->at = top.last_end;
      if (!top.empty)
        og_buf_putc (&sp->text, ',');
      put_nl (&sp->text, &l, 1);
      put_key (&sp->text, &l, "hooks");
      og_buf_putc (&sp->text, '{');
      put_nl (&sp->text, &l, 2);
      put_stage_member (&sp->text, &l, 2, o);
      put_nl (&sp->text, &l, 1);
      og_buf_putc (&sp->text, '}');
      if (top.empty)
        put_nl (&sp->text, &l, 0);
      *action = ACTION_ADDED;
      return 0;
    }
  if (!json_is_object (hooks))
    return og_error_set (err, 0, "%s: \"hooks\" is not an object", path);
  if (!scan_object (doc, top.val_start, o->stage, &hs))
    return scan_fail (path, err);
  if (arr == NULL)
    {
      splice_append (sp, &hs, &l, 2, true, o);
      *action = ACTION_ADDED;
      return 0;
    }
  if (!json_is_array (arr))
    return og_error_set (err, 0, "%s: \"hooks.%s\" is not an array", path, o->stage);
  idx = find_ocigate_entry (arr);
  if (idx == -2)
    return og_error_set (err, 0,
                         "%s: hooks.%s holds more than one ocigate entry; "
                         "keep one by hand, then run this again",
                         path, o->stage);
  if (idx < 0)
    {
      if (!scan_array (doc, hs.val_start, SIZE_MAX, &as))
        return scan_fail (path, err);
      splice_append (sp, &as, &l, 3, false, o);
      *action = ACTION_ADDED;
      return 0;
    }
  {
    json_t *mine = hook_entry (o);
    bool same = json_equal (mine, json_array_get (arr, (size_t)idx));
    json_decref (mine);
    if (same)
      {
        *action = ACTION_NONE;
        return 0;
      }
  }
  if (!o->force)
    {
      const char *p
          = json_string_value (json_object_get (json_array_get (arr, (size_t)idx), "path"));
      return og_error_set (err, 0,
                           "%s: hooks.%s[%zd] is a different ocigate entry (path %s); "
                           "run with --force to replace it",
                           path, o->stage, idx, p ? p : "(none)");
    }
  if (!scan_array (doc, hs.val_start, (size_t)idx, &as) || !as.found)
    return scan_fail (path, err);
  sp->at = as.val_start;
  sp->remove = as.val_end - as.val_start;
  put_entry (&sp->text, &l, 3, o);
  *action = ACTION_REPLACED;
  return 0;
}

/* Mention ocigate entries of other stages: the hook would then run twice.  */
static void
note_other_stages (const char *path, json_t *root, const char *stage)
{
  json_t *hooks = json_object_get (root, "hooks");
  const char *key;
  json_t *arr;

  json_object_foreach (hooks, key, arr) if (strcmp (key, stage) != 0 && json_is_array (arr)
                                            && find_ocigate_entry (arr) != -1)
      fprintf (stderr, "ocigate install: note: %s also runs ocigate in hooks.%s\n", path, key);
}

static int
install_bundle (const char *bundle, const install_opts *o)
{
  cleanup_free char *path = og_xasprintf ("%s/config.json", bundle);
  cleanup_free char *real = NULL;
  cleanup_free char *data = NULL;
  og_error *err = NULL;
  text_edit sp = { 0 };
  bundle_action action = ACTION_NONE;
  struct stat st;
  og_reader doc;
  json_t *root;
  og_buf out = { 0 };
  size_t len;
  int ret;

  real = realpath (path, NULL);
  if (real == NULL)
    {
      og_error_set (&err, errno, "%s", path);
      return og_cli_fail (OG_EXIT_USAGE, err);
    }
  if (read_small_file (real, &data, &len, &st, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  root = load_json (path, data, len, &err);
  if (root == NULL)
    return og_cli_fail (OG_EXIT_USAGE, err);
  if (!json_is_object (root))
    {
      json_decref (root);
      og_error_set (&err, 0, "%s: the top level is not an object", path);
      return og_cli_fail (OG_EXIT_USAGE, err);
    }
  og_reader_init (&doc, data, len);
  ret = plan_bundle (path, &doc, root, o, &sp, &action, &err);
  if (ret == 0)
    note_other_stages (path, root, o->stage);
  json_decref (root);
  if (ret < 0)
    {
      og_buf_free (&sp.text);
      return og_cli_fail (OG_EXIT_USAGE, err);
    }
  if (action == ACTION_NONE)
    {
      printf ("already installed: %s runs %s at %s\n", path, o->hook, o->stage);
      return OG_EXIT_OK;
    }
  og_buf_append (&out, data, sp.at);
  og_buf_append (&out, sp.text.data, sp.text.len);
  og_buf_append (&out, data + sp.at + sp.remove, len - sp.at - sp.remove);
  og_buf_free (&sp.text);
  ret = write_atomic (real, out.data, out.len, st.st_mode & 07777, &st, &err);
  og_buf_free (&out);
  if (ret < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  printf ("%s the ocigate entry in hooks.%s of %s: %s --stage %s\n",
          action == ACTION_ADDED ? "added" : "replaced", o->stage, path, o->hook, o->stage);
  return OG_EXIT_OK;
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

static int
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
  if (read_small_file (path, &data, &len, &st, &err) == 0)
    {
      json_t *want = json_loads (text, 0, NULL);
      json_t *have = json_loadb (data, len, JSON_REJECT_DUPLICATES, NULL);
      bool same = want && have && json_equal (want, have);
      const char *old
          = json_string_value (json_object_get (json_object_get (have, "hook"), "path"));
      cleanup_free char *what = og_xstrdup (old ? old : "something else");

      json_decref (want);
      json_decref (have);
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
  if (write_atomic (path, text, strlen (text), exists ? st.st_mode & 07777 : 0644,
                    exists ? &st : NULL, &err)
      < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  printf ("%s %s: podman and CRI-O run %s at %s for every container\n",
          exists ? "replaced" : "wrote", path, o->hook, o->stage);
  return OG_EXIT_OK;
}

int
og_cmd_install (int argc, char **argv)
{
  static const struct option opts[] = {
    { "hook", required_argument, NULL, 'k' },
    { "stage", required_argument, NULL, 's' },
    { "force", no_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  install_opts o = { OG_HOOK_PATH, "prestart", false };
  const char *what;
  int c;

  optind = 1;
  while ((c = getopt_long (argc, argv, "h", opts, NULL)) != -1)
    switch (c)
      {
      case 'k':
        o.hook = optarg;
        break;
      case 's':
        o.stage = optarg;
        break;
      case 'f':
        o.force = true;
        break;
      case 'h':
        usage (stdout);
        return OG_EXIT_OK;
      default:
        return og_cli_usage_error ("install", "unknown option");
      }
  if (strcmp (o.stage, "prestart") != 0 && strcmp (o.stage, "createRuntime") != 0)
    return og_cli_usage_error ("install", "--stage must be prestart or createRuntime, not '%s'",
                               o.stage);
  if (o.hook[0] != '/')
    return og_cli_usage_error (
        "install", "--hook takes an absolute path (runtimes require one), not '%s'", o.hook);
  {
    json_t *j = json_string (o.hook);
    json_decref (j);
    if (j == NULL)
      return og_cli_usage_error ("install", "--hook must be valid UTF-8");
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
