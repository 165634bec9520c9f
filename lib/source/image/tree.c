/* The in-memory tree of an image source: nodes and inodes (hard links share
   one), lookups by canonical path, the removals that whiteouts make, and the
   source operations (walk, read, list, resolve) over it.  Paths resolve
   inside the image root through base/resolve.c, as the directory source's
   do.  */
#include "base/deadline.h"
#include "source/image/image_int.h"

static bool
is_lnk (const img_node *n)
{
  return (n->ino->mode & S_IFMT) == S_IFLNK;
}

img_ino *
img_ino_new (void)
{
  img_ino *ino = og_xcalloc (1, sizeof *ino);
  ino->refs = 1;
  ino->src_layer = -1;
  return ino;
}

void
img_ino_unref (img_source *im, img_ino *ino)
{
  if (ino == NULL || --ino->refs > 0)
    return;
  im->kept_bytes -= ino->data_len;
  im->head_bytes -= ino->head_len;
  free (ino->link);
  free (ino->cap);
  free (ino->head);
  free (ino->data);
  free (ino->sha256);
  free (ino->vdigest);
  free (ino);
}

static void
node_unlink (img_node *n)
{
  if (n->prev)
    n->prev->next = n->next;
  else if (n->parent)
    n->parent->first = n->next;
  if (n->next)
    n->next->prev = n->prev;
  n->prev = n->next = NULL;
}

void
img_node_delete (img_source *im, img_node *n)
{
  while (n->first)
    img_node_delete (im, n->first); /* unlinks itself */
  node_unlink (n);
  if (n->parent)
    og_strmap_put (&im->nodes, n->path, NULL);
  img_ino_unref (im, n->ino);
  free (n->path);
  free (n);
}

img_node *
img_node_new (img_source *im, img_node *parent, const char *path, img_ino *ino, int layer)
{
  img_node *n = og_xcalloc (1, sizeof *n);
  n->path = og_xstrdup (path);
  n->name = strrchr (n->path, '/') + 1;
  n->parent = parent;
  n->ino = ino;
  n->layer = n->seen = layer;
  n->next = parent->first;
  if (parent->first)
    parent->first->prev = n;
  parent->first = n;
  og_strmap_put (&im->nodes, n->path, n);
  return n;
}

img_node *
img_lookup (img_source *im, const char *path)
{
  if (strcmp (path, "/") == 0)
    return im->root;
  return og_strmap_get (&im->nodes, path);
}

void
img_prune_lower (img_source *im, img_node *dir, int layer)
{
  img_node *c = dir->first;
  while (c)
    {
      img_node *next = c->next;
      if (c->seen < layer)
        img_node_delete (im, c);
      else if (img_is_dir (c) && c->layer < layer)
        img_prune_lower (im, c, layer);
      c = next;
    }
}

img_node *
img_ensure_parent (img_source *im, const char *path, int layer)
{
  img_node *cur = im->root;
  const char *s = path + 1;
  og_buf key = { 0 };
  cur->seen = layer;
  for (;;)
    {
      size_t len = strcspn (s, "/");
      img_node *c;
      if (s[len] == '\0')
        break;
      og_buf_putc (&key, '/');
      og_buf_append (&key, s, len);
      c = img_lookup (im, key.data);
      if (c && !img_is_dir (c))
        {
          img_node_delete (im, c);
          c = NULL;
        }
      if (c == NULL)
        {
          img_ino *ino = img_ino_new ();
          ino->mode = S_IFDIR | 0755;
          c = img_node_new (im, cur, key.data, ino, layer);
        }
      c->seen = layer;
      cur = c;
      s += len + 1;
    }
  og_buf_free (&key);
  return cur;
}

/* ---- resolving paths inside the image root ------------------------------- */

/* The og_lstat_fn of the tree: a canonical path's mode and link target.  */
static int
img_lstat (void *userdata, const char *path, uint32_t *mode, char **target, og_error **err)
{
  img_node *n = img_lookup (userdata, path);
  (void)err;
  if (n == NULL)
    return 1;
  *mode = n->ino->mode;
  *target = is_lnk (n) ? og_xstrdup (n->ino->link) : NULL;
  return 0;
}

