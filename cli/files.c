#include "common.h"
int
og_cmd_files (int argc, char **argv)
{
  return OG_EXIT_USAGE;
}
