/* Host configuration, ocigate.config/v1 (this project's own format; schema
   in policy/ocigate.config.schema.json).  Annotation conditions are POSIX
   extended regular expressions (regcomp(3), REG_EXTENDED | REG_NOSUB),
   unanchored unless they anchor themselves.  */
#include "base/digest.h"
#include "base/text.h"
#include "json/load.h"
#include "og-config.h"
#include "policy/glob.h"
#include "policy/hostconfig.h"

/* Where manifests live unless the config says: under the build's sysconfdir
   (meson: prefix /usr gives /etc, the packaged build).  */
#define OG_DEFAULT_MANIFESTS_DIR OG_SYSCONFDIR "/ocigate/manifests"

const char *
og_mode_name (og_mode m)
{
  return m == OG_MODE_ENFORCE ? "enforce" : "audit";
}

typedef struct ctx
{
  og_jload *j;
  og_hostconfig *cfg;
} ctx;

#define DIAG(c, key, ...)                 og_jload_diag ((c)->j, (key), __VA_ARGS__)
#define DIAG_AT(c, name, ...)             og_jload_diag_at ((c)->j, (name), __VA_ARGS__)
#define push(c, name)                     og_jload_push ((c)->j, (name))
#define pop(c, save)                      og_jload_pop ((c)->j, (save))
#define check_keys(c, obj, allowed, what) og_jload_check_keys ((c)->j, (obj), (allowed), (what))
#define get_object(c, obj, key, allowed, shape, save)                                              \
  og_jload_object ((c)->j, (obj), (key), (allowed), (shape), (save))
#define get_string(c, obj, key, nullable, present)                                                 \
  og_jload_string ((c)->j, (obj), (key), (nullable), (present))

static og_mode
get_mode (ctx *c, json_t *obj, const char *key)
{
  const char *s = get_string (c, obj, key, false, NULL);
  if (s == NULL)
    return 0;
  for (og_mode m = OG_MODE_ENFORCE; m <= OG_MODE_AUDIT; m++)
    if (strcmp (s, og_mode_name (m)) == 0)
      return m;
  DIAG_AT (c, key, "\"%s\" must be \"enforce\" or \"audit\"", key);
  return 0;
}

/* ---- bounded regular expressions ---------------------------------------

   glibc's regcomp builds an automaton whose size grows with the repetitions
   of repetitions in the pattern: "a" followed by 25 "+" took 4.8 GB before
   anything was matched.  So before regcomp, a pattern must be small and
   flat: at most OG_HC_REGEX_MAX bytes and OG_HC_REGEX_MAX_QUANT quantifiers,
   no quantifier on what is already quantified ("a++", "a*{2}"), none on a
   group that holds one ("(a+)+", "(a*)*", "((a|b+))*"), bounds {m,n} of at
   most OG_HC_REGEX_MAX_BOUND, and no back-references (the one ERE feature
   whose matching is exponential).  Within those, compiling and matching
   stay linear in the pattern times the annotation.  The syntax walked is
   POSIX.1-2017 XBD 9.4 (EREs) with glibc's bracket expressions.  */

enum
{
  OG_HC_REGEX_MAX = 256,
  OG_HC_REGEX_MAX_QUANT = 32,
  OG_HC_REGEX_MAX_BOUND = 16,
  OG_HC_REGEX_MAX_DEPTH = 8,
};

/* What precedes the character at hand, for the quantifier rules.  */
enum
{
  RX_NOTHING, /* the start, '(', '|', an anchor: a quantifier there is regcomp's to judge */
  RX_ATOM,
  RX_GROUP,       /* a group without a quantifier inside */
  RX_GROUP_QUANT, /* a group with a quantifier inside */
  RX_QUANTIFIED,
};

/* The end of the bracket expression at src[i] == '[' (just past its ']'),
   or 0 when it is not closed.  A ']' first (after an optional '^') is a
   member; "[:", "[." and "[=" open classes, collating symbols and
   equivalence classes that end with ":]", ".]" and "=]".  */
