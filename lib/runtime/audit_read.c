/* Reading audit records back.  Format: ocigate.audit/v1
   (policy/ocigate.audit.schema.json), one JSON text (RFC 8259) per line
   (JSON Lines, jsonlines.org).  A line is parsed with yajl's event parser,
   which checks the whole text (UTF-8 included) and hands over only the
   fields a query needs: no tree is built, so a record costs one pass.  */
#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <yajl/yajl_parse.h>

#include "base/fileio.h"
#include "runtime/audit_read.h"
#include "source/image/image.h"

/* ---- lines ---------------------------------------------------------------- */

#define CHUNK (256u << 10)

struct og_audit_lines
{
  char *path;
  int fd;
  struct archive *z; /* compressed content, else NULL */
  char *buf;         /* OG_AUDIT_LINE_MAX + CHUNK */
  size_t cap;
  size_t start; /* the unread bytes are buf[start, end) */
  size_t end;
  uint64_t lineno;
  bool eof;
};

/* gzip (RFC 1952), zstd (RFC 8878), xz (tukaani.org/xz/xz-file-format.txt),
   bzip2 ("BZh").  */
static bool
compressed (const unsigned char *m, size_t n)
{
  return (n >= 2 && m[0] == 0x1f && m[1] == 0x8b)
         || (n >= 4 && m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
         || (n >= 6
             && memcmp (m,
                        "\xfd"
                        "7zXZ\0",
                        6)
                    == 0)
         || (n >= 3 && memcmp (m, "BZh", 3) == 0);
}

int
og_audit_lines_open (const char *path, og_audit_lines **out, og_error **err)
{
  cleanup_close int fd = og_open_regular (path, err);
  unsigned char magic[6];
  ssize_t n;
  og_audit_lines *l;

  if (fd < 0)
    return -1;
  n = TEMP_FAILURE_RETRY (pread (fd, magic, sizeof magic, 0));
  if (n < 0)
    return og_error_set (err, errno, "read `%s`", path);
  l = og_xcalloc (1, sizeof *l);
  l->fd = -1;
  if (compressed (magic, (size_t)n))
    {
      l->z = og_decompress_open (fd, path, err);
      if (l->z == NULL)
        {
          free (l);
          return -1;
        }
    }
  l->path = og_xstrdup (path);
  l->fd = og_steal_fd (&fd);
  l->cap = OG_AUDIT_LINE_MAX + CHUNK;
  l->buf = og_xmalloc (l->cap + 1);
  *out = l;
  return 0;
}

void
og_audit_lines_free (og_audit_lines *l)
{
  if (l == NULL)
    return;
  og_decompress_close (l->z);
  if (l->fd >= 0)
    close (l->fd);
  free (l->buf);
  free (l->path);
  free (l);
}

/* Read more after buf[end), moving the unread bytes to the front first.
   Returns the bytes read (0 at the end).  */
static ssize_t
fill (og_audit_lines *l, og_error **err)
{
  ssize_t n;
  size_t room;
  if (l->eof)
    return 0;
  if (l->start > 0)
    {
      memmove (l->buf, l->buf + l->start, l->end - l->start);
      l->end -= l->start;
      l->start = 0;
    }
  room = l->cap - l->end;
  if (room > CHUNK)
    room = CHUNK;
  if (l->z)
    n = og_decompress_read (l->z, l->buf + l->end, room, l->path, err);
  else
    {
      n = TEMP_FAILURE_RETRY (read (l->fd, l->buf + l->end, room));
      if (n < 0)
        og_error_set (err, errno, "read `%s`", l->path);
    }
  if (n < 0)
    return -1;
  if (n == 0)
    l->eof = true;
  l->end += (size_t)n;
  return n;
}

/* Throw away the rest of a line that is too long, up to its '\n'.  */
static int
skip_line (og_audit_lines *l, og_error **err)
{
  for (;;)
    {
      char *nl = memchr (l->buf + l->start, '\n', l->end - l->start);
      if (nl)
        {
          l->start = (size_t)(nl - l->buf) + 1;
          return 0;
        }
      l->start = l->end = 0;
      ssize_t n = fill (l, err);
      if (n <= 0)
        return (int)n;
    }
}

int
og_audit_lines_next (og_audit_lines *l, const char **line, size_t *len, uint64_t *lineno,
                     bool *too_long, og_error **err)
{
  size_t scanned = 0; /* bytes after start known to hold no '\n' */
  *too_long = false;
  for (;;)
    {
      char *p = l->buf + l->start + scanned;
      char *nl = memchr (p, '\n', l->end - l->start - scanned);
      if (nl || (l->eof && l->end > l->start))
        {
          size_t n = nl ? (size_t)(nl - (l->buf + l->start)) : l->end - l->start;
          *line = l->buf + l->start;
          *len = n;
          l->buf[l->start + n] = '\0';
          l->start += nl ? n + 1 : n;
          *lineno = ++l->lineno;
          if (n > OG_AUDIT_LINE_MAX)
            {
              *too_long = true;
              *len = 0;
            }
          return 1;
        }
      if (l->eof)
        return 0;
      scanned = l->end - l->start;
      if (scanned > OG_AUDIT_LINE_MAX)
        {
          *too_long = true;
          *len = 0;
          *lineno = ++l->lineno;
          if (skip_line (l, err) < 0)
            return -1;
          return 1;
        }
      if (fill (l, err) < 0)
        return -1;
    }
}

/* ---- records -------------------------------------------------------------- */

/* The members a query reads, as nodes of the record's tree.  */
typedef enum node
{
  N_OTHER,
  N_ROOT,
  N_TIME,
  N_DECISION,
  N_IMAGE,
  N_IMAGE_NAME,
  N_MANIFEST,
  N_MANIFEST_NAME,
  N_FINDINGS,
  N_FINDING0,
  N_F0_RULE,
  N_F0_SUBJECT,
  N_FINDINGS_TOTAL,
  N_POD,
  N_POD_NAMESPACE,
  N_CONTAINER,
  N_CONTAINER_ID,
  N_ANNOTATIONS,
  N_ANN_IMAGE_CRIO,
  N_ANN_IMAGE_CRI,
  N_ANN_IMAGE_REF,
  N_ANN_NS_POD,
  N_ANN_NS_CRI,
} node;

#define MAX_DEPTH 64

typedef struct level
{
  unsigned char node;
  bool array;
  size_t index;
} level;

typedef struct pctx
{
  level st[MAX_DEPTH];
  size_t depth;
  node key; /* the node of the member whose name was just read */
  og_audit_fields *f;
  bool too_deep;
} pctx;

typedef struct key_node
{
  node parent;
  const char *name;
  size_t len;
  node child;
} key_node;
#define K(parent, name, child)                                                                     \
  {                                                                                                \
    parent, name, sizeof name - 1, child                                                           \
  }

static const key_node keys[] = {
  K (N_ROOT, "time", N_TIME),
  K (N_ROOT, "decision", N_DECISION),
  K (N_ROOT, "image", N_IMAGE),
  K (N_ROOT, "manifest", N_MANIFEST),
  K (N_ROOT, "findings", N_FINDINGS),
  K (N_ROOT, "findings_total", N_FINDINGS_TOTAL),
  K (N_ROOT, "pod", N_POD),
  K (N_ROOT, "container", N_CONTAINER),
  K (N_IMAGE, "name", N_IMAGE_NAME),
  K (N_MANIFEST, "name", N_MANIFEST_NAME),
  K (N_FINDING0, "rule", N_F0_RULE),
  K (N_FINDING0, "subject", N_F0_SUBJECT),
  K (N_POD, "namespace", N_POD_NAMESPACE),
  K (N_CONTAINER, "id", N_CONTAINER_ID),
  K (N_CONTAINER, "annotations", N_ANNOTATIONS),
  K (N_ANNOTATIONS, "io.kubernetes.cri-o.ImageName", N_ANN_IMAGE_CRIO),
  K (N_ANNOTATIONS, "io.kubernetes.cri.image-name", N_ANN_IMAGE_CRI),
  K (N_ANNOTATIONS, "org.opencontainers.image.ref.name", N_ANN_IMAGE_REF),
  K (N_ANNOTATIONS, "io.kubernetes.pod.namespace", N_ANN_NS_POD),
  K (N_ANNOTATIONS, "io.kubernetes.cri.sandbox-namespace", N_ANN_NS_CRI),
};

/* The node of the value that comes next: a member of a map, or an element
   of an array (only the first finding counts).  */
static node
value_node (pctx *c)
{
  level *top;
  if (c->depth == 0)
    return N_ROOT;
  top = &c->st[c->depth - 1];
  if (!top->array)
    return c->key;
  return top->node == N_FINDINGS && top->index++ == 0 ? N_FINDING0 : N_OTHER;
}

static int
on_map_key (void *ud, const unsigned char *k, size_t len)
{
  pctx *c = ud;
  node parent = c->depth ? (node)c->st[c->depth - 1].node : N_OTHER;
  c->key = N_OTHER;
  if (parent == N_OTHER)
    return 1;
  for (size_t i = 0; i < OG_ARRAY_SIZE (keys); i++)
    if (keys[i].parent == parent && keys[i].len == len && memcmp (keys[i].name, k, len) == 0)
      {
        c->key = keys[i].child;
        break;
      }
  return 1;
}

static int
push (pctx *c, bool array)
{
  node n = value_node (c);
  if (c->depth == MAX_DEPTH)
    {
      c->too_deep = true;
      return 0;
    }
  c->st[c->depth++] = (level){ (unsigned char)n, array, 0 };
  c->key = N_OTHER;
  return 1;
}

static int
on_start_map (void *ud)
{
  return push (ud, false);
}

static int
on_start_array (void *ud)
{
  return push (ud, true);
}

static int
on_end (void *ud)
{
  pctx *c = ud;
  c->depth--;
  c->key = N_OTHER;
  return 1;
}

static void
set_str (og_audit_fields *f, og_audit_str *s, const unsigned char *v, size_t len)
{
  s->off = f->text.len;
  s->len = len;
  s->set = true;
  og_buf_append (&f->text, v, len);
  og_buf_putc (&f->text, '\0');
}

/* A candidate by rank: lower wins.  */
static void
set_ranked (og_audit_fields *f, og_audit_str *s, int *rank, int r, const unsigned char *v,
            size_t len)
{
  if (s->set && *rank <= r)
    return;
  set_str (f, s, v, len);
  *rank = r;
}

/* Where a string member goes: its field of og_audit_fields and, for the
   fields several members can fill, its rank (lower wins: image.name over a
   string "image" over the annotations); a rank of -1 keeps the last one.  */
typedef struct str_leaf
{
  node n;
  size_t str;  /* offsetof the og_audit_str */
  size_t rank; /* offsetof its rank, when r >= 0 */
  int r;
} str_leaf;
#define PLAIN(n, field)                                                                            \
  {                                                                                                \
    n, offsetof (og_audit_fields, field), 0, -1                                                    \
  }
#define RANKED(n, field, rank, r)                                                                  \
  {                                                                                                \
    n, offsetof (og_audit_fields, field), offsetof (og_audit_fields, rank), r                      \
  }

static const str_leaf str_leaves[] = {
  PLAIN (N_TIME, time),
  PLAIN (N_DECISION, decision),
  PLAIN (N_CONTAINER_ID, container),
  RANKED (N_IMAGE_NAME, image, image_rank, 0),
  RANKED (N_IMAGE, image, image_rank, 1),
  RANKED (N_ANN_IMAGE_CRIO, image, image_rank, 2),
  RANKED (N_ANN_IMAGE_CRI, image, image_rank, 3),
  RANKED (N_ANN_IMAGE_REF, image, image_rank, 4),
  RANKED (N_POD_NAMESPACE, namespace_, namespace_rank, 0),
  RANKED (N_ANN_NS_POD, namespace_, namespace_rank, 1),
  RANKED (N_ANN_NS_CRI, namespace_, namespace_rank, 2),
  PLAIN (N_MANIFEST_NAME, manifest),
  PLAIN (N_F0_RULE, first_rule),
  PLAIN (N_F0_SUBJECT, first_subject),
};

static int
on_string (void *ud, const unsigned char *v, size_t len)
{
  pctx *c = ud;
  og_audit_fields *f = c->f;
  node n = value_node (c);
  for (size_t i = 0; i < OG_ARRAY_SIZE (str_leaves); i++)
    if (str_leaves[i].n == n)
      {
        const str_leaf *l = &str_leaves[i];
        og_audit_str *s = (og_audit_str *)((char *)f + l->str);
        if (l->r < 0)
          set_str (f, s, v, len);
        else
          set_ranked (f, s, (int *)((char *)f + l->rank), l->r, v, len);
        break;
      }
  return 1;
}

static int
on_number (void *ud, const char *v, size_t len)
{
  pctx *c = ud;
  if (value_node (c) == N_FINDINGS_TOTAL)
    {
      long long n = 0;
      size_t i = 0;
      for (; i < len && v[i] >= '0' && v[i] <= '9' && n < (1ll << 50); i++)
        n = n * 10 + (v[i] - '0');
      c->f->findings_total = i == len ? n : -1;
    }
  return 1;
}

static int
on_scalar (void *ud)
{
  value_node (ud);
  return 1;
}

static int
on_bool (void *ud, int b)
{
  (void)b;
  return on_scalar (ud);
}

static const yajl_callbacks callbacks = {
  .yajl_null = on_scalar,
  .yajl_boolean = on_bool,
  .yajl_number = on_number,
  .yajl_string = on_string,
  .yajl_start_map = on_start_map,
  .yajl_map_key = on_map_key,
  .yajl_end_map = on_end,
  .yajl_start_array = on_start_array,
  .yajl_end_array = on_end,
};

void
og_audit_fields_clear (og_audit_fields *f)
{
  og_buf_free (&f->text);
  memset (f, 0, sizeof *f);
}

const char *
og_audit_str_get (const og_audit_fields *f, og_audit_str s)
{
  return s.set ? f->text.data + s.off : NULL;
}

static void
yajl_freep (yajl_handle *h)
{
  if (*h)
    yajl_free (*h);
}

int
og_audit_parse (const char *line, size_t len, og_audit_fields *f, og_error **err)
{
  og_buf text = f->text;
  pctx c = { .f = f };
  __attribute__ ((cleanup (yajl_freep))) yajl_handle h = NULL;
  yajl_status st;

  memset (f, 0, sizeof *f);
  f->text = text;
  f->text.len = 0;
  f->findings_total = -1;
  h = yajl_alloc (&callbacks, NULL, &c);
  if (h == NULL)
    return og_error_set (err, ENOMEM, "yajl_alloc");
  st = yajl_parse (h, (const unsigned char *)line, len);
  size_t at = yajl_get_bytes_consumed (h);
  if (st == yajl_status_ok)
    {
      st = yajl_complete_parse (h);
      at = len;
    }
  if (st != yajl_status_ok)
    {
      if (c.too_deep)
        return og_error_set (err, 0, "nested deeper than %d", MAX_DEPTH);
      unsigned char *msg = yajl_get_error (h, 0, NULL, 0);
      cleanup_free char *m = og_xstrdup ((const char *)msg);
      yajl_free_error (h, msg);
      char *nl = strchr (m, '\n');
      if (nl)
        *nl = '\0';
      return og_error_set (err, 0, "not JSON (%s, at byte %zu)", m, at);
    }
  if (!f->time.set || !f->decision.set)
    return og_error_set (err, 0, "not an audit record: no \"time\" or \"decision\" string");
  return 0;
}

/* ---- times ---------------------------------------------------------------- */

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant,
   "chrono-Compatible Low-Level Date Algorithms", days_from_civil).  */
