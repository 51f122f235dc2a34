/*
 * ctype.h - ASCII character classes for protocol text and the command line.
 *
 * The C library's is*() follow the locale and are undefined for negative
 * char values; HTTP, URLs, MS-CHAPv2 messages and option values are ASCII
 * whatever the locale says.  Every function takes an octet.
 */
#ifndef SSTPC_UTIL_CTYPE_H
#define SSTPC_UTIL_CTYPE_H

#include <stdbool.h>
#include <stdint.h>

/* '0'..'9'. */
static inline bool
is_digit(uint8_t b)
{
	return b >= '0' && b <= '9';
}

/* 'a'..'z', 'A'..'Z'. */
static inline bool
is_alpha(uint8_t b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z');
}

/* A control character: 0x00..0x1F and DEL (RFC 5234 CTL). */
static inline bool
is_ctl(uint8_t b)
{
	return b < 0x20 || b == 0x7f;
}

/* A printable ASCII character, space included (0x20..0x7E). */
static inline bool
is_print(uint8_t b)
{
	return b >= 0x20 && b < 0x7f;
}

/* 'A'..'Z' to lower case; every other octet unchanged. */
static inline uint8_t
to_lower(uint8_t b)
{
	return (b >= 'A' && b <= 'Z') ? (uint8_t)(b | 0x20) : b;
}

/* Value of a hex digit of either case (0..15), or -1. */
static inline int
hex_val(uint8_t b)
{
	if (is_digit(b))
		return b - '0';
	if (b >= 'a' && b <= 'f')
		return b - 'a' + 10;
	if (b >= 'A' && b <= 'F')
		return b - 'A' + 10;
	return -1;
}

/* True if the NUL-terminated s holds a control character. */
static inline bool
str_has_ctl(const char *s)
{
	for (; *s != '\0'; s++)
		if (is_ctl((uint8_t)*s))
			return true;
	return false;
}

#endif /* SSTPC_UTIL_CTYPE_H */
