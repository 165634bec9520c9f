/* Writers: they read the inventory only, never a source.  */
#ifndef OG_OUTPUT_H
#define OG_OUTPUT_H

#include <stdio.h>

#include "base/digest.h"
#include "catalog/inventory.h"
#include "json/writer.h"

/* The counters of a summary, by group, and the set each document writes.  */
enum
{
  OG_SUMMARY_PACKAGES = 1 << 0,
  OG_SUMMARY_EXECUTABLES = 1 << 1,
  OG_SUMMARY_KINDS = 1 << 2,     /* elf, scripts, other */
  OG_SUMMARY_PRIVILEGE = 1 << 3, /* setuid, setgid, capabilities */
  OG_SUMMARY_OWNED = 1 << 4,
  OG_SUMMARY_UNOWNED = 1 << 5,
  OG_SUMMARY_MODIFIED = 1 << 6,
  OG_SUMMARY_SKIPPED = 1 << 7,
  OG_SUMMARY_FILES = 1 << 8,
  OG_SUMMARY_AUDIT
  = OG_SUMMARY_PACKAGES | OG_SUMMARY_EXECUTABLES | OG_SUMMARY_PRIVILEGE | OG_SUMMARY_UNOWNED,
  OG_SUMMARY_CHECK = OG_SUMMARY_AUDIT | OG_SUMMARY_MODIFIED,
  OG_SUMMARY_INVENTORY
  = OG_SUMMARY_AUDIT | OG_SUMMARY_KINDS | OG_SUMMARY_OWNED | OG_SUMMARY_SKIPPED,
};

/* Write "key": {counters in fields} (null when s is NULL).  */
void og_summary_write (og_jw *w, const char *key, const og_inventory_summary *s, unsigned fields);

/* The fields every package record starts with: "type", "name", "epoch"
   (null without one), "version", "release".  */
void og_package_write_nevr (og_jw *w, const og_package *p);

/* "mode" (og_mode_octal), "uid", "gid", "size": the facts that every file
   and executable record writes, in that order.  */
void og_stat_write (og_jw *w, uint32_t mode, uint32_t uid, uint32_t gid, uint64_t size);

/* ocigate.inventory/v1 */
int og_inventory_write_json (const og_inventory *inv, FILE *out, og_error **err);
/* sha256 of the canonical inventory: the compact ocigate.inventory/v1 JSON
   without `source` and `layer` (what the image holds, not where it came from).  */
int og_inventory_digest (const og_inventory *inv, og_sha256_hex out, og_error **err);
int og_inventory_write_table (const og_inventory *inv, FILE *out, og_error **err);

/* ocigate.files/v1: every entry (or those under `under`; executables only
   when executables_only).  */
int og_files_write_json (const og_inventory *inv, const char *under, bool executables_only,
                         FILE *out, og_error **err);
int og_files_write_table (const og_inventory *inv, const char *under, bool executables_only,
                          FILE *out, og_error **err);

/* `ocigate verify`: inv->verified and the unowned executables, as an rpm -V
   style table or as ocigate.verify/v1.  */
int og_verify_write_table (const og_inventory *inv, FILE *out, og_error **err);
int og_verify_write_json (const og_inventory *inv, FILE *out, og_error **err);

/* "file" "dir" "symlink" "char" "block" "fifo" "socket" of st_mode.  */
const char *og_file_type_name (uint32_t mode);
/* "4755" style permission bits.  */
void og_mode_octal (uint32_t mode, char out[8]);
/* "drwxr-xr-x" style, as ls prints it.  */
void og_mode_string (uint32_t mode, char out[11]);

/* Is path equal to prefix or below it?  ("/" is above everything.)  */
bool og_path_under (const char *path, const char *prefix);
/* The file after prev (the first when prev is NULL) that `files` lists:
   under `under`, and an executable when executables_only; NULL after the last.  */
const og_file *og_files_next (const og_inventory *inv, const og_file *prev, const char *under,
                              bool executables_only);

#endif
