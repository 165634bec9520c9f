/* Version ordering: upstream test tables as facts, tricky cases checked
   against the real rpm and dpkg at test time, hostile inputs.
   Expected answers come from:
   - rpm 4.18 tests/rpmvercmp.at (each row is rpm.vercmp's answer in rpm's own
     test suite), copied as data into rpm_upstream[] below;
   - apk-tools test/unit/version.data, copied as tests/unit/apk_version.data;
   - the real `rpm --eval '%{lua: rpm.vercmp(...)}'` and
     `dpkg --compare-versions`, run by this test (checks skipped, not passed,
     when the tool is missing).  */
#include "fixtures.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <time.h>

#include "base/util.h"
#include "catalog/version.h"

extern char **environ;

typedef struct pair
{
  const char *a, *b;
  int want;
} pair;

/* rpm 4.18.0 tests/rpmvercmp.at, the RPMVERCMP(A, B, RESULT) rows.  */
static const pair rpm_upstream[] = {
  { "1.0", "1.0", 0 },
  { "1.0", "2.0", -1 },
  { "2.0", "1.0", 1 },
  { "2.0.1", "2.0.1", 0 },
  { "2.0", "2.0.1", -1 },
  { "2.0.1", "2.0", 1 },
  { "2.0.1a", "2.0.1a", 0 },
  { "2.0.1a", "2.0.1", 1 },
  { "2.0.1", "2.0.1a", -1 },
  { "5.5p1", "5.5p1", 0 },
  { "5.5p1", "5.5p2", -1 },
  { "5.5p2", "5.5p1", 1 },
  { "5.5p10", "5.5p10", 0 },
  { "5.5p1", "5.5p10", -1 },
  { "5.5p10", "5.5p1", 1 },
  { "10xyz", "10.1xyz", -1 },
  { "10.1xyz", "10xyz", 1 },
  { "xyz10", "xyz10", 0 },
  { "xyz10", "xyz10.1", -1 },
  { "xyz10.1", "xyz10", 1 },
  { "xyz.4", "xyz.4", 0 },
  { "xyz.4", "8", -1 },
  { "8", "xyz.4", 1 },
  { "xyz.4", "2", -1 },
  { "2", "xyz.4", 1 },
  { "5.5p2", "5.6p1", -1 },
  { "5.6p1", "5.5p2", 1 },
  { "5.6p1", "6.5p1", -1 },
  { "6.5p1", "5.6p1", 1 },
  { "6.0.rc1", "6.0", 1 },
  { "6.0", "6.0.rc1", -1 },
  { "10b2", "10a1", 1 },
  { "10a2", "10b2", -1 },
  { "1.0aa", "1.0aa", 0 },
  { "1.0a", "1.0aa", -1 },
  { "1.0aa", "1.0a", 1 },
  { "10.0001", "10.0001", 0 },
  { "10.0001", "10.1", 0 },
  { "10.1", "10.0001", 0 },
  { "10.0001", "10.0039", -1 },
  { "10.0039", "10.0001", 1 },
  { "4.999.9", "5.0", -1 },
  { "5.0", "4.999.9", 1 },
  { "20101121", "20101121", 0 },
  { "20101121", "20101122", -1 },
  { "20101122", "20101121", 1 },
  { "2_0", "2_0", 0 },
  { "2.0", "2_0", 0 },
  { "2_0", "2.0", 0 },
  { "a", "a", 0 },
  { "a+", "a+", 0 },
  { "a+", "a_", 0 },
  { "a_", "a+", 0 },
  { "+a", "+a", 0 },
  { "+a", "_a", 0 },
  { "_a", "+a", 0 },
  { "+_", "+_", 0 },
  { "_+", "+_", 0 },
  { "_+", "_+", 0 },
  { "+", "_", 0 },
  { "_", "+", 0 },
  { "1.0~rc1", "1.0~rc1", 0 },
  { "1.0~rc1", "1.0", -1 },
  { "1.0", "1.0~rc1", 1 },
  { "1.0~rc1", "1.0~rc2", -1 },
  { "1.0~rc2", "1.0~rc1", 1 },
  { "1.0~rc1~git123", "1.0~rc1~git123", 0 },
  { "1.0~rc1~git123", "1.0~rc1", -1 },
  { "1.0~rc1", "1.0~rc1~git123", 1 },
  { "1.0^", "1.0^", 0 },
  { "1.0^", "1.0", 1 },
  { "1.0", "1.0^", -1 },
  { "1.0^git1", "1.0^git1", 0 },
  { "1.0^git1", "1.0", 1 },
  { "1.0", "1.0^git1", -1 },
  { "1.0^git1", "1.0^git2", -1 },
  { "1.0^git2", "1.0^git1", 1 },
  { "1.0^git1", "1.01", -1 },
  { "1.01", "1.0^git1", 1 },
  { "1.0^20160101", "1.0^20160101", 0 },
  { "1.0^20160101", "1.0.1", -1 },
  { "1.0.1", "1.0^20160101", 1 },
  { "1.0^20160101^git1", "1.0^20160101^git1", 0 },
  { "1.0^20160102", "1.0^20160101^git1", 1 },
  { "1.0^20160101^git1", "1.0^20160102", -1 },
  { "1.0~rc1^git1", "1.0~rc1^git1", 0 },
  { "1.0~rc1^git1", "1.0~rc1", 1 },
  { "1.0~rc1", "1.0~rc1^git1", -1 },
  { "1.0^git1~pre", "1.0^git1~pre", 0 },
  { "1.0^git1", "1.0^git1~pre", 1 },
  { "1.0^git1~pre", "1.0^git1", -1 },
};

