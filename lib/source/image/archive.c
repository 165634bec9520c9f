/* The libarchive loader and readers of the image source: libarchive is
   loaded when an image is opened, not when the program starts.  It brings
   libxml2, ICU and a dozen compression libraries whose loading and
   relocation would add milliseconds to every directory inventory and every
   hook run, which never read an archive.  */
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "base/fileio.h"
#include "source/image/image_int.h"

/* The real functions, behind the names image_int.h maps archive_* to.  */
#undef archive_entry_filetype
#undef archive_entry_gid
#undef archive_entry_hardlink
#undef archive_entry_mode
#undef archive_entry_pathname
#undef archive_entry_size
#undef archive_entry_size_is_set
#undef archive_entry_symlink
#undef archive_entry_uid
#undef archive_entry_xattr_next
#undef archive_entry_xattr_reset
#undef archive_errno
#undef archive_error_string
#undef archive_filter_bytes
#undef archive_read_data
#undef archive_read_data_block
#undef archive_read_free
#undef archive_read_new
#undef archive_read_next_header
#undef archive_read_open2
#undef archive_read_open_fd
#undef archive_read_open_filename
#undef archive_read_support_filter_bzip2
#undef archive_read_support_filter_gzip
#undef archive_read_support_filter_xz
#undef archive_read_support_filter_zstd
#undef archive_read_support_format_raw
#undef archive_read_support_format_tar
#undef archive_set_error

#define OG_ARCHIVE_DEFINE(f) __typeof__ (f) *og_##f;
OG_ARCHIVE_FUNCS (OG_ARCHIVE_DEFINE)
#undef OG_ARCHIVE_DEFINE

