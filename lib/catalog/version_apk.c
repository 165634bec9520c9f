/* apk version order and validity, as apk-tools 3.x src/version.c defines
   them (the token state machine, the suffix table, apk_version_validate,
   apk_version_compare; test/unit/version.data).  Rules learnt from, no code
   copied.  Walks the string by index inside a vspan, allocates nothing.  */
#include <limits.h>
#include <stdint.h>

#include "base/util.h"
#include "catalog/version.h"
#include "catalog/version_span.h"

/* Token kinds, in the order apk-tools 3 gives them: a later kind may only
   follow an earlier one, and the order decides who is newer when one
   version runs out of tokens first.  */
enum apk_token
{
  APK_T_INITIAL_DIGIT,
  APK_T_DIGIT,
  APK_T_LETTER,
  APK_T_SUFFIX,
  APK_T_SUFFIX_NO,
  APK_T_COMMIT_HASH,
  APK_T_REVISION_NO,
  APK_T_END,
  APK_T_INVALID,
};

/* Suffixes: _alpha _beta _pre _rc come before the release, _cvs _svn _git
   _hg _p after it.  */
enum apk_suffix
{
  APK_S_INVALID,
  APK_S_ALPHA,
  APK_S_BETA,
  APK_S_PRE,
  APK_S_RC,
  APK_S_NONE,
  APK_S_CVS,
  APK_S_SVN,
  APK_S_GIT,
  APK_S_HG,
  APK_S_P,
};

typedef struct apk_tok
{
  enum apk_token token;
  enum apk_suffix suffix;
  uint64_t number;
  vspan value;
} apk_tok;

/* The input not yet tokenized.  */
typedef struct apk_in
{
  vspan s;
  size_t pos;
} apk_in;

static enum apk_suffix
apk_suffix_of (vspan v)
{
  static const char *const names[] = {
    [APK_S_ALPHA] = "alpha", [APK_S_BETA] = "beta", [APK_S_PRE] = "pre",
    [APK_S_RC] = "rc",       [APK_S_CVS] = "cvs",   [APK_S_SVN] = "svn",
    [APK_S_GIT] = "git",     [APK_S_HG] = "hg",     [APK_S_P] = "p",
  };
  for (size_t k = 0; k < OG_ARRAY_SIZE (names); k++)
    if (names[k] && span_eq (v, span_of (names[k])))
      return (enum apk_suffix)k;
  return APK_S_INVALID;
}

/* A run of digits, also as a number: apk_blob_pull_uint's unsigned 64-bit
   arithmetic, which wraps on more than 19 digits; kept so that we order
   such versions as apk does (unsigned wrap-around is defined in C).  */
static void
apk_digits (apk_tok *t, apk_in *in)
{
  size_t start = in->pos;
  t->number = 0;
  while (is_digit (ch (in->s, in->pos)))
    t->number = t->number * 10u + (uint64_t)(in->s.p[in->pos++] - '0');
  t->value = span_sub (in->s, start, in->pos);
  if (t->value.n == 0)
    t->token = APK_T_INVALID;
}

static void
apk_first (apk_tok *t, apk_in *in)
{
  t->token = APK_T_INITIAL_DIGIT;
  t->suffix = APK_S_INVALID;
  apk_digits (t, in);
}

/* One token after t into t; false when what follows is not a valid token
   in this position.  */
