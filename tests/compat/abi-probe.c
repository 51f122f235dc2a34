/*
 * abi-probe.c - compiles only if <sstp-client/sstp-api.h> declares
 * sstp-client 1.0.18's interface exactly: the prototypes of the five
 * functions, the wire structures' sizes, offsets and field types, and the
 * constants.  tests/compat/build-nm-plugin.sh compiles it with -Werror
 * against our header and against Debian's libsstp-api-0-dev header.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>

#include <sstp-client/sstp-api.h>

#define SAME_TYPE(a, b)	__builtin_types_compatible_p(a, b)

_Static_assert(SAME_TYPE(__typeof__(sstp_api_msg_new),
    sstp_api_msg_st *(unsigned char *, sstp_api_msg_t)), "msg_new");
_Static_assert(SAME_TYPE(__typeof__(sstp_api_msg_len),
    int (sstp_api_msg_st *)), "msg_len");
_Static_assert(SAME_TYPE(__typeof__(sstp_api_msg_type),
    int (sstp_api_msg_st *, sstp_api_msg_t *)), "msg_type");
_Static_assert(SAME_TYPE(__typeof__(sstp_api_attr_add),
    void (sstp_api_msg_st *, sstp_api_attr_t, unsigned int, void *)),
    "attr_add");
_Static_assert(SAME_TYPE(__typeof__(sstp_api_attr_parse),
    int (char *, int, sstp_api_attr_st **, int)), "attr_parse");

_Static_assert(sizeof(sstp_api_msg_st) == 8, "header size");
_Static_assert(offsetof(sstp_api_msg_st, msg_magic) == 0 &&
    offsetof(sstp_api_msg_st, msg_len) == 4 &&
    offsetof(sstp_api_msg_st, msg_type) == 6, "header offsets");
_Static_assert(SAME_TYPE(__typeof__(((sstp_api_msg_st *)0)->msg_magic),
    uint32_t) &&
    SAME_TYPE(__typeof__(((sstp_api_msg_st *)0)->msg_len), uint16_t) &&
    SAME_TYPE(__typeof__(((sstp_api_msg_st *)0)->msg_type), uint16_t),
    "header field types");
_Static_assert(sizeof(sstp_api_attr_st) == 4, "attribute header size");
_Static_assert(offsetof(sstp_api_attr_st, attr_type) == 0 &&
    offsetof(sstp_api_attr_st, attr_len) == 2 &&
    offsetof(sstp_api_attr_st, attr_data) == 4, "attribute offsets");
_Static_assert(SAME_TYPE(__typeof__(((sstp_api_attr_st *)0)->attr_type),
    uint16_t) &&
    SAME_TYPE(__typeof__(((sstp_api_attr_st *)0)->attr_len), uint16_t) &&
    SAME_TYPE(__typeof__(&((sstp_api_attr_st *)0)->attr_data[0]),
    unsigned char *), "attribute field types");
_Static_assert(sizeof(sstp_api_msg_t) == 4 && sizeof(sstp_api_attr_t) == 4,
    "enum sizes");

_Static_assert(SSTP_API_MSG_UNKNOWN == 0 && SSTP_API_MSG_AUTH == 1 &&
    SSTP_API_MSG_ADDR == 2 && SSTP_API_MSG_ACK == 3, "message types");
_Static_assert(SSTP_API_ATTR_UNKNOWN == 0 && SSTP_API_ATTR_MPPE_SEND == 1 &&
    SSTP_API_ATTR_MPPE_RECV == 2 && SSTP_API_ATTR_GATEWAY == 3 &&
    SSTP_API_ATTR_ADDR == 4 && SSTP_API_ATTR_MAX == 4, "attribute types");

/* The tags, for code that names struct sstp_api_msg / sstp_api_attr. */
struct sstp_api_msg	*abi_probe_msg;
struct sstp_api_attr	*abi_probe_attr;