static int64_t
days_from_civil (int64_t y, int m, int d)
{
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static bool
digits (const char *s, size_t len, size_t at, size_t n, int *out)
{
  int v = 0;
  if (at + n > len)
    return false;
  for (size_t i = at; i < at + n; i++)
    {
      if (s[i] < '0' || s[i] > '9')
        return false;
      v = v * 10 + (s[i] - '0');
    }
  *out = v;
  return true;
}

static bool
parse_date (const char *s, size_t len, int *y, int *mo, int *d)
{
  return digits (s, len, 0, 4, y) && len > 4 && s[4] == '-' && digits (s, len, 5, 2, mo) && len > 7
         && s[7] == '-' && digits (s, len, 8, 2, d) && *mo >= 1 && *mo <= 12 && *d >= 1 && *d <= 31;
}

int
og_audit_parse_rfc3339 (const char *s, size_t len, int64_t *ms)
{
  int y, mo, d, h, mi, sec, oh = 0, om = 0, frac = 0;
  size_t i = 19;
  if (!parse_date (s, len, &y, &mo, &d) || len < 20 || (s[10] != 'T' && s[10] != 't')
      || !digits (s, len, 11, 2, &h) || s[13] != ':' || !digits (s, len, 14, 2, &mi) || s[16] != ':'
      || !digits (s, len, 17, 2, &sec) || h > 23 || mi > 59 || sec > 60)
    return -1;
  if (s[i] == '.')
    {
      int scale = 100;
      size_t start = ++i;
      for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, scale /= 10)
        frac += (s[i] - '0') * scale;
      if (i == start)
        return -1;
    }
  if (i < len && (s[i] == 'Z' || s[i] == 'z'))
    i++;
  else if (i < len && (s[i] == '+' || s[i] == '-'))
    {
      if (!digits (s, len, i + 1, 2, &oh) || i + 3 >= len || s[i + 3] != ':'
          || !digits (s, len, i + 4, 2, &om) || oh > 23 || om > 59)
        return -1;
      if (s[i] == '-')
        oh = -oh, om = -om;
      i += 6;
    }
  else
    return -1;
  if (i != len)
    return -1;
  *ms = ((days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + sec)
         - (int64_t)(oh * 3600 + om * 60))
            * 1000
        + frac;
  return 0;
}

