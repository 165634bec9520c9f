/* Build the inventory from a source: os-release, a walk of every entry, the
   package databases (databases.c), then who owns what (ownership.c).  */
#include <pthread.h>
#include <sys/stat.h>

#include "base/deadline.h"
#include "base/util.h"
#include "catalog/build_int.h"
#include "catalog/filecap.h"
#include "catalog/pool.h"

/* Is e the runtime's placeholder at an exclusion: an empty regular file at
   exactly that path?  Only such an entry is left out (and listed as
   skipped, "excluded"); a directory at a destination is walked as any other
   (an empty one yields nothing, and a non-empty one holds image content,
   e.g. an image's VOLUME), and nothing below a destination is ever left
   out.  */
bool
og_inventory_excludes (const char *const *excludes, size_t n, const og_entry *e)
{
  if ((e->mode & 0170000) != 0100000 || e->size != 0)
    return false;
  for (size_t i = 0; i < n; i++)
    if (strcmp (e->path, excludes[i]) == 0)
      return true;
  return false;
}

static void
add_skipped (og_inventory *inv, const og_entry *e, og_skip_reason reason)
{
  og_skipped *k;
  /* Rare (a few mount points): grown one at a time.  */
  inv->skipped = og_xreallocarray (inv->skipped, inv->n_skipped + 1, sizeof *inv->skipped);
  k = &inv->skipped[inv->n_skipped++];
  k->path = og_xstrdup (e->path);
  k->mode = e->mode;
  k->reason = reason;
}

/* ---- the walk ----------------------------------------------------------- */

static int
on_entry (const og_entry *e, void *userdata, og_error **err)
{
  build_state *st = userdata;
  og_inventory *inv = st->inv;
  ssize_t exec_index = -1;
  ssize_t owner = -1; /* joined after the databases are read */

  /* A hook's deadline ends the walk cleanly (checked every 256 entries).  */
  if ((++st->entries & 255) == 0 && og_deadline_check (err) < 0)
    return -1;
  if (st->n_excludes && og_inventory_excludes (st->excludes, st->n_excludes, e))
    {
      add_skipped (inv, e, OG_SKIPPED_EXCLUDED);
      return 0;
    }
  if (e->skipped != OG_SKIP_NONE)
    {
      add_skipped (inv, e, OG_SKIPPED_MOUNT);
      /* A mount point directory is still part of the tree (listed, not
         entered); anything else on another mount is not the image's.  */
      if (!S_ISDIR (e->mode))
        return 0;
    }
  if (S_ISDIR (e->mode))
    og_strmap_put (&st->tree, e->path, OG_CATALOG_DIR_MARK);
  else if (S_ISLNK (e->mode) && e->link_target)
    og_strmap_put (&st->tree, e->path, og_xstrdup (e->link_target));
  if (og_entry_is_executable (e->mode))
    {
      og_exec *x;
      og_grow (&inv->execs, &st->cap_execs, inv->n_execs + 1, sizeof *inv->execs);
      exec_index = (ssize_t)inv->n_execs;
      x = &inv->execs[inv->n_execs++];
      memset (x, 0, sizeof *x);
      x->path = og_xstrdup (e->path);
      x->mode = e->mode;
      x->uid = e->uid;
      x->gid = e->gid;
      x->size = e->size;
      x->nlink = e->nlink;
      if (e->cls)
        x->cls = *e->cls; /* a cache replay: classified when it was cached */
      else
        og_exec_classify (e->head, e->head_len, &x->cls);
      x->setuid = (e->mode & S_ISUID) != 0;
      x->setgid = (e->mode & S_ISGID) != 0;
      x->capabilities = e->cap ? og_filecap_text (e->cap, e->cap_len) : NULL;
      x->sha256 = e->sha256 ? og_xstrdup (e->sha256) : NULL;
      if (e->sha256_pending)
        og_idxv_push (&st->pending, (size_t)exec_index);
      x->layer = e->layer;
      x->package = owner;
    }
  if (st->flags & OG_INV_FILES)
    {
      og_file *f;
      og_grow (&inv->files, &st->cap_files, inv->n_files + 1, sizeof *inv->files);
      f = &inv->files[inv->n_files++];
      memset (f, 0, sizeof *f);
      f->path = og_xstrdup (e->path);
      f->link_target = e->link_target ? og_xstrdup (e->link_target) : NULL;
      f->mode = e->mode;
      f->uid = e->uid;
      f->gid = e->gid;
      f->size = e->size;
      f->package = owner;
      f->exec = exec_index;
    }
  return 0;
}

