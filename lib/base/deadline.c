/* The inspection deadline: started by the hook, checked by the library
   between entries, databases and blocks of hashed bytes.  */
#include <time.h>

#include "base/deadline.h"
#include "base/util.h"

static struct timespec deadline;
static bool deadline_set;
static long long deadline_ms;

void
og_deadline_start (long long ms)
{
  deadline_set = ms > 0;
  deadline_ms = ms;
  if (!deadline_set)
    return;
  clock_gettime (CLOCK_MONOTONIC, &deadline);
  deadline.tv_sec += ms / 1000;
  deadline.tv_nsec += (ms % 1000) * 1000000L;
  if (deadline.tv_nsec >= 1000000000L)
    {
      deadline.tv_sec++;
      deadline.tv_nsec -= 1000000000L;
    }
}

bool
og_deadline_passed (void)
{
  struct timespec now;
  if (!deadline_set)
    return false;
  clock_gettime (CLOCK_MONOTONIC, &now);
  return now.tv_sec > deadline.tv_sec
         || (now.tv_sec == deadline.tv_sec && now.tv_nsec >= deadline.tv_nsec);
}

int
og_deadline_check (og_error **err)
{
  if (og_deadline_passed ())
    return og_error_set_code (err, OG_ERR_DEADLINE, ETIME,
                              "the inspection ran past its deadline of %lld ms", deadline_ms);
  return 0;
}
