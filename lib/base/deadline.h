/* The inspection deadline (the hook's deadline_ms).  */
#ifndef OG_DEADLINE_H
#define OG_DEADLINE_H

#include <stdbool.h>

#include "base/error.h"

/* Start the inspection deadline (ms <= 0: none).  The library checks it
   between entries and between databases and ends the inspection cleanly with
   an error that says so.  */
void og_deadline_start (long long ms);
bool og_deadline_passed (void);
int og_deadline_check (og_error **err);

#endif
