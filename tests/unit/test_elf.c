/* ELF and script classification: executables laid out here as the linker
   lays them out, every truncation and single bit flip of them checked
   against the gABI rules, then lying headers and "#!" lines.  */
#include "fixtures.h"
#include <elf.h>

#include "catalog/elfinfo.h"
#include "base/util.h"

/* ---- fixtures: ELF files laid out as a linker lays them out ----------------
   A 64-bit little-endian x86_64 executable: the ELF header, then PHNUM
   program headers, then the PT_INTERP string (gABI "ELF Header", "Program
   Header"; the layout of a PIE that ld writes: PT_PHDR, PT_INTERP, PT_LOAD,
   PT_DYNAMIC).  Static: ET_EXEC with one PT_LOAD and nothing else.  */
#define INTERP     "/lib64/ld-linux-x86-64.so.2"
#define PH_OFF     64
#define PH_SIZE    56
#define PH_NUM     4
#define INTERP_OFF (PH_OFF + PH_NUM * PH_SIZE)
#define ELF_SIZE   (INTERP_OFF + sizeof INTERP)

static void
le (uint8_t *p, uint64_t v, int n)
{
  for (int i = 0; i < n; i++)
    p[i] = (uint8_t)(v >> (8 * i));
}

static void
phdr (uint8_t *p, uint32_t type, uint64_t offset, uint64_t filesz)
{
  le (p, type, 4);
  le (p + 4, PF_R, 4);
  le (p + 8, offset, 8);
  le (p + 16, offset, 8); /* p_vaddr */
  le (p + 24, offset, 8); /* p_paddr */
  le (p + 32, filesz, 8);
  le (p + 40, filesz, 8); /* p_memsz */
  le (p + 48, 8, 8);      /* p_align */
}

/* The executable into buf (ELF_SIZE bytes); its size.  */
static size_t
make_elf (uint8_t *buf, bool dynamic)
{
  static const uint8_t ident[EI_NIDENT]
      = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT };
  memset (buf, 0, ELF_SIZE);
  memcpy (buf, ident, sizeof ident);
  le (buf + 16, dynamic ? ET_DYN : ET_EXEC, 2);
  le (buf + 18, EM_X86_64, 2);
  le (buf + 20, EV_CURRENT, 4);
  le (buf + 24, 0x1040, 8);  /* e_entry */
  le (buf + 32, PH_OFF, 8);  /* e_phoff */
  le (buf + 40, 0, 8);       /* e_shoff: no section headers */
  le (buf + 52, 64, 2);      /* e_ehsize */
  le (buf + 54, PH_SIZE, 2); /* e_phentsize */
  le (buf + 56, dynamic ? PH_NUM : 1, 2);
  le (buf + 58, 64, 2); /* e_shentsize */
  if (!dynamic)
    {
      phdr (buf + PH_OFF, PT_LOAD, 0, PH_OFF + PH_SIZE);
      return PH_OFF + PH_SIZE;
    }
  phdr (buf + PH_OFF, PT_PHDR, PH_OFF, PH_NUM * PH_SIZE);
  phdr (buf + PH_OFF + PH_SIZE, PT_INTERP, INTERP_OFF, sizeof INTERP);
  phdr (buf + PH_OFF + 2 * PH_SIZE, PT_LOAD, 0, ELF_SIZE);
  phdr (buf + PH_OFF + 3 * PH_SIZE, PT_DYNAMIC, 0, 0);
  memcpy (buf + INTERP_OFF, INTERP, sizeof INTERP);
  return ELF_SIZE;
}

/* What the gABI says of the file make_elf lays out: every fact, both kinds.  */
static void
check_made (bool dynamic)
{
  uint8_t buf[ELF_SIZE];
  size_t n = make_elf (buf, dynamic);
  og_exec_class c;
  og_exec_classify (buf, n, &c);
  assert_int_equal (c.kind, OG_KIND_ELF);
  assert_int_equal (c.elf.elf_class, 64);
  assert_false (c.elf.big_endian);
  assert_int_equal (c.elf.machine, EM_X86_64);
  assert_string_equal (og_elf_machine_name (c.elf.machine), "x86_64");
  assert_int_equal (c.elf.type, dynamic ? ET_DYN : ET_EXEC);
  assert_int_equal (c.elf.dynamic, dynamic);
  assert_int_equal (c.elf.pie, dynamic);
  assert_true (c.elf.phdrs_complete);
  assert_string_equal (c.interpreter, dynamic ? INTERP : "");
  assert_string_equal (og_elf_type_name (&c.elf), dynamic ? "pie" : "exec");
}

static void
test_dynamic_binary (void **state)
{
  check_made (true);
}

