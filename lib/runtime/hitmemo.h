/* The layer cache's hit memo (issue 16): what a hit over a lower stack
   found (the inventory's digest, summary and skipped entries) and what the
   manifest made of it (the findings), kept beside the stack's entry under
   the fingerprint of every input of that hit, so that the next hit with
   the same inputs reads a small file and does no work per entry of the
   image.  */
#ifndef OG_RUNTIME_HITMEMO_H
#define OG_RUNTIME_HITMEMO_H

#include "base/digest.h"
#include "catalog/inventory.h"
#include "policy/evaluate.h"

/* 1: the first format; 2: content.  */
#define OG_HIT_MEMO_FORMAT 2

typedef struct og_hit_memo
{
  char *input;         /* sha256 hex of the inputs (hook/cache.c says which) */
  char *manifest_name; /* the manifest's "name", or NULL */
  /* sha256 hex of the host paths bind-mounted, when the manifest's launch
     rules read them (they differ between containers of one image, so they
     are not among the inputs unless they matter), else NULL */
  char *binds;
  char *inventory_sha256;
  bool packages_cached; /* the hit took the packages from the entry (its record's "packages") */
  /* the inspection verified the packaged files: the inputs hold the
     identity of every regular file of the upper layer
     (og_overlay_root.content) */
  bool content;
  og_inventory_summary summary;
  og_skipped *skipped;
  size_t n_skipped;
  og_policy_result res;
} og_hit_memo;

void og_hit_memo_clear (og_hit_memo *m);
/* "OGLR", the format, the sha256 of the key, the payload's length and
   sha256, the payload.  -1 with *err, out as it was, when the sums cannot
   be taken.  */
int og_hit_memo_serialize (const og_hit_memo *m, const char *key, og_buf *out, og_error **err);
/* Read a memo back, checking every part of it (OG_ERR_CONTENT when one
   does not verify).  */
int og_hit_memo_parse (const uint8_t *data, size_t len, const char *key, og_hit_memo *out,
                       og_error **err);

#endif
