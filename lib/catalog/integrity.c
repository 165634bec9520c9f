/* Integrity: the files that packages own, checked against their own
   databases' records, in the databases' own algorithms, as `rpm -V`,
   `dpkg --verify` and `apk audit` do by hand.

   What each database records, and so what is compared:
   - rpm (lib/verify.c rpmVerifyFile): FILEDIGESTS in FILEDIGESTALGO,
     FILESIZES, FILEMODES (type and permissions), FILEUSERNAME and
     FILEGROUPNAME; %ghost files and files not installed (FILESTATES other
     than normal) are skipped, a %missingok file may be missing, %config
     files are flagged.
   - dpkg (src/main/verify.c verify_package): only the MD5 of info/PKG.md5sums
     (status.d/PKG.md5sums for distroless), or for a conffile without one the
     hash of the status file's Conffiles field; files without a hash are
     not checked; a file that another package diverted is checked where the
     diversion put it.
   - apk: the Z: checksum of each file, and the permission bits of its a:
     line.
   User and group names are looked up in the tree's own /etc/passwd and
   /etc/group, read as data (never through NSS).

   Without OG_INV_VERIFY_ALL only executables are checked: the files that
   are executables in the tree, and the files the database records as
   executables (or, for dpkg, which records no modes, the files in the
   usual bin directories) when they are missing.  */
#include <sys/stat.h>

#include "base/deadline.h"
#include "base/reader.h"
#include "base/util.h"
#include "catalog/build_int.h"
#include "catalog/pool.h"

/* Where dpkg keeps executables: its database records no modes, so a missing
   file is taken as an executable by its directory.  */
static const char *const bin_dirs[]
    = { "/bin/",           "/sbin/",           "/usr/bin/",    "/usr/sbin/",
        "/usr/local/bin/", "/usr/local/sbin/", "/usr/libexec/" };

static bool
in_bin_dir (const char *path)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (bin_dirs); i++)
    {
      size_t n = strlen (bin_dirs[i]);
      if (strncmp (path, bin_dirs[i], n) == 0 && strchr (path + n, '/') == NULL)
        return true;
    }
  return false;
}

typedef struct verify_state
{
  build_state *st;
  bool all;
  og_strmap execs;    /* path -> exec index + 1 */
  og_strmap seen;     /* canonical paths checked */
  og_strmap excluded; /* inv->skipped as OG_SKIPPED_EXCLUDED */
  og_strmap users;    /* name -> id + 1, from the tree's /etc/passwd */
  og_strmap groups;
  bool ids_loaded;
  size_t cap;
  size_t ok;
} verify_state;

/* "name:x:id:..." lines (passwd(5), group(5)) into m.  */
static void
parse_ids (const uint8_t *data, size_t len, og_strmap *m)
{
  og_reader r;
  const char *line;
  size_t n;
  og_reader_init (&r, data, len);
  while (og_reader_line (&r, len, &line, &n))
    {
      const char *c1 = memchr (line, ':', n), *c2, *end = line + n;
      uint64_t id = 0;
      bool digits = false;
      cleanup_free char *name = NULL;
      if (c1 == NULL || c1 == line)
        continue;
      c2 = memchr (c1 + 1, ':', (size_t)(end - c1 - 1));
      if (c2 == NULL)
        continue;
      for (const char *p = c2 + 1; p < end && *p >= '0' && *p <= '9' && id <= UINT32_MAX; p++)
        {
          id = id * 10 + (uint64_t)(*p - '0');
          digits = true;
        }
      if (!digits || id > UINT32_MAX)
        continue;
      name = og_xstrndup (line, (size_t)(c1 - line));
      if (!og_strmap_has (m, name))
        og_strmap_put (m, name, (void *)(uintptr_t)(id + 1));
    }
}

static int
load_ids (verify_state *vs, og_error **err)
{
  static const char *const files[] = { "/etc/passwd", "/etc/group" };
  og_strmap *maps[] = { &vs->users, &vs->groups };
  vs->ids_loaded = true;
  for (size_t i = 0; i < OG_ARRAY_SIZE (files); i++)
    {
      cleanup_free uint8_t *data = NULL;
      size_t len = 0;
      int r = og_source_read_file (vs->st->src, files[i], 16u << 20, &data, &len, err);
      if (r < 0)
        return -1;
      if (r == 0)
        parse_ids (data, len, maps[i]);
    }
  return 0;
}

