/* Version ordering, exactly as each ecosystem's own tool orders versions.

   Sources (rules learnt from, no code copied):
   - rpm 4.18 rpmio/rpmvercmp.c (rpmvercmp) and rpmio/rpmver.c (parseEVR,
     rpmverParse, rpmverCmp: what the Lua rpm.vercmp() uses);
     build/parsePreamble.c for the characters rpmbuild allows in V and R.
   - dpkg 1.21 lib/dpkg/version.c (order, verrevcmp, dpkg_version_compare),
     lib/dpkg/parsehelp.c (parseversion); deb-version(7).
   - apk-tools 3.x src/version.c (the token state machine, suffix table,
     apk_version_validate, apk_version_compare), test/unit/version.data.

   Version strings come from package databases of untrusted images and from
   manifests.  Everything here walks them by index inside an explicit length
   (a vspan), compares digit runs as strings (no integer conversion, except
   where apk itself converts, with the same unsigned 64-bit arithmetic),
   allocates nothing and never recurses: work is linear in the input.  */
#include "catalog/version.h"

#include <limits.h>
#include <stdint.h>
#include <string.h>

#include "base/util.h"

/* A read-only view of part of a version string.  ch() returns 0 past the
   end, which stands for the NUL the upstream code tests for.  */
typedef struct vspan
{
  const char *p;
  size_t n;
} vspan;

static vspan
span_of (const char *s)
{
  vspan v = { s ? s : "", s ? strlen (s) : 0 };
  return v;
}

static vspan
span_sub (vspan s, size_t from, size_t to)
{
  vspan v;
  if (to > s.n)
    to = s.n;
  if (from > to)
    from = to;
  v.p = s.p + from;
  v.n = to - from;
  return v;
}

static int
ch (vspan s, size_t i)
{
  return i < s.n ? (unsigned char)s.p[i] : 0;
}

static bool
is_digit (int c)
{
  return c >= '0' && c <= '9';
}

