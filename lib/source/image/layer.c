/* Applying one layer to the in-memory tree: each tar entry of the stream
   becomes a node (whiteouts ".wh.NAME" and opaque ".wh..wh..opq" remove
   what lower layers wrote), executables keep their heads (and their sha256
   when digests were asked for), the files the caller named are kept whole.
   Hard link entries apply their own header's owner, xattrs and mode to the
   inode both names share, as containers-storage does.  Every loop over the
   stream checks the deadline; caps reached fail with OG_ERR_LIMIT.
   Sources: OCI image-spec layer.md (changesets, whiteouts, hardlinks);
   containers/storage pkg/archive/archive.go createTarFile (TypeLink: link,
   Lchown, Lsetxattr, then chmod unless the target is a symlink).  */
#include <fnmatch.h>

#include "base/deadline.h"
#include "base/reader.h"
#include "source/image/image_int.h"

/* Bytes read or hashed between two looks at the deadline.  */
#define LAYER_DEADLINE_STEP (4u << 20)

typedef struct layer_ctx
{
  img_source *im;
  img_stream *st;
  int index;
  const char *name; /* for messages: "layer 2 (sha256:...)" */
  og_error **err;
  uint64_t entry_no;    /* ordinal of the current tar entry, from 1 */
  uint64_t since_check; /* bytes since the deadline was last checked */
  img_ino *const *want; /* reading again: the inodes whose data to read, by src_entry */
  size_t n_want, next_want;
  bool vdigest; /* reading again for og_source_prefetch: only each one's vdigest */
} layer_ctx;

/* Count N bytes handled for PATH; every few MiB, check the deadline.  */
static int
layer_tick (layer_ctx *lc, uint64_t n, const char *path)
{
  lc->since_check += n;
  if (lc->since_check < LAYER_DEADLINE_STEP)
    return 0;
  lc->since_check = 0;
  if (og_deadline_check (lc->err) < 0)
    {
      og_error_prefix (lc->err, "%s: `%s`", lc->name, path);
      return -1;
    }
  return 0;
}

/* The error of the tar reader: the stream's own when reading the blob
   failed (its code kept: the deadline, a read error), else libarchive's.  */
static int
layer_fail (layer_ctx *lc, struct archive *a, const char *path)
{
  if (lc->st->err)
    {
      og_error *e = og_steal_pointer (&lc->st->err);
      if (lc->err == NULL || *lc->err != NULL)
        {
          og_error_free (e);
          return -1;
        }
      *lc->err = e;
      if (path)
        og_error_prefix (lc->err, "%s: `%s`", lc->name, path);
      else
        og_error_prefix (lc->err, "%s", lc->name);
      return -1;
    }
  if (path)
    return og_error_set (lc->err, 0, "%s: `%s`: %s", lc->name, path, archive_error_string (a));
  return og_error_set (lc->err, 0, "%s: %s", lc->name, archive_error_string (a));
}

static la_ssize_t
layer_read_cb (struct archive *a, void *ud, const void **buf)
{
  layer_ctx *lc = ud;
  ssize_t n = img_stream_read (lc->st, buf);
  if (n < 0)
    {
      archive_set_error (a, EIO, "%s", lc->st->err->msg);
      return -1;
    }
  return n;
}

/* Normalise a member name of a layer into "/a/b" (root: "/").  ".." and
   absolute names are refused.  */
static int
layer_path (const layer_ctx *lc, const char *name, char **out)
{
  __attribute__ ((cleanup (og_buf_free))) og_buf b = { 0 };
  const char *s = name;
  size_t depth = 0;

  if (name == NULL)
    return og_error_set (lc->err, 0, "%s: an entry without a name", lc->name);
  if (*name == '/')
    return og_error_set (lc->err, 0, "%s: entry `%s`: absolute path", lc->name, name);
  while (*s)
    {
      size_t len = strcspn (s, "/");
      if (len == 2 && s[0] == '.' && s[1] == '.')
        return og_error_set (lc->err, 0, "%s: entry `%s`: `..` in path", lc->name, name);
      if (len > 0 && !(len == 1 && s[0] == '.'))
        {
          og_buf_putc (&b, '/');
          og_buf_append (&b, s, len);
          depth++;
        }
      s += len;
      while (*s == '/')
        s++;
    }
  if (b.len > OG_MAX_PATH || depth > OG_MAX_DEPTH)
    return og_error_set_code (lc->err, OG_ERR_LIMIT, 0,
                              "%s: entry `%.200s...`: %zu bytes and %zu levels deep, past the "
                              "path length limit of %d bytes or the depth limit of %d levels",
                              lc->name, name, b.len, depth, OG_MAX_PATH, OG_MAX_DEPTH);
  if (b.len == 0)
    og_buf_putc (&b, '/');
  *out = og_buf_steal (&b);
  return 0;
}

