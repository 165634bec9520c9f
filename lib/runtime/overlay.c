/* The container's root as an overlay mount.

   mountinfo, proc(5) and the kernel's fs/proc_namespace.c (show_mountinfo):
     ID PARENT MAJ:MIN ROOT MOUNT_POINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPER_OPTIONS
   ROOT and MOUNT_POINT escape space, tab, newline and backslash as \ooo
   (mangle).  Overlayfs writes its super options itself (fs/overlayfs/
   params.c ovl_show_options): lowerdir=A:B (each layer escaped for ":",
   ",", space, tab, newline and backslash as \ooo since Linux 6.5; before,
   the string as given, with seq_show_option's escapes, where a ":" inside
   a path is written "\:" and so shows as "\134:"), upperdir=, workdir=,
   and the features (redirect_dir=, metacopy=, userxattr, "::" data-only
   layers, Linux 6.5 lowerdir+=/datadir+=).  Documentation/filesystems/
   overlayfs.rst.  */
#include <fcntl.h>
#include <limits.h>
#include <linux/mount.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/xattr.h>
#include <sys/utsname.h>

#include "runtime/overlay.h"
#include "base/fileio.h"
#include "base/reader.h"
#include "base/util.h"
#include "og-config.h"

#define MAX_LINE  (1u << 20)
#define MAX_LOWER 500 /* overlayfs's own limit */

void
og_overlay_mount_clear (og_overlay_mount *m)
{
  og_strv_free (m->lowers, m->n_lowers);
  og_strv_free (m->below, m->n_below);
  free (m->upper);
  free (m->redirect_dir);
  free (m->mount_point);
  memset (m, 0, sizeof *m);
}

static int
octal (const char *p, size_t n)
{
  if (n < 4 || p[0] != '\\')
    return -1;
  for (int i = 1; i < 4; i++)
    if (p[i] < '0' || p[i] > '7')
      return -1;
  return ((p[1] - '0') << 6) | ((p[2] - '0') << 3) | (p[3] - '0');
}

/* A field with its \ooo escapes decoded.  */
static char *
unescape (const char *p, size_t n)
{
  char *out = og_xmalloc (n + 1);
  size_t o = 0;
  for (size_t i = 0; i < n;)
    {
      int c = octal (p + i, n - i);
      if (c > 0)
        {
          out[o++] = (char)c;
          i += 4;
        }
      else
        out[o++] = p[i++];
    }
  out[o] = '\0';
  return out;
}

/* lowerdir's value split at the ":" that separate layers: a raw ":" does,
   one escaped (\072, or "\:" written as \134:) does not.  "::" (data-only
   layers follow) makes *data_only true.  */
static void
split_lowers (const char *v, size_t n, og_strv *out, bool *data_only)
{
  og_buf cur = { 0 };
  for (size_t i = 0; i <= n;)
    {
      int c = i < n ? octal (v + i, n - i) : -1;
      if (i == n || v[i] == ':')
        {
          og_buf_putc (&cur, '\0');
          if (cur.len == 1 && i > 0 && i < n)
            *data_only = true;
          else if (cur.len > 1)
            og_strv_push (out, cur.data);
          cur.len = 0;
          i++;
        }
      else if (c == '\\' && i + 4 < n && v[i + 4] == ':')
        {
          og_buf_putc (&cur, ':');
          i += 5;
        }
      else if (c > 0)
        {
          og_buf_putc (&cur, (char)c);
          i += 4;
        }
      else
        og_buf_putc (&cur, v[i++]);
    }
  og_buf_free (&cur);
}

static bool
opt_is (const char *o, size_t n, const char *name)
{
  return strlen (name) == n && memcmp (o, name, n) == 0;
}

