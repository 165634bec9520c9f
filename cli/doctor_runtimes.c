/* ocigate doctor: the hooks.d files that run the hook, and whether podman,
   CRI-O and containerd are configured to run it.

   Sources: oci-hooks(5) of containers/common (pkg/hooks/docs/oci-hooks.5.md,
   version 1.0.0: "version", "hook" {path, args, env, timeout}, "when",
   "stages"); containers.conf(5) ([engine] hooks_dir, default
   /usr/share/containers/oci/hooks.d and /etc/containers/oci/hooks.d; an
   array ending in {append=true} adds to the value before it) with
   containers-config(5) (the order of the files: each containers.conf, then
   the *.conf files of its containers.conf.d in lexical order, a later
   file's field winning); crio.conf(5) ([crio.runtime] hooks_dir, default
   /usr/share/containers/oci/hooks.d) and crio.conf.d(5) (crio.conf, then
   the *.conf files of /etc/crio/crio.conf.d in lexical order, later
   winning); containerd's CRI plugin config
   (base_runtime_spec of a runtime) and its NRI plugin, whose
   hook-injector reads hooks.d.  The TOML files are the host's own, written by
   its administrator: read here with a small line scanner that finds one key
   of one table (a string array, as these keys are), not a TOML parser.  */
#include <dirent.h>
#include <jansson.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/fileio.h"
#include "doctor_runtimes.h"
#include "install_common.h"
#include "json/doc.h"

#define DOCTOR_MAX_CONF (1u << 20)

static const char *const inspect_stages[] = { "prestart", "createRuntime", "createContainer" };
static const char *const podman_default_dirs[]
    = { "/usr/share/containers/oci/hooks.d", "/etc/containers/oci/hooks.d" };
static const char *const crio_default_dirs[] = { "/usr/share/containers/oci/hooks.d" };

static bool
is_inspect_stage (const char *s)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (inspect_stages); i++)
    if (og_str_eq (s, inspect_stages[i]))
      return true;
  return false;
}

/* The value of "--stage" in the hook's args, or NULL (the hook's default,
   prestart).  */
static const char *
args_stage (json_t *args)
{
  size_t n = json_array_size (args);
  for (size_t i = 1; i + 1 < n; i++)
    if (og_str_eq (json_string_value (json_array_get (args, i)), "--stage"))
      return json_string_value (json_array_get (args, i + 1));
  return NULL;
}

/* What is wrong with the stages of a hooks.d file whose hook runs with
   --stage want, or NULL.  */
static char *
stages_problem (json_t *stages, const char *want)
{
  size_t i;
  json_t *s;
  bool has_want = false;

  if (!json_is_array (stages) || json_array_size (stages) == 0)
    return og_xstrdup ("has no \"stages\"; add \"stages\": [\"prestart\"]");
  json_array_foreach (stages, i, s)
  {
    if (!json_is_string (s))
      return og_xstrdup ("\"stages\" holds a value that is not a string");
    if (!is_inspect_stage (json_string_value (s)))
      return og_xasprintf ("stage \"%s\" runs when the root filesystem can no longer be "
                           "inspected before the container starts; use \"prestart\"",
                           json_string_value (s));
    has_want |= og_str_eq (json_string_value (s), want);
  }
  if (json_array_size (stages) > 1)
    return og_xstrdup ("lists more than one stage, so the hook would run (and record) twice; "
                       "keep one");
  if (!has_want)
    return og_xasprintf ("runs the hook at \"%s\" but its args say --stage %s; make them agree",
                         json_string_value (json_array_get (stages, 0)), want);
  return NULL;
}

/* What is wrong with a hooks.d document that names the hook, or NULL.  */
static char *
hooks_file_problem (const doctor *d, json_t *root, const char **stage)
{
  json_t *hook = json_object_get (root, "hook");
  const char *path = json_string_value (json_object_get (hook, "path"));
  json_t *when = json_object_get (root, "when");
  struct stat st;

  *stage = args_stage (json_object_get (hook, "args"));
  if (*stage == NULL)
    *stage = "prestart";
  if (!og_str_eq (json_string_value (json_object_get (root, "version")), "1.0.0"))
    return og_xstrdup ("\"version\" is not \"1.0.0\" (the only oci-hooks version podman and "
                       "CRI-O read)");
  if (!og_str_eq (path, d->hook))
    return og_xasprintf ("points at %s, not at the hook %s; run `ocigate install hooks-dir "
                         "--force --hook %s DIR`",
                         path ? path : "nothing", d->hook, d->hook);
  if (stat (path, &st) < 0 || !S_ISREG (st.st_mode) || access (path, X_OK) < 0)
    return og_xasprintf ("points at %s, which is not an executable file", path);
  if (!json_is_object (when) || json_object_size (when) == 0)
    return og_xstrdup ("has no \"when\", so it never runs; add \"when\": {\"always\": true}");
  return stages_problem (json_object_get (root, "stages"), *stage);
}

