/* placeholder: being written */
#include "config.h"
typedef int sstpc_placeholder_url;