static int
sgn (int r)
{
  return r < 0 ? -1 : r > 0;
}

/* cmp (a, b) has the sign want, as source answers, and swapping the sides
   flips it.  */
static void
assert_cmp (const char *source, int (*cmp) (const char *, const char *), const char *a,
            const char *b, int want)
{
  int got = sgn (cmp (a, b)), swapped = sgn (cmp (b, a));
  if (got != want)
    fail_msg ("%s says %.40s vs %.40s is %d, we say %d", source, a, b, want, got);
  if (swapped != -want)
    fail_msg ("%.40s vs %.40s is %d, swapped we say %d", a, b, want, swapped);
}

/* ---- the real tools ----------------------------------------------------- */

/* rpm.vercmp on every pair, in one rpm process: pairs go through a file
   that a Lua loop reads.  */
static bool
rpm_vercmp_batch (char *const *as, char *const *bs, size_t n, int *out)
{
  char path[] = "/tmp/og-test-version-XXXXXX";
  int fd = mkstemp (path);
  size_t got = 0;
  FILE *f;

  if (fd < 0)
    return false;
  f = fdopen (fd, "w");
  for (size_t i = 0; i < n; i++)
    fprintf (f, "%s %s\n", as[i], bs[i]);
  fclose (f);

  cleanup_free char *cmd = og_xasprintf (
      "rpm --eval \"%%{lua: local o = {} for l in io.lines('%s') do "
      "local a, b = l:match('^(%%S+) (%%S+)$') o[#o + 1] = tostring(rpm.vercmp(a, b)) end "
      "print(table.concat(o, ' '))}\"",
      path);
  f = popen (cmd, "r");
  if (f)
    {
      while (got < n && fscanf (f, "%d", &out[got]) == 1)
        got++;
      pclose (f);
    }
  unlink (path);
  return got == n;
}