/* The super options of an overlay mount.  */
static void
parse_options (const char *p, size_t n, og_overlay_mount *m)
{
  cleanup_strv og_strv lowers = { 0 };
  bool data_only = false;

  for (size_t i = 0; i < n;)
    {
      size_t j = i, k;
      while (j < n && p[j] != ',')
        j++;
      for (k = i; k < j && p[k] != '='; k++)
        ;
      {
        const char *key = p + i, *val = p + k + 1;
        size_t klen = k - i, vlen = k < j ? j - k - 1 : 0;
        if (opt_is (key, klen, "lowerdir") || opt_is (key, klen, "lowerdir+"))
          split_lowers (val, vlen, &lowers, &data_only);
        else if (opt_is (key, klen, "datadir+"))
          data_only = true;
        else if (opt_is (key, klen, "upperdir"))
          {
            free (m->upper);
            m->upper = unescape (val, vlen);
          }
        else if (opt_is (key, klen, "userxattr"))
          m->userxattr = true;
        else if (opt_is (key, klen, "redirect_dir"))
          {
            free (m->redirect_dir);
            m->redirect_dir = unescape (val, vlen);
          }
        else if (opt_is (key, klen, "metacopy") && !(vlen == 3 && memcmp (val, "off", 3) == 0))
          m->unsupported = "metacopy=on";
      }
      i = j + 1;
    }
  if (data_only)
    m->unsupported = "data-only lower layers";
  if (lowers.n == 0 && m->unsupported == NULL)
    m->unsupported = "no lowerdir in the mount options";
  if (lowers.n > MAX_LOWER)
    m->unsupported = "more lower layers than overlayfs takes";
  for (size_t i = 0; i < lowers.n; i++)
    if (lowers.v[i][0] != '/')
      m->unsupported = "a relative lower layer path";
  if (m->upper && m->upper[0] != '/')
    m->unsupported = "a relative upper layer path";
  /* An upper directory's redirect is a trusted.overlay.* xattr that the
     sandboxed hook cannot read: with redirects made, the root is walked.  */
  if (m->redirect_dir && strcmp (m->redirect_dir, "on") == 0)
    m->unsupported = "redirect_dir=on";
  m->lowers = og_steal_pointer (&lowers.v);
  m->n_lowers = lowers.n;
  lowers.n = 0;
}

/* The fields of one line: up to max, split at spaces.  */
static size_t
fields (const char *line, size_t n, const char **f, size_t *fl, size_t max)
{
  size_t nf = 0;
  for (size_t i = 0; i < n && nf < max;)
    {
      size_t j = i;
      while (j < n && line[j] != ' ')
        j++;
      f[nf] = line + i;
      fl[nf++] = j - i;
      i = j + 1;
    }
  return nf;
}

typedef struct mi_line
{
  uint64_t id;
  const char *root, *mp, *fstype, *super;
  size_t root_len, mp_len, fstype_len, super_len;
} mi_line;

static int
parse_line (const char *line, size_t n, size_t lineno, mi_line *out, og_error **err)
{
  const char *f[64];
  size_t fl[64], nf = fields (line, n, f, fl, OG_ARRAY_SIZE (f)), dash = 0;
  char num[24];

  for (size_t i = 6; i < nf; i++)
    if (fl[i] == 1 && f[i][0] == '-')
      {
        dash = i;
        break;
      }
  if (nf < 10 || dash == 0 || dash + 2 >= nf || fl[0] == 0 || fl[0] >= sizeof num)
    return og_error_set_code (err, OG_ERR_CONTENT, 0, "/proc/self/mountinfo:%zu: malformed",
                              lineno);
  memcpy (num, f[0], fl[0]);
  num[fl[0]] = '\0';
  out->id = strtoull (num, NULL, 10);
  out->root = f[3];
  out->root_len = fl[3];
  out->mp = f[4];
  out->mp_len = fl[4];
  out->fstype = f[dash + 1];
  out->fstype_len = fl[dash + 1];
  out->super = dash + 3 < nf ? f[dash + 3] : "";
  out->super_len = dash + 3 < nf ? fl[dash + 3] : 0;
  return 0;
}

