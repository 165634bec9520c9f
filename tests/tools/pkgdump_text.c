/* pkgdump-text: print what the dpkg and apk readers see, in the shape of the
   real tools' output, so tests can compare with dpkg-query and with what a
   fixture script wrote.  Test-only; not installed.

     pkgdump-text dpkg-status FILE [--files]   FILE = .../var/lib/dpkg/status;
                                               files from FILE's dir info/<pkg>.list or
   <pkg>:<arch>.list and .md5sums pkgdump-text dpkg-statusd DIR [--files]   distroless
   status.d/<name> (+ <name>.md5sums) pkgdump-text apk FILE [--files]           lib/apk/db/installed

   One line per package, in database order:
     deb: Package \t Version \t Architecture \t db:Status-Abbrev \t source:Package \t source:Version
          (the fields of dpkg-query -W; source:Package is the package's own name and
          source:Version its own version when Source does not say, as dpkg-query prints;
          a status.d package with no Status shows as "ii ")
     apk: name \t version \t arch \t license \t origin \t installed-size
   With --files, each package line is followed by one line per file:
     \t path \t algo:hexdigest or - \t octal mode or -  */
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "catalog/pkgdb/pkgdb.h"
#include "base/util.h"

static void
die (const char *what, const char *arg)
{
  fprintf (stderr, "pkgdump-text: %s %s: %s\n", what, arg, strerror (errno));
  exit (1);
}

/* Read a whole file; NULL with errno ENOENT when absent and missing_ok.  */
static uint8_t *
slurp (const char *path, size_t *len, bool missing_ok)
{
  cleanup_close int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  uint8_t *buf;
  size_t got = 0;

  if (fd < 0)
    {
      if (missing_ok && errno == ENOENT)
        return NULL;
      die ("cannot open", path);
    }
  if (fstat (fd, &st) < 0)
    die ("cannot stat", path);
  buf = og_xmalloc ((size_t)st.st_size + 1);
  while (got < (size_t)st.st_size)
    {
      ssize_t r = TEMP_FAILURE_RETRY (read (fd, buf + got, (size_t)st.st_size - got));
      if (r < 0)
        die ("cannot read", path);
      if (r == 0)
        break;
      got += (size_t)r;
    }
  *len = got;
  return buf;
}

static void
fail (og_error *err)
{
  fprintf (stderr, "pkgdump-text: %s\n", err->msg);
  og_error_free (err);
  exit (1);
}

static char
want_char (const char *w, size_t n)
{
  static const char *const names[] = { "unknown", "install", "hold", "deinstall", "purge" };
  static const char chars[] = "uihrp";
  for (size_t i = 0; i < OG_ARRAY_SIZE (names); i++)
    if (strlen (names[i]) == n && strncmp (names[i], w, n) == 0)
      return chars[i];
  return '?';
}

static char
state_char (const char *s)
{
  static const char *const names[]
      = { "not-installed",   "config-files",     "half-installed",   "unpacked",
          "half-configured", "triggers-awaited", "triggers-pending", "installed" };
  static const char chars[] = "ncHUFWti";
  for (size_t i = 0; i < OG_ARRAY_SIZE (names); i++)
    if (strcmp (names[i], s) == 0)
      return chars[i];
  return '?';
}

/* dpkg-query ${db:Status-Abbrev}: want, state, error flag.  */
static void
status_abbrev (const char *status, char out[4])
{
  const char *sp1, *sp2;
  if (status == NULL)
    {
      memcpy (out, "ii ", 4);
      return;
    }
  sp1 = strchr (status, ' ');
  sp2 = sp1 ? strchr (sp1 + 1, ' ') : NULL;
  if (sp1 == NULL || sp2 == NULL)
    {
      memcpy (out, "???", 4);
      return;
    }
  out[0] = want_char (status, (size_t)(sp1 - status));
  out[1] = state_char (sp2 + 1);
  out[2] = og_str_has_prefix (sp1 + 1, "reinstreq") ? 'R' : ' ';
  out[3] = '\0';
}

static void
print_files (const og_package *p)
{
  for (size_t i = 0; i < p->n_files; i++)
    {
      const og_pkg_file *f = &p->files[i];
      putchar ('\t');
      fputs (f->path, stdout);
      putchar ('\t');
      if (f->digest)
        printf ("%s:%s", og_digest_name (p->digest_algo), f->digest);
      else
        putchar ('-');
      if (f->mode)
        printf ("\t%04o\n", f->mode);
      else
        fputs ("\t-\n", stdout);
    }
}

static void
print_deb (const og_package *p, bool files)
{
  cleanup_free char *evr = og_package_evr (p);
  char abbrev[4];
  status_abbrev (p->state, abbrev);
  printf ("%s\t%s\t%s\t%s\t%s\t%s\n", p->name, evr, p->arch ? p->arch : "", abbrev,
          p->source ? p->source : p->name, p->source_version ? p->source_version : evr);
  if (files)
    print_files (p);
}

/* Parse one info file of p if it exists; false when it does not.  */
static bool
load_info (og_package *p, const char *path,
           int (*parse) (const uint8_t *, size_t, const char *, og_package *, og_error **))
{
  og_error *err = NULL;
  size_t len = 0;
  cleanup_free uint8_t *data = slurp (path, &len, true);
  if (data == NULL)
    return false;
  if (parse (data, len, path, p, &err) < 0)
    fail (err);
  return true;
}

