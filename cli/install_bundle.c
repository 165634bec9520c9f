/* ocigate install bundle: add the hook to hooks.STAGE of a bundle's
   config.json (OCI runtime spec, config.md "POSIX-platform Hooks").
   config.json is edited as text: jansson parses it to learn what is there,
   the scanner of jsonedit.c finds the byte offsets, and the new entry is
   spliced in, so every other byte of the file stays as it was.  */
#include <stdlib.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "common.h"
#include "install_common.h"
#include "json/doc.h"

static json_t *
load_json (const char *path, const char *data, size_t len, og_error **err)
{
  json_error_t jerr;
  json_t *j = json_loadb (data, len, JSON_REJECT_DUPLICATES, &jerr);
  if (j == NULL)
    og_error_set (err, 0, "%s:%d:%d: %s", path, jerr.line, jerr.column, jerr.text);
  return j;
}

/* Insert MEMBER-writer's text as a new last member of an object, or element
   of an array, described by S, at DEPTH.  */
static void
splice_append (jedit_edit *sp, const jedit_scan *s, const jedit_layout *l, int depth,
               bool is_member, const install_opts *o)
{
  sp->at = s->last_end;
  if (!s->empty)
    og_buf_putc (&sp->text, ',');
  jedit_nl (&sp->text, l, depth);
  if (is_member)
    install_put_stage_member (&sp->text, l, depth, o);
  else
    install_put_entry (&sp->text, l, depth, o);
  if (s->empty)
    jedit_nl (&sp->text, l, depth - 1);
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

  json_array_foreach (arr, i, e) if (install_is_ocigate_entry (e))
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
             jedit_edit *sp, bundle_action *action, og_error **err)
{
  json_t *hooks = json_object_get (root, "hooks");
  json_t *arr = hooks ? json_object_get (hooks, o->stage) : NULL;
  jedit_scan top, hs, as;
  ssize_t idx;
  jedit_layout l;

  if (!jedit_scan_object (doc, jedit_top (doc), "hooks", &top))
    return scan_fail (path, err);
  l = jedit_detect_layout (doc, &top);
  if (hooks == NULL)
    {
      sp->at = top.last_end;
      if (!top.empty)
        og_buf_putc (&sp->text, ',');
      jedit_nl (&sp->text, &l, 1);
      jedit_key (&sp->text, &l, "hooks");
      og_buf_putc (&sp->text, '{');
      jedit_nl (&sp->text, &l, 2);
      install_put_stage_member (&sp->text, &l, 2, o);
      jedit_nl (&sp->text, &l, 1);
      og_buf_putc (&sp->text, '}');
      if (top.empty)
        jedit_nl (&sp->text, &l, 0);
      *action = ACTION_ADDED;
      return 0;
    }
  if (!json_is_object (hooks))
    return og_error_set (err, 0, "%s: \"hooks\" is not an object", path);
  if (!jedit_scan_object (doc, top.val_start, o->stage, &hs))
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
      if (!jedit_scan_array (doc, hs.val_start, SIZE_MAX, &as))
        return scan_fail (path, err);
      splice_append (sp, &as, &l, 3, false, o);
      *action = ACTION_ADDED;
      return 0;
    }
  {
    cleanup_json json_t *mine = install_hook_entry (o);
    if (json_equal (mine, json_array_get (arr, (size_t)idx)))
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
  if (!jedit_scan_array (doc, hs.val_start, (size_t)idx, &as) || !as.found)
    return scan_fail (path, err);
  sp->at = as.val_start;
  sp->remove = as.val_end - as.val_start;
  install_put_entry (&sp->text, &l, 3, o);
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

int
install_bundle (const char *bundle, const install_opts *o)
{
  cleanup_free char *path = og_xasprintf ("%s/config.json", bundle);
  cleanup_free char *real = NULL;
  cleanup_free char *data = NULL;
  og_error *err = NULL;
  cleanup_edit jedit_edit sp = { 0 };
  cleanup_buf og_buf out = { 0 };
  cleanup_json json_t *root = NULL;
  bundle_action action = ACTION_NONE;
  struct stat st;
  og_reader doc;
  size_t len;

  real = realpath (path, NULL);
  if (real == NULL)
    {
      og_error_set (&err, errno, "%s", path);
      return og_cli_fail (OG_EXIT_USAGE, err);
    }
  if (install_read_file (real, &data, &len, &st, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  root = load_json (path, data, len, &err);
  if (root == NULL)
    return og_cli_fail (OG_EXIT_USAGE, err);
  if (!json_is_object (root))
    {
      og_error_set (&err, 0, "%s: the top level is not an object", path);
      return og_cli_fail (OG_EXIT_USAGE, err);
    }
  og_reader_init (&doc, data, len);
  if (plan_bundle (path, &doc, root, o, &sp, &action, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  note_other_stages (path, root, o->stage);
  if (action == ACTION_NONE)
    {
      printf ("already installed: %s runs %s at %s\n", path, o->hook, o->stage);
      return OG_EXIT_OK;
    }
  jedit_apply (&doc, &sp, &out);
  if (og_write_atomic (real, out.data, out.len, st.st_mode & 07777, &st, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  printf ("%s the ocigate entry in hooks.%s of %s: %s --stage %s\n",
          action == ACTION_ADDED ? "added" : "replaced", o->stage, path, o->hook, o->stage);
  return OG_EXIT_OK;
}