/* ---- the digests the walk left to read ---------------------------------- */

typedef struct digest_ctx
{
  og_source *src;
  og_inventory *inv;
  const size_t *order; /* exec indices, largest first */
} digest_ctx;

static int
digest_one (void *ctx, size_t i, og_error **err)
{
  digest_ctx *c = ctx;
  og_exec *x = &c->inv->execs[c->order[i]];
  og_file_facts ff;
  int r = og_source_inspect (c->src, x->path, OG_DIGEST_SHA256, &ff, err);
  if (r < 0)
    return -1;
  /* The walk saw a regular file here: it must still be one, and the same.  */
  if (r > 0 || !ff.has_digest || ff.mode != x->mode || ff.size != x->size)
    return og_error_set (err, 0, "`%s` changed while it was inspected", x->path);
  x->sha256 = og_xstrdup (ff.digest);
  return 0;
}

static int
by_size_desc (const void *a, const void *b, void *execs)
{
  const og_exec *x = execs;
  size_t ia = *(const size_t *)a, ib = *(const size_t *)b;
  if (x[ia].size != x[ib].size)
    return x[ia].size < x[ib].size ? 1 : -1;
  return ia < ib ? -1 : 1;
}

/* The sha256 of the executables the walk handed over as pending, on every
   CPU, largest first so that a large file taken last does not leave the
   other threads idle.  Each result goes to its own executable: the output
   does not depend on the order.  */
static int
digest_pending (build_state *st, og_error **err)
{
  digest_ctx c = { .src = st->src, .inv = st->inv, .order = st->pending.v };
  if (st->pending.n == 0)
    return 0;
  qsort_r (st->pending.v, st->pending.n, sizeof *st->pending.v, by_size_desc, st->inv->execs);
  return og_catalog_parallel (st->pending.n, digest_one, &c, err);
}

/* A job on a thread of its own beside the calling thread, which goes on
   with other work; without a thread, it runs at once.  Each job writes
   fields of its own: the digests write sha256 (after the walk), the
   packages write the package list and the databases (beside the walk).  */
typedef int (*job_fn) (build_state *st, og_error **err);

typedef struct job
{
  job_fn fn;
  build_state *st;
  pthread_t tid;
  bool running;
  int ret;
  og_error *err;
} job;

static void *
job_main (void *arg)
{
  job *j = arg;
  j->ret = j->fn (j->st, &j->err);
  return NULL;
}

static int
job_start (job *j, job_fn fn, build_state *st, og_error **err)
{
  j->fn = fn;
  j->st = st;
  j->running = pthread_create (&j->tid, NULL, job_main, j) == 0;
  return j->running ? 0 : fn (st, err);
}

/* Wait for the job; with job_first its error comes before ret's, else
   after it.  */
static int
job_finish (job *j, int ret, bool job_first, og_error **err)
{
  if (!j->running)
    return ret;
  pthread_join (j->tid, NULL);
  j->running = false;
  if (j->ret == 0 || (ret < 0 && !job_first))
    {
      og_error_free (j->err);
      return ret;
    }
  if (err && *err)
    og_error_freep (err);
  if (err)
    *err = og_steal_pointer (&j->err);
  og_error_free (j->err);
  return -1;
}

/* The digests the walk left pending need the walk but not the packages:
   read while the calling thread reads the databases.  Only a directory
   source hands over pending digests, and its operations keep no state
   (syscalls on the root fd), so its inspect may run beside them.  */
static int
digest_start (job *j, build_state *st, og_error **err)
{
  if (st->pending.n == 0)
    return 0;
  return job_start (j, digest_pending, st, err);
}

