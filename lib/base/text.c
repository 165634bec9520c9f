/* Safe text (see text.h).  UTF-8: RFC 3629, section 4 (the syntax of
   well-formed sequences); base64: RFC 4648, section 4.  */
#include "base/text.h"

#include <ctype.h>
#include <string.h>

/* The length of the well-formed UTF-8 sequence at s (at most n bytes), or 0
   when there is none.  */
static size_t
utf8_seq (const unsigned char *s, size_t n)
{
  unsigned char c = s[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xbf;

  if (c < 0x80)
    return 1;
  if (c >= 0xc2 && c <= 0xdf)
    len = 2;
  else if (c >= 0xe0 && c <= 0xef)
    {
      len = 3;
      if (c == 0xe0)
        lo = 0xa0; /* no overlong forms */
      else if (c == 0xed)
        hi = 0x9f; /* no surrogates */
    }
  else if (c >= 0xf0 && c <= 0xf4)
    {
      len = 4;
      if (c == 0xf0)
        lo = 0x90;
      else if (c == 0xf4)
        hi = 0x8f; /* nothing above U+10FFFF */
    }
  else
    return 0;
  if (n < len || s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xbf)
      return 0;
  return len;
}

bool
og_utf8_valid (const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0;
  while (i < len)
    {
      size_t n = utf8_seq (p + i, len - i);
      if (n == 0)
        return false;
      i += n;
    }
  return true;
}

void
og_text_escape (og_buf *b, const char *s)
{
  const unsigned char *p = (const unsigned char *)s;
  size_t len = strlen (s), i = 0;

  og_buf_puts (b, "");
  while (i < len)
    {
      size_t n = utf8_seq (p + i, len - i);
      if (n == 1 && p[i] == '\\')
        og_buf_puts (b, "\\\\");
      else if (n == 1 && p[i] == '\n')
        og_buf_puts (b, "\\n");
      else if (n == 1 && p[i] == '\t')
        og_buf_puts (b, "\\t");
      else if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f))
        og_buf_printf (b, "\\x%02x", p[i]);
      else if (n == 2 && p[i] == 0xc2 && p[i + 1] < 0xa0) /* C1 controls U+0080..U+009F */
        og_buf_printf (b, "\\x%02x\\x%02x", p[i], p[i + 1]);
      else if (n > 0)
        og_buf_append (b, p + i, n);
      else
        {
          og_buf_printf (b, "\\x%02x", p[i]);
          n = 1;
        }
      i += n;
    }
}

char *
og_text_escaped (const char *s)
{
  og_buf b = { 0 };
  og_text_escape (&b, s ? s : "");
  return og_buf_steal (&b);
}

char *
og_utf8_lossy (const char *s, size_t len)
{
  const unsigned char *p = (const unsigned char *)s;
  og_buf b = { 0 };
  size_t i = 0;

  og_buf_puts (&b, "");
  while (i < len)
    {
      size_t n = utf8_seq (p + i, len - i);
      if (n == 0)
        {
          og_buf_puts (&b, "\xef\xbf\xbd");
          n = 1;
        }
      else
        og_buf_append (&b, p + i, n);
      i += n;
    }
  return og_buf_steal (&b);
}

static const char b64_tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
static const char hex_tab[] = "0123456789abcdef";

/* The place of c in the alphabet tab, or -1.  */
static int
digit_value (const char *tab, char c)
{
  const char *at = c ? strchr (tab, c) : NULL;
  return at ? (int)(at - tab) : -1;
}

char *
og_base64 (const void *data, size_t len)
{
  const char *tab = b64_tab;
  const unsigned char *p = data;
  og_buf b = { 0 };

  og_buf_puts (&b, "");
  for (size_t i = 0; i < len; i += 3)
    {
      uint32_t v = (uint32_t)p[i] << 16;
      size_t rest = len - i;
      if (rest > 1)
        v |= (uint32_t)p[i + 1] << 8;
      if (rest > 2)
        v |= p[i + 2];
      og_buf_putc (&b, tab[(v >> 18) & 63]);
      og_buf_putc (&b, tab[(v >> 12) & 63]);
      og_buf_putc (&b, rest > 1 ? tab[(v >> 6) & 63] : '=');
      og_buf_putc (&b, rest > 2 ? tab[v & 63] : '=');
    }
  return og_buf_steal (&b);
}

bool
og_base64_decode (const char *s, size_t n, uint8_t *out, size_t want)
{
  size_t o = 0;
  uint32_t acc = 0;
  int bits = 0;
  size_t i;

  if (n % 4 != 0 || n / 4 * 3 < want || n / 4 * 3 - want > 2)
    return false;
  for (i = 0; i < n; i++)
    {
      int v;
      if (s[i] == '=')
        break;
      v = digit_value (b64_tab, s[i]);
      if (v < 0)
        return false;
      acc = (acc << 6) | (uint32_t)v;
      bits += 6;
      if (bits >= 8)
        {
          bits -= 8;
          if (o >= want)
            return false;
          out[o++] = (uint8_t)(acc >> bits);
        }
    }
  for (; i < n; i++)
    if (s[i] != '=')
      return false;
  /* leftover bits must be zero padding */
  return o == want && (acc & ((1u << bits) - 1)) == 0;
}

bool
og_hex_decode (const char *hex, size_t n, uint8_t *out)
{
  for (size_t i = 0; i < n; i++)
    {
      int hi = digit_value (hex_tab, (char)tolower ((unsigned char)hex[2 * i])), lo;
      if (hi < 0)
        return false;
      lo = digit_value (hex_tab, (char)tolower ((unsigned char)hex[2 * i + 1]));
      if (lo < 0)
        return false;
      out[i] = (uint8_t)(hi << 4 | lo);
    }
  return true;
}