int
og_audit_parse_time (const char *s, int64_t now_ms, int64_t *ms, og_error **err)
{
  size_t len = strlen (s);
  int y, mo, d;
  if (s[0] == '-' && len >= 3)
    {
      char *end;
      errno = 0;
      long long n = strtoll (s + 1, &end, 10);
      static const struct
      {
        char unit;
        int64_t ms;
      } units[] = {
        { 's', 1000 }, { 'm', 60000 }, { 'h', 3600000 }, { 'd', 86400000 }, { 'w', 604800000 }
      };
      if (errno == 0 && end != s + 1 && end[1] == '\0' && n >= 0 && n < (1ll << 31))
        for (size_t i = 0; i < OG_ARRAY_SIZE (units); i++)
          if (*end == units[i].unit)
            {
              *ms = now_ms - n * units[i].ms;
              return 0;
            }
    }
  else if (len == 10 && parse_date (s, len, &y, &mo, &d))
    {
      *ms = days_from_civil (y, mo, d) * 86400000;
      return 0;
    }
  else if (og_audit_parse_rfc3339 (s, len, ms) == 0)
    return 0;
  return og_error_set (err, 0,
                       "time `%s` is none of RFC 3339 (2026-12-01T08:00:00Z), YYYY-MM-DD "
                       "or -N{s,m,h,d,w}",
                       s);
}