static void
test_static_binary (void **state)
{
  check_made (false);
}

/* Every truncation of the header classifies without reading past the end
   (ASan would say): not ELF until the 64-byte header is whole; then ELF
   whose program headers are complete only once all four are there, and
   the interpreter only once its whole segment is.  */
static void
test_truncations (void **state)
{
  uint8_t buf[ELF_SIZE];
  size_t n = make_elf (buf, true);
  for (size_t len = 0; len <= n; len++)
    {
      uint8_t *copy = og_xmalloc (len ? len : 1);
      og_exec_class c;
      memcpy (copy, buf, len);
      og_exec_classify (copy, len, &c);
      if (len < sizeof (Elf64_Ehdr))
        assert_int_equal (c.kind, OG_KIND_OTHER);
      else
        {
          assert_int_equal (c.kind, OG_KIND_ELF);
          assert_int_equal (c.elf.phdrs_complete, len >= INTERP_OFF);
          assert_int_equal (c.elf.dynamic, len >= INTERP_OFF);
          assert_string_equal (c.interpreter, len == n ? INTERP : "");
        }
      free (copy);
    }
}

/* ---- an independent reading of the gABI rules, for the bit flips ---------
   What a 64-bit little-endian file must say, read with plain byte loads
   (not the library's reader): ELF when the magic, class and data encoding
   are valid and the 64-byte header is whole; program headers only when
   e_phentsize holds an Elf64_Phdr and the table lies within the bytes;
   PT_INTERP makes the file dynamic (and names the interpreter, NUL- or
   segment-terminated, when the segment lies within the bytes), PT_DYNAMIC
   too; a PIE is ET_DYN with PT_INTERP.  */
static uint64_t
get (const uint8_t *p, int n)
{
  uint64_t v = 0;
  for (int i = n - 1; i >= 0; i--)
    v = v << 8 | p[i];
  return v;
}

static void
expected (const uint8_t *b, size_t n, og_exec_class *w)
{
  uint64_t phoff, phentsize, phnum;
  bool interp = false;

  memset (w, 0, sizeof *w);
  if (memcmp (b, ELFMAG, SELFMAG) != 0 || b[EI_CLASS] != ELFCLASS64 || b[EI_DATA] != ELFDATA2LSB)
    {
      /* A class or encoding flipped to the other valid value would be
         another layout; the fixture's single bit flips never do that.  */
      assert_true (b[EI_CLASS] != ELFCLASS32 && b[EI_DATA] != ELFDATA2MSB);
      return;
    }
  w->kind = OG_KIND_ELF;
  w->elf.elf_class = 64;
  w->elf.type = get (b + 16, 2);
  w->elf.machine = get (b + 18, 2);
  w->elf.phdrs_complete = true;
  phoff = get (b + 32, 8);
  phentsize = get (b + 54, 2);
  phnum = get (b + 56, 2);
  if (phnum == 0 || phentsize < sizeof (Elf64_Phdr))
    return;
  if (phoff > n || phnum * phentsize > n - phoff)
    {
      w->elf.phdrs_complete = false;
      return;
    }
  for (uint64_t i = 0; i < phnum; i++)
    {
      const uint8_t *p = b + phoff + i * phentsize;
      uint32_t type = get (p, 4);
      uint64_t off = get (p + 8, 8), filesz = get (p + 32, 8);
      if (type == PT_DYNAMIC)
        w->elf.dynamic = true;
      if (type != PT_INTERP)
        continue;
      interp = true;
      if (filesz > 0 && off <= n && filesz <= n - off)
        {
          size_t len = strnlen ((const char *)b + off, filesz);
          if (len >= sizeof w->interpreter)
            len = sizeof w->interpreter - 1;
          memcpy (w->interpreter, b + off, len);
          w->interpreter[len] = '\0';
        }
    }
  w->elf.dynamic |= interp;
  w->elf.pie = w->elf.type == ET_DYN && interp;
}

/* Every single bit flipped in the dynamic executable: the library says
   exactly what the rules above say, and only the 6 bytes of magic, class
   and encoding can make it not ELF (each of their 48 flips does).  */
