/* ocigate doctor: the node's description (the places the options name) and
   the report its checks write to, one line each (doctor_report.c).  Shared
   by doctor.c (options, the hook, the host config, its manifests, the audit
   file, the kernel, syslog, the layer cache) and doctor_runtimes.c.  */
#ifndef OG_CLI_DOCTOR_REPORT_H
#define OG_CLI_DOCTOR_REPORT_H

#include <stdbool.h>

#include "base/util.h"

typedef enum doctor_level
{
  DOCTOR_OK,
  DOCTOR_WARN,
  DOCTOR_FAIL,
} doctor_level;

#define DOCTOR_MAX_DIRS 8

typedef struct doctor
{
  const char *hook;                        /* the hook executable */
  const char *config;                      /* the host config */
  const char *hooks_dirs[DOCTOR_MAX_DIRS]; /* hooks.d directories to look in */
  size_t n_hooks_dirs;
  const char *containers_conf; /* NULL: podman's own places */
  const char *crio_conf;       /* NULL: CRI-O's own places */
  /* Drop-in directories (*.conf, read after the file above); with one of
     them or the file given, only what is given is read.  */
  const char *containers_conf_dirs[DOCTOR_MAX_DIRS];
  size_t n_containers_conf_dirs;
  const char *crio_conf_dirs[DOCTOR_MAX_DIRS];
  size_t n_crio_conf_dirs;
  const char *containerd_conf;   /* NULL: containerd's own place */
  const char *containerd_socket; /* NULL: /run/containerd/containerd.sock */
  const char *syslog_socket;
  bool syslog_socket_given; /* --syslog-socket: over the config's audit.syslog_socket */
  bool strict;              /* --strict: the warnings fail the run too */
  size_t n_warn, n_fail;
} doctor;

/* One line of the report: "ok", "warn" or "FAIL", then the text.  */
void doctor_say (doctor *d, doctor_level l, const char *fmt, ...)
    __attribute__ ((format (printf, 3, 4)));

#endif
