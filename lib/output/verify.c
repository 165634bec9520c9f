/* `ocigate verify`: the packaged files that are not as their packages
   installed them, as a table in the spirit of rpm -V (rpm(8) "VERIFY
   OPTIONS": one column a check, S size, M mode, 5 digest, U user, G group;
   a letter when it differs, '.' when it matches, '?' when the database
   records nothing to compare), or as ocigate.verify/v1 JSON.  */
#include <sys/stat.h>

#include "base/util.h"
#include "json/writer.h"
#include "output/output.h"

/* The rpm -V columns (SM5DLUGTP), in rpm's order; D, L, T and P (device,
   link target, mtime, capabilities) are not compared, so '?'.  */
static void
columns (const og_verified *v, const og_package *p, char out[10])
{
  bool reg = S_ISREG (v->have_mode);
  memcpy (out, "?????????", 10);
  out[0] = p->type != OG_PKG_RPM || !reg ? '?' : (v->differs & OG_DIFF_SIZE) ? 'S' : '.';
  out[1] = v->want_mode == 0 ? '?' : (v->differs & OG_DIFF_MODE) ? 'M' : '.';
  out[2] = (v->differs & OG_DIFF_DIGEST)                      ? '5'
           : v->want_digest == NULL || v->have_digest == NULL ? '?'
                                                              : '.';
  out[5] = v->want_user == NULL ? '?' : (v->differs & OG_DIFF_USER) ? 'U' : '.';
  out[6] = v->want_group == NULL ? '?' : (v->differs & OG_DIFF_GROUP) ? 'G' : '.';
}

static const char *
pkg_name (const og_inventory *inv, ssize_t i)
{
  return i >= 0 ? inv->packages.pkgs[i].name : "-";
}

int
og_verify_write_table (const og_inventory *inv, FILE *out, og_error **err)
{
  const og_inventory_summary *s = &inv->summary;
  size_t unowned = 0;

  for (size_t i = 0; i < inv->n_verified; i++)
    {
      const og_verified *v = &inv->verified[i];
      const og_package *p = &inv->packages.pkgs[v->package];
      char col[10];
      const char *what = col;

      if (v->integrity == OG_INTEGRITY_MODIFIED)
        columns (v, p, col);
      else
        what = og_integrity_name (v->integrity);
      fprintf (out, "%-12s %c %s  %s", what, v->config ? 'c' : ' ', v->path, p->name);
      if (v->listed)
        fprintf (out, " (listed as %s)", v->listed);
      if (v->integrity == OG_INTEGRITY_UNVERIFIABLE)
        fprintf (out,
                 v->want_digest ? " (the source can not compute its %s)"
                                : " (its package records no digest%s)",
                 v->want_digest ? og_digest_name (v->algo) : "");
      fputc ('\n', out);
    }
  for (size_t i = 0; i < inv->n_execs; i++)
    if (inv->execs[i].integrity == OG_INTEGRITY_UNOWNED)
      {
        fprintf (out, "%-12s   %s  %s\n", "unowned", inv->execs[i].path, "-");
        unowned++;
      }
  fprintf (out,
           "# %zu packaged %s checked: %zu ok, %zu modified, %zu missing, %zu unverifiable; "
           "%zu unowned %s\n",
           s->verified, og_plural (s->verified, "file", "files"), s->verified_ok,
           s->verified_modified, s->verified_missing, s->verified_unverifiable, unowned,
           og_plural (unowned, "executable", "executables"));
  if (fflush (out) != 0 || ferror (out))
    return og_error_set (err, errno, "write the verification");
  return 0;
}

static void
kv_mode (og_jw *w, const char *key, uint32_t mode)
{
  char oct[8];
  og_mode_octal (mode, oct);
  og_jw_kv (w, key, oct);
}

