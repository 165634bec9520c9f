/* The string hash map (see strmap.h): open addressing, keys copied.  */
#include "base/strmap.h"
#include "base/util.h"

static size_t
hash_str (const char *s)
{
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    {
      h ^= (unsigned char)*s;
      h *= 1099511628211ull;
    }
  return (size_t)h;
}

static og_strmap_slot *
find_slot (og_strmap_slot *slots, size_t cap, const char *key, size_t h)
{
  size_t i = h & (cap - 1);
  for (;;)
    {
      og_strmap_slot *s = &slots[i];
      if (s->key == NULL || (s->hash == h && strcmp (s->key, key) == 0))
        return s;
      i = (i + 1) & (cap - 1);
    }
}

static void
rehash (og_strmap *m, size_t cap)
{
  og_strmap_slot *slots = og_xcalloc (cap, sizeof *slots);
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key)
      *find_slot (slots, cap, m->slots[i].key, m->slots[i].hash) = m->slots[i];
  free (m->slots);
  m->slots = slots;
  m->cap = cap;
}

void *
og_strmap_put (og_strmap *m, const char *key, void *value)
{
  size_t h = hash_str (key);
  og_strmap_slot *s;
  if ((m->n + 1) * 4 >= m->cap * 3)
    rehash (m, m->cap ? m->cap * 2 : 64);
  s = find_slot (m->slots, m->cap, key, h);
  if (s->key)
    {
      void *old = s->value;
      s->value = value;
      return old;
    }
  s->key = og_xstrdup (key);
  s->hash = h;
  s->value = value;
  m->n++;
  return NULL;
}

void *
og_strmap_get (const og_strmap *m, const char *key)
{
  og_strmap_slot *s;
  if (m->cap == 0)
    return NULL;
  s = find_slot (m->slots, m->cap, key, hash_str (key));
  return s->key ? s->value : NULL;
}

void **
og_strmap_value (const og_strmap *m, const char *key)
{
  og_strmap_slot *s;
  if (m->cap == 0)
    return NULL;
  s = find_slot (m->slots, m->cap, key, hash_str (key));
  return s->key ? &s->value : NULL;
}

int
og_strmap_has (const og_strmap *m, const char *key)
{
  if (m->cap == 0)
    return 0;
  return find_slot (m->slots, m->cap, key, hash_str (key))->key != NULL;
}

void
og_strmap_clear (og_strmap *m, void (*free_value) (void *))
{
  for (size_t i = 0; i < m->cap; i++)
    if (m->slots[i].key)
      {
        free (m->slots[i].key);
        if (free_value)
          free_value (m->slots[i].value);
      }
  free (m->slots);
  memset (m, 0, sizeof *m);
}