static int
load_libarchive (og_error **err)
{
  static void *handle;
  void *h;
  if (handle)
    return 0;
  h = dlopen ("libarchive.so.13", RTLD_NOW | RTLD_LOCAL);
  if (h == NULL)
    return og_error_set (err, ELIBACC, "load libarchive.so.13 (install libarchive13): %s",
                         dlerror ());
#define OG_ARCHIVE_LOAD(f)                                                                         \
  if ((og_##f = (__typeof__ (og_##f))dlsym (h, #f)) == NULL)                                       \
    return og_error_set (err, ELIBACC, "libarchive.so.13 has no %s", #f);
  OG_ARCHIVE_FUNCS (OG_ARCHIVE_LOAD)
#undef OG_ARCHIVE_LOAD
  handle = h;
  return 0;
}

/* A reader behind the gzip, zstd, xz and bzip2 filters (and none): of tar
   members, or of one raw stream.  */
static struct archive *
new_filtered_reader (bool raw, og_error **err)
{
  struct archive *a;
  if (load_libarchive (err) < 0)
    return NULL;
  a = og_archive_read_new ();
  if (a == NULL)
    {
      og_error_set (err, ENOMEM, "archive_read_new");
      return NULL;
    }
  og_archive_read_support_filter_gzip (a);
  og_archive_read_support_filter_zstd (a);
  og_archive_read_support_filter_xz (a);
  og_archive_read_support_filter_bzip2 (a);
  if (raw)
    og_archive_read_support_format_raw (a);
  else
    og_archive_read_support_format_tar (a);
  return a;
}

struct archive *
img_new_reader (og_error **err)
{
  return new_filtered_reader (false, err);
}

/* The outer archive is read from an fd we opened and checked ourselves.  */
typedef struct outer_file
{
  int fd;
  uint8_t buf[1 << 16];
} outer_file;

static la_ssize_t
outer_read_cb (struct archive *a, void *ud, const void **buf)
{
  outer_file *f = ud;
  ssize_t n = TEMP_FAILURE_RETRY (read (f->fd, f->buf, sizeof f->buf));
  if (n < 0)
    og_archive_set_error (a, errno, "read: %s", strerror (errno));
  *buf = f->buf;
  return n;
}

/* Member data that is not wanted is skipped with lseek, not read: the outer
   archive is walked several times (its index, the config, the layers).
   Returns the bytes skipped; 0 makes libarchive read through instead.  */
static la_int64_t
outer_skip_cb (struct archive *a, void *ud, la_int64_t request)
{
  outer_file *f = ud;
  (void)a;
  if (request <= 0 || lseek (f->fd, (off_t)request, SEEK_CUR) < 0)
    return 0;
  return request;
}

static int
outer_close_cb (struct archive *a, void *ud)
{
  outer_file *f = ud;
  (void)a;
  close (f->fd);
  free (f);
  return ARCHIVE_OK;
}

/* Open the archive before looking at it (a FIFO cannot block the open):
   only a regular file is read.  The path is the one the operator gave, so
   a symbolic link to the archive is followed; its members are never opened
   by name.  */
static int
outer_open_fd (const char *path, og_error **err)
{
  struct stat st;
  cleanup_close int fd = og_open_stat (path, &st, err);
  if (fd < 0)
    return -1;
  if (!S_ISREG (st.st_mode))
    return og_error_set (err, 0, "image archive `%s` is %s, not a regular file", path,
                         img_file_type_name (st.st_mode));
  return og_steal_fd (&fd);
}

struct archive *
img_outer_open (const char *path, og_error **err)
{
  cleanup_archive struct archive *a = img_new_reader (err);
  outer_file *f;
  int fd;
  if (a == NULL)
    return NULL;
  fd = outer_open_fd (path, err);
  if (fd < 0)
    return NULL;
  f = og_xmalloc (sizeof *f);
  f->fd = fd;
  /* From here the archive owns f: the close callback frees it when the
     archive is freed, after a failure too.  */
  if (og_archive_read_open2 (a, f, NULL, outer_read_cb, outer_skip_cb, outer_close_cb)
      != ARCHIVE_OK)
    {
      /* libarchive reports a format it does not know with
         ARCHIVE_ERRNO_FILE_FORMAT (EILSEQ in archive.h) and its own mistakes
         with ARCHIVE_ERRNO_PROGRAMMER (EINVAL): no system call failed, and
         strerror of those would only mislead.  */
      int e = og_archive_errno (a);
      bool os = e > 0 && e != EILSEQ && e != EINVAL;
      og_error_set (err, os ? e : 0, "`%s`: %s%s", path, og_archive_error_string (a),
                    os ? ""
                       : " (not a tar archive, or compressed in a way this build cannot read); "
                         "give the file that docker save, podman save or skopeo copy wrote");
      return NULL;
    }
  return og_steal_pointer (&a);
}

const char *
img_norm_member (const char *name)
{
  while (name[0] == '.' && name[1] == '/')
    name += 2;
  while (*name == '/')
    name++;
  return name;
}

const char *
img_file_type_name (mode_t mode)
{
  switch (mode & S_IFMT)
    {
    case S_IFIFO:
      return "a FIFO";
    case S_IFCHR:
      return "a character device";
    case S_IFBLK:
      return "a block device";
    case S_IFSOCK:
      return "a socket";
    case S_IFDIR:
      return "a directory";
    case S_IFLNK:
      return "a symbolic link";
    default:
      return "not a file";
    }
}

/* A compressed host file (a rotated log) read as one stream: libarchive's
   raw format behind its gzip, zstd, xz and bzip2 filters.  */
struct archive *
og_decompress_open (int fd, const char *path, og_error **err)
{
  struct archive *a = new_filtered_reader (true, err);
  if (a == NULL)
    return NULL;
  if (og_archive_read_open_fd (a, fd, 1 << 16) != ARCHIVE_OK)
    {
      og_error_set (err, 0, "decompress `%s`: %s", path, og_archive_error_string (a));
      og_archive_read_free (a);
      return NULL;
    }
  struct archive_entry *e;
  if (og_archive_read_next_header (a, &e) != ARCHIVE_OK)
    {
      og_error_set (err, 0, "decompress `%s`: %s", path, og_archive_error_string (a));
      og_archive_read_free (a);
      return NULL;
    }
  return a;
}

ssize_t
og_decompress_read (struct archive *a, void *buf, size_t len, const char *path, og_error **err)
{
  la_ssize_t n = og_archive_read_data (a, buf, len);
  if (n < 0)
    return og_error_set (err, 0, "decompress `%s`: %s", path, og_archive_error_string (a));
  return n;
}

void
og_decompress_close (struct archive *a)
{
  if (a)
    og_archive_read_free (a);
}
