/*
 * nelem.h - NELEM(a), the number of elements of an array (not a pointer).
 */
#ifndef SSTPC_UTIL_NELEM_H
#define SSTPC_UTIL_NELEM_H

#define NELEM(a)	(sizeof (a) / sizeof (a)[0])

#endif /* SSTPC_UTIL_NELEM_H */
