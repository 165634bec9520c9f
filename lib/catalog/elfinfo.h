/* ELF and script classification from the first bytes of a file.
   Source: the System V gABI ("Object Files"), <elf.h>.  */
#ifndef OG_ELFINFO_H
#define OG_ELFINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum og_exec_kind
{
  OG_KIND_OTHER = 0,
  OG_KIND_ELF,
  OG_KIND_SCRIPT,
} og_exec_kind;

typedef struct og_elf_info
{
  uint8_t elf_class; /* 32 or 64 */
  bool big_endian;
  uint16_t machine;    /* e_machine */
  uint16_t type;       /* e_type */
  bool pie;            /* ET_DYN with PT_INTERP */
  bool dynamic;        /* has PT_DYNAMIC or PT_INTERP */
  bool phdrs_complete; /* every program header was within the bytes seen */
} og_elf_info;

typedef struct og_exec_class
{
  og_exec_kind kind;
  og_elf_info elf;       /* kind == OG_KIND_ELF */
  char interpreter[256]; /* PT_INTERP, or the #! interpreter path; "" when none */
} og_exec_class;

/* Classify from the first len bytes of a file; never fails: bytes that are
   not a well-formed ELF header or "#!" line make OG_KIND_OTHER.  */
void og_exec_classify (const uint8_t *head, size_t len, og_exec_class *out);

const char *og_exec_kind_name (og_exec_kind k);      /* "elf" "script" "other" */
const char *og_elf_type_name (const og_elf_info *e); /* "exec" "dyn" "pie" "rel" "core" "unknown" */
const char *og_elf_machine_name (uint16_t machine);  /* "x86_64" "aarch64" ... or NULL */

#endif
