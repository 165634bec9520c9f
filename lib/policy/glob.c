/* Path and name globs of the allowed-content manifest (see glob.h).
   The '**' rules follow the gitignore(5) conventions ("PATTERN FORMAT");
   character classes follow fnmatch(3) / glob(7).  */
#include "policy/glob.h"
#include "base/util.h"
#include "json/load.h"

enum
{
  T_LIT,     /* one literal character */
  T_ANY1,    /* '?' */
  T_CLASS,   /* [...], off = offset of '[' in the pattern */
  T_STAR,    /* '*' (within a segment for paths) */
  T_ALL,     /* anything, '/' included */
  T_OPTDIRS, /* zero or more whole directories: "" or ".../" */
};

typedef struct token
{
  unsigned char kind;
  unsigned char c;
  size_t off;
} token;

/* Length of the class starting at pat[i] == '[' (through ']'), or 0 when it
   is not terminated.  As in fnmatch, a ']' right after '[' or '[!' is a
   member.  */
static size_t
class_len (const char *pat, size_t i)
{
  size_t j = i + 1;
  if (pat[j] == '!' || pat[j] == '^')
    j++;
  if (pat[j] == ']')
    j++;
  while (pat[j] && pat[j] != ']')
    {
      if (pat[j] == '\\' && pat[j + 1])
        j++;
      j++;
    }
  return pat[j] == ']' ? j - i + 1 : 0;
}

static bool
class_match (const char *pat, size_t i, unsigned char ch)
{
  size_t j = i + 1;
  bool neg = false, hit = false, first = true;
  if (pat[j] == '!' || pat[j] == '^')
    {
      neg = true;
      j++;
    }
  while (pat[j] && (pat[j] != ']' || first))
    {
      unsigned char lo, hi;
      first = false;
      if (pat[j] == '\\' && pat[j + 1])
        j++;
      lo = hi = (unsigned char)pat[j++];
      if (pat[j] == '-' && pat[j + 1] && pat[j + 1] != ']')
        {
          j++;
          if (pat[j] == '\\' && pat[j + 1])
            j++;
          hi = (unsigned char)pat[j++];
        }
      if (ch >= lo && ch <= hi)
        hit = true;
    }
  return hit != neg;
}

static bool
seg_start (const char *pat, size_t i)
{
  return i == 0 || pat[i - 1] == '/';
}

static bool
seg_end (const char *pat, size_t i)
{
  return pat[i] == '\0' || pat[i] == '/';
}

/* Turn pat into tokens (at most strlen (pat)).  Returns the count, or -1
   with *why and *where on a malformed pattern.  */
static ssize_t
tokenize (const char *pat, bool path, token *toks, const char **why, size_t *where)
{
  size_t n = 0, i = 0, len = strlen (pat);

  if (len == 0)
    return *why = "an empty pattern matches nothing", *where = 0, -1;
  if (len > OG_GLOB_MAX)
    return *why = "the pattern is too long", *where = OG_GLOB_MAX, -1;
  if (path && pat[0] != '/' && strncmp (pat, "**", 2) != 0)
    return *why = "a path glob is absolute: it starts with '/' or '**/'", *where = 0, -1;
  while (i < len)
    {
      char c = pat[i];
      if (c == '*' && pat[i + 1] == '*' && path)
        {
          if (!seg_start (pat, i) || !seg_end (pat, i + 2))
            return *why = "'**' must be a whole path segment (as in /usr/lib/** or **/bin/sh)",
                   *where = i, -1;
          if (pat[i + 2] == '/')
            {
              toks[n++] = (token){ T_OPTDIRS, 0, i };
              i += 3;
            }
          else
            {
              toks[n++] = (token){ T_ALL, 0, i };
              i += 2;
            }
          continue;
        }
      if (c == '*')
        {
          while (pat[i] == '*')
            i++;
          toks[n++] = (token){ path ? T_STAR : T_ALL, 0, i };
          continue;
        }
      if (c == '?')
        toks[n++] = (token){ T_ANY1, 0, i++ };
      else if (c == '[')
        {
          size_t cl = class_len (pat, i);
          if (cl == 0)
            return *why = "unterminated character class: expected ']'", *where = i, -1;
          toks[n++] = (token){ T_CLASS, 0, i };
          i += cl;
        }
      else if (c == '\\')
        {
          if (pat[i + 1] == '\0')
            return *why = "a trailing '\\' escapes nothing", *where = i, -1;
          toks[n++] = (token){ T_LIT, (unsigned char)pat[i + 1], i };
          i += 2;
        }
      else
        toks[n++] = (token){ T_LIT, (unsigned char)c, i++ };
    }
  return (ssize_t)n;
}

