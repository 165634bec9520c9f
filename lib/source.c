/* What every source shares: opening by SOURCE syntax, freeing, and path
   resolution inside a root (symlinks followed as if the root were "/").  */
#include <sys/stat.h>

#include "source.h"
#include "source_image.h"
#include "source_resolve.h"
#include "util.h"

int
og_source_open (const char *spec, const og_source_options *opts, og_source **out, og_error **err)
{
  int ret;

  if (og_str_has_prefix (spec, "dir:"))
    return og_source_open_dir (spec + 4, out, err);
  /* Image transports by prefix, or an image found by its content; a plain
     directory is a root filesystem.  */
  ret = og_source_open_image (spec, opts, out, err);
  if (ret != 1)
    return ret;
  return og_source_open_dir (spec, out, err);
}

void
og_source_info_clear (og_source_info *info)
{
  free (info->kind);
  free (info->path);
  free (info->config_digest);
  free (info->manifest_digest);
  og_strv_free (info->tags, info->n_tags);
  og_strv_free (info->layers, info->n_layers);
  memset (info, 0, sizeof *info);
}

void
og_source_free (og_source *s)
{
  if (s == NULL)
    return;
  s->ops->free (s); /* each source clears its info too */
}

/* Pop the last component of a canonical path held in b ("/a/b" -> "/a",
   "/a" -> "").  The root is the empty string.  */
static void
pop_component (og_buf *b)
{
  while (b->len > 0 && b->data[b->len - 1] != '/')
    b->len--;
  if (b->len > 0)
    b->len--;
  if (b->data)
    b->data[b->len] = '\0';
}

int
og_resolve_in_root (const char *path, bool follow_last, og_lstat_fn lstat_fn, void *userdata,
                    char **out, og_error **err)
{
  og_buf cur = { 0 };
  og_buf todo = { 0 };
  unsigned hops = 0;
  size_t pos = 0;
  int ret = 0;

  og_buf_puts (&todo, path);
  og_buf_puts (&cur, "");
  while (pos < todo.len)
    {
      size_t start, n;
      bool last;
      uint32_t mode = 0;
      char *target = NULL;

      while (pos < todo.len && todo.data[pos] == '/')
        pos++;
      start = pos;
      while (pos < todo.len && todo.data[pos] != '/')
        pos++;
      n = pos - start;
      if (n == 0 || (n == 1 && todo.data[start] == '.'))
        continue;
      if (n == 2 && todo.data[start] == '.' && todo.data[start + 1] == '.')
        {
          pop_component (&cur); /* ".." at the root stays at the root */
          continue;
        }
      {
        size_t rest = pos;
        while (rest < todo.len && todo.data[rest] == '/')
          rest++;
        last = rest >= todo.len;
      }
      og_buf_putc (&cur, '/');
      og_buf_append (&cur, todo.data + start, n);
      if (cur.len > OG_MAX_PATH)
        {
          ret = og_error_set (err, ENAMETOOLONG, "resolving `%s`", path);
          break;
        }
      if (last && !follow_last)
        break;
      ret = lstat_fn (userdata, cur.data, &mode, &target, err);
      if (ret < 0)
        break;
      if (ret > 0) /* does not exist: the rest is kept as it is */
        {
          ret = 0;
          og_buf_append (&cur, todo.data + pos, todo.len - pos);
          break;
        }
      if ((mode & S_IFMT) == S_IFLNK)
        {
          og_buf next = { 0 };
          if (++hops > OG_MAX_LINK_HOPS)
            {
              free (target);
              ret = og_error_set (err, ELOOP, "resolving `%s`", path);
              break;
            }
          if (target == NULL || target[0] == '\0')
            {
              free (target);
              ret = og_error_set (err, ENOENT, "resolving `%s`: empty symlink", path);
              break;
            }
          pop_component (&cur);
          if (target[0] == '/')
            cur.len = 0;
          og_buf_puts (&next, target);
          og_buf_append (&next, todo.data + pos, todo.len - pos);
          free (target);
          og_buf_free (&todo);
          todo = next;
          pos = 0;
          continue;
        }
      free (target);
    }
  og_buf_free (&todo);
  if (ret < 0)
    {
      og_buf_free (&cur);
      return ret;
    }
  if (cur.len == 0)
    og_buf_puts (&cur, "/");
  *out = og_buf_steal (&cur);
  return 0;
}