static void
summarize (og_inventory *inv)
{
  og_inventory_summary *s = &inv->summary;
  size_t verified = s->verified, verified_ok = s->verified_ok; /* set by integrity.c */
  memset (s, 0, sizeof *s);
  s->verified = verified;
  s->verified_ok = verified_ok;
  s->packages = inv->packages.n;
  s->executables = inv->n_execs;
  s->files = inv->n_files;
  s->skipped = inv->n_skipped;
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      const og_exec *x = &inv->execs[i];
      s->elf += x->cls.kind == OG_KIND_ELF;
      s->scripts += x->cls.kind == OG_KIND_SCRIPT;
      s->other += x->cls.kind == OG_KIND_OTHER;
      s->setuid += x->setuid;
      s->setgid += x->setgid;
      s->capabilities += x->capabilities != NULL;
      s->owned += x->package >= 0;
      s->unowned += x->integrity == OG_INTEGRITY_UNOWNED;
      s->modified += x->integrity == OG_INTEGRITY_MODIFIED;
    }
  for (size_t i = 0; i < inv->n_verified; i++)
    {
      s->verified_modified += inv->verified[i].integrity == OG_INTEGRITY_MODIFIED;
      s->verified_missing += inv->verified[i].integrity == OG_INTEGRITY_MISSING;
      s->verified_unverifiable += inv->verified[i].integrity == OG_INTEGRITY_UNVERIFIABLE;
    }
}

static void
copy_source_info (og_source_info *dst, const og_source_info *src)
{
  dst->kind = src->kind ? og_xstrdup (src->kind) : NULL;
  dst->path = src->path ? og_xstrdup (src->path) : NULL;
  dst->config_digest = src->config_digest ? og_xstrdup (src->config_digest) : NULL;
  dst->manifest_digest = src->manifest_digest ? og_xstrdup (src->manifest_digest) : NULL;
  dst->tags = og_strv_dup (src->tags, src->n_tags);
  dst->n_tags = src->n_tags;
  dst->layers = og_strv_dup (src->layers, src->n_layers);
  dst->n_layers = src->n_layers;
  dst->command = og_strv_dup (src->command, src->n_command);
  dst->n_command = src->n_command;
  dst->command_path = src->command_path ? og_xstrdup (src->command_path) : NULL;
}

int
og_inventory_build (og_source *src, unsigned flags, og_inventory *inv, og_error **err)
{
  return og_inventory_build_excluding (src, flags, NULL, 0, inv, err);
}

int
og_inventory_build_excluding (og_source *src, unsigned flags, const char *const *excludes,
                              size_t n_excludes, og_inventory *inv, og_error **err)
{
  return og_inventory_build_walked (src, flags, excludes, n_excludes, NULL, NULL, NULL, inv, err);
}

