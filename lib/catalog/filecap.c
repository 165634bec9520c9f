/* Decode security.capability.  Source: linux include/uapi/linux/capability.h
   (struct vfs_cap_data / vfs_ns_cap_data, VFS_CAP_REVISION_1..3), all fields
   little-endian; capabilities(7) "File capability extended attribute
   versioning".  The text comes from libcap's cap_to_text, as getcap prints it.  */
#include <linux/capability.h>
#include <sys/capability.h>

#include "catalog/filecap.h"
#include "base/reader.h"
#include "base/util.h"

static char *
invalid (const uint8_t *raw, size_t len)
{
  char hex[2 * 64 + 1];
  if (len > 64)
    len = 64;
  og_hex (raw, len, hex);
  return og_xasprintf ("invalid:%s", hex);
}

char *
og_filecap_text (const uint8_t *raw, size_t len)
{
  og_reader r;
  uint32_t magic, rev, words, perm[2] = { 0 }, inh[2] = { 0 }, rootid = 0;
  cap_t caps;
  char *text, *res;
  bool effective;

  og_reader_init (&r, raw, len);
  if (!og_reader_u32le (&r, &magic))
    return invalid (raw, len);
  rev = magic & VFS_CAP_REVISION_MASK;
  effective = (magic & VFS_CAP_FLAGS_EFFECTIVE) != 0;
  if (rev == VFS_CAP_REVISION_1 && len == XATTR_CAPS_SZ_1)
    words = 1;
  else if (rev == VFS_CAP_REVISION_2 && len == XATTR_CAPS_SZ_2)
    words = 2;
  else if (rev == VFS_CAP_REVISION_3 && len == XATTR_CAPS_SZ_3)
    words = 2;
  else
    return invalid (raw, len);
  for (uint32_t i = 0; i < words; i++)
    if (!og_reader_u32le (&r, &perm[i]) || !og_reader_u32le (&r, &inh[i]))
      return invalid (raw, len);
  if (rev == VFS_CAP_REVISION_3 && !og_reader_u32le (&r, &rootid))
    return invalid (raw, len);

  caps = cap_init ();
  if (caps == NULL)
    return invalid (raw, len);
  for (cap_value_t c = 0; c < 64; c++)
    {
      uint32_t bit = 1u << (c % 32);
      bool p = perm[c / 32] & bit, in = inh[c / 32] & bit;
      if (p)
        cap_set_flag (caps, CAP_PERMITTED, 1, &c, CAP_SET);
      if (in)
        cap_set_flag (caps, CAP_INHERITABLE, 1, &c, CAP_SET);
      if (effective && (p || in))
        cap_set_flag (caps, CAP_EFFECTIVE, 1, &c, CAP_SET);
    }
  text = cap_to_text (caps, NULL);
  cap_free (caps);
  if (text == NULL)
    return invalid (raw, len);
  if (rootid)
    res = og_xasprintf ("%s [rootid=%u]", text, rootid);
  else
    res = og_xstrdup (text);
  cap_free (text);
  return res;
}