static bool
is_alpha (int c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
span_eq (vspan a, vspan b)
{
  return a.n == b.n && (a.n == 0 || memcmp (a.p, b.p, a.n) == 0);
}

/* strcmp on two segments that contain no NUL: bytes first, then the shorter
   one first.  Returns -1, 0 or 1.  */
static int
seg_cmp (vspan a, vspan b)
{
  size_t n = a.n < b.n ? a.n : b.n;
  int r = n ? memcmp (a.p, b.p, n) : 0;
  if (r)
    return r < 0 ? -1 : 1;
  return a.n < b.n ? -1 : a.n > b.n;
}

/* Two runs of decimal digits compared as numbers of any length.  */
static int
digits_cmp (vspan a, vspan b)
{
  size_t i = 0, j = 0;
  while (i < a.n && a.p[i] == '0')
    i++;
  while (j < b.n && b.p[j] == '0')
    j++;
  a = span_sub (a, i, a.n);
  b = span_sub (b, j, b.n);
  if (a.n != b.n)
    return a.n < b.n ? -1 : 1;
  return seg_cmp (a, b);
}

/* ---- rpm ---------------------------------------------------------------- */

static bool
rpm_sep (int c)
{
  return c != 0 && !is_digit (c) && !is_alpha (c) && c != '~' && c != '^';
}

/* rpmvercmp: split into maximal digit or letter runs; everything else
   separates.  '~' sorts before anything, even the end; '^' sorts after the
   end but before anything else.  A digit run beats a letter run.  */
static int
rpmvercmp_span (vspan a, vspan b)
{
  size_t i = 0, j = 0;

  if (span_eq (a, b))
    return 0;

  while (i < a.n || j < b.n)
    {
      while (rpm_sep (ch (a, i)))
        i++;
      while (rpm_sep (ch (b, j)))
        j++;

      int ca = ch (a, i), cb = ch (b, j);
      if (ca == '~' || cb == '~')
        {
          if (ca != '~')
            return 1;
          if (cb != '~')
            return -1;
          i++, j++;
          continue;
        }
      if (ca == '^' || cb == '^')
        {
          if (ca == 0)
            return -1;
          if (cb == 0)
            return 1;
          if (ca != '^')
            return 1;
          if (cb != '^')
            return -1;
          i++, j++;
          continue;
        }
      if (ca == 0 || cb == 0)
        break;

      bool isnum = is_digit (ca);
      bool (*in_seg) (int) = isnum ? is_digit : is_alpha;
      size_t ei = i, ej = j;
      while (in_seg (ch (a, ei)))
        ei++;
      while (in_seg (ch (b, ej)))
        ej++;
      /* Segments of different kinds: the number is newer.  */
      if (ej == j)
        return isnum ? 1 : -1;

      vspan sa = span_sub (a, i, ei), sb = span_sub (b, j, ej);
      int rc = isnum ? digits_cmp (sa, sb) : seg_cmp (sa, sb);
      if (rc)
        return rc;
      i = ei;
      j = ej;
    }

  if (i >= a.n && j >= b.n)
    return 0;
  return i >= a.n ? -1 : 1;
}

int
og_rpmvercmp (const char *a, const char *b)
{
  return rpmvercmp_span (span_of (a), span_of (b));
}

typedef struct rpm_evr
{
  vspan e, v, r;
  bool has_r;
} rpm_evr;

/* parseEVR: the epoch is the leading digit run when a ':' follows it (an
   empty one counts as "0"); the release is what follows the last '-' after
   that digit run.  Any other ':' stays in the version.  */
static void
rpm_evr_parse (vspan s, rpm_evr *out)
{
  size_t i = 0, dash = SIZE_MAX, vstart = 0;

  while (is_digit (ch (s, i)))
    i++;
  for (size_t k = i; k < s.n; k++)
    if (s.p[k] == '-')
      dash = k;

  out->e = span_of ("0");
  if (ch (s, i) == ':')
    {
      if (i > 0)
        out->e = span_sub (s, 0, i);
      vstart = i + 1;
    }
  out->has_r = dash != SIZE_MAX;
  out->v = span_sub (s, vstart, out->has_r ? dash : s.n);
  out->r = out->has_r ? span_sub (s, dash + 1, s.n) : span_of ("");
}

/* rpmverCmp: epoch, then version, then release, where a missing release is
   older than any present one (even an empty one, "1.0-").  rpm.vercmp
   refuses an empty string; here it compares as the empty version.  */
int
og_rpm_evr_cmp (const char *a, const char *b)
{
  rpm_evr ea, eb;
  int rc;

  rpm_evr_parse (span_of (a), &ea);
  rpm_evr_parse (span_of (b), &eb);
  rc = rpmvercmp_span (ea.e, eb.e);
  if (rc == 0)
    rc = rpmvercmp_span (ea.v, eb.v);
  if (rc == 0)
    {
      if (ea.has_r && eb.has_r)
        rc = rpmvercmp_span (ea.r, eb.r);
      else
        rc = ea.has_r - eb.has_r;
    }
  return rc < 0 ? -1 : rc > 0;
}

static bool
rpm_verrel_ok (vspan s)
{
  /* What rpmbuild accepts in Version and Release, less the macro
     characters %{}, which are gone once a package is built.  */
  if (s.n == 0)
    return false;
  for (size_t i = 0; i < s.n; i++)
    {
      int c = ch (s, i);
      if (!is_digit (c) && !is_alpha (c) && !strchr ("._+~^", c))
        return false;
    }
  return true;
}

static bool
rpm_evr_valid (vspan s)
{
  rpm_evr e;
  size_t i = 0;

  while (is_digit (ch (s, i)))
    i++;
  if (ch (s, i) == ':' && i == 0)
    return false;
  rpm_evr_parse (s, &e);
  return rpm_verrel_ok (e.v) && (!e.has_r || rpm_verrel_ok (e.r));
}

/* ---- dpkg --------------------------------------------------------------- */

typedef struct deb_version
{
  int epoch;
  vspan upstream, revision;
  bool error;   /* dpkg refuses it */
  bool warning; /* dpkg warns but uses it */
} deb_version;

static bool
is_blank (int c)
{
  return c == ' ' || c == '\t';
}

/* strtol on the epoch field, which must end exactly at the colon, must not
   be negative and must fit an int.  */
static bool
deb_epoch_parse (vspan f, int *epoch)
{
  size_t i = 0;
  bool neg = false;
  long long val = 0;

  while (i < f.n && strchr (" \t\n\v\f\r", f.p[i]))
    i++;
  if (i < f.n && (f.p[i] == '+' || f.p[i] == '-'))
    neg = f.p[i++] == '-';
  if (i >= f.n)
    return false;
  for (; i < f.n; i++)
    {
      if (!is_digit (ch (f, i)))
        return false;
      val = val * 10 + (f.p[i] - '0');
      if (val > INT_MAX)
        return false;
    }
  if (neg && val != 0)
    return false;
  *epoch = (int)val;
  return true;
}

/* parseversion: trim blanks, epoch up to the first ':', revision after the
   last '-'.  Strings dpkg refuses still get a deterministic place: a bad
   epoch counts as 0 with the whole string as upstream, an empty revision is
   no revision.  */
static void
deb_parse (vspan s, deb_version *out)
{
  size_t b = 0, e = s.n, colon = SIZE_MAX, dash = SIZE_MAX;

  memset (out, 0, sizeof *out);
  while (b < e && is_blank (ch (s, b)))
    b++;
  while (e > b && is_blank (ch (s, e - 1)))
    e--;
  s = span_sub (s, b, e);
  for (size_t i = 0; i < s.n; i++)
    {
      if (is_blank (ch (s, i)))
        out->error = true; /* embedded space */
      if (s.p[i] == ':' && colon == SIZE_MAX)
        colon = i;
    }
  if (s.n == 0)
    out->error = true;

  size_t ustart = 0;
  if (colon != SIZE_MAX)
    {
      if (deb_epoch_parse (span_sub (s, 0, colon), &out->epoch))
        ustart = colon + 1;
      else
        out->error = true;
      if (colon + 1 == s.n)
        out->error = true;
    }
  for (size_t i = ustart; i < s.n; i++)
    if (s.p[i] == '-')
      dash = i;
  out->upstream = span_sub (s, ustart, dash == SIZE_MAX ? s.n : dash);
  out->revision = dash == SIZE_MAX ? span_of ("") : span_sub (s, dash + 1, s.n);
  if (dash != SIZE_MAX && out->revision.n == 0)
    out->error = true;
  if (out->upstream.n == 0)
    out->error = true;
  else if (!is_digit (ch (out->upstream, 0)))
    out->warning = true;
  for (size_t i = 0; i < out->upstream.n; i++)
    {
      int c = ch (out->upstream, i);
      if (!is_digit (c) && !is_alpha (c) && !strchr (".-+~:", c))
        out->warning = true;
    }
  for (size_t i = 0; i < out->revision.n; i++)
    {
      int c = ch (out->revision, i);
      if (!is_digit (c) && !is_alpha (c) && !strchr (".+~", c))
        out->warning = true;
    }
}

/* dpkg's order(): '~' before the end, the end and digits at 0, letters by
   their code, anything else after all letters.  dpkg reads the byte as a
   plain char, signed on amd64, so bytes >= 0x80 land between the letters
   and the other punctuation; the same is done here.  */
static int
deb_order (int c)
{
  if (is_digit (c) || c == 0)
    return 0;
  if (is_alpha (c))
    return c;
  if (c == '~')
    return -1;
  return (signed char)c + 256;
}

static int
verrevcmp (vspan a, vspan b)
{
  size_t i = 0, j = 0;

  while (i < a.n || j < b.n)
    {
      while ((i < a.n && !is_digit (ch (a, i))) || (j < b.n && !is_digit (ch (b, j))))
        {
          int ac = deb_order (ch (a, i)), bc = deb_order (ch (b, j));
          if (ac != bc)
            return ac < bc ? -1 : 1;
          i++, j++;
        }
      size_t si = i, sj = j;
      while (is_digit (ch (a, i)))
        i++;
      while (is_digit (ch (b, j)))
        j++;
      int rc = digits_cmp (span_sub (a, si, i), span_sub (b, sj, j));
      if (rc)
        return rc;
    }
  return 0;
}

int
og_dpkg_vercmp (const char *a, const char *b)
{
  deb_version va, vb;
  int rc;

  deb_parse (span_of (a), &va);
  deb_parse (span_of (b), &vb);
  if (va.epoch != vb.epoch)
    return va.epoch < vb.epoch ? -1 : 1;
  rc = verrevcmp (va.upstream, vb.upstream);
  if (rc == 0)
    rc = verrevcmp (va.revision, vb.revision);
  return rc;
}

/* ---- apk ---------------------------------------------------------------- */

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

static void
apk_next (apk_tok *t, apk_in *in)
{
  int c = ch (in->s, in->pos);
  size_t start;

  if (in->pos >= in->s.n)
    {
      t->token = APK_T_END;
      return;
    }
  if (c >= 'a' && c <= 'z')
    {
      if (t->token > APK_T_DIGIT)
        goto invalid;
      t->value = span_sub (in->s, in->pos, in->pos + 1);
      t->token = APK_T_LETTER;
      in->pos++;
    }
  else if (c == '.' || is_digit (c))
    {
      if (c == '.')
        {
          if (t->token > APK_T_DIGIT)
            goto invalid;
          in->pos++;
        }
      if (t->token == APK_T_INITIAL_DIGIT || t->token == APK_T_DIGIT)
        t->token = APK_T_DIGIT;
      else if (t->token == APK_T_SUFFIX)
        t->token = APK_T_SUFFIX_NO;
      else
        goto invalid;
      apk_digits (t, in);
    }
  else if (c == '_')
    {
      if (t->token > APK_T_SUFFIX_NO)
        goto invalid;
      start = ++in->pos;
      while (ch (in->s, in->pos) >= 'a' && ch (in->s, in->pos) <= 'z')
        in->pos++;
      t->value = span_sub (in->s, start, in->pos);
      t->suffix = apk_suffix_of (t->value);
      if (t->suffix == APK_S_INVALID)
        goto invalid;
      t->token = APK_T_SUFFIX;
    }
  else if (c == '~')
    {
      if (t->token >= APK_T_COMMIT_HASH)
        goto invalid;
      start = ++in->pos;
      while (is_digit (ch (in->s, in->pos))
             || (ch (in->s, in->pos) >= 'a' && ch (in->s, in->pos) <= 'f'))
        in->pos++;
      t->value = span_sub (in->s, start, in->pos);
      if (t->value.n == 0)
        goto invalid;
      t->token = APK_T_COMMIT_HASH;
    }
  else if (c == '-')
    {
      if (t->token >= APK_T_REVISION_NO || ch (in->s, in->pos + 1) != 'r')
        goto invalid;
      in->pos += 2;
      t->token = APK_T_REVISION_NO;
      apk_digits (t, in);
    }
  else
    goto invalid;
  return;

invalid:
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

static bool
apk_valid (const char *v)
{
  apk_in in = { span_of (v), 0 };
  apk_tok t;

  for (apk_first (&t, &in); t.token < APK_T_END; apk_next (&t, &in))
    ;
  return t.token == APK_T_END;
}

/* ---- dispatch ----------------------------------------------------------- */

int
og_version_cmp (og_pkg_type type, const char *a, const char *b)
{
  switch (type)
    {
    case OG_PKG_RPM:
      return og_rpm_evr_cmp (a, b);
    case OG_PKG_DEB:
      return og_dpkg_vercmp (a, b);
    case OG_PKG_APK:
      return og_apk_vercmp (a, b);
    default:
      return seg_cmp (span_of (a), span_of (b));
    }
}

/* rpm: [digits:]V[-R], V and R non-empty, made of letters, digits and
   "._+~^" (rpmbuild's rule), so no '-' but the one before the release.
   dpkg: what parseversion accepts without error or warning (warnings such
   as "does not start with digit" count as invalid here).
   apk: apk_version_validate.  */
bool
og_version_valid (og_pkg_type type, const char *v)
{
  deb_version d;

  if (!v)
    return false;
  switch (type)
    {
    case OG_PKG_RPM:
      return rpm_evr_valid (span_of (v));
    case OG_PKG_DEB:
      deb_parse (span_of (v), &d);
      return !d.error && !d.warning;
    case OG_PKG_APK:
      return apk_valid (v);
    default:
      return false;
    }
}
