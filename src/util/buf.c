/*
 * buf.c - bounded read cursor and sticky-error writer (see buf.h).
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/ctype.h"

/* Take n bytes from the cursor or fail without consuming. */
static const uint8_t *
bcur_take(struct bcur *c, size_t n)
{
	const uint8_t *p;

	if (c->len < n)
		return NULL;
	p = c->p;
	c->p += n;
	c->len -= n;
	return p;
}

int
bcur_get_u8(struct bcur *c, uint8_t *v)
{
	const uint8_t *p = bcur_take(c, 1);

	if (p == NULL)
		return -EBADMSG;
	*v = p[0];
	return 0;
}

int
bcur_get_be16(struct bcur *c, uint16_t *v)
{
	const uint8_t *p = bcur_take(c, 2);

	if (p == NULL)
		return -EBADMSG;
	*v = load_be16(p);
	return 0;
}

int
bcur_get_be32(struct bcur *c, uint32_t *v)
{
	const uint8_t *p = bcur_take(c, 4);

	if (p == NULL)
		return -EBADMSG;
	*v = ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	    ((uint32_t)p[2] << 8) | p[3];
	return 0;
}

int
bcur_get_le16(struct bcur *c, uint16_t *v)
{
	const uint8_t *p = bcur_take(c, 2);

	if (p == NULL)
		return -EBADMSG;
	*v = (uint16_t)(p[0] | (p[1] << 8));
	return 0;
}

int
bcur_get_le32(struct bcur *c, uint32_t *v)
{
	const uint8_t *p = bcur_take(c, 4);

	if (p == NULL)
		return -EBADMSG;
	*v = p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
	    ((uint32_t)p[3] << 24);
	return 0;
}

int
bcur_get_bytes(struct bcur *c, void *out, size_t n)
{
	const uint8_t *p = bcur_take(c, n);

	if (p == NULL)
		return -EBADMSG;
	if (n > 0)
		memcpy(out, p, n);
	return 0;
}

int
bcur_get_view(struct bcur *c, size_t n, struct bcur *child)
{
	const uint8_t *p = bcur_take(c, n);

	if (p == NULL)
		return -EBADMSG;
	child->p = p;
	child->len = n;
	return 0;
}

int
bcur_skip(struct bcur *c, size_t n)
{
	return bcur_take(c, n) == NULL ? -EBADMSG : 0;
}

int
bcur_peek_u8(const struct bcur *c, size_t off, uint8_t *v)
{
	if (off >= c->len)
		return -EBADMSG;
	*v = c->p[off];
	return 0;
}

int
bcur_peek_be16(const struct bcur *c, size_t off, uint16_t *v)
{
	if (c->len < 2 || off > c->len - 2)
		return -EBADMSG;
	*v = load_be16(c->p + off);
	return 0;
}

int
bcur_sub_tlv(struct bcur *c, size_t tlv_len, size_t hdr, struct bcur *child)
{
	/* The one place that refuses a TLV shorter than its own header. */
	if (tlv_len < hdr || tlv_len > c->len)
		return -EBADMSG;
	return bcur_get_view(c, tlv_len, child);
}

long
bcur_find(const struct bcur *c, uint8_t b)
{
	const uint8_t *q;

	if (c->len == 0)
		return -1;
	q = memchr(c->p, b, c->len);
	return q == NULL ? -1 : (long)(q - c->p);
}

bool
bcur_starts_with(const struct bcur *c, const void *mem, size_t n)
{
	return c->len >= n && memcmp(c->p, mem, n) == 0;
}

size_t
bcur_get_printable(struct bcur *c, char *out, size_t cap)
{
	size_t n = 0;
	uint8_t b;

	if (cap == 0)
		return 0;
	while (n + 1 < cap && bcur_get_u8(c, &b) == 0)
		out[n++] = is_print(b) ? (char)b : '?';
	out[n] = '\0';
	return n;
}

