/* A parallel loop over n items on every CPU the process may use, for the
   catalog's content reads (verification, the digests of executables).
   Internal to catalog/.  */
#ifndef OG_CATALOG_POOL_H
#define OG_CATALOG_POOL_H

#include <stddef.h>

#include "base/error.h"

/* One item: 0, or -1 with *err.  Called from several threads at once, each
   item once; what it writes must be the item's own.  */
typedef int (*og_pool_fn) (void *ctx, size_t i, og_error **err);

/* Run fn on items 0..n-1, taken in order by up to one thread per usable
   CPU (the calling thread works too, so a sandbox that refuses new threads
   only makes this sequential); the deadline is checked every 256 items.
   After a failure no new item is started; the error returned is that of
   the failed item with the lowest index (the caller's order, so the same
   error whatever the threads did).  */
int og_catalog_parallel (size_t n, og_pool_fn fn, void *ctx, og_error **err);

#endif
