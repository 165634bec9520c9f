/* CycloneDX JSON, 1.6 by default (1.5 on request), streamed with yajl_gen.
   Format: the CycloneDX specification and its JSON schema,
   https://cyclonedx.org/docs/1.6/json/ (bom-1.6.schema.json).
   - metadata.component: what was inspected (type container; an image's
     config digest as its hash);
   - components: the operating system (type operating-system), then one
     `library` component per OS package in inventory order, each with the
     executables it owns nested as `file` components; executables of no
     package come last, as top-level `file` components.  */
#include <string.h>
#include <yajl/yajl_gen.h>

#include "base/util.h"
#include "catalog/license.h"
#include "catalog/purl.h"
#include "json/writer.h"
#include "og-config.h"
#include "output/output.h"
#include "output/sbom.h"

static void
kprop (og_jw *w, const char *name, const char *value)
{
  if (value == NULL)
    return;
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "name", name);
  og_jw_kv (w, "value", value);
  yajl_gen_map_close (w->g);
}

/* "sha256:HEX" -> [{"alg": "SHA-256", "content": HEX}]  */
static void
write_digest_hashes (og_jw *w, const char *digest)
{
  const char *hex = digest;
  if (strncmp (hex, "sha256:", 7) == 0)
    hex += 7;
  og_sbom_list_of_one (w, "hashes",
                       (const char *const[]){ "alg", "SHA-256", "content", hex, NULL });
}

/* Tools as components: the form of 1.5 and later (the bare array is deprecated).  */
static void
write_tools (og_jw *w)
{
  og_jw_str (w, "tools");
  yajl_gen_map_open (w->g);
  og_sbom_list_of_one (w, "components",
                       (const char *const[]){ "type", "application", "name", "ocigate", "version",
                                              OG_VERSION, NULL });
  yajl_gen_map_close (w->g);
}

static void
write_metadata (og_jw *w, const og_inventory *inv, const og_sbom_options *o)
{
  og_jw_str (w, "metadata");
  yajl_gen_map_open (w->g);
  og_sbom_kv_time (w, "timestamp", o->created);
  write_tools (w);
  og_jw_str (w, "component");
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "type", "container");
  og_jw_kv (w, "bom-ref", "ocigate:subject");
  og_jw_kv (w, "name", og_sbom_subject_name (inv));
  if (inv->source.config_digest)
    write_digest_hashes (w, inv->source.config_digest);
  og_jw_str (w, "properties");
  yajl_gen_array_open (w->g);
  kprop (w, "ocigate:source:kind", inv->source.kind);
  kprop (w, "ocigate:source:path", inv->source.path);
  kprop (w, "ocigate:image:config_digest", inv->source.config_digest);
  kprop (w, "ocigate:image:manifest_digest", inv->source.manifest_digest);
  yajl_gen_array_close (w->g);
  yajl_gen_map_close (w->g);
  yajl_gen_map_close (w->g);
}

static void
write_os (og_jw *w, const og_osrelease *os)
{
  if (os->id == NULL)
    return;
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "type", "operating-system");
  og_jw_kv (w, "bom-ref", "ocigate:os");
  og_jw_kv (w, "name", os->id);
  if (os->version_id)
    og_jw_kv (w, "version", os->version_id);
  if (os->pretty_name)
    og_jw_kv (w, "description", os->pretty_name);
  yajl_gen_map_close (w->g);
}

static void
write_file (og_jw *w, const og_exec *x, size_t i)
{
  char ref[48], mode[8];
  snprintf (ref, sizeof ref, "ocigate:file:%zu", i);
  og_mode_octal (x->mode, mode);
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "type", "file");
  og_jw_kv (w, "bom-ref", ref);
  og_jw_kv (w, "name", x->path);
  if (x->sha256)
    write_digest_hashes (w, x->sha256);
  og_jw_str (w, "properties");
  yajl_gen_array_open (w->g);
  kprop (w, "ocigate:file:mode", mode);
  kprop (w, "ocigate:file:kind", og_exec_kind_name (x->cls.kind));
  if (x->setuid)
    kprop (w, "ocigate:file:setuid", "true");
  if (x->setgid)
    kprop (w, "ocigate:file:setgid", "true");
  kprop (w, "ocigate:file:capabilities", x->capabilities);
  yajl_gen_array_close (w->g);
  yajl_gen_map_close (w->g);
}

