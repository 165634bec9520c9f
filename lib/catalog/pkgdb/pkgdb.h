/* Package databases as data.  Every reader here is a pure function from bytes
   to packages: it never opens a path, never runs a package tool, and reads
   only through the bounds-checked reader (lib/reader.h).  `name` arguments are
   only for messages ("rpmdb /var/lib/rpm/Packages: record 12: ...").  */
#ifndef OG_PKGDB_H
#define OG_PKGDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/digest.h"
#include "base/error.h"

typedef enum og_pkg_type
{
  OG_PKG_RPM = 1,
  OG_PKG_DEB,
  OG_PKG_APK,
} og_pkg_type;

typedef struct og_pkg_file
{
  char *path;     /* absolute, as the package lists it: "/usr/bin/ls" */
  char *digest;   /* lower-case hex, or NULL (directories, links, ghost files, or none recorded) */
  uint64_t size;  /* 0 when the database does not say */
  uint32_t mode;  /* st_mode bits, 0 when the database does not say */
  uint32_t flags; /* OG_PKG_FILE_*: rpm FILEFLAGS as rpm has them; dpkg conffiles CONFIG */
  char *user;     /* rpm FILEUSERNAME, with og_pkglist.with_verify only; else NULL */
  char *group;    /* rpm FILEGROUPNAME, likewise */
  char *diverted; /* dpkg: where a diversion by another package (or a local one)
                     put this file, with og_pkglist.with_verify; else NULL */
  uint8_t
      state; /* rpm FILESTATES (0 normal, 1 replaced, 2 notinstalled, 3 netshared, 4 wrongcolor) */
} og_pkg_file;

/* og_pkg_file.flags: rpm's RPMFILE_* bits (include/rpm/rpmfiles.h), which
   dpkg's conffiles reuse as CONFIG.  */
enum
{
  OG_PKG_FILE_CONFIG = 1u << 0,
  OG_PKG_FILE_DOC = 1u << 1,
  OG_PKG_FILE_MISSINGOK = 1u << 3,
  OG_PKG_FILE_GHOST = 1u << 6,
};

/* Version comparison of a dependency or a provide, as rpm's RPMSENSE bits
   (include/rpm/rpmds.h): LESS 2, GREATER 4, EQUAL 8; 0 for none.  dpkg "<<"
   is LESS, "<=" LESS|EQUAL, "=" EQUAL, ">=" GREATER|EQUAL, ">>" GREATER;
   apk's "~" (fuzzy) is OG_DEP_FUZZY.  */
enum
{
  OG_DEP_LESS = 1u << 1,
  OG_DEP_GREATER = 1u << 2,
  OG_DEP_EQUAL = 1u << 3,
  OG_DEP_FUZZY = 1u << 4,
};

typedef enum og_dep_kind
{
  OG_DEP_REQUIRES = 0, /* rpm Requires, dpkg Depends, apk D: */
  OG_DEP_PRE_DEPENDS,  /* dpkg Pre-Depends */
  OG_DEP_RECOMMENDS,   /* dpkg Recommends: reported apart, not in the graph */
  OG_DEP_INSTALL_ONLY, /* rpm Requires(pre), (post), (pretrans), (posttrans) alone: needed
                          to install, not what keeps a package (rpm's Requirename index
                          leaves them out, lib/rpmdb.c), so not in the graph */
} og_dep_kind;

/* One alternative of a dependency, or one provide.  The alternatives of one
   dependency ("a | b" in dpkg) share `clause`; rpm and apk have one
   alternative per clause.  */
typedef struct og_pkg_dep
{
  char *name;      /* "libc6", "so:libc.musl-x86_64.so.1", "/bin/sh" */
  char *version;   /* NULL when unversioned */
  uint32_t sense;  /* OG_DEP_* bits; 0 when unversioned */
  uint32_t clause; /* index of the dependency this alternative belongs to */
  og_dep_kind kind;
} og_pkg_dep;

typedef struct og_pkg_deps
{
  og_pkg_dep *v;
  size_t n;
  size_t cap;
} og_pkg_deps;

