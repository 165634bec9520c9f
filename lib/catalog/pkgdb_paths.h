/* Where the catalog finds what it reads whole from a source: os-release and
   the package databases (rpm, dpkg, apk).  The one place that knows these
   paths: build.c reads them, and image sources are told by og_pkgdb_keep
   which files to keep in memory for it.  Sources: os-release(5); rpm
   lib/rpmdb.c (_dbpath), dpkg lib/dpkg/dbdir.c (ADMINDIR), apk-tools
   src/database.c (apk_installed_file).  */
#ifndef OG_CATALOG_PKGDB_PATHS_H
#define OG_CATALOG_PKGDB_PATHS_H

#include <stddef.h>

/* os-release: the first that exists.  */
static const char *const og_osrelease_paths[] = { "/etc/os-release", "/usr/lib/os-release" };

/* rpm: the database directories (Fedora links /var/lib/rpm to
   /usr/lib/sysimage/rpm) and, in each, the files of its backends in the
   order tried (sqlite, ndb, bdb).  */
static const char *const og_rpmdb_dirs[]
    = { "/var/lib/rpm", "/usr/lib/sysimage/rpm", "/usr/share/rpm" };
static const char *const og_rpmdb_files[] = { "rpmdb.sqlite", "Packages.db", "Packages" };

/* dpkg: the status file, distroless's status.d/ and the info/ lists.  */
#define OG_DPKG_STATUS   "/var/lib/dpkg/status"
#define OG_DPKG_STATUS_D "/var/lib/dpkg/status.d"
#define OG_DPKG_INFO     "/var/lib/dpkg/info"
/* A package's copyright file, OG_DPKG_DOC "/PKG/copyright" (Debian Policy
   12.5), read for its licenses when it is machine-readable (DEP-5).  */
#define OG_DPKG_DOC           "/usr/share/doc"
#define OG_DPKG_COPYRIGHT_MAX (1u << 20)
/* dpkg-divert's database: read only for verification.  */
#define OG_DPKG_DIVERSIONS "/var/lib/dpkg/diversions"

/* apk.  */
#define OG_APK_INSTALLED "/lib/apk/db/installed"

/* The directories that hold every file above that the packages are read
   from (os-release and the accounts aside): a layer cache entry's package
   snapshot (catalog/snapshot.c) stands for them only while an overlay's
   upper layer and mounts leave them as the lower layers have them.  */
static const char *const og_pkgdb_dirs[]
    = { "/var/lib/rpm", "/usr/lib/sysimage/rpm", "/usr/share/rpm", "/var/lib/dpkg", "/lib/apk/db" };

/* What an image source keeps whole of the files its layers hold, so that the
   paths above can be read from it (see og_source_options.keep): patterns on
   the last components of a file's real path in any layer, so that
   /var/lib/rpm -> ../../usr/lib/sysimage/rpm is covered by the names of the
   directories that hold the files.  Every path above must match one of
   them (test_source_image checks it).  */
static const char *const og_pkgdb_keep[] = {
  "os-release",           /* /etc/os-release, /usr/lib/os-release */
  "lib/rpm/*",            /* /var/lib/rpm (and its -wal, -shm companions) */
  "sysimage/rpm/*",       /* /usr/lib/sysimage/rpm */
  "share/rpm/*",          /* /usr/share/rpm */
  "dpkg/status",          /* OG_DPKG_STATUS */
  "dpkg/status.d/*",      /* OG_DPKG_STATUS_D */
  "dpkg/info/?*.list",    /* OG_DPKG_INFO */
  "dpkg/info/?*.md5sums", /* OG_DPKG_INFO */
  "doc/?*/copyright",     /* OG_DPKG_DOC */
  "dpkg/diversions",      /* OG_DPKG_DIVERSIONS */
  "apk/db/installed",     /* OG_APK_INSTALLED */
  "etc/passwd",           /* OG_ACCOUNTS_PASSWD (catalog/accounts.h), for owner names */
  "etc/group",            /* OG_ACCOUNTS_GROUP */
  NULL,
};

#endif