bool
og_glob_valid (const char *pat, bool path, const char **why, size_t *offset)
{
  cleanup_free token *toks = NULL;
  const char *w = NULL;
  size_t o = 0;
  bool ok;

  if (pat == NULL)
    return false;
  toks = og_xcalloc (strlen (pat) + 1, sizeof *toks);
  ok = tokenize (pat, path, toks, &w, &o) >= 0;
  if (why)
    *why = w;
  if (offset)
    *offset = o;
  return ok;
}

char *
og_glob_load (og_jload *j, const char *pat, bool path)
{
  const char *why = NULL;
  size_t off = 0;

  if (!og_glob_valid (pat, path, &why, &off))
    {
      og_jload_diag (j, false, "bad glob \"%s\" (at character %zu): %s", pat, off + 1, why);
      return NULL;
    }
  return og_xstrdup (pat);
}

static bool
match (const char *pat, const char *s, bool path)
{
  size_t plen = strlen (pat), slen = strlen (s);
  token tokbuf[64];
  unsigned char abuf[1025], bbuf[1025];
  cleanup_free token *theap = NULL;
  cleanup_free unsigned char *aheap = NULL;
  cleanup_free unsigned char *bheap = NULL;
  token *toks = tokbuf;
  unsigned char *cur = abuf, *next = bbuf;
  const char *why;
  size_t where;
  ssize_t nt;

  if (plen >= OG_ARRAY_SIZE (tokbuf))
    toks = theap = og_xcalloc (plen + 1, sizeof *toks);
  nt = tokenize (pat, path, toks, &why, &where);
  if (nt < 0)
    return false;
  if (slen >= sizeof abuf)
    {
      cur = aheap = og_xmalloc (slen + 1);
      next = bheap = og_xmalloc (slen + 1);
    }
  memset (cur, 0, slen + 1);
  cur[0] = 1;
  for (ssize_t t = 0; t < nt; t++)
    {
      const token *k = &toks[t];
      bool any = false, flag = false;
      memset (next, 0, slen + 1);
      switch (k->kind)
        {
        case T_LIT:
        case T_ANY1:
        case T_CLASS:
          for (size_t i = 0; i < slen; i++)
            {
              unsigned char ch = (unsigned char)s[i];
              bool ok;
              if (!cur[i])
                continue;
              if (k->kind == T_LIT)
                ok = ch == k->c;
              else if (k->kind == T_ANY1)
                ok = !(path && ch == '/');
              else
                ok = !(path && ch == '/') && class_match (pat, k->off, ch);
              if (ok)
                next[i + 1] = 1, any = true;
            }
          break;
        case T_STAR:
        case T_ALL:
          for (size_t j = 0; j <= slen; j++)
            {
              if (j > 0 && k->kind == T_STAR && s[j - 1] == '/')
                flag = false;
              if (cur[j])
                flag = true;
              if (flag)
                next[j] = 1, any = true;
            }
          break;
        case T_OPTDIRS:
          for (size_t j = 0; j <= slen; j++)
            {
              if ((cur[j]) || (flag && j > 0 && s[j - 1] == '/'))
                next[j] = 1, any = true;
              if (cur[j])
                flag = true;
            }
          break;
        default:
          return false;
        }
      if (!any)
        return false;
      {
        unsigned char *tmp = cur;
        cur = next;
        next = tmp;
      }
    }
  return cur[slen] != 0;
}

bool
og_path_glob_match (const char *pat, const char *path)
{
  return match (pat, path, true);
}

bool
og_name_glob_match (const char *pat, const char *name)
{
  return match (pat, name, false);
}

/* The literal text of pat[from, to), or NULL when it holds a wildcard.  */
static char *
literal_range (const char *pat, size_t from, size_t to)
{
  og_buf b = { 0 };
  og_buf_puts (&b, "");
  for (size_t i = from; i < to; i++)
    {
      if (pat[i] == '*' || pat[i] == '?' || pat[i] == '[')
        {
          og_buf_free (&b);
          return NULL;
        }
      if (pat[i] == '\\' && i + 1 < to)
        i++;
      og_buf_putc (&b, pat[i]);
    }
  return og_buf_steal (&b);
}

char *
og_glob_literal (const char *pat)
{
  return literal_range (pat, 0, strlen (pat));
}

char *
og_glob_dir_prefix (const char *pat)
{
  size_t len = strlen (pat);
  if (len < 3 || strcmp (pat + len - 3, "/**") != 0)
    return NULL;
  if (len >= 4 && pat[len - 4] == '\\')
    return NULL;
  return literal_range (pat, 0, len - 3);
}

char *
og_glob_any_basename (const char *pat)
{
  char *lit;
  if (strncmp (pat, "**/", 3) != 0)
    return NULL;
  lit = literal_range (pat, 3, strlen (pat));
  if (lit && (*lit == '\0' || strchr (lit, '/')))
    {
      free (lit);
      return NULL;
    }
  return lit;
}