static size_t
rx_bracket_end (const char *src, size_t i)
{
  size_t j = i + 1;
  if (src[j] == '^')
    j++;
  if (src[j] == ']')
    j++;
  while (src[j] && src[j] != ']')
    {
      if (src[j] == '[' && (src[j + 1] == ':' || src[j + 1] == '.' || src[j + 1] == '='))
        {
          char d = src[j + 1];
          j += 2;
          while (src[j] && !(src[j] == d && src[j + 1] == ']'))
            j++;
          if (!src[j])
            return 0;
          j += 2;
        }
      else
        j++;
    }
  return src[j] == ']' ? j + 1 : 0;
}

/* A bound "{m}", "{m,}", "{m,n}" or glibc's "{,n}" at src[i] == '{': its
   length, with *hi the largest count it names (saturated); 0 when it is not
   one (regcomp judges).  */
static size_t
rx_bound (const char *src, size_t i, unsigned long *hi)
{
  size_t j = i + 1;
  unsigned long m = 0, n = 0;
  bool comma = false, digits = false;
  for (; src[j] >= '0' && src[j] <= '9'; j++, digits = true)
    m = m > 100000 ? m : m * 10 + (unsigned long)(src[j] - '0');
  if (src[j] == ',')
    {
      comma = true;
      for (j++; src[j] >= '0' && src[j] <= '9'; j++, digits = true)
        n = n > 100000 ? n : n * 10 + (unsigned long)(src[j] - '0');
    }
  if (!digits || src[j] != '}')
    return 0;
  *hi = comma && n > m ? n : m;
  return j - i + 1;
}

/* NULL when src is within the bounds above; else what is wrong, with *at
   the byte where it goes wrong.  */
static const char *
rx_refusal (const char *src, size_t *at)
{
  bool quant_in[OG_HC_REGEX_MAX_DEPTH + 1] = { false };
  size_t depth = 0, n_quant = 0, i = 0, len = strlen (src);
  int last = RX_NOTHING;

  *at = 0;
  if (len > OG_HC_REGEX_MAX)
    return *at = OG_HC_REGEX_MAX, "it is longer than 256 bytes";
  while (i < len)
    {
      char ch = src[i];
      size_t step = 1;
      unsigned long hi = 0;
      bool quant = ch == '*' || ch == '+' || ch == '?';
      if (ch == '{' && last != RX_NOTHING && (step = rx_bound (src, i, &hi)) > 0)
        {
          quant = true;
          if (hi > OG_HC_REGEX_MAX_BOUND)
            return *at = i, "a bound {m,n} above 16";
        }
      else if (step == 0)
        step = 1;
      if (quant && last != RX_NOTHING)
        {
          if (last == RX_QUANTIFIED)
            return *at = i, "a quantifier on a quantifier, as in a++ or a*{2}";
          if (last == RX_GROUP_QUANT)
            return *at = i, "a quantifier on a group that holds a quantifier, as in (a+)+";
          if (++n_quant > OG_HC_REGEX_MAX_QUANT)
            return *at = i, "more than 32 quantifiers";
          quant_in[depth] = true;
          last = RX_QUANTIFIED;
        }
      else if (quant)
        ; /* nothing to repeat: regcomp refuses it or takes it literally */
      else if (ch == '(')
        {
          if (depth == OG_HC_REGEX_MAX_DEPTH)
            return *at = i, "groups nested deeper than 8";
          quant_in[++depth] = false;
          last = RX_NOTHING;
        }
      else if (ch == ')' && depth > 0)
        {
          bool inner = quant_in[depth--];
          quant_in[depth] = quant_in[depth] || inner;
          last = inner ? RX_GROUP_QUANT : RX_GROUP;
        }
      else if (ch == '|' || ch == '^' || ch == '$')
        last = RX_NOTHING;
      else if (ch == '[')
        {
          size_t end = rx_bracket_end (src, i);
          if (end == 0)
            return NULL; /* unclosed: regcomp says so */
          step = end - i;
          last = RX_ATOM;
        }
      else if (ch == '\\')
        {
          if (src[i + 1] >= '1' && src[i + 1] <= '9')
            return *at = i, "a back-reference (\\1 to \\9)";
          step = src[i + 1] ? 2 : 1;
          last = RX_ATOM;
        }
      else
        last = RX_ATOM;
      i += step;
    }
  return NULL;
}

