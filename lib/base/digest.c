/* Content digests over OpenSSL's one-algorithm interfaces (see digest.h).

   These (MD5_Init, SHA1_Init, SHA256_Init, SHA512_Init, ... in
   openssl/md5.h, sha.h) run the same assembly as EVP, SHA-NI included, but
   need no provider: the first EVP_MD_fetch of a process fills OpenSSL's
   name map with every cipher and digest it knows, and that, with the
   relocation of the provider tables a static libcrypto brings along, was a
   fifth of a hook launch's fixed cost (issue 16).  OpenSSL 3 marks them
   deprecated, not removed; this file is the one that would change.  */
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/md5.h>
#include <openssl/sha.h>

#include "base/digest.h"
#include "base/util.h"

struct og_digest
{
  og_digest_algo algo;
  union
  {
    MD5_CTX md5;
    SHA_CTX sha1;
    SHA256_CTX sha256; /* and sha224 */
    SHA512_CTX sha512; /* and sha384 */
  } u;
};

static const struct
{
  og_digest_algo algo;
  const char *name;
  size_t len;
} algos[] = {
  { OG_DIGEST_MD5, "md5", MD5_DIGEST_LENGTH },
  { OG_DIGEST_SHA1, "sha1", SHA_DIGEST_LENGTH },
  { OG_DIGEST_SHA256, "sha256", SHA256_DIGEST_LENGTH },
  { OG_DIGEST_SHA384, "sha384", SHA384_DIGEST_LENGTH },
  { OG_DIGEST_SHA512, "sha512", SHA512_DIGEST_LENGTH },
  { OG_DIGEST_SHA224, "sha224", SHA224_DIGEST_LENGTH },
};

size_t
og_digest_len (og_digest_algo algo)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (algos); i++)
    if (algos[i].algo == algo)
      return algos[i].len;
  return 0;
}

const char *
og_digest_name (og_digest_algo algo)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (algos); i++)
    if (algos[i].algo == algo)
      return algos[i].name;
  return "none";
}

static int
start (og_digest *d)
{
  switch (d->algo)
    {
    case OG_DIGEST_MD5:
      return MD5_Init (&d->u.md5);
    case OG_DIGEST_SHA1:
      return SHA1_Init (&d->u.sha1);
    case OG_DIGEST_SHA256:
      return SHA256_Init (&d->u.sha256);
    case OG_DIGEST_SHA224:
      return SHA224_Init (&d->u.sha256);
    case OG_DIGEST_SHA384:
      return SHA384_Init (&d->u.sha512);
    case OG_DIGEST_SHA512:
      return SHA512_Init (&d->u.sha512);
    case OG_DIGEST_NONE:
    default:
      break;
    }
  return 0;
}

int
og_digest_new (og_digest_algo algo, og_digest **out, og_error **err)
{
  og_digest *d;

  if (og_digest_len (algo) == 0)
    return og_error_set (err, EINVAL, "digest algorithm %d", (int)algo);
  d = og_xcalloc (1, sizeof *d);
  d->algo = algo;
  if (start (d) != 1)
    {
      free (d);
      return og_error_set (err, ENOMEM, "start a %s digest", og_digest_name (algo));
    }
  *out = d;
  return 0;
}

void
og_digest_update (og_digest *d, const void *data, size_t len)
{
  if (len == 0)
    return;
  switch (d->algo)
    {
    case OG_DIGEST_MD5:
      MD5_Update (&d->u.md5, data, len);
      break;
    case OG_DIGEST_SHA1:
      SHA1_Update (&d->u.sha1, data, len);
      break;
    case OG_DIGEST_SHA256:
    case OG_DIGEST_SHA224: /* SHA224_Update is SHA256_Update */
      SHA256_Update (&d->u.sha256, data, len);
      break;
    case OG_DIGEST_SHA384:
    case OG_DIGEST_SHA512:
      SHA512_Update (&d->u.sha512, data, len);
      break;
    case OG_DIGEST_NONE:
    default:
      break;
    }
}

/* Finish into md, og_digest_len (d->algo) bytes.  */
static void
finish (og_digest *d, uint8_t *md)
{
  switch (d->algo)
    {
    case OG_DIGEST_MD5:
      MD5_Final (md, &d->u.md5);
      break;
    case OG_DIGEST_SHA1:
      SHA1_Final (md, &d->u.sha1);
      break;
    case OG_DIGEST_SHA256:
      SHA256_Final (md, &d->u.sha256);
      break;
    case OG_DIGEST_SHA224:
      SHA224_Final (md, &d->u.sha256);
      break;
    case OG_DIGEST_SHA384:
      SHA384_Final (md, &d->u.sha512);
      break;
    case OG_DIGEST_SHA512:
      SHA512_Final (md, &d->u.sha512);
      break;
    case OG_DIGEST_NONE:
    default:
      break;
    }
}

void
og_digest_final_hex (og_digest *d, char *hex)
{
  uint8_t md[OG_DIGEST_MAX];

  finish (d, md);
  og_hex (md, og_digest_len (d->algo), hex);
}

void
og_digest_free (og_digest *d)
{
  if (d == NULL)
    return;
  explicit_bzero (&d->u, sizeof d->u);
  free (d);
}

int
og_sha256_hex_of (const void *data, size_t len, og_sha256_hex out, og_error **err)
{
  uint8_t md[OG_SHA256_LEN];

  if (og_sha256_of (data, len, md, err) < 0)
    return -1;
  og_hex (md, sizeof md, out);
  return 0;
}

int
og_sha256_of (const void *data, size_t len, uint8_t out[OG_SHA256_LEN], og_error **err)
{
  SHA256_CTX c; /* not SHA256 (), the one-call form: it goes through EVP */

  if (SHA256_Init (&c) != 1)
    return og_error_set (err, ENOMEM, "start a sha256 digest");
  SHA256_Update (&c, data, len);
  SHA256_Final (out, &c);
  return 0;
}

bool
og_is_sha256_hex (const char *s)
{
  size_t i;
  for (i = 0; s[i]; i++)
    if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
      return false;
  return i == OG_SHA256_HEX_LEN;
}