/* info/<name>.<ext>, or else info/<name>:<arch>.<ext> (Multi-Arch: same).  */
static void
load_dpkg_info (og_package *p, const char *infodir, const char *ext,
                int (*parse) (const uint8_t *, size_t, const char *, og_package *, og_error **))
{
  cleanup_free char *plain = og_xasprintf ("%s/%s.%s", infodir, p->name, ext);
  cleanup_free char *ma = NULL;
  if (load_info (p, plain, parse) || p->arch == NULL)
    return;
  ma = og_xasprintf ("%s/%s:%s.%s", infodir, p->name, p->arch, ext);
  load_info (p, ma, parse);
}

/* The packages of the database file path, as parse reads them (an error ends
   the program).  */
static void
load_db (const char *path,
         int (*parse) (const uint8_t *, size_t, const char *, og_pkglist *, og_error **),
         og_pkglist *l)
{
  og_error *err = NULL;
  size_t len = 0;
  cleanup_free uint8_t *data = slurp (path, &len, false);
  if (parse (data, len, path, l, &err) < 0)
    fail (err);
}

static int
dump_dpkg_status (const char *file, bool files)
{
  og_pkglist l = { 0 };
  cleanup_free char *dir = og_xstrdup (file);
  cleanup_free char *infodir = NULL;
  char *slash = strrchr (dir, '/');

  if (slash)
    *slash = '\0';
  infodir = og_xasprintf ("%s/info", slash ? dir : ".");
  load_db (file, og_dpkg_status_parse, &l);
  for (size_t i = 0; i < l.n; i++)
    {
      if (files)
        {
          load_dpkg_info (&l.pkgs[i], infodir, "list", og_dpkg_list_parse);
          load_dpkg_info (&l.pkgs[i], infodir, "md5sums", og_dpkg_md5sums_parse);
        }
      print_deb (&l.pkgs[i], files);
    }
  og_pkglist_clear (&l);
  return 0;
}

static bool
is_control_extra (const char *n)
{
  static const char *const exts[]
      = { ".md5sums", ".preinst",  ".postinst", ".prerm",   ".postrm",    ".conffiles",
          ".list",    ".triggers", ".shlibs",   ".symbols", ".templates", ".config" };
  size_t len = strlen (n);
  if (n[0] == '.')
    return true;
  for (size_t i = 0; i < OG_ARRAY_SIZE (exts); i++)
    {
      size_t el = strlen (exts[i]);
      if (len > el && strcmp (n + len - el, exts[i]) == 0)
        return true;
    }
  return false;
}

static int
cmp_names (const void *a, const void *b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

static int
dump_dpkg_statusd (const char *dirpath, bool files)
{
  DIR *d = opendir (dirpath);
  struct dirent *de;
  char **names = NULL;
  size_t n = 0, cap = 0;

  if (d == NULL)
    die ("cannot open directory", dirpath);
  while ((de = readdir (d)) != NULL)
    if (!is_control_extra (de->d_name))
      {
        og_grow (&names, &cap, n + 1, sizeof *names);
        names[n++] = og_xstrdup (de->d_name);
      }
  closedir (d);
  qsort (names, n, sizeof *names, cmp_names);
  for (size_t i = 0; i < n; i++)
    {
      og_pkglist l = { 0 };
      cleanup_free char *path = og_xasprintf ("%s/%s", dirpath, names[i]);
      cleanup_free char *md5 = og_xasprintf ("%s.md5sums", path);

      load_db (path, og_dpkg_statusd_parse, &l);
      for (size_t j = 0; j < l.n; j++)
        {
          if (files)
            load_info (&l.pkgs[j], md5, og_dpkg_md5sums_parse);
          print_deb (&l.pkgs[j], files);
        }
      og_pkglist_clear (&l);
      free (names[i]);
    }
  free (names);
  return 0;
}

static int
dump_apk (const char *file, bool files)
{
  og_pkglist l = { 0 };

  load_db (file, og_apk_installed_parse, &l);
  for (size_t i = 0; i < l.n; i++)
    {
      const og_package *p = &l.pkgs[i];
      printf ("%s\t%s\t%s\t%s\t%s\t%llu\n", p->name, p->version, p->arch ? p->arch : "",
              p->license ? p->license : "", p->source ? p->source : "",
              (unsigned long long)p->size);
      if (files)
        print_files (p);
    }
  og_pkglist_clear (&l);
  return 0;
}

int
main (int argc, char **argv)
{
  bool files = argc == 4 && strcmp (argv[3], "--files") == 0;

  if (argc != 3 && !files)
    {
      fprintf (stderr, "usage: pkgdump-text dpkg-status FILE | dpkg-statusd DIR | apk FILE "
                       "[--files]\n");
      return 2;
    }
  if (strcmp (argv[1], "dpkg-status") == 0)
    return dump_dpkg_status (argv[2], files);
  if (strcmp (argv[1], "dpkg-statusd") == 0)
    return dump_dpkg_statusd (argv[2], files);
  if (strcmp (argv[1], "apk") == 0)
    return dump_apk (argv[2], files);
  fprintf (stderr, "pkgdump-text: unknown mode '%s'\n", argv[1]);
  return 2;
}
