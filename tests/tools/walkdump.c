/* walkdump: open a source and print every entry of a walk, one line each:
   path, type, permissions (octal), uid, gid, size (regular files and
   symlinks, else "-"), nlink (regular files, else "-"), link target,
   security.capability (hex), sha256 of the head, sha256 when computed, layer.
   Usage: walkdump [--sha256] [--platform P] [--image I] [--info] SPEC  */
#include <stdio.h>
#include <string.h>

#include "source/source.h"
#include "base/digest.h"
#include "catalog/pkgdb_paths.h"
#include "source/image/image.h"
#include "base/util.h"

static char
type_char (uint32_t mode)
{
  switch (mode & 0170000)
    {
    case 0100000:
      return 'f';
    case 0040000:
      return 'd';
    case 0120000:
      return 'l';
    case 0020000:
      return 'c';
    case 0060000:
      return 'b';
    case 0010000:
      return 'p';
    case 0140000:
      return 's';
    default:
      return '?';
    }
}

static int
print_entry (const og_entry *e, void *ud OG_UNUSED, og_error **err OG_UNUSED)
{
  char type = type_char (e->mode);
  char cap[2 * OG_CAP_MAX + 1] = "-";
  og_sha256_hex head = "-";
  bool sized = type == 'f' || type == 'l';
  if (e->cap && e->cap_len <= OG_CAP_MAX)
    og_hex (e->cap, e->cap_len, cap);
  if (e->head && og_sha256_hex_of (e->head, e->head_len, head, err) < 0)
    return -1;
  printf ("%s\t%c\t%o\t%u\t%u\t", e->path, type, e->mode & 07777, e->uid, e->gid);
  if (sized)
    printf ("%llu\t", (unsigned long long)e->size);
  else
    printf ("-\t");
  if (type == 'f')
    printf ("%llu\t", (unsigned long long)e->nlink);
  else
    printf ("-\t");
  printf ("%s\t%s\t%s\t%s\t%d\n", e->link_target ? e->link_target : "-", cap, head,
          e->sha256 ? e->sha256 : "-", e->layer);
  return 0;
}

int
main (int argc, char **argv)
{
  og_source_options opts = { .keep = og_pkgdb_keep };
  og_source *s = NULL;
  og_error *err = NULL;
  bool info = false;
  const char *read = NULL;
  int i, r;

  for (i = 1; i < argc - 1; i++)
    {
      if (strcmp (argv[i], "--sha256") == 0)
        opts.digests = OG_DIGESTS_EXEC;
      else if (strcmp (argv[i], "--info") == 0)
        info = true;
      else if (strcmp (argv[i], "--platform") == 0 && i + 1 < argc - 1)
        opts.platform = argv[++i];
      else if (strcmp (argv[i], "--image") == 0 && i + 1 < argc - 1)
        opts.image = argv[++i];
      else if (strcmp (argv[i], "--read") == 0 && i + 1 < argc - 1)
        read = argv[++i];
      else
        break;
    }
  if (i != argc - 1)
    {
      fprintf (stderr, "usage: walkdump [--sha256] [--info] [--platform P] [--image I] "
                       "[--read PATH] SPEC\n");
      return 2;
    }
  r = og_source_open (argv[i], &opts, &s, &err);
  if (r < 0)
    {
      fprintf (stderr, "walkdump: %s\n", err->msg);
      og_error_free (err);
      return 1;
    }
  if (strcmp (s->info.kind, "dir") == 0)
    {
      fprintf (stderr, "walkdump: %s: a plain directory\n", argv[i]);
      og_source_free (s);
      return 3;
    }
  if (info)
    {
      printf ("kind\t%s\npath\t%s\nconfig\t%s\nmanifest\t%s\n", s->info.kind, s->info.path,
              s->info.config_digest ? s->info.config_digest : "-",
              s->info.manifest_digest ? s->info.manifest_digest : "-");
      for (size_t k = 0; k < s->info.n_tags; k++)
        printf ("tag\t%s\n", s->info.tags[k]);
      for (size_t k = 0; k < s->info.n_layers; k++)
        printf ("layer\t%s\n", s->info.layers[k]);
    }
  else if (read)
    {
      uint8_t *data = NULL;
      size_t len = 0;
      r = og_source_read_file (s, read, OG_READ_MAX, &data, &len, &err);
      if (r == 0)
        fwrite (data, 1, len, stdout);
      free (data);
      if (r == 1)
        fprintf (stderr, "walkdump: %s: no such file\n", read);
    }
  else
    r = og_source_walk (s, 0, print_entry, NULL, &err);
  if (r < 0)
    fprintf (stderr, "walkdump: %s\n", err->msg);
  s->ops->free (s);
  og_error_free (err);
  return r == 0 ? 0 : 1;
}
