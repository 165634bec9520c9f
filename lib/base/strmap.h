/* A string -> pointer hash map (open addressing, FNV-1a), keys owned by the map. */
#ifndef OG_STRMAP_H
#define OG_STRMAP_H

#include <stddef.h>

typedef struct og_strmap_slot
{
  char *key;
  void *value;
  size_t hash;
} og_strmap_slot;

typedef struct og_strmap
{
  og_strmap_slot *slots;
  size_t cap; /* a power of two, or 0 */
  size_t n;
} og_strmap;

/* Insert or replace; returns the previous value (or NULL).  */
void *og_strmap_put (og_strmap *m, const char *key, void *value);
void *og_strmap_get (const og_strmap *m, const char *key);
/* Like get, but tells a stored NULL value apart from absence.  */
int og_strmap_has (const og_strmap *m, const char *key);
/* Where the value of key is stored, or NULL when key is absent.  */
void **og_strmap_value (const og_strmap *m, const char *key);
void og_strmap_clear (og_strmap *m, void (*free_value) (void *));

#endif
