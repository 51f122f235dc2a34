/*
 * fuzz_ppp_snoop.c - the PPP frame snooper that finds the facts the SSTP
 * crypto binding needs (src/ppp_snoop.h; PROTOCOL.md 4.1, 6.1, 6.3;
 * RFC 1661, 1994, 2759, 3748).
 *
 * Input: a sequence of frames, each "u8 flags, u16 big-endian length,
 * frame" (a short last frame takes what is left); flags bit 0 set means
 * the frame came from the server.  All frames go through one snoop state,
 * as in a session; each frame is also seen once in the other direction
 * by a second state, so both directions are fuzzed with every frame.
 *
 * Invariants: the event is a known one and goes with its direction
 * (MS-CHAPv2 Response only from the client, auth Success/Failure only
 * from the server); a Response event leaves have_nt_response set with
 * the NT-Response equal to bytes of the frame and the method MS-CHAPv2
 * or EAP-MS-CHAPv2; fail_text is always NUL-terminated and printable;
 * the method name exists; ppp_snoop_clear() wipes the state.  Every frame
 * also goes to ppp_snoop_lcp_accm(): a Configure packet has code 1..4,
 * and no ACCM option means no ACCM value.
 */
#include "config.h"

#include <string.h>

#include "util/buf.h"
#include "fuzz.h"
#include "ppp/ppp_snoop.h"

/* Does needle occur in hay? */
static int
snoop_contains(const uint8_t *hay, size_t hlen, const uint8_t *needle,
    size_t nlen)
{
	size_t i;

	for (i = 0; i + nlen <= hlen; i++)
		if (memcmp(hay + i, needle, nlen) == 0)
			return 1;
	return 0;
}

/* The LCP ACCM view of a frame (RFC 1662 7.1; RFC 1661 6). */
static void
snoop_accm(const uint8_t *frame, size_t len)
{
	struct ppp_lcp_accm la;

	memset(&la, 0xa5, sizeof la);
	if (ppp_snoop_lcp_accm(frame, len, &la)) {
		FUZZ_CHECK(la.code >= 1 && la.code <= 4);
		if (!la.has_accm)
			FUZZ_CHECK(la.accm == 0);
	}
}

static void
snoop_one(struct ppp_snoop *st, const uint8_t *frame, size_t len,
    bool from_server)
{
	enum ppp_snoop_event ev;

	ev = ppp_snoop_frame(st, frame, len, from_server);
	FUZZ_CHECK(ev <= PPP_SNOOP_LCP_TERMINATE);
	FUZZ_CHECK(st->method <= PPP_AUTH_EAP_OTHER);
	FUZZ_CHECK(ppp_snoop_method_name(st->method) != NULL);
	FUZZ_CHECK(fuzz_str_ok(st->fail_text, sizeof st->fail_text, 1));
	switch (ev) {
	case PPP_SNOOP_MSCHAPV2_RESPONSE:
		FUZZ_CHECK(!from_server);
		FUZZ_CHECK(st->have_nt_response);
		FUZZ_CHECK(st->method == PPP_AUTH_MSCHAPV2 ||
		    st->method == PPP_AUTH_EAP_MSCHAPV2);
		FUZZ_CHECK(snoop_contains(frame, len, st->nt_response,
		    sizeof st->nt_response));
		break;
	case PPP_SNOOP_AUTH_SUCCESS:
	case PPP_SNOOP_AUTH_FAILURE:
		FUZZ_CHECK(from_server);
		break;
	default:
		break;
	}
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bcur in = bcur_make(data, size), fr;
	struct ppp_snoop st, other;
	uint8_t flags;
	bool from_server;

	memset(&st, 0, sizeof st);
	memset(&other, 0, sizeof other);
	while (bcur_left(&in) > 0) {
		fr = fuzz_record(&in, &flags);
		from_server = (flags & 1) != 0;
		snoop_one(&st, bcur_ptr(&fr), bcur_left(&fr), from_server);
		snoop_one(&other, bcur_ptr(&fr), bcur_left(&fr),
		    !from_server);
		snoop_accm(bcur_ptr(&fr), bcur_left(&fr));
	}
	ppp_snoop_clear(&st);
	FUZZ_CHECK(fuzz_all_zero(&st, sizeof st));
	ppp_snoop_clear(&other);
	return 0;
}