static bool
compile (ctx *c, const char *src, regex_t *re, bool key)
{
  cleanup_free char *shown = og_text_escaped (src);
  const char *why;
  size_t at;
  int rc;

  if ((why = rx_refusal (src, &at)) != NULL)
    {
      DIAG (c, key,
            "regular expression \"%.80s%s\" is refused before it is compiled: %s (at byte "
            "%zu); keep host-config patterns flat: one quantifier per atom, none on a group "
            "that holds one, bounds up to 16, at most 32 quantifiers and 256 bytes "
            "(ocigate.json(5))",
            shown, strlen (shown) > 80 ? "..." : "", why, at + 1);
      return false;
    }
  rc = regcomp (re, src, REG_EXTENDED | REG_NOSUB);
  if (rc != 0)
    {
      char buf[256];
      regerror (rc, re, buf, sizeof buf);
      DIAG (c, key, "bad regular expression \"%s\": %s", shown, buf);
      return false;
    }
  return true;
}

/* A name glob under KEY of MATCH, or NULL.  */
static char *
parse_glob (ctx *c, json_t *match, const char *key)
{
  json_t *v = json_object_get (match, key);
  char *out = NULL;
  size_t save;
  if (v == NULL)
    return NULL;
  save = push (c, key);
  if (!json_is_string (v))
    DIAG (c, false, "\"%s\" must be a name glob string", key);
  else
    out = og_glob_load (c->j, json_string_value (v), false);
  pop (c, save);
  return out;
}

static void
parse_match (ctx *c, json_t *match, og_hc_rule *r)
{
  static const char *const os_keys[] = { "id", "version_id", NULL };
  json_t *v;
  const char *s;
  size_t save;

  if ((v = get_object (c, match, "annotations", NULL, "an object {key-regex: value-regex}", &save))
      != NULL)
    {
      const char *k;
      json_t *val;
      r->annotations = og_xcalloc (json_object_size (v) + 1, sizeof *r->annotations);
      json_object_foreach (v, k, val)
      {
        size_t s2 = push (c, k);
        og_hc_annotation *a = &r->annotations[r->n_annotations];
        if (!json_is_string (val))
          DIAG (c, false, "the value regex of annotation \"%s\" must be a string", k);
        else if (compile (c, k, &a->key, true))
          {
            if (compile (c, json_string_value (val), &a->value, false))
              {
                a->key_src = og_xstrdup (k);
                a->value_src = og_xstrdup (json_string_value (val));
                r->n_annotations++;
              }
            else
              regfree (&a->key);
          }
        pop (c, s2);
      }
    }
  pop (c, save);
  if ((v = get_object (c, match, "os", os_keys, "an object {\"id\", \"version_id\"}", &save))
      != NULL)
    {
      if ((s = get_string (c, v, "id", false, NULL)) != NULL)
        r->os_id = og_xstrdup (s);
      if ((s = get_string (c, v, "version_id", false, NULL)) != NULL)
        r->os_version_id = og_xstrdup (s);
    }
  pop (c, save);
  r->image = parse_glob (c, match, "image");
  r->namespace = parse_glob (c, match, "namespace");
  if ((v = json_object_get (match, "image_digest")) != NULL)
    {
      const char *d = json_string_value (v);
      if (d == NULL || !og_str_has_prefix (d, "sha256:") || !og_is_sha256_hex (d + 7))
        DIAG_AT (c, "image_digest",
                 "\"image_digest\" must be \"sha256:\" and 64 lower-case hex digits");
      else
        r->image_digest = og_xstrdup (d);
    }
}

