
/*
 * The traffic channel of a session's landing page, named from its query
 * string (click ids, utm_* parameters) and its Referer, as the journey
 * record's channel, source, medium, campaign, term and content.
 */


#ifndef CX_CHANNEL_H
#define CX_CHANNEL_H


#include "cx_str.h"


typedef enum {
    CX_CHANNEL_NONE = 0,
    CX_CHANNEL_DIRECT,
    CX_CHANNEL_INTERNAL,
    CX_CHANNEL_SEARCH,
    CX_CHANNEL_SOCIAL,
    CX_CHANNEL_EMAIL,
    CX_CHANNEL_PAID,
    CX_CHANNEL_REFERRAL,
    CX_CHANNEL_CAMPAIGN,
    CX_CHANNEL_COUNT
} cx_channel_e;


/*
 * An operator's cx_channel_source entry.  host is a host ("news.example.com",
 * a leading "www." ignored) or ".example.com" for that domain and all its
 * subdomains; an Android package name matches the same way.  An empty
 * source names the referring host itself.  Entries whose channel is NONE
 * or out of range are ignored.
 */
typedef struct {
    cx_str_t      host;
    cx_channel_e  channel;
    cx_str_t      source;
} cx_channel_host_t;


/*
 * The strings point into the caller's scratch, the query or referrer, the
 * operator's entries, or static names; data is NULL when absent, never an
 * empty string.
 */
typedef struct {
    cx_channel_e  channel;
    cx_str_t      source;
    cx_str_t      medium;
    cx_str_t      campaign;
    cx_str_t      term;
    cx_str_t      content;
} cx_channel_result_t;


/* "direct", "internal", ...; NULL for NONE and out of range values */
const char *cx_channel_name(cx_channel_e channel);

/* the channel of a name, case-insensitively; NONE when unknown */
cx_channel_e cx_channel_from_name(cx_str_t name);

/*
 * Classifies a landing.  query is the raw query string, referrer the raw
 * Referer, request_host the request's Host (a port and a leading "www."
 * are ignored).  hosts are the operator's entries, checked first, the most
 * specific match winning; internal are the cx_internal_hosts patterns
 * ("host" or ".example.com").  scratch must hold query.len + referrer.len
 * bytes: the decoded utm_* values and the lowercased referring host are
 * kept there, and nothing is written past scratch_size.
 */
void cx_channel_classify(cx_str_t query, cx_str_t referrer,
    cx_str_t request_host, const cx_channel_host_t *hosts, size_t nhosts,
    const cx_str_t *internal, size_t ninternal, unsigned char *scratch,
    size_t scratch_size, cx_channel_result_t *out);


#endif /* CX_CHANNEL_H */
