/* Writers of `ocigate diff`: a table, a markdown table to paste into a
   ticket, and ocigate.diff/v1 JSON.  They read the diff (and through it the
   two inventories) only.  The labels name the two sides.  */
#ifndef OG_OUTPUT_DIFF_H
#define OG_OUTPUT_DIFF_H

#include <stdio.h>

#include "policy/diff.h"

int og_diff_write_table (const og_diff *d, const char *label_a, const char *label_b, FILE *out,
                         og_error **err);
int og_diff_write_markdown (const og_diff *d, const char *label_a, const char *label_b, FILE *out,
                            og_error **err);
int og_diff_write_json (const og_diff *d, const char *label_a, const char *label_b, FILE *out,
                        og_error **err);

/* "12 package differences: 3 only in A, 4 only in B, 5 with different
   versions" (and what --ignore-versions left out); the caller frees.  */
char *og_diff_summary_text (const og_diff *d, const char *label_a, const char *label_b);

#endif
