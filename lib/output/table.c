/* placeholder, filled by the foundation work */
#include "../util.h"
