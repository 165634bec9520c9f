/* ocigate install: what the verb's files share (install.c: options and
   dispatch; install_common.c: the hook entry and reading targets;
   install_bundle.c: config.json; install_hooksdir.c: hooks.d).  */
#ifndef OG_CLI_INSTALL_COMMON_H
#define OG_CLI_INSTALL_COMMON_H

#include <jansson.h>
#include <stdbool.h>

#include "jsonedit.h"

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
  const char *config;   /* --config FILE for the hook, or NULL: the hook's own default */
  const char *on_error; /* "allow" or "deny": the hook's --on-error */
  bool force;
} install_opts;

/* The entry we install, as JSON.  */
json_t *install_hook_entry (const install_opts *o);
/* Is e an entry of ocigate's (path ends in /ocigate-hook or args[0] is ocigate-hook)?  */
bool install_is_ocigate_entry (json_t *e);
/* The entry as text: {"path": ..., "args": [...], "env": [...]} starting at DEPTH.  */
void install_put_entry (og_buf *b, const jedit_layout *l, int depth, const install_opts *o);
/* "STAGE": [ENTRY] as a member at DEPTH.  */
void install_put_stage_member (og_buf *b, const jedit_layout *l, int depth, const install_opts *o);

/* Read a target file (at most OG_INSTALL_MAX_FILE bytes) and its status.  */
int install_read_file (const char *path, char **data, size_t *len, struct stat *st, og_error **err);

int install_bundle (const char *bundle, const install_opts *o);
int install_hooks_dir (const char *dir, const install_opts *o);

#endif