/* Does the name the database records match the id the file has?  Unknown
   names (no such line in the tree's files) are not compared, except root.  */
static bool
id_matches (og_strmap *m, const char *name, uint32_t id)
{
  uintptr_t v = (uintptr_t)og_strmap_get (m, name);
  if (v == 0)
    return strcmp (name, "root") != 0 || id == 0;
  return v - 1 == id;
}

static og_verified *
add_verified (verify_state *vs, const char *path, const og_pkg_file *f, size_t pkg, ssize_t exec)
{
  og_inventory *inv = vs->st->inv;
  og_verified *v;
  og_grow (&inv->verified, &vs->cap, inv->n_verified + 1, sizeof *inv->verified);
  v = &inv->verified[inv->n_verified++];
  memset (v, 0, sizeof *v);
  v->path = og_xstrdup (path);
  v->listed = strcmp (path, f->path) != 0 ? og_xstrdup (f->path) : NULL;
  v->package = (ssize_t)pkg;
  v->exec = exec;
  v->config = (f->flags & OG_PKG_FILE_CONFIG) != 0;
  v->algo = inv->packages.pkgs[pkg].digest_algo;
  v->want_digest = f->digest ? og_xstrdup (f->digest) : NULL;
  v->want_size = f->size;
  v->want_mode = f->mode;
  v->want_user = f->user ? og_xstrdup (f->user) : NULL;
  v->want_group = f->group ? og_xstrdup (f->group) : NULL;
  return v;
}

/* What differs between the record and the facts (OG_DIFF_*).  */
static unsigned
compare (verify_state *vs, const og_package *p, const og_pkg_file *f, const og_file_facts *ff)
{
  unsigned d = 0;
  bool reg = S_ISREG (ff->mode);

  if (f->mode != 0)
    {
      /* rpm records the type too; apk only the permission bits.  */
      uint32_t mask = (f->mode & S_IFMT) ? 0177777u : 07777u;
      if ((f->mode & mask) != (ff->mode & mask))
        d |= OG_DIFF_MODE;
    }
  if (f->digest)
    {
      if (!reg)
        d |= f->mode ? OG_DIFF_MODE : OG_DIFF_DIGEST; /* no longer a regular file */
      else if (ff->has_digest && strcasecmp (f->digest, ff->digest) != 0)
        d |= OG_DIFF_DIGEST;
    }
  if (p->type == OG_PKG_RPM && reg && S_ISREG (f->mode) && f->size != ff->size)
    d |= OG_DIFF_SIZE;
  if (f->user && !id_matches (&vs->users, f->user, ff->uid))
    d |= OG_DIFF_USER;
  if (f->group && !id_matches (&vs->groups, f->group, ff->gid))
    d |= OG_DIFF_GROUP;
  return d;
}

/* Is this file in scope, and what is there to check?  */
static bool
wanted (const verify_state *vs, const og_package *p, const og_pkg_file *f, ssize_t exec)
{
  if (f->flags & OG_PKG_FILE_GHOST)
    return false;
  if (p->type == OG_PKG_RPM && f->state != 0)
    return false; /* replaced, not installed, netshared, wrong color */
  if (p->type == OG_PKG_DEB && f->digest == NULL && exec < 0)
    return false; /* dpkg checks only what it holds a hash for */
  if (vs->all || exec >= 0)
    return true;
  if (f->mode != 0)
    return (f->mode & S_IFMT) != S_IFDIR && (f->mode & 06111) != 0;
  return p->type == OG_PKG_DEB && in_bin_dir (f->path);
}

/* One packaged file to look at: chosen in package order, inspected by the
   pool in any order, judged in package order again (deterministic output).  */
typedef struct work
{
  size_t pkg;
  const og_pkg_file *f;
  char *canon;
  ssize_t exec;
  int r; /* of og_source_inspect */
  og_file_facts ff;
} work;

/* Is this file to be looked at (once: by its canonical path)?  Appends it
   to *ws.  */
