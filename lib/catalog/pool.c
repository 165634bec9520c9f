/* The catalog's parallel loop (see pool.h): items taken by an atomic
   counter, so a thread that got a large file does not hold the others.  */
#include <pthread.h>

#include "catalog/pool.h"
#include "base/deadline.h"
#include "base/util.h"

#define POOL_MAX_THREADS    8
#define POOL_MIN_PER_THREAD 32 /* fewer items are not worth a thread */

typedef struct pool
{
  og_pool_fn fn;
  void *ctx;
  size_t n;
  size_t next; /* atomic: the next item to take */
  int stop;    /* atomic: an item failed */
  pthread_mutex_t mu;
  og_error *err; /* of the failed item with the lowest index */
  size_t err_at;
} pool;

static void *
pool_worker (void *arg)
{
  pool *pl = arg;
  size_t i;
  while (!__atomic_load_n (&pl->stop, __ATOMIC_RELAXED)
         && (i = __atomic_fetch_add (&pl->next, 1, __ATOMIC_RELAXED)) < pl->n)
    {
      og_error *e = NULL;
      int r = (i & 255) == 255 ? og_deadline_check (&e) : 0;
      if (r == 0)
        r = pl->fn (pl->ctx, i, &e);
      if (r < 0)
        {
          pthread_mutex_lock (&pl->mu);
          if (pl->err == NULL || i < pl->err_at)
            {
              og_error_free (pl->err);
              pl->err = og_steal_pointer (&e);
              pl->err_at = i;
            }
          pthread_mutex_unlock (&pl->mu);
          og_error_free (e);
          __atomic_store_n (&pl->stop, 1, __ATOMIC_RELAXED);
        }
    }
  return NULL;
}

int
og_catalog_parallel (size_t n, og_pool_fn fn, void *ctx, og_error **err)
{
  pool pl = { .fn = fn, .ctx = ctx, .n = n };
  pthread_t tids[POOL_MAX_THREADS];
  size_t want = og_usable_cpus (), started = 0;

  if (want > POOL_MAX_THREADS)
    want = POOL_MAX_THREADS;
  if (want > n / POOL_MIN_PER_THREAD)
    want = n / POOL_MIN_PER_THREAD;
  pthread_mutex_init (&pl.mu, NULL);
  for (size_t t = 1; t < want; t++)
    if (pthread_create (&tids[started], NULL, pool_worker, &pl) == 0)
      started++;
  pool_worker (&pl);
  for (size_t t = 0; t < started; t++)
    pthread_join (tids[t], NULL);
  pthread_mutex_destroy (&pl.mu);
  if (pl.err)
    {
      if (err && *err == NULL)
        *err = pl.err;
      else
        og_error_free (pl.err);
      return -1;
    }
  return 0;
}
