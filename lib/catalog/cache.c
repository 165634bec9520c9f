/* The layer cache's records and their entry file.  The format is our own
   (OG_LAYER_CACHE_FORMAT), read back through base/reader.h and checked
   as any file the hook reads:

     "OGLC"  u32le format  32 bytes sha256 of the key  u64le payload length
     32 bytes sha256 of the payload  payload

   payload: u64le the length of the records, then the records compressed
   as one zlib stream (RFC 1950, zlib's compress2; a hit answered by its
   memo only checks the sum, a hit that replays inflates them).

   records, every integer an unsigned LEB128 varint:
     n_classes, then per class: kind, ELF class, big endian, machine, type,
       flags (pie 1, dynamic 2, program headers complete 4), interpreter
       (length, bytes)
     n_records, then per record, in the order of a directory walk (names
       sorted, depth first): depth, type ('d' 'l' 'x'), the bytes of the name
       it shares with the previous name at this depth, the rest of the name
       (length, bytes); a symlink: its target (length, bytes); an
       executable: mode, uid, gid, size, nlink, class index, capability
       (length, bytes);
     the package snapshot (length, bytes; length 0: none), catalog/snapshot.c.

   Only what the inventory takes from a walk without OG_INV_FILES is kept:
   directories and symlinks (the tree ownership resolves against) and
   executables; other files leave no trace in it.  */
#include <sys/stat.h>
#include <zlib.h>

#include "catalog/cache.h"
#include "catalog/cache_int.h"
#include "base/digest.h"
#include "base/reader.h"
#include "base/strmap.h"
#include "catalog/elfinfo.h"
#include "source/dir.h"
#include "source/overlay.h"

#define MAGIC       "OGLC"
#define MAX_NAME    255
#define MAX_CLASSES (1u << 20)

typedef struct rec
{
  char *name;
  char *target;  /* symlinks */
  uint8_t *cap;  /* executables with security.capability */
  uint64_t size; /* executables: */
  uint64_t nlink;
  uint32_t mode;
  uint32_t uid;
  uint32_t gid;
  uint32_t cls;
  uint32_t end; /* directories: the index past their subtree */
  uint16_t depth;
  uint8_t cap_len;
  char type;
} rec;

struct og_layer_cache
{
  rec *recs;
  size_t n, cap;
  og_exec_class *classes;
  size_t n_classes, cap_classes;
  og_strmap class_index; /* serialised class -> index + 1, while building */
  og_strmap dirs;        /* directory path -> index + 1 */
  og_buf snapshot;       /* the package snapshot's bytes, or empty */
};

const char *
og_cache_state_name (og_cache_state s)
{
  switch (s)
    {
    case OG_CACHE_HIT:
      return "hit";
    case OG_CACHE_MISS:
      return "miss";
    case OG_CACHE_INVALID:
      return "invalid";
    case OG_CACHE_UNSUPPORTED:
      return "unsupported";
    case OG_CACHE_OFF:
    default:
      return "off";
    }
}

void
og_layer_cache_free (og_layer_cache *c)
{
  if (c == NULL)
    return;
  for (size_t i = 0; i < c->n; i++)
    {
      free (c->recs[i].name);
      free (c->recs[i].target);
      free (c->recs[i].cap);
    }
  free (c->recs);
  free (c->classes);
  og_strmap_clear (&c->class_index, NULL);
  og_strmap_clear (&c->dirs, NULL);
  og_buf_free (&c->snapshot);
  free (c);
}

void
og_layer_cache_set_snapshot (og_layer_cache *c, og_buf *snapshot)
{
  og_buf_free (&c->snapshot);
  c->snapshot = *snapshot;
  memset (snapshot, 0, sizeof *snapshot);
}

const uint8_t *
og_layer_cache_snapshot (const og_layer_cache *c, size_t *len)
{
  *len = c->snapshot.len;
  return c->snapshot.len ? (const uint8_t *)c->snapshot.data : NULL;
}

size_t
og_layer_cache_size (const og_layer_cache *c)
{
  return c->n;
}

/* ---- building --------------------------------------------------------------- */

