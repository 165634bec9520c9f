/* Checks of a whole manifest after its sections are loaded (manifest.c).  */
#ifndef OG_POLICY_LINT_H
#define OG_POLICY_LINT_H

#include "json/load.h"
#include "policy/manifest.h"

/* A diagnostic for each allow entry that a deny entry hides (deny beats
   allow), at the allow entry's position.  */
void og_manifest_lint_hidden (const og_manifest *m, og_jload *c);

#endif
