/* Building an inventory from a source: the package databases, the walk,
   ELF facts, capabilities, and who owns what.  */
#ifndef OG_CATALOG_BUILD_H
#define OG_CATALOG_BUILD_H

#include "catalog/inventory.h"
#include "source/source.h"

enum
{
  OG_INV_FILES = 1 << 0,        /* record every entry, for `ocigate files` */
  OG_INV_CROSS_MOUNTS = 1 << 2, /* directory source: descend into other filesystems */
  OG_INV_NO_PACKAGES = 1 << 3,  /* skip the package databases */
  OG_INV_DEPS = 1 << 4,         /* resolve the packages' dependencies into inv->deps */
  OG_INV_LICENSES = 1 << 5,     /* dpkg: licenses from machine-readable copyright files */
  /* Check the executables that packages own (OG_INV_VERIFY), or every file
     that packages own (OG_INV_VERIFY_ALL), against the packages'
     databases: og_exec.integrity and inv->verified (integrity.c).  */
  OG_INV_VERIFY = 1 << 6,
  OG_INV_VERIFY_ALL = 1 << 7,
  /* The names of users and groups from the tree's own /etc/passwd and
     /etc/group (inv->users, inv->groups), for the tables: what the hook's
     verdict never needs, so it does not read them.  */
  OG_INV_ACCOUNTS = 1 << 8,
};

/* The executables carry the sha256 that the source's entries carry: open
   it with og_source_options.digests to have them.  */
int og_inventory_build (og_source *src, unsigned flags, og_inventory *inv, og_error **err);
/* The same, leaving out the runtime's placeholders: the hook passes the
   (normalised, absolute, never "/") destinations of the container's mounts,
   and an entry at exactly such a path is left out when it is an empty
   regular file (podman's /etc/hostname, /etc/hosts, /run/.containerenv are
   such placeholders in the root filesystem); inv->skipped lists it with the
   reason OG_SKIPPED_EXCLUDED.  Nothing below a destination is left out:
   what an image holds under its own VOLUME is inspected.  */
int og_inventory_build_excluding (og_source *src, unsigned flags, const char *const *excludes,
                                  size_t n_excludes, og_inventory *inv, og_error **err);
/* The same, with the walk of src made by walker (catalog/merge.c: a layer
   cache replayed into the walk of an overlay root), which hands fn the
   entries og_source_walk would, in the same order.  */
typedef int (*og_inventory_walker) (og_source *src, unsigned walk_flags, og_walk_fn fn,
                                    void *fn_data, void *walker_data, og_error **err);
/* After the walk, in place of the package databases (with flags 0 only):
   1 when it filled inv->dbs, inv->packages and every executable's owner
   exactly as reading the databases would, 0 to read them, -1 with *err.  */
typedef int (*og_inventory_restore) (og_inventory *inv, void *walker_data, og_error **err);
int og_inventory_build_walked (og_source *src, unsigned flags, const char *const *excludes,
                               size_t n_excludes, og_inventory_walker walker, void *walker_data,
                               og_inventory_restore restore, og_inventory *inv, og_error **err);
/* Is e one that og_inventory_build_excluding leaves out: an empty regular
   file at exactly one of the n excludes?  */
bool og_inventory_excludes (const char *const *excludes, size_t n, const og_entry *e);

/* The os-release of a source alone (into os, which the caller clears):
   what the hook's host config rules need to pick a manifest before the
   one walk that og_inventory_build makes.  0 also when there is none.  */
int og_inventory_read_os (og_source *src, og_osrelease *os, og_error **err);

#endif
