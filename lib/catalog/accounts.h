/* The user and group names of an image, read from its own /etc/passwd and
   /etc/group as data (never through NSS, which would run the host's or the
   image's modules): numbers to names for the tables a person reads.  */
#ifndef OG_CATALOG_ACCOUNTS_H
#define OG_CATALOG_ACCOUNTS_H

#include <stddef.h>
#include <stdint.h>

#include "base/util.h"

typedef struct og_idname
{
  uint32_t id;
  char *name;
} og_idname;

/* Names by number, sorted by id; the first entry of an id wins, as
   getpwuid(3) returns the first.  */
typedef struct og_idnames
{
  og_idname *v;
  size_t n;
} og_idnames;

/* At most this many entries are kept, and lines longer than
   OG_ACCOUNTS_LINE_MAX are skipped: the files are the image's.  */
#define OG_ACCOUNTS_MAX      65536
#define OG_ACCOUNTS_LINE_MAX 4096
/* Where they are, and the most read of each.  */
#define OG_ACCOUNTS_PASSWD   "/etc/passwd"
#define OG_ACCOUNTS_GROUP    "/etc/group"
#define OG_ACCOUNTS_FILE_MAX (4u << 20)

/* Parse passwd(5) or group(5) bytes (NAME:x:ID:...; the number is the third
   field in both) into out.  Malformed lines are skipped.  */
void og_idnames_parse (const uint8_t *data, size_t len, og_idnames *out);
/* The name of id, or NULL.  */
const char *og_idnames_find (const og_idnames *names, uint32_t id);
void og_idnames_clear (og_idnames *names);
/* "0:42 (root:shadow)" appended to b: the numbers, then the names users and
   groups give them (a number stands for a name they lack; no names at all:
   the numbers alone).  The one wording of an owner in every table.  */
void og_owner_format (og_buf *b, const og_idnames *users, const og_idnames *groups, uint32_t uid,
                      uint32_t gid);

#endif
