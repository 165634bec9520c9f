/* The comparison of two inventories, as plain data: what `ocigate diff`
   prints.  Rows point into the two inventories, which must outlive the
   diff.  */
#ifndef OG_POLICY_DIFF_H
#define OG_POLICY_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/error.h"
#include "catalog/inventory.h"

typedef enum og_diff_what
{
  OG_DIFF_PACKAGES = 0,
  OG_DIFF_EXECUTABLES,
  OG_DIFF_FILES,
} og_diff_what;

/* A package only on one side (the other is NULL), or on both with another
   version (or architecture).  `arch` is set when a side carries several
   architectures of the name, so the row is about that one.  */
typedef struct og_diff_pkg
{
  const char *name;
  const char *arch;
  const og_package *a;
  const og_package *b;
} og_diff_pkg;

/* What differs between the two records of a path.  */
enum
{
  OG_DIFF_F_TYPE = 1 << 0,
  OG_DIFF_F_MODE = 1 << 1, /* permission bits, setuid/setgid included */
  OG_DIFF_F_OWNER = 1 << 2,
  OG_DIFF_F_SIZE = 1 << 3,
  OG_DIFF_F_TARGET = 1 << 4,
  OG_DIFF_F_CAPS = 1 << 5,
  OG_DIFF_F_PACKAGE = 1 << 6,
  OG_DIFF_F_KIND = 1 << 7,
  OG_DIFF_F_DIGEST = 1 << 8, /* only when both sides computed one */
};
#define OG_DIFF_F_COUNT 9

/* An executable or a file: only on one side, or changed (`changed` says
   what).  For executables a/b are og_exec, for files og_file.  */
typedef struct og_diff_path
{
  const char *path;
  const void *a;
  const void *b;
  unsigned changed;
} og_diff_path;

typedef struct og_diff
{
  og_diff_what what;
  bool ignore_versions;
  const og_inventory *inv_a;
  const og_inventory *inv_b;
  og_diff_pkg *pkgs; /* sorted by name, then arch */
  size_t n_pkgs;
  og_diff_path *paths; /* sorted by path (bytes) */
  size_t n_paths;
  size_t only_a;
  size_t only_b;
  size_t changed;              /* both sides, different */
  size_t ignored_version_only; /* rows --ignore-versions left out */
} og_diff;

int og_diff_compute (const og_inventory *a, const og_inventory *b, og_diff_what what,
                     bool ignore_versions, og_diff *out, og_error **err);
void og_diff_clear (og_diff *d);
#define cleanup_diff __attribute__ ((cleanup (og_diff_clear)))

static inline size_t
og_diff_count (const og_diff *d)
{
  return d->only_a + d->only_b + d->changed;
}

const char *og_diff_what_name (og_diff_what w);            /* "packages" "executables" "files" */
int og_diff_what_parse (const char *s, og_diff_what *out); /* -1 when unknown */
/* The name of one OG_DIFF_F_* bit ("mode", "owner", ...).  */
const char *og_diff_field_name (unsigned bit);

#endif
