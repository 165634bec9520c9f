/* Helpers for the policy unit tests: inventories built in C.  */
#ifndef OG_TEST_POLICY_FIXTURE_H
#define OG_TEST_POLICY_FIXTURE_H

#include "catalog/inventory.h"
#include "policy/manifest.h"
#include "base/util.h"

static inline og_package *
fx_pkg (og_inventory *inv, og_pkg_type type, const char *name, const char *version,
        const char *release, const char *arch)
{
  og_package *p = og_pkglist_add (&inv->packages);
  p->type = type;
  p->name = og_xstrdup (name);
  p->version = og_xstrdup (version);
  p->release = release ? og_xstrdup (release) : NULL;
  p->arch = arch ? og_xstrdup (arch) : NULL;
  return p;
}

static inline og_exec *
fx_exec (og_inventory *inv, const char *path, ssize_t package)
{
  og_exec *e;
  inv->execs = og_xreallocarray (inv->execs, inv->n_execs + 1, sizeof *inv->execs);
  e = &inv->execs[inv->n_execs++];
  memset (e, 0, sizeof *e);
  e->path = og_xstrdup (path);
  e->mode = 0100755;
  e->package = package;
  e->layer = -1;
  e->integrity = package >= 0 ? OG_INTEGRITY_OK : OG_INTEGRITY_UNOWNED;
  return e;
}

static inline og_manifest *
fx_manifest (const char *text, og_diags *d)
{
  og_manifest *m = NULL;
  og_error *err = NULL;
  if (og_manifest_load_buffer (text, strlen (text), "test.json", &m, d, &err) < 0)
    {
      for (size_t i = 0; i < d->n; i++)
        {
          char *s = og_diag_format (d, i);
          fprintf (stderr, "# %s\n", s);
          free (s);
        }
      og_error_free (err);
      return NULL;
    }
  return m;
}

#endif