static void
class_bytes (const og_exec_class *k, og_buf *b)
{
  uint8_t flags = (uint8_t)((k->elf.pie ? 1 : 0) | (k->elf.dynamic ? 2 : 0)
                            | (k->elf.phdrs_complete ? 4 : 0));
  put_uv (b, (uint64_t)k->kind);
  put_uv (b, k->elf.elf_class);
  put_uv (b, k->elf.big_endian);
  put_uv (b, k->elf.machine);
  put_uv (b, k->elf.type);
  put_uv (b, flags);
  put_bytes (b, k->interpreter, strlen (k->interpreter));
}

static uint32_t
intern_class (og_layer_cache *c, const og_exec_class *k)
{
  cleanup_buf og_buf b = { 0 };
  void *have;
  cleanup_free char *hex = NULL;

  class_bytes (k, &b);
  hex = og_xmalloc (2 * b.len + 1);
  og_hex ((const uint8_t *)b.data, b.len, hex);
  have = og_strmap_get (&c->class_index, hex);
  if (have)
    return (uint32_t)((uintptr_t)have - 1);
  og_grow (&c->classes, &c->cap_classes, c->n_classes + 1, sizeof *c->classes);
  c->classes[c->n_classes] = *k;
  og_strmap_put (&c->class_index, hex, (void *)(uintptr_t)(c->n_classes + 1));
  return (uint32_t)c->n_classes++;
}

static rec *
add_rec (og_layer_cache *c, const char *name, size_t depth, char type)
{
  rec *r;
  og_grow (&c->recs, &c->cap, c->n + 1, sizeof *c->recs);
  r = &c->recs[c->n++];
  memset (r, 0, sizeof *r);
  r->name = og_xstrdup (name);
  r->depth = (uint16_t)depth;
  r->type = type;
  return r;
}

static int
on_lower_entry (const og_entry *e, void *userdata, og_error **err)
{
  og_layer_cache *c = userdata;
  const char *slash = strrchr (e->path, '/');
  size_t depth = 0;
  rec *r;

  if (e->skipped != OG_SKIP_NONE)
    return og_error_set (err, 0, "`%s`: a mount inside the lower layers", e->path);
  for (const char *p = e->path + 1; *p; p++)
    depth += *p == '/';
  if (S_ISDIR (e->mode))
    add_rec (c, slash + 1, depth, 'd');
  else if (S_ISLNK (e->mode) && e->link_target)
    add_rec (c, slash + 1, depth, 'l')->target = og_xstrdup (e->link_target);
  else if (og_entry_is_executable (e->mode))
    {
      og_exec_class k;
      og_exec_classify (e->head, e->head_len, &k);
      r = add_rec (c, slash + 1, depth, 'x');
      r->mode = e->mode;
      r->uid = e->uid;
      r->gid = e->gid;
      r->size = e->size;
      r->nlink = e->nlink;
      r->cls = intern_class (c, &k);
      if (e->cap && e->cap_len)
        {
          r->cap_len = (uint8_t)e->cap_len;
          r->cap = og_xmalloc (e->cap_len);
          memcpy (r->cap, e->cap, e->cap_len);
        }
    }
  return 0;
}

/* The subtree ends and the directory index, from the records in walk
   order (also checks that the order is one a walk makes).  */
static int
index_records (og_layer_cache *c, og_error **err)
{
  size_t stack[OG_MAX_DEPTH + 1];
  size_t plen[OG_MAX_DEPTH + 2];
  char path[OG_MAX_PATH + 1];
  size_t open = 0; /* directories open on the stack */

  plen[0] = 0;
  for (size_t i = 0; i <= c->n; i++)
    {
      size_t d = i < c->n ? c->recs[i].depth : 0;
      rec *r;
      size_t nlen;
      if (d > open)
        return og_error_set_code (err, OG_ERR_CONTENT, 0, "record %zu is deeper than its parent",
                                  i);
      while (open > d)
        c->recs[stack[--open]].end = (uint32_t)i;
      if (i == c->n)
        break;
      r = &c->recs[i];
      nlen = strlen (r->name);
      if (plen[d] + 1 + nlen > OG_MAX_PATH)
        return og_error_set_code (err, OG_ERR_CONTENT, 0, "record %zu: path too long", i);
      path[plen[d]] = '/';
      memcpy (path + plen[d] + 1, r->name, nlen + 1);
      if (r->type == 'd')
        {
          if (open >= OG_MAX_DEPTH)
            return og_error_set_code (err, OG_ERR_CONTENT, 0, "record %zu: too deep", i);
          og_strmap_put (&c->dirs, path, (void *)(uintptr_t)(i + 1));
          stack[open++] = i;
          plen[open] = plen[d] + 1 + nlen;
        }
    }
  return 0;
}

