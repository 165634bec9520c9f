/* ocigate doctor: the hooks.d files and the container runtimes'
   configurations (doctor_runtimes.c).  */
#ifndef OG_CLI_DOCTOR_RUNTIMES_H
#define OG_CLI_DOCTOR_RUNTIMES_H

#include "doctor_report.h"

/* Every hooks.d file of d->hooks_dirs that names the hook, checked.  */
void doctor_hooks_dirs (doctor *d);
/* podman, CRI-O, containerd: their configuration, and whether they run the hook.  */
void doctor_runtimes (doctor *d);

#endif
