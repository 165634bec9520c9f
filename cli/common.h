/* What every verb of the ocigate command shares: the SOURCE options, the
   "build the inventory, write it" of the verbs that print one, how errors
   and diagnostics are shown, exit codes.  */
#ifndef OG_CLI_COMMON_H
#define OG_CLI_COMMON_H

#include <getopt.h>

#include "base/error.h"
#include "base/util.h"
#include "catalog/inventory.h"
#include "json/doc.h"
#include "source/source.h"

/* What every verb's --help says about SOURCE.  */
#define OG_CLI_SOURCE_HELP                                                                         \
  "SOURCE is a root filesystem directory, or an image: docker-archive:PATH,\n"                     \
  "oci-archive:PATH, oci:DIR[:TAG] or containers-storage:[DRIVER@ROOT]NAME (an\n"                  \
  "image of podman's or CRI-O's local storage; the names skopeo and podman use);\n"                \
  "without a prefix the kind is found from the content.  Images are read without\n"                \
  "a daemon and without extracting anything to disk.\n\n"

/* The options every verb that reads a SOURCE takes (getopt_long entries,
   their --help lines, and their handling).  */
#define OG_CLI_SOURCE_LONGOPTS                                                                     \
  { "cross-mounts", no_argument, NULL, 'x' }, { "platform", required_argument, NULL, 'p' },        \
      { "image", required_argument, NULL, 'i' },                                                   \
  {                                                                                                \
    "quiet", no_argument, NULL, 'Q'                                                                \
  }
#define OG_CLI_SOURCE_OPTIONS_HELP                                                                 \
  "  --cross-mounts       descend into directories on other filesystems\n"                         \
  "  --platform OS/ARCH[/VARIANT]\n"                                                               \
  "                       pick one image of a multi-platform index (default:\n"                    \
  "                       this host's platform, or the only one)\n"                                \
  "  --image NAME|INDEX   pick one image of an archive that holds several\n"                       \
  "  --quiet              no progress line while a large image is read (it is shown\n"             \
  "                       only when standard error is a terminal)\n"

/* Exit codes that scripts can rely on.  */
enum
{
  OG_EXIT_OK = 0,
  OG_EXIT_DENY = 1,    /* check: the manifest denies the source */
  OG_EXIT_USAGE = 2,   /* bad usage, unreadable input, manifest errors */
  OG_EXIT_INSPECT = 3, /* check: the source cannot be inspected */
};

/* A verb: argv[0] is the verb's name.  Returns the exit code.  */
typedef int (*og_verb_fn) (int argc, char **argv);

int og_cmd_inventory (int argc, char **argv);
int og_cmd_files (int argc, char **argv);
int og_cmd_check (int argc, char **argv);
int og_cmd_manifest (int argc, char **argv);
int og_cmd_install (int argc, char **argv);
int og_cmd_why (int argc, char **argv);
int og_cmd_slim (int argc, char **argv);
int og_cmd_diff (int argc, char **argv);
int og_cmd_verify (int argc, char **argv);
int og_cmd_audit (int argc, char **argv);
int og_cmd_doctor (int argc, char **argv);

/* Print "ocigate: MSG" (and free err); return code.  */
int og_cli_fail (int code, og_error *err);
int og_cli_usage_error (const char *verb, const char *fmt, ...)
    __attribute__ ((format (printf, 2, 3)));

typedef enum og_format
{
  OG_FORMAT_TABLE,
  OG_FORMAT_JSON,
  OG_FORMAT_MARKDOWN,
  OG_FORMAT_SPDX,
  OG_FORMAT_CYCLONEDX,
} og_format;
#define OG_FORMAT_BIT(f)   (1u << (f))
#define OG_FORMATS_DEFAULT (OG_FORMAT_BIT (OG_FORMAT_TABLE) | OG_FORMAT_BIT (OG_FORMAT_JSON))

/* --output FILE / -o FILE, for the verbs that write a document: add the
   entry to the verb's options and "o:" to its short options.  */
/* The options more than one verb takes, each with the same letter, and the
   end of every verb's table: --help and the terminator getopt_long wants.  */
#define OG_CLI_FORMAT_LONGOPT                                                                      \
  {                                                                                                \
    "format", required_argument, NULL, 'f'                                                         \
  }
#define OG_CLI_DIGESTS_LONGOPT                                                                     \
  {                                                                                                \
    "digests", no_argument, NULL, 'd'                                                              \
  }
#define OG_CLI_LONGOPTS_END                                                                        \
  { "help", no_argument, NULL, 'h' },                                                              \
  {                                                                                                \
    NULL, 0, NULL, 0                                                                               \
  }
#define OG_CLI_OUTPUT_LONGOPT                                                                      \
  {                                                                                                \
    "output", required_argument, NULL, 'o'                                                         \
  }
#define OG_CLI_OUTPUT_HELP                                                                         \
  "  -o, --output FILE    write the document to FILE (atomically: a temporary file\n"              \
  "                       renamed over FILE) instead of standard output\n"

/* Write a document: fn to stdout, or, with output set (and not "-"), into
   memory and then atomically to that file.  */