static void
parse_rules (ctx *c, json_t *root)
{
  static const char *const keys[] = { "match", "manifest", "mode", NULL };
  static const char *const match_keys[]
      = { "annotations", "os", "image", "image_digest", "namespace", NULL };
  json_t *arr = json_object_get (root, "rules"), *e;
  og_hostconfig *cfg = c->cfg;
  size_t save, i;
  if (arr == NULL)
    return;
  save = push (c, "rules");
  if (!json_is_array (arr))
    {
      DIAG (c, false, "\"rules\" must be an array of {\"match\", \"manifest\", \"mode\"}");
      pop (c, save);
      return;
    }
  cfg->rules = og_xcalloc (json_array_size (arr) + 1, sizeof *cfg->rules);
  json_array_foreach (arr, i, e)
  {
    size_t s2 = og_jload_push_index (c->j, i);
    og_hc_rule *r = &cfg->rules[cfg->n_rules++];
    json_t *match;
    bool present;
    const char *s;
    size_t s3;
    r->index = i;
    if (!json_is_object (e))
      {
        DIAG (c, false, "a rule must be an object {\"match\", \"manifest\", \"mode\"}");
        pop (c, s2);
        continue;
      }
    check_keys (c, e, keys, "a rule");
    if ((match = get_object (c, e, "match", match_keys, "an object", &s3)) != NULL)
      parse_match (c, match, r);
    else if (json_object_get (e, "match") == NULL)
      DIAG (c, false, "a rule needs \"match\"");
    pop (c, s3);
    s = get_string (c, e, "manifest", true, &present);
    if (!present)
      DIAG (c, false, "a rule needs \"manifest\" (a name, an absolute path, or null)");
    if (s)
      r->manifest = og_xstrdup (s);
    r->mode = get_mode (c, e, "mode");
    pop (c, s2);
  }
  pop (c, save);
}

/* "cache": {"enabled", "dir", "max_bytes"}: the layer cache of overlay
   roots (runtime/cachedir.c), on by default.  */
static void
parse_cache (ctx *c, json_t *root)
{
  static const char *const cache_keys[] = { "enabled", "dir", "max_bytes", NULL };
  og_hostconfig *cfg = c->cfg;
  json_t *v, *x;
  const char *s;
  size_t save;

  cfg->cache_enabled = true;
  cfg->cache_dir = og_xstrdup (OG_HC_CACHE_DIR);
  cfg->cache_max_bytes = OG_HC_CACHE_MAX_BYTES;
  if ((v = get_object (c, root, "cache", cache_keys,
                       "an object {\"enabled\", \"dir\", \"max_bytes\"}", &save))
      != NULL)
    {
      if ((x = json_object_get (v, "enabled")) != NULL)
        {
          if (!json_is_boolean (x))
            DIAG_AT (c, "enabled", "\"enabled\" must be true or false");
          cfg->cache_enabled = json_is_true (x);
        }
      if ((s = get_string (c, v, "dir", false, NULL)) != NULL)
        {
          if (s[0] != '/' || strcmp (s, "/") == 0)
            DIAG_AT (c, "dir", "\"dir\" must be an absolute path other than /");
          free (cfg->cache_dir);
          cfg->cache_dir = og_xstrdup (s);
        }
      if ((x = json_object_get (v, "max_bytes")) != NULL)
        {
          if (json_is_integer (x) && json_integer_value (x) >= 0)
            cfg->cache_max_bytes = (unsigned long long)json_integer_value (x);
          else
            DIAG_AT (c, "max_bytes",
                     "\"max_bytes\" must be an integer of 0 or more (0: no entry is kept)");
        }
    }
  pop (c, save);
}

