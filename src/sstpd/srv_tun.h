/*
 * srv_tun.h - the shared TUN of sstpd's built-in backend (srv_tun.c):
 * create or attach the device --tun NAME (sys/tun.c, IFF_TUN |
 * IFF_NO_PI, IFF_VNET_HDR with the TSO offloads when the kernel takes
 * them), give it the server's address @local4 (a peer-less /32), the MTU,
 * set it up and route --pool and --pool6 through it (sys/hostconf.c on
 * sys/nl.c's rtnetlink codec).  Runs before the privilege drop, as root
 * or with CAP_NET_ADMIN: no monitor process on the server.
 *
 * The descriptor goes to the hub (link/tunsrv/tunsrv.h, tun_hub_conf.fd),
 * which closes it at tun_hub_free().  A device sstpd created goes with
 * that descriptor, and its address and routes with it.  A persistent
 * device made beforehand (`ip tuntap add`) is the admin's: it keeps its
 * configuration, which the next start finds in place (existing routes are
 * left alone, NLM_F_EXCL).
 */
#ifndef SSTPD_SRV_TUN_H
#define SSTPD_SRV_TUN_H

#include <stddef.h>
#include <stdint.h>

#include "link/tunsrv/tunsrv.h"
#include "sstpd/conf.h"

/*
 * The open, configured device's fd (non-blocking, close-on-exec; its name
 * in @ifname; its virtio_net_hdr size, byte order and GRO choice in @hc's
 * vnet_hdr, vnet_le, no_gro), or -1 with one line in @err and nothing left behind.
 * @local4: the server's address (net order, not 0).
 */
int	srv_tun_open(const struct sstpd_conf *, uint32_t local4, char *ifname,
	    size_t ifnamelen, struct tun_hub_conf *hc, char *err,
	    size_t errlen);

#endif /* SSTPD_SRV_TUN_H */
