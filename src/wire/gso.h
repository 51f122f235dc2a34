/*
 * gso.h - segmenting the TCP super-packets a TUN with IFF_VNET_HDR hands
 * over (issue 12, BUILTIN-PPP.md 4), in user space, with no I/O.
 *
 * With IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6)
 * one read of the TUN is a struct virtio_net_hdr (virtio 1.x, 5.1.6: the
 * fields little-endian when the device is set TUNSETVNETLE) followed by an
 * IP packet of up to 64 KiB: either one ordinary packet, maybe with its
 * transport checksum left to us (VIRTIO_NET_HDR_F_NEEDS_CSUM), or a TCP
 * "super-packet" to be cut into segments of gso_size payload bytes, each
 * a valid IPv4 (RFC 791) or IPv6 (RFC 8200) TCP (RFC 9293) packet.
 *
 * Use: gso_vnet_parse() the header, gso_start() on the packet after it
 * (checks everything, changes nothing), then gso_next() until it returns
 * 0: each call writes the next whole segment into the caller's buffer.
 * A packet that needs no segmenting is GSO_PASS: the caller sends it as it
 * is, after gso_complete_csum() when the header asks for a checksum.
 */
#ifndef SSTPC_GSO_H
#define SSTPC_GSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"

/* virtio 1.x 5.1.6: struct virtio_net_hdr (10 bytes; 12 with num_buffers) */
#define GSO_VNET_HDR_LEN	10
#define GSO_VNET_HDR_MRG_LEN	12
#define GSO_VNET_F_NEEDS_CSUM	0x01	/* csum_start/csum_offset valid */
#define GSO_VNET_F_DATA_VALID	0x02	/* (receive side only) */
#define GSO_VNET_GSO_NONE	0
#define GSO_VNET_GSO_TCPV4	1
#define GSO_VNET_GSO_UDP	3
#define GSO_VNET_GSO_TCPV6	4
#define GSO_VNET_GSO_UDP_L4	5
#define GSO_VNET_GSO_ECN	0x80	/* the TCP packet has CWR set */

/* Largest IP packet (IPv4 total length / IPv6 payload length + 40). */
#define GSO_MAX_PACKET		65535

struct gso_vnet_hdr {
	uint8_t		 flags;
	uint8_t		 gso_type;
	uint16_t	 hdr_len;	/* a hint: headers' length */
	uint16_t	 gso_size;	/* payload bytes per segment */
	uint16_t	 csum_start;
	uint16_t	 csum_offset;
};

/* Why a packet was refused (gso_err_str() names it). */
enum gso_err {
	GSO_OK = 0,
	GSO_ERR_VNET,		/* the header is cut short */
	GSO_ERR_TYPE,		/* a gso_type we did not ask for (UDP ...) */
	GSO_ERR_SIZE,		/* gso_size 0, or hdr_len past the packet */
	GSO_ERR_CSUM,		/* csum_start/csum_offset past the packet,
				   or an odd csum_offset */
	GSO_ERR_IP,		/* not the IP header the type says */
	GSO_ERR_IPLEN,		/* the IP length is not the packet's */
	GSO_ERR_PROTO,		/* not TCP (IPv6 extension headers too) */
	GSO_ERR_TCP,		/* the TCP header is cut short or bad */
	GSO_ERR_ROOM,		/* a segment does not fit the caller's room */
	GSO_ERR_COUNT
};

/* What to do with a packet that gso_start() accepted. */
enum gso_kind {
	GSO_PASS = 0,		/* one packet: send it as it is */
	GSO_SEGMENT		/* call gso_next() until it returns 0 */
};

/* The segmenter's cursor over one super-packet (read-only input). */
struct gso {
	const uint8_t	*pkt;
	size_t		 len;
	bool		 v6;
	size_t		 ip_hlen;	/* IPv4 IHL * 4, or 40 */
	size_t		 hlen;		/* IP + TCP headers */
	size_t		 mss;		/* gso_size */
	size_t		 off;		/* next payload byte (from hlen) */
	unsigned	 seg;		/* segments made */
	bool		 done;		/* the last one was made */
	uint32_t	 seq;		/* the first segment's sequence number */
	uint16_t	 ip_id;		/* the first segment's IPv4 id */
};