/* The node PATH names, symlinks followed inside the image (the last one
   too).  Returns 0 with *out, 1 when it does not exist, -1 on error.  */
static int
resolve (img_source *im, const char *path, img_node **out, og_error **err)
{
  cleanup_free char *canon = NULL;
  if (og_resolve_in_root (path, true, img_lstat, im, &canon, err) < 0)
    return -1;
  *out = img_lookup (im, canon);
  return *out ? 0 : 1;
}

/* ---- the source operations ----------------------------------------------- */

static int
cmp_nodes (const void *a, const void *b)
{
  return strcmp ((*(img_node *const *)a)->name, (*(img_node *const *)b)->name);
}

static img_node **
sorted_children (img_node *dir, size_t *n)
{
  size_t cnt = 0, i = 0;
  img_node **v;
  for (img_node *c = dir->first; c; c = c->next)
    cnt++;
  v = og_xcalloc (cnt + 1, sizeof *v);
  for (img_node *c = dir->first; c; c = c->next)
    v[i++] = c;
  qsort (v, cnt, sizeof *v, cmp_nodes);
  *n = cnt;
  return v;
}

static void
fill_entry (img_node *n, og_entry *e)
{
  img_ino *ino = n->ino;
  memset (e, 0, sizeof *e);
  e->path = n->path;
  e->mode = ino->mode;
  e->uid = ino->uid;
  e->gid = ino->gid;
  e->size = (ino->mode & S_IFMT) == S_IFREG || (ino->mode & S_IFMT) == S_IFLNK ? ino->size : 0;
  e->nlink = ino->refs;
  if (img_is_dir (n))
    {
      e->nlink = 2;
      for (img_node *c = n->first; c; c = c->next)
        e->nlink += img_is_dir (c);
    }
  e->link_target = ino->link;
  if (og_entry_is_executable (ino->mode))
    {
      e->head = ino->head;
      e->head_len = ino->head_len;
      e->sha256 = ino->sha256;
    }
  e->cap = ino->cap;
  e->cap_len = ino->cap_len;
  e->layer = n->layer;
}

static int
walk_dir (img_node *dir, og_walk_fn fn, void *ud, size_t *visited, og_error **err)
{
  size_t n;
  cleanup_free img_node **kids = sorted_children (dir, &n);
  for (size_t i = 0; i < n; i++)
    {
      og_entry e;
      if ((++*visited & 255) == 0 && og_deadline_check (err) < 0)
        return -1;
      fill_entry (kids[i], &e);
      if (fn (&e, ud, err) < 0)
        return -1;
      if (img_is_dir (kids[i]) && walk_dir (kids[i], fn, ud, visited, err) < 0)
        return -1;
    }
  return 0;
}

static int
img_walk (og_source *s, unsigned flags, og_walk_fn fn, void *ud, og_error **err)
{
  img_source *im = (img_source *)s;
  size_t visited = 0;
  (void)flags; /* the walk flags are for directory sources */
  return walk_dir (im->root, fn, ud, &visited, err);
}

/* The content of a regular file when the tree still holds it whole: kept
   (package databases, os-release), as small as its head, or empty.  */
static bool
held_bytes (const img_ino *ino, const uint8_t **data, size_t *len)
{
  if (ino->kept)
    {
      *data = ino->data;
      *len = ino->data_len;
    }
  else if (ino->head && ino->head_len == ino->size)
    {
      *data = ino->head;
      *len = ino->head_len;
    }
  else if (ino->size == 0)
    {
      *data = (const uint8_t *)"";
      *len = 0;
    }
  else
    return false;
  return true;
}

static int
img_read_file (og_source *s, const char *path, size_t max, uint8_t **data, size_t *len,
               og_error **err)
{
  img_source *im = (img_source *)s;
  img_node *n;
  const uint8_t *src;
  size_t srclen;
  int r = resolve (im, path, &n, err);
  if (r != 0)
    return r;
  if ((n->ino->mode & S_IFMT) != S_IFREG)
    return og_error_set (err, EISDIR, "%s: not a regular file", path);
  if (!held_bytes (n->ino, &src, &srclen))
    return og_error_set (err, 0,
                         "%s: the image source keeps only package databases and "
                         "os-release in memory",
                         path);
  if (srclen > max)
    return og_error_set (err, EFBIG, "%s: %zu bytes, more than %zu", path, srclen, max);
  *data = og_xmalloc (srclen + 1);
  memcpy (*data, src, srclen);
  (*data)[srclen] = 0;
  *len = srclen;
  return 0;
}