/* Does the tail of PATH (as many components as PATTERN has) match it?  */
static bool
tail_matches (const char *pattern, const char *path)
{
  size_t k = 1;
  const char *s = path + strlen (path);
  for (const char *p = pattern; *p; p++)
    k += *p == '/';
  while (k > 0 && s > path)
    if (*--s == '/')
      k--;
  return k == 0 && fnmatch (pattern, s + 1, FNM_PATHNAME) == 0;
}

/* Is PATH one of the files kept whole (opts->keep)?  Matched on the real
   path inside any layer, so /var/lib/rpm -> ../../usr/lib/sysimage/rpm is
   covered by the name of the directory that holds the files.  */
bool
img_want_kept (const img_source *im, const char *path)
{
  for (const char *const *p = im->keep; p && *p; p++)
    if (tail_matches (*p, path))
      return true;
  return false;
}

static int
check_layer_bytes (layer_ctx *lc, struct archive *a)
{
  if ((uint64_t)archive_filter_bytes (a, 0) > OG_IMAGE_LAYER_BYTES_MAX)
    return og_error_set_code (lc->err, OG_ERR_LIMIT, 0,
                              "%s: more than %llu uncompressed bytes, the limit of one layer "
                              "(a decompression bomb?)",
                              lc->name, (unsigned long long)OG_IMAGE_LAYER_BYTES_MAX);
  return 0;
}

/* Hash N zero bytes (the holes of a sparse file of PATH): a hole takes no
   room in the layer, so this is where the deadline matters most.  */
static int
digest_zeros (layer_ctx *lc, og_digest *md, uint64_t n, const char *path)
{
  static const uint8_t zeros[65536];
  while (n > 0)
    {
      size_t z = n < sizeof zeros ? (size_t)n : sizeof zeros;
      og_digest_update (md, zeros, z);
      n -= z;
      if (layer_tick (lc, z, path) < 0)
        return -1;
    }
  return 0;
}

/* Room for what an entry keeps: its head when it is an executable, all of
   it when kept; a digest to fill when asked.  */
int
img_prepare_data (img_source *im, const char *what, const char *path, img_ino *ino, bool exec,
                  bool keep, og_digest **md, og_error **err)
{
  if (exec)
    {
      ino->head_len = ino->size < OG_HEAD_MAX ? (size_t)ino->size : OG_HEAD_MAX;
      if (im->head_bytes + ino->head_len > OG_IMAGE_HEADS_MAX)
        return og_error_set_code (err, OG_ERR_LIMIT, 0,
                                  "%s: `%s`: more than %llu bytes of executable heads, the limit "
                                  "of one image (too many executables)",
                                  what, path, (unsigned long long)OG_IMAGE_HEADS_MAX);
      if (im->digests && ino->size > OG_HASH_MAX)
        return og_error_set_code (err, OG_ERR_LIMIT, 0,
                                  "%s: `%s`: an executable of %llu bytes, over the limit of %llu "
                                  "bytes hashed (a sparse file?)",
                                  what, path, (unsigned long long)ino->size,
                                  (unsigned long long)OG_HASH_MAX);
      ino->head = og_xcalloc (1, ino->head_len + 1);
      im->head_bytes += ino->head_len;
      if (im->digests && og_digest_new (OG_DIGEST_SHA256, md, err) < 0)
        return -1;
    }
  if (keep)
    {
      if (ino->size > OG_READ_MAX)
        return og_error_set_code (err, OG_ERR_LIMIT, EFBIG,
                                  "%s: `%s`: %llu bytes, over the limit of %u bytes read whole",
                                  what, path, (unsigned long long)ino->size, OG_READ_MAX);
      if (im->kept_bytes + ino->size > OG_IMAGE_KEEP_MAX)
        return og_error_set_code (err, OG_ERR_LIMIT, EFBIG,
                                  "%s: `%s`: the package databases of the image exceed the limit "
                                  "of %llu bytes kept",
                                  what, path, (unsigned long long)OG_IMAGE_KEEP_MAX);
      ino->data_len = (size_t)ino->size;
      ino->data = og_xcalloc (1, ino->data_len + 1);
      ino->kept = true;
      im->kept_bytes += ino->data_len;
    }
  return 0;
}

