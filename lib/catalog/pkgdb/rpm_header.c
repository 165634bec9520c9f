/* A package from an rpm header blob: its name, version, files, file
   attributes and dependencies (the blob's structure, be32 il, be32 dl, il
   index entries {tag, type, offset, count}, then dl bytes of data, is read
   and checked by rpm_hdr.c).

   Source: rpm lib/header.c (hdrblobInit, hdrblobVerifyRegion,
   hdrblobVerifyInfo, hdrblobImport, dataLength, regionSwab) and
   lib/header_internal.h; tag numbers and types from include/rpm/rpmtag.h.

   The checks follow rpm's own: caps on il and dl, the exact blob size, the
   region tag (61/62/63) and its trailer (negative offset = ril * 16), then
   per entry: tag range, type range, alignment, offset within dl, data that
   fits (strings NUL-terminated within dl), entries in offset order without
   overlap, and the data area fully accounted for.  Entries after the region
   ("dribbles") replace region entries of the same tag.  On top of rpm we
   refuse duplicate tags within the region or within the dribbles, and data
   that straddles the region trailer, because either would make the answer
   depend on lookup order.

   Dependencies: REQUIRENAME/REQUIREFLAGS/REQUIREVERSION and
   PROVIDENAME/PROVIDEFLAGS/PROVIDEVERSION, parallel arrays (rpm
   lib/rpmds.c rpmdsNewPool: the flags and versions, when present, have one
   item per name).  Only the comparison bits of the flags (RPMSENSE_LESS,
   GREATER, EQUAL) are kept.  "rpmlib(...)" requirements name features of rpm
   itself that no package provides (rpm lib/rpmds.c rpmdsRpmlib), so they
   are dropped here.  A requirement whose flags make it an install-time
   prerequisite only (rpm lib/rpmlib.h isInstallPreReq && !isErasePreReq:
   Requires(pre), (post), (pretrans), (posttrans)) is kept as
   OG_DEP_INSTALL_ONLY: rpm does not index it in Requirename, so it keeps
   nothing installed.  */
#include <stdlib.h>

#include "catalog/pkgdb/pkgdb.h"
#include "base/reader.h"
#include "base/util.h"
#include "catalog/pkgdb/rpm_hdr.h"

static int
parse_paths (const hdr *h, og_package *pkg, uint32_t *nfiles, og_error **err)
{
  og_reader base, dirs;
  uint32_t nbase = 0, ndirs = 0;
  const hdr_entry *di;
  cleanup_free const char **dirp = NULL;
  cleanup_free size_t *dirn = NULL;
  cleanup_buf og_buf path = { 0 };
  int r;

  *nfiles = 0;
  r = og_rpmhdr_get_string_array (h, TAG_BASENAMES, "BASENAMES", false, 0, &base, &nbase, err);
  if (r < 0)
    return -1;
  if (r > 0 && nbase > MAX_FILES)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s: %u files, more than %u", h->what, nbase,
                              MAX_FILES);
  if (r == 0)
    {
      r = og_rpmhdr_get_string_array (h, TAG_OLDFILENAMES, "OLDFILENAMES", false, 0, &base, &nbase,
                                      err);
      if (r <= 0)
        return r;
      if (nbase > MAX_FILES)
        return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s: %u files, more than %u", h->what,
                                  nbase, MAX_FILES);
      if (og_rpmhdr_find (h, TAG_DIRNAMES) || og_rpmhdr_find (h, TAG_DIRINDEXES))
        return og_error_set (err, 0, "%s: DIRNAMES/DIRINDEXES without BASENAMES", h->what);
      for (uint32_t i = 0; i < nbase; i++)
        {
          const char *s;
          size_t n;
          if (!og_rpmhdr_next_str (&base, &s, &n))
            return og_error_set (err, 0, "%s: OLDFILENAMES unreadable", h->what);
          og_package_add_file (pkg, s, n);
        }
      *nfiles = nbase;
      return 0;
    }

  r = og_rpmhdr_get_string_array (h, TAG_DIRNAMES, "DIRNAMES", false, 0, &dirs, &ndirs, err);
  if (r <= 0)
    return r < 0 ? -1 : og_error_set (err, 0, "%s: BASENAMES without DIRNAMES", h->what);
  r = og_rpmhdr_get_file_ints (h, TAG_DIRINDEXES, "DIRINDEXES", nbase, &di, err);
  if (r <= 0)
    return r < 0 ? -1 : og_error_set (err, 0, "%s: BASENAMES without DIRINDEXES", h->what);
  if (ndirs > MAX_FILES)
    return og_error_set_code (err, OG_ERR_LIMIT, 0, "%s: %u DIRNAMES, more than %u", h->what, ndirs,
                              MAX_FILES);

  dirp = og_xcalloc (ndirs, sizeof *dirp);
  dirn = og_xcalloc (ndirs, sizeof *dirn);
  for (uint32_t i = 0; i < ndirs; i++)
    if (!og_rpmhdr_next_str (&dirs, &dirp[i], &dirn[i]))
      return og_error_set (err, 0, "%s: DIRNAMES unreadable", h->what);

  for (uint32_t i = 0; i < nbase; i++)
    {
      const char *s;
      size_t n;
      uint64_t d;
      if (!og_rpmhdr_next_str (&base, &s, &n) || !og_rpmhdr_entry_int (h, di, i, &d))
        return og_error_set (err, 0, "%s: BASENAMES unreadable", h->what);
      if (d >= ndirs)
        return og_error_set (err, 0, "%s: file %u: DIRINDEXES %llu out of range (%u dirs)", h->what,
                             i, (unsigned long long)d, ndirs);
      path.len = 0;
      og_buf_append (&path, dirp[d], dirn[d]);
      og_buf_append (&path, s, n);
      og_package_add_file (pkg, path.data, path.len);
    }
  *nfiles = nbase;
  return 0;
}