typedef struct og_package
{
  og_pkg_type type;
  char *name;
  bool has_epoch;
  uint32_t epoch;
  char *version;
  char *release;        /* rpm only; NULL elsewhere */
  char *arch;           /* NULL when the database has none (rpm gpg-pubkey) */
  char *source;         /* rpm SOURCERPM, dpkg Source (name only), apk o: origin; may be NULL */
  char *source_version; /* dpkg "Source: name (version)"; NULL elsewhere */
  char *license;
  char *vendor;  /* rpm VENDOR, dpkg Maintainer ("Name <email>"); NULL elsewhere */
  char *state;   /* dpkg only: the Status field ("install ok installed"); NULL elsewhere */
  uint64_t size; /* rpm SIZE/LONGSIZE, dpkg Installed-Size (KiB * 1024), apk I: */
  og_digest_algo digest_algo; /* of files[].digest */
  og_pkg_file *files;
  size_t n_files;
  size_t cap_files;
  /* The files its database lists when the list itself is not kept (files
     NULL, n_files 0): a package restored from a layer cache entry, for the
     hook, which reads no file list (catalog/snapshot.c).  */
  size_t n_files_listed;
  og_pkg_deps depends;    /* what it needs (requires, pre-depends, recommends) */
  og_pkg_deps provides;   /* what it offers besides its own name */
  uint32_t n_clauses;     /* clauses in depends */
  bool essential;         /* dpkg "Essential: yes" */
  bool priority_required; /* dpkg "Priority: required" */
} og_package;

typedef struct og_pkglist
{
  og_package *pkgs;
  size_t n;
  size_t cap;
  bool with_deps;   /* set by the caller: also parse the dependency fields (depends,
                       provides, essential, priority_required), which only the
                       dependency graph reads; off, the hook pays nothing for them */
  bool with_verify; /* set by the caller: also parse what only verification reads
                       (rpm FILEUSERNAME/FILEGROUPNAME, dpkg Conffiles) */
} og_pkglist;

/* The number of files the package's database lists.  */
static inline size_t
og_package_file_count (const og_package *p)
{
  return p->n_files + p->n_files_listed;
}

/* Append a zeroed package and return it.  */
og_package *og_pkglist_add (og_pkglist *l);
/* Append a file entry (path is copied) and return it.  */
og_pkg_file *og_package_add_file (og_package *p, const char *path, size_t path_len);
void og_package_clear (og_package *p);
/* Append a dependency (or provide) to l; name and version are copied
   (version may be NULL).  */
og_pkg_dep *og_pkg_deps_add (og_pkg_deps *l, const char *name, size_t name_len, const char *version,
                             size_t version_len, uint32_t sense, uint32_t clause, og_dep_kind kind);
void og_pkg_deps_clear (og_pkg_deps *l);
void og_pkglist_clear (og_pkglist *l);
/* Drop the packages after the first n: a parser that fails leaves the list
   as it found it.  */
void og_pkglist_truncate (og_pkglist *l, size_t n);

/* "name-[epoch:]version-release.arch" for rpm, "name version arch" for others;
   the caller frees.  */
char *og_package_nevra (const og_package *p);

/* The version string that the ecosystem compares: rpm "[E:]V-R", dpkg
   "[E:]V", apk "V".  The caller frees.  */
char *og_package_evr (const og_package *p);

const char *og_pkg_type_name (og_pkg_type t); /* "rpm" "deb" "apk" */
/* The type that og_pkg_type_name names s; 0 when none does.  */
og_pkg_type og_pkg_type_parse (const char *s);

/* ---- rpm ---------------------------------------------------------------- */

/* Caps that bound what one header may claim (rpm lib/header.c uses similar ones).  */
#define OG_RPM_HEADER_MAX  (256u << 20)
#define OG_RPM_MAX_ENTRIES 65536u

/* Parse one header blob as stored in an rpmdb (no lead, no magic: il, dl,
   index entries, data).  Fills pkg; on error pkg is left cleared.  `what`
   names the record in messages.  Source: rpm lib/header.c (hdrblobInit,
   hdrblobVerifyInfo, hdrblobVerifyRegion) and lib/header_internal.h.  */
