/* placeholder: being written */
#include "config.h"
typedef int sstpc_placeholder_sstp_wire;
