/* ocigate audit: query the hook's audit log (ocigate.audit/v1 JSON lines,
   policy/ocigate.audit.schema.json) as ausearch and aureport query auditd's:
   the matching records, or counts of them by decision, image, manifest and
   first finding.  Files are streamed a line at a time (runtime/audit_read.c);
   memory stays bounded whatever the size of the log: one line buffer, and
   for --summary counters capped in keys and key bytes.  */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <libgen.h>
#include <time.h>

#include "base/strmap.h"
#include "base/text.h"
#include "common.h"
#include "json/writer.h"
#include "og-config.h"
#include "policy/glob.h"
#include "policy/hostconfig.h"
#include "runtime/audit_read.h"

#define HOSTCONFIG_DEFAULT OG_SYSCONFDIR "/ocigate/ocigate.json"
/* Caps of one --summary dimension; past them, records count as "other".  */
#define SUMMARY_KEYS_MAX      10000
#define SUMMARY_KEY_BYTES_MAX (4u << 20)
#define ROTATED_MAX           1000

static void
usage (FILE *f)
{
  fprintf (f,
           "Usage: ocigate audit [OPTIONS] [FILE...]\n\n"
           "Query the hook's audit log (ocigate.audit/v1 JSON lines): print the records\n"
           "that match every filter given, or with --summary count them by decision,\n"
           "image, manifest and first finding.\n\n"
           "FILE defaults to the audit file of the host config (" HOSTCONFIG_DEFAULT ").\n"
           "Files are read in the order given; gzip, zstd, xz and bzip2 content is\n"
           "decompressed (found by its magic bytes, whatever the name).  With --rotated,\n"
           "each FILE is a base name and its rotations are read first, oldest first:\n"
           "FILE.N ... FILE.2.gz, FILE.1, then FILE (logrotate's numbered names, with or\n"
           "without a compression suffix).\n\n"
           "Options:\n"
           "  --since TIME         records at or after TIME\n"
           "  --until TIME         records before TIME\n"
           "                       TIME: RFC 3339 (2026-12-01T08:00:00Z), YYYY-MM-DD\n"
           "                       (midnight UTC), or relative to now: -30s -15m -1h -7d -2w\n"
           "  --decision D[,D...]  allow, deny, error-allow, error-deny\n"
           "  --container ID       container ids that start with ID\n"
           "  --image GLOB         image name (image.name, else the image name annotation\n"
           "                       the runtime set) matches GLOB (* ? [..])\n"
           "  --namespace NS       pod namespace (pod.namespace, else the\n"
           "                       io.kubernetes.pod.namespace annotation) is NS\n"
           "  --format FORMAT      table (default) or json: the matching records as they\n"
           "                       are in the file, one a line; with --summary, one\n"
           "                       ocigate.audit-summary/v1 document\n"
           "  --summary            counts instead of records (at most %d distinct keys and\n"
           "                       %u MiB of key text per count; the rest counts as other)\n"
           "  --rotated            read each FILE's rotated files too (see above)\n"
           "  --config FILE        the host config that names the audit file\n"
           "  -h, --help           show this help\n\n"
           "A line that is not a record (not JSON, not UTF-8, no time or decision, longer\n"
           "than %u MiB) is reported on stderr as FILE:LINE and skipped.\n\n"
           "Exit status: 0 some record matched; 1 none did; 2 bad usage, or a file could\n"
           "not be read (the others are still read).\n",
           SUMMARY_KEYS_MAX, SUMMARY_KEY_BYTES_MAX >> 20, OG_AUDIT_LINE_MAX >> 20);
}

/* ---- the query ------------------------------------------------------------ */

typedef struct query
{
  bool since_set, until_set;
  int64_t since, until;
  unsigned decisions; /* bits of og_decision; 0: any */
  const char *container;
  const char *image;
  const char *ns;
} query;

static int
parse_decisions (const char *arg, unsigned *bits)
{
  cleanup_free char *copy = og_xstrdup (arg);
  char *save = NULL;
  static const og_decision all[]
      = { OG_DECISION_ALLOW, OG_DECISION_DENY, OG_DECISION_ERROR_ALLOW, OG_DECISION_ERROR_DENY };
  for (char *t = strtok_r (copy, ",", &save); t; t = strtok_r (NULL, ",", &save))
    {
      size_t i = 0;
      while (i < OG_ARRAY_SIZE (all) && strcmp (t, og_decision_name (all[i])) != 0)
        i++;
      if (i == OG_ARRAY_SIZE (all))
        return -1;
      *bits |= 1u << all[i];
    }
  return *bits ? 0 : -1;
}

