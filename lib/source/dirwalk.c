/* The walk of a directory source (dir.c): every entry below the root, depth
   first in strcmp order of the names, handed to the caller's function on
   the calling thread.

   A directory is read in one go, a scan: its names (getdents64), a statx of
   each, the target of each symlink, and the head and security.capability of
   each executable through an fd opened without following symlinks (the
   records of at most SCAN_WINDOW names at a time).  The
   calling thread then hands the scanned entries over in order.  When the
   caller's function never prunes (OG_WALK_PARALLEL), helper threads scan the
   directories the walk has found but not reached yet, the last found first
   (the far end of the walk), while the calling thread scans whatever it
   reaches that no helper has taken.  The syscalls, most of a walk's cost,
   then run on every CPU the process may use, while what the function is
   given, and in what order, is what one thread would give it.  How far the
   helpers read ahead is bounded by the bytes their scans hold.

   A directory is opened by its path below the root with openat2
   (RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS, and
   RESOLVE_NO_XDEV unless the walk crosses mounts): no symlink is followed
   and no path leaves the root; the paths hold no "..".  Mounts are
   recognised by mount ID (statx STATX_MNT_ID, Linux 5.8), not by st_dev: on
   an overlay root whose layers sit on different filesystems, files report
   the st_dev of the layer they come from, yet they are the image's content.
   Sources: openat2(2), getdents64(2), statx(2), capabilities(7),
   pthreads(7).  */
#include <fcntl.h>
#include <linux/openat2.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "source/dirwalk.h"
#include "source/dir.h"
#include "base/deadline.h"
#include "base/fileio.h"
#include "base/util.h"

/* Bytes the scans not yet handed over may hold before the helpers wait.  */
#define READ_AHEAD_MAX (8u << 20)
#define HELPERS_MAX    3
/* Entries of one directory scanned at a time: a directory of a million
   names holds its names and this many records, not a million records.  The
   windows after the first are scanned by the calling thread as it gets
   there.  */
#define SCAN_WINDOW 4096

typedef enum scan_state
{
  SCAN_QUEUED,
  SCAN_RUNNING,
  SCAN_DONE,
} scan_state;

struct scan_node;

/* One entry of a scanned directory: what the walk function is given, or
   the error that stands in its place.  */
typedef struct scan_rec
{
  const char *name; /* in the node's names */
  og_error *err;
  char *link_target;
  uint8_t *head;
  uint8_t *cap;
  uint32_t head_len;
  uint32_t cap_len;
  uint32_t mode;
  uint32_t uid;
  uint32_t gid;
  uint64_t size;
  uint64_t nlink;
  bool gone;    /* removed since the directory was listed */
  bool skipped; /* on another mount */
  bool pending; /* sha256 through inspect */
  struct scan_node *child; /* a directory the walk enters */
} scan_rec;

typedef struct scan_node
{
  char *path; /* "/usr/bin"; "" for the root */
  size_t depth;
  scan_state state;
  char **names;
  size_t n;      /* names */
  scan_rec *recs; /* of names[base, base + n_recs) */
  size_t base;
  size_t n_recs;
  og_error *err; /* the directory could not be read: handed over where it stands */
  size_t held;   /* bytes the names and the window's records hold */
  struct scan_node *all; /* every node, for the end */
} scan_node;

typedef struct walk
{
  const og_dir_root *root;
  unsigned flags;
  const char *root_what;
  struct open_how how;
  pthread_mutex_t mu;
  pthread_cond_t work; /* helpers: a node queued, bytes freed, or the end */
  pthread_cond_t done; /* the calling thread: a node scanned */
  /* Queued for the helpers, the last found on top: found by the helpers
     (the far end of the walk, taken first), and by the calling thread.  */
  scan_node **far, **near;
  size_t n_far, cap_far, n_near, cap_near;
  scan_node *nodes;
  size_t held;
  bool parallel;
  int finished; /* atomic: the walk is over */
} walk;