void
img_finish_data (img_ino *ino, og_digest *md)
{
  if (md == NULL)
    return;
  og_sha256_hex hex;
  og_digest_final_hex (md, hex);
  ino->sha256 = og_xstrdup (hex);
}

/* The data of the current entry, into INO's head and kept bytes (with
   HOLD) and MD (or NULL); a hole of a sparse file reads as zeros.  */
static int
copy_entry_data (layer_ctx *lc, struct archive *a, const char *path, img_ino *ino, bool hold,
                 og_digest *md)
{
  uint64_t pos = 0;
  for (;;)
    {
      const void *buf;
      size_t size;
      la_int64_t off;
      int r = archive_read_data_block (a, &buf, &size, &off);
      if (r == ARCHIVE_EOF)
        break;
      if (r < ARCHIVE_WARN)
        return layer_fail (lc, a, path);
      if (check_layer_bytes (lc, a) < 0 || layer_tick (lc, size, path) < 0)
        return -1;
      if (off < 0 || (uint64_t)off < pos || !og_span_ok (ino->size, (uint64_t)off, size))
        {
          if (md == NULL && (!hold || (ino->head == NULL && !ino->kept)))
            continue; /* not ours to check: drained only */
          return og_error_set (lc->err, 0, "%s: `%s`: data past the size of the file", lc->name,
                               path);
        }
      if (md && digest_zeros (lc, md, (uint64_t)off - pos, path) < 0)
        return -1;
      pos = (uint64_t)off;
      if (hold && ino->head && pos < ino->head_len)
        {
          size_t n = ino->head_len - (size_t)pos < size ? ino->head_len - (size_t)pos : size;
          memcpy (ino->head + pos, buf, n);
        }
      if (hold && ino->kept)
        memcpy (ino->data + pos, buf, size);
      if (md)
        og_digest_update (md, buf, size);
      pos += size;
    }
  return md ? digest_zeros (lc, md, ino->size - pos, path) : 0;
}

/* Read the data of a regular file: its head when it is an executable, its
   digest when asked, all of it when kept.  Other entries' data is drained.  */
static int
read_entry_data (layer_ctx *lc, struct archive *a, const char *path, img_ino *ino, bool exec,
                 bool keep)
{
  cleanup_digest og_digest *md = NULL;

  if (img_prepare_data (lc->im, lc->name, path, ino, exec, keep, &md, lc->err) < 0
      || copy_entry_data (lc, a, path, ino, true, md) < 0)
    return -1;
  img_finish_data (ino, md);
  return 0;
}

/* Read a regular file's data again for its digest in ino->valgo.  */
static int
read_entry_vdigest (layer_ctx *lc, struct archive *a, const char *path, img_ino *ino)
{
  cleanup_digest og_digest *md = NULL;
  char hex[OG_DIGEST_HEX_MAX];

  if (og_digest_new (ino->valgo, &md, lc->err) < 0
      || copy_entry_data (lc, a, path, ino, false, md) < 0)
    return -1;
  og_digest_final_hex (md, hex);
  free (ino->vdigest);
  ino->vdigest = og_xstrdup (hex);
  return 0;
}

int
img_whiteout (img_source *im, const char *what, const char *path, int index, og_error **err)
{
  const char *base = strrchr (path, '/') + 1;
  img_node *parent = img_ensure_parent (im, path, index);
  const char *name = base + 4;
  cleanup_free char *key = NULL;
  img_node *victim;

  if (strcmp (base, ".wh..wh..opq") == 0)
    {
      img_prune_lower (im, parent, index);
      return 0;
    }
  if (og_str_has_prefix (base, ".wh..wh."))
    return 0; /* aufs bookkeeping (.wh..wh.plnk, ...) */
  if (*name == '\0' || strcmp (name, ".") == 0 || strcmp (name, "..") == 0)
    return og_error_set (err, 0, "%s: invalid whiteout `%s`", what, path);
  key = og_xasprintf ("%s/%s", parent->parent ? parent->path : "", name);
  victim = img_lookup (im, key);
  /* A whiteout hides lower layers only, never what this layer wrote.  */
  if (victim && victim->seen < index)
    img_node_delete (im, victim);
  return 0;
}

