/* os-release(5) parser.  Source: systemd's os-release(5): "KEY=value" lines;
   values may be quoted with "" or '' and use shell escapes (\\ \" \$ \`);
   lines starting with # are comments.  */
#include "catalog/osrelease.h"
#include "base/reader.h"
#include "base/util.h"

#define LINE_MAX_LEN 4096

/* Unquote value[0..n) into a new string.  */
static char *
unquote (const char *v, size_t n)
{
  og_buf b = { 0 };
  char q = 0;

  while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r'))
    n--;
  if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0])
    {
      q = v[0];
      v++;
      n -= 2;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (q != '\'' && v[i] == '\\' && i + 1 < n && strchr ("\\\"$`", v[i + 1]))
        i++;
      og_buf_putc (&b, v[i]);
    }
  return og_buf_steal (&b);
}

void
og_osrelease_parse (const uint8_t *data, size_t len, og_osrelease *out)
{
  og_reader r;
  const char *line;
  size_t n;

  og_reader_init (&r, data, len);
  while (!og_reader_at_end (&r))
    {
      const char *eq;
      char **slot = NULL;
      size_t klen;

      if (!og_reader_line (&r, LINE_MAX_LEN, &line, &n))
        {
          /* Over-long line: skip to the next newline.  */
          const uint8_t *nl = memchr (r.data + r.pos, '\n', og_reader_remaining (&r));
          if (nl == NULL)
            break;
          og_reader_seek (&r, (size_t)(nl - r.data) + 1);
          continue;
        }
      while (n > 0 && (*line == ' ' || *line == '\t'))
        line++, n--;
      if (n == 0 || *line == '#' || memchr (line, '\0', n))
        continue;
      eq = memchr (line, '=', n);
      if (eq == NULL)
        continue;
      klen = (size_t)(eq - line);
#define KEY(k, field)                                                                              \
  if (klen == sizeof (k) - 1 && memcmp (line, k, klen) == 0)                                       \
    slot = &out->field;
      KEY ("ID", id)
      KEY ("VERSION_ID", version_id)
      KEY ("PRETTY_NAME", pretty_name)
      KEY ("NAME", name)
      KEY ("VERSION_CODENAME", version_codename)
#undef KEY
      if (slot == NULL)
        continue;
      free (*slot);
      *slot = unquote (eq + 1, n - klen - 1);
    }
}

void
og_osrelease_clear (og_osrelease *o)
{
  free (o->id);
  free (o->version_id);
  free (o->pretty_name);
  free (o->name);
  free (o->version_codename);
  memset (o, 0, sizeof *o);
}
