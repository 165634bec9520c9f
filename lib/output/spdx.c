/* SPDX 2.3 JSON, streamed with yajl_gen.  Format: the SPDX 2.3
   specification (spdx.github.io/spdx-spec/v2.3) and its JSON schema
   (spdx-spec v2.3, schemas/spdx-schema.json).
   - packages: what was inspected (SPDXRef-Subject, purpose CONTAINER; the
     document DESCRIBES it), the operating system (SPDXRef-OperatingSystem,
     purpose OPERATING_SYSTEM, as the JSON form spells it), then SPDXRef-Package-N per OS package in
     inventory order, with its purl as a PACKAGE-MANAGER external ref;
   - files: the executables whose sha256 was computed (SPDX requires a
     checksum on every file), SPDXRef-File-N with N their inventory index;
   - relationships: the subject CONTAINS the OS and every package; a package
     CONTAINS the executables it owns, the subject those of no package.
   A license is declared as written when it is an SPDX expression of
   identifiers that catalog/license.c knows, else as a LicenseRef- with the
   database's text as its extracted text.  */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_gen.h>

#include "base/strmap.h"
#include "base/util.h"
#include "catalog/license.h"
#include "catalog/purl.h"
#include "json/writer.h"
#include "og-config.h"
#include "output/sbom.h"

/* The LicenseRef-s the document declares: one per license text that is no
   SPDX expression (its text the database's words), and each LicenseRef-
   that an expression names (from a copyright file's short names).  */
typedef struct license_refs
{
  og_strmap by_text; /* text -> ref */
  og_strmap taken;   /* ref -> extracted text */
  char **refs;       /* in order of first use */
  size_t n;
} license_refs;

static void
declare_ref (license_refs *l, const char *ref, const char *text)
{
  og_strmap_put (&l->taken, ref, og_xstrdup (text));
  l->refs = og_xreallocarray (l->refs, l->n + 1, sizeof *l->refs);
  l->refs[l->n++] = og_xstrdup (ref);
}

static const char *
license_ref (license_refs *l, const char *text)
{
  og_buf b = { 0 };
  char *ref = og_strmap_get (&l->by_text, text);
  if (ref)
    return ref;
  og_buf_puts (&b, "LicenseRef-");
  for (const char *s = text; *s; s++)
    og_buf_putc (&b, isalnum ((unsigned char)*s) || *s == '.' || *s == '-' ? *s : '-');
  /* Two texts that read alike once cleaned ("GPLv2+" and "GPLv2 ") get two refs.  */
  while (og_strmap_has (&l->taken, b.data))
    og_buf_printf (&b, "-%zu", l->n);
  ref = og_buf_steal (&b);
  og_strmap_put (&l->by_text, text, ref);
  declare_ref (l, ref, text);
  return ref;
}

/* Declare the LicenseRef-s of an expression.  */
static void
expression_refs (license_refs *l, const char *expr)
{
  for (const char *s = strstr (expr, "LicenseRef-"); s; s = strstr (s + 1, "LicenseRef-"))
    {
      size_t n = 0;
      cleanup_free char *ref = NULL;
      if (s != expr && (isalnum ((unsigned char)s[-1]) || s[-1] == '-'))
        continue;
      while (isalnum ((unsigned char)s[n]) || s[n] == '.' || s[n] == '-')
        n++;
      ref = og_xstrndup (s, n);
      if (!og_strmap_has (&l->taken, ref))
        declare_ref (l, ref,
                     "A license that the package's machine-readable copyright file names "
                     "without an SPDX identifier: see its License: paragraph of that name.");
    }
}

static void
license_refs_clear (license_refs *l)
{
  og_strmap_clear (&l->by_text, free);
  og_strmap_clear (&l->taken, free);
  og_strv_free (l->refs, l->n);
}