static void
write_package (og_jw *w, const og_inventory *inv, size_t i, const og_sbom_owned *own)
{
  const og_package *p = &inv->packages.pkgs[i];
  cleanup_free char *purl = og_package_purl (p, &inv->os);
  cleanup_free char *evr = og_package_evr (p);
  char ref[48];

  snprintf (ref, sizeof ref, "ocigate:package:%zu", i);
  yajl_gen_map_open (w->g);
  og_jw_kv (w, "type", "library");
  og_jw_kv (w, "bom-ref", ref);
  if (p->vendor)
    {
      cleanup_free char *name = NULL, *email = NULL;
      og_sbom_supplier (p->vendor, &name, &email);
      og_jw_str (w, "supplier");
      yajl_gen_map_open (w->g);
      og_jw_kv (w, "name", name);
      if (email)
        og_sbom_list_of_one (w, "contact", (const char *const[]){ "email", email, NULL });
      yajl_gen_map_close (w->g);
    }
  og_jw_kv (w, "name", p->name);
  og_jw_kv (w, "version", evr);
  if (p->license && og_license_is_spdx_expression (p->license))
    og_sbom_list_of_one (w, "licenses", (const char *const[]){ "expression", p->license, NULL });
  else if (p->license && p->license[0])
    {
      /* The database's own words, which are no SPDX expression.  */
      og_jw_str (w, "licenses");
      yajl_gen_array_open (w->g);
      yajl_gen_map_open (w->g);
      og_jw_str (w, "license");
      yajl_gen_map_open (w->g);
      og_jw_kv (w, "name", p->license);
      yajl_gen_map_close (w->g);
      yajl_gen_map_close (w->g);
      yajl_gen_array_close (w->g);
    }
  if (purl)
    og_jw_kv (w, "purl", purl);
  og_jw_str (w, "properties");
  yajl_gen_array_open (w->g);
  kprop (w, "ocigate:package:type", og_pkg_type_name (p->type));
  kprop (w, "ocigate:package:arch", p->arch);
  kprop (w, "ocigate:package:source", p->source);
  kprop (w, "ocigate:package:source_version", p->source_version);
  yajl_gen_array_close (w->g);
  if (own->pkg_start[i + 1] > own->pkg_start[i])
    {
      og_jw_str (w, "components");
      yajl_gen_array_open (w->g);
      for (size_t k = own->pkg_start[i]; k < own->pkg_start[i + 1]; k++)
        write_file (w, &inv->execs[own->execs_of[k]], own->execs_of[k]);
      yajl_gen_array_close (w->g);
    }
  yajl_gen_map_close (w->g);
}

int
og_inventory_write_cyclonedx (const og_inventory *inv, const og_sbom_options *o, FILE *out,
                              og_error **err)
{
  const char *spec = o->spec_version ? o->spec_version : "1.6";
  bool v15 = strcmp (spec, "1.5") == 0;
  og_sbom_owned own = { 0 };
  cleanup_digest og_digest *doc = NULL;
  size_t np = inv->packages.n;
  og_jw w;

  if (!v15 && strcmp (spec, "1.6") != 0)
    return og_error_set (err, EINVAL, "CycloneDX %s: ocigate writes 1.6 and 1.5", spec);
  if (og_digest_new (OG_DIGEST_SHA256, &doc, err) < 0 || og_jw_open_file (&w, out, err) < 0)
    return -1;
  og_jw_tee (&w, doc);
  og_sbom_owned_build (inv, &own);
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "bomFormat", "CycloneDX");
  og_jw_kv (&w, "specVersion", spec);
  og_jw_kint (&w, "version", 1);
  write_metadata (&w, inv, o);
  og_jw_str (&w, "components");
  yajl_gen_array_open (w.g);
  write_os (&w, &inv->os);
  for (size_t i = 0; i < np; i++)
    write_package (&w, inv, i, &own);
  for (size_t k = own.pkg_start[np]; k < own.pkg_start[np + 1]; k++)
    write_file (&w, &inv->execs[own.execs_of[k]], own.execs_of[k]);
  yajl_gen_array_close (w.g);
  og_sbom_owned_clear (&own);
  return og_sbom_end (&w, inv, doc, "serialNumber", "urn:uuid:", err);
}