int
og_overlay_parse_mountinfo (const char *data, size_t len, uint64_t mnt_id, og_overlay_mount *out,
                            og_error **err)
{
  og_reader r;
  const char *line;
  size_t n, lineno = 0;
  cleanup_strv og_strv mps = { 0 };
  bool found = false;

  memset (out, 0, sizeof *out);
  og_reader_init (&r, data, len);
  while (og_reader_line (&r, MAX_LINE, &line, &n))
    {
      mi_line l = { 0 };
      lineno++;
      if (n == 0)
        continue;
      if (parse_line (line, n, lineno, &l, err) < 0)
        {
          og_overlay_mount_clear (out);
          return -1;
        }
      {
        cleanup_free char *mp = unescape (l.mp, l.mp_len);
        og_strv_push (&mps, mp);
        if (l.id != mnt_id)
          continue;
        og_overlay_mount_clear (out);
        found = opt_is (l.fstype, l.fstype_len, "overlay");
        if (found)
          {
            out->mount_point = og_steal_pointer (&mp);
            parse_options (l.super, l.super_len, out);
            /* A bind mount of a directory inside an overlay shows that
               directory, not the merge of the layers' roots.  */
            if (!opt_is (l.root, l.root_len, "/"))
              out->unsupported = "a bind mount of a directory inside an overlay";
          }
      }
    }
  if (!og_reader_at_end (&r))
    {
      og_overlay_mount_clear (out);
      return og_error_set_code (err, OG_ERR_CONTENT, 0,
                                "/proc/self/mountinfo:%zu: line longer than %u bytes", lineno + 1,
                                MAX_LINE);
    }
  if (!found)
    {
      og_overlay_mount_clear (out);
      return 1;
    }
  {
    size_t l = strlen (out->mount_point);
    og_strv below = { 0 };
    if (l == 1)
      l = 0; /* the root mount: "/" + ... */
    for (size_t i = 0; i < mps.n; i++)
      if (strncmp (mps.v[i], out->mount_point, l) == 0 && mps.v[i][l] == '/' && mps.v[i][l + 1])
        og_strv_push (&below, mps.v[i] + l);
    out->below = below.v;
    out->n_below = below.n;
  }
  return 0;
}

int
og_overlay_find (const char *root, og_overlay_mount *out, og_error **err)
{
  struct statx stx;
  cleanup_free char *data = NULL;
  size_t len = 0;
  int ret;

  memset (out, 0, sizeof *out);
  if (statx (AT_FDCWD, root, AT_NO_AUTOMOUNT, STATX_MNT_ID, &stx) < 0)
    return og_error_set (err, errno, "stat `%s`", root);
  if (!(stx.stx_mask & STATX_MNT_ID))
    return 1;
  if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)
      || !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
    return 1; /* a directory inside a mount, not the mount's root */
  if (og_read_file ("/proc/self/mountinfo", OG_MOUNTINFO_MAX, &data, &len, err) < 0)
    return -1;
  ret = og_overlay_parse_mountinfo (data, len, stx.stx_mnt_id, out, err);
  if (ret == 0 && out->redirect_dir == NULL)
    {
      /* No redirect_dir= shown: the module's default (redirect_dir=on when Y).  */
      cleanup_free char *param = NULL;
      size_t plen = 0;
      cleanup_error og_error *perr = NULL;
      if (og_read_file ("/sys/module/overlay/parameters/redirect_dir", 4096, &param, &plen, &perr)
              < 0
          || param[0] != 'N')
        out->unsupported = "redirect_dir=on by the overlay module's default (or unknown)";
    }
  return ret;
}

