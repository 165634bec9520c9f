/* What a source is, as plain data: the inventory carries a copy, so the
   policy and the outputs read it without the source interface.  */
#ifndef OG_SOURCE_INFO_H
#define OG_SOURCE_INFO_H

#include <stddef.h>

typedef struct og_source_info
{
  char *kind;            /* "dir", "docker-archive", "oci-archive", "oci" */
  char *path;            /* as given */
  char *config_digest;   /* images only */
  char *manifest_digest; /* images only */
  char **tags;           /* images only, may be empty */
  size_t n_tags;
  char **layers; /* layer digests, images only */
  size_t n_layers;
  char **command; /* images: config Entrypoint then Cmd, as an argv; may be empty */
  size_t n_command;
  char *command_path; /* images: PATH of the config's Env, or NULL */
} og_source_info;

void og_source_info_clear (og_source_info *info);

#endif
