/* ELF and script classification: real binaries of this machine, then
   truncated and corrupted copies of them, then hand-built headers.  */
#include "fixtures.h"
#include <elf.h>
#include <fcntl.h>
#include <unistd.h>

#include "catalog/elfinfo.h"
#include "base/util.h"

static size_t
read_head (const char *path, uint8_t *buf, size_t len)
{
  int fd = open (path, O_RDONLY);
  ssize_t n;
  assert_true (fd >= 0);
  n = read (fd, buf, len);
  close (fd);
  assert_true (n > 0);
  return (size_t) n;
}

/* The interpreter that the file itself names in PT_INTERP, found by scanning
   the program headers independently of the library (64-bit LE only).  */
static void
test_real_dynamic_binary (void **state)
{
  uint8_t buf[4096];
  size_t n = read_head ("/bin/ls", buf, sizeof buf);
  Elf64_Ehdr eh;
  og_exec_class c;
  const char *want = NULL;

  memcpy (&eh, buf, sizeof eh);
  for (int i = 0; i < eh.e_phnum; i++)
    {
      Elf64_Phdr ph;
      memcpy (&ph, buf + eh.e_phoff + (size_t) i * eh.e_phentsize, sizeof ph);
      if (ph.p_type == PT_INTERP)
        want = (const char *) buf + ph.p_offset;
    }
  assert_non_null (want);
  og_exec_classify (buf, n, &c);
  assert_int_equal (c.kind, OG_KIND_ELF);
  assert_int_equal (c.elf.elf_class, 64);
  assert_int_equal (c.elf.machine, eh.e_machine);
  assert_int_equal (c.elf.type, eh.e_type);
  assert_true (c.elf.dynamic);
  assert_string_equal (c.interpreter, want);
  assert_string_equal (og_elf_type_name (&c.elf), eh.e_type == ET_DYN ? "pie" : "exec");
}

static void
test_real_static_binary (void **state)
{
  uint8_t buf[4096];
  size_t n = read_head ("/bin/busybox", buf, sizeof buf);
  og_exec_class c;
  og_exec_classify (buf, n, &c);
  assert_int_equal (c.kind, OG_KIND_ELF);
  assert_false (c.elf.dynamic);
  assert_string_equal (c.interpreter, "");
}

/* Every truncation of a real header classifies without reading past the
   end (ASan would say), and never claims an interpreter it could not see.  */
static void
test_truncations (void **state)
{
  uint8_t buf[4096];
  size_t n = read_head ("/bin/ls", buf, sizeof buf);
  for (size_t len = 0; len <= n; len++)
    {
      uint8_t *copy = og_xmalloc (len ? len : 1);
      og_exec_class c;
      memcpy (copy, buf, len);
      og_exec_classify (copy, len, &c);
      if (len < sizeof (Elf64_Ehdr))
        assert_int_equal (c.kind, OG_KIND_OTHER);
      else
        assert_int_equal (c.kind, OG_KIND_ELF);
      assert_true (strlen (c.interpreter) < sizeof c.interpreter);
      free (copy);
    }
}

/* Bit flips everywhere in the header and program headers.  */
static void
test_corruptions (void **state)
{
  uint8_t buf[4096];
  size_t n = read_head ("/bin/ls", buf, sizeof buf);
  size_t limit = n < 1024 ? n : 1024;
  for (size_t i = 0; i < limit; i++)
    for (int bit = 0; bit < 8; bit++)
      {
        og_exec_class c;
        buf[i] ^= (uint8_t) (1 << bit);
        og_exec_classify (buf, n, &c);
        assert_true (c.kind == OG_KIND_ELF || c.kind == OG_KIND_OTHER);
        buf[i] ^= (uint8_t) (1 << bit);
      }
}

/* A hand-made 32-bit big-endian header whose program headers point past the
   data and claim a huge count.  */
static void
test_lying_header (void **state)
{
  uint8_t h[52] = { 0x7f, 'E', 'L', 'F', ELFCLASS32, ELFDATA2MSB, 1 };
  og_exec_class c;
  h[16] = 0, h[17] = ET_EXEC;             /* e_type */
  h[18] = 0, h[19] = EM_PPC;              /* e_machine */
  h[28] = 0xff, h[29] = 0xff, h[30] = 0xff, h[31] = 0xf0; /* e_phoff */
  h[42] = 0, h[43] = 32;                  /* e_phentsize */
  h[44] = 0xff, h[45] = 0xff;             /* e_phnum */
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
      og_exec_classify ((const uint8_t *) cases[i].text, strlen (cases[i].text), &c);
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

int
main (void)
{
  const struct CMUnitTest tests[] = {
    cmocka_unit_test (test_real_dynamic_binary), cmocka_unit_test (test_real_static_binary),
    cmocka_unit_test (test_truncations),         cmocka_unit_test (test_corruptions),
    cmocka_unit_test (test_lying_header),        cmocka_unit_test (test_scripts),
  };
  return cmocka_run_group_tests (tests, NULL, NULL);
}