static void
copy_xattrs (struct archive_entry *e, img_ino *ino)
{
  const char *name;
  const void *value;
  size_t size;
  archive_entry_xattr_reset (e);
  while (archive_entry_xattr_next (e, &name, &value, &size) == ARCHIVE_OK)
    if (name && strcmp (name, "security.capability") == 0 && size > 0 && size <= OG_CAP_MAX)
      {
        free (ino->cap);
        ino->cap = og_xmalloc (size);
        memcpy (ino->cap, value, size);
        ino->cap_len = size;
      }
}

/* Drain an entry whose data nobody keeps.  */
static int
skip_data (layer_ctx *lc, struct archive *a, const char *path)
{
  return read_entry_data (lc, a, path, &(img_ino){ 0 }, false, false);
}

/* The header of a hard link entry applies to the inode both names share:
   containers-storage links the name, Lchowns it to the header's owner
   (a chown drops a file capability and the setuid bits), sets the
   header's xattrs and chmods it to the header's mode, unless the target
   is a symlink.  A file that becomes executable this way streamed by
   without its head being kept: it is read again at the end.  */
static void
apply_link_header (layer_ctx *lc, struct archive_entry *e, img_ino *ino)
{
  img_source *im = lc->im;
  ino->uid = (uint32_t)archive_entry_uid (e);
  ino->gid = (uint32_t)archive_entry_gid (e);
  free (ino->cap);
  ino->cap = NULL;
  ino->cap_len = 0;
  copy_xattrs (e, ino);
  if ((ino->mode & S_IFMT) == S_IFLNK)
    return;
  ino->mode = (ino->mode & S_IFMT) | ((uint32_t)archive_entry_mode (e) & 07777);
  if (og_entry_is_executable (ino->mode) && ino->head == NULL && ino->src_layer >= 0
      && !ino->refetch)
    {
      im->refetch = og_xreallocarray (im->refetch, im->n_refetch + 1, sizeof *im->refetch);
      im->refetch[im->n_refetch++] = ino;
      ino->refetch = true;
      ino->refs++; /* held until it is read again */
    }
}

static int
apply_hardlink (layer_ctx *lc, struct archive *a, struct archive_entry *e, const char *path,
                const char *hl, img_node *parent, img_node *old)
{
  img_source *im = lc->im;
  cleanup_free char *target = NULL;
  img_node *t;
  if (layer_path (lc, hl, &target) < 0)
    return -1;
  t = img_lookup (im, target);
  if (t == NULL || img_is_dir (t))
    return og_error_set (lc->err, 0, "%s: hard link `%s` to `%s`: no such file", lc->name, path,
                         target);
  if (t != old)
    {
      if (old)
        img_node_delete (im, old);
      t->ino->refs++;
      img_node_new (im, parent, path, t->ino, lc->index);
    }
  apply_link_header (lc, e, t->ino);
  return skip_data (lc, a, path);
}

static int
apply_entry (layer_ctx *lc, struct archive *a, struct archive_entry *e)
{
  img_source *im = lc->im;
  cleanup_free char *path = NULL;
  const char *base, *hl;
  img_node *parent, *old;
  img_ino *ino;
  uint32_t mode = (uint32_t)archive_entry_mode (e);
  int type = archive_entry_filetype (e);

  if (layer_path (lc, archive_entry_pathname (e), &path) < 0)
    return -1;
  if (strcmp (path, "/") == 0)
    {
      if (type == AE_IFDIR)
        {
          im->root->ino->mode = mode;
          im->root->ino->uid = (uint32_t)archive_entry_uid (e);
          im->root->ino->gid = (uint32_t)archive_entry_gid (e);
        }
      return skip_data (lc, a, path);
    }
  base = strrchr (path, '/') + 1;
  if (og_str_has_prefix (base, ".wh."))
    {
      if (img_whiteout (im, lc->name, path, lc->index, lc->err) < 0)
        return -1;
      return skip_data (lc, a, path);
    }
  parent = img_ensure_parent (im, path, lc->index);
  old = img_lookup (im, path);

  hl = archive_entry_hardlink (e);
  if (hl)
    return apply_hardlink (lc, a, e, path, hl, parent, old);

  if (old && img_is_dir (old) && type == AE_IFDIR)
    {
      /* A directory over a directory merges: new metadata, same contents.  */
      ino = old->ino;
      old->layer = old->seen = lc->index;
      free (ino->cap);
      ino->cap = NULL;
      ino->cap_len = 0;
    }
  else
    {
      if (old)
        img_node_delete (im, old);
      ino = img_ino_new ();
      img_node_new (im, parent, path, ino, lc->index);
    }
  ino->mode = mode;
  ino->uid = (uint32_t)archive_entry_uid (e);
  ino->gid = (uint32_t)archive_entry_gid (e);
  copy_xattrs (e, ino);
  if (type == AE_IFLNK)
    {
      const char *sl = archive_entry_symlink (e);
      if (sl == NULL || *sl == '\0')
        return og_error_set (lc->err, 0, "%s: symlink `%s`: empty target", lc->name, path);
      if (strlen (sl) > OG_MAX_PATH)
        return og_error_set_code (lc->err, OG_ERR_LIMIT, 0,
                                  "%s: symlink `%s`: a target longer than the path length limit "
                                  "of %d bytes",
                                  lc->name, path, OG_MAX_PATH);
      ino->link = og_xstrdup (sl);
      ino->size = strlen (sl);
    }
  if (type == AE_IFREG)
    {
      ino->size = archive_entry_size_is_set (e) ? (uint64_t)archive_entry_size (e) : 0;
      ino->src_layer = lc->index;
      ino->src_entry = lc->entry_no;
      return read_entry_data (lc, a, path, ino, og_entry_is_executable (mode),
                              img_want_kept (im, path));
    }
  return skip_data (lc, a, path);
}

