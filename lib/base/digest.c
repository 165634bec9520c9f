/* Content digests over OpenSSL EVP (see digest.h).  */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <pthread.h>

#include "base/digest.h"
#include "base/util.h"

struct og_digest
{
  EVP_MD_CTX *ctx;
  og_digest_algo algo;
};

static const struct
{
  og_digest_algo algo;
  const char *name;
  const EVP_MD *(*md) (void);
} algos[] = {
  { OG_DIGEST_MD5, "md5", EVP_md5 },          { OG_DIGEST_SHA1, "sha1", EVP_sha1 },
  { OG_DIGEST_SHA256, "sha256", EVP_sha256 }, { OG_DIGEST_SHA384, "sha384", EVP_sha384 },
  { OG_DIGEST_SHA512, "sha512", EVP_sha512 }, { OG_DIGEST_SHA224, "sha224", EVP_sha224 },
};

/* The algorithms fetched once (OpenSSL 3 fetches a legacy EVP_sha256()
   again on every EVP_DigestInit_ex), from the default provider without
   reading openssl.cnf: these are content digests, which no provider
   configuration should change, and loading the configuration was most of
   a cache hit's first millisecond (issue 16).  */
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;
static EVP_MD *fetched[OG_ARRAY_SIZE (algos)];

static void
fetch_all (void)
{
  OPENSSL_init_crypto (OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
  for (size_t i = 0; i < OG_ARRAY_SIZE (algos); i++)
    fetched[i] = EVP_MD_fetch (NULL, algos[i].name, NULL);
}

static const EVP_MD *
evp_of (og_digest_algo algo)
{
  pthread_once (&fetch_once, fetch_all);
  for (size_t i = 0; i < OG_ARRAY_SIZE (algos); i++)
    if (algos[i].algo == algo)
      return fetched[i] ? fetched[i] : algos[i].md ();
  return NULL;
}

size_t
og_digest_len (og_digest_algo algo)
{
  const EVP_MD *md = evp_of (algo);
  return md ? (size_t)EVP_MD_get_size (md) : 0;
}

const char *
og_digest_name (og_digest_algo algo)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (algos); i++)
    if (algos[i].algo == algo)
      return algos[i].name;
  return "none";
}

int
og_digest_new (og_digest_algo algo, og_digest **out, og_error **err)
{
  const EVP_MD *md = evp_of (algo);
  og_digest *d;

  if (md == NULL)
    return og_error_set (err, EINVAL, "digest algorithm %d", (int)algo);
  d = og_xcalloc (1, sizeof *d);
  d->algo = algo;
  d->ctx = EVP_MD_CTX_new ();
  if (d->ctx == NULL || EVP_DigestInit_ex (d->ctx, md, NULL) != 1)
    {
      og_digest_free (d);
      return og_error_set (err, ENOMEM, "start a %s digest", og_digest_name (algo));
    }
  *out = d;
  return 0;
}

void
og_digest_update (og_digest *d, const void *data, size_t len)
{
  if (len)
    EVP_DigestUpdate (d->ctx, data, len);
}

void
og_digest_final_hex (og_digest *d, char *hex)
{
  uint8_t md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;

  EVP_DigestFinal_ex (d->ctx, md, &n);
  og_hex (md, n, hex);
}

void
og_digest_free (og_digest *d)
{
  if (d == NULL)
    return;
  EVP_MD_CTX_free (d->ctx);
  free (d);
}

int
og_sha256_hex_of (const void *data, size_t len, og_sha256_hex out, og_error **err)
{
  cleanup_digest og_digest *d = NULL;

  if (og_digest_new (OG_DIGEST_SHA256, &d, err) < 0)
    return -1;
  og_digest_update (d, data, len);
  og_digest_final_hex (d, out);
  return 0;
}

int
og_sha256_of (const void *data, size_t len, uint8_t out[OG_SHA256_LEN], og_error **err)
{
  cleanup_digest og_digest *d = NULL;

  if (og_digest_new (OG_DIGEST_SHA256, &d, err) < 0)
    return -1;
  og_digest_update (d, data, len);
  if (EVP_DigestFinal_ex (d->ctx, out, NULL) != 1)
    return og_error_set (err, 0, "finish a sha256 digest");
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