/* Check one *.json file of a hooks.d directory.  Returns true when it runs
   the hook validly; *named says whether it names the hook at all.  say:
   print the line.  */
static bool
check_hooks_file (doctor *d, const char *path, bool say, bool *named)
{
  cleanup_free char *data = NULL;
  cleanup_free char *problem = NULL;
  cleanup_error og_error *err = NULL;
  cleanup_json json_t *root = NULL;
  json_error_t jerr;
  const char *stage = NULL;
  size_t len = 0;

  *named = false;
  if (og_read_file (path, DOCTOR_MAX_CONF, &data, &len, &err) < 0)
    {
      *named = true;
      if (say)
        doctor_say (d, DOCTOR_FAIL, "hooks.d %s cannot be read: %s", path, err->msg);
      return false;
    }
  root = json_loadb (data, len, JSON_REJECT_DUPLICATES, &jerr);
  if (root == NULL)
    {
      /* Not JSON: whether it was meant for the hook is only in its bytes.  */
      *named = memmem (data, len, OG_HOOK_NAME, strlen (OG_HOOK_NAME)) != NULL;
      if (say && *named)
        doctor_say (d, DOCTOR_FAIL,
                    "hooks.d %s:%d:%d: not valid JSON (%s); podman and CRI-O "
                    "skip it: fix it or run `ocigate install hooks-dir --force`",
                    path, jerr.line, jerr.column, jerr.text);
      return false;
    }
  if (!install_is_ocigate_entry (json_object_get (root, "hook")))
    return false;
  *named = true;
  problem = hooks_file_problem (d, root, &stage);
  if (say)
    {
      if (problem)
        doctor_say (d, DOCTOR_FAIL, "hooks.d %s %s", path, problem);
      else
        doctor_say (d, DOCTOR_OK, "hooks.d %s runs %s at %s", path, d->hook, stage);
    }
  return problem == NULL;
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* The files of dir whose names end in suffix (and have more before it),
   sorted by name (bytes), appended to out: podman reads hooks.d and both
   runtimes their drop-in directories in that order.  regular: only regular
   files (symbolic links followed), as the runtimes skip sub-directories of a
   drop-in directory.  -1 with errno when dir cannot be opened.  */
static int
files_with_suffix (const char *dir, const char *suffix, bool regular, og_strv *out)
{
  DIR *dh = opendir (dir);
  size_t first = out->n, sl = strlen (suffix);
  struct dirent *e;

  if (dh == NULL)
    return -1;
  while ((e = readdir (dh)) != NULL)
    {
      size_t n = strlen (e->d_name);
      if (n > sl && strcmp (e->d_name + n - sl, suffix) == 0)
        {
          cleanup_free char *p = og_xasprintf ("%s/%s", dir, e->d_name);
          struct stat st;
          if (!regular || (stat (p, &st) == 0 && S_ISREG (st.st_mode)))
            og_strv_push (out, p);
        }
    }
  closedir (dh);
  if (out->n > first) /* out->v is NULL while nothing was added */
    qsort (out->v + first, out->n - first, sizeof *out->v, cmp_names);
  return 0;
}

/* The *.json files of dir, sorted (podman reads them in that order).  */
static void
json_files (const char *dir, og_strv *out)
{
  (void)files_with_suffix (dir, ".json", false, out);
}

/* Check the files of dir that name the hook; returns how many run it
   validly.  *named counts those that name it.  */
static size_t
scan_dir (doctor *d, const char *dir, bool say, size_t *named)
{
  cleanup_strv og_strv files = { 0 };
  size_t good = 0;

  json_files (dir, &files);
  for (size_t i = 0; i < files.n; i++)
    {
      bool n;
      good += check_hooks_file (d, files.v[i], say, &n);
      *named += n;
    }
  return good;
}

void
doctor_hooks_dirs (doctor *d)
{
  size_t named = 0;
  cleanup_buf og_buf dirs = { 0 };

  for (size_t i = 0; i < d->n_hooks_dirs; i++)
    {
      og_buf_printf (&dirs, "%s%s", i ? ", " : "", d->hooks_dirs[i]);
      scan_dir (d, d->hooks_dirs[i], true, &named);
    }
  if (named == 0)
    doctor_say (d, DOCTOR_FAIL,
                "hooks.d: no file in %s runs %s, so podman and CRI-O will not run it; run "
                "`ocigate install hooks-dir`",
                dirs.data ? dirs.data : "(none)", d->hook);
}

/* ---- the runtimes' TOML files ------------------------------------------- */

static const char *
skip_blank (const char *s)
{
  while (*s == ' ' || *s == '\t')
    s++;
  return s;
}

/* Is p (at a '{') the inline table {append=true} that containers.conf(5)
   lets an array end with?  */
static bool
is_append (const char *p)
{
  p = skip_blank (p + 1);
  if (strncmp (p, "append", 6) != 0)
    return false;
  p = skip_blank (p + 6);
  if (*p != '=')
    return false;
  p = skip_blank (p + 1);
  if (strncmp (p, "true", 4) != 0)
    return false;
  return *skip_blank (p + 4) == '}';
}

/* The strings of an array value from v (after its '[') up to its closing
   ']', possibly over several lines; comments skipped.  *append: it holds
   {append=true}.  */
static void
string_array (const char *v, og_strv *out, bool *append)
{
  *append = false;
  for (const char *p = v; *p && *p != ']'; p++)
    {
      if (*p == '{')
        {
          *append |= is_append (p);
          p = strchr (p, '}');
          if (p == NULL)
            return;
          continue;
        }
      if (*p == '#')
        {
          p = strchr (p, '\n');
          if (p == NULL)
            return;
          continue;
        }
      if (*p == '"' || *p == '\'')
        {
          const char *end = strchr (p + 1, *p);
          cleanup_free char *str = NULL;
          if (end == NULL)
            return;
          str = og_xstrndup (p + 1, (size_t)(end - p - 1));
          og_strv_push (out, str);
          p = end;
        }
    }
}

/* Is the line at l (up to its end) the header [table]?  */
static bool
is_table_header (const char *l, const char *table)
{
  size_t n = strlen (table);
  l = skip_blank (l + 1);
  if (strncmp (l, table, n) != 0)
    return false;
  return *skip_blank (l + n) == ']';
}

/* Find `key = [...]` in [table] of a TOML file's text; true when found
   (out then holds its strings: a later file's value replaces an earlier
   one's, as the runtimes merge them, or, with {append=true} where
   can_append, is added to it).  The value may span lines: it ends at its
   ']'.  */
static bool
toml_find_array (const char *text, const char *table, const char *key, bool can_append,
                 og_strv *out)
{
  bool in_table = false, found = false;
  size_t klen = strlen (key);

  for (const char *line = text; line && *line;
       line = strchr (line, '\n'), line = line ? line + 1 : NULL)
    {
      const char *l = skip_blank (line);
      if (l[0] == '[')
        {
          in_table = l[1] != '[' && is_table_header (l, table);
          continue;
        }
      if (!in_table || strncmp (l, key, klen) != 0)
        continue;
      l = skip_blank (l + klen);
      if (l[0] != '=')
        continue;
      l = skip_blank (l + 1);
      if (l[0] != '[')
        continue;
      {
        cleanup_strv og_strv v = { 0 };
        bool append;
        string_array (l + 1, &v, &append);
        if (!(append && can_append))
          og_strv_clear (out);
        for (size_t i = 0; i < v.n; i++)
          og_strv_push (out, v.v[i]);
      }
      found = true;
    }
  return found;
}

/* The string of `key = "..."` anywhere in text (any table), or NULL.  */
static char *
toml_find_string (const char *text, const char *key)
{
  for (const char *p = strstr (text, key); p; p = strstr (p + 1, key))
    {
      const char *q = p + strlen (key), *end;
      if (p > text && p[-1] != ' ' && p[-1] != '\t' && p[-1] != '\n')
        continue;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '=')
        continue;
      q++;
      while (*q == ' ' || *q == '\t')
        q++;
      if (*q != '"' || (end = strchr (q + 1, '"')) == NULL)
        continue;
      return og_xstrndup (q + 1, (size_t)(end - q - 1));
    }
  return NULL;
}