/* Reading a layer again: the data of the entry whose ordinal the next
   wanted inode names, as the head (and digest) of an executable.  */
static int
refetch_entry (layer_ctx *lc, struct archive *a, struct archive_entry *e)
{
  cleanup_free char *path = NULL;
  img_ino *ino = lc->want[lc->next_want];
  if (ino->src_entry != lc->entry_no)
    return 0;
  lc->next_want++;
  if (layer_path (lc, archive_entry_pathname (e), &path) < 0)
    return -1;
  if (archive_entry_filetype (e) != AE_IFREG || archive_entry_hardlink (e) != NULL)
    return og_error_set (lc->err, 0, "%s: `%s`: read again, the entry is not the same", lc->name,
                         path);
  if (lc->vdigest)
    return read_entry_vdigest (lc, a, path, ino);
  return read_entry_data (lc, a, path, ino, true, false);
}

/* Every entry of the layer's tar, applied in order (or, reading it again,
   the wanted ones only).  */
static int
apply_entries (layer_ctx *lc, og_error **err)
{
  cleanup_archive struct archive *a = img_new_reader (err);
  struct archive_entry *e;
  int r;

  if (a == NULL)
    return -1;
  if (archive_read_open2 (a, lc, NULL, layer_read_cb, NULL, NULL) != ARCHIVE_OK)
    return layer_fail (lc, a, NULL);
  while ((r = archive_read_next_header (a, &e)) != ARCHIVE_EOF)
    {
      if (r < ARCHIVE_WARN)
        return layer_fail (lc, a, NULL);
      lc->entry_no++;
      if ((lc->entry_no & 255) == 0 && og_deadline_check (err) < 0)
        {
          og_error_prefix (err, "%s", lc->name);
          return -1;
        }
      if (check_layer_bytes (lc, a) < 0)
        return -1;
      if (lc->want)
        {
          if (refetch_entry (lc, a, e) < 0)
            return -1;
          if (lc->next_want == lc->n_want)
            return 0; /* the rest of the blob is only hashed */
          continue;
        }
      if (++lc->im->entries > OG_IMAGE_MAX_ENTRIES)
        return og_error_set_code (err, OG_ERR_LIMIT, 0,
                                  "%s: more than %u entries in the image, the limit of entries "
                                  "over all layers",
                                  lc->name, OG_IMAGE_MAX_ENTRIES);
      if (apply_entry (lc, a, e) < 0)
        return -1;
    }
  if (lc->want && lc->next_want < lc->n_want)
    return og_error_set (err, 0, "%s: read again, it has fewer entries", lc->name);
  return 0;
}

/* Apply the layer in ST as layer INDEX (or, with WANT, read the data of
   those inodes only) and check its size and digest.  */