static scan_node *
node_new (walk *w, const char *path, size_t depth)
{
  scan_node *nd = og_xcalloc (1, sizeof *nd);
  nd->path = og_xstrdup (path);
  nd->depth = depth;
  nd->all = w->nodes; /* under w->mu */
  w->nodes = nd;
  return nd;
}

/* The window's records.  */
static void
window_release (scan_node *nd)
{
  for (size_t i = 0; i < nd->n_recs; i++)
    {
      scan_rec *r = &nd->recs[i];
      og_error_free (r->err);
      free (r->link_target);
      free (r->head);
      free (r->cap);
    }
  free (nd->recs);
  nd->recs = NULL;
  nd->n_recs = 0;
}

static void
node_release (scan_node *nd)
{
  window_release (nd);
  free (nd->names);
  nd->names = NULL;
  nd->n = 0;
}

static void *
dup_bytes (const void *p, size_t n)
{
  void *q = og_xmalloc (n ? n : 1);
  memcpy (q, p, n);
  return q;
}

/* Everything the walk function is given for one entry, or the error in its
   place: the path length, the statx, the mount, the link target, and an
   executable's head and capability.  The entry's path goes to path; true
   for a directory the walk enters.  */
static bool
scan_entry (walk *w, scan_node *nd, int dirfd, scan_rec *r, char path[OG_MAX_PATH + 1])
{
  const og_dir_root *root = w->root;
  size_t plen = strlen (nd->path), nlen = strlen (r->name);
  struct statx stx;
  bool other_mount;

  if (plen + 1 + nlen > OG_MAX_PATH)
    {
      og_error_set_code (&r->err, OG_ERR_LIMIT, 0,
                         "`%s/%s`: path longer than %d bytes (the path length limit): "
                         "not inspected",
                         nd->path, r->name, OG_MAX_PATH);
      return false;
    }
  memcpy (path, nd->path, plen);
  path[plen] = '/';
  memcpy (path + plen + 1, r->name, nlen + 1);

  if (statx (dirfd, r->name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT,
             STATX_TYPE | STATX_MODE | STATX_UID | STATX_GID | STATX_SIZE | STATX_NLINK
                 | STATX_MNT_ID,
             &stx)
      < 0)
    {
      if (errno == ENOENT)
        r->gone = true; /* gone since the directory was listed */
      else
        og_error_set (&r->err, errno, "stat `%s`", path);
      return false;
    }
  r->mode = stx.stx_mode;
  r->uid = stx.stx_uid;
  r->gid = stx.stx_gid;
  r->size = stx.stx_size;
  r->nlink = stx.stx_nlink;
  /* Another mount (a runtime's bind-mounted /etc/hostname, /proc): not the
     image's content.  Such a directory is listed but not entered; anything
     else is handed over as skipped only.  */
  other_mount = ((stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
                 && (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT));
  if (root->has_mnt_id && (stx.stx_mask & STATX_MNT_ID))
    other_mount |= stx.stx_mnt_id != root->mnt;
  else
    other_mount |= makedev (stx.stx_dev_major, stx.stx_dev_minor) != root->dev;
  if (other_mount && !(w->flags & OG_WALK_CROSS_MOUNTS))
    {
      r->skipped = true;
      return false;
    }
  if (S_ISLNK (r->mode))
    {
      char target[OG_MAX_PATH + 1];
      ssize_t n = readlinkat (dirfd, r->name, target, sizeof target - 1);
      if (n >= 0)
        {
          target[n] = '\0';
          r->link_target = dup_bytes (target, (size_t)n + 1);
        }
    }
  else if (og_entry_is_executable (r->mode))
    {
      uint8_t head[OG_HEAD_MAX], cap[OG_CAP_MAX];
      og_entry e = { 0 };
      uint64_t size;
      int fd = og_dir_open_head (dirfd, r->name, path, head, cap, &e, &size, &r->err);
      if (fd < 0)
        return false;
      close (fd);
      /* The digest is read later, on every CPU (og_entry.sha256_pending);
         its size limit is checked here, where the walk held the file.  */
      if (root->digests && size > OG_HASH_MAX)
        {
          og_error_set_code (&r->err, OG_ERR_LIMIT, 0,
                             "`%s`: an executable of %llu bytes, over the limit of %llu bytes "
                             "hashed (a sparse file?): not inspected",
                             path, (unsigned long long)size, (unsigned long long)OG_HASH_MAX);
          return false;
        }
      r->head = dup_bytes (e.head, e.head_len);
      r->head_len = (uint32_t)e.head_len;
      if (e.cap)
        {
          r->cap = dup_bytes (e.cap, e.cap_len);
          r->cap_len = (uint32_t)e.cap_len;
        }
      r->pending = root->digests;
    }
  return S_ISDIR (r->mode);
}

/* The bytes the window's records hold.  */
static size_t
window_held (const scan_node *nd)
{
  size_t held = nd->n_recs * sizeof *nd->recs;
  for (size_t i = 0; i < nd->n_recs; i++)
    {
      const scan_rec *r = &nd->recs[i];
      held += r->head_len + r->cap_len + (r->link_target ? strlen (r->link_target) + 1 : 0);
    }
  return held;
}

/* Open the directory of nd by its path below the root; -1 with nd->err.  */
static int
open_dir (walk *w, scan_node *nd)
{
  int fd = og_openat2 (w->root->fd, nd->path[0] ? nd->path + 1 : ".", &w->how);
  if (fd < 0)
    {
      if (nd->path[0])
        og_error_set (&nd->err, errno, "open directory `%s`", nd->path);
      else
        og_error_set (&nd->err, errno, "open `%s`", w->root_what);
    }
  return fd;
}

/* Scan the window of names from nd->base, through fd.  Errors go to
   nd->err (the deadline) or to the entry's record; the new subdirectories
   are linked to their records under the lock.  */
static void
scan_window (walk *w, scan_node *nd, int fd)
{
  size_t since_check = 0;

  nd->n_recs = nd->n - nd->base < SCAN_WINDOW ? nd->n - nd->base : SCAN_WINDOW;
  nd->recs = og_xcalloc (nd->n_recs ? nd->n_recs : 1, sizeof *nd->recs);
  for (size_t i = 0; i < nd->n_recs; i++)
    {
      scan_rec *r = &nd->recs[i];
      char path[OG_MAX_PATH + 1];
      r->name = nd->names[nd->base + i];
      if (++since_check == 256)
        {
          since_check = 0;
          if (__atomic_load_n (&w->finished, __ATOMIC_RELAXED))
            break; /* nobody is waiting for the rest */
          if (og_deadline_check (&nd->err) < 0)
            break;
        }
      if (scan_entry (w, nd, fd, r, path))
        {
          pthread_mutex_lock (&w->mu);
          r->child = node_new (w, path, nd->depth + 1);
          pthread_mutex_unlock (&w->mu);
        }
    }
}

/* Open and list the directory of nd, and scan its first window.  */
static void
scan (walk *w, scan_node *nd)
{
  cleanup_close int fd = open_dir (w, nd);

  if (fd < 0)
    return;
  if (nd->depth >= OG_MAX_DEPTH)
    {
      og_error_set_code (&nd->err, OG_ERR_LIMIT, 0,
                         "`%s`: directories nested deeper than %d levels (the depth "
                         "limit): what is below is not inspected",
                         nd->path, OG_MAX_DEPTH);
      og_error_set_subject (&nd->err, nd->path);
      return;
    }
  if (og_dir_read_names (fd, nd->path[0] ? nd->path : "/", &nd->names, &nd->n, &nd->err) < 0)
    return;
  nd->held = nd->n * sizeof *nd->names;
  for (size_t i = 0; i < nd->n; i++)
    nd->held += strlen (nd->names[i]) + 1;
  scan_window (w, nd, fd);
  nd->held += window_held (nd);
}

/* Under the lock: the subdirectories of nd's window are queued for the
   helpers, the last on top.  */
static void
queue_children (walk *w, scan_node *nd, bool by_helper)
{
  scan_node ***q = by_helper ? &w->far : &w->near;
  size_t *n = by_helper ? &w->n_far : &w->n_near;
  size_t *cap = by_helper ? &w->cap_far : &w->cap_near;

  if (!w->parallel || nd->err)
    return;
  for (size_t i = 0; i < nd->n_recs; i++)
    if (nd->recs[i].child)
      {
        og_grow (q, cap, *n + 1, sizeof **q);
        (*q)[(*n)++] = nd->recs[i].child;
        pthread_cond_signal (&w->work);
      }
}

/* After a scan, under the lock: the node is done, what it holds counted,
   its subdirectories queued.  */
static void
scanned (walk *w, scan_node *nd, bool by_helper)
{
  nd->state = SCAN_DONE;
  w->held += nd->held;
  queue_children (w, nd, by_helper);
}

static void *
helper_main (void *arg)
{
  walk *w = arg;

  pthread_mutex_lock (&w->mu);
  for (;;)
    {
      scan_node *nd;
      while (!w->finished && ((w->n_far == 0 && w->n_near == 0) || w->held > READ_AHEAD_MAX))
        pthread_cond_wait (&w->work, &w->mu);
      if (w->finished)
        break;
      nd = w->n_far ? w->far[--w->n_far] : w->near[--w->n_near];
      if (nd->state != SCAN_QUEUED)
        continue; /* taken by the calling thread */
      nd->state = SCAN_RUNNING;
      pthread_mutex_unlock (&w->mu);
      scan (w, nd);
      pthread_mutex_lock (&w->mu);
      scanned (w, nd, true);
      pthread_cond_broadcast (&w->done);
    }
  pthread_mutex_unlock (&w->mu);
  return NULL;
}

/* The calling thread needs nd: scanned by itself, or waited for.  */
static void
need (walk *w, scan_node *nd)
{
  pthread_mutex_lock (&w->mu);
  if (nd->state == SCAN_QUEUED)
    {
      nd->state = SCAN_RUNNING;
      pthread_mutex_unlock (&w->mu);
      scan (w, nd);
      pthread_mutex_lock (&w->mu);
      scanned (w, nd, false);
    }
  while (nd->state != SCAN_DONE)
    pthread_cond_wait (&w->done, &w->mu);
  pthread_mutex_unlock (&w->mu);
}

/* Handed over: the node's records are freed, and the helpers may read
   further ahead.  */
static void
handed_over (walk *w, scan_node *nd)
{
  pthread_mutex_lock (&w->mu);
  w->held -= nd->held;
  nd->held = 0;
  if (w->parallel)
    pthread_cond_signal (&w->work);
  pthread_mutex_unlock (&w->mu);
  node_release (nd);
}

/* The calling thread reached the end of nd's window: the next one, through
   the directory opened again.  0, or -1 with nd->err.  */
static int
next_window (walk *w, scan_node *nd)
{
  cleanup_close int fd = -1;
  size_t held = window_held (nd);

  pthread_mutex_lock (&w->mu);
  w->held -= held;
  nd->held -= held;
  pthread_mutex_unlock (&w->mu);
  nd->base += nd->n_recs;
  window_release (nd);
  fd = open_dir (w, nd);
  if (fd < 0)
    return -1;
  scan_window (w, nd, fd);
  held = window_held (nd);
  pthread_mutex_lock (&w->mu);
  nd->held += held;
  w->held += held;
  queue_children (w, nd, false);
  pthread_mutex_unlock (&w->mu);
  return nd->err ? -1 : 0;
}

typedef struct frame
{
  scan_node *nd;
  size_t next;
} frame;

/* The entries in order, on the calling thread.  */
static int
hand_over (walk *w, scan_node *root, og_walk_fn fn, void *userdata, og_error **err)
{
  frame *stack = og_xcalloc (OG_MAX_DEPTH + 1, sizeof *stack);
  size_t depth = 0, visited = 0;
  char path[OG_MAX_PATH + 1];
  int ret = 0;

  need (w, root);
  if (root->err)
    {
      *err = og_steal_pointer (&root->err);
      free (stack);
      return -1;
    }
  stack[depth++] = (frame){ .nd = root };
  while (depth > 0)
    {
      frame *f = &stack[depth - 1];
      scan_node *nd = f->nd;
      scan_rec *r;
      og_entry e = { 0 };
      size_t plen;
      int rf;

      if (f->next >= nd->n)
        {
          handed_over (w, nd);
          depth--;
          continue;
        }
      if ((++visited & 255) == 0 && og_deadline_check (err) < 0)
        {
          ret = -1;
          break;
        }
      if (f->next >= nd->base + nd->n_recs && next_window (w, nd) < 0)
        {
          *err = og_steal_pointer (&nd->err);
          ret = -1;
          break;
        }
      r = &nd->recs[f->next++ - nd->base];
      if (r->err)
        {
          *err = og_steal_pointer (&r->err);
          ret = -1;
          break;
        }
      if (r->gone)
        continue;
      plen = strlen (nd->path);
      memcpy (path, nd->path, plen);
      path[plen] = '/';
      strcpy (path + plen + 1, r->name);
      e.path = path;
      e.mode = r->mode;
      e.uid = r->uid;
      e.gid = r->gid;
      e.size = r->size;
      e.nlink = r->nlink;
      e.layer = -1;
      e.skipped = r->skipped ? OG_SKIP_MOUNT : OG_SKIP_NONE;
      e.link_target = r->link_target;
      e.head = r->head;
      e.head_len = r->head_len;
      e.cap = r->cap;
      e.cap_len = r->cap_len;
      e.sha256_pending = r->pending;
      rf = fn (&e, userdata, err);
      if (rf < 0)
        {
          ret = -1;
          break;
        }
      if (rf == OG_WALK_PRUNE || r->child == NULL)
        continue;
      need (w, r->child);
      if (r->child->err)
        {
          *err = og_steal_pointer (&r->child->err);
          ret = -1;
          break;
        }
      stack[depth++] = (frame){ .nd = r->child };
    }
  free (stack);
  return ret;
}

int
og_dir_walk (const og_dir_root *root, const char *root_what, unsigned flags, og_walk_fn fn,
             void *userdata, og_error **err)
{
  walk w = { .root = root, .flags = flags, .root_what = root_what };
  pthread_t tids[HELPERS_MAX];
  size_t want = 0, started = 0;
  scan_node *top;
  int ret;

  w.how.flags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  w.how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  if (!(flags & OG_WALK_CROSS_MOUNTS))
    w.how.resolve |= RESOLVE_NO_XDEV;
  pthread_mutex_init (&w.mu, NULL);
  pthread_cond_init (&w.work, NULL);
  pthread_cond_init (&w.done, NULL);
  top = node_new (&w, "", 0);
  if (flags & OG_WALK_PARALLEL)
    {
      want = og_usable_cpus () - 1;
      if (want > HELPERS_MAX)
        want = HELPERS_MAX;
    }
  /* A sandbox that refuses new threads only makes the walk sequential.  */
  w.parallel = want > 0;
  for (size_t t = 0; t < want; t++)
    if (pthread_create (&tids[started], NULL, helper_main, &w) == 0)
      started++;
  w.parallel = started > 0;

  ret = hand_over (&w, top, fn, userdata, err);

  pthread_mutex_lock (&w.mu);
  __atomic_store_n (&w.finished, 1, __ATOMIC_RELAXED);
  pthread_cond_broadcast (&w.work);
  pthread_mutex_unlock (&w.mu);
  for (size_t t = 0; t < started; t++)
    pthread_join (tids[t], NULL);
  while (w.nodes)
    {
      scan_node *nd = w.nodes;
      w.nodes = nd->all;
      node_release (nd);
      og_error_free (nd->err);
      free (nd->path);
      free (nd);
    }
  free (w.far);
  free (w.near);
  pthread_cond_destroy (&w.done);
  pthread_cond_destroy (&w.work);
  pthread_mutex_destroy (&w.mu);
  return ret;
}
