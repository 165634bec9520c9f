/* libFuzzer targets: every parser of bytes that an image author or a
   runtime hands us.  One source, one executable per target: meson builds
   this file with -DOG_FUZZ_TARGET=NAME, and LLVMFuzzerTestOneInput runs the
   target of that name.  Built with -Dfuzz=true (clang,
   -fsanitize=fuzzer,address,undefined); tests/fuzz/run.sh runs them.  */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/stat.h>

#include "base/digest.h"
#include "base/fileio.h"
#include "base/util.h"
#include "catalog/build.h"
#include "catalog/elfinfo.h"
#include "catalog/filecap.h"
#include "catalog/license.h"
#include "catalog/osrelease.h"
#include "catalog/pkgdb_paths.h"
#include "catalog/pkgdb/pkgdb.h"
#include "policy/hostconfig.h"
#include "runtime/audit_read.h"
#include "policy/manifest.h"
#include "runtime/oci.h"
#include "source/source.h"

#ifndef OG_FUZZ_TARGET
#error "build with -DOG_FUZZ_TARGET=name"
#endif
#define OG_STR_(x) #x
#define OG_STR(x)  OG_STR_ (x)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* The parsers from bytes to packages, by target name.  */
typedef int (*pkglist_parse_fn) (const uint8_t *, size_t, const char *, og_pkglist *, og_error **);
typedef int (*package_parse_fn) (const uint8_t *, size_t, const char *, og_package *, og_error **);

static const struct
{
  const char *name;
  pkglist_parse_fn list;
  package_parse_fn pkg;
} pkgdb_parsers[] = {
  { "rpmdb_bdb", og_rpmdb_bdb_read, NULL },
  { "rpmdb_ndb", og_rpmdb_ndb_read, NULL },
  { "rpmdb_sqlite", og_rpmdb_sqlite_read, NULL },
  { "dpkg_status", og_dpkg_status_parse, NULL },
  { "dpkg_statusd", og_dpkg_statusd_parse, NULL },
  { "apk_installed", og_apk_installed_parse, NULL },
  { "dpkg_md5sums", NULL, og_dpkg_md5sums_parse },
  { "dpkg_list", NULL, og_dpkg_list_parse },
  { "rpm_header", NULL, NULL }, /* og_rpm_header_parse has no package to add to */
};

/* Run the pkgdb parser(s) named like this target: dpkg_md5sums runs the
   md5sums and the .list parser, which read the same kind of lines.  */
static bool
fuzz_pkgdb (const char *target, const uint8_t *data, size_t size)
{
  bool found = false;
  for (size_t i = 0; i < OG_ARRAY_SIZE (pkgdb_parsers); i++)
    {
      og_pkglist l = { .with_deps = true, .with_verify = true };
      og_package p = { 0 };
      og_error *err = NULL;

      if (strcmp (pkgdb_parsers[i].name, target) != 0
          && !(strcmp (target, "dpkg_md5sums") == 0
               && strcmp (pkgdb_parsers[i].name, "dpkg_list") == 0))
        continue;
      found = true;
      if (pkgdb_parsers[i].list)
        pkgdb_parsers[i].list (data, size, "fuzz", &l, &err);
      else if (pkgdb_parsers[i].pkg)
        {
          p.name = og_xstrdup ("pkg"); /* the .list and .md5sums parsers add to a package */
          pkgdb_parsers[i].pkg (data, size, "fuzz", &p, &err);
        }
      else
        og_rpm_header_parse_ex (data, size, "fuzz", OG_RPM_PARSE_DEPS | OG_RPM_PARSE_VERIFY, &p,
                                &err);
      og_error_free (err);
      og_pkglist_clear (&l);
      og_package_clear (&p);
    }
  return found;
}

static void
fuzz_osrelease (const uint8_t *data, size_t size)
{
  og_osrelease os = { 0 };
  og_osrelease_parse (data, size, &os);
  og_osrelease_clear (&os);
}

static void
fuzz_elf (const uint8_t *data, size_t size)
{
  og_exec_class c;
  cleanup_free char *caps = NULL;
  og_exec_classify (data, size, &c);
  caps = og_filecap_text (data, size);
}

static void
fuzz_copyright (const uint8_t *data, size_t size)
{
  cleanup_free char *expr = og_license_from_dep5 (data, size);
  if (expr && !og_license_is_spdx_expression (expr))
    abort (); /* what it writes must be an SPDX expression */
}

