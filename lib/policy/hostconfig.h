/* The host configuration, ocigate.config/v1 (default
   /etc/ocigate/ocigate.json): mode, what to do on errors, the deadline,
   audit sinks, where manifests live, and ordered rules that pick a manifest
   and a mode per container.  Schema: policy/ocigate.config.schema.json.  */
#ifndef OG_HOSTCONFIG_H
#define OG_HOSTCONFIG_H

#include <regex.h>

#include "base/error.h"
#include "base/kv.h"
#include "json/doc.h"
#include "catalog/osrelease.h"

#define OG_CONFIG_SCHEMA "ocigate.config/v1"

typedef enum og_mode
{
  OG_MODE_ENFORCE = 1,
  OG_MODE_AUDIT,
} og_mode;

const char *og_mode_name (og_mode m); /* "enforce" "audit" */

typedef struct og_hc_annotation
{
  char *key_src;
  char *value_src;
  regex_t key;
  regex_t value;
} og_hc_annotation;

typedef struct og_hc_rule
{
  size_t index;
  og_hc_annotation *annotations; /* all must hold */
  size_t n_annotations;
  char *os_id;         /* exact, or NULL */
  char *os_version_id; /* exact, or NULL */
  char *image;         /* name glob, or NULL */
  char *image_digest;  /* "sha256:HEX": the image's manifest digest or ID, or NULL */
  char *namespace;     /* name glob on the pod's namespace, or NULL */
  char *manifest;      /* NULL: inventory and record only */
  og_mode mode;        /* 0: the config's mode */
} og_hc_rule;

typedef struct og_hostconfig
{
  char *file;
  og_mode mode;
  bool on_error_deny;
  long long deadline_ms;
  char *audit_file; /* NULL: none */
  bool audit_syslog;
  char *syslog_facility; /* "authpriv" (default) or "daemon" */
  char *syslog_socket;   /* the datagram socket of the syslog daemon; NULL: /dev/log */
  char *manifests_dir;
  og_hc_rule *rules;
  size_t n_rules;
  char *default_manifest; /* NULL: none */
  og_mode default_mode;   /* 0: the config's mode */
  /* "cache": the layer cache of overlay roots (runtime/cachedir.h) */
  bool cache_enabled;
  char *cache_dir;
  unsigned long long cache_max_bytes;
} og_hostconfig;

#define OG_HC_CACHE_DIR       "/var/cache/ocigate"
#define OG_HC_CACHE_MAX_BYTES (256ull << 20)

int og_hostconfig_load_buffer (const char *data, size_t len, const char *file, og_hostconfig **out,
                               og_diags *diags, og_error **err);
int og_hostconfig_load_file (const char *path, og_hostconfig **out, og_diags *diags,
                             og_error **err);
void og_hostconfig_free (og_hostconfig *cfg);
OG_DEFINE_FREEP (og_hostconfig, og_hostconfig_free)
#define cleanup_hostconfig __attribute__ ((cleanup (og_hostconfig_freep)))

/* What the rules know of a container's image and pod (runtime/identity.h
   finds it); any field may be NULL.  */
typedef struct og_hc_subject
{
  const char *image;              /* the name the runtime gives the image */
  const char *const *image_names; /* more names of the same image */
  size_t n_image_names;
  const char *image_id;     /* 64 hex digits */
  const char *image_digest; /* "sha256:..." of its manifest */
  const char *namespace;    /* the pod's */
} og_hc_subject;

/* Where a manifest NAME of the config is: NULL for NULL, an absolute NAME
   as written, else manifests_dir/NAME (".json" added when NAME has no
   extension).  The caller frees.  */
char *og_hostconfig_manifest_path (const og_hostconfig *cfg, const char *name);

/* Pick the manifest and mode for a container: the first rule whose every
   condition holds (annotations: for each key regex some annotation whose key
   matches has a value that matches the value regex; os id / version_id
   equal; image name glob on any of its names; image digest equal to the
   manifest digest or "sha256:" and the ID; namespace glob), else `default`.  *manifest is NULL (no
   manifest), or a path: absolute as written, else manifests_dir/NAME (".json"
   added when NAME has no extension); the caller frees.  Returns the index of
   the rule that matched, or -1 for the default.  os and subj may be NULL
   (conditions on what they would give then do not hold).  */
ssize_t og_hostconfig_select (const og_hostconfig *cfg, const og_kv *annotations,
                              size_t n_annotations, const og_osrelease *os,
                              const og_hc_subject *subj, char **manifest, og_mode *mode);

#endif