static void
json_differs (og_jw *w, const og_verified *v)
{
  static const struct
  {
    unsigned bit;
    const char *name;
  } names[] = { { OG_DIFF_SIZE, "size" },
                { OG_DIFF_MODE, "mode" },
                { OG_DIFF_DIGEST, "digest" },
                { OG_DIFF_USER, "user" },
                { OG_DIFF_GROUP, "group" } };
  yajl_gen_string (w->g, (const unsigned char *)"differs", 7);
  yajl_gen_array_open (w->g);
  for (size_t i = 0; i < OG_ARRAY_SIZE (names); i++)
    if (v->differs & names[i].bit)
      og_jw_str (w, names[i].name);
  yajl_gen_array_close (w->g);
}

static void
json_file (og_jw *w, const og_inventory *inv, const og_verified *v)
{
  yajl_gen_map_open (w->g);
  og_jw_kpath (w, "path", v->path);
  if (v->listed)
    og_jw_kpath (w, "listed", v->listed);
  og_jw_kv (w, "package", pkg_name (inv, v->package));
  og_jw_kv (w, "integrity", og_integrity_name (v->integrity));
  og_jw_kbool (w, "config", v->config);
  og_jw_kbool (w, "executable", v->exec >= 0);
  if (v->integrity == OG_INTEGRITY_MODIFIED)
    json_differs (w, v);
  if (v->want_digest)
    {
      og_jw_kv (w, "algorithm", og_digest_name (v->algo));
      og_jw_kv (w, "expected_digest", v->want_digest);
      if (v->integrity != OG_INTEGRITY_MISSING)
        og_jw_kv (w, "actual_digest", v->have_digest);
    }
  if (v->integrity != OG_INTEGRITY_MISSING)
    {
      if (inv->packages.pkgs[v->package].type == OG_PKG_RPM)
        og_jw_kint (w, "expected_size", (long long)v->want_size);
      og_jw_kint (w, "actual_size", (long long)v->have_size);
      if (v->want_mode)
        kv_mode (w, "expected_mode", v->want_mode);
      kv_mode (w, "actual_mode", v->have_mode);
      if (v->want_user)
        og_jw_kv (w, "expected_user", v->want_user);
      if (v->want_group)
        og_jw_kv (w, "expected_group", v->want_group);
      og_jw_kint (w, "actual_uid", v->have_uid);
      og_jw_kint (w, "actual_gid", v->have_gid);
    }
  yajl_gen_map_close (w->g);
}

int
og_verify_write_json (const og_inventory *inv, FILE *out, og_error **err)
{
  const og_inventory_summary *s = &inv->summary;
  size_t unowned = 0;
  og_jw w;

  if (og_jw_open_file (&w, out, err) < 0)
    return -1;
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "schema", "ocigate.verify/v1");
  yajl_gen_string (w.g, (const unsigned char *)"source", 6);
  yajl_gen_map_open (w.g);
  og_jw_kv (&w, "kind", inv->source.kind);
  og_jw_kpath (&w, "path", inv->source.path);
  yajl_gen_map_close (w.g);
  og_jw_kv (&w, "scope", inv->verify == OG_VERIFY_ALL ? "all" : "executables");
  yajl_gen_string (w.g, (const unsigned char *)"files", 5);
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < inv->n_verified; i++)
    json_file (&w, inv, &inv->verified[i]);
  yajl_gen_array_close (w.g);
  yajl_gen_string (w.g, (const unsigned char *)"unowned", 7);
  yajl_gen_array_open (w.g);
  for (size_t i = 0; i < inv->n_execs; i++)
    if (inv->execs[i].integrity == OG_INTEGRITY_UNOWNED)
      {
        og_jw_str (&w, inv->execs[i].path);
        unowned++;
      }
  yajl_gen_array_close (w.g);
  yajl_gen_string (w.g, (const unsigned char *)"summary", 7);
  yajl_gen_map_open (w.g);
  og_jw_kint (&w, "checked", (long long)s->verified);
  og_jw_kint (&w, "ok", (long long)s->verified_ok);
  og_jw_kint (&w, "modified", (long long)s->verified_modified);
  og_jw_kint (&w, "missing", (long long)s->verified_missing);
  og_jw_kint (&w, "unverifiable", (long long)s->verified_unverifiable);
  og_jw_kint (&w, "unowned", (long long)unowned);
  yajl_gen_map_close (w.g);
  yajl_gen_map_close (w.g);
  return og_jw_close (&w, err);
}
