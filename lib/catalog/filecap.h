/* File capabilities: the security.capability xattr (struct vfs_cap_data).  */
#ifndef OG_FILECAP_H
#define OG_FILECAP_H

#include <stddef.h>
#include <stdint.h>

/* The text form getcap(8) prints ("cap_net_raw=ep", with " [rootid=N]" for a
   namespaced v3 xattr), or "invalid:HEX" for bytes that are no vfs_cap_data.
   The caller frees.  */
char *og_filecap_text (const uint8_t *raw, size_t len);

#endif
