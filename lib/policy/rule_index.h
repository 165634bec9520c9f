/* Rule indexes: the rules of one manifest list, indexed so that a lookup
   does not scan every rule for the common shapes of pattern.  */
#ifndef OG_RULE_INDEX_H
#define OG_RULE_INDEX_H

#include <stdbool.h>
#include <stddef.h>

#include "base/strmap.h"

/* Literal names/paths (hash), DIR + "/" + "**" (hash of the directory,
   probed for each ancestor), "**" + "/NAME" (hash of basenames); other globs
   are scanned.  Each bucket holds rule indexes in list order.  */
typedef struct og_rule_index
{
  og_strmap exact;
  og_strmap dirs;
  og_strmap basenames;
  og_strmap globdirs; /* other path globs, by the literal directory before the first wildcard */
  size_t *globs;
  size_t n_globs;
  size_t cap_globs;
} og_rule_index;

/* Add rule number `rule` with pattern pat (a path glob when path, else a
   name glob).  */
void og_rule_index_add (og_rule_index *idx, const char *pat, bool path, size_t rule);
void og_rule_index_clear (og_rule_index *idx);

/* Rules of a list whose pattern may match key, in no particular order.
   `certain` tells that the pattern matches key (literal, directory prefix
   and basename shapes); otherwise the caller still checks it with the glob.
   fn returns true to stop.  */
typedef bool (*og_candidate_fn) (size_t rule, bool certain, void *ud);
void og_rule_index_candidates (const og_rule_index *idx, const char *key, bool path,
                               og_candidate_fn fn, void *ud);

#endif
