/* What the verbs of ocigate share (see common.h).  */
#include <getopt.h>

#include "common.h"
#include "catalog/build.h"
#include "catalog/pkgdb_paths.h"
#include "base/fileio.h"
#include "progress.h"

int
og_cli_fail (int code, og_error *err)
{
  fprintf (stderr, "ocigate: %s\n", err && err->msg ? err->msg : "unknown error");
  og_error_free (err);
  return code;
}

int
og_cli_usage_error (const char *verb, const char *fmt, ...)
{
  va_list ap;
  fprintf (stderr, "ocigate %s: ", verb);
  va_start (ap, fmt);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fprintf (stderr, "\nRun 'ocigate %s --help' for usage.\n", verb);
  return OG_EXIT_USAGE;
}

/* In the order the messages list them.  */
static const og_format all_formats[] = {
  OG_FORMAT_JSON, OG_FORMAT_TABLE, OG_FORMAT_MARKDOWN, OG_FORMAT_SPDX, OG_FORMAT_CYCLONEDX,
};

const char *
og_cli_format_name (og_format f)
{
  switch (f)
    {
    case OG_FORMAT_TABLE:
      return "table";
    case OG_FORMAT_JSON:
      return "json";
    case OG_FORMAT_MARKDOWN:
      return "markdown";
    case OG_FORMAT_SPDX:
      return "spdx";
    case OG_FORMAT_CYCLONEDX:
      return "cyclonedx";
    default:
      return "?";
    }
}

int
og_cli_parse_format (const char *s, og_format *out)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (all_formats); i++)
    if (strcmp (s, og_cli_format_name (all_formats[i])) == 0)
      {
        *out = all_formats[i];
        return 0;
      }
  return -1;
}

/* "json or table", "json, table or markdown": what --format takes here.  */
static char *
formats_text (unsigned formats)
{
  og_buf b = { 0 };
  size_t n = 0, k = 0;
  for (size_t i = 0; i < OG_ARRAY_SIZE (all_formats); i++)
    n += (formats & OG_FORMAT_BIT (all_formats[i])) != 0;
  for (size_t i = 0; i < OG_ARRAY_SIZE (all_formats); i++)
    if (formats & OG_FORMAT_BIT (all_formats[i]))
      {
        k++;
        og_buf_printf (&b, "%s%s",
                       k == 1   ? ""
                       : k == n ? " or "
                                : ", ",
                       og_cli_format_name (all_formats[i]));
      }
  return og_buf_steal (&b);
}

int
og_cli_format_option (const char *verb, const char *arg, unsigned formats, og_format *out)
{
  og_format f;
  if (og_cli_parse_format (arg, &f) < 0 || !(formats & OG_FORMAT_BIT (f)))
    {
      cleanup_free char *names = formats_text (formats);
      return og_cli_usage_error (verb, "--format must be %s, not '%s'", names, arg);
    }
  *out = f;
  return OG_CLI_GO_ON;
}

static int
parse_format_option (og_cli_args *a, const char *arg)
{
  return og_cli_format_option (a->verb, arg, a->formats ? a->formats : OG_FORMATS_DEFAULT,
                               &a->format);
}

int
og_cli_emit (const char *output, og_cli_emit_fn fn, const void *ctx, og_error **err)
{
  cleanup_free char *data = NULL;
  size_t len = 0;
  FILE *m;

  if (output == NULL || strcmp (output, "-") == 0)
    return fn (ctx, stdout, err);
  m = open_memstream (&data, &len);
  if (m == NULL)
    return og_error_set (err, errno, "open a memory stream for %s", output);
  if (fn (ctx, m, err) < 0)
    {
      fclose (m);
      return -1;
    }
  if (fclose (m) != 0)
    return og_error_set (err, errno, "write %s", output);
  return og_write_atomic (output, data, len, 0644, NULL, err);
}

/* --quiet: one setting of the process, as stderr is one.  */
static bool cli_quiet;

bool
og_cli_source_option (int c, const char *arg, og_source_options *sopts, unsigned *flags)
{
  switch (c)
    {
    case 'x':
      *flags |= OG_INV_CROSS_MOUNTS;
      return true;
    case 'p':
      sopts->platform = arg;
      return true;
    case 'i':
      sopts->image = arg;
      return true;
    case 'Q':
      cli_quiet = true;
      return true;
    default:
      return false;
    }
}