static bool
decision_bit (const char *d, unsigned *bit)
{
  static const og_decision all[]
      = { OG_DECISION_ALLOW, OG_DECISION_DENY, OG_DECISION_ERROR_ALLOW, OG_DECISION_ERROR_DENY };
  for (size_t i = 0; i < OG_ARRAY_SIZE (all); i++)
    if (strcmp (d, og_decision_name (all[i])) == 0)
      {
        *bit = 1u << all[i];
        return true;
      }
  return false;
}

/* Does the record match?  A record whose time is not RFC 3339 matches no
   time filter.  */
static bool
matches (const query *q, const og_audit_fields *f)
{
  if (q->decisions)
    {
      unsigned bit;
      if (!decision_bit (og_audit_str_get (f, f->decision), &bit) || !(q->decisions & bit))
        return false;
    }
  if (q->since_set || q->until_set)
    {
      int64_t t;
      if (og_audit_parse_rfc3339 (og_audit_str_get (f, f->time), f->time.len, &t) < 0)
        return false;
      if ((q->since_set && t < q->since) || (q->until_set && t >= q->until))
        return false;
    }
  if (q->container)
    {
      const char *id = og_audit_str_get (f, f->container);
      if (id == NULL || strncmp (id, q->container, strlen (q->container)) != 0)
        return false;
    }
  if (q->image)
    {
      const char *img = og_audit_str_get (f, f->image);
      if (img == NULL || !og_name_glob_match (q->image, img))
        return false;
    }
  if (q->ns)
    {
      const char *ns = og_audit_str_get (f, f->namespace_);
      if (ns == NULL || strcmp (ns, q->ns) != 0)
        return false;
    }
  return true;
}

/* ---- --summary ------------------------------------------------------------ */

typedef struct counter
{
  const char *name; /* "decision", ... */
  og_strmap keys;   /* key -> count, stored in the pointer */
  size_t key_bytes;
  uint64_t none;  /* records without this field */
  uint64_t other; /* records past the caps */
} counter;

enum
{
  C_DECISION,
  C_IMAGE,
  C_MANIFEST,
  C_FIRST,
  C_N
};

static void
count (counter *c, const char *key)
{
  void **v;
  size_t len;
  if (key == NULL)
    {
      c->none++;
      return;
    }
  v = og_strmap_value (&c->keys, key);
  if (v)
    {
      *v = (void *)((uintptr_t)*v + 1);
      return;
    }
  len = strlen (key) + 1;
  if (c->keys.n >= SUMMARY_KEYS_MAX || c->key_bytes + len > SUMMARY_KEY_BYTES_MAX)
    {
      c->other++;
      return;
    }
  c->key_bytes += len;
  og_strmap_put (&c->keys, key, (void *)(uintptr_t)1);
}

static void
count_record (counter *cs, const og_audit_fields *f, og_buf *scratch)
{
  count (&cs[C_DECISION], og_audit_str_get (f, f->decision));
  count (&cs[C_IMAGE], og_audit_str_get (f, f->image));
  count (&cs[C_MANIFEST], og_audit_str_get (f, f->manifest));
  if (f->first_rule.set)
    {
      scratch->len = 0;
      og_buf_puts (scratch, og_audit_str_get (f, f->first_rule));
      og_buf_putc (scratch, ' ');
      og_buf_puts (scratch, f->first_subject.set ? og_audit_str_get (f, f->first_subject) : "");
      count (&cs[C_FIRST], scratch->data);
    }
  else
    count (&cs[C_FIRST], NULL);
}

typedef struct row
{
  const char *key; /* NULL: none */
  uint64_t n;
} row;

static int
row_cmp (const void *a, const void *b)
{
  const row *x = a, *y = b;
  if (x->n != y->n)
    return x->n < y->n ? 1 : -1;
  if (x->key == NULL || y->key == NULL)
    return x->key ? 1 : y->key ? -1 : 0;
  return strcmp (x->key, y->key);
}

