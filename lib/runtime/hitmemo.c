/* The hit memo's file (hitmemo.h).  Our own format, read back through
   base/reader.h:

     "OGLR"  u32le format  32 bytes sha256 of the key  u64le payload length
     32 bytes sha256 of the payload  payload

   payload, every integer an unsigned LEB128 varint, every string a length
   and its bytes, a string that may be absent its length + 1 (0: absent):
     input, manifest name (may be absent), the bind mounts' sha256 (may be
       absent), inventory sha256, packages
       from the entry (1) or the databases (0),
     the summary's 18 counters in og_inventory_summary's order,
     n_skipped, then per entry: path, mode, reason,
     n_findings, then per finding: rule, subject, reason, kind, expired
       exception (may be absent),
     n_waived, then per waiver: rule, subject, exception index.  */
#include "runtime/hitmemo.h"
#include "base/reader.h"
#include "catalog/cache_int.h"
#include "source/source.h"

#define MAGIC "OGLR"

void
og_hit_memo_clear (og_hit_memo *m)
{
  free (m->input);
  free (m->manifest_name);
  free (m->binds);
  free (m->inventory_sha256);
  for (size_t i = 0; i < m->n_skipped; i++)
    free (m->skipped[i].path);
  free (m->skipped);
  og_policy_result_clear (&m->res);
  memset (m, 0, sizeof *m);
}

/* The summary's counters, in their order (og_inventory_summary).  */
static size_t *
counters (og_inventory_summary *s, size_t *n)
{
  *n = sizeof *s / sizeof (size_t);
  return (size_t *)s;
}

static void
payload (const og_hit_memo *m, og_buf *b)
{
  og_inventory_summary s = m->summary;
  size_t n;
  size_t *c = counters (&s, &n);

  put_str (b, m->input);
  put_opt (b, m->manifest_name);
  put_opt (b, m->binds);
  put_str (b, m->inventory_sha256);
  put_uv (b, m->packages_cached);
  put_uv (b, m->content);
  for (size_t i = 0; i < n; i++)
    put_uv (b, c[i]);
  put_uv (b, m->n_skipped);
  for (size_t i = 0; i < m->n_skipped; i++)
    {
      put_str (b, m->skipped[i].path);
      put_uv (b, m->skipped[i].mode);
      put_uv (b, (uint64_t)m->skipped[i].reason);
    }
  put_uv (b, m->res.n);
  for (size_t i = 0; i < m->res.n; i++)
    {
      const og_finding *f = &m->res.findings[i];
      put_str (b, f->rule);
      put_str (b, f->subject);
      put_str (b, f->reason);
      put_uv (b, (uint64_t)f->kind);
      put_opt (b, f->expired_exception);
    }
  put_uv (b, m->res.n_waived);
  for (size_t i = 0; i < m->res.n_waived; i++)
    {
      put_str (b, m->res.waived[i].rule);
      put_str (b, m->res.waived[i].subject);
      put_uv (b, m->res.waived[i].exception);
    }
}

int
og_hit_memo_serialize (const og_hit_memo *m, const char *key, og_buf *out, og_error **err)
{
  cleanup_buf og_buf body = { 0 };

  payload (m, &body);
  return put_frame (out, MAGIC, OG_HIT_MEMO_FORMAT, key, &body, err);
}

static int
bad (og_error **err, const char *what)
{
  return og_error_set_code (err, OG_ERR_CONTENT, 0, "layer cache hit memo: %s", what);
}

