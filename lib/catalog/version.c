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
#include "catalog/version_span.h"

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
      return og_apk_version_valid (v);
    default:
      return false;
    }
}
