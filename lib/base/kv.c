/* Key/value pairs (see kv.h).  */
#include "base/kv.h"
#include "base/util.h"

const char *
og_kv_get (const og_kv *kv, size_t n, const char *key)
{
  for (size_t i = 0; i < n; i++)
    if (strcmp (kv[i].key, key) == 0)
      return kv[i].value;
  return NULL;
}

void
og_kv_free (og_kv *kv, size_t n)
{
  for (size_t i = 0; i < n; i++)
    {
      free (kv[i].key);
      free (kv[i].value);
    }
  free (kv);
}