static int
choose (verify_state *vs, size_t pi, const og_pkg_file *f, work **ws, size_t *n, size_t *cap,
        og_error **err)
{
  const og_package *p = &vs->st->inv->packages.pkgs[pi];
  cleanup_free char *canon = NULL;
  const char *where;
  uintptr_t xi;
  ssize_t exec;
  work *w;

  /* A file that another package diverted is looked for where the
     diversion put it (dpkg-divert(1)).  */
  where = f->diverted ? f->diverted : f->path;
  canon = og_catalog_canonical_path (vs->st, where, err);
  if (canon == NULL)
    {
      if (err && *err)
        return -1;
      canon = og_xstrdup (where); /* its directory is gone: so is the file */
    }
  if (og_strmap_has (&vs->seen, canon))
    return 0;
  og_strmap_put (&vs->seen, canon, NULL);
  /* The runtime's placeholders that the walk left out (the hook's
     excludes) are not the image's to judge.  */
  if (og_strmap_has (&vs->excluded, canon))
    return 0;
  xi = (uintptr_t)og_strmap_get (&vs->execs, canon);
  exec = xi ? (ssize_t)xi - 1 : -1;
  if (!wanted (vs, p, f, exec))
    return 0;
  if ((f->user || f->group) && !vs->ids_loaded && load_ids (vs, err) < 0)
    return -1;
  og_grow (ws, cap, *n + 1, sizeof **ws);
  w = &(*ws)[(*n)++];
  memset (w, 0, sizeof *w);
  w->pkg = pi;
  w->f = f;
  w->canon = og_steal_pointer (&canon);
  w->exec = exec;
  return 0;
}

/* ---- the digests of the chosen files, on every CPU we may use ---------- */

typedef struct inspect_ctx
{
  og_source *src;
  const og_inventory *inv;
  work *w;
  size_t *order; /* indices into w, the largest files first */
} inspect_ctx;

static int
inspect_one (void *ctx, size_t i, og_error **err)
{
  inspect_ctx *c = ctx;
  work *w = &c->w[c->order[i]];
  const og_package *p = &c->inv->packages.pkgs[w->pkg];
  w->r = og_source_inspect (c->src, w->canon, w->f->digest ? p->digest_algo : OG_DIGEST_NONE,
                            &w->ff, err);
  return w->r < 0 ? -1 : 0;
}

/* The size a file is expected to have: the walk's, for an executable, else
   what the database records (rpm; 0 where it records none).  */
static uint64_t
expected_size (const og_inventory *inv, const work *w)
{
  return w->exec >= 0 ? inv->execs[w->exec].size : w->f->size;
}

static int
by_size_desc (const void *a, const void *b, void *ctx)
{
  const inspect_ctx *c = ctx;
  size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
  uint64_t sa = expected_size (c->inv, &c->w[ia]), sb = expected_size (c->inv, &c->w[ib]);
  if (sa != sb)
    return sa < sb ? 1 : -1;
  return ia < ib ? -1 : 1;
}

/* Inspect every item on every CPU, the largest first so that a large file
   taken last does not leave the other threads idle; each result is the
   item's own, judged afterwards in package order.  */
static int
inspect_all (og_source *src, const og_inventory *inv, work *ws, size_t n, og_error **err)
{
  cleanup_free size_t *order = og_xreallocarray (NULL, n ? n : 1, sizeof *order);
  inspect_ctx c = { .src = src, .inv = inv, .w = ws, .order = order };
  for (size_t i = 0; i < n; i++)
    order[i] = i;
  qsort_r (order, n, sizeof *order, by_size_desc, &c);
  return og_catalog_parallel (n, inspect_one, &c, err);
}

/* Let a source that no longer holds the files' content (an image) read,
   once, what the digests to compare need.  */
static int
prefetch (og_source *src, const og_inventory *inv, const work *ws, size_t n, og_error **err)
{
  cleanup_free const char **paths = og_xreallocarray (NULL, n + 1, sizeof *paths);
  cleanup_free og_digest_algo *algos = og_xreallocarray (NULL, n + 1, sizeof *algos);
  for (size_t i = 0; i < n; i++)
    {
      paths[i] = ws[i].canon;
      algos[i] = ws[i].f->digest ? inv->packages.pkgs[ws[i].pkg].digest_algo : OG_DIGEST_NONE;
    }
  return og_source_prefetch (src, paths, algos, n, err);
}

