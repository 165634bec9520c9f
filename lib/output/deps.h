/* The documents of the dependency graph (inv->deps, built with
   OG_INV_DEPS): `ocigate why` (ocigate.why/v1) and `ocigate slim`
   (ocigate.slim/v1), and the `requires` / `required_by` keys of a package in
   the inventory.  They read the inventory only.  */
#ifndef OG_OUTPUT_DEPS_H
#define OG_OUTPUT_DEPS_H

#include <stdio.h>

#include "catalog/inventory.h"
#include "json/writer.h"

typedef enum og_deps_format
{
  OG_DEPS_TABLE,
  OG_DEPS_JSON,
  OG_DEPS_MARKDOWN,
} og_deps_format;

/* The package that owns path in inv (its files need OG_INV_FILES), following
   the symlinks the inventory recorded in the leading components (/bin ->
   usr/bin): *pkg is its index, or -1 when the file exists and no package
   owns it.  -1 with an error when the inventory has no such file.  */
int og_inventory_path_owner (const og_inventory *inv, const char *path, ssize_t *pkg,
                             og_error **err);
/* The index of the package named name, or -1 with an error.  */
int og_inventory_find_package (const og_inventory *inv, const char *name, size_t *out,
                               og_error **err);

/* The kept packages of keep (package names, or absolute paths whose owner
   is kept; paths need OG_INV_FILES) into pkgs (room for n_keep) and the
   closure that keeps them (and the protected packages) into in (one per
   package).  -1 with an error naming the entry that names nothing.  */
int og_keep_resolve (const og_inventory *inv, const char *const *keep, size_t n_keep,
                     size_t *pkgs, size_t *n_pkgs, bool *in, og_error **err);

/* Why is `what` (a package name, or an absolute path) in the image?  */
int og_why_write (const og_inventory *inv, const char *what, og_deps_format format, FILE *out,
                  og_error **err);

/* What could go: the leaves, what only they hold in, and with keep (package
   names or absolute paths) the closure that keeps them and what is outside.  */
int og_slim_write (const og_inventory *inv, const char *const *keep, size_t n_keep,
                   og_deps_format format, FILE *out, og_error **err);

/* Inside the open JSON map of package i of the inventory: "requires",
   "required_by" (names, in package order), "recommends" (dpkg) and,
   for dpkg, "essential" / "priority_required".  Nothing when the graph was
   not built.  For lib/output/json.c write_packages.  */
void og_package_write_deps_json (og_jw *w, const og_inventory *inv, size_t i);

#endif