/* Read a runtime's configuration file; NULL when it does not exist (a
   FAIL line when it exists and cannot be read).  */
static char *
read_conf (doctor *d, const char *path, bool must_exist)
{
  cleanup_error og_error *err = NULL;
  char *data = NULL;
  size_t len;

  if (og_read_file (path, DOCTOR_MAX_CONF, &data, &len, &err) == 0)
    return data;
  if (err->status != ENOENT || must_exist)
    doctor_say (d, DOCTOR_FAIL, "%s cannot be read: %s", path, err->msg);
  return NULL;
}

/* Say whether a runtime that reads hooks from dirs will run the hook.  */
static void
say_dirs (doctor *d, const char *runtime, const char *conf, char *const *dirs, size_t n)
{
  cleanup_buf og_buf list = { 0 };
  for (size_t i = 0; i < n; i++)
    {
      size_t named = 0;
      if (scan_dir (d, dirs[i], false, &named) > 0)
        {
          doctor_say (d, DOCTOR_OK, "%s (%s) reads hooks from %s, which runs the hook", runtime,
                      conf, dirs[i]);
          return;
        }
      og_buf_printf (&list, "%s%s", i ? ", " : "", dirs[i]);
    }
  doctor_say (d, DOCTOR_FAIL,
              "%s (%s) reads hooks from %s, and none of them has a valid file that runs %s; run "
              "`ocigate install hooks-dir --hook %s DIR` with one of them",
              runtime, conf, n ? list.data : "no directory", d->hook, d->hook);
}

