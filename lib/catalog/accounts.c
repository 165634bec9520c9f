/* passwd(5) and group(5) parser: one entry a line, fields separated by
   ':', the name first and the numeric id third (shadow-utils lib/pwio.c and
   lib/groupio.c write them so; glibc nss_files reads them so).  Lines that
   start with '+' or '-' (NIS compat) and comments are not entries.  */
#include <stdlib.h>

#include "base/reader.h"
#include "base/util.h"
#include "catalog/accounts.h"

/* The numeric field f[0..n): a decimal uint32, or false.  */
static bool
parse_id (const char *f, size_t n, uint32_t *out)
{
  uint64_t v = 0;
  if (n == 0 || n > 10)
    return false;
  for (size_t i = 0; i < n; i++)
    {
      if (f[i] < '0' || f[i] > '9')
        return false;
      v = v * 10 + (uint64_t)(f[i] - '0');
    }
  if (v > UINT32_MAX)
    return false;
  *out = (uint32_t)v;
  return true;
}

/* One line: name and id, or false.  */
static bool
parse_line (const char *line, size_t n, const char **name, size_t *name_len, uint32_t *id)
{
  const char *f[3];
  size_t start = 0, k = 0, len[3];

  if (n == 0 || line[0] == '#' || line[0] == '+' || line[0] == '-')
    return false;
  for (size_t i = 0; i <= n && k < 3; i++)
    if (i == n || line[i] == ':')
      {
        f[k] = line + start;
        len[k++] = i - start;
        start = i + 1;
      }
  if (k < 3 || len[0] == 0)
    return false;
  for (size_t i = 0; i < len[0]; i++)
    if ((unsigned char)f[0][i] < 0x21 || f[0][i] == 0x7f)
      return false; /* a name a table can print on one line */
  *name = f[0];
  *name_len = len[0];
  return parse_id (f[2], len[2], id);
}

static int
cmp_id (const void *a, const void *b)
{
  const og_idname *x = a, *y = b;
  return x->id < y->id ? -1 : x->id > y->id;
}

/* An entry and its line, so that the first line of an id is kept.  */
typedef struct numbered
{
  og_idname e;
  size_t line;
} numbered;

static int
cmp_numbered (const void *a, const void *b)
{
  const numbered *x = a, *y = b;
  int c = cmp_id (&x->e, &y->e);
  return c ? c : x->line < y->line ? -1 : x->line > y->line;
}

void
og_idnames_parse (const uint8_t *data, size_t len, og_idnames *out)
{
  cleanup_free numbered *v = NULL;
  og_reader r;
  const char *line, *name;
  size_t n, name_len, cap = 0, count = 0;
  uint32_t id;

  og_idnames_clear (out);
  og_reader_init (&r, data, len);
  while (count < OG_ACCOUNTS_MAX && !og_reader_at_end (&r))
    {
      if (!og_reader_line (&r, OG_ACCOUNTS_LINE_MAX, &line, &n))
        {
          /* Longer than the cap: skip to the next line.  */
          const uint8_t *p;
          while (og_reader_bytes (&r, 1, &p) && *p != '\n')
            ;
          continue;
        }
      if (!parse_line (line, n, &name, &name_len, &id))
        continue;
      og_grow (&v, &cap, count + 1, sizeof *v);
      v[count] = (numbered){ { id, og_xstrndup (name, name_len) }, count };
      count++;
    }
  if (count == 0)
    return;
  qsort (v, count, sizeof *v, cmp_numbered);
  out->v = og_xcalloc (count, sizeof *out->v);
  for (size_t i = 0; i < count; i++)
    if (out->n > 0 && out->v[out->n - 1].id == v[i].e.id)
      free (v[i].e.name); /* a later line of the same id */
    else
      out->v[out->n++] = v[i].e;
}

const char *
og_idnames_find (const og_idnames *names, uint32_t id)
{
  og_idname key = { .id = id };
  const og_idname *e
      = names->n ? bsearch (&key, names->v, names->n, sizeof *names->v, cmp_id) : NULL;
  return e ? e->name : NULL;
}

void
og_idnames_clear (og_idnames *names)
{
  for (size_t i = 0; i < names->n; i++)
    free (names->v[i].name);
  free (names->v);
  names->v = NULL;
  names->n = 0;
}

void
og_owner_format (og_buf *b, const og_idnames *users, const og_idnames *groups, uint32_t uid,
                 uint32_t gid)
{
  const char *user = og_idnames_find (users, uid);
  const char *group = og_idnames_find (groups, gid);

  og_buf_printf (b, "%u:%u", uid, gid);
  if (user == NULL && group == NULL)
    return;
  og_buf_puts (b, " (");
  if (user)
    og_buf_puts (b, user);
  else
    og_buf_printf (b, "%u", uid);
  og_buf_puts (b, ":");
  if (group)
    og_buf_puts (b, group);
  else
    og_buf_printf (b, "%u", gid);
  og_buf_puts (b, ")");
}
