/* The layer cache's directory (/var/cache/ocigate by default): entries
   named by their key's sha256, kept below a size (least recently used out),
   written atomically, and the counters `ocigate doctor` reports.  */
#ifndef OG_RUNTIME_CACHEDIR_H
#define OG_RUNTIME_CACHEDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/digest.h"
#include "base/error.h"
#include "catalog/cache.h"

/* Largest entry read back.  */
#define OG_CACHE_ENTRY_MAX (256u << 20)

/* One use of the cache by the hook: everything it opens is opened before
   the sandbox (og_cachedir_open), and a new entry is written into a file
   made then (O_TMPFILE) and linked into place after (og_cachedir_publish;
   the sandbox allows exactly that link, og_sandbox_allow_link).  */
typedef struct og_cachedir
{
  int dirfd;   /* the cache directory */
  int tmpfd;   /* O_TMPFILE for a new entry, or -1 */
  int statsfd; /* the counters, O_APPEND, or -1 */
  uint64_t max_bytes;
  char name[OG_SHA256_HEX_LEN + 8]; /* "<sha256 of the key>.oglc" */
  uint8_t *entry;                   /* the entry found (not yet verified), or NULL */
  size_t entry_len;
  /* The hit memo (runtime/hitmemo.h) "<sha256 of the key>.oglr", taken out
     of the directory by og_cachedir_take_memo, and the file for the one
     this launch keeps.  */
  uint8_t *memo;
  size_t memo_len;
  int memo_tmpfd;
} og_cachedir;

/* Open (making it 0700 when missing) the cache directory dir, which must be
   a directory owned by root and writable by nobody else; drop the least
   recently used entries past max_bytes; read the entry named by key_hex
   (and mark it used), or make a file for a new one.  */
int og_cachedir_open (const char *dir, uint64_t max_bytes, const char *key_hex, og_cachedir *out,
                      og_error **err);
/* Before the sandbox: remove the entry found (it did not verify) and make
   a file for its replacement.  */
int og_cachedir_drop (og_cachedir *c, og_error **err);
/* Write data as the entry and link it into place (a concurrent hook that
   got there first is as good).  */
int og_cachedir_publish (og_cachedir *c, const void *data, size_t len, og_error **err);
/* Before the sandbox, on a hit: read the stack's hit memo (NULL when there
   is none), remove it from the directory (so that the launch may link the
   one it makes in its place: the sandbox allows linkat, never unlink or
   rename) and make a file for the new one.  */
int og_cachedir_take_memo (og_cachedir *c, og_error **err);
/* Write data as the memo and link it into place.  */
int og_cachedir_publish_memo (og_cachedir *c, const void *data, size_t len, og_error **err);
/* Count one use: hit, miss, invalid or unsupported.  */
void og_cachedir_count (og_cachedir *c, og_cache_state s);
/* The highest fd the hook writes to after the sandbox.  */
int og_cachedir_max_fd (const og_cachedir *c);
void og_cachedir_close (og_cachedir *c);

/* What `ocigate doctor` reports of a cache directory.  */
typedef struct og_cache_stats
{
  uint64_t entries; /* the stacks' entries (their hit memos are not counted) */
  uint64_t bytes;   /* of the entries and the memos */
  uint64_t hits, misses, invalid, unsupported;
} og_cache_stats;
/* Returns 0, 1 when dir does not exist, -1 with *err.  */
int og_cache_stats_read (const char *dir, og_cache_stats *out, og_error **err);

#endif