/* An image's layers are read once, at open: a file's content is still here
   only when it was kept (package databases), fits in its head, or is empty;
   otherwise only the sha256 of an executable computed while its layer
   streamed (og_source_options.digests) can answer.  */
static int
img_inspect (og_source *s, const char *path, og_digest_algo algo, og_file_facts *out,
             og_error **err)
{
  img_source *im = (img_source *)s;
  cleanup_free char *canon = NULL;
  const img_ino *ino;
  const uint8_t *data = NULL;
  size_t len = 0;
  img_node *n;

  memset (out, 0, sizeof *out);
  if (og_resolve_in_root (path, false, img_lstat, im, &canon, err) < 0)
    return -1;
  n = img_lookup (im, canon);
  if (n == NULL)
    return 1;
  ino = n->ino;
  out->mode = ino->mode;
  out->uid = ino->uid;
  out->gid = ino->gid;
  out->size = (ino->mode & S_IFMT) == S_IFREG || (ino->mode & S_IFMT) == S_IFLNK ? ino->size : 0;
  if ((ino->mode & S_IFMT) != S_IFREG || algo == OG_DIGEST_NONE)
    return 0;
  if (algo == OG_DIGEST_SHA256 && ino->sha256)
    {
      snprintf (out->digest, sizeof out->digest, "%s", ino->sha256);
      out->has_digest = true;
      return 0;
    }
  if (ino->vdigest && ino->valgo == algo)
    {
      snprintf (out->digest, sizeof out->digest, "%s", ino->vdigest);
      out->has_digest = true;
      return 0;
    }
  if (held_bytes (ino, &data, &len))
    {
      cleanup_digest og_digest *md = NULL;
      if (og_digest_new (algo, &md, err) < 0)
        return -1;
      og_digest_update (md, data, len);
      og_digest_final_hex (md, out->digest);
      out->has_digest = true;
    }
  return 0;
}

static int
img_list_dir (og_source *s, const char *path, char ***names, size_t *n, og_error **err)
{
  img_source *im = (img_source *)s;
  img_node *d;
  size_t cnt;
  cleanup_free img_node **kids = NULL;
  char **v;
  int r = resolve (im, path, &d, err);
  if (r != 0)
    return r;
  if (!img_is_dir (d))
    return 1;
  kids = sorted_children (d, &cnt);
  v = og_xcalloc (cnt + 1, sizeof *v);
  for (size_t i = 0; i < cnt; i++)
    v[i] = og_xstrdup (kids[i]->name);
  *names = v;
  *n = cnt;
  return 0;
}

static int
img_resolve_dir (og_source *s, const char *path, char **out, og_error **err)
{
  img_source *im = (img_source *)s;
  img_node *d;
  int r = resolve (im, path, &d, err);
  if (r != 0)
    return r;
  if (!img_is_dir (d))
    return 1;
  *out = og_xstrdup (d->path);
  return 0;
}

static void
img_free (og_source *s)
{
  img_source *im = (img_source *)s;
  if (im == NULL)
    return;
  img_layers_clear (im);
  if (im->root)
    img_node_delete (im, im->root);
  og_strmap_clear (&im->nodes, NULL);
  og_source_info_clear (&s->info);
  free (im);
}

void
img_source_freep (img_source **im)
{
  if (*im)
    img_free (&(*im)->base);
  *im = NULL;
}

/* The files whose content inspect could not digest in the algorithm
   asked: neither held (held_bytes) nor the streamed sha256.  Their entries
   are read again from the layers, which the store still reaches; each
   layer's blob is checked against its digest again.  A containers-storage
   layer (src_layer -1) has no stream to read again: its files stay
   without that digest, and the caller reports them unverifiable.  */