static int
apply_layer (img_source *im, img_stream *st, int index, const char *expect, int64_t size,
             img_ino *const *want, size_t n_want, bool vdigest, og_error **err)
{
  cleanup_free char *name = og_xasprintf ("layer %d (%s)", index, expect);
  layer_ctx lc = { .im = im,
                   .st = st,
                   .index = index,
                   .name = name,
                   .err = err,
                   .want = want,
                   .n_want = n_want,
                   .vdigest = vdigest };
  og_oci_digest got;
  int ret = apply_entries (&lc, err);

  /* Past the deadline nothing more is read.  */
  if (ret < 0 && err && *err && (*err)->code == OG_ERR_DEADLINE)
    return ret;
  /* The rest of the blob (end-of-archive padding) counts for the digest.
     After a failure too: a blob that does not hash right is reported as
     that, not as whatever its damaged bytes made the tar reader say.  */
  for (;;)
    {
      const void *p;
      ssize_t n = st->err ? -1 : img_stream_read (st, &p);
      if (n < 0 && ret < 0)
        return ret;
      if (n < 0)
        return layer_fail (&lc, NULL, NULL);
      if (n == 0)
        break;
    }
  img_stream_digest (st, got);
  if (ret < 0 && strcmp (got, expect) != 0 && err && *err)
    og_error_freep (err);
  else if (ret < 0)
    return ret;
  if (size >= 0 && st->total != (uint64_t)size)
    return og_error_set (err, 0, "%s: %llu bytes, the manifest says %lld", name,
                         (unsigned long long)st->total, (long long)size);
  if (strcmp (got, expect) != 0)
    return og_error_set (err, 0, "%s: digest mismatch: the bytes hash to %s", name, got);
  return 0;
}

/* Stream layer INDEX as SRC names it, applying it, or with WANT reading
   those inodes' data only (with VDIGEST: their vdigest only).  */
static int
stream_layer (img_source *im, img_store *store, const img_layer_src *src, int index,
              img_ino *const *want, size_t n_want, bool vdigest, og_error **err)
{
  img_stream st;
  uint64_t sz = 0;
  int r = img_store_stream (store, src->member, &st, &sz, err);
  if (r == 1)
    return og_error_set (err, ENOENT, "layer %d (%s): blob `%s` is missing", index, src->expect,
                         src->member);
  if (r < 0)
    return -1;
  r = apply_layer (im, &st, index, src->expect, src->size, want, n_want, vdigest, err);
  img_stream_close (&st);
  return r;
}

int
img_stream_layer (img_source *im, img_store *store, const char *member, int index,
                  const char *expect, int64_t size, og_error **err)
{
  img_layer_src *src;
  if (index < 0 || (size_t)index != im->n_layer_srcs)
    return og_error_set (err, EINVAL, "layer %d streamed out of order", index);
  im->layer_srcs = og_xreallocarray (im->layer_srcs, im->n_layer_srcs + 1, sizeof *im->layer_srcs);
  src = &im->layer_srcs[im->n_layer_srcs++];
  src->member = og_xstrdup (member);
  src->expect = og_xstrdup (expect);
  src->size = size;
  return stream_layer (im, store, src, index, NULL, 0, false, err);
}

static int
cmp_src (const void *a, const void *b)
{
  const img_ino *x = *(img_ino *const *)a, *y = *(img_ino *const *)b;
  if (x->src_layer != y->src_layer)
    return x->src_layer < y->src_layer ? -1 : 1;
  return x->src_entry < y->src_entry ? -1 : x->src_entry > y->src_entry;
}

/* Read the entries of the N inodes of WANT again, each layer at most
   once for all its wanted inodes (WANT is sorted here).  */
int
img_reread (img_source *im, img_store *store, img_ino **want, size_t n, bool vdigest,
            og_error **err)
{
  size_t i = 0;
  if (n > 1)
    qsort (want, n, sizeof *want, cmp_src);
  while (i < n)
    {
      int layer = want[i]->src_layer;
      size_t j = i;
      while (j < n && want[j]->src_layer == layer)
        j++;
      if (layer < 0 || (size_t)layer >= im->n_layer_srcs)
        return og_error_set (err, EINVAL, "layer %d: not streamed", layer);
      if (stream_layer (im, store, &im->layer_srcs[layer], layer, want + i, j - i, vdigest, err)
          < 0)
        return -1;
      i = j;
    }
  return 0;
}

int
img_finish_layers (img_source *im, img_store *store, og_error **err)
{
  int ret = img_reread (im, store, im->refetch, im->n_refetch, false, err);
  img_refetch_clear (im);
  /* The layers stay readable for og_source_prefetch: the source takes the
     store.  */
  im->store = *store;
  store->dirfd = -1;
  store->archive = NULL;
  return ret;
}