/* Run dpkg with args; its exit status, and whether it wrote to stderr.  */
static int
run_dpkg (const char *const *args, bool *said_something)
{
  posix_spawn_file_actions_t fa;
  char errpath[] = "/tmp/og-test-dpkg-XXXXXX";
  int errfd = mkstemp (errpath), status = -1;
  pid_t pid;

  if (errfd < 0)
    return -1;
  posix_spawn_file_actions_init (&fa);
  posix_spawn_file_actions_adddup2 (&fa, errfd, 2);
  if (posix_spawnp (&pid, "dpkg", &fa, NULL, (char *const *)args, environ) == 0)
    waitpid (pid, &status, 0);
  posix_spawn_file_actions_destroy (&fa);
  if (said_something)
    *said_something = lseek (errfd, 0, SEEK_END) > 0;
  close (errfd);
  unlink (errpath);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* dpkg --compare-versions: -1, 0, 1, or 2 when dpkg refuses a version.  */
static int
dpkg_compare (const char *a, const char *b)
{
  const char *lt[] = { "dpkg", "--compare-versions", a, "lt", b, NULL };
  const char *eq[] = { "dpkg", "--compare-versions", a, "eq", b, NULL };
  int rc = run_dpkg (lt, NULL);
  if (rc == 0)
    return -1;
  if (rc != 1)
    return 2;
  return run_dpkg (eq, NULL) == 0 ? 0 : 1;
}

/* ---- rpm ---------------------------------------------------------------- */

static void
test_rpm_upstream_table (void **state)
{
  for (size_t i = 0; i < OG_ARRAY_SIZE (rpm_upstream); i++)
    {
      const pair *p = &rpm_upstream[i];
      assert_cmp ("rpmvercmp.at (EVR)", og_rpm_evr_cmp, p->a, p->b, p->want);
      /* No '-' nor ':' in these: the EVR compare is plain rpmvercmp.  */
      assert_cmp ("rpmvercmp.at", og_rpmvercmp, p->a, p->b, p->want);
    }
}

static char *
repeat (const char *head, char c, size_t n, const char *tail)
{
  size_t hl = strlen (head), tl = strlen (tail);
  char *s = og_xmalloc (hl + n + tl + 1);
  memcpy (s, head, hl);
  memset (s + hl, c, n);
  memcpy (s + hl + n, tail, tl + 1);
  return s;
}

/* Tricky EVRs and long inputs, each answered by the real rpm.  */
static void
test_rpm_tricky_vs_rpm (void **state)
{
  static const char *const fixed[][2] = {
    { "1~", "1" },
    { "1~~", "1~" },
    { "1^", "1" },
    { "1^", "1~" },
    { "1^^", "1^" },
    { "1^a", "1a" },
    { "1^1", "1.1" },
    { "~1", "1" },
    { "^1", "1" },
    { "^", "~" },
    { "1.0", "1_0" },
    { "1..0", "1.0" },
    { "007", "7" },
    { "0", "00" },
    { "000001", "1" },
    { "1a", "1" },
    { "1", "a" },
    { "a1", "1a" },
    { "A", "a" },
    { "Z", "a" },
    { "1.0-1", "1.0" },
    { "1.0", "1.0-1" },
    { "1.0-", "1.0" },
    { "1.0-", "1.0-0" },
    { "0:1.0", "1.0" },
    { ":1.0", "1.0" },
    { "1:1.0", "2.0" },
    { "01:1", "1:1" },
    { "10:1", "9:1" },
    { "a:1", "1" },
    { "1:2:3", "1:2" },
    { "1-2-3", "1-2" },
    { "1-2-3", "1-2-4" },
    { "1.0-1.el8", "1.0-1.el8_1" },
    { "1.\xc3\xa9", "1.a" },
    { "1\xc3\xa9", "1" },
    { "%", "_" },
    { "1%2", "1.2" },
    { "1:", "0:" },
    { "18446744073709551616", "18446744073709551615" },
    { "123456789012345678901234567890", "123456789012345678901234567891" },
    { "99999999999999999999999:1", "1:1" },
    { "4294967296:1", "0:2" },
  };
  enum
  {
    NFIXED = OG_ARRAY_SIZE (fixed),
    NLONG = 5,
    N = NFIXED + NLONG
  };
  char *as[N], *bs[N];
  int want[N];

  if (!fx_has_tool ("rpm"))
    fx_skip ("rpm is not installed (scripts/deps.sh test)");
  for (size_t i = 0; i < NFIXED; i++)
    {
      as[i] = og_xstrdup (fixed[i][0]);
      bs[i] = og_xstrdup (fixed[i][1]);
    }
  /* Numbers far past any integer type, long runs of '~', '^' and separators.  */
  as[NFIXED + 0] = repeat ("", '9', 100000, "");
  bs[NFIXED + 0] = repeat ("", '9', 99999, "8");
  as[NFIXED + 1] = repeat ("", '~', 100000, "");
  bs[NFIXED + 1] = repeat ("", '~', 100000, "1");
  as[NFIXED + 2] = repeat ("1", '.', 100000, "1");
  bs[NFIXED + 2] = repeat ("1", '0', 100000, "");
  as[NFIXED + 3] = repeat ("2:", '^', 50000, "-1");
  bs[NFIXED + 3] = repeat ("2:", '^', 50000, "");
  as[NFIXED + 4] = repeat ("1:", '0', 100000, "1");
  bs[NFIXED + 4] = repeat ("", '0', 100000, "2:1");

  assert_true (rpm_vercmp_batch (as, bs, N, want));
  for (size_t i = 0; i < N; i++)
    {
      assert_cmp ("rpm.vercmp", og_rpm_evr_cmp, as[i], bs[i], want[i]);
      free (as[i]);
      free (bs[i]);
    }
}

static void
test_rpm_valid (void **state)
{
  /* rpmbuild's rule for Version and Release: letters, digits, "._+~^".  */
  static const struct
  {
    const char *version;
    bool valid;
  } cases[] = {
    { "1.0", true },
    { "1:1.0.2k-19.el7_9", true },
    { "1.0~rc1^git2+x-0.1", true },
    { "", false },
    { NULL, false },
    { ":1.0", false },
    { "1.0-", false },
    { "1-2-3", false },
    { "a:1", false },
    { "1 0", false },
    { "1.%{dist}", false },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    if (og_version_valid (OG_PKG_RPM, cases[i].version) != cases[i].valid)
      fail_msg ("og_version_valid (RPM, %s) should be %s",
                cases[i].version ? cases[i].version : "NULL", cases[i].valid ? "true" : "false");
}

/* ---- dpkg --------------------------------------------------------------- */

static void
test_dpkg_tricky_vs_dpkg (void **state)
{
  static const char *const fixed[][2] = {
    { "1.0~rc1", "1.0" },
    { "1.0~", "1.0" },
    { "1.0~~", "1.0~" },
    { "1.0~~a", "1.0~" },
    { "1.0", "1.0+" },
    { "1.0a", "1.0+" },
    { "1.0a", "1.0A" },
    { "1.0-0", "1.0" },
    { "1.0-1", "1.0" },
    { "0:1.0", "1.0" },
    { "1:0", "2" },
    { "00:1", "0:1" },
    { "1.0-1-1", "1.0-1" },
    { "1:2:3", "1:2" },
    { "1.007", "1.7" },
    { "1.0.0", "1.0" },
    { "1.a", "1.+" },
    { "1~a", "1~+" },
    { "1+b", "1.b" },
    { " 1.0", "1.0 " },
    { "a1", "1" },
    { "1.0_1", "1.0.1" },
    { "1.\xc3\xa9", "1.+" },
    { "1.\xc3\xa9", "1.z" },
    { "1-~", "1-"
             "0" },
    { "1-0~", "1" },
    { "+1:1", "1:1" },
    { "1.0-a.b", "1.0-a+b" },
    { "2147483647:1", "2147483646:9" },
    { "18446744073709551616", "18446744073709551615" },
    { "123456789012345678901234567890", "123456789012345678901234567891" },
    { "1.00000000000000000000000000000000000001", "1.1" },
  };
  size_t n = 0;

  if (!fx_has_tool ("dpkg"))
    fx_skip ("dpkg is not installed");
  for (size_t i = 0; i < OG_ARRAY_SIZE (fixed); i++, n++)
    {
      const char *a = fixed[i][0], *b = fixed[i][1];
      int want = dpkg_compare (a, b);
      if (want == 2)
        fail_msg ("dpkg refused %s / %s: fix the table", a, b);
      assert_cmp ("dpkg", og_dpkg_vercmp, a, b, want);
    }

  /* Long digit runs (kept under the kernel's 128 KiB argument limit).  */
  cleanup_free char *a = repeat ("1.", '9', 60000, "");
  cleanup_free char *b = repeat ("1.", '9', 59999, "8~");
  cleanup_free char *c = repeat ("1.", '0', 60000, "1");
  assert_cmp ("dpkg", og_dpkg_vercmp, a, b, dpkg_compare (a, b));
  assert_cmp ("dpkg", og_dpkg_vercmp, c, "1.1", dpkg_compare (c, "1.1"));
  assert_true (n > 0);
}

/* og_version_valid(DEB) says true exactly when dpkg takes the version
   without an error or a warning.  */
static void
test_dpkg_valid_vs_dpkg (void **state)
{
  static const char *const cands[] = {
    "1.0",     "1:1.0-1",       "a1",           "1.0-",         ":1",       "1:",
    "-1:1",    "+1:1",          "1:1:1",        "1.0_1",        "1 0",      "1.0-a-b",
    "x:1",     "99999999999:1", "2147483647:1", "2147483648:1", "1.0-1~+.", "1.0-1:1",
    "1.0-1_1", "0:0",           " 1.0 ",        "1.\xc3\xa9",
  };

  if (!fx_has_tool ("dpkg"))
    fx_skip ("dpkg is not installed");
  for (size_t i = 0; i < OG_ARRAY_SIZE (cands); i++)
    {
      const char *args[] = { "dpkg", "--compare-versions", cands[i], "eq", cands[i], NULL };
      bool said = false;
      int rc = run_dpkg (args, &said);
      bool dpkg_ok = rc == 0 && !said;
      if (og_version_valid (OG_PKG_DEB, cands[i]) != dpkg_ok)
        fail_msg ("dpkg %s '%s' (exit %d), og_version_valid says %d",
                  dpkg_ok ? "accepts" : "complains about", cands[i], rc,
                  og_version_valid (OG_PKG_DEB, cands[i]));
    }
  assert_false (og_version_valid (OG_PKG_DEB, ""));
  assert_false (og_version_valid (OG_PKG_DEB, NULL));
}

/* ---- apk ---------------------------------------------------------------- */

static int
apk_mask (int r)
{
  return r < 0 ? 1 : r > 0 ? 4 : 2; /* LESS, EQUAL, GREATER */
}

static void
test_apk_upstream_data (void **state)
{
  const char *root = getenv ("OG_SOURCE_ROOT");
  cleanup_free char *path = og_xasprintf ("%s/tests/unit/apk_version.data", root ? root : ".");
  cleanup_file FILE *f = fopen (path, "r");
  cleanup_free char *line = NULL;
  size_t cap = 0, checked = 0, fuzzy = 0, lineno = 0;

  assert_non_null (f);
  while (getline (&line, &cap, f) >= 0)
    {
      char *hash = strchr (line, '#'), *w[3] = { 0 }, *save = NULL, *tok;
      int nw = 0;
      lineno++;
      if (hash)
        *hash = '\0';
      for (tok = strtok_r (line, " \t\n", &save); tok && nw < 3;
           tok = strtok_r (NULL, " \t\n", &save))
        w[nw++] = tok;
      if (nw == 0)
        continue;
      if (nw == 1)
        {
          bool invert = w[0][0] == '!';
          const char *v = w[0] + invert;
          if (og_version_valid (OG_PKG_APK, v) == invert)
            fail_msg ("%s:%zu: '%s' should be %s", path, lineno, v, invert ? "invalid" : "valid");
          checked++;
          continue;
        }
      assert_int_equal (nw, 3);
      const char *op = w[1];
      bool invert = *op == '!';
      int mask = 0;
      op += invert;
      if (strchr (op, '~'))
        {
          fuzzy++; /* fuzzy prefix matching (~, <~, >~) is not in our API */
          continue;
        }
      for (; *op; op++)
        mask |= *op == '<' ? 1 : *op == '=' ? 2 : *op == '>' ? 4 : 0;
      int r = og_apk_vercmp (w[0], w[2]);
      if (((apk_mask (r) & mask) != 0) == invert)
        fail_msg ("%s:%zu: %s %s %s does not hold (we say %d)", path, lineno, w[0], w[1], w[2], r);
      assert_int_equal (sgn (og_apk_vercmp (w[2], w[0])), -sgn (r));
      checked++;
    }
  print_message ("# apk: %zu rows of version.data checked, %zu fuzzy rows not applicable\n",
                 checked, fuzzy);
  assert_true (checked > 700);
}

/* ---- dispatch, NULL and hostile input ----------------------------------- */

static void
test_dispatch (void **state)
{
  /* Same pair, three orders: rpm and dpkg put '~' first, apk calls it a
     commit hash; "-r1" is a revision only to apk.  */
  assert_int_equal (sgn (og_version_cmp (OG_PKG_RPM, "1.0-1", "1.0")),
                    sgn (og_rpm_evr_cmp ("1.0-1", "1.0")));
  assert_int_equal (sgn (og_version_cmp (OG_PKG_DEB, "1.0~a", "1.0")),
                    sgn (og_dpkg_vercmp ("1.0~a", "1.0")));
  assert_int_equal (sgn (og_version_cmp (OG_PKG_APK, "1.0_rc1", "1.0")),
                    sgn (og_apk_vercmp ("1.0_rc1", "1.0")));
  /* NULL is the empty version, never a crash.  */
  assert_int_equal (og_rpmvercmp (NULL, NULL), 0);
  assert_int_equal (og_rpm_evr_cmp (NULL, ""), 0);
  assert_int_equal (og_dpkg_vercmp (NULL, ""), 0);
  assert_int_equal (og_apk_vercmp (NULL, ""), 0);
  assert_false (og_version_valid (OG_PKG_APK, NULL));
}

/* Megabyte inputs of every shape: answers in linear time, no stack growth,
   no overflow.  Under ASan/UBSan this is the hostile-input check.  */
static void
test_hostile_sizes (void **state)
{
  enum
  {
    BIG = 4 << 20
  };
  static const char fills[] = "0 9.~^-:_+aZr\xff";
  struct timespec t0, t1;
  int (*cmps[]) (const char *, const char *)
      = { og_rpmvercmp, og_rpm_evr_cmp, og_dpkg_vercmp, og_apk_vercmp };

  clock_gettime (CLOCK_MONOTONIC, &t0);
  for (size_t k = 0; k + 1 < sizeof fills; k++)
    {
      cleanup_free char *a = repeat ("1", fills[k], BIG, "");
      cleanup_free char *b = repeat ("1", fills[k], BIG, "1");
      for (size_t c = 0; c < OG_ARRAY_SIZE (cmps); c++)
        {
          int r1 = sgn (cmps[c](a, b)), r2 = sgn (cmps[c](b, a));
          assert_int_equal (r1, -r2);
          assert_int_equal (cmps[c](a, a), 0);
        }
      (void)og_version_valid (OG_PKG_RPM, a);
      (void)og_version_valid (OG_PKG_DEB, a);
      (void)og_version_valid (OG_PKG_APK, a);
    }
  clock_gettime (CLOCK_MONOTONIC, &t1);
  /* Generous bound for a shared, sanitized build: linear work is ~1 s.  */
  assert_true (t1.tv_sec - t0.tv_sec < 60);
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_rpm_upstream_table),
         cmocka_unit_test (test_rpm_tricky_vs_rpm), cmocka_unit_test (test_rpm_valid),
         cmocka_unit_test (test_dpkg_tricky_vs_dpkg), cmocka_unit_test (test_dpkg_valid_vs_dpkg),
         cmocka_unit_test (test_apk_upstream_data), cmocka_unit_test (test_dispatch),
         cmocka_unit_test (test_hostile_sizes));
