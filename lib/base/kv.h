/* Key/value pairs (annotations), the one type for them: parsed from the OCI
   state and config.json, matched by host-config rules, written to the audit
   record.  */
#ifndef OG_KV_H
#define OG_KV_H

#include <stddef.h>

typedef struct og_kv
{
  char *key;
  char *value;
} og_kv;

/* The value of key, or NULL.  */
const char *og_kv_get (const og_kv *kv, size_t n, const char *key);
void og_kv_free (og_kv *kv, size_t n);

#endif
