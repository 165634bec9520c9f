/* The hook's syslog line, in the form of RFC 5424 "The Syslog Protocol"
   (section 6): HEADER SP STRUCTURED-DATA SP MSG, where
     HEADER = <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID
   and the structured data is one element [ocigate@32473 name="value" ...]
   (32473 is the example enterprise number of RFC 5612; the SD-ID is the
   form of section 7.2.2).  glibc's syslog() writes the older BSD form
   (RFC 3164), with no structured data and no MSGID, so the line is made
   here and sent to the syslog daemon's datagram socket, connected before
   the sandbox (which allows send on it but no new socket).  */
#include <sys/socket.h>
#include <sys/un.h>

#include "hook.h"
#include "base/text.h"

/* A line is at most 4096 bytes (RFC 5424 section 6.1: receivers SHOULD
   accept 2048 and MAY accept more; rsyslog takes 8 KiB by default).  Each
   value is cut at SYSLOG_VALUE_MAX bytes before its escapes (at most twice
   as long after), so the structured data always fits whole, and MSG (the
   same facts for a person) takes what room is left.  A usual line is a few
   hundred bytes.  */
#define SYSLOG_LINE_MAX  4096
#define SYSLOG_VALUE_MAX 128

int
hook_syslog_open (const char *path, og_error **err)
{
  struct sockaddr_un sa = { .sun_family = AF_UNIX };
  cleanup_close int fd = -1;

  if (strlen (path) >= sizeof sa.sun_path)
    return og_error_set (err, 0, "syslog socket `%s`: the path is longer than a socket path can be",
                         path);
  memcpy (sa.sun_path, path, strlen (path) + 1);
  fd = socket (AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return og_error_set (err, errno, "make a socket for syslog");
  if (connect (fd, (const struct sockaddr *)&sa, sizeof sa) < 0)
    return og_error_set (err, errno, "connect to the syslog socket `%s`", path);
  return og_steal_fd (&fd);
}

const char *
hook_event_id (og_decision decision, const char *would)
{
  switch (decision)
    {
    case OG_DECISION_ALLOW:
      return would && strcmp (would, "allow") != 0 ? "OG-AUDIT-DENY" : "OG-ALLOW";
    case OG_DECISION_DENY:
      return "OG-DENY";
    case OG_DECISION_ERROR_ALLOW:
      return "OG-ERROR-ALLOW";
    case OG_DECISION_ERROR_DENY:
      return "OG-ERROR-DENY";
    default:
      return "OG-ERROR-DENY";
    }
}

/* Severity (RFC 5424 table 2): a launch that goes on as expected is
   informational, one that audit mode let through notice, a denial warning,
   an operational error an error.  */
static int
severity_of (og_decision decision, const char *would)
{
  switch (decision)
    {
    case OG_DECISION_ALLOW:
      return would && strcmp (would, "allow") != 0 ? 5 : 6;
    case OG_DECISION_DENY:
      return 4;
    case OG_DECISION_ERROR_ALLOW:
    case OG_DECISION_ERROR_DENY:
      return 3;
    default:
      return 3;
    }
}

/* The facility code (RFC 5424 table 1): daemon 3, authpriv 10.  */
static int
facility_of (const char *name)
{
  return name && strcmp (name, "daemon") == 0 ? 3 : 10;
}

/* One PARAM-VALUE: the text escaped as every line the hook writes is
   (base/text.h: no control character, valid UTF-8), cut at
   SYSLOG_VALUE_MAX bytes on a character boundary (marked "..."), then with
   '"', '\' and ']' escaped by a backslash (RFC 5424 section 6.3.3).  */
static void
sd_param (og_buf *b, const char *name, const char *value)
{
  cleanup_free char *text = og_text_escaped (value ? value : "");
  size_t n = strlen (text);
  bool cut = n > SYSLOG_VALUE_MAX;

  if (cut)
    {
      n = SYSLOG_VALUE_MAX;
      while (n > 0 && ((unsigned char)text[n] & 0xC0) == 0x80)
        n--;
    }
  og_buf_printf (b, " %s=\"", name);
  for (size_t i = 0; i < n; i++)
    {
      if (text[i] == '"' || text[i] == '\\' || text[i] == ']')
        og_buf_putc (b, '\\');
      og_buf_putc (b, text[i]);
    }
  if (cut)
    og_buf_puts (b, "...");
  og_buf_putc (b, '"');
}

static void
structured_data (og_buf *b, const hook_syslog_facts *f)
{
  char count[24];

  snprintf (count, sizeof count, "%zu", f->findings);
  og_buf_puts (b, "[ocigate@32473");
  sd_param (b, "decision", og_decision_name (f->decision));
  sd_param (b, "mode", f->mode ? f->mode : "-");
  sd_param (b, "container", f->container ? f->container : "-");
  sd_param (b, "image", f->image ? f->image : "-");
  sd_param (b, "manifest", f->manifest ? f->manifest : "-");
  sd_param (b, "findings", count);
  if (f->first)
    sd_param (b, "first", f->first);
  if (f->would)
    sd_param (b, "enforce_would", f->would);
  if (f->error)
    sd_param (b, "error", f->error);
  sd_param (b, "record", f->record);
  og_buf_putc (b, ']');
}

/* A HOSTNAME field: PRINTUSASCII, at most 255, "-" when unknown
   (RFC 5424 section 6.2.4).  */
static void
hostname (og_buf *b)
{
  char host[256] = "";
  size_t n = 0;

  gethostname (host, sizeof host - 1);
  for (char *p = host; *p; p++)
    if (*p > ' ' && *p < 127)
      host[n++] = *p;
  host[n] = '\0';
  og_buf_puts (b, n ? host : "-");
}

char *
hook_syslog_format (const hook_syslog_facts *f, size_t *len)
{
  og_buf b = { 0 };
  char now[32];

  og_audit_now (now);
  og_buf_printf (&b, "<%d>1 %s ",
                 facility_of (f->facility) * 8 + severity_of (f->decision, f->would), now);
  hostname (&b);
  og_buf_printf (&b, " ocigate %ld %s ", (long)getpid (), hook_event_id (f->decision, f->would));
  structured_data (&b, f);
  if (f->text && b.len + 1 < SYSLOG_LINE_MAX)
    {
      size_t room = SYSLOG_LINE_MAX - b.len - 1, n = strlen (f->text);
      if (n > room)
        {
          n = room;
          while (n > 0 && ((unsigned char)f->text[n] & 0xC0) == 0x80)
            n--;
        }
      og_buf_putc (&b, ' ');
      og_buf_append (&b, f->text, n);
    }
  *len = b.len;
  return og_buf_steal (&b);
}

int
hook_syslog_send (int fd, const char *line, size_t len, og_error **err)
{
  ssize_t n = TEMP_FAILURE_RETRY (send (fd, line, len, MSG_NOSIGNAL));
  if (n < 0)
    return og_error_set (err, errno, "send the syslog line");
  return 0;
}