static void
parse_root (ctx *c, json_t *root)
{
  static const char *const keys[]
      = { "schema",        "description", "mode",    "on_error", "deadline_ms", "audit",
          "manifests_dir", "rules",       "default", "cache",    NULL };
  static const char *const audit_keys[]
      = { "file", "syslog", "syslog_facility", "syslog_socket", NULL };
  static const char *const default_keys[] = { "manifest", "mode", NULL };
  og_hostconfig *cfg = c->cfg;
  const char *s;
  json_t *v;
  size_t save;

  if (!json_is_object (root))
    {
      DIAG (c, false, "a host config is a JSON object");
      return;
    }
  check_keys (c, root, keys, "the host config");
  s = get_string (c, root, "schema", false, NULL);
  if (s == NULL || strcmp (s, OG_CONFIG_SCHEMA) != 0)
    DIAG_AT (c, "schema", "\"schema\" must be \"" OG_CONFIG_SCHEMA "\"");
  cfg->mode = get_mode (c, root, "mode");
  if (cfg->mode == 0)
    cfg->mode = OG_MODE_AUDIT;
  if ((s = get_string (c, root, "on_error", false, NULL)) != NULL)
    {
      if (strcmp (s, "deny") == 0)
        cfg->on_error_deny = true;
      else if (strcmp (s, "allow") != 0)
        DIAG_AT (c, "on_error", "\"on_error\" must be \"deny\" or \"allow\"");
    }
  parse_cache (c, root);
  cfg->deadline_ms = 5000;
  if ((v = json_object_get (root, "deadline_ms")) != NULL)
    {
      if (json_is_integer (v) && json_integer_value (v) > 0 && json_integer_value (v) <= 3600000)
        cfg->deadline_ms = json_integer_value (v);
      else
        DIAG_AT (c, "deadline_ms", "\"deadline_ms\" must be an integer from 1 to 3600000");
    }
  if ((v = get_object (c, root, "audit", audit_keys, "an object {\"file\", \"syslog\"}", &save))
      != NULL)
    {
      json_t *sl = json_object_get (v, "syslog");
      if ((s = get_string (c, v, "file", true, NULL)) != NULL)
        cfg->audit_file = og_xstrdup (s);
      if (sl && !json_is_boolean (sl))
        DIAG_AT (c, "syslog", "\"syslog\" must be true or false");
      cfg->audit_syslog = json_is_true (sl);
      cfg->syslog_facility = og_xstrdup ("authpriv");
      if ((s = get_string (c, v, "syslog_facility", false, NULL)) != NULL)
        {
          if (strcmp (s, "authpriv") == 0 || strcmp (s, "daemon") == 0)
            {
              free (cfg->syslog_facility);
              cfg->syslog_facility = og_xstrdup (s);
            }
          else
            DIAG_AT (c, "syslog_facility",
                     "\"syslog_facility\" must be \"authpriv\" or \"daemon\"");
        }
      if ((s = get_string (c, v, "syslog_socket", false, NULL)) != NULL)
        {
          if (s[0] == '/')
            cfg->syslog_socket = og_xstrdup (s);
          else
            DIAG_AT (c, "syslog_socket",
                     "\"syslog_socket\" must be an absolute path such as /dev/log");
        }
    }
  pop (c, save);
  s = get_string (c, root, "manifests_dir", false, NULL);
  cfg->manifests_dir = og_xstrdup (s ? s : OG_DEFAULT_MANIFESTS_DIR);
  parse_rules (c, root);
  if ((v
       = get_object (c, root, "default", default_keys, "an object {\"manifest\", \"mode\"}", &save))
      != NULL)
    {
      if ((s = get_string (c, v, "manifest", true, NULL)) != NULL)
        cfg->default_manifest = og_xstrdup (s);
      cfg->default_mode = get_mode (c, v, "mode");
    }
  pop (c, save);
}

int
og_hostconfig_load_buffer (const char *data, size_t len, const char *file, og_hostconfig **out,
                           og_diags *diags, og_error **err)
{
  cleanup_hostconfig og_hostconfig *cfg = NULL;
  cleanup_jload og_jload j = { 0 };
  ctx c = { &j, NULL };

  *out = NULL;
  if (og_jload_parse (&j, data, len, file ? file : "<config>", "host config", diags, err) < 0)
    return -1;
  cfg = og_xcalloc (1, sizeof *cfg);
  cfg->file = og_xstrdup (diags->file);
  c.cfg = cfg;
  parse_root (&c, j.doc.root);
  if (og_jload_result (&j, "host config", false, err) < 0)
    return -1;
  *out = og_steal_pointer (&cfg);
  return 0;
}

int
og_hostconfig_load_file (const char *path, og_hostconfig **out, og_diags *diags, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  *out = NULL;
  if (og_jload_read_file (path, "host config", &data, &len, err) < 0)
    return -1;
  return og_hostconfig_load_buffer (data, len, path, out, diags, err);
}

