/* os-release(5): KEY=value lines with shell-style quoting.
   Source: https://www.freedesktop.org/software/systemd/man/os-release.html */
#ifndef OG_OSRELEASE_H
#define OG_OSRELEASE_H

#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

typedef struct og_osrelease
{
  char *id;
  char *version_id;
  char *pretty_name;
  char *name;
  char *version_codename;
} og_osrelease;

/* Parse os-release bytes; unknown keys and malformed lines are ignored, as
   os-release(5) asks of readers.  */
void og_osrelease_parse (const uint8_t *data, size_t len, og_osrelease *out);
void og_osrelease_clear (og_osrelease *o);

#endif
