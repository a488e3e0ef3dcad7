
/*
 * The host a Referer names, normalised for matching: against the request's
 * own Host and against an operator's host patterns.
 */


#ifndef CX_REFERRER_H
#define CX_REFERRER_H


#include "cx_str.h"


typedef struct {
    cx_str_t  host;       /* lowercased, without port and trailing dot */
    cx_str_t  name;       /* host without a leading "www." */
    unsigned  android;    /* host is the package of android-app://<pkg>/ */
} cx_referrer_t;


/*
 * Finds the host of a Referer and copies it lowercased into buf, which
 * must hold referrer.len bytes (nothing is written past size).  Returns 1,
 * or 0 when there is no host: empty, opaque (about:blank, javascript:),
 * hostless (file:///), or not a host name (bad characters, empty labels,
 * a bad port, longer than 253).  A Referer without a scheme is read as a
 * host if it has a dot ("www.example.com/a") or starts with "//".
 */
int cx_referrer_parse(cx_str_t referrer, unsigned char *buf, size_t size,
    cx_referrer_t *ref);

/*
 * How specifically a pattern matches the referrer: 0 not at all, else the
 * pattern's length.  "example.com" is that host (a leading "www." ignored
 * on either side), ".example.com" the domain and all its subdomains; case
 * and a trailing dot are ignored.  An exact host ranks one above a
 * ".domain" of the same length, so the most specific pattern ranks highest.
 */
size_t cx_referrer_match(const cx_referrer_t *ref, cx_str_t pattern);

/* the referrer is the site itself: host_header, ignoring port and "www." */
int cx_referrer_same_host(const cx_referrer_t *ref, cx_str_t host_header);


#endif /* CX_REFERRER_H */