static void
test_corruptions (void **state)
{
  uint8_t buf[ELF_SIZE];
  size_t n = make_elf (buf, true), not_elf = 0;
  for (size_t i = 0; i < n; i++)
    for (int bit = 0; bit < 8; bit++)
      {
        og_exec_class c, w;
        buf[i] ^= (uint8_t)(1 << bit);
        og_exec_classify (buf, n, &c);
        expected (buf, n, &w);
        if (c.kind != w.kind || c.elf.type != w.elf.type || c.elf.machine != w.elf.machine
            || c.elf.dynamic != w.elf.dynamic || c.elf.pie != w.elf.pie
            || c.elf.phdrs_complete != w.elf.phdrs_complete
            || strcmp (c.interpreter, w.interpreter) != 0)
          fail_msg ("byte %zu bit %d: kind %d/%d type %u/%u machine %u/%u dynamic %d/%d pie %d/%d "
                    "complete %d/%d interp '%s'/'%s' (got/want)",
                    i, bit, c.kind, w.kind, c.elf.type, w.elf.type, c.elf.machine, w.elf.machine,
                    c.elf.dynamic, w.elf.dynamic, c.elf.pie, w.elf.pie, c.elf.phdrs_complete,
                    w.elf.phdrs_complete, c.interpreter, w.interpreter);
        if (c.kind == OG_KIND_ELF)
          {
            assert_int_equal (c.elf.elf_class, 64);
            assert_false (c.elf.big_endian);
          }
        else
          {
            assert_true (i < EI_DATA + 1);
            not_elf++;
          }
        buf[i] ^= (uint8_t)(1 << bit);
      }
  assert_int_equal (not_elf, (EI_DATA + 1) * 8);

  /* Entries smaller than an Elf64_Phdr are not program headers: none is
     read, not even a PT_INTERP whose first 48 bytes are all there.  */
  {
    og_exec_class c;
    le (buf + 32, PH_OFF + PH_SIZE, 8); /* e_phoff: the PT_INTERP entry */
    le (buf + 54, 48, 2);               /* e_phentsize */
    le (buf + 56, 1, 2);                /* e_phnum */
    og_exec_classify (buf, n, &c);
    assert_int_equal (c.kind, OG_KIND_ELF);
    assert_true (c.elf.phdrs_complete);
    assert_false (c.elf.dynamic);
    assert_string_equal (c.interpreter, "");
  }
}

/* A hand-made 32-bit big-endian header whose program headers point past the
   data and claim a huge count.  */
static void
test_lying_header (void **state)
{
  uint8_t h[52] = { 0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2MSB, 1 };
  og_exec_class c;
  h[16] = 0, h[17] = ET_EXEC;                             /* e_type */
  h[18] = 0, h[19] = EM_PPC;                              /* e_machine */
  h[28] = 0xff, h[29] = 0xff, h[30] = 0xff, h[31] = 0xf0; /* e_phoff */
  h[42] = 0, h[43] = 32;                                  /* e_phentsize */
  h[44] = 0xff, h[45] = 0xff;                             /* e_phnum */
  og_exec_classify (h, sizeof h, &c);
  assert_int_equal (c.kind, OG_KIND_ELF);
  assert_int_equal (c.elf.elf_class, 32);
  assert_true (c.elf.big_endian);
  assert_string_equal (og_elf_machine_name (c.elf.machine), "ppc");
  assert_false (c.elf.phdrs_complete);
  h[4] = 7; /* an unknown class is not ELF */
  og_exec_classify (h, sizeof h, &c);
  assert_int_equal (c.kind, OG_KIND_OTHER);
}

static void
test_scripts (void **state)
{
  static const struct
  {
    const char *text, *interp;
    og_exec_kind kind;
  } cases[] = {
    { "#!/bin/sh\n", "/bin/sh", OG_KIND_SCRIPT },
    { "#! /usr/bin/env python3\n", "/usr/bin/env", OG_KIND_SCRIPT },
    { "#!\t/bin/bash -e\r\n", "/bin/bash", OG_KIND_SCRIPT },
    { "#!", "", OG_KIND_SCRIPT },
    { "#", "", OG_KIND_OTHER },
    { "echo hi\n", "", OG_KIND_OTHER },
    { "", "", OG_KIND_OTHER },
  };
  for (size_t i = 0; i < OG_ARRAY_SIZE (cases); i++)
    {
      og_exec_class c;
      og_exec_classify ((const uint8_t *)cases[i].text, strlen (cases[i].text), &c);
      assert_int_equal (c.kind, cases[i].kind);
      assert_string_equal (c.interpreter, cases[i].interp);
    }
  {
    /* An interpreter longer than the field is cut, not overflowed.  */
    uint8_t big[1024];
    og_exec_class c;
    memset (big, 'a', sizeof big);
    big[0] = '#', big[1] = '!';
    og_exec_classify (big, sizeof big, &c);
    assert_int_equal (strlen (c.interpreter), sizeof c.interpreter - 1);
  }
}

FX_MAIN (NULL, NULL, cmocka_unit_test (test_dynamic_binary), cmocka_unit_test (test_static_binary),
         cmocka_unit_test (test_truncations), cmocka_unit_test (test_corruptions),
         cmocka_unit_test (test_lying_header), cmocka_unit_test (test_scripts));