int
og_layer_cache_build (const char *lower_root, const char *const *lowers, size_t n, bool userxattr,
                      og_layer_cache **out, const char **why, og_error **err)
{
  og_layer_cache *c = og_xcalloc (1, sizeof *c);
  int ret;

  if (lower_root)
    {
      cleanup_source og_source *src = NULL;
      ret = og_source_open_dir (lower_root, NULL, &src, err);
      if (ret == 0)
        ret = og_source_walk (src, OG_WALK_PARALLEL, on_lower_entry, c, err); /* never prunes */
    }
  else
    ret = og_overlay_walk_lowers (lowers, n, userxattr, on_lower_entry, c, why, err);
  if (ret == 0)
    ret = index_records (c, err);
  if (ret != 0)
    {
      og_layer_cache_free (c);
      return ret;
    }
  *out = c;
  return 0;
}

/* ---- the entry file --------------------------------------------------------- */

static void
payload (const og_layer_cache *c, og_buf *b)
{
  const char *prev[OG_MAX_DEPTH + 1] = { 0 };

  put_uv (b, c->n_classes);
  for (size_t i = 0; i < c->n_classes; i++)
    class_bytes (&c->classes[i], b);
  put_uv (b, c->n);
  for (size_t i = 0; i < c->n; i++)
    {
      const rec *r = &c->recs[i];
      put_uv (b, r->depth);
      og_buf_putc (b, r->type);
      put_shared (b, prev[r->depth] ? prev[r->depth] : "", r->name);
      prev[r->depth] = r->name;
      if (r->depth + 1 <= OG_MAX_DEPTH)
        prev[r->depth + 1] = NULL; /* a new directory: no previous name inside it */
      if (r->type == 'l')
        put_bytes (b, r->target, strlen (r->target));
      else if (r->type == 'x')
        {
          put_uv (b, r->mode);
          put_uv (b, r->uid);
          put_uv (b, r->gid);
          put_uv (b, r->size);
          put_uv (b, r->nlink);
          put_uv (b, r->cls);
          put_bytes (b, r->cap, r->cap_len);
        }
    }
  put_uv (b, c->snapshot.len);
  if (c->snapshot.len)
    og_buf_append (b, c->snapshot.data, c->snapshot.len);
}

int
og_layer_cache_serialize (const og_layer_cache *c, const char *key, og_buf *out, og_error **err)
{
  cleanup_buf og_buf body = { 0 };
  cleanup_buf og_buf z = { 0 };
  uLongf zlen;
  cleanup_free Bytef *zbuf = NULL;

  payload (c, &body);
  zlen = compressBound (body.len);
  zbuf = og_xmalloc (zlen);
  /* Into compressBound's room, compress2 fails only for want of memory,
     which the og_x allocators also end the process for.  */
  if (compress2 (zbuf, &zlen, (const Bytef *)body.data, body.len, 6) != Z_OK)
    abort ();
  put_le (&z, body.len, 8);
  og_buf_append (&z, zbuf, zlen);
  return put_frame (out, MAGIC, OG_LAYER_CACHE_FORMAT, key, &z, err);
}

static int
bad (og_error **err, const char *what)
{
  return og_error_set_code (err, OG_ERR_CONTENT, 0, "layer cache entry: %s", what);
}

static int
parse_classes (og_layer_cache *c, og_reader *r, og_error **err)
{
  uint64_t n;
  if (!get_uv (r, &n) || n > MAX_CLASSES || n > og_reader_remaining (r))
    return bad (err, "class count");
  c->classes = og_xcalloc (n ? n : 1, sizeof *c->classes);
  for (size_t i = 0; i < n; i++)
    {
      og_exec_class *k = &c->classes[i];
      uint64_t kind, ec, be, mach, type, flags;
      cleanup_free char *interp = NULL;
      if (!get_uv (r, &kind) || !get_uv (r, &ec) || !get_uv (r, &be) || !get_uv (r, &mach)
          || !get_uv (r, &type) || !get_uv (r, &flags)
          || !get_str (r, sizeof k->interpreter - 1, &interp) || kind > OG_KIND_SCRIPT
          || ec > UINT8_MAX || be > 1 || mach > UINT16_MAX || type > UINT16_MAX || flags > 7)
        return bad (err, "class");
      k->kind = (og_exec_kind)kind;
      k->elf.elf_class = (uint8_t)ec;
      k->elf.big_endian = be;
      k->elf.machine = (uint16_t)mach;
      k->elf.type = (uint16_t)type;
      k->elf.pie = flags & 1;
      k->elf.dynamic = (flags & 2) != 0;
      k->elf.phdrs_complete = (flags & 4) != 0;
      strcpy (k->interpreter, interp);
    }
  c->n_classes = n;
  return 0;
}