int
img_prefetch (og_source *s, const char *const *paths, const og_digest_algo *algos, size_t n,
              og_error **err)
{
  img_source *im = (img_source *)s;
  img_ino **want = NULL;
  size_t nw = 0, cap = 0;
  const uint8_t *data;
  size_t len;
  int ret = 0;

  for (size_t i = 0; i < n && ret == 0; i++)
    {
      cleanup_free char *canon = NULL;
      img_node *node;
      img_ino *ino;
      if (algos[i] == OG_DIGEST_NONE)
        continue;
      if (og_resolve_in_root (paths[i], false, img_lstat, im, &canon, err) < 0)
        {
          ret = -1;
          break;
        }
      node = img_lookup (im, canon);
      if (node == NULL || (node->ino->mode & S_IFMT) != S_IFREG)
        continue;
      ino = node->ino;
      if (held_bytes (ino, &data, &len) || (algos[i] == OG_DIGEST_SHA256 && ino->sha256)
          || ino->src_layer < 0 || ino->valgo != OG_DIGEST_NONE)
        continue; /* known, unknowable, or asked for already */
      if (ino->size > OG_HASH_MAX)
        {
          ret = og_error_set_code (err, OG_ERR_LIMIT, 0,
                                   "%s: %llu bytes, over the limit of %llu bytes hashed", canon,
                                   (unsigned long long)ino->size,
                                   (unsigned long long)OG_HASH_MAX);
          break;
        }
      ino->valgo = algos[i];
      ino->refs++; /* held until read */
      og_grow (&want, &cap, nw + 1, sizeof *want);
      want[nw++] = ino;
    }
  if (ret == 0)
    ret = img_reread (im, &im->store, want, nw, true, err);
  for (size_t i = 0; i < nw; i++)
    img_ino_unref (im, want[i]);
  free (want);
  return ret;
}

static const og_source_ops img_ops = {
  .walk = img_walk,
  .read_file = img_read_file,
  .list_dir = img_list_dir,
  .resolve_dir = img_resolve_dir,
  .inspect = img_inspect,
  .prefetch = img_prefetch,
  .free = img_free,
};

img_source *
img_source_new (og_image_kind kind, const char *path, const og_source_options *opts)
{
  img_source *im = og_xcalloc (1, sizeof *im);
  img_ino *rino = img_ino_new ();
  im->base.ops = &img_ops;
  im->base.info.kind = og_xstrdup (og_image_kind_name (kind));
  im->base.info.path = og_xstrdup (path);
  im->digests = opts && opts->digests != OG_DIGESTS_NONE;
  im->keep = opts ? opts->keep : NULL;
  im->store.dirfd = -1;
  rino->mode = S_IFDIR | 0755;
  im->root = og_xcalloc (1, sizeof *im->root);
  im->root->path = og_xstrdup ("/");
  im->root->name = im->root->path + 1;
  im->root->ino = rino;
  im->root->layer = -1;
  return im;
}

void
img_refetch_clear (img_source *im)
{
  for (size_t i = 0; i < im->n_refetch; i++)
    {
      im->refetch[i]->refetch = false;
      img_ino_unref (im, im->refetch[i]);
    }
  free (im->refetch);
  im->refetch = NULL;
  im->n_refetch = 0;
}

void
img_layers_clear (img_source *im)
{
  img_refetch_clear (im);
  img_store_clear (&im->store);
  for (size_t i = 0; i < im->n_layer_srcs; i++)
    {
      free (im->layer_srcs[i].member);
      free (im->layer_srcs[i].expect);
    }
  free (im->layer_srcs);
  im->layer_srcs = NULL;
  im->n_layer_srcs = 0;
}

const char *
og_image_kind_name (og_image_kind kind)
{
  switch (kind)
    {
    case OG_IMAGE_DOCKER_ARCHIVE:
      return "docker-archive";
    case OG_IMAGE_OCI_ARCHIVE:
      return "oci-archive";
    case OG_IMAGE_OCI_LAYOUT:
      return "oci";
    case OG_IMAGE_CSTORAGE:
      return "containers-storage";
    default:
      return "?";
    }
}