static void
fuzz_oci_state (const uint8_t *data, size_t size)
{
  og_oci_state st;
  og_error *err = NULL;
  if (og_oci_state_parse ((const char *)data, size, &st, &err) == 0)
    og_oci_state_clear (&st);
  og_error_free (err);
}

/* One line of an audit file, as `ocigate audit` reads it; and its bytes as
   an RFC 3339 time.  */
static void
fuzz_audit_record (const uint8_t *data, size_t size)
{
  og_audit_fields f = { 0 };
  og_error *err = NULL;
  int64_t ms;
  if (og_audit_parse ((const char *)data, size, &f, &err) == 0)
    {
      const char *t = og_audit_str_get (&f, f.time), *d = og_audit_str_get (&f, f.decision);
      if (t == NULL || d == NULL || strlen (t) > f.time.len || strlen (d) > f.decision.len)
        abort (); /* a record has both, each within its length (a NUL may come first) */
      og_audit_parse_rfc3339 (t, f.time.len, &ms);
    }
  og_error_free (err);
  og_audit_fields_clear (&f);
  og_audit_parse_rfc3339 ((const char *)data, size, &ms);
}

static void
fuzz_oci_config (const uint8_t *data, size_t size)
{
  og_oci_config c;
  og_error *err = NULL;
  if (og_oci_config_parse ((const char *)data, size, "config.json", &c, &err) == 0)
    og_oci_config_clear (&c);
  og_error_free (err);
}

static void
fuzz_manifest (const uint8_t *data, size_t size)
{
  cleanup_manifest og_manifest *m = NULL;
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;
  og_manifest_load_buffer ((const char *)data, size, "fuzz.json", &m, &diags, &err);
}

static void
fuzz_hostconfig (const uint8_t *data, size_t size)
{
  cleanup_hostconfig og_hostconfig *cfg = NULL;
  cleanup_diags og_diags diags = { 0 };
  cleanup_error og_error *err = NULL;
  og_hostconfig_load_buffer ((const char *)data, size, "fuzz.json", &cfg, &diags, &err);
}

/* ---- images: the bytes go into an OCI layout in a scratch directory ---- */

static char layout[4096];

static void
put (const char *name, const void *data, size_t len)
{
  cleanup_free char *path = og_xasprintf ("%s/%s", layout, name);
  cleanup_close int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || og_write_all (fd, data, len) < 0)
    abort ();
}

static void
put_blob (const void *data, size_t len, og_sha256_hex hex)
{
  cleanup_free char *name = NULL;
  if (og_sha256_hex_of (data, len, hex, NULL) < 0)
    abort ();
  name = og_xasprintf ("blobs/sha256/%s", hex);
  put (name, data, len);
}

static void
drop_blob (const og_sha256_hex hex)
{
  cleanup_free char *path = og_xasprintf ("%s/blobs/sha256/%s", layout, hex);
  (void)unlink (path);
}

/* A layout in a fresh directory under $TMPDIR (run.sh gives each target
   one and removes it afterwards).  */
static void
scratch_layout (void)
{
  const char *tmp = getenv ("TMPDIR");
  cleanup_free char *blobs = NULL;
  cleanup_free char *sha = NULL;

  if (layout[0])
    return;
  snprintf (layout, sizeof layout, "%s/og-fuzz.XXXXXX", tmp && *tmp ? tmp : "/tmp");
  if (mkdtemp (layout) == NULL)
    abort ();
  blobs = og_xasprintf ("%s/blobs", layout);
  sha = og_xasprintf ("%s/blobs/sha256", layout);
  if (mkdir (blobs, 0700) < 0 || mkdir (sha, 0700) < 0)
    abort ();
  put ("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}", 30);
}

/* Every regular file of SRC read again from its layer for its md5
   (og_source_prefetch), then inspected.  */
typedef struct paths
{
  char **v;
  size_t n, cap;
} paths;

static int
collect_regular (const og_entry *e, void *ud, og_error **err)
{
  paths *p = ud;
  (void)err;
  if ((e->mode & 0170000) == 0100000)
    {
      og_grow (&p->v, &p->cap, p->n + 1, sizeof *p->v);
      p->v[p->n++] = og_xstrdup (e->path);
    }
  return 0;
}