static int
parse_file_attrs (const hdr *h, og_package *pkg, uint32_t nfiles, og_error **err)
{
  const hdr_entry *sizes, *modes, *flags, *states;
  og_reader dig;
  uint32_t ndig = 0;
  int has_dig;
  uint64_t v;

  if (og_rpmhdr_get_file_ints (h, TAG_LONGFILESIZES, "LONGFILESIZES", nfiles, &sizes, err) < 0)
    return -1;
  if (sizes == NULL
      && og_rpmhdr_get_file_ints (h, TAG_FILESIZES, "FILESIZES", nfiles, &sizes, err) < 0)
    return -1;
  if (og_rpmhdr_get_file_ints (h, TAG_FILEMODES, "FILEMODES", nfiles, &modes, err) < 0
      || og_rpmhdr_get_file_ints (h, TAG_FILEFLAGS, "FILEFLAGS", nfiles, &flags, err) < 0
      || og_rpmhdr_get_file_ints (h, TAG_FILESTATES, "FILESTATES", nfiles, &states, err) < 0)
    return -1;
  has_dig = og_rpmhdr_get_string_array (h, TAG_FILEDIGESTS, "FILEDIGESTS", true, nfiles, &dig,
                                        &ndig, err);
  if (has_dig < 0)
    return -1;
  /* With no files, rpm writes no file arrays; a lone empty one is harmless.  */
  for (uint32_t i = 0; i < nfiles; i++)
    {
      og_pkg_file *f = &pkg->files[i];
      if (sizes && og_rpmhdr_entry_int (h, sizes, i, &v))
        f->size = v;
      if (modes && og_rpmhdr_entry_int (h, modes, i, &v))
        f->mode = (uint32_t)v;
      if (flags && og_rpmhdr_entry_int (h, flags, i, &v))
        f->flags = (uint32_t)v;
      if (states && og_rpmhdr_entry_int (h, states, i, &v))
        f->state = (uint8_t)v;
      if (has_dig)
        {
          const char *s;
          size_t n;
          if (!og_rpmhdr_next_str (&dig, &s, &n))
            return og_error_set (err, 0, "%s: FILEDIGESTS unreadable", h->what);
          if (n > 0)
            f->digest = og_xstrndup (s, n);
        }
    }
  return 0;
}