int og_rpm_header_parse (const uint8_t *blob, size_t len, const char *what, og_package *pkg,
                         og_error **err);
/* The same, with the dependency fields only with OG_RPM_PARSE_DEPS
   (og_rpm_header_parse parses them) and the files' user and group names
   only with OG_RPM_PARSE_VERIFY.  */
enum
{
  OG_RPM_PARSE_DEPS = 1u << 0,
  OG_RPM_PARSE_VERIFY = 1u << 1,
};
int og_rpm_header_parse_ex (const uint8_t *blob, size_t len, const char *what, unsigned parts,
                            og_package *pkg, og_error **err);

/* Backends.  Each walks its container format and hands every header blob to
   fn in storage order (recno: the rpmdb instance number, for messages); the
   _read functions parse every blob with og_rpm_header_parse into out.
   `name` is the database path for messages.  */
typedef int (*og_rpm_blob_fn) (const uint8_t *blob, size_t len, uint32_t recno, void *userdata,
                               og_error **err);
int og_rpmdb_sqlite_foreach (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                             void *userdata, og_error **err);
int og_rpmdb_bdb_foreach (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                          void *userdata, og_error **err);
int og_rpmdb_ndb_foreach (const uint8_t *data, size_t len, const char *name, og_rpm_blob_fn fn,
                          void *userdata, og_error **err);

int og_rpmdb_sqlite_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                          og_error **err);
int og_rpmdb_bdb_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                       og_error **err);
int og_rpmdb_ndb_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                       og_error **err);

typedef enum og_rpmdb_backend
{
  OG_RPMDB_UNKNOWN = 0,
  OG_RPMDB_SQLITE,
  OG_RPMDB_NDB,
  OG_RPMDB_BDB,
} og_rpmdb_backend;

/* By content: SQLite magic, then NDB magic, then Berkeley DB hash magic.  */
og_rpmdb_backend og_rpmdb_detect (const uint8_t *data, size_t len);
const char *og_rpmdb_backend_name (og_rpmdb_backend b); /* "sqlite" "ndb" "bdb" */
int og_rpmdb_read (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                   og_error **err);

/* ---- dpkg --------------------------------------------------------------- */

/* var/lib/dpkg/status: every stanza with a Package field; packages whose
   files may be on disk (dpkg's "installed", "half-installed", "unpacked",
   "half-configured", "triggers-awaited", "triggers-pending") are kept, others
   (not-installed, config-files) are dropped.  Source: deb-control(5),
   dpkg lib/dpkg/parse.c and dpkg(1) "PACKAGE STATES".  */
int og_dpkg_status_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                          og_error **err);

/* A distroless var/lib/dpkg/status.d/<name> file: stanzas with no Status
   field, all taken as installed.  */
int og_dpkg_statusd_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                           og_error **err);

/* info/<pkg>.list: one absolute path a line; adds files to pkg.  */
int og_dpkg_list_parse (const uint8_t *data, size_t len, const char *name, og_package *pkg,
                        og_error **err);

/* info/<pkg>.md5sums or status.d/<pkg>.md5sums: "<md5>  <path without leading />".
   Sets the digest of the matching files (adding files not yet listed).  */
int og_dpkg_md5sums_parse (const uint8_t *data, size_t len, const char *name, og_package *pkg,
                           og_error **err);

/* var/lib/dpkg/diversions: triples of lines "FROM", "TO", "PACKAGE" (":" for
   a local diversion).  With them, the files that packages other than the
   diverting one list at FROM get `diverted` = TO, where dpkg's verify looks
   for them (dpkg src/main/verify.c namenodetouse).  Source: dpkg-divert(1),
   dpkg src/main/divertdb.c.  */
int og_dpkg_diversions_apply (const uint8_t *data, size_t len, const char *name, og_pkglist *l,
                              og_error **err);

/* ---- apk ---------------------------------------------------------------- */

/* lib/apk/db/installed.  Source: apk-tools doc/apk-installed / the
   "Apk spec" (wiki.alpinelinux.org/wiki/Apk_spec).  */
int og_apk_installed_parse (const uint8_t *data, size_t len, const char *name, og_pkglist *out,
                            og_error **err);

#endif
