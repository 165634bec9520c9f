/* The inventory: plain data built from a source, and the only thing that the
   policy, the outputs and the diff read.  */
#ifndef OG_INVENTORY_H
#define OG_INVENTORY_H

#include <sys/types.h>

#include "catalog/accounts.h"
#include "catalog/deps.h"
#include "catalog/elfinfo.h"
#include "catalog/osrelease.h"
#include "catalog/pkgdb/pkgdb.h"
#include "source/info.h"

typedef enum og_integrity
{
  OG_INTEGRITY_UNCHECKED = 0,
  OG_INTEGRITY_OK,
  OG_INTEGRITY_MODIFIED,
  OG_INTEGRITY_UNOWNED,
  OG_INTEGRITY_MISSING,      /* a packaged file that is gone */
  OG_INTEGRITY_UNVERIFIABLE, /* the database (or the source) holds no digest for it */
} og_integrity;

/* What differs between a packaged file and its database record
   (og_verified.differs), in rpm -V's order: S size, M mode (type and
   permissions), 5 digest, U user, G group.  */
enum
{
  OG_DIFF_SIZE = 1u << 0,
  OG_DIFF_MODE = 1u << 1,
  OG_DIFF_DIGEST = 1u << 2,
  OG_DIFF_USER = 1u << 3,
  OG_DIFF_GROUP = 1u << 4,
};

typedef enum og_verify_scope
{
  OG_VERIFY_NONE = 0,
  OG_VERIFY_EXECUTABLES, /* the executables packages own */
  OG_VERIFY_ALL,         /* every file packages own */
} og_verify_scope;

/* One packaged file that verification found not as its package installed
   it (only with OG_INV_VERIFY or OG_INV_VERIFY_ALL): modified, missing or
   unverifiable.  Files found ok are only counted (summary.verified_ok).  */
typedef struct og_verified
{
  char *path;   /* canonical in the tree: "/usr/bin/bash" */
  char *listed; /* as the package lists it, when that differs ("/bin/bash"); else NULL */
  ssize_t package;
  ssize_t exec; /* index into inv->execs, or -1 */
  og_integrity integrity;
  unsigned differs; /* OG_DIFF_* (modified only) */
  bool config;      /* rpm %config, dpkg conffile */
  og_digest_algo algo;
  char *want_digest; /* the database's, hex; NULL when none */
  char *have_digest; /* what the file holds now, when computed */
  uint64_t want_size, have_size;
  uint32_t want_mode, have_mode;
  char *want_user, *want_group; /* rpm: names as the database records them */
  uint32_t have_uid, have_gid;
} og_verified;

typedef struct og_exec
{
  char *path;
  uint32_t mode; /* permission bits and type bits, as st_mode */
  uint32_t uid;
  uint32_t gid;
  uint64_t size;
  uint64_t nlink;
  og_exec_class cls;
  bool setuid;
  bool setgid;
  char *capabilities; /* "cap_net_raw=ep", or NULL */
  ssize_t package;    /* index into inv->packages.pkgs, or -1 */
  og_integrity integrity;
  char *sha256; /* hex, when computed */
  int layer;    /* image sources: index into source.layers; else -1 */
} og_exec;

/* Any entry, for `ocigate files`.  */
typedef struct og_file
{
  char *path;
  char *link_target;
  uint32_t mode;
  uint32_t uid;
  uint32_t gid;
  uint64_t size;
  ssize_t package;
  ssize_t exec; /* index into inv->execs, or -1 */
} og_file;

/* Why the walk left something out of the inventory.  */
typedef enum og_skip_reason
{
  OG_SKIPPED_MOUNT = 1, /* a mount point or another filesystem, not entered (no --cross-mounts) */
  OG_SKIPPED_EXCLUDED,  /* a path the caller excluded (the hook: a mount destination) */
} og_skip_reason;

/* One thing left out: a mount point directory (listed, not entered), a
   file on another mount, or the top of an excluded subtree.  */
typedef struct og_skipped
{
  char *path;
  uint32_t mode; /* st_mode, type bits included */
  og_skip_reason reason;
} og_skipped;

typedef struct og_pkgdb_ref
{
  char *type;    /* "rpm" "deb" "apk" */
  char *path;    /* inside the root */
  char *backend; /* "sqlite" "bdb" "ndb" "status" "status.d" "installed" */
} og_pkgdb_ref;

typedef struct og_inventory_summary
{
  size_t packages;
  size_t executables;
  size_t elf;
  size_t scripts;
  size_t other;
  size_t setuid;
  size_t setgid;
  size_t capabilities;
  size_t owned;
  size_t unowned;
  size_t modified;
  size_t files;
  /* With verification: packaged files checked, and what was found.  */
  size_t verified;
  size_t verified_ok;
  size_t verified_modified;
  size_t verified_missing;
  size_t verified_unverifiable;
  size_t skipped; /* n_skipped: what the walk left out */
} og_inventory_summary;

typedef struct og_inventory
{
  og_source_info source;
  og_osrelease os;
  og_pkgdb_ref *dbs;
  size_t n_dbs;
  og_pkglist packages;
  og_exec *execs;
  size_t n_execs;
  og_file *files; /* only with OG_INV_FILES */
  size_t n_files;
  og_skipped *skipped; /* in walk order */
  size_t n_skipped;
  og_inventory_summary summary;
  og_depgraph deps;       /* only with OG_INV_DEPS: deps.links is NULL otherwise */
  og_verify_scope verify; /* what verification checked (OG_INV_VERIFY, OG_INV_VERIFY_ALL) */
  og_verified *verified;  /* in package order, then the package's file order */
  size_t n_verified;
  og_idnames users;  /* the image's /etc/passwd: uid -> name, for tables */
  og_idnames groups; /* the image's /etc/group: gid -> name */
} og_inventory;

void og_inventory_clear (og_inventory *inv);
#define cleanup_inventory __attribute__ ((cleanup (og_inventory_clear)))

/* "unchecked" "ok" "modified" "unowned" "missing" "unverifiable" */
const char *og_integrity_name (og_integrity i);
const char *og_skip_reason_name (og_skip_reason r); /* "mount" "excluded" */

#endif