typedef int (*og_cli_emit_fn) (const void *ctx, FILE *out, og_error **err);
int og_cli_emit (const char *output, og_cli_emit_fn fn, const void *ctx, og_error **err);

/* Open SOURCE and build its inventory; errors name the source.  *opened
   (may be NULL) says whether SOURCE was opened, so that a caller can tell a
   source it cannot open from content it cannot inspect.  */
int og_cli_build_inventory (const char *spec, const og_source_options *opts, unsigned flags,
                            og_inventory *inv, bool *opened, og_error **err);

/* Handle one of OG_CLI_SOURCE_LONGOPTS; false when c is none of them.  */
bool og_cli_source_option (int c, const char *arg, og_source_options *sopts, unsigned *flags);

/* The arguments of a verb that reads a SOURCE.  */
typedef struct og_cli_args
{
  const char *verb;        /* "inventory", "manifest generate" */
  void (*usage) (FILE *f); /* its --help */
  bool takes_format;       /* --format ('f'), one of formats */
  unsigned formats;        /* OG_FORMAT_BIT()s the verb writes; 0: OG_FORMATS_DEFAULT */
  og_format format;        /* OG_FORMAT_TABLE unless --format says otherwise */
  bool takes_output;       /* --output/-o ('o') */
  const char *output;      /* NULL: standard output */
  og_source_options sopts; /* OG_CLI_SOURCE_LONGOPTS */
  unsigned flags;          /* OG_INV_* */
  const char *source;      /* the one SOURCE operand */
} og_cli_args;

/* What an option handler returns when it took the option, and when the
   option is not its own.  Anything else is an exit code.  */
#define OG_CLI_GO_ON    (-1)
#define OG_CLI_NOT_MINE (-2)

/* One option of a verb: c as getopt_long returns it, arg its value (or
   NULL); ctx is the verb's.  Returns OG_CLI_GO_ON, OG_CLI_NOT_MINE for a c
   it does not know, or the exit code.  */
typedef int (*og_cli_getopt_fn) (int c, const char *arg, void *ctx);

/* The getopt_long loop of every verb: the options of argv, from argv[1],
   each through fn, but -h/--help (usage on stdout, then exit 0) and a bad
   option (unknown, ambiguous, or missing its value: one message that names
   it, exit 2), which are answered here.  shortopts are the verb's own
   letters ('h' is added here); longopts end with OG_CLI_LONGOPTS_END.
   Returns OG_CLI_GO_ON, with optind at the first operand, or the exit code
   for the verb to return.  */
int og_cli_getopt (const char *verb, void (*usage) (FILE *f), int argc, char **argv,
                   const char *shortopts, const struct option *longopts, og_cli_getopt_fn fn,
                   void *ctx);

/* A verb's own options; ctx is the verb's.  */
typedef int (*og_cli_option_fn) (og_cli_args *a, int c, const char *arg, void *ctx);

/* Parse the options of argv: the verb's own (longopts, to { NULL }: only
   its own, the shared ones are added here) through own (may be NULL), then
   the shared ones (--format and --output when the verb takes them,
   --digests when its longopts list OG_CLI_DIGESTS_LONGOPT, the SOURCE
   options, -h/--help), with og_cli_getopt; shortopts as there.  Returns
   OG_CLI_GO_ON, or the exit code for the verb to return (help shown, or a
   usage error printed).  */
int og_cli_parse_options (og_cli_args *a, int argc, char **argv, const char *shortopts,
                          const struct option *longopts, og_cli_option_fn own, void *ctx);
/* The one SOURCE operand after the options, into a->source: OG_CLI_GO_ON,
   or the exit code after a usage error.  */
int og_cli_take_source (og_cli_args *a, int argc, char **argv);
/* Both.  */
int og_cli_parse (og_cli_args *a, int argc, char **argv, const char *shortopts,
                  const struct option *longopts, og_cli_option_fn own, void *ctx);

/* Write an inventory to out (stdout); ctx is the verb's.  */
typedef int (*og_cli_write_fn) (const og_inventory *inv, const void *ctx, FILE *out,
                                og_error **err);

/* The tail of a verb that prints what a SOURCE holds: its inventory,
   written by writer.  Returns the exit code.  */
int og_cli_write_inventory (const og_cli_args *a, og_cli_write_fn writer, const void *ctx);

/* Print diagnostics (file:line:column: what is expected), one a line on
   stderr, each after prefix.  */
void og_cli_print_diags (const char *prefix, const og_diags *d);
/* A file that did not load: its diagnostics, each after prefix, or, when
   it has none, err as og_cli_fail prints it.  Frees err; returns
   OG_EXIT_USAGE.  */
int og_cli_fail_load (const char *prefix, const og_diags *d, og_error *err);

/* Parse "json" / "table" / "markdown" / "spdx" / "cyclonedx"; returns -1
   for anything else.  */
int og_cli_parse_format (const char *s, og_format *out);
const char *og_cli_format_name (og_format f);
/* --format ARG of verb, one of formats (OG_FORMAT_BIT()s), into *out:
   OG_CLI_GO_ON, or the usage error's exit code ("--format must be json or
   table, not 'x'").  */
int og_cli_format_option (const char *verb, const char *arg, unsigned formats, og_format *out);

#endif