static void
reread_all (og_source *src)
{
  paths p = { 0 };
  og_error *err = NULL;
  if (og_source_walk (src, 0, collect_regular, &p, &err) == 0 && p.n > 0)
    {
      og_digest_algo *algos = og_xreallocarray (NULL, p.n, sizeof *algos);
      for (size_t i = 0; i < p.n; i++)
        algos[i] = OG_DIGEST_MD5;
      if (og_source_prefetch (src, (const char *const *)p.v, algos, p.n, &err) == 0)
        for (size_t i = 0; i < p.n; i++)
          {
            og_file_facts ff;
            og_error_freep (&err);
            (void)og_source_inspect (src, p.v[i], OG_DIGEST_MD5, &ff, &err);
          }
      free (algos);
    }
  og_error_free (err);
  for (size_t i = 0; i < p.n; i++)
    free (p.v[i]);
  free (p.v);
}

static void
inventory_of_layout (void)
{
  cleanup_free char *spec = og_xasprintf ("oci:%s", layout);
  og_source_options opts = { .digests = OG_DIGESTS_EXEC, .keep = og_pkgdb_keep };
  og_source *src = NULL;
  og_error *err = NULL;
  if (og_source_open (spec, &opts, &src, &err) == 0)
    {
      og_inventory inv;
      if (og_inventory_build (src, OG_INV_VERIFY_ALL, &inv, &err) == 0)
        og_inventory_clear (&inv);
      og_error_freep (&err);
      reread_all (src);
      og_source_free (src);
    }
  og_error_free (err);
}

/* The bytes are an uncompressed layer tar of a one-layer image.  */
static void
fuzz_layer_tar (const uint8_t *data, size_t size)
{
  og_sha256_hex layer, cfg_hex, man_hex;
  cleanup_free char *cfg = NULL, *man = NULL, *idx = NULL;

  scratch_layout ();
  put_blob (data, size, layer);
  cfg = og_xasprintf ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":"
                      "\"layers\",\"diff_ids\":[\"sha256:%s\"]}}",
                      layer);
  put_blob (cfg, strlen (cfg), cfg_hex);
  man = og_xasprintf (
      "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
      "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":"
      "\"sha256:%s\",\"size\":%zu},\"layers\":[{\"mediaType\":"
      "\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%zu}]}",
      cfg_hex, strlen (cfg), layer, size);
  put_blob (man, strlen (man), man_hex);
  idx = og_xasprintf ("{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                      "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:%s\","
                      "\"size\":%zu}]}",
                      man_hex, strlen (man));
  put ("index.json", idx, strlen (idx));
  inventory_of_layout ();
  /* One input's blobs go with it: a long run would otherwise leave one
     layer per input in the scratch layout (hundreds of thousands of files
     in 30 minutes).  */
  drop_blob (layer);
  drop_blob (cfg_hex);
  drop_blob (man_hex);
}

/* The bytes are the index.json of a layout (its blobs from earlier runs of
   this process may or may not match what it names).  */
static void
fuzz_image_index (const uint8_t *data, size_t size)
{
  scratch_layout ();
  put ("index.json", data, size);
  inventory_of_layout ();
}

typedef struct target
{
  const char *name;
  void (*fn) (const uint8_t *data, size_t size);
} target;

static const target targets[] = {
  { "osrelease", fuzz_osrelease },
  { "copyright", fuzz_copyright },
  { "elf", fuzz_elf },
  { "oci_state", fuzz_oci_state },
  { "audit_record", fuzz_audit_record },
  { "oci_config", fuzz_oci_config },
  { "manifest", fuzz_manifest },
  { "hostconfig", fuzz_hostconfig },
  { "layer_tar", fuzz_layer_tar },
  { "image_index", fuzz_image_index },
};

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  static const target *t;
  if (fuzz_pkgdb (OG_STR (OG_FUZZ_TARGET), data, size))
    return 0;
  if (t == NULL)
    {
      for (size_t i = 0; i < OG_ARRAY_SIZE (targets) && t == NULL; i++)
        if (strcmp (targets[i].name, OG_STR (OG_FUZZ_TARGET)) == 0)
          t = &targets[i];
      if (t == NULL)
        abort ();
    }
  t->fn (data, size);
  return 0;
}