static bool
name_ok (const char *s)
{
  return *s && !strchr (s, '/') && strcmp (s, ".") != 0 && strcmp (s, "..") != 0;
}

static int
parse_record (og_layer_cache *c, og_reader *r, char **prev, og_error **err)
{
  uint64_t depth;
  uint8_t type;
  char name[MAX_NAME + 1];
  size_t len;
  rec *x;

  /* One allocation per record (hits parse every record of the entry).  */
  if (!get_uv (r, &depth) || depth > OG_MAX_DEPTH || !og_reader_u8 (r, &type)
      || (type != 'd' && type != 'l' && type != 'x'))
    return bad (err, "record");
  if (!get_shared (r, prev[depth] ? prev[depth] : "", MAX_NAME, name, &len))
    return bad (err, "record name");
  og_grow (&c->recs, &c->cap, c->n + 1, sizeof *c->recs);
  x = &c->recs[c->n++];
  memset (x, 0, sizeof *x);
  x->name = og_xstrndup (name, len);
  x->depth = (uint16_t)depth;
  x->type = (char)type;
  /* Siblings in strictly increasing order, as a walk hands them over.  */
  if (!name_ok (x->name) || (prev[depth] && strcmp (prev[depth], x->name) >= 0))
    return bad (err, "record name order");
  prev[depth] = x->name;
  if (depth + 1 <= OG_MAX_DEPTH)
    prev[depth + 1] = NULL;
  if (type == 'l' && !get_str (r, OG_MAX_PATH, &x->target))
    return bad (err, "symlink target");
  if (type == 'x')
    {
      uint64_t cap_len;
      const uint8_t *p;
      if (!get_u32 (r, &x->mode) || !get_u32 (r, &x->uid) || !get_u32 (r, &x->gid)
          || !get_uv (r, &x->size) || !get_uv (r, &x->nlink) || !get_u32 (r, &x->cls)
          || x->cls >= c->n_classes || !og_entry_is_executable (x->mode) || !get_uv (r, &cap_len)
          || cap_len > OG_CAP_MAX || !og_reader_bytes (r, cap_len, &p))
        return bad (err, "executable record");
      if (cap_len)
        {
          x->cap = og_xmalloc (cap_len);
          memcpy (x->cap, p, cap_len);
          x->cap_len = (uint8_t)cap_len;
        }
    }
  return 0;
}

static int
parse_payload (og_layer_cache *c, og_reader *r, og_error **err)
{
  char *prev[OG_MAX_DEPTH + 1] = { 0 };
  const uint8_t *snap;
  uint64_t n;

  if (parse_classes (c, r, err) < 0)
    return -1;
  if (!get_uv (r, &n) || n > OG_LAYER_CACHE_MAX_RECORDS || n > og_reader_remaining (r))
    return bad (err, "record count");
  c->recs = og_xcalloc (n ? n : 1, sizeof *c->recs);
  c->cap = n ? n : 1;
  for (size_t i = 0; i < n; i++)
    if (parse_record (c, r, prev, err) < 0)
      return -1;
  if (!get_uv (r, &n) || n != og_reader_remaining (r) || !og_reader_bytes (r, n, &snap))
    return bad (err, "package snapshot length");
  if (n)
    og_buf_append (&c->snapshot, snap, n);
  if (!og_reader_at_end (r))
    return bad (err, "bytes after the records");
  return index_records (c, err);
}

