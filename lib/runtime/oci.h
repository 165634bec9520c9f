/* What an OCI runtime hands a hook: the state on stdin and the bundle's
   config.json.  Source: the OCI runtime-spec, runtime.md ("State") and
   config.md (root, process, mounts, annotations, hooks).  Parsed with yajl,
   bounded in size and nesting.  */
#ifndef OG_OCI_H
#define OG_OCI_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "base/kv.h"
#include "policy/evaluate.h"

#define OG_OCI_STATE_MAX  (1u << 20)
#define OG_OCI_CONFIG_MAX (8u << 20)
#define OG_OCI_MAX_DEPTH  64

typedef struct og_oci_state
{
  char *oci_version;
  char *id;
  char *status;
  long long pid;
  char *bundle;
  char *root; /* crun adds it; may be relative to the bundle */
  og_kv *annotations;
  size_t n_annotations;
} og_oci_state;

typedef struct og_oci_mount
{
  char *destination;
  char *type;
  char *source;
  bool bind; /* type "bind" or a "bind"/"rbind" option */
} og_oci_mount;

typedef struct og_oci_config
{
  char *root_path; /* as written */
  bool root_readonly;
  char **args;
  size_t n_args;
  bool no_new_privileges;
  char **cap_bounding; /* process.capabilities.bounding */
  size_t n_cap_bounding;
  og_oci_mount *mounts;
  size_t n_mounts;
  og_kv *annotations;
  size_t n_annotations;
} og_oci_config;

int og_oci_state_parse (const char *data, size_t len, og_oci_state *out, og_error **err);
void og_oci_state_clear (og_oci_state *s);

int og_oci_config_parse (const char *data, size_t len, const char *name, og_oci_config *out,
                         og_error **err);
void og_oci_config_clear (og_oci_config *c);


/* Fill facts from the bytes of an OCI runtime config.json
   (root.readonly, process.noNewPrivileges, mounts[] with type "bind" or a
   "bind"/"rbind" option).  `name` is for messages.  */
int og_launch_facts_from_oci_config (const char *data, size_t len, const char *name,
                                     og_launch_facts *out, og_error **err);
/* The same from an already parsed config.json.  */
void og_launch_facts_from_oci (const og_oci_config *c, og_launch_facts *out);

#endif
