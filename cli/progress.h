/* Progress on a terminal while a large image is read: how many bytes the
   process has read so far (/proc/self/io rchar, which counts the archive's
   bytes as libarchive reads them), beside the archive's size, on one
   stderr line rewritten in place.  Only when stderr is a terminal, the
   source is an archive of OG_PROGRESS_MIN bytes or more, and --quiet was
   not given.  */
#ifndef OG_CLI_PROGRESS_H
#define OG_CLI_PROGRESS_H

#include <stdbool.h>

#define OG_PROGRESS_MIN (256ull << 20)

typedef struct og_progress og_progress;

/* Start showing the progress of reading SOURCE (spec as given); NULL when
   nothing is to be shown.  */
og_progress *og_progress_start (const char *spec, bool quiet);
/* Stop and erase the line.  p may be NULL.  */
void og_progress_stop (og_progress *p);

#endif
