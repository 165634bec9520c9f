/* What the rpm header readers share (rpm_hdr.c: the blob's structure,
   checked as rpm checks it, and typed access to its entries; rpm_header.c:
   the package's fields).  Internal to pkgdb/.  */
#ifndef OG_PKGDB_RPM_HDR_H
#define OG_PKGDB_RPM_HDR_H

#include <stdbool.h>
#include <stdint.h>

#include "base/error.h"
#include "base/reader.h"

enum
{
  T_NULL = 0,
  T_CHAR = 1,
  T_INT8 = 2,
  T_INT16 = 3,
  T_INT32 = 4,
  T_INT64 = 5,
  T_STRING = 6,
  T_BIN = 7,
  T_STRING_ARRAY = 8,
  T_I18NSTRING = 9,
};

enum
{
  TAG_HEADERIMAGE = 61,
  TAG_HEADERSIGNATURES = 62,
  TAG_HEADERIMMUTABLE = 63,
  TAG_I18NTABLE = 100,
  TAG_NAME = 1000,
  TAG_VERSION = 1001,
  TAG_RELEASE = 1002,
  TAG_EPOCH = 1003,
  TAG_SIZE = 1009,
  TAG_VENDOR = 1011,
  TAG_LICENSE = 1014,
  TAG_ARCH = 1022,
  TAG_OLDFILENAMES = 1027,
  TAG_FILESIZES = 1028,
  TAG_FILESTATES = 1029,
  TAG_FILEMODES = 1030,
  TAG_FILEDIGESTS = 1035,
  TAG_FILEFLAGS = 1037,
  TAG_FILEUSERNAME = 1039,
  TAG_FILEGROUPNAME = 1040,
  TAG_SOURCERPM = 1044,
  TAG_PROVIDENAME = 1047,
  TAG_REQUIREFLAGS = 1048,
  TAG_REQUIRENAME = 1049,
  TAG_REQUIREVERSION = 1050,
  TAG_PROVIDEFLAGS = 1112,
  TAG_PROVIDEVERSION = 1113,
  TAG_DIRINDEXES = 1116,
  TAG_BASENAMES = 1117,
  TAG_DIRNAMES = 1118,
  TAG_LONGFILESIZES = 5008,
  TAG_LONGSIZE = 5009,
  TAG_FILEDIGESTALGO = 5011,
};

#define ENTRY_INFO_SIZE 16u

/* Our own cap on the files of one package (the largest real packages list a
   few hundred thousand); it bounds the memory a hostile header can claim.  */
#define MAX_FILES       2000000u
#define HEADER_DATA_MAX 0x0fffffffu

typedef struct hdr_entry
{
  uint32_t tag;
  uint32_t type;
  uint32_t offset;
  uint32_t count;
  uint32_t len; /* bytes of data, as rpm's dataLength computes them */
  bool dribble; /* after the region: wins over a region entry */
} hdr_entry;

typedef struct hdr
{
  const char *what;
  og_reader data; /* the dl bytes of data */
  hdr_entry *e;   /* sorted by (tag, dribble) */
  size_t n;
} hdr;

int og_rpmhdr_load (hdr *h, const uint8_t *blob, size_t len, og_error **err);
const hdr_entry *og_rpmhdr_find (const hdr *h, uint32_t tag);
bool og_rpmhdr_entry_int (const hdr *h, const hdr_entry *e, uint32_t i, uint64_t *v);
int og_rpmhdr_get_number (const hdr *h, uint32_t tag, const char *tname, uint64_t *v,
                          og_error **err);
int og_rpmhdr_get_string (const hdr *h, uint32_t tag, const char *tname, bool required, char **out,
                          og_error **err);
int og_rpmhdr_get_string_array (const hdr *h, uint32_t tag, const char *tname, bool check,
                                uint32_t want, og_reader *r, uint32_t *count, og_error **err);
int og_rpmhdr_get_file_ints (const hdr *h, uint32_t tag, const char *tname, uint32_t nfiles,
                             const hdr_entry **out, og_error **err);
bool og_rpmhdr_next_str (og_reader *r, const char **s, size_t *n);

#endif
