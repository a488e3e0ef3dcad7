
/*
 * The journey record: one JSON line per event (schema version 1, see
 * docs/journey.md and docs/journey.schema.json).  The glue fills a
 * cx_record_t from the request; this file alone decides how it is written.
 */


#ifndef CX_RECORD_H
#define CX_RECORD_H


#include "cx_str.h"


#define CX_RECORD_VERSION      1

/* caps on string fields, in bytes of UTF-8 */
#define CX_RECORD_CAP_URL      2048
#define CX_RECORD_CAP_HOST     255
#define CX_RECORD_CAP_METHOD   32
#define CX_RECORD_CAP_ID       32     /* ids are ours: never cut */
#define CX_RECORD_CAP_NAME     64     /* names from nginx.conf */
#define CX_RECORD_CAP_UTM      256    /* source, medium, campaign, ... */
#define CX_RECORD_CAP_GEO      256    /* names from the geo databases */
#define CX_RECORD_CAP_COMMENT  4096   /* 1,000 code points of feedback */


typedef enum {
    CX_EVENT_PAGE_VIEW = 0,
    CX_EVENT_FEEDBACK,
    CX_EVENT_EVENT,
    CX_EVENT_PREFETCH               /* a page fetched ahead */
} cx_event_e;


/* what cx_consent's variable said; a record without the question has no
   "consent" member */
typedef enum {
    CX_CONSENT_UNASKED = 0,
    CX_CONSENT_GIVEN,
    CX_CONSENT_REFUSED
} cx_consent_e;


/* a visitor's variant of one experiment */
/*
 * Text the caller vouches for (rec->plain): printable
 * ASCII with no quote and no backslash, within the field's cap, as the ids
 * this module makes and the names nginx.conf's directives check are.  It is
 * copied between its quotes with no look at its bytes; anything else in it
 * would make the line invalid JSON.
 */
#define CX_RECORD_PLAIN_VISITOR          0x01
#define CX_RECORD_PLAIN_SESSION          0x02
#define CX_RECORD_PLAIN_TOUCHPOINT       0x04
#define CX_RECORD_PLAIN_PREV_TOUCHPOINT  0x08
#define CX_RECORD_PLAIN_IP               0x10
#define CX_RECORD_PLAIN_VARIANTS         0x20  /* every variant's names */
#define CX_RECORD_PLAIN_METHOD           0x40
#define CX_RECORD_PLAIN_COUNTRY          0x80
#define CX_RECORD_PLAIN_REGION           0x100
#define CX_RECORD_PLAIN_CITY             0x200
#define CX_RECORD_PLAIN_AS_ORG           0x400


typedef struct {
    cx_str_t     experiment;
    cx_str_t     variant;
    int          forced;            /* by the QA override */
} cx_record_variant_t;


typedef struct {
    cx_event_e   event;
    unsigned     plain;             /* CX_RECORD_PLAIN_* */
    int64_t      start_sec;
    unsigned     start_msec;

    cx_str_t     host;              /* a NULL data means null */
    cx_str_t     method;
    cx_str_t     path;              /* already percent-decoded */
    cx_str_t     query;             /* raw */
    cx_str_t     referrer;

    int64_t      status;
    int64_t      bytes;
    int64_t      request_ms;
    int64_t      upstream_ms;       /* CX_NONE without an upstream */

    cx_str_t     visitor;           /* 32 hex digits; NULL: no visitor */
    cx_str_t     session;           /* 16 hex digits */
    int64_t      session_index;     /* CX_NONE when not known */
    int64_t      seq;
    int          new_visitor;       /* 0, 1 or CX_UNKNOWN */
    int          new_session;
    cx_str_t     prev_touchpoint;
    int64_t      since_prev_ms;     /* CX_NONE on a landing */
    int          landing;

    cx_str_t     touchpoint;
    int          goal;
    const char  *channel;           /* NULL: null */
    cx_str_t     source;
    cx_str_t     medium;
    cx_str_t     campaign;
    cx_str_t     term;
    cx_str_t     content;

    const char  *device;
    const char  *browser;
    const char  *os;
    cx_str_t     agent;             /* cx_record_agent()'s text of device,
                                       browser and os, used instead when
                                       not empty */
    int          bot;
    cx_consent_e consent;

    cx_str_t     country;
    cx_str_t     region;
    cx_str_t     city;
    double       lat;
    double       lon;
    int          has_location;      /* lat and lon are known */
    cx_str_t     location;          /* cx_record_location()'s text of them,
                                       used instead when not empty */
    int64_t      asn;               /* CX_NONE when not known */
    cx_str_t     as_org;
    cx_str_t     ip;                /* as cx_privacy allows */

    const cx_record_variant_t  *variants;
    size_t                      nvariants;

    unsigned     friction;          /* CX_FRICTION_* of cx_experience.h */
    const char  *experience;        /* NULL: null */

    /* CX_EVENT_FEEDBACK */
    int64_t      score;
    const char  *scale;
    cx_str_t     comment;
    cx_str_t     feedback_touchpoint;

    /* CX_EVENT_EVENT */
    cx_str_t     name;
    double       value;
    int          has_value;

    /* CX_EVENT_PREFETCH */
    const char  *speculation;       /* "prefetch", "prerender" */
} cx_record_t;


/* the most bytes cx_record_location() writes */
#define CX_RECORD_LOCATION_LEN  64

/*
 * The "lat" and "lon" members as cx_record_write() writes them: a place's
 * text kept with it is copied into each of its lines instead of formatting
 * two numbers again.  Returns the length, 0 if they do not fit.
 */
size_t cx_record_location(unsigned char *buf, double lat, double lon);

/* the most bytes cx_record_agent() writes */
#define CX_RECORD_AGENT_LEN  64

/*
 * The "device", "browser" and "os" members as cx_record_write() writes
 * them, for a caller that keeps the text of each combination of its
 * vocabularies.  Returns the length, 0 if they do not fit.
 */
size_t cx_record_agent(unsigned char *buf, const char *device,
    const char *browser, const char *os);

/* the most bytes cx_record_write() can need for this record */
size_t cx_record_bound(const cx_record_t *rec);

/*
 * The most bytes cx_record_write() can need for any record with nvariants
 * experiments, whatever its strings: at least cx_record_bound(), and cheap.
 */
size_t cx_record_bound_max(size_t nvariants);

/* writes one '\n'-terminated JSON object; returns 0 if size is too small */
size_t cx_record_write(const cx_record_t *rec, unsigned char *buf,
    size_t size);


#endif /* CX_RECORD_H */
