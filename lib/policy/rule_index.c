/* Rule indexes of manifest lists (see rule_index.h): hash buckets for the
   literal, directory-prefix and basename shapes of glob, a scan for the rest.  */
#include "policy/glob.h"
#include "policy/rule_index.h"
#include "base/util.h"

typedef struct bucket
{
  size_t *v;
  size_t n;
  size_t cap;
} bucket;

static void
bucket_free (void *p)
{
  bucket *b = p;
  if (b)
    free (b->v);
  free (b);
}

static void
bucket_add (og_strmap *m, const char *key, size_t rule)
{
  bucket *b = og_strmap_get (m, key);
  if (b == NULL)
    {
      b = og_xcalloc (1, sizeof *b);
      og_strmap_put (m, key, b);
    }
  og_grow (&b->v, &b->cap, b->n + 1, sizeof *b->v);
  b->v[b->n++] = rule;
}

void
og_rule_index_add (og_rule_index *idx, const char *pat, bool path, size_t rule)
{
  cleanup_free char *lit = og_glob_literal (pat);
  cleanup_free char *dir = NULL;
  cleanup_free char *base = NULL;

  if (lit)
    {
      bucket_add (&idx->exact, lit, rule);
      return;
    }
  if (path && (dir = og_glob_dir_prefix (pat)) != NULL)
    {
      bucket_add (&idx->dirs, dir, rule);
      return;
    }
  if (path && (base = og_glob_any_basename (pat)) != NULL)
    {
      bucket_add (&idx->basenames, base, rule);
      return;
    }
  if (path && pat[0] == '/')
    {
      /* The literal directory before the first wildcard or escape.  */
      size_t stop = strcspn (pat, "*?[\\"), slash = 0;
      for (size_t i = 0; i < stop; i++)
        if (pat[i] == '/')
          slash = i;
      {
        cleanup_free char *d = og_xstrndup (pat, slash);
        bucket_add (&idx->globdirs, d, rule);
      }
      return;
    }
  og_grow (&idx->globs, &idx->cap_globs, idx->n_globs + 1, sizeof *idx->globs);
  idx->globs[idx->n_globs++] = rule;
}

void
og_rule_index_clear (og_rule_index *idx)
{
  og_strmap_clear (&idx->exact, bucket_free);
  og_strmap_clear (&idx->dirs, bucket_free);
  og_strmap_clear (&idx->basenames, bucket_free);
  og_strmap_clear (&idx->globdirs, bucket_free);
  free (idx->globs);
  memset (idx, 0, sizeof *idx);
}

static bool
visit_bucket (const og_strmap *m, const char *key, bool certain, og_candidate_fn fn, void *ud)
{
  const bucket *b = m->n ? og_strmap_get (m, key) : NULL;
  if (b)
    for (size_t i = 0; i < b->n; i++)
      if (fn (b->v[i], certain, ud))
        return true;
  return false;
}

void
og_rule_index_candidates (const og_rule_index *idx, const char *key, bool path, og_candidate_fn fn,
                          void *ud)
{
  if (visit_bucket (&idx->exact, key, true, fn, ud))
    return;
  if (path && (idx->dirs.n || idx->globdirs.n))
    {
      char buf[512];
      cleanup_free char *heap = NULL;
      size_t len = strlen (key);
      char *p = buf, *slash;
      if (len >= sizeof buf)
        p = heap = og_xstrdup (key);
      else
        memcpy (buf, key, len + 1);
      while ((slash = strrchr (p, '/')) != NULL)
        {
          *slash = '\0';
          if (visit_bucket (&idx->dirs, p, true, fn, ud)
              || visit_bucket (&idx->globdirs, p, false, fn, ud))
            return;
        }
    }
  if (path && idx->basenames.n)
    {
      const char *base = strrchr (key, '/');
      if (visit_bucket (&idx->basenames, base ? base + 1 : key, true, fn, ud))
        return;
    }
  for (size_t i = 0; i < idx->n_globs; i++)
    if (fn (idx->globs[i], false, ud))
      return;
}
