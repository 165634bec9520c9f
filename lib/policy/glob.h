/* Globs of the allowed-content manifest.

   Path globs (executables, bind mounts) work on absolute paths:
     '*'   any run of characters within one path segment (never '/')
     '?'   one character other than '/'
     [...] one character of a class ("[a-z]", "[!0-9]" or "[^0-9]"), never '/'
     '**'  a whole path segment that crosses directories: "/usr/lib/" + "**"
           is everything below /usr/lib, "**" + "/bash" is every bash at any
           depth, "/usr/" + "**" + "/bin" includes /usr/bin itself.
     '\x'  the character x, literally.
   Name globs (package names, image names) are the same without the path
   rule: '*' and '?' match any character and '**' is simply '*'.

   Matching is on bytes, as the kernel sees a name: '?' and a class match
   one byte, '*' any run of bytes but '/', and a literal its own bytes.  A
   name that is not UTF-8 (0xFF, an overlong "\xC0\xAF", which is not a
   '/') is matched like any other, so it cannot slip past "**" + "/busybox"
   or "/bin/" + "*"; a manifest's own patterns are UTF-8 (JSON text), and a
   multi-byte character in a pattern matches those bytes literally.

   Matching is a set-of-positions walk over the subject (linear in pattern
   tokens x subject length), never backtracking, so hostile patterns cannot
   make it exponential.  */
#ifndef OG_GLOB_H
#define OG_GLOB_H

#include <stdbool.h>
#include <stddef.h>

/* Longest pattern accepted.  */
#define OG_GLOB_MAX 4096

/* Is pat a well-formed glob?  When not, *why says what is expected and
 *offset the byte of pat where it goes wrong.  */
bool og_glob_valid (const char *pat, bool path, const char **why, size_t *offset);

/* pat, read from a document by a loader (json/load.h), as a glob: a copy
   when well-formed, else NULL after the one diagnostic "bad glob ..." at the
   loader's pointer.  */
struct og_jload;
char *og_glob_load (struct og_jload *j, const char *pat, bool path);

bool og_path_glob_match (const char *pat, const char *path);
bool og_name_glob_match (const char *pat, const char *name);

/* When pat has no wildcard, its literal text (escapes removed); else NULL.
   The caller frees.  */
char *og_glob_literal (const char *pat);

/* When pat is a literal directory + "/" + "**", that directory ("/usr/lib",
   or "" for the pattern "/" + "**"); else NULL.  The caller frees.  */
char *og_glob_dir_prefix (const char *pat);

/* When pat is "**" + "/NAME" with a literal NAME, that NAME; else NULL.  */
char *og_glob_any_basename (const char *pat);

#endif