/* The options every verb that reads a SOURCE shares.  */
static int
common_option (og_cli_args *a, int c, const char *arg)
{
  if (og_cli_source_option (c, arg, &a->sopts, &a->flags))
    return OG_CLI_GO_ON;
  if (c == 'f' && a->takes_format)
    return parse_format_option (a, arg);
  if (c == 'o' && a->takes_output)
    {
      a->output = arg;
      return OG_CLI_GO_ON;
    }
  if (c == 'd') /* in the options of a verb that takes it */
    {
      a->sopts.digests = OG_DIGESTS_EXEC;
      return OG_CLI_GO_ON;
    }
  return OG_CLI_NOT_MINE;
}

/* The verb's own long options, then the shared ones its arguments take, in
   the order of the ambiguity list getopt_long prints for an abbreviation
   (the verb's, --format, --output, the SOURCE options, --help).  */
static void
all_longopts (const og_cli_args *a, const struct option *own, struct option *out, size_t cap)
{
  static const struct option format[] = { OG_CLI_FORMAT_LONGOPT };
  static const struct option output[] = { OG_CLI_OUTPUT_LONGOPT };
  static const struct option shared[] = { OG_CLI_SOURCE_LONGOPTS, OG_CLI_LONGOPTS_END };
  size_t n = 0;

  /* A verb with more options than out holds is a programming error: stop
     rather than write past out (a check that NDEBUG does not remove).  */
  for (; own != NULL && own->name != NULL; own++)
    {
      if (n + 2 + OG_ARRAY_SIZE (shared) >= cap)
        abort ();
      out[n++] = *own;
    }
  if (a->takes_format)
    out[n++] = format[0];
  if (a->takes_output)
    out[n++] = output[0];
  for (size_t i = 0; i < OG_ARRAY_SIZE (shared); i++)
    out[n++] = shared[i];
}

/* How many of opts a long option "--NAME" or "--NAME=..." (as written in
   arg) abbreviates.  */
static size_t
long_matches (const struct option *opts, const char *arg)
{
  size_t n = 0, len;
  if (strncmp (arg, "--", 2) != 0)
    return 0;
  arg += 2;
  len = strcspn (arg, "=");
  for (; opts->name; opts++)
    {
      if (strlen (opts->name) == len && strncmp (opts->name, arg, len) == 0)
        return 1; /* exact */
      n += strncmp (opts->name, arg, len) == 0;
    }
  return n;
}

/* After getopt_long returned '?' or ':' (with opterr 0 and ':' leading the
   short options): one message that names the option and what is wrong
   with it (unknown, ambiguous, or missing its value).  Returns
   OG_EXIT_USAGE.  */
static int
bad_option (const char *verb, const struct option *opts, int c, char **argv)
{
  const char *arg = argv[optind - 1];
  char shortname[3] = { '-', (char)optopt, '\0' };
  const char *name = optopt && arg[0] == '-' && arg[1] != '-' ? shortname : arg;

  if (c == ':')
    return og_cli_usage_error (verb, "option '%s' needs a value", name);
  if (optopt == 0 && long_matches (opts, arg) > 1)
    return og_cli_usage_error (verb, "option '%s' is ambiguous: write it out whole", arg);
  return og_cli_usage_error (verb, "unknown option '%s'", name);
}

int
og_cli_getopt (const char *verb, void (*usage) (FILE *f), int argc, char **argv,
               const char *shortopts, const struct option *longopts, og_cli_getopt_fn fn, void *ctx)
{
  /* ':' first: getopt_long prints nothing and tells a missing value (':')
     from an unknown option ('?'), and one message names it.  */
  cleanup_free char *quiet = og_xasprintf (":h%s", shortopts);
  int c, r;

  optind = 1;
  opterr = 0;
  while ((c = getopt_long (argc, argv, quiet, longopts, NULL)) != -1)
    {
      if (c == '?' || c == ':')
        return bad_option (verb, longopts, c, argv);
      if (c == 'h')
        {
          usage (stdout);
          return OG_EXIT_OK;
        }
      r = fn (c, optarg, ctx);
      if (r == OG_CLI_NOT_MINE) /* in longopts, but no one's */
        return og_cli_usage_error (verb, "unknown option");
      if (r != OG_CLI_GO_ON)
        return r;
    }
  return OG_CLI_GO_ON;
}

/* og_cli_parse_options's handler: the verb's own options, then the shared
   ones.  */
typedef struct args_parse
{
  og_cli_args *a;
  og_cli_option_fn own;
  void *ctx;
} args_parse;

static int
args_option (int c, const char *arg, void *ctx)
{
  const args_parse *p = ctx;
  int r = p->own ? p->own (p->a, c, arg, p->ctx) : OG_CLI_NOT_MINE;
  return r == OG_CLI_NOT_MINE ? common_option (p->a, c, arg) : r;
}

