/* Opening a source by its SOURCE syntax: the one place that knows the
   prefixes and hands the rest to the directory or the image source.  */
#include "source/source.h"
#include "source/dir.h"
#include "source/image/image.h"
#include "base/util.h"

int
og_source_open (const char *spec, const og_source_options *opts, og_source **out, og_error **err)
{
  int ret;

  if (og_str_has_prefix (spec, "dir:"))
    return og_source_open_dir (spec + 4, out, err);
  /* Image transports by prefix, or an image found by its content; a plain
     directory is a root filesystem.  */
  ret = og_source_open_image (spec, opts, out, err);
  if (ret != 1)
    return ret;
  return og_source_open_dir (spec, out, err);
}