/* A main configuration file and its drop-in directory (either may be
   NULL).  */
typedef struct conf_place
{
  const char *file;
  const char *dir;
} conf_place;

/* The files of places in the order the runtime reads them: each file, then
   its directory's *.conf.  A directory that cannot be read is a FAIL line
   when given (must_exist) or there.  */
static void
conf_files (doctor *d, const conf_place *places, size_t n, bool must_exist, og_strv *out)
{
  for (size_t i = 0; i < n; i++)
    {
      if (places[i].file)
        og_strv_push (out, places[i].file);
      if (places[i].dir && files_with_suffix (places[i].dir, ".conf", true, out) < 0
          && (errno != ENOENT || must_exist))
        doctor_say (d, DOCTOR_FAIL, "%s cannot be read: %s", places[i].dir, strerror (errno));
    }
}

/* A runtime configured by TOML files whose [table] key lists hooks dirs,
   read in order, a later file's value winning.  The line names the file
   whose value won (a drop-in, often), else the last one read.  Returns
   whether any of its files was found.  */
static bool
toml_runtime (doctor *d, const char *runtime, const conf_place *places, size_t n_places,
              bool must_exist, const char *table, bool can_append, const char *const *defaults,
              size_t n_defaults)
{
  cleanup_strv og_strv files = { 0 };
  cleanup_strv og_strv dirs = { 0 };
  const char *which = NULL, *set_by = NULL;

  conf_files (d, places, n_places, must_exist, &files);
  for (size_t i = 0; i < n_defaults; i++)
    og_strv_push (&dirs, defaults[i]);
  for (size_t i = 0; i < files.n; i++)
    {
      cleanup_free char *text = read_conf (d, files.v[i], must_exist);
      if (text == NULL)
        continue;
      which = files.v[i];
      if (toml_find_array (text, table, "hooks_dir", can_append, &dirs))
        set_by = files.v[i];
    }
  if (which == NULL)
    return false;
  say_dirs (d, runtime, set_by ? set_by : which, dirs.v, dirs.n);
  return true;
}

/* The places given as options into out; how many (0: none was given, so
   the runtime's own places are read).  */
static size_t
given_places (const char *file, const char *const *dirs, size_t n_dirs, conf_place *out)
{
  size_t n = 0;
  if (file)
    out[n++] = (conf_place){ file, NULL };
  for (size_t i = 0; i < n_dirs; i++)
    out[n++] = (conf_place){ NULL, dirs[i] };
  return n;
}

