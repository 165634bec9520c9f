/* Classify an executable from its first bytes: ELF (class, machine, type,
   interpreter, static/dynamic), a "#!" script (its interpreter), or other.
   Source: System V ABI gABI 4.1 "ELF Header" and "Program Header", the
   Linux <elf.h>; the "#!" line as execve(2) reads it (binfmt_script: the
   interpreter is the first word after "#!", spaces and tabs skipped).  */
#include <elf.h>

#include "catalog/elfinfo.h"
#include "base/reader.h"
#include "base/util.h"

static bool
read_half (og_reader *r, bool be, uint16_t *v)
{
  return og_reader_u16 (r, be, v);
}

static bool
read_word (og_reader *r, bool be, uint32_t *v)
{
  return og_reader_u32 (r, be, v);
}

/* An address or offset: 4 bytes in ELFCLASS32, 8 in ELFCLASS64.  */
static bool
read_addr (og_reader *r, bool be, bool is64, uint64_t *v)
{
  uint32_t v32;
  if (is64)
    return og_reader_u64 (r, be, v);
  if (!og_reader_u32 (r, be, &v32))
    return false;
  *v = v32;
  return true;
}

static void
copy_interp (const og_reader *all, uint64_t off, uint64_t size, og_exec_class *out)
{
  og_reader s;
  const uint8_t *p;
  size_t n;

  if (size == 0 || !og_reader_sub (all, off, size, &s))
    return;
  if (!og_reader_bytes (&s, size, &p))
    return;
  n = strnlen ((const char *)p, size);
  if (n >= sizeof out->interpreter)
    n = sizeof out->interpreter - 1;
  memcpy (out->interpreter, p, n);
  out->interpreter[n] = '\0';
}

static bool
classify_elf (const uint8_t *head, size_t len, og_exec_class *out)
{
  og_reader r, ph;
  const uint8_t *ident;
  og_elf_info *e = &out->elf;
  uint64_t phoff, entry;
  uint32_t version, flags;
  uint16_t phentsize, phnum, ehsize;
  bool be, is64, has_interp = false;

  og_reader_init (&r, head, len);
  if (!og_reader_bytes (&r, EI_NIDENT, &ident) || memcmp (ident, ELFMAG, SELFMAG) != 0)
    return false;
  if (ident[EI_CLASS] != ELFCLASS32 && ident[EI_CLASS] != ELFCLASS64)
    return false;
  if (ident[EI_DATA] != ELFDATA2LSB && ident[EI_DATA] != ELFDATA2MSB)
    return false;
  is64 = ident[EI_CLASS] == ELFCLASS64;
  be = ident[EI_DATA] == ELFDATA2MSB;
  e->elf_class = is64 ? 64 : 32;
  e->big_endian = be;
  if (!read_half (&r, be, &e->type) || !read_half (&r, be, &e->machine)
      || !read_word (&r, be, &version) || !read_addr (&r, be, is64, &entry)
      || !read_addr (&r, be, is64, &phoff) || !og_reader_skip (&r, is64 ? 8 : 4) /* e_shoff */
      || !read_word (&r, be, &flags) || !read_half (&r, be, &ehsize)
      || !read_half (&r, be, &phentsize) || !read_half (&r, be, &phnum)
      || !og_reader_skip (&r, 6)) /* e_shentsize, e_shnum, e_shstrndx: the header is whole */
    return false;

  out->kind = OG_KIND_ELF;
  e->phdrs_complete = true;
  if (phnum == 0 || phentsize < (is64 ? sizeof (Elf64_Phdr) : sizeof (Elf32_Phdr)))
    return true;
  if (!og_reader_sub (&r, phoff, (uint64_t)phnum * phentsize, &ph))
    {
      /* Program headers beyond what we were given: say what we know.  */
      e->phdrs_complete = false;
      return true;
    }
  for (uint16_t i = 0; i < phnum; i++)
    {
      og_reader p;
      uint32_t type, pflags32;
      uint64_t offset, vaddr, paddr, filesz;

      if (!og_reader_sub (&ph, (uint64_t)i * phentsize, phentsize, &p)
          || !read_word (&p, be, &type))
        break;
      if (is64 && !read_word (&p, be, &pflags32))
        break;
      if (!read_addr (&p, be, is64, &offset) || !read_addr (&p, be, is64, &vaddr)
          || !read_addr (&p, be, is64, &paddr) || !read_addr (&p, be, is64, &filesz))
        break;
      if (type == PT_INTERP)
        {
          has_interp = true;
          copy_interp (&r, offset, filesz, out);
        }
      else if (type == PT_DYNAMIC)
        e->dynamic = true;
    }
  if (has_interp)
    e->dynamic = true;
  e->pie = e->type == ET_DYN && has_interp;
  return true;
}

static void
classify_script (const uint8_t *head, size_t len, og_exec_class *out)
{
  size_t i = 2, start, n;

  while (i < len && (head[i] == ' ' || head[i] == '\t'))
    i++;
  start = i;
  while (i < len && head[i] != ' ' && head[i] != '\t' && head[i] != '\n' && head[i] != '\0'
         && head[i] != '\r')
    i++;
  n = i - start;
  if (n >= sizeof out->interpreter)
    n = sizeof out->interpreter - 1;
  memcpy (out->interpreter, head + start, n);
  out->interpreter[n] = '\0';
  out->kind = OG_KIND_SCRIPT;
}

void
og_exec_classify (const uint8_t *head, size_t len, og_exec_class *out)
{
  memset (out, 0, sizeof *out);
  if (head == NULL)
    return;
  if (classify_elf (head, len, out))
    return;
  memset (out, 0, sizeof *out);
  if (len >= 2 && head[0] == '#' && head[1] == '!')
    classify_script (head, len, out);
}

const char *
og_exec_kind_name (og_exec_kind k)
{
  switch (k)
    {
    case OG_KIND_ELF:
      return "elf";
    case OG_KIND_SCRIPT:
      return "script";
    case OG_KIND_OTHER:
    default:
      return "other";
    }
}

const char *
og_elf_type_name (const og_elf_info *e)
{
  switch (e->type)
    {
    case ET_EXEC:
      return "exec";
    case ET_DYN:
      return e->pie ? "pie" : "dyn";
    case ET_REL:
      return "rel";
    case ET_CORE:
      return "core";
    default:
      return "unknown";
    }
}

const char *
og_elf_machine_name (uint16_t machine)
{
  switch (machine)
    {
    case EM_386:
      return "i386";
    case EM_X86_64:
      return "x86_64";
    case EM_ARM:
      return "arm";
    case EM_AARCH64:
      return "aarch64";
    case EM_PPC:
      return "ppc";
    case EM_PPC64:
      return "ppc64";
    case EM_S390:
      return "s390";
    case EM_RISCV:
      return "riscv";
    case EM_MIPS:
      return "mips";
    case EM_LOONGARCH:
      return "loongarch";
    default:
      return NULL;
    }
}