/* The header and the checksum; *body and *blen the payload.  */
static int
verify (const uint8_t *data, size_t len, const char *key, const uint8_t **body, uint64_t *blen,
        og_error **err)
{
  og_reader r;
  const uint8_t *magic, *k, *sum;
  uint32_t format;
  int same;

  og_reader_init (&r, data, len);
  if (!og_reader_bytes (&r, 4, &magic) || memcmp (magic, MAGIC, 4) != 0)
    return bad (err, "not an entry (magic)");
  if (!og_reader_u32 (&r, false, &format) || format != OG_LAYER_CACHE_FORMAT)
    return bad (err, "another format version");
  if (!og_reader_bytes (&r, OG_SHA256_LEN, &k))
    return bad (err, "truncated");
  if ((same = sha256_is (k, key, strlen (key), err)) <= 0)
    return same < 0 ? -1 : bad (err, "the entry of another layer stack (key)");
  if (!og_reader_u64 (&r, false, blen) || !og_reader_bytes (&r, OG_SHA256_LEN, &sum)
      || *blen != og_reader_remaining (&r) || !og_reader_bytes (&r, *blen, body))
    return bad (err, "truncated");
  if ((same = sha256_is (sum, *body, *blen, err)) <= 0)
    return same < 0 ? -1 : bad (err, "checksum mismatch");
  return 0;
}

int
og_layer_cache_verify (const uint8_t *data, size_t len, const char *key, og_error **err)
{
  const uint8_t *body;
  uint64_t blen;
  return verify (data, len, key, &body, &blen, err);
}

/* The records from the payload: their length, then the zlib stream,
   which must inflate to exactly that length.  */
static int
inflate_records (const uint8_t *body, uint64_t blen, uint8_t **out, uLongf *len, og_error **err)
{
  og_reader r;
  uint64_t raw;
  const uint8_t *z;
  uLongf got;

  og_reader_init (&r, body, blen);
  if (!og_reader_u64 (&r, false, &raw) || raw > OG_LAYER_CACHE_MAX_RAW
      || !og_reader_bytes (&r, og_reader_remaining (&r), &z))
    return bad (err, "record length");
  got = (uLongf)raw;
  *out = og_xmalloc (raw ? raw : 1);
  if (uncompress (*out, &got, z, (uLong)(blen - 8)) != Z_OK || got != raw)
    {
      free (og_steal_pointer (out));
      return bad (err, "the records do not inflate");
    }
  *len = got;
  return 0;
}

int
og_layer_cache_parse (const uint8_t *data, size_t len, const char *key, og_layer_cache **out,
                      og_error **err)
{
  og_reader r;
  const uint8_t *body;
  uint64_t blen;
  og_layer_cache *c;
  cleanup_free uint8_t *raw = NULL;
  uLongf rlen = 0;

  if (verify (data, len, key, &body, &blen, err) < 0
      || inflate_records (body, blen, &raw, &rlen, err) < 0)
    return -1;
  c = og_xcalloc (1, sizeof *c);
  og_reader_init (&r, raw, rlen);
  if (parse_payload (c, &r, err) < 0)
    {
      og_layer_cache_free (c);
      return -1;
    }
  *out = c;
  return 0;
}

/* ---- replay ------------------------------------------------------------------ */

int
og_layer_cache_replay (const og_layer_cache *c, const char *dir, og_walk_fn fn, void *userdata,
                       og_error **err)
{
  uintptr_t at = (uintptr_t)og_strmap_get (&c->dirs, dir);
  size_t plen[OG_MAX_DEPTH + 2];
  char path[OG_MAX_PATH + 1];
  size_t base, dlen = strlen (dir);

  if (at == 0 || dlen > OG_MAX_PATH)
    return 1;
  at--;
  base = c->recs[at].depth + 1u;
  memcpy (path, dir, dlen + 1);
  plen[base] = dlen;
  for (size_t i = at + 1; i < c->recs[at].end; i++)
    {
      const rec *r = &c->recs[i];
      size_t nlen = strlen (r->name), l = plen[r->depth];
      og_entry e = { 0 };
      path[l] = '/';
      memcpy (path + l + 1, r->name, nlen + 1);
      e.path = path;
      e.layer = -1;
      if (r->type == 'd')
        {
          e.mode = S_IFDIR | 0755;
          plen[r->depth + 1] = l + 1 + nlen;
        }
      else if (r->type == 'l')
        {
          e.mode = S_IFLNK | 0777;
          e.link_target = r->target;
        }
      else
        {
          e.mode = r->mode;
          e.uid = r->uid;
          e.gid = r->gid;
          e.size = r->size;
          e.nlink = r->nlink;
          e.cls = &c->classes[r->cls];
          e.cap = r->cap;
          e.cap_len = r->cap_len;
        }
      if (fn (&e, userdata, err) < 0)
        return -1;
    }
  return 0;
}
