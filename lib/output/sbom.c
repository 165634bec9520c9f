/* What the CycloneDX and SPDX writers share (sbom.h).  */
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "base/digest.h"
#include "base/util.h"
#include "output/output.h"
#include "output/sbom.h"

int
og_sbom_uuid (const og_inventory *inv, og_digest *doc, char out[37], og_error **err)
{
  og_sha256_hex doc_digest, h;
  og_buf b = { 0 };
  int r;

  og_digest_final_hex (doc, doc_digest);
  /* The same content in two images is two documents: their digests count.  */
  og_buf_printf (&b, "ocigate-sbom\n%s\n%s\n%s\n", doc_digest,
                 inv->source.config_digest ? inv->source.config_digest : "",
                 inv->source.manifest_digest ? inv->source.manifest_digest : "");
  r = og_sha256_hex_of (b.data, b.len, h, err);
  og_buf_free (&b);
  if (r < 0)
    return -1;
  h[12] = '5';
  h[16] = "89ab"[strtoul ((char[]){ h[16], 0 }, NULL, 16) & 3];
  snprintf (out, 37, "%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16, h + 20);
  return 0;
}

void
og_sbom_time (time_t t, char out[21])
{
  struct tm tm;
  gmtime_r (&t, &tm);
  strftime (out, 21, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void
og_sbom_kv_time (og_jw *w, const char *key, time_t t)
{
  og_digest *tee = w->tee;
  char when[21];

  og_sbom_time (t, when);
  og_jw_tee (w, NULL);
  og_jw_kv (w, key, when);
  og_jw_tee (w, tee);
}

void
og_sbom_list_of_one (og_jw *w, const char *key, const char *const *kv)
{
  og_jw_str (w, key);
  yajl_gen_array_open (w->g);
  yajl_gen_map_open (w->g);
  for (; kv[0]; kv += 2)
    og_jw_kv (w, kv[0], kv[1]);
  yajl_gen_map_close (w->g);
  yajl_gen_array_close (w->g);
}

int
og_sbom_end (og_jw *w, const og_inventory *inv, og_digest *doc, const char *key, const char *prefix,
             og_error **err)
{
  char uuid[37];
  cleanup_free char *value = NULL;

  og_jw_tee (w, NULL);
  if (og_sbom_uuid (inv, doc, uuid, err) < 0)
    {
      og_jw_close (w, NULL);
      return -1;
    }
  value = og_xasprintf ("%s%s", prefix, uuid);
  og_jw_kv (w, key, value);
  yajl_gen_map_close (w->g);
  return og_jw_close (w, err);
}

const char *
og_sbom_subject_name (const og_inventory *inv)
{
  if (inv->source.n_tags > 0)
    return inv->source.tags[0];
  return inv->source.path ? inv->source.path : "rootfs";
}

/* A counting sort of the executables by owning package, stable.  */
void
og_sbom_owned_build (const og_inventory *inv, og_sbom_owned *out)
{
  size_t np = inv->packages.n;
  size_t *next = og_xcalloc (np + 2, sizeof *next);

  out->pkg_start = og_xcalloc (np + 2, sizeof *out->pkg_start);
  out->execs_of = og_xcalloc (inv->n_execs + 1, sizeof *out->execs_of);
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      ssize_t p = inv->execs[i].package;
      out->pkg_start[(p >= 0 && (size_t)p < np ? (size_t)p : np) + 1]++;
    }
  for (size_t i = 1; i < np + 2; i++)
    out->pkg_start[i] += out->pkg_start[i - 1];
  memcpy (next, out->pkg_start, (np + 1) * sizeof *next);
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      ssize_t p = inv->execs[i].package;
      out->execs_of[next[p >= 0 && (size_t)p < np ? (size_t)p : np]++] = i;
    }
  free (next);
}

void
og_sbom_owned_clear (og_sbom_owned *o)
{
  free (o->pkg_start);
  free (o->execs_of);
  *o = (og_sbom_owned){ 0 };
}

void
og_sbom_supplier (const char *vendor, char **name, char **email)
{
  const char *lt = strrchr (vendor, '<');
  size_t n = lt ? (size_t)(lt - vendor) : strlen (vendor);
  *email = NULL;
  if (lt && lt[1] && lt[strlen (lt) - 1] == '>')
    *email = og_xstrndup (lt + 1, strlen (lt) - 2);
  else
    n = strlen (vendor);
  while (n && vendor[n - 1] == ' ')
    n--;
  *name = og_xstrndup (vendor, n);
}