/* The rows of a counter, most frequent first.  */
static row *
rows (const counter *c, size_t *n)
{
  row *r = og_xcalloc (c->keys.n + 1, sizeof *r);
  size_t k = 0;
  for (size_t i = 0; i < c->keys.cap; i++)
    if (c->keys.slots[i].key)
      r[k++] = (row){ c->keys.slots[i].key, (uint64_t)(uintptr_t)c->keys.slots[i].value };
  if (c->none)
    r[k++] = (row){ NULL, c->none };
  qsort (r, k, sizeof *r, row_cmp);
  *n = k;
  return r;
}

static void
summary_json (counter *cs, uint64_t records, uint64_t broken)
{
  og_jw g;
  if (og_jw_open_file (&g, stdout, NULL) < 0)
    return;
  yajl_gen_map_open (g.g);
  og_jw_kv (&g, "schema", "ocigate.audit-summary/v1");
  og_jw_kint (&g, "records", (long long)records);
  og_jw_kint (&g, "broken_lines", (long long)broken);
  for (int c = 0; c < C_N; c++)
    {
      size_t n;
      cleanup_free row *r = rows (&cs[c], &n);
      char key[32];
      snprintf (key, sizeof key, "by_%s", cs[c].name);
      og_jw_str (&g, key);
      yajl_gen_array_open (g.g);
      for (size_t i = 0; i < n; i++)
        {
          yajl_gen_map_open (g.g);
          og_jw_kv (&g, "key", r[i].key);
          og_jw_kint (&g, "count", (long long)r[i].n);
          yajl_gen_map_close (g.g);
        }
      yajl_gen_array_close (g.g);
      snprintf (key, sizeof key, "other_%s", cs[c].name);
      if (cs[c].other)
        og_jw_kint (&g, key, (long long)cs[c].other);
    }
  yajl_gen_map_close (g.g);
  og_jw_close (&g, NULL);
}

static void
print_escaped (const char *s, int width)
{
  cleanup_free char *e = og_text_escaped (s ? s : "-");
  printf ("%-*s", width, e);
}

static void
summary_table (counter *cs, uint64_t records, uint64_t broken)
{
  static const char *titles[] = { "Decision", "Image", "Manifest", "First finding" };
  printf ("Records: %" PRIu64 "   broken lines: %" PRIu64 "\n", records, broken);
  for (int c = 0; c < C_N; c++)
    {
      size_t n;
      cleanup_free row *r = rows (&cs[c], &n);
      printf ("\n%8s  %s\n", "COUNT", titles[c]);
      for (size_t i = 0; i < n; i++)
        {
          printf ("%8" PRIu64 "  ", r[i].n);
          print_escaped (r[i].key ? r[i].key : "(none)", 0);
          putchar ('\n');
        }
      if (cs[c].other)
        printf ("%8" PRIu64 "  (other: past %d keys or %u MiB of keys)\n", cs[c].other,
                SUMMARY_KEYS_MAX, SUMMARY_KEY_BYTES_MAX >> 20);
    }
}

/* ---- records -------------------------------------------------------------- */

static void
record_table (const og_audit_fields *f, bool *header)
{
  const char *id = og_audit_str_get (f, f->container);
  char cid[13] = "-";
  if (!*header)
    {
      printf ("%-24s %-11s %-12s %-32s %-20s %8s  %s\n", "TIME", "DECISION", "CONTAINER", "IMAGE",
              "MANIFEST", "FINDINGS", "FIRST FINDING");
      *header = true;
    }
  if (id)
    snprintf (cid, sizeof cid, "%.12s", id);
  print_escaped (og_audit_str_get (f, f->time), 24);
  putchar (' ');
  print_escaped (og_audit_str_get (f, f->decision), 11);
  putchar (' ');
  print_escaped (cid, 12);
  putchar (' ');
  print_escaped (og_audit_str_get (f, f->image), 32);
  putchar (' ');
  print_escaped (og_audit_str_get (f, f->manifest), 20);
  if (f->findings_total >= 0)
    printf (" %8lld  ", f->findings_total);
  else
    printf (" %8s  ", "-");
  if (f->first_rule.set)
    {
      print_escaped (og_audit_str_get (f, f->first_rule), 0);
      putchar (' ');
      print_escaped (og_audit_str_get (f, f->first_subject), 0);
    }
  putchar ('\n');
}

/* ---- files ---------------------------------------------------------------- */

typedef struct run
{
  const query *q;
  bool summary;
  og_format format;
  counter cs[C_N];
  og_audit_fields f;
  og_buf scratch;
  uint64_t matched;
  uint64_t broken;
  bool header;
  bool failed;
} run;