int
og_cli_parse_options (og_cli_args *a, int argc, char **argv, const char *shortopts,
                      const struct option *longopts, og_cli_option_fn own, void *ctx)
{
  struct option all[32];
  args_parse p = { .a = a, .own = own, .ctx = ctx };

  all_longopts (a, longopts, all, OG_ARRAY_SIZE (all));
  return og_cli_getopt (a->verb, a->usage, argc, argv, shortopts, all, args_option, &p);
}

int
og_cli_take_source (og_cli_args *a, int argc, char **argv)
{
  if (argc - optind != 1)
    return og_cli_usage_error (a->verb, "expected exactly one SOURCE");
  a->source = argv[optind];
  return OG_CLI_GO_ON;
}

int
og_cli_parse (og_cli_args *a, int argc, char **argv, const char *shortopts,
              const struct option *longopts, og_cli_option_fn own, void *ctx)
{
  int r = og_cli_parse_options (a, argc, argv, shortopts, longopts, own, ctx);
  return r == OG_CLI_GO_ON ? og_cli_take_source (a, argc, argv) : r;
}

/* A root with neither a package database nor an os-release is most often
   the wrong directory (a bundle, a layer, the parent of the root): its
   inventory would be empty of packages and say "OS unknown", which must not
   pass for a verdict on a real root.  */
static void
warn_empty_root (const char *spec, const og_inventory *inv)
{
  const og_osrelease *os = &inv->os;
  if (inv->n_dbs > 0 || os->id || os->name || os->pretty_name || os->version_id)
    return;
  fprintf (stderr,
           "ocigate: warning: %s holds no package database and no os-release, so no package "
           "can be known; give the container's root filesystem (the directory that holds etc/ "
           "and usr/) or an image, or require a database in the manifest "
           "(packages.database \"required\")\n",
           spec);
}

/* The source layer names what it opens (the directory, the archive); what
   goes wrong while the inventory is built is about an entry, and the
   SOURCE is put in front of it.  */
int
og_cli_build_inventory (const char *spec, const og_source_options *opts, unsigned flags,
                        og_inventory *inv, bool *opened, og_error **err)
{
  og_source_options o = *opts;
  cleanup_source og_source *src = NULL;
  og_progress *progress;
  int r;

  o.keep = og_pkgdb_keep; /* an image keeps what the catalog reads */
  progress = og_progress_start (spec, cli_quiet);
  r = og_source_open (spec, &o, &src, err);
  if (r < 0)
    {
      og_progress_stop (progress);
      return -1;
    }
  og_progress_opened (progress);
  if (opened)
    *opened = true;
  /* The tables name owners: the CLI reads the tree's accounts.  */
  r = og_inventory_build (src, flags | OG_INV_ACCOUNTS, inv, err);
  og_progress_stop (progress); /* before any message */
  if (r < 0)
    {
      og_error_prefix (err, "%s", spec);
      return -1;
    }
  warn_empty_root (spec, inv);
  return 0;
}

typedef struct inventory_doc
{
  const og_inventory *inv;
  og_cli_write_fn writer;
  const void *ctx;
} inventory_doc;

static int
emit_inventory (const void *ctx, FILE *out, og_error **err)
{
  const inventory_doc *d = ctx;
  return d->writer (d->inv, d->ctx, out, err);
}

int
og_cli_write_inventory (const og_cli_args *a, og_cli_write_fn writer, const void *ctx)
{
  cleanup_inventory og_inventory inv = { 0 };
  inventory_doc doc = { .inv = &inv, .writer = writer, .ctx = ctx };
  og_error *err = NULL;

  if (og_cli_build_inventory (a->source, &a->sopts, a->flags, &inv, NULL, &err) < 0
      || og_cli_emit (a->output, emit_inventory, &doc, &err) < 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  return OG_EXIT_OK;
}

void
og_cli_print_diags (const char *prefix, const og_diags *d)
{
  for (size_t i = 0; i < d->n; i++)
    {
      cleanup_free char *s = og_diag_format (d, i);
      fprintf (stderr, "%s%s\n", prefix, s);
    }
}

int
og_cli_fail_load (const char *prefix, const og_diags *d, og_error *err)
{
  /* the diagnostics say it at file:line:column; the error repeats them */
  if (d->n == 0)
    return og_cli_fail (OG_EXIT_USAGE, err);
  og_cli_print_diags (prefix, d);
  og_error_free (err);
  return OG_EXIT_USAGE;
}