void
og_hostconfig_free (og_hostconfig *cfg)
{
  if (cfg == NULL)
    return;
  for (size_t i = 0; i < cfg->n_rules; i++)
    {
      og_hc_rule *r = &cfg->rules[i];
      for (size_t j = 0; j < r->n_annotations; j++)
        {
          regfree (&r->annotations[j].key);
          regfree (&r->annotations[j].value);
          free (r->annotations[j].key_src);
          free (r->annotations[j].value_src);
        }
      free (r->annotations);
      free (r->os_id);
      free (r->os_version_id);
      free (r->image);
      free (r->image_digest);
      free (r->namespace);
      free (r->manifest);
    }
  free (cfg->rules);
  free (cfg->file);
  free (cfg->audit_file);
  free (cfg->cache_dir);
  free (cfg->syslog_facility);
  free (cfg->syslog_socket);
  free (cfg->manifests_dir);
  free (cfg->default_manifest);
  free (cfg);
}

static bool
annotation_holds (const og_hc_annotation *a, const og_kv *v, size_t n)
{
  for (size_t i = 0; i < n; i++)
    if (v[i].key && v[i].value && regexec (&a->key, v[i].key, 0, NULL, 0) == 0
        && regexec (&a->value, v[i].value, 0, NULL, 0) == 0)
      return true;
  return false;
}

static bool
image_holds (const char *glob, const og_hc_subject *subj)
{
  if (subj == NULL)
    return false;
  if (subj->image && og_name_glob_match (glob, subj->image))
    return true;
  for (size_t i = 0; i < subj->n_image_names; i++)
    if (og_name_glob_match (glob, subj->image_names[i]))
      return true;
  return false;
}

static bool
digest_holds (const char *digest, const og_hc_subject *subj)
{
  return subj
         && (og_str_eq (subj->image_digest, digest)
             || (subj->image_id && strcmp (subj->image_id, digest + 7) == 0));
}

static bool
rule_holds (const og_hc_rule *r, const og_kv *v, size_t n, const og_osrelease *os,
            const og_hc_subject *subj)
{
  for (size_t i = 0; i < r->n_annotations; i++)
    if (!annotation_holds (&r->annotations[i], v, n))
      return false;
  if (r->os_id && !(os && og_str_eq (os->id, r->os_id)))
    return false;
  if (r->os_version_id && !(os && og_str_eq (os->version_id, r->os_version_id)))
    return false;
  if (r->image && !image_holds (r->image, subj))
    return false;
  if (r->image_digest && !digest_holds (r->image_digest, subj))
    return false;
  if (r->namespace
      && !(subj && subj->namespace && og_name_glob_match (r->namespace, subj->namespace)))
    return false;
  return true;
}

char *
og_hostconfig_manifest_path (const og_hostconfig *cfg, const char *name)
{
  const char *base;
  if (name == NULL)
    return NULL;
  if (name[0] == '/')
    return og_xstrdup (name);
  base = strrchr (name, '/');
  base = base ? base + 1 : name;
  return og_xasprintf ("%s/%s%s", cfg->manifests_dir, name, strchr (base, '.') ? "" : ".json");
}

ssize_t
og_hostconfig_select (const og_hostconfig *cfg, const og_kv *annotations, size_t n_annotations,
                      const og_osrelease *os, const og_hc_subject *subj, char **manifest,
                      og_mode *mode)
{
  for (size_t i = 0; i < cfg->n_rules; i++)
    {
      const og_hc_rule *r = &cfg->rules[i];
      if (!rule_holds (r, annotations, n_annotations, os, subj))
        continue;
      *manifest = og_hostconfig_manifest_path (cfg, r->manifest);
      *mode = r->mode ? r->mode : cfg->mode;
      return (ssize_t)i;
    }
  *manifest = og_hostconfig_manifest_path (cfg, cfg->default_manifest);
  *mode = cfg->default_mode ? cfg->default_mode : cfg->mode;
  return -1;
}
