/* Path resolution inside a root, shared by the directory and image sources:
   symlinks are followed as if the root were "/", so an absolute or ".."
   link never leaves the root.  */
#include <sys/stat.h>

#include "base/resolve.h"
#include "base/util.h"

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
      if (!last && (mode & S_IFMT) != S_IFDIR)
        {
          /* "file/..": the kernel stops here with ENOTDIR, before any
             ".." step; so does the lookup, the rest kept as written.  */
          og_buf_append (&cur, todo.data + pos, todo.len - pos);
          break;
        }
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
