/* ocigate: the offline command.  One file per verb; this one dispatches.  */
#include <getopt.h>

#include "common.h"
#include "og-config.h"

static const struct
{
  const char *name;
  og_verb_fn fn;
  const char *summary;
} verbs[] = {
  { "inventory", og_cmd_inventory, "packages and executables of a root filesystem or image" },
  { "files", og_cmd_files, "every file, with type, mode, owner and owning package" },
  { "diff", og_cmd_diff, "what differs between two sources: packages, executables, files" },
  { "check", og_cmd_check, "compare a source with an allowed-content manifest" },
  { "manifest", og_cmd_manifest, "generate or lint allowed-content manifests" },
  { "why", og_cmd_why, "what keeps a package or a file in the image (its dependency chains)" },
  { "verify", og_cmd_verify, "packaged files checked against their package databases" },
  { "slim", og_cmd_slim, "what could go: leaf packages, and what a --keep set leaves out" },
  { "audit", og_cmd_audit, "query the hook's audit log: matching records, or counts" },
  { "install", og_cmd_install, "register ocigate-hook in a hooks.d directory or an OCI bundle" },
  { "doctor", og_cmd_doctor, "check that this node is ready to run the hook (ok / warn / FAIL)" },
};

static void
usage (FILE *f)
{
  fprintf (f, "Usage: ocigate VERB [OPTIONS] SOURCE\n"
              "       ocigate audit [OPTIONS] [FILE...]\n"
              "       ocigate --help | --version\n\n"
              "Launch-time content control for Linux containers: inventory the OS packages\n"
              "and executables of a container root filesystem.\n\n"
              "Verbs:\n");
  for (size_t i = 0; i < OG_ARRAY_SIZE (verbs); i++)
    fprintf (f, "  %-10s %s\n", verbs[i].name, verbs[i].summary);
  fprintf (f, "\nSOURCE is a root filesystem directory or an image (docker-archive:PATH,\n"
              "oci-archive:PATH, oci:DIR[:TAG], containers-storage:[DRIVER@ROOT]NAME).\n"
              "Run 'ocigate VERB --help' for the options of a verb.\n\n"
              "Exit status: 0 success; 1 denied (check), different (diff), modified or\n"
              "missing files (verify), no matching record (audit); 2 bad usage or\n"
              "unreadable input; 3 the source cannot be inspected (check); doctor: 1 a\n"
              "check failed.\n");
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      usage (stderr);
      return OG_EXIT_USAGE;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      usage (stdout);
      return OG_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("ocigate %s\n", OG_VERSION);
      return OG_EXIT_OK;
    }
  for (size_t i = 0; i < OG_ARRAY_SIZE (verbs); i++)
    if (strcmp (argv[1], verbs[i].name) == 0)
      return verbs[i].fn (argc - 1, argv + 1);
  fprintf (stderr, "ocigate: unknown verb '%s'; run 'ocigate --help' for the list\n", argv[1]);
  return OG_EXIT_USAGE;
}