int
og_overlay_mount_lowers (const og_overlay_mount *m, int *fd, og_error **err)
{
  cleanup_close int fsfd = -1;
  cleanup_buf og_buf lower = { 0 };
  int mfd;

  for (size_t i = 0; i < m->n_lowers; i++)
    {
      if (strpbrk (m->lowers[i], ":,\\"))
        return og_error_set (err, 0, "lower layer `%s`: a path with \":\", \",\" or \"\\\"",
                             m->lowers[i]);
      og_buf_printf (&lower, "%s%s", i ? ":" : "", m->lowers[i]);
    }
  fsfd = (int)syscall (SYS_fsopen, "overlay", 1 /* FSOPEN_CLOEXEC */);
  if (fsfd < 0)
    return og_error_set (err, errno, "fsopen overlay");
  if (syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "lowerdir", lower.data, 0) < 0)
    return og_error_set (err, errno, "fsconfig lowerdir");
  if (m->userxattr && syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0)
    return og_error_set (err, errno, "fsconfig userxattr");
  if (m->redirect_dir
      && syscall (SYS_fsconfig, fsfd, FSCONFIG_SET_STRING, "redirect_dir", m->redirect_dir, 0) < 0)
    return og_error_set (err, errno, "fsconfig redirect_dir");
  if (syscall (SYS_fsconfig, fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return og_error_set (err, errno, "mount the lower layers (fsconfig create)");
  mfd = (int)syscall (SYS_fsmount, fsfd, FSMOUNT_CLOEXEC,
                      MOUNT_ATTR_RDONLY | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
  if (mfd < 0)
    return og_error_set (err, errno, "fsmount the lower layers");
  *fd = mfd;
  return 0;
}

/* The layer ID the storage names in a layer's path: containers-storage
   ".../overlay/ID/diff" and ".../overlay/l/LINK", containerd
   ".../snapshots/ID/fs"; "" when none.  */
static char *
layer_id (const char *path)
{
  const char *last = strrchr (path, '/'), *prev = last;
  if (last == NULL)
    return og_xstrdup ("");
  while (prev > path && prev[-1] != '/')
    prev--;
  if (strcmp (last, "/diff") == 0 || strcmp (last, "/fs") == 0)
    return og_xstrndup (prev, (size_t)(last - prev));
  if (prev > path + 1 && strncmp (prev - 2, "l/", 2) == 0)
    return og_xasprintf ("l/%s", last + 1);
  return og_xstrdup ("");
}

/* A path in the key, one line: "\" and newline escaped.  */
static void
put_path (og_buf *b, const char *p)
{
  for (; *p; p++)
    if (*p == '\\' || *p == '\n')
      og_buf_printf (b, "\\%03o", (unsigned char)*p);
    else
      og_buf_putc (b, *p);
}

int
og_overlay_key (const og_overlay_mount *m, char **text, og_sha256_hex hex, og_error **err)
{
  cleanup_buf og_buf b = { 0 };
  struct utsname u;

  if (uname (&u) < 0)
    return og_error_set (err, errno, "uname");
  og_buf_printf (&b, "ocigate-layer-cache 1\nocigate %s\nkernel %s\nuserxattr %d\n", OG_VERSION,
                 u.release, m->userxattr ? 1 : 0);
  for (size_t i = 0; i < m->n_lowers; i++)
    {
      struct statx stx;
      cleanup_free char *id = layer_id (m->lowers[i]);
      if (statx (AT_FDCWD, m->lowers[i], 0, STATX_INO | STATX_CTIME | STATX_TYPE, &stx) < 0)
        return og_error_set (err, errno, "stat lower layer `%s`", m->lowers[i]);
      if (!S_ISDIR (stx.stx_mode))
        return og_error_set (err, 0, "lower layer `%s` is not a directory", m->lowers[i]);
      og_buf_puts (&b, "lower ");
      put_path (&b, m->lowers[i]);
      og_buf_printf (&b, "\n id %s dev %u:%u ino %llu ctime %lld.%09u\n", id, stx.stx_dev_major,
                     stx.stx_dev_minor, (unsigned long long)stx.stx_ino,
                     (long long)stx.stx_ctime.tv_sec, stx.stx_ctime.tv_nsec);
    }
  if (og_sha256_hex_of (b.data, b.len, hex, err) < 0)
    return -1;
  *text = og_buf_steal (&b);
  return 0;
}

/* ---- the package databases' directories ------------------------------ */

/* What fd is open on, as the kernel names it; NULL when it cannot say.  */
static char *
fd_path (int fd)
{
  char link[32], buf[PATH_MAX];
  ssize_t n;
  snprintf (link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink (link, buf, sizeof buf - 1);
  if (n <= 0 || (size_t)n >= sizeof buf - 1)
    return NULL;
  buf[n] = '\0';
  return og_xstrdup (buf);
}

static bool
path_under (const char *path, const char *dir)
{
  size_t n = strlen (dir);
  return strcmp (dir, "/") == 0
         || (strncmp (path, dir, n) == 0 && (path[n] == '/' || path[n] == '\0'));
}

/* Does the upper layer leave path (inside the root) as the lower layers
   have it: nothing at it, and on the way only directories that are neither
   opaque nor redirected?  */
static bool
upper_leaves (const og_overlay_mount *m, const char *path)
{
  const char *opaque = m->userxattr ? "user.overlay.opaque" : "trusted.overlay.opaque";
  const char *redirect = m->userxattr ? "user.overlay.redirect" : "trusted.overlay.redirect";
  cleanup_free char *copy = og_xstrdup (path);
  cleanup_close int dfd = -1;
  char *save = NULL;
  char v[8];

  if (m->upper == NULL)
    return true;
  dfd = open (m->upper, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return false;
  for (char *c = strtok_r (copy, "/", &save); c; c = strtok_r (NULL, "/", &save))
    {
      struct stat st;
      int next;
      if (fstatat (dfd, c, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT;
      if (!S_ISDIR (st.st_mode) || save == NULL || *save == '\0')
        return false; /* something other than a directory, or path itself */
      next = openat (dfd, c, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (next < 0)
        return false;
      close (dfd);
      dfd = next;
      if (fgetxattr (dfd, opaque, v, sizeof v) >= 0 || errno == ERANGE
          || fgetxattr (dfd, redirect, v, sizeof v) >= 0 || errno == ERANGE)
        return false;
    }
  return false; /* path is the root itself */
}

/* Is a mount below the root at, above or below path?  */
static bool
mounted (const og_overlay_mount *m, const char *path)
{
  for (size_t i = 0; i < m->n_below; i++)
    if (path_under (m->below[i], path) || path_under (path, m->below[i]))
      return true;
  return false;
}

/* dir's path in the merged tree, symlinks resolved by the kernel inside
   the root without leaving its mount: 0, 1 when it does not exist, -1 when
   it cannot be said.  */
static int
resolve_in_merged (int rootfd, const char *root_real, const char *dir, char **out)
{
  struct open_how how = { .flags = O_PATH | O_CLOEXEC,
                          .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV };
  cleanup_close int fd = -1;
  cleanup_free char *real = NULL;
  size_t n = strlen (root_real);

  fd = og_openat2 (rootfd, dir + 1, &how);
  if (fd < 0)
    return errno == ENOENT ? 1 : -1;
  real = fd_path (fd);
  if (real == NULL || strncmp (real, root_real, n) != 0 || (real[n] != '/' && real[n] != '\0'))
    return -1;
  *out = og_xstrdup (real[n] ? real + n : "/");
  return 0;
}

bool
og_overlay_pkgdb_untouched (const og_overlay_mount *m, const char *root, const char *const *dirs,
                            size_t n, char ***canon)
{
  cleanup_close int rootfd = open (root, O_PATH | O_DIRECTORY | O_CLOEXEC);
  cleanup_free char *root_real = rootfd >= 0 ? fd_path (rootfd) : NULL;
  bool ok = root_real != NULL;

  *canon = og_xcalloc (n + 1, sizeof **canon);
  for (size_t i = 0; i < n; i++)
    {
      char *c = NULL;
      if (ok
          && resolve_in_merged (rootfd, strcmp (root_real, "/") == 0 ? "" : root_real, dirs[i], &c)
                 < 0)
        ok = false;
      (*canon)[i] = c ? c : og_xstrdup (dirs[i]);
      ok = ok && upper_leaves (m, dirs[i]) && upper_leaves (m, (*canon)[i]) && !mounted (m, dirs[i])
           && !mounted (m, (*canon)[i]);
    }
  return ok;
}