static void
write_extracted (og_jw *w, license_refs *l)
{
  if (l->n == 0)
    return;
  og_jw_str (w, "hasExtractedLicensingInfos");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < l->n; i++)
    {
      yajl_gen_map_open (w->g);
      og_jw_kv (w, "licenseId", l->refs[i]);
      og_jw_kv (w, "extractedText", og_strmap_get (&l->taken, l->refs[i]));
      og_jw_kv (w, "name", l->refs[i] + strlen ("LicenseRef-"));
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);
}

static void
package_head (og_jw *w, const char *id, const char *name, const char *version, const char *purpose)
{
  og_jw_kv (w, "SPDXID", id);
  og_jw_kv (w, "name", name);
  if (version)
    og_jw_kv (w, "versionInfo", version);
  og_jw_kv (w, "downloadLocation", "NOASSERTION");
  og_jw_kbool (w, "filesAnalyzed", false);
  og_jw_kv (w, "primaryPackagePurpose", purpose);
}

/* "checksums": [{"algorithm": "SHA256", "checksumValue": HEX}]  */
static void
write_checksums (og_jw *w, const char *hex)
{
  og_sbom_list_of_one (w, "checksums",
                       (const char *const[]){ "algorithm", "SHA256", "checksumValue", hex, NULL });
}

static void
write_subject (og_jw *w, const og_inventory *inv)
{
  const char *digest = inv->source.config_digest;
  yajl_gen_map_open (w->g);
  package_head (w, "SPDXRef-Subject", og_sbom_subject_name (inv), inv->source.manifest_digest,
                "CONTAINER");
  if (digest && strncmp (digest, "sha256:", 7) == 0)
    write_checksums (w, digest + 7);
  og_jw_kv (w, "comment", inv->source.kind);
  yajl_gen_map_close (w->g);
  if (inv->os.id)
    {
      yajl_gen_map_open (w->g);
      package_head (w, "SPDXRef-OperatingSystem", inv->os.id, inv->os.version_id,
                    "OPERATING_SYSTEM");
      if (inv->os.pretty_name)
        og_jw_kv (w, "description", inv->os.pretty_name);
      yajl_gen_map_close (w->g);
    }
}

static void
write_package (og_jw *w, const og_inventory *inv, size_t i, license_refs *lic)
{
  const og_package *p = &inv->packages.pkgs[i];
  cleanup_free char *purl = og_package_purl (p, &inv->os);
  cleanup_free char *evr = og_package_evr (p);
  char id[48];

  snprintf (id, sizeof id, "SPDXRef-Package-%zu", i);
  yajl_gen_map_open (w->g);
  package_head (w, id, p->name, evr, "LIBRARY");
  if (p->vendor)
    {
      cleanup_free char *name = NULL, *email = NULL, *s = NULL;
      og_sbom_supplier (p->vendor, &name, &email);
      /* SPDX 2.3 §7.5: "Organization: name (email)".  */
      s = email ? og_xasprintf ("Organization: %s (%s)", name, email)
                : og_xasprintf ("Organization: %s", name);
      og_jw_kv (w, "supplier", s);
    }
  if (p->license && og_license_is_spdx_expression (p->license))
    {
      expression_refs (lic, p->license);
      og_jw_kv (w, "licenseDeclared", p->license);
    }
  else if (p->license && p->license[0])
    og_jw_kv (w, "licenseDeclared", license_ref (lic, p->license));
  else
    og_jw_kv (w, "licenseDeclared", "NOASSERTION");
  if (p->source)
    {
      og_buf b = { 0 };
      cleanup_free char *s = NULL;
      og_buf_printf (&b, "built from source package %s%s%s", p->source,
                     p->source_version ? " " : "", p->source_version ? p->source_version : "");
      s = og_buf_steal (&b);
      og_jw_kv (w, "sourceInfo", s);
    }
  if (purl)
    og_sbom_list_of_one (w, "externalRefs",
                         (const char *const[]){ "referenceCategory", "PACKAGE-MANAGER",
                                                "referenceType", "purl", "referenceLocator", purl,
                                                NULL });
  yajl_gen_map_close (w->g);
}

