/* Package URLs: the purl spec (github.com/package-url/purl-spec), types
   rpm, deb and apk, with the OS as namespace.  */
#include "base/util.h"
#include "catalog/purl.h"

/* Percent-encode everything
   but the unreserved characters in names, versions and qualifier values.  */
static void
purl_put (og_buf *b, const char *s)
{
  for (; s && *s; s++)
    {
      unsigned char c = (unsigned char)*s;
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || strchr ("-._~", c))
        og_buf_putc (b, (char)c);
      else
        og_buf_printf (b, "%%%02X", c);
    }
}

char *
og_package_purl (const og_package *p, const og_osrelease *os)
{
  og_buf b = { 0 };
  const char *ns = os && os->id ? os->id : NULL;

  og_buf_printf (&b, "pkg:%s/", og_pkg_type_name (p->type));
  if (ns)
    {
      purl_put (&b, ns);
      og_buf_putc (&b, '/');
    }
  purl_put (&b, p->name);
  og_buf_putc (&b, '@');
  if (p->type == OG_PKG_DEB && p->has_epoch && p->epoch)
    {
      cleanup_free char *ev = og_xasprintf ("%u:%s", p->epoch, p->version ? p->version : "");
      purl_put (&b, ev);
    }
  else
    purl_put (&b, p->version);
  if (p->type == OG_PKG_RPM && p->release)
    {
      og_buf_putc (&b, '-');
      purl_put (&b, p->release);
    }
  og_buf_putc (&b, '?');
  og_buf_puts (&b, "arch=");
  purl_put (&b, p->arch ? p->arch : "noarch");
  if (p->type == OG_PKG_RPM && p->has_epoch)
    og_buf_printf (&b, "&epoch=%u", p->epoch);
  if (p->type != OG_PKG_APK && ns)
    {
      og_buf_puts (&b, "&distro=");
      purl_put (&b, ns);
      if (os->version_id)
        {
          og_buf_putc (&b, '-');
          purl_put (&b, os->version_id);
        }
    }
  return og_buf_steal (&b);
}
