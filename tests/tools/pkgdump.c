/* pkgdump: print what the library parsed from a package database, one TSV
   line per package (or per file with --files), so the integration tests and
   benchmarks can diff it against the real tools.  Test-only, not installed.

     pkgdump rpmdb [--files] FILE
       package lines: name epoch version release arch sourcerpm size license
                      vendor digestalgo nfiles   (absent values as "(none)",
                      as rpm --qf prints them)
       file lines:    path mode(octal) digest    (as rpm's
                      [%{FILENAMES}\t%{FILEMODES:octal}\t%{FILEDIGESTS}\n]) */
#include <fcntl.h>
#include <sys/stat.h>

#include "error.h"
#include "pkgdb/pkgdb.h"
#include "util.h"

static const char *
str (const char *s)
{
  return s ? s : "(none)";
}

static int
slurp (const char *path, uint8_t **data, size_t *len)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  size_t off = 0;

  if (fd < 0 || fstat (fd, &st) < 0)
    return -1;
  *data = og_xmalloc (st.st_size > 0 ? (size_t)st.st_size : 1);
  while (off < (size_t)st.st_size)
    {
      ssize_t n = TEMP_FAILURE_RETRY (read (fd, *data + off, (size_t)st.st_size - off));
      if (n <= 0)
        return -1;
      off += (size_t)n;
    }
  *len = off;
  return 0;
}

static void
print_packages (const og_pkglist *l, bool files, FILE *out)
{
  for (size_t i = 0; i < l->n; i++)
    {
      const og_package *p = &l->pkgs[i];
      if (files)
        {
          for (size_t j = 0; j < p->n_files; j++)
            fprintf (out, "%s\t%o\t%s\n", p->files[j].path, p->files[j].mode,
                     p->files[j].digest ? p->files[j].digest : "");
          continue;
        }
      fprintf (out, "%s\t", str (p->name));
      if (p->has_epoch)
        fprintf (out, "%u\t", p->epoch);
      else
        fputs ("(none)\t", out);
      fprintf (out, "%s\t%s\t%s\t%s\t%llu\t%s\t%s\t", str (p->version), str (p->release),
               str (p->arch), str (p->source), (unsigned long long)p->size, str (p->license),
               str (p->vendor));
      if (p->digest_algo == OG_DIGEST_NONE)
        fputs ("(none)", out);
      else
        fprintf (out, "%d", (int)p->digest_algo);
      fprintf (out, "\t%zu\n", p->n_files);
    }
}

static int
cmd_rpmdb (int argc, char **argv)
{
  cleanup_free uint8_t *data = NULL;
  og_error *err = NULL;
  og_pkglist l = { 0 };
  bool files = false;
  size_t len = 0;
  int i = 0;

  if (i < argc && strcmp (argv[i], "--files") == 0)
    {
      files = true;
      i++;
    }
  if (i + 1 != argc)
    {
      fprintf (stderr, "usage: pkgdump rpmdb [--files] FILE\n");
      return 2;
    }
  if (slurp (argv[i], &data, &len) < 0)
    {
      fprintf (stderr, "pkgdump: %s: %s\n", argv[i], strerror (errno));
      return 1;
    }
  if (og_rpmdb_read (data, len, argv[i], &l, &err) < 0)
    {
      fprintf (stderr, "pkgdump: %s\n", err->msg);
      og_error_free (err);
      return 1;
    }
  print_packages (&l, files, stdout);
  og_pkglist_clear (&l);
  return fflush (stdout) == 0 ? 0 : 1;
}

int
main (int argc, char **argv)
{
  if (argc >= 2 && strcmp (argv[1], "rpmdb") == 0)
    return cmd_rpmdb (argc - 2, argv + 2);
  fprintf (stderr, "usage: pkgdump rpmdb [--files] FILE\n");
  return 2;
}