static bool
podman (doctor *d)
{
  static const conf_place own[] = {
    { "/usr/share/containers/containers.conf", "/usr/share/containers/containers.conf.d" },
    { "/etc/containers/containers.conf", "/etc/containers/containers.conf.d" },
  };
  conf_place given[DOCTOR_MAX_DIRS + 1];
  size_t n = given_places (d->containers_conf, d->containers_conf_dirs, d->n_containers_conf_dirs,
                           given);

  if (n)
    return toml_runtime (d, "podman", given, n, true, "engine", true, podman_default_dirs,
                         OG_ARRAY_SIZE (podman_default_dirs));
  return toml_runtime (d, "podman", own, OG_ARRAY_SIZE (own), false, "engine", true,
                       podman_default_dirs, OG_ARRAY_SIZE (podman_default_dirs));
}

static bool
crio (doctor *d)
{
  static const conf_place own[] = { { "/etc/crio/crio.conf", "/etc/crio/crio.conf.d" } };
  conf_place given[DOCTOR_MAX_DIRS + 1];
  size_t n = given_places (d->crio_conf, d->crio_conf_dirs, d->n_crio_conf_dirs, given);

  if (n)
    return toml_runtime (d, "CRI-O", given, n, true, "crio.runtime", false, crio_default_dirs,
                         OG_ARRAY_SIZE (crio_default_dirs));
  return toml_runtime (d, "CRI-O", own, OG_ARRAY_SIZE (own), false, "crio.runtime", false,
                       crio_default_dirs, OG_ARRAY_SIZE (crio_default_dirs));
}

/* Does the OCI spec at path have an entry in a hook stage that runs the
   hook?  */
static bool
spec_runs_hook (const doctor *d, const char *path)
{
  cleanup_free char *data = NULL;
  cleanup_error og_error *err = NULL;
  cleanup_json json_t *root = NULL;
  size_t len;

  if (og_read_file (path, DOCTOR_MAX_CONF, &data, &len, &err) < 0)
    return false;
  root = json_loadb (data, len, 0, NULL);
  for (size_t i = 0; root && i < OG_ARRAY_SIZE (inspect_stages); i++)
    {
      json_t *list = json_object_get (json_object_get (root, "hooks"), inspect_stages[i]);
      size_t j;
      json_t *e;
      json_array_foreach (list, j,
                          e) if (install_is_ocigate_entry (e)
                                 && og_str_eq (json_string_value (json_object_get (e, "path")),
                                               d->hook)) return true;
    }
  return false;
}

static bool
containerd (doctor *d)
{
  const char *conf = d->containerd_conf ? d->containerd_conf : "/etc/containerd/config.toml";
  const char *sock
      = d->containerd_socket ? d->containerd_socket : "/run/containerd/containerd.sock";
  cleanup_free char *text = read_conf (d, conf, d->containerd_conf != NULL);
  struct stat st;
  cleanup_free char *spec = NULL;

  if (text == NULL)
    return false;
  spec = toml_find_string (text, "base_runtime_spec");
  if (spec && spec_runs_hook (d, spec))
    doctor_say (d, DOCTOR_OK, "containerd (%s): its base_runtime_spec %s runs the hook", conf,
                spec);
  else if (strstr (text, "io.containerd.nri.v1.nri"))
    doctor_say (d, DOCTOR_WARN,
                "containerd (%s) reads no hooks.d itself; NRI is configured, so the hook runs "
                "only if the hook-injector plugin runs (packaging/RUNTIMES.md)",
                conf);
  else if (stat (sock, &st) == 0 && S_ISSOCK (st.st_mode))
    doctor_say (d, DOCTOR_FAIL,
                "containerd (%s) runs (%s) and will not run the hook: it reads no hooks.d; give "
                "its runtime a base_runtime_spec made with `ocigate install bundle` "
                "(packaging/RUNTIMES.md)",
                conf, sock);
  else
    /* Installed, not running (a package's dependency, a node that uses
       another runtime): nothing it would start is there to inspect yet.  */
    doctor_say (d, DOCTOR_WARN,
                "containerd (%s) is configured but not running (no %s); if it is started, its "
                "containers run without the hook: give its runtime a base_runtime_spec made "
                "with `ocigate install bundle` (packaging/RUNTIMES.md)",
                conf, sock);
  return true;
}

void
doctor_runtimes (doctor *d)
{
  bool any = podman (d);
  any |= crio (d);
  any |= containerd (d);
  if (!any)
    doctor_say (d, DOCTOR_WARN,
                "no podman, CRI-O or containerd configuration found (containers.conf, "
                "crio.conf, containerd's config.toml); podman without one reads %s and %s",
                podman_default_dirs[0], podman_default_dirs[1]);
}