static void
write_files (og_jw *w, const og_inventory *inv)
{
  og_jw_str (w, "files");
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      const og_exec *x = &inv->execs[i];
      cleanup_free char *name = NULL;
      og_buf b = { 0 };
      char id[48];
      if (x->sha256 == NULL)
        continue;
      snprintf (id, sizeof id, "SPDXRef-File-%zu", i);
      og_buf_printf (&b, ".%s", x->path); /* SPDX 2.3 8.1: relative to the package root */
      name = og_buf_steal (&b);
      yajl_gen_map_open (w->g);
      og_jw_kv (w, "SPDXID", id);
      og_jw_kv (w, "fileName", name);
      og_jw_str (w, "fileTypes");
      yajl_gen_array_open (w->g);
      og_jw_str (w, x->cls.kind == OG_KIND_SCRIPT ? "SOURCE" : "BINARY");
      yajl_gen_array_close (w->g);
      write_checksums (w, x->sha256);
      yajl_gen_map_close (w->g);
    }
  yajl_gen_array_close (w->g);
}

static void
relationship (og_jw *w, const char *a, const char *type, const char *b)
{
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "spdxElementId", a);
  og_jw_kv (w, "relationshipType", type);
  og_jw_kv (w, "relatedSpdxElement", b);
  yajl_gen_map_close (w->g);
}

static void
write_relationships (og_jw *w, const og_inventory *inv)
{
  char a[48], b[48];
  og_jw_str (w, "relationships");
  yajl_gen_array_open (w->g);
  relationship (w, "SPDXRef-DOCUMENT", "DESCRIBES", "SPDXRef-Subject");
  if (inv->os.id)
    relationship (w, "SPDXRef-Subject", "CONTAINS", "SPDXRef-OperatingSystem");
  for (size_t i = 0; i < inv->packages.n; i++)
    {
      snprintf (b, sizeof b, "SPDXRef-Package-%zu", i);
      relationship (w, "SPDXRef-Subject", "CONTAINS", b);
    }
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      const og_exec *x = &inv->execs[i];
      if (x->sha256 == NULL)
        continue;
      if (x->package >= 0)
        snprintf (a, sizeof a, "SPDXRef-Package-%zd", x->package);
      else
        snprintf (a, sizeof a, "SPDXRef-Subject");
      snprintf (b, sizeof b, "SPDXRef-File-%zu", i);
      relationship (w, a, "CONTAINS", b);
    }
  yajl_gen_array_close (w->g);
}

int
og_inventory_write_spdx (const og_inventory *inv, const og_sbom_options *o, FILE *out,
                         og_error **err)
{
  cleanup_digest og_digest *doc = NULL;
  license_refs lic = { 0 };
  og_jw w;

  if (og_digest_new (OG_DIGEST_SHA256, &doc, err) < 0 || og_jw_open_file (&w, out, err) < 0)
    return -1;
  og_jw_tee (&w, doc);
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "spdxVersion", "SPDX-2.3");
  og_jw_kv (&w, "dataLicense", "CC0-1.0");
  og_jw_kv (&w, "SPDXID", "SPDXRef-DOCUMENT");
  og_jw_kv (&w, "name", og_sbom_subject_name (inv));
  og_jw_str (&w, "creationInfo");
  yajl_gen_map_open (w.g);
  og_sbom_kv_time (&w, "created", o->created);
  og_jw_str (&w, "creators");
  yajl_gen_array_open (w.g);
  og_jw_str (&w, "Tool: ocigate-" OG_VERSION);
  yajl_gen_array_close (w.g);
  yajl_gen_map_close (w.g);
  og_jw_str (&w, "packages");
  yajl_gen_array_open (w.g);
  write_subject (&w, inv);
  for (size_t i = 0; i < inv->packages.n; i++)
    write_package (&w, inv, i, &lic);
  yajl_gen_array_close (w.g);
  write_files (&w, inv);
  write_relationships (&w, inv);
  write_extracted (&w, &lic);
  license_refs_clear (&lic);
  return og_sbom_end (&w, inv, doc, "documentNamespace", "https://ocigate.invalid/spdx/", err);
}