/* FILEUSERNAME and FILEGROUPNAME: one name per file, or absent.  */
static int
parse_file_owners (const hdr *h, og_package *pkg, uint32_t nfiles, og_error **err)
{
  static const struct
  {
    uint32_t tag;
    const char *name;
  } tags[] = { { TAG_FILEUSERNAME, "FILEUSERNAME" }, { TAG_FILEGROUPNAME, "FILEGROUPNAME" } };

  for (size_t t = 0; t < OG_ARRAY_SIZE (tags); t++)
    {
      og_reader r;
      uint32_t n = 0;
      int has
          = og_rpmhdr_get_string_array (h, tags[t].tag, tags[t].name, true, nfiles, &r, &n, err);
      if (has <= 0)
        {
          if (has < 0)
            return -1;
          continue;
        }
      for (uint32_t i = 0; i < nfiles; i++)
        {
          const char *s;
          size_t len;
          char **slot = t == 0 ? &pkg->files[i].user : &pkg->files[i].group;
          if (!og_rpmhdr_next_str (&r, &s, &len))
            return og_error_set (err, 0, "%s: %s unreadable", h->what, tags[t].name);
          if (len > 0)
            *slot = og_xstrndup (s, len);
        }
    }
  return 0;
}

/* rpm include/rpm/rpmds.h: the comparison bits of a dependency's flags, and
   lib/rpmlib.h _INSTALL_ONLY_MASK (POSTTRANS, PRETRANS, SCRIPT_PRE,
   SCRIPT_POST, RPMLIB, KEYRING) and _ERASE_ONLY_MASK (SCRIPT_PREUN,
   SCRIPT_POSTUN, PREUNTRANS, POSTUNTRANS).  */
#define RPMSENSE_CMP_MASK (2u | 4u | 8u)
#define RPMSENSE_INSTALL_ONLY                                                                      \
  ((1u << 5) | (1u << 7) | (1u << 9) | (1u << 10) | (1u << 24) | (1u << 26))
#define RPMSENSE_ERASE_ONLY ((1u << 11) | (1u << 12) | (1u << 20) | (1u << 21))

/* One dependency set (REQUIRE* or PROVIDE*) into out.  */
static int
parse_dep_set (const hdr *h, uint32_t name_tag, uint32_t flags_tag, uint32_t version_tag,
               const char *tname, bool requires, og_pkg_deps *out, uint32_t *clauses,
               og_error **err)
{
  og_reader names, versions;
  uint32_t n = 0, nv = 0;
  const hdr_entry *flags = NULL;
  int has_v, r;

  r = og_rpmhdr_get_string_array (h, name_tag, tname, false, 0, &names, &n, err);
  if (r <= 0)
    return r;
  if (og_rpmhdr_get_file_ints (h, flags_tag, tname, n, &flags, err) < 0)
    return -1;
  has_v = og_rpmhdr_get_string_array (h, version_tag, tname, true, n, &versions, &nv, err);
  if (has_v < 0)
    return -1;
  for (uint32_t i = 0; i < n; i++)
    {
      const char *s, *v = NULL;
      size_t sl, vl = 0;
      uint64_t f = 0;
      if (!og_rpmhdr_next_str (&names, &s, &sl)
          || (has_v && !og_rpmhdr_next_str (&versions, &v, &vl)))
        return og_error_set (err, 0, "%s: %s unreadable", h->what, tname);
      if (flags && !og_rpmhdr_entry_int (h, flags, i, &f))
        return og_error_set (err, 0, "%s: %s flags unreadable", h->what, tname);
      if (sl == 0)
        continue;
      if (requires && sl >= 7 && memcmp (s, "rpmlib(", 7) == 0)
        continue;
      if (vl == 0 || (f & RPMSENSE_CMP_MASK) == 0)
        v = NULL;
      og_pkg_deps_add (out, s, sl, v, vl, (uint32_t)f & RPMSENSE_CMP_MASK, *clauses,
                       requires && (f & RPMSENSE_INSTALL_ONLY) && !(f & RPMSENSE_ERASE_ONLY)
                           ? OG_DEP_INSTALL_ONLY
                           : OG_DEP_REQUIRES);
      (*clauses)++;
    }
  return 0;
}

