/* Progress on a terminal while a large image is read (see progress.h).
   Source of rchar: proc(5), /proc/pid/io ("the number of bytes which this
   task has caused to be read from storage ... the sum of bytes which this
   process passed to read(2) and similar system calls").  */
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/util.h"
#include "progress.h"

struct og_progress
{
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool done;
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
  while (!p->done)
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
      fprintf (stderr, "\rocigate: reading %s: %llu of %llu MB (%llu%%)\033[K", p->name, got >> 20,
               p->size >> 20, p->size ? got * 100 / p->size : 0);
      fflush (stderr);
      pthread_cond_timedwait (&p->cond, &p->lock, &t);
    }
  pthread_mutex_unlock (&p->lock);
  fputs ("\r\033[K", stderr);
  fflush (stderr);
  return NULL;
}

/* The archive file SOURCE names, or NULL (directories, layouts).  */
static const char *
archive_path (const char *spec)
{
  static const char *const prefixes[] = { "docker-archive:", "oci-archive:" };
  for (size_t i = 0; i < OG_ARRAY_SIZE (prefixes); i++)
    if (og_str_has_prefix (spec, prefixes[i]))
      return spec + strlen (prefixes[i]);
  if (og_str_has_prefix (spec, "oci:") || og_str_has_prefix (spec, "dir:"))
    return NULL;
  return spec;
}

og_progress *
og_progress_start (const char *spec, bool quiet)
{
  const char *path = archive_path (spec);
  og_progress *p;
  struct stat st;

  if (quiet || path == NULL || !isatty (STDERR_FILENO) || stat (path, &st) < 0
      || !S_ISREG (st.st_mode) || (unsigned long long)st.st_size < OG_PROGRESS_MIN)
    return NULL;
  p = og_xcalloc (1, sizeof *p);
  p->name = og_xstrdup (path);
  p->size = (unsigned long long)st.st_size;
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

void
og_progress_stop (og_progress *p)
{
  if (p == NULL)
    return;
  pthread_mutex_lock (&p->lock);
  p->done = true;
  pthread_cond_signal (&p->cond);
  pthread_mutex_unlock (&p->lock);
  pthread_join (p->thread, NULL);
  pthread_mutex_destroy (&p->lock);
  pthread_cond_destroy (&p->cond);
  free (p->name);
  free (p);
}