/* What one inspected file is: ok (counted), or an og_verified.  */
static void
judge (verify_state *vs, const work *w)
{
  og_inventory *inv = vs->st->inv;
  const og_package *p = &inv->packages.pkgs[w->pkg];
  const og_pkg_file *f = w->f;
  const og_file_facts *ff = &w->ff;
  og_verified *v;
  unsigned differs;

  if (w->r > 0)
    {
      if (f->flags & OG_PKG_FILE_MISSINGOK)
        {
          vs->ok++;
          return;
        }
      v = add_verified (vs, w->canon, f, w->pkg, w->exec);
      v->integrity = OG_INTEGRITY_MISSING;
      return;
    }
  differs = compare (vs, p, f, ff);
  if (differs == 0 && S_ISREG (ff->mode) && (f->digest ? !ff->has_digest : w->exec >= 0))
    {
      /* Nothing differs, but the content was not compared.  */
      v = add_verified (vs, w->canon, f, w->pkg, w->exec);
      v->integrity = OG_INTEGRITY_UNVERIFIABLE;
    }
  else if (differs == 0)
    {
      vs->ok++;
      if (w->exec >= 0)
        inv->execs[w->exec].integrity = OG_INTEGRITY_OK;
      return;
    }
  else
    {
      v = add_verified (vs, w->canon, f, w->pkg, w->exec);
      v->integrity = OG_INTEGRITY_MODIFIED;
      v->differs = differs;
    }
  v->have_digest = ff->has_digest ? og_xstrdup (ff->digest) : NULL;
  v->have_size = ff->size;
  v->have_mode = ff->mode;
  v->have_uid = ff->uid;
  v->have_gid = ff->gid;
  if (w->exec >= 0)
    inv->execs[w->exec].integrity = v->integrity;
}

static void
verify_state_clear (verify_state *vs)
{
  og_strmap_clear (&vs->execs, NULL);
  og_strmap_clear (&vs->seen, NULL);
  og_strmap_clear (&vs->excluded, NULL);
  og_strmap_clear (&vs->users, NULL);
  og_strmap_clear (&vs->groups, NULL);
}

static void
works_free (work *ws, size_t n)
{
  for (size_t i = 0; i < n; i++)
    free (ws[i].canon);
  free (ws);
}

int
og_catalog_verify (build_state *st, og_error **err)
{
  og_inventory *inv = st->inv;
  __attribute__ ((cleanup (verify_state_clear))) verify_state vs
      = { .st = st, .all = (st->flags & OG_INV_VERIFY_ALL) != 0 };
  work *ws = NULL;
  size_t n = 0, cap = 0;
  int ret = 0;

  inv->verify = vs.all ? OG_VERIFY_ALL : OG_VERIFY_EXECUTABLES;
  for (size_t i = 0; i < inv->n_execs; i++)
    og_strmap_put (&vs.execs, inv->execs[i].path, (void *)(uintptr_t)(i + 1));
  for (size_t i = 0; i < inv->n_skipped; i++)
    if (inv->skipped[i].reason == OG_SKIPPED_EXCLUDED)
      og_strmap_put (&vs.excluded, inv->skipped[i].path, NULL);
  for (size_t i = 0; i < inv->packages.n && ret == 0; i++)
    for (size_t j = 0; j < inv->packages.pkgs[i].n_files && ret == 0; j++)
      ret = choose (&vs, i, &inv->packages.pkgs[i].files[j], &ws, &n, &cap, err);
  if (ret == 0)
    ret = og_deadline_check (err);
  if (ret == 0)
    ret = prefetch (st->src, inv, ws, n, err);
  if (ret == 0)
    ret = inspect_all (st->src, inv, ws, n, err);
  for (size_t i = 0; i < n && ret == 0; i++)
    judge (&vs, &ws[i]);
  works_free (ws, n);
  if (ret < 0)
    return -1;
  /* An owned executable that no record reached (its package lists it under
     another name only) was not compared.  */
  for (size_t i = 0; i < inv->n_execs; i++)
    if (inv->execs[i].integrity == OG_INTEGRITY_UNCHECKED)
      inv->execs[i].integrity = OG_INTEGRITY_UNVERIFIABLE;
  inv->summary.verified = vs.ok + inv->n_verified;
  inv->summary.verified_ok = vs.ok;
  return 0;
}