int
og_inventory_build_walked (og_source *src, unsigned flags, const char *const *excludes,
                           size_t n_excludes, og_inventory_walker walker, void *walker_data,
                           og_inventory_restore restore, og_inventory *inv, og_error **err)
{
  build_state st
      = { .src = src, .inv = inv, .flags = flags, .excludes = excludes, .n_excludes = n_excludes };
  unsigned walk_flags = 0;
  job digests = { 0 }, packages = { 0 };
  bool packages_beside;
  int ret, restored;

  memset (inv, 0, sizeof *inv);
  copy_source_info (&inv->source, &src->info);
  if (flags & OG_INV_CROSS_MOUNTS)
    walk_flags |= OG_WALK_CROSS_MOUNTS;

  /* Walk first: ownership is then resolved against the tree in memory.
     on_entry never prunes: the source may read ahead on other threads.  */
  if (walker == NULL)
    walk_flags |= OG_WALK_PARALLEL;
  /* Nor does the package list need the walk: where the source allows it,
     the databases are read beside the walk (a cache's walker may restore
     them instead: read after it).  */
  packages_beside = walker == NULL && !(flags & OG_INV_NO_PACKAGES) && src->ops->reads_beside_walk;
  ret = og_catalog_load_os (&st, err);
  if (ret == 0 && (flags & OG_INV_ACCOUNTS))
    ret = og_catalog_load_accounts (&st, err);
  if (ret == 0 && packages_beside)
    ret = job_start (&packages, og_catalog_load_packages, &st, err);
  if (ret == 0)
    ret = walker ? walker (src, walk_flags, on_entry, &st, walker_data, err)
                 : og_source_walk (src, walk_flags, on_entry, &st, err);
  if (ret == 0)
    ret = digest_start (&digests, &st, err);
  ret = job_finish (&packages, ret, false, err); /* the walk's error first */
  restored = ret == 0 && restore && flags == 0 ? restore (inv, walker_data, err) : 0;
  if (restored < 0)
    ret = -1;
  if (ret == 0 && !restored && !(flags & OG_INV_NO_PACKAGES))
    {
      if (!packages_beside)
        ret = og_catalog_load_packages (&st, err);
      if (ret == 0)
        ret = og_catalog_index_owners (&st, err);
      if (ret == 0 && (flags & OG_INV_DEPS))
        og_depgraph_build (&inv->packages, &inv->deps);
    }
  ret = job_finish (&digests, ret, true, err); /* the digests' error first: it is the walk's */
  free (st.pending.v);
  if (ret == 0 && !restored)
    og_catalog_join_owners (&st);
  if (ret == 0 && !(flags & OG_INV_NO_PACKAGES) && (flags & (OG_INV_VERIFY | OG_INV_VERIFY_ALL)))
    ret = og_catalog_verify (&st, err);
  og_strmap_clear (&st.owners, NULL);
  og_strmap_clear (&st.dircache, free);
  og_strmap_clear (&st.tree, og_catalog_tree_value_free);
  if (ret < 0)
    {
      og_inventory_clear (inv);
      return ret;
    }
  summarize (inv);
  return 0;
}

void
og_inventory_clear (og_inventory *inv)
{
  og_source_info_clear (&inv->source);
  og_osrelease_clear (&inv->os);
  og_idnames_clear (&inv->users);
  og_idnames_clear (&inv->groups);
  for (size_t i = 0; i < inv->n_dbs; i++)
    {
      free (inv->dbs[i].type);
      free (inv->dbs[i].path);
      free (inv->dbs[i].backend);
    }
  free (inv->dbs);
  og_depgraph_clear (&inv->deps);
  og_pkglist_clear (&inv->packages);
  for (size_t i = 0; i < inv->n_execs; i++)
    {
      free (inv->execs[i].path);
      free (inv->execs[i].capabilities);
      free (inv->execs[i].sha256);
    }
  free (inv->execs);
  for (size_t i = 0; i < inv->n_files; i++)
    {
      free (inv->files[i].path);
      free (inv->files[i].link_target);
    }
  free (inv->files);
  for (size_t i = 0; i < inv->n_skipped; i++)
    free (inv->skipped[i].path);
  free (inv->skipped);
  for (size_t i = 0; i < inv->n_verified; i++)
    {
      og_verified *v = &inv->verified[i];
      free (v->path);
      free (v->listed);
      free (v->want_digest);
      free (v->have_digest);
      free (v->want_user);
      free (v->want_group);
    }
  free (inv->verified);
  memset (inv, 0, sizeof *inv);
}

const char *
og_skip_reason_name (og_skip_reason r)
{
  switch (r)
    {
    case OG_SKIPPED_MOUNT:
      return "mount";
    case OG_SKIPPED_EXCLUDED:
      return "excluded";
    default:
      return "?";
    }
}

const char *
og_integrity_name (og_integrity i)
{
  switch (i)
    {
    case OG_INTEGRITY_OK:
      return "ok";
    case OG_INTEGRITY_MODIFIED:
      return "modified";
    case OG_INTEGRITY_UNOWNED:
      return "unowned";
    case OG_INTEGRITY_MISSING:
      return "missing";
    case OG_INTEGRITY_UNVERIFIABLE:
      return "unverifiable";
    case OG_INTEGRITY_UNCHECKED:
    default:
      return "unchecked";
    }
}
