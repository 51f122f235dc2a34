/*
 * srv_tun.h - the shared TUN of sstpd's built-in backend (srv_tun.c):
 * create or attach the device --tun NAME (sys/tun.c, IFF_TUN |
 * IFF_NO_PI), give it the server's address @local4, the MTU, set it up
 * and route each pool through it (sys/nl.c).  Runs before the privilege
 * drop.
 */
#ifndef SSTPD_SRV_TUN_H
#define SSTPD_SRV_TUN_H

#include <stddef.h>
#include <stdint.h>

#include "sstpd/conf.h"

/* The open, configured device's fd (its name in @ifname), or -1 and @err. */
int	srv_tun_open(const struct sstpd_conf *, uint32_t local4, char *ifname,
	    size_t ifnamelen, char *err, size_t errlen);

#endif /* SSTPD_SRV_TUN_H */
