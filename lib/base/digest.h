/* Content digests: the one place that knows the algorithms, their lengths
   and their text forms.  Backed by OpenSSL's one-algorithm interfaces
   (openssl/sha.h, md5.h), the same code as EVP without its providers.  */
#ifndef OG_DIGEST_H
#define OG_DIGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"

/* Numbered as rpm numbers them (PGPHASHALGO_*, rpm include/rpm/rpmpgp.h),
   so FILEDIGESTALGO values carry over unchanged.  */
typedef enum og_digest_algo
{
  OG_DIGEST_NONE = 0,
  OG_DIGEST_MD5 = 1,
  OG_DIGEST_SHA1 = 2,
  OG_DIGEST_SHA256 = 8,
  OG_DIGEST_SHA384 = 9,
  OG_DIGEST_SHA512 = 10,
  OG_DIGEST_SHA224 = 11,
} og_digest_algo;

#define OG_DIGEST_MAX     64 /* bytes of the longest digest (SHA-512) */
#define OG_DIGEST_HEX_MAX (2 * OG_DIGEST_MAX + 1)
#define OG_SHA256_LEN     32 /* bytes of a raw sha256 */
#define OG_SHA256_HEX_LEN 64
/* "sha256:" and 64 hex digits, as OCI descriptors write a digest.  */
#define OG_OCI_DIGEST_LEN (7 + OG_SHA256_HEX_LEN)

/* A sha256 in lower-case hex, NUL-terminated.  */
typedef char og_sha256_hex[OG_SHA256_HEX_LEN + 1];
/* "sha256:HEX", NUL-terminated.  */
typedef char og_oci_digest[OG_OCI_DIGEST_LEN + 1];

/* Bytes of a digest of this algorithm.  */
size_t og_digest_len (og_digest_algo algo);
const char *og_digest_name (og_digest_algo algo); /* "md5" "sha1" "sha256" ... "none" */

/* An incremental digest.  */
typedef struct og_digest og_digest;
int og_digest_new (og_digest_algo algo, og_digest **out, og_error **err);
void og_digest_update (og_digest *d, const void *data, size_t len);
/* Finish: the lower-case hex into hex (OG_DIGEST_HEX_MAX bytes suffice).
   The digest can not be updated afterwards.  */
void og_digest_final_hex (og_digest *d, char *hex);
void og_digest_free (og_digest *d);
OG_DEFINE_FREEP (og_digest, og_digest_free)
#define cleanup_digest __attribute__ ((cleanup (og_digest_freep)))

/* One call: the sha256 of data in hex.  */
int og_sha256_hex_of (const void *data, size_t len, og_sha256_hex out, og_error **err);
/* One call: the sha256 of data, its OG_SHA256_LEN raw bytes.  */
int og_sha256_of (const void *data, size_t len, uint8_t out[OG_SHA256_LEN], og_error **err);

/* Is s exactly 64 lower-case hex digits?  */
bool og_is_sha256_hex (const char *s);

#endif
