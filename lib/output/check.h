/* Writers of `ocigate check` results: ocigate.check/v1 JSON and a table
   grouped by rule.  They read the manifest, inventory and result only.  */
#ifndef OG_OUTPUT_CHECK_H
#define OG_OUTPUT_CHECK_H

#include <stdio.h>

#include "policy/evaluate.h"

int og_check_write_json (const og_manifest *m, const og_inventory *inv, const og_policy_result *r,
                         FILE *out, og_error **err);
int og_check_write_table (const og_manifest *m, const og_inventory *inv, const og_policy_result *r,
                          FILE *out, og_error **err);

#endif