uint8_t *
wbuf_reserve(struct wbuf *w, size_t n)
{
	uint8_t *p;

	if (w->err != 0)
		return NULL;
	if (w->cap - w->len < n) {
		w->err = -ENOSPC;
		return NULL;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

void
wbuf_put_u8(struct wbuf *w, uint8_t v)
{
	uint8_t *p = wbuf_reserve(w, 1);

	if (p != NULL)
		p[0] = v;
}

void
wbuf_put_be16(struct wbuf *w, uint16_t v)
{
	uint8_t *p = wbuf_reserve(w, 2);

	if (p != NULL)
		store_be16(p, v);
}

void
wbuf_put_be32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = wbuf_reserve(w, 4);

	if (p != NULL) {
		p[0] = (uint8_t)(v >> 24);
		p[1] = (uint8_t)(v >> 16);
		p[2] = (uint8_t)(v >> 8);
		p[3] = (uint8_t)v;
	}
}

void
wbuf_put_le16(struct wbuf *w, uint16_t v)
{
	uint8_t *p = wbuf_reserve(w, 2);

	if (p != NULL) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
	}
}

void
wbuf_put_le32(struct wbuf *w, uint32_t v)
{
	uint8_t *p = wbuf_reserve(w, 4);

	if (p != NULL) {
		p[0] = (uint8_t)v;
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)(v >> 16);
		p[3] = (uint8_t)(v >> 24);
	}
}

void
wbuf_put_bytes(struct wbuf *w, const void *src, size_t n)
{
	uint8_t *p = wbuf_reserve(w, n);

	if (p != NULL && n > 0)
		memcpy(p, src, n);
}

void
wbuf_put_zero(struct wbuf *w, size_t n)
{
	uint8_t *p = wbuf_reserve(w, n);

	if (p != NULL && n > 0)
		memset(p, 0, n);
}

void
wbuf_put_str(struct wbuf *w, const char *s)
{
	wbuf_put_bytes(w, s, strlen(s));
}

void
wbuf_printf(struct wbuf *w, const char *fmt, ...)
{
	va_list ap;
	size_t room;
	int n;

	if (w->err != 0)
		return;
	room = w->cap - w->len;
	va_start(ap, fmt);
	n = vsnprintf((char *)w->p + w->len, room, fmt, ap);
	va_end(ap);
	if (n < 0) {
		w->err = -EINVAL;
		return;
	}
	/* vsnprintf needs room for the NUL it writes. */
	if ((size_t)n >= room) {
		w->err = -ENOSPC;
		return;
	}
	w->len += (size_t)n;
}

void
wbuf_patch_be16(struct wbuf *w, size_t off, uint16_t v)
{
	if (w->err != 0)
		return;
	if (w->len < 2 || off > w->len - 2) {
		w->err = -EINVAL;
		return;
	}
	store_be16(w->p + off, v);
}

int
bq_init(struct bq *q, size_t initial, size_t max)
{
	q->off = q->len = 0;
	q->cap = initial;
	q->max = max;
	q->p = malloc(initial);
	return q->p == NULL ? -ENOMEM : 0;
}

void
bq_free(struct bq *q)
{
	free(q->p);
	q->p = NULL;
	q->off = q->len = q->cap = 0;
}

int
bq_room(struct bq *q, size_t n)
{
	size_t ncap;
	uint8_t *np;

	if (q->cap - q->len >= n)
		return 0;
	if (q->off > 0) {
		/* Contents are kept, only moved (TLS allows it with
		 * SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER). */
		memmove(q->p, q->p + q->off, q->len - q->off);
		q->len -= q->off;
		q->off = 0;
		if (q->cap - q->len >= n)
			return 0;
	}
	if (n > q->max - q->len)
		return -ENOBUFS;
	for (ncap = q->cap; ncap - q->len < n; ncap *= 2)
		;
	if (ncap > q->max)
		ncap = q->max;
	np = realloc(q->p, ncap);
	if (np == NULL)
		return -ENOMEM;
	q->p = np;
	q->cap = ncap;
	return 0;
}

uint8_t *
bq_reserve(struct bq *q, size_t n)
{
	uint8_t *t;

	if (bq_room(q, n) < 0)
		return NULL;
	t = q->p + q->len;
	q->len += n;
	return t;
}

void
bq_consume(struct bq *q, size_t n)
{
	q->off += n;
	if (q->off >= q->len)
		q->off = q->len = 0;
}
