#include "common.h"
int
og_cmd_inventory (int argc, char **argv)
{
  return OG_EXIT_USAGE;
}