static void
read_file (run *r, const char *path)
{
  og_error *err = NULL;
  cleanup_audit_lines og_audit_lines *l = NULL;
  const char *line;
  size_t len;
  uint64_t no;
  bool too_long;
  int st;

  if (og_audit_lines_open (path, &l, &err) < 0)
    {
      og_cli_fail (OG_EXIT_USAGE, err);
      r->failed = true;
      return;
    }
  while ((st = og_audit_lines_next (l, &line, &len, &no, &too_long, &err)) > 0)
    {
      if (too_long)
        {
          fprintf (stderr, "ocigate audit: %s:%" PRIu64 ": broken line: longer than %u MiB\n", path,
                   no, OG_AUDIT_LINE_MAX >> 20);
          r->broken++;
          continue;
        }
      if (og_audit_parse (line, len, &r->f, &err) < 0)
        {
          fprintf (stderr, "ocigate audit: %s:%" PRIu64 ": broken line: %s\n", path, no, err->msg);
          og_error_free (err);
          err = NULL;
          r->broken++;
          continue;
        }
      if (!matches (r->q, &r->f))
        continue;
      r->matched++;
      if (r->summary)
        count_record (r->cs, &r->f, &r->scratch);
      else if (r->format == OG_FORMAT_JSON)
        {
          fwrite (line, 1, len, stdout);
          putchar ('\n');
        }
      else
        record_table (&r->f, &r->header);
    }
  if (st < 0)
    {
      og_cli_fail (OG_EXIT_USAGE, err);
      r->failed = true;
    }
}

typedef struct rotation
{
  char *path;
  unsigned long n;
} rotation;

static int
rotation_cmp (const void *a, const void *b)
{
  const rotation *x = a, *y = b;
  return x->n < y->n ? 1 : x->n > y->n ? -1 : 0;
}

/* BASE.N and BASE.N.{gz,xz,zst,bz2} beside base, oldest (highest N) first,
   then base itself.  */
static void
read_rotated (run *r, const char *base)
{
  cleanup_free char *d = og_xstrdup (base), *b = og_xstrdup (base);
  const char *dir = dirname (d), *name = basename (b);
  size_t nlen = strlen (name), n = 0;
  rotation rot[ROTATED_MAX];
  DIR *dp = opendir (dir);
  struct dirent *e;
  static const char *suffixes[] = { "", ".gz", ".xz", ".zst", ".bz2" };

  if (dp == NULL)
    {
      fprintf (stderr, "ocigate audit: open directory `%s`: %s\n", dir, strerror (errno));
      r->failed = true;
      return;
    }
  while ((e = readdir (dp)) != NULL && n < ROTATED_MAX)
    {
      char *end;
      if (strncmp (e->d_name, name, nlen) != 0 || e->d_name[nlen] != '.'
          || e->d_name[nlen + 1] < '0' || e->d_name[nlen + 1] > '9')
        continue;
      unsigned long k = strtoul (e->d_name + nlen + 1, &end, 10);
      for (size_t i = 0; i < OG_ARRAY_SIZE (suffixes); i++)
        if (strcmp (end, suffixes[i]) == 0)
          {
            rot[n].n = k;
            rot[n++].path = og_xasprintf ("%s/%s", dir, e->d_name);
            break;
          }
    }
  closedir (dp);
  qsort (rot, n, sizeof *rot, rotation_cmp);
  for (size_t i = 0; i < n; i++)
    {
      read_file (r, rot[i].path);
      free (rot[i].path);
    }
  if (access (base, F_OK) == 0 || n == 0)
    read_file (r, base);
}

static char *
default_file (const char *config)
{
  og_error *err = NULL;
  cleanup_hostconfig og_hostconfig *cfg = NULL;
  cleanup_diags og_diags diags = { 0 };
  if (og_hostconfig_load_file (config, &cfg, &diags, &err) < 0)
    {
      og_cli_fail_load ("ocigate audit: ", &diags, err);
      return NULL;
    }
  if (cfg->audit_file == NULL)
    {
      fprintf (stderr, "ocigate audit: host config `%s` has no audit file; name one as FILE\n",
               config);
      return NULL;
    }
  return og_xstrdup (cfg->audit_file);
}

