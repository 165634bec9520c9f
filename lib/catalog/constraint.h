/* Version constraints: "OP VERSION, OP VERSION, ..." (all must hold),
   compared with the ecosystem's own ordering (catalog/version.h).  */
#ifndef OG_CONSTRAINT_H
#define OG_CONSTRAINT_H

#include <stdbool.h>
#include <stddef.h>

#include "catalog/pkgdb/pkgdb.h"

typedef enum og_cmp_op
{
  OG_CMP_EQ,
  OG_CMP_NE,
  OG_CMP_LT,
  OG_CMP_LE,
  OG_CMP_GT,
  OG_CMP_GE,
} og_cmp_op;

/* One term of a version constraint: "OP VERSION".  */
typedef struct og_vterm
{
  og_cmp_op op;
  char *version;
} og_vterm;

/* "TERM, TERM, ..." (all must hold).  */
typedef struct og_vconstraint
{
  og_vterm *terms;
  size_t n;
} og_vconstraint;

/* Parse ">= 1:1.0.2k, < 1:1.1"; a bare version means "=".  type 0 accepts a
   version that is valid in any ecosystem.  On error *why says what is
   expected.  */
int og_vconstraint_parse (const char *text, og_pkg_type type, og_vconstraint *out,
                          const char **why);
bool og_vconstraint_eval (const og_vconstraint *c, og_pkg_type type, const char *evr);
void og_vconstraint_clear (og_vconstraint *c);
const char *og_cmp_op_name (og_cmp_op op);

#endif