static int
parse_deps (const hdr *h, og_package *pkg, og_error **err)
{
  uint32_t np = 0;
  if (parse_dep_set (h, TAG_REQUIRENAME, TAG_REQUIREFLAGS, TAG_REQUIREVERSION, "REQUIRENAME", true,
                     &pkg->depends, &pkg->n_clauses, err)
      < 0)
    return -1;
  return parse_dep_set (h, TAG_PROVIDENAME, TAG_PROVIDEFLAGS, TAG_PROVIDEVERSION, "PROVIDENAME",
                        false, &pkg->provides, &np, err);
}

static int
parse_package (const hdr *h, unsigned parts, og_package *pkg, og_error **err)
{
  uint64_t v;
  uint32_t nfiles;
  int r;

  pkg->type = OG_PKG_RPM;
  if (og_rpmhdr_get_string (h, TAG_NAME, "NAME", true, &pkg->name, err) < 0
      || og_rpmhdr_get_string (h, TAG_VERSION, "VERSION", true, &pkg->version, err) < 0
      || og_rpmhdr_get_string (h, TAG_RELEASE, "RELEASE", true, &pkg->release, err) < 0
      || og_rpmhdr_get_string (h, TAG_ARCH, "ARCH", false, &pkg->arch, err) < 0
      || og_rpmhdr_get_string (h, TAG_SOURCERPM, "SOURCERPM", false, &pkg->source, err) < 0
      || og_rpmhdr_get_string (h, TAG_LICENSE, "LICENSE", false, &pkg->license, err) < 0
      || og_rpmhdr_get_string (h, TAG_VENDOR, "VENDOR", false, &pkg->vendor, err) < 0)
    return -1;

  r = og_rpmhdr_get_number (h, TAG_EPOCH, "EPOCH", &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      if (v > UINT32_MAX)
        return og_error_set (err, 0, "%s: EPOCH %llu out of range", h->what, (unsigned long long)v);
      pkg->has_epoch = true;
      pkg->epoch = (uint32_t)v;
    }

  r = og_rpmhdr_get_number (h, TAG_LONGSIZE, "LONGSIZE", &v, err);
  if (r == 0)
    r = og_rpmhdr_get_number (h, TAG_SIZE, "SIZE", &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    pkg->size = v;

  if (parse_paths (h, pkg, &nfiles, err) < 0 || parse_file_attrs (h, pkg, nfiles, err) < 0
      || ((parts & OG_RPM_PARSE_VERIFY) && parse_file_owners (h, pkg, nfiles, err) < 0)
      || ((parts & OG_RPM_PARSE_DEPS) && parse_deps (h, pkg, err) < 0))
    return -1;

  /* rpm: no FILEDIGESTALGO means MD5 (packages older than rpm 4.6).  */
  r = og_rpmhdr_get_number (h, TAG_FILEDIGESTALGO, "FILEDIGESTALGO", &v, err);
  if (r < 0)
    return -1;
  if (r > 0)
    {
      if (v > 255)
        return og_error_set (err, 0, "%s: FILEDIGESTALGO %llu out of range", h->what,
                             (unsigned long long)v);
      pkg->digest_algo = (og_digest_algo)v;
    }
  else
    pkg->digest_algo = nfiles ? OG_DIGEST_MD5 : OG_DIGEST_NONE;
  return 0;
}

int
og_rpm_header_parse (const uint8_t *blob, size_t len, const char *what, og_package *pkg,
                     og_error **err)
{
  return og_rpm_header_parse_ex (blob, len, what, OG_RPM_PARSE_DEPS, pkg, err);
}

int
og_rpm_header_parse_ex (const uint8_t *blob, size_t len, const char *what, unsigned parts,
                        og_package *pkg, og_error **err)
{
  hdr h = { .what = what ? what : "rpm header" };
  int ret;

  memset (pkg, 0, sizeof *pkg);
  ret = og_rpmhdr_load (&h, blob, len, err);
  if (ret == 0)
    ret = parse_package (&h, parts, pkg, err);
  free (h.e);
  if (ret < 0)
    {
      og_package_clear (pkg);
      return -1;
    }
  return 0;
}
