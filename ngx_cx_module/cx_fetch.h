
/*
 * What the browser is fetching, from the request headers it sends today:
 * Sec-Fetch-Dest says where the response goes (a document, an image, a
 * fetch() call...), Sec-Purpose and the older Purpose say that it is
 * fetched ahead, before anyone asked to see it.
 */


#ifndef CX_FETCH_H
#define CX_FETCH_H


#include "cx_str.h"


typedef enum {
    CX_FETCH_NAVIGATION = 0,   /* may be a page view: a document, or a
                                  client that does not say (curl, old
                                  browsers) */
    CX_FETCH_PREFETCH,         /* speculative: fetched ahead */
    CX_FETCH_PRERENDER,        /* speculative: fetched and rendered ahead */
    CX_FETCH_OTHER             /* a subresource, a fetch() call, a frame:
                                  never a page view */
} cx_fetch_e;


/*
 * The speculation a Sec-Purpose or Purpose value asks for: a list item
 * "prefetch", with a "prerender" parameter for a prerender
 * ("prefetch;prerender"); CX_FETCH_NAVIGATION when it names none.
 */
cx_fetch_e cx_fetch_speculation(cx_str_t purpose);

/* 1 if a Sec-Fetch-Dest value lets the response be a page: "document" */
int cx_fetch_dest_document(cx_str_t dest);

/*
 * What a GET fetches, from its Sec-Fetch-Dest value (data NULL when the
 * request has none) and what cx_fetch_speculation() found in its
 * Sec-Purpose or Purpose.
 */
cx_fetch_e cx_fetch_classify(cx_str_t dest, cx_fetch_e speculation);

/* "navigation", "prefetch", "prerender", "other" */
const char *cx_fetch_name(cx_fetch_e fetch);


#endif /* CX_FETCH_H */