static bool
apk_step (apk_tok *t, apk_in *in)
{
  int c = ch (in->s, in->pos);
  size_t start;

  if (in->pos >= in->s.n)
    {
      t->token = APK_T_END;
      return true;
    }
  if (c >= 'a' && c <= 'z')
    {
      if (t->token > APK_T_DIGIT)
        return false;
      t->value = span_sub (in->s, in->pos, in->pos + 1);
      t->token = APK_T_LETTER;
      in->pos++;
    }
  else if (c == '.' || is_digit (c))
    {
      if (c == '.')
        {
          if (t->token > APK_T_DIGIT)
            return false;
          in->pos++;
        }
      if (t->token == APK_T_INITIAL_DIGIT || t->token == APK_T_DIGIT)
        t->token = APK_T_DIGIT;
      else if (t->token == APK_T_SUFFIX)
        t->token = APK_T_SUFFIX_NO;
      else
        return false;
      apk_digits (t, in);
    }
  else if (c == '_')
    {
      if (t->token > APK_T_SUFFIX_NO)
        return false;
      start = ++in->pos;
      while (ch (in->s, in->pos) >= 'a' && ch (in->s, in->pos) <= 'z')
        in->pos++;
      t->value = span_sub (in->s, start, in->pos);
      t->suffix = apk_suffix_of (t->value);
      if (t->suffix == APK_S_INVALID)
        return false;
      t->token = APK_T_SUFFIX;
    }
  else if (c == '~')
    {
      if (t->token >= APK_T_COMMIT_HASH)
        return false;
      start = ++in->pos;
      while (is_digit (ch (in->s, in->pos))
             || (ch (in->s, in->pos) >= 'a' && ch (in->s, in->pos) <= 'f'))
        in->pos++;
      t->value = span_sub (in->s, start, in->pos);
      if (t->value.n == 0)
        return false;
      t->token = APK_T_COMMIT_HASH;
    }
  else if (c == '-')
    {
      if (t->token >= APK_T_REVISION_NO || ch (in->s, in->pos + 1) != 'r')
        return false;
      in->pos += 2;
      t->token = APK_T_REVISION_NO;
      apk_digits (t, in);
    }
  else
    return false;
  return true;
}

static void
apk_next (apk_tok *t, apk_in *in)
{
  if (!apk_step (t, in))
    t->token = APK_T_INVALID;
}

static int
apk_tok_cmp (const apk_tok *a, const apk_tok *b)
{
  uint64_t x, y;

  switch (a->token)
    {
    case APK_T_DIGIT:
      /* A leading zero makes it a string comparison (as in Gentoo).  */
      if (ch (a->value, 0) == '0' || ch (b->value, 0) == '0')
        return seg_cmp (a->value, b->value);
      /* fallthrough */
    case APK_T_INITIAL_DIGIT:
    case APK_T_SUFFIX_NO:
    case APK_T_REVISION_NO:
      x = a->number, y = b->number;
      break;
    case APK_T_LETTER:
      x = (uint64_t)ch (a->value, 0), y = (uint64_t)ch (b->value, 0);
      break;
    case APK_T_SUFFIX:
      x = a->suffix, y = b->suffix;
      break;
    case APK_T_COMMIT_HASH:
    case APK_T_END:
    case APK_T_INVALID:
    default:
      return seg_cmp (a->value, b->value);
    }
  return x < y ? -1 : x > y;
}

/* apk_version_compare: walk both token streams while the kinds agree.  When
   they stop agreeing, a pre-release suffix is older, otherwise the one
   whose next token comes earlier in the kind order (more components) is
   newer.  Invalid versions are not refused: the INVALID kind sorts after
   END, so a version that turns invalid is older at that point, and two
   versions that turn invalid at the same point compare equal.  */
int
og_apk_vercmp (const char *a, const char *b)
{
  apk_in ia = { span_of (a), 0 }, ib = { span_of (b), 0 };
  apk_tok ta, tb;

  apk_first (&ta, &ia);
  apk_first (&tb, &ib);
  while (ta.token == tb.token && ta.token < APK_T_END)
    {
      int r = apk_tok_cmp (&ta, &tb);
      if (r)
        return r;
      apk_next (&ta, &ia);
      apk_next (&tb, &ib);
    }
  if (ta.token == tb.token)
    return 0;
  if (ta.token == APK_T_SUFFIX && ta.suffix < APK_S_NONE)
    return -1;
  if (tb.token == APK_T_SUFFIX && tb.suffix < APK_S_NONE)
    return 1;
  return ta.token > tb.token ? -1 : 1;
}

bool
og_apk_version_valid (const char *v)
{
  apk_in in = { span_of (v), 0 };
  apk_tok t;

  for (apk_first (&t, &in); t.token < APK_T_END; apk_next (&t, &in))
    ;
  return t.token == APK_T_END;
}