static int64_t
now_ms (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
take_time (const char *arg, int64_t *ms, bool *set)
{
  og_error *err = NULL;
  if (og_audit_parse_time (arg, now_ms (), ms, &err) < 0)
    {
      int r = og_cli_usage_error ("audit", "%s", err->msg);
      og_error_free (err);
      return r;
    }
  *set = true;
  return OG_CLI_GO_ON;
}

/* What the options of ocigate audit set: the query, and how to run it.  */
typedef struct audit_opts
{
  query q;
  bool summary;
  og_format format;
  const char *config;
  bool rotated;
} audit_opts;

static int
audit_option (int c, const char *arg, void *ctx)
{
  audit_opts *o = ctx;
  switch (c)
    {
    case 'S':
      return take_time (arg, &o->q.since, &o->q.since_set);
    case 'U':
      return take_time (arg, &o->q.until, &o->q.until_set);
    case 'D':
      if (parse_decisions (arg, &o->q.decisions) < 0)
        return og_cli_usage_error ("audit",
                                   "--decision takes allow, deny, error-allow or error-deny "
                                   "(comma-separated), not '%s'",
                                   arg);
      return OG_CLI_GO_ON;
    case 'C':
      o->q.container = arg;
      return OG_CLI_GO_ON;
    case 'I':
      {
        const char *why;
        size_t off;
        if (!og_glob_valid (arg, false, &why, &off))
          return og_cli_usage_error ("audit", "--image '%s': at byte %zu: %s", arg, off + 1, why);
        o->q.image = arg;
      }
      return OG_CLI_GO_ON;
    case 'N':
      o->q.ns = arg;
      return OG_CLI_GO_ON;
    case 'f':
      return og_cli_format_option ("audit", arg, OG_FORMATS_DEFAULT, &o->format);
    case 's':
      o->summary = true;
      return OG_CLI_GO_ON;
    case 'R':
      o->rotated = true;
      return OG_CLI_GO_ON;
    case 'c':
      o->config = arg;
      return OG_CLI_GO_ON;
    default:
      return OG_CLI_NOT_MINE;
    }
}

int
og_cmd_audit (int argc, char **argv)
{
  static const struct option opts[] = {
    { "since", required_argument, NULL, 'S' },
    { "until", required_argument, NULL, 'U' },
    { "decision", required_argument, NULL, 'D' },
    { "container", required_argument, NULL, 'C' },
    { "image", required_argument, NULL, 'I' },
    { "namespace", required_argument, NULL, 'N' },
    { "format", required_argument, NULL, 'f' },
    { "summary", no_argument, NULL, 's' },
    { "rotated", no_argument, NULL, 'R' },
    { "config", required_argument, NULL, 'c' },
    OG_CLI_LONGOPTS_END,
  };
  audit_opts o = { .format = OG_FORMAT_TABLE, .config = HOSTCONFIG_DEFAULT };
  run r = { .q = &o.q };
  cleanup_free char *dflt = NULL;
  int st = og_cli_getopt ("audit", usage, argc, argv, "", opts, audit_option, &o);

  if (st != OG_CLI_GO_ON)
    return st;
  if (o.q.since_set && o.q.until_set && o.q.until <= o.q.since)
    return og_cli_usage_error ("audit", "--until is not after --since");

  static const char *names[C_N] = { "decision", "image", "manifest", "first_finding" };
  for (int i = 0; i < C_N; i++)
    r.cs[i].name = names[i];
  r.summary = o.summary;
  r.format = o.format;
  if (optind == argc)
    {
      dflt = default_file (o.config);
      if (dflt == NULL)
        return OG_EXIT_USAGE;
    }
  for (int i = optind; i < argc || (dflt && i == optind); i++)
    {
      const char *file = i < argc ? argv[i] : dflt;
      if (o.rotated)
        read_rotated (&r, file);
      else
        read_file (&r, file);
    }
  if (r.summary)
    {
      if (r.format == OG_FORMAT_JSON)
        summary_json (r.cs, r.matched, r.broken);
      else
        summary_table (r.cs, r.matched, r.broken);
    }
  for (int i = 0; i < C_N; i++)
    og_strmap_clear (&r.cs[i].keys, NULL);
  og_audit_fields_clear (&r.f);
  og_buf_free (&r.scratch);
  if (fflush (stdout) != 0)
    {
      fprintf (stderr, "ocigate audit: write: %s\n", strerror (errno));
      return OG_EXIT_USAGE;
    }
  if (r.failed)
    return OG_EXIT_USAGE;
  return r.matched ? OG_EXIT_OK : OG_EXIT_DENY;
}
