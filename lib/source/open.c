/* Opening a source by its SOURCE syntax, the one place that parses it:
   "dir:PATH", "docker-archive:PATH", "oci-archive:PATH", "oci:DIR[:TAG]",
   "containers-storage:[DRIVER@ROOT]NAME" (storage.c), or a bare PATH whose kind is found by its
   content (a directory with oci-layout, a tar with manifest.json, a tar with oci-layout and
   index.json; any other directory is a root filesystem).  */
#include <sys/stat.h>

#include "source/source.h"
#include "source/dir.h"
#include "source/storage.h"
#include "source/image/image.h"
#include "base/util.h"

static bool
is_dir_path (const char *p)
{
  struct stat st;
  return stat (p, &st) == 0 && S_ISDIR (st.st_mode);
}

/* "oci:DIR:TAG", unless DIR:TAG is itself a directory or TAG has a '/':
   the directory (the caller frees), and the tag or NULL.  */
static char *
oci_layout_split (const char *rest, const char **tag)
{
  const char *colon = strrchr (rest, ':');
  *tag = NULL;
  if (colon && !is_dir_path (rest) && strchr (colon, '/') == NULL)
    {
      *tag = colon + 1;
      return og_xstrndup (rest, (size_t)(colon - rest));
    }
  return og_xstrdup (rest);
}

static int
open_oci_layout (const char *rest, const og_source_options *opts, og_source **out, og_error **err)
{
  const char *tag;
  cleanup_free char *path = oci_layout_split (rest, &tag);
  return og_image_open (OG_IMAGE_OCI_LAYOUT, path, tag, opts, out, err);
}

/* A directory holding oci-layout is an OCI layout.  */
static bool
is_layout_dir (const char *dir)
{
  cleanup_free char *marker = og_xasprintf ("%s/oci-layout", dir);
  return access (marker, F_OK) == 0;
}

/* A bare PATH: a directory (an OCI layout or a root filesystem) or an image
   archive, by what it holds.  */
static int
open_detected (const char *spec, const og_source_options *opts, og_source **out, og_error **err)
{
  og_image_kind kind;
  struct stat st;

  if (stat (spec, &st) < 0)
    return og_error_set (err, errno, "`%s`", spec);
  if (S_ISDIR (st.st_mode))
    {
      if (!is_layout_dir (spec))
        return og_source_open_dir (spec, opts, out, err);
      return og_image_open (OG_IMAGE_OCI_LAYOUT, spec, NULL, opts, out, err);
    }
  if (!S_ISREG (st.st_mode))
    return og_error_set_code (err, OG_ERR_USAGE, 0,
                              "`%s`: neither a directory nor an image archive", spec);
  if (og_image_detect_archive (spec, &kind, err) < 0)
    return -1;
  return og_image_open (kind, spec, NULL, opts, out, err);
}

int
og_source_open (const char *spec, const og_source_options *opts, og_source **out, og_error **err)
{
  if (og_str_has_prefix (spec, "dir:"))
    return og_source_open_dir (spec + 4, opts, out, err);
  if (og_str_has_prefix (spec, "docker-archive:"))
    return og_image_open (OG_IMAGE_DOCKER_ARCHIVE, spec + 15, NULL, opts, out, err);
  if (og_str_has_prefix (spec, "oci-archive:"))
    return og_image_open (OG_IMAGE_OCI_ARCHIVE, spec + 12, NULL, opts, out, err);
  if (og_str_has_prefix (spec, "containers-storage:"))
    return og_source_open_cstore (spec + 19, opts, out, err);
  if (og_str_has_prefix (spec, "oci:"))
    return open_oci_layout (spec + 4, opts, out, err);
  return open_detected (spec, opts, out, err);
}

char *
og_source_image_path (const char *spec, bool *layout)
{
  const char *tag;
  struct stat st;

  *layout = false;
  if (og_str_has_prefix (spec, "dir:") || og_str_has_prefix (spec, "containers-storage:"))
    return NULL;
  if (og_str_has_prefix (spec, "docker-archive:"))
    return og_xstrdup (spec + 15);
  if (og_str_has_prefix (spec, "oci-archive:"))
    return og_xstrdup (spec + 12);
  if (og_str_has_prefix (spec, "oci:"))
    {
      *layout = true;
      return oci_layout_split (spec + 4, &tag);
    }
  if (stat (spec, &st) < 0 || (S_ISDIR (st.st_mode) && !is_layout_dir (spec)))
    return NULL;
  *layout = S_ISDIR (st.st_mode);
  return og_xstrdup (spec);
}
