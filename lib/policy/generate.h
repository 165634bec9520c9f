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

/* What a team keeps, to move an image toward its minimum: in[i] marks the
   packages of the closure that keeps the kept ones (output/deps.h
   og_keep_resolve).  */
typedef struct og_gen_keep
{
  const bool *in;
  const size_t *kept; /* the kept packages */
  size_t n_kept;
} og_gen_keep;

/* A manifest that allows only the closure: its packages (the others are
   unlisted, denied), the kept packages required with their dependencies,
   and the executables, setuid, setgid and capability sets of the closure
   and of no package.  */
char *og_manifest_generate_keep (const og_inventory *inv, og_gen_level level, const char *name,
                                 const og_gen_keep *keep);

#endif