static int
parse_lists (og_reader *r, og_hit_memo *m, og_error **err)
{
  uint64_t n, v, k;

  if (!get_uv (r, &n) || n > og_reader_remaining (r))
    return bad (err, "skipped count");
  m->skipped = og_xcalloc (n ? n : 1, sizeof *m->skipped);
  for (; m->n_skipped < n; m->n_skipped++)
    {
      og_skipped *s = &m->skipped[m->n_skipped];
      if (!get_str (r, OG_MAX_PATH, &s->path) || !get_uv (r, &v) || v > UINT32_MAX
          || !get_uv (r, &k) || (k != OG_SKIPPED_MOUNT && k != OG_SKIPPED_EXCLUDED))
        return bad (err, "skipped entry");
      s->mode = (uint32_t)v;
      s->reason = (og_skip_reason)k;
    }
  if (!get_uv (r, &n) || n > og_reader_remaining (r))
    return bad (err, "finding count");
  m->res.findings = og_xcalloc (n ? n : 1, sizeof *m->res.findings);
  m->res.cap = n ? n : 1;
  for (; m->res.n < n; m->res.n++)
    {
      og_finding *f = &m->res.findings[m->res.n];
      if (!get_str (r, OG_CACHE_MAX_STR, &f->rule) || !get_str (r, OG_CACHE_MAX_STR, &f->subject)
          || !get_str (r, OG_CACHE_MAX_STR, &f->reason) || !get_uv (r, &k)
          || k > OG_SUBJECT_INSPECTION || !get_opt (r, &f->expired_exception))
        {
          m->res.n++; /* freed with the rest */
          return bad (err, "finding");
        }
      f->kind = (og_subject_kind)k;
    }
  if (!get_uv (r, &n) || n > og_reader_remaining (r))
    return bad (err, "waiver count");
  m->res.waived = og_xcalloc (n ? n : 1, sizeof *m->res.waived);
  m->res.cap_waived = n ? n : 1;
  for (; m->res.n_waived < n; m->res.n_waived++)
    {
      og_waiver *w = &m->res.waived[m->res.n_waived];
      if (!get_str (r, OG_CACHE_MAX_STR, &w->rule) || !get_str (r, OG_CACHE_MAX_STR, &w->subject)
          || !get_uv (r, &v) || v > SIZE_MAX / 2)
        {
          m->res.n_waived++;
          return bad (err, "waiver");
        }
      w->exception = (size_t)v;
    }
  return og_reader_at_end (r) ? 0 : bad (err, "bytes after the waivers");
}

static int
parse_payload (og_reader *r, og_hit_memo *m, og_error **err)
{
  size_t n;
  size_t *c = counters (&m->summary, &n);
  uint64_t pc, content;

  if (!get_str (r, OG_SHA256_HEX_LEN, &m->input) || !get_opt (r, &m->manifest_name)
      || !get_opt (r, &m->binds) || (m->binds && strlen (m->binds) != OG_SHA256_HEX_LEN)
      || !get_str (r, OG_SHA256_HEX_LEN, &m->inventory_sha256) || !get_uv (r, &pc) || pc > 1
      || !get_uv (r, &content) || content > 1)
    return bad (err, "header fields");
  m->packages_cached = pc != 0;
  m->content = content != 0;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t v;
      if (!get_uv (r, &v) || v > SIZE_MAX / 2)
        return bad (err, "summary");
      c[i] = (size_t)v;
    }
  return parse_lists (r, m, err);
}

int
og_hit_memo_parse (const uint8_t *data, size_t len, const char *key, og_hit_memo *out,
                   og_error **err)
{
  og_reader r;
  const uint8_t *magic, *k, *sum, *body;
  uint32_t format;
  uint64_t blen;

  memset (out, 0, sizeof *out);
  og_reader_init (&r, data, len);
  if (!og_reader_bytes (&r, 4, &magic) || memcmp (magic, MAGIC, 4) != 0)
    return bad (err, "not a memo (magic)");
  if (!og_reader_u32 (&r, false, &format) || format != OG_HIT_MEMO_FORMAT)
    return bad (err, "another format version");
  if (!og_reader_bytes (&r, OG_SHA256_LEN, &k) || sha256_is (k, key, strlen (key), NULL) <= 0)
    return bad (err, "the memo of another layer stack (key)");
  if (!og_reader_u64 (&r, false, &blen) || !og_reader_bytes (&r, OG_SHA256_LEN, &sum)
      || blen != og_reader_remaining (&r) || !og_reader_bytes (&r, blen, &body))
    return bad (err, "truncated");
  if (sha256_is (sum, body, blen, NULL) <= 0)
    return bad (err, "checksum mismatch");
  og_reader_init (&r, body, blen);
  if (parse_payload (&r, out, err) < 0)
    {
      og_hit_memo_clear (out);
      return -1;
    }
  return 0;
}
