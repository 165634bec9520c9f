/* Progress on a terminal while a large image is read: how many bytes the
   process has read so far (/proc/self/io rchar, which counts the archive's
   or the layout's blobs' bytes as they are read), beside the archive's size
   or the sum of the layout's blobs, on one stderr line rewritten in place.
   Only when stderr is a terminal, the source is an image archive or an OCI
   layout of OG_PROGRESS_MIN bytes or more, and --quiet was not given.
   (containers-storage reads only some files of its layers' directories, so
   no byte count would say how far it is.)  */
#ifndef OG_CLI_PROGRESS_H
#define OG_CLI_PROGRESS_H

#include <stdbool.h>

#define OG_PROGRESS_MIN (256ull << 20)

typedef struct og_progress og_progress;

/* Start showing the progress of reading SOURCE (spec as given); NULL when
   nothing is to be shown.  */
og_progress *og_progress_start (const char *spec, bool quiet);
/* The image is open (an image is read whole when it is opened): the line
   now says the inventory is being built, and for how long.  p may be NULL.  */
void og_progress_opened (og_progress *p);
/* Stop and erase the line.  p may be NULL.  */
void og_progress_stop (og_progress *p);

#endif
