/* SBOM writers: CycloneDX 1.6 (or 1.5) JSON and SPDX 2.3 JSON, streamed
   with yajl_gen.  One component/package per OS package (name, version as
   the ecosystem writes it, purl, supplier, license, source package), the
   operating system, and the executables as files with their sha256 when it
   was computed, tied to their owning package.  Deterministic: the same
   inventory and options give the same bytes (the serial number and the
   document namespace come from the sha256 of every other byte of the
   document, which is why they are its last member, and from the source's
   image digests; the time from the options).  */
#ifndef OG_OUTPUT_SBOM_H
#define OG_OUTPUT_SBOM_H

#include <stdio.h>
#include <time.h>

#include "base/digest.h"
#include "catalog/inventory.h"
#include "json/writer.h"

typedef struct og_sbom_options
{
  time_t created;           /* the document's time (SOURCE_DATE_EPOCH, or now) */
  const char *spec_version; /* CycloneDX: "1.6" (NULL) or "1.5"; SPDX: ignored */
} og_sbom_options;

int og_inventory_write_cyclonedx (const og_inventory *inv, const og_sbom_options *o, FILE *out,
                                  og_error **err);
int og_inventory_write_spdx (const og_inventory *inv, const og_sbom_options *o, FILE *out,
                             og_error **err);

/* ---- shared by the two writers ------------------------------------------ */

/* A name-based UUID (version 5 layout, variant 10) from doc, the sha256 of
   what the writer has printed so far (og_jw_tee; finalized here), and the
   source's image digests: "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx".  Computed
   while the document streams, instead of a second pass over the inventory.  */
int og_sbom_uuid (const og_inventory *inv, og_digest *doc, char out[37], og_error **err);
/* "2026-01-31T12:00:00Z" */
void og_sbom_time (time_t t, char out[21]);
/* KEY: the time t, left out of the document's digest (og_jw_tee): another
   time is the same document at another time, with the same serial.  */
void og_sbom_kv_time (og_jw *w, const char *key, time_t t);
/* KEY: [{K: V, ...}], a list of one object of string members: the form in
   which both formats write a hash, a tool, a contact or an external
   reference.  KV holds the members' keys and values in turn, then NULL.  */
void og_sbom_list_of_one (og_jw *w, const char *key, const char *const *kv);
/* End the document: stop the tee into DOC, write KEY: PREFIX and the
   serial og_sbom_uuid makes of DOC, close the root object and the writer
   (og_jw_close).  */
int og_sbom_end (og_jw *w, const og_inventory *inv, og_digest *doc, const char *key,
                 const char *prefix, og_error **err);
/* What names the document: the image's first tag, else the path as given.  */
const char *og_sbom_subject_name (const og_inventory *inv);
/* A supplier as the database names it, "Name <email>" (dpkg Maintainer) or
   "Name" (rpm Vendor): the name, and the email or NULL.  */
void og_sbom_supplier (const char *vendor, char **name, char **email);

/* The executables of each package: execs_of[pkg_start[i] .. pkg_start[i+1])
   are the indices of the executables package i owns, in inventory order;
   those of no package come last, from pkg_start[n_pkgs].  */
typedef struct og_sbom_owned
{
  size_t *pkg_start; /* n_pkgs + 2 entries */
  size_t *execs_of;  /* n_execs entries */
} og_sbom_owned;

void og_sbom_owned_build (const og_inventory *inv, og_sbom_owned *out);
void og_sbom_owned_clear (og_sbom_owned *o);

#endif