/*
 * Read a virtio_net_hdr of @hdrlen bytes (10, or 12 with num_buffers,
 * which is ignored) off @c; @le: its fields are little-endian (virtio 1.x,
 * TUNSETVNETLE), else big-endian.  0, or -1 when @c is too short.
 */
int	gso_vnet_parse(struct bcur *c, size_t hdrlen, bool le,
	    struct gso_vnet_hdr *h);
/* Write the header for a packet toward the TUN: all zero (GSO_NONE). */
void	gso_vnet_put_none(uint8_t *out, size_t hdrlen);
/*
 * Check @pkt (the IP packet after the header) against @h and set @g up.
 * @room is the most bytes one segment may take in the caller's buffer.
 * GSO_OK with *kind; otherwise the packet is to be dropped.  Nothing in
 * @pkt is changed; @pkt must stay valid until the last gso_next().
 */
enum gso_err gso_start(struct gso *g, const struct gso_vnet_hdr *h,
	    const uint8_t *pkt, size_t len, size_t room, enum gso_kind *kind);
/*
 * The next segment written into @out (at least the @room of gso_start):
 * its length, or 0 when all were made.
 */
size_t	gso_next(struct gso *g, uint8_t *out);
/* How many segments gso_next() has still to make (0 once done). */
unsigned gso_left(const struct gso *g);
/*
 * A GSO_PASS packet whose header has VIRTIO_NET_HDR_F_NEEDS_CSUM: fold
 * the one's complement sum from csum_start to the end (the field holds
 * the pseudo-header's sum) into the field at csum_start + csum_offset
 * (virtio 1.x 5.1.6.2).  gso_start() checked the offsets.
 */
void	gso_complete_csum(const struct gso_vnet_hdr *h, uint8_t *pkt,
	    size_t len);
/* RFC 1071 one's complement sum of @p (big-endian 16-bit words) on @sum. */
uint32_t gso_csum_add(uint32_t sum, const uint8_t *p, size_t len);
/* Fold a sum to 16 bits (not complemented). */
uint16_t gso_csum_fold(uint32_t sum);
/*
 * The other way (GRO): consecutive TCP segments of one flow toward the
 * TUN coalesced into one super-packet, written with a virtio_net_hdr that
 * says TCPV4/TCPV6, gso_size and NEEDS_CSUM (the kernel takes it as its
 * own GRO's result).  Only what the kernel's tcp_gro_receive() would
 * merge is: the same addresses, ports, ACK, window and options, the next
 * sequence number (IPv4: the next id, no options, not a fragment), flags
 * ACK (PSH on the last one), payloads of the first one's size (the last
 * may be shorter), each segment's TCP (and IPv4 header) checksum
 * verified first.
 */
struct gro {
	uint8_t		*buf;		/* the caller's, GSO_MAX_PACKET bytes */
	size_t		 len;		/* bytes held; 0: none */
	size_t		 ip_hlen, hlen, mss;
	bool		 v6;
	bool		 closed;	/* PSH or a short one: no more */
	unsigned	 segs;
	uint32_t	 next_seq;
	uint16_t	 next_id;
};

enum gro_res {
	GRO_HELD = 0,		/* taken (copied): held */
	GRO_BUSY,		/* does not continue what is held: flush it,
				   then offer again */
	GRO_NO			/* not for coalescing: flush what is held,
				   then send the packet as it is */
};

/* An empty coalescer over @buf (GSO_MAX_PACKET bytes). */
void	gro_init(struct gro *, uint8_t *buf);
/* Offer one IP packet (its IP header's length checked by the caller). */
enum gro_res gro_offer(struct gro *, const uint8_t *pkt, size_t len);
/*
 * What is held as one packet: its length (0: nothing held) with *pkt at
 * it, and its virtio_net_hdr of @hdrlen bytes in @hdr (GSO_NONE for a
 * single segment); the coalescer is empty again.
 */
size_t	gro_finish(struct gro *, uint8_t *hdr, size_t hdrlen, bool le,
	    const uint8_t **pkt);
/* A short name of an error, for a log line. */
const char *gso_err_str(enum gso_err);

#endif /* SSTPC_GSO_H */
