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
#include <sys/mman.h>
#include <sys/stat.h>

#include "base/error.h"
#include "catalog/pkgdb/pkgdb.h"
#include "base/util.h"

static const char *
str (const char *s)
{
  return s ? s : "(none)";
}

/* Map the whole file read-only (the library only ever sees bytes).  */
static int
map_file (const char *path, uint8_t **data, size_t *len)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  void *p;

  if (fd < 0 || fstat (fd, &st) < 0)
    return -1;
  *len = (size_t)st.st_size;
  if (*len == 0)
    {
      *data = NULL;
      return 0;
    }
  p = mmap (NULL, *len, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
  if (p == MAP_FAILED)
    return -1;
  *data = p;
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
            {
              fputs (p->files[j].path, out);
              fprintf (out, "\t%o\t", p->files[j].mode);
              if (p->files[j].digest)
                fputs (p->files[j].digest, out);
              putc ('\n', out);
            }
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
  uint8_t *data = NULL;
  og_error *err = NULL;
  og_pkglist l = { 0 };
  bool files = false;
  size_t len = 0;
  int i = 0, ret;

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
  if (map_file (argv[i], &data, &len) < 0)
    {
      fprintf (stderr, "pkgdump: %s: %s\n", argv[i], strerror (errno));
      return 1;
    }
  setvbuf (stdout, NULL, _IOFBF, 1 << 16);
  ret = og_rpmdb_read (data, len, argv[i], &l, &err);
  if (data)
    munmap (data, len);
  if (ret < 0)
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
