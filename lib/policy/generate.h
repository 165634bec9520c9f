/* Manifest generation: an ocigate.manifest/v1 document that allows exactly
   what an inventory holds, at a chosen level of detail.  */
#ifndef OG_GENERATE_H
#define OG_GENERATE_H

#include "catalog/inventory.h"

typedef enum og_gen_level
{
  OG_GEN_NAMES,
  OG_GEN_VERSIONS,
  OG_GEN_DIGESTS,
} og_gen_level;

/* "names" "versions" "digests"; -1 for anything else.  */
int og_gen_level_parse (const char *s, og_gen_level *out);

/* A manifest that allows exactly inv: JSON text (indented), caller frees.  */
char *og_manifest_generate (const og_inventory *inv, og_gen_level level, const char *name);

#endif
