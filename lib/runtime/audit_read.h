/* Reading audit records back (ocigate audit): the lines of an audit file,
   plain or compressed, with a bounded length, and the fields of one
   ocigate.audit/v1 record that queries look at.  The file is the hook's,
   but any process that can write to it can put anything there, so every
   line is parsed as untrusted bytes.  */
#ifndef OG_AUDIT_READ_H
#define OG_AUDIT_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/error.h"
#include "base/util.h"
#include "runtime/audit.h"

/* The longest line read as a record; a longer one is a broken line.  The
   hook's records stay far below it (200 findings at most).  */
#define OG_AUDIT_LINE_MAX (4u << 20)

/* ---- lines ---------------------------------------------------------------- */

typedef struct og_audit_lines og_audit_lines;

/* Open path (a regular file; gzip, zstd, xz and bzip2 content is found by
   its magic bytes and decompressed).  */
int og_audit_lines_open (const char *path, og_audit_lines **out, og_error **err);
void og_audit_lines_free (og_audit_lines *l);
OG_DEFINE_FREEP (og_audit_lines, og_audit_lines_free)
#define cleanup_audit_lines __attribute__ ((cleanup (og_audit_lines_freep)))

/* The next line without its '\n' (valid until the next call), its number
   (from 1).  *too_long: the line was longer than OG_AUDIT_LINE_MAX and was
   skipped (*len is 0).  Returns 1 for a line, 0 at the end, -1 on a read
   error.  */
int og_audit_lines_next (og_audit_lines *l, const char **line, size_t *len, uint64_t *lineno,
                         bool *too_long, og_error **err);

/* ---- records -------------------------------------------------------------- */

/* A string of the record: [off, off + len) of og_audit_fields.text, or
   absent.  */
typedef struct og_audit_str
{
  size_t off;
  size_t len;
  bool set;
} og_audit_str;

typedef struct og_audit_fields
{
  og_audit_str time;
  og_audit_str decision;
  og_audit_str container; /* container.id */
  /* image.name (the record since image identity), else a string "image",
     else the image name a runtime put in the annotations
     (io.kubernetes.cri-o.ImageName, io.kubernetes.cri.image-name,
     org.opencontainers.image.ref.name, in that order); never the base
     image's annotation */
  og_audit_str image;
  int image_rank; /* which of those it came from: lower wins */
  /* pod.namespace, else io.kubernetes.pod.namespace or
     io.kubernetes.cri.sandbox-namespace */
  og_audit_str namespace_;
  int namespace_rank;
  og_audit_str manifest; /* manifest.name */
  og_audit_str first_rule;
  og_audit_str first_subject;
  long long findings_total; /* -1: absent */
  og_buf text;              /* the strings, decoded */
} og_audit_fields;

void og_audit_fields_clear (og_audit_fields *f);

/* The text of s, NUL-terminated, or NULL when absent.  */
const char *og_audit_str_get (const og_audit_fields *f, og_audit_str s);

/* Parse one line: a JSON object (RFC 8259; strings must be valid UTF-8)
   with string "time" and "decision".  Fills f (cleared first, its buffer
   reused).  An error says what is wrong with the line.  */
int og_audit_parse (const char *line, size_t len, og_audit_fields *f, og_error **err);

/* ---- times ---------------------------------------------------------------- */

/* RFC 3339 (section 5.6: full-date "T" full-time, fractions of a second,
   Z or an offset) to milliseconds since the epoch.  */
int og_audit_parse_rfc3339 (const char *s, size_t len, int64_t *ms);

/* A query's time: RFC 3339, YYYY-MM-DD (midnight UTC), or relative to now
   (-30s, -15m, -1h, -7d, -2w).  */
int og_audit_parse_time (const char *s, int64_t now_ms, int64_t *ms, og_error **err);

#endif
