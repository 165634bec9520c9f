/* Progress on a terminal while a large image is read (see progress.h).
   Source of rchar: proc(5), /proc/pid/io ("the number of bytes which this
   task has caused to be read from storage ... the sum of bytes which this
   process passed to read(2) and similar system calls").  */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "progress.h"
#include "source/source.h"

/* What the line says; the thread ends at PROGRESS_DONE.  */
typedef enum progress_state
{
  PROGRESS_READING,
  PROGRESS_BUILDING, /* the image is read: the inventory is being built */
  PROGRESS_DONE,
} progress_state;

struct og_progress
{
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  progress_state state;
  time_t since; /* when state was entered */
  char *name;
  unsigned long long size;
  unsigned long long base; /* rchar when reading started */
};

static unsigned long long
rchar (void)
{
  char buf[512];
  unsigned long long v = 0;
  int fd = open ("/proc/self/io", O_RDONLY | O_CLOEXEC);
  ssize_t n = fd < 0 ? -1 : read (fd, buf, sizeof buf - 1);
  const char *p;

  if (fd >= 0)
    close (fd);
  if (n <= 0)
    return 0;
  buf[n] = '\0';
  p = strstr (buf, "rchar: ");
  if (p)
    v = strtoull (p + 7, NULL, 10);
  return v;
}

static void *
run (void *arg)
{
  og_progress *p = arg;
  struct timespec t;

  pthread_mutex_lock (&p->lock);
  while (p->state != PROGRESS_DONE)
    {
      unsigned long long got = rchar () - p->base;
      clock_gettime (CLOCK_REALTIME, &t);
      t.tv_nsec += 500000000L;
      if (t.tv_nsec >= 1000000000L)
        {
          t.tv_sec++;
          t.tv_nsec -= 1000000000L;
        }
      if (got > p->size)
        got = p->size; /* what libarchive reads again is not new progress */
      if (p->state == PROGRESS_BUILDING)
        fprintf (stderr, "\rocigate: %s read; building the inventory (%llds)\033[K", p->name,
                 (long long)(time (NULL) - p->since));
      else
        fprintf (stderr, "\rocigate: reading %s: %llu of %llu MB (%llu%%)\033[K", p->name,
                 got >> 20, p->size >> 20, p->size ? got * 100 / p->size : 0);
      fflush (stderr);
      pthread_cond_timedwait (&p->cond, &p->lock, &t);
    }
  pthread_mutex_unlock (&p->lock);
  fputs ("\r\033[K", stderr);
  fflush (stderr);
  return NULL;
}

/* The bytes of an OCI layout's blobs (blobs/ALGORITHM/DIGEST): what
   opening an image of it reads, at most (a layout may hold other images'
   blobs too).  */
static unsigned long long
layout_size (const char *dir)
{
  cleanup_free char *blobs = og_xasprintf ("%s/blobs", dir);
  unsigned long long total = 0;
  DIR *top = opendir (blobs);
  struct dirent *a;

  if (top == NULL)
    return 0;
  while ((a = readdir (top)) != NULL)
    {
      cleanup_close int fd = -1;
      DIR *alg;
      struct dirent *b;
      struct stat st;

      if (a->d_name[0] == '.')
        continue;
      fd = openat (dirfd (top), a->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      if (fd < 0 || (alg = fdopendir (fd)) == NULL)
        continue;
      fd = -1; /* the DIR has it */
      while ((b = readdir (alg)) != NULL)
        if (fstatat (dirfd (alg), b->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG (st.st_mode))
          total += (unsigned long long)st.st_size;
      closedir (alg);
    }
  closedir (top);
  return total;
}

og_progress *
og_progress_start (const char *spec, bool quiet)
{
  cleanup_free char *path = NULL;
  unsigned long long size = 0;
  bool layout;
  og_progress *p;
  struct stat st;

  if (quiet || !isatty (STDERR_FILENO))
    return NULL;
  path = og_source_image_path (spec, &layout);
  if (path && layout)
    size = layout_size (path);
  else if (path && stat (path, &st) == 0 && S_ISREG (st.st_mode))
    size = (unsigned long long)st.st_size;
  if (size < OG_PROGRESS_MIN)
    return NULL;
  p = og_xcalloc (1, sizeof *p);
  p->name = og_steal_pointer (&path);
  p->size = size;
  p->base = rchar ();
  pthread_mutex_init (&p->lock, NULL);
  pthread_cond_init (&p->cond, NULL);
  if (pthread_create (&p->thread, NULL, run, p) != 0)
    {
      free (p->name);
      free (p);
      return NULL; /* no progress is no failure */
    }
  return p;
}

/* Move the line on to state and wake the thread to show it.  */
static void
set_state (og_progress *p, progress_state state)
{
  pthread_mutex_lock (&p->lock);
  p->state = state;
  p->since = time (NULL);
  pthread_cond_signal (&p->cond);
  pthread_mutex_unlock (&p->lock);
}

void
og_progress_opened (og_progress *p)
{
  if (p != NULL)
    set_state (p, PROGRESS_BUILDING);
}

void
og_progress_stop (og_progress *p)
{
  if (p == NULL)
    return;
  set_state (p, PROGRESS_DONE);
  pthread_join (p->thread, NULL);
  pthread_mutex_destroy (&p->lock);
  pthread_cond_destroy (&p->cond);
  free (p->name);
  free (p);
}
