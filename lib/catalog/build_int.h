/* What the parts of the inventory builder share (build.c, databases.c,
   ownership.c): the state of one build.  Internal to catalog/.  */
#ifndef OG_CATALOG_BUILD_INT_H
#define OG_CATALOG_BUILD_INT_H

#include "base/strmap.h"
#include "catalog/build.h"

typedef struct build_state
{
  og_source *src;
  og_inventory *inv;
  unsigned flags;
  og_strmap owners;   /* canonical path -> package index + 1 */
  og_strmap dircache; /* directory as a package lists it -> canonical dir ("" when unresolvable) */
  og_strmap tree;     /* every directory (value DIR_MARK) and symlink (its target) the walk saw */
  size_t entries;
  size_t cap_execs;
  size_t cap_files;
  const char *const *excludes; /* exact paths whose empty placeholder file is left out */
  size_t n_excludes;
  og_idxv pending; /* executables whose sha256 the source gives through inspect */
} build_state;

/* The value of a directory in build_state.tree (symlinks hold their target).  */
extern char og_catalog_dir_mark[];
#define OG_CATALOG_DIR_MARK og_catalog_dir_mark
void og_catalog_tree_value_free (void *v);

/* os-release into inv->os (databases.c).  */
int og_catalog_load_os (build_state *st, og_error **err);
/* The image's /etc/passwd and /etc/group into inv->users and inv->groups
   (databases.c); a missing or unreadable one leaves them empty.  */
int og_catalog_load_accounts (build_state *st, og_error **err);
/* Every package database the source holds: rpm, dpkg, apk (databases.c).  */
int og_catalog_load_packages (build_state *st, og_error **err);
/* Index the paths the inventory reports by the package that lists them, and
   join executables and files to their owners (ownership.c).  */
int og_catalog_index_owners (build_state *st, og_error **err);
void og_catalog_join_owners (build_state *st);
/* The canonical path of a path as a package lists it, its directory
   resolved against the walked tree; NULL with *err clear when its directory
   is not in the tree (ownership.c).  The caller frees.  */
char *og_catalog_canonical_path (build_state *st, const char *listed, og_error **err);
/* Packaged files checked against their databases, with OG_INV_VERIFY or
   OG_INV_VERIFY_ALL (integrity.c).  */
int og_catalog_verify (build_state *st, og_error **err);

#endif
