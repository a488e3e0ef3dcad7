
/*
 * The journey record writer: see cx_record.h.
 */


#include <string.h>

#include "cx_record.h"
#include "cx_beacon.h"
#include "cx_experience.h"
#include "cx_json.h"
#include "cx_time.h"


/* every member name, number and punctuation of a record, generously */
#define CX_RECORD_FIXED_BOUND  1024


typedef enum {
    CX_FIELD_HOST = 0,
    CX_FIELD_METHOD,
    CX_FIELD_PATH,
    CX_FIELD_QUERY,
    CX_FIELD_REFERRER,
    CX_FIELD_VISITOR,
    CX_FIELD_SESSION,
    CX_FIELD_PREV_TOUCHPOINT,
    CX_FIELD_TOUCHPOINT,
    CX_FIELD_SOURCE,
    CX_FIELD_MEDIUM,
    CX_FIELD_CAMPAIGN,
    CX_FIELD_TERM,
    CX_FIELD_CONTENT,
    CX_FIELD_COUNTRY,
    CX_FIELD_REGION,
    CX_FIELD_CITY,
    CX_FIELD_AS_ORG,
    CX_FIELD_IP,
    CX_FIELD_COMMENT,
    CX_FIELD_NAME,
    CX_FIELD_COUNT
} cx_record_field_e;


typedef struct {
    cx_json_t   json;
    unsigned    truncated;            /* bit per cx_record_field_e */
} cx_record_writer_t;


static void cx_record_ts(cx_json_t *json, int64_t sec, unsigned msec);
static inline void cx_record_text(cx_record_writer_t *w, cx_str_t value,
    size_t cap, cx_record_field_e field);
static void cx_record_truncated(cx_record_writer_t *w);
static void cx_record_bool(cx_json_t *json, int value);
static void cx_record_coordinate(cx_json_t *json, int known, double degrees);
static void cx_record_name(cx_json_t *json, const char *name);
static void cx_record_experiments(cx_record_writer_t *w,
    const cx_record_t *rec);
static void cx_record_friction(cx_json_t *json, unsigned friction);
static void cx_record_event(cx_record_writer_t *w, const cx_record_t *rec);


static const char  *cx_record_field_names[CX_FIELD_COUNT] = {
    "host", "method", "path", "query", "referrer", "visitor", "session",
    "prev_touchpoint", "touchpoint", "source", "medium", "campaign", "term",
    "content", "country", "region", "city", "as_org", "ip", "comment", "name"
};

static const char  *cx_record_event_names[] = {
    "page_view", "feedback", "event", "prefetch"
};


size_t
cx_record_bound(const cx_record_t *rec)
{
    size_t  i, variants;

    variants = 0;

    for (i = 0; i < rec->nvariants; i++) {
        variants += 2 * cx_json_string_bound(rec->variants[i].experiment.len,
                                             CX_RECORD_CAP_NAME)
                    + cx_json_string_bound(rec->variants[i].variant.len,
                                           CX_RECORD_CAP_NAME)
                    + 4;
    }

    return CX_RECORD_FIXED_BOUND + variants
           + cx_json_string_bound(rec->host.len, CX_RECORD_CAP_HOST)
           + cx_json_string_bound(rec->method.len, CX_RECORD_CAP_METHOD)
           + cx_json_string_bound(rec->path.len, CX_RECORD_CAP_URL)
           + cx_json_string_bound(rec->query.len, CX_RECORD_CAP_URL)
           + cx_json_string_bound(rec->referrer.len, CX_RECORD_CAP_URL)
           + cx_json_string_bound(rec->visitor.len, CX_RECORD_CAP_ID)
           + cx_json_string_bound(rec->session.len, CX_RECORD_CAP_ID)
           + cx_json_string_bound(rec->prev_touchpoint.len,
                                  CX_RECORD_CAP_NAME)
           + cx_json_string_bound(rec->touchpoint.len, CX_RECORD_CAP_NAME)
           + cx_json_string_bound(rec->source.len, CX_RECORD_CAP_UTM)
           + cx_json_string_bound(rec->medium.len, CX_RECORD_CAP_UTM)
           + cx_json_string_bound(rec->campaign.len, CX_RECORD_CAP_UTM)
           + cx_json_string_bound(rec->term.len, CX_RECORD_CAP_UTM)
           + cx_json_string_bound(rec->content.len, CX_RECORD_CAP_UTM)
           + cx_json_string_bound(rec->country.len, CX_RECORD_CAP_GEO)
           + cx_json_string_bound(rec->region.len, CX_RECORD_CAP_GEO)
           + cx_json_string_bound(rec->city.len, CX_RECORD_CAP_GEO)
           + cx_json_string_bound(rec->as_org.len, CX_RECORD_CAP_GEO)
           + cx_json_string_bound(rec->ip.len, CX_RECORD_CAP_NAME)
           + cx_json_string_bound(rec->comment.len, CX_RECORD_CAP_COMMENT)
           + cx_json_string_bound(rec->feedback_touchpoint.len,
                                  CX_RECORD_CAP_NAME)
           + cx_json_string_bound(rec->name.len, CX_RECORD_CAP_NAME);
}


/* every string field at its cap, as cx_record_bound() counts them */
#define CX_RECORD_STRING_MAX(cap)  (2 + 6 * (cap))

#define CX_RECORD_VARIANT_MAX                                                \
    (3 * CX_RECORD_STRING_MAX(CX_RECORD_CAP_NAME) + 4)

#define CX_RECORD_MAX                                                        \
    (CX_RECORD_FIXED_BOUND                                                   \
     + CX_RECORD_STRING_MAX(CX_RECORD_CAP_HOST)                              \
     + CX_RECORD_STRING_MAX(CX_RECORD_CAP_METHOD)                            \
     + 3 * CX_RECORD_STRING_MAX(CX_RECORD_CAP_URL)                           \
     + 2 * CX_RECORD_STRING_MAX(CX_RECORD_CAP_ID)                            \
     + 5 * CX_RECORD_STRING_MAX(CX_RECORD_CAP_NAME)                          \
     + 5 * CX_RECORD_STRING_MAX(CX_RECORD_CAP_UTM)                           \
     + 4 * CX_RECORD_STRING_MAX(CX_RECORD_CAP_GEO)                           \
     + CX_RECORD_STRING_MAX(CX_RECORD_CAP_COMMENT))


size_t
cx_record_bound_max(size_t nvariants)
{
    return CX_RECORD_MAX + nvariants * CX_RECORD_VARIANT_MAX;
}


size_t
cx_record_write(const cx_record_t *rec, unsigned char *buf, size_t size)
{
    cx_json_t          *json;
    const char         *event;
    cx_record_writer_t  w;

    if (size == 0) {
        return 0;
    }

    /* the last byte is kept for the line's '\n' */

    cx_json_init(&w.json, buf, size - 1);
    w.truncated = 0;
    json = &w.json;

    event = cx_record_event_names[rec->event];

    cx_json_object_start(json);

    cx_json_key(json, "v");
    cx_json_integer(json, CX_RECORD_VERSION);
    cx_json_key(json, "ts");
    cx_record_ts(json, rec->start_sec, rec->start_msec);
    cx_json_key(json, "event");
    cx_record_name(json, event);

    cx_json_key(json, "host");
    cx_record_text(&w, rec->host, CX_RECORD_CAP_HOST, CX_FIELD_HOST);
    cx_json_key(json, "method");
    cx_record_text(&w, rec->method, CX_RECORD_CAP_METHOD, CX_FIELD_METHOD);
    cx_json_key(json, "path");
    cx_record_text(&w, rec->path, CX_RECORD_CAP_URL, CX_FIELD_PATH);
    cx_json_key(json, "query");
    cx_record_text(&w, rec->query, CX_RECORD_CAP_URL, CX_FIELD_QUERY);

    cx_json_key(json, "status");
    cx_json_integer(json, rec->status);
    cx_json_key(json, "bytes");
    cx_json_integer(json, rec->bytes);
    cx_json_key(json, "request_ms");
    cx_json_integer(json, rec->request_ms);
    cx_json_key(json, "upstream_ms");
    cx_json_integer(json, rec->upstream_ms);

    cx_json_key(json, "visitor");
    cx_record_text(&w, rec->visitor, CX_RECORD_CAP_ID, CX_FIELD_VISITOR);
    cx_json_key(json, "session");
    cx_record_text(&w, rec->session, CX_RECORD_CAP_ID, CX_FIELD_SESSION);
    cx_json_key(json, "session_index");
    cx_json_integer(json, rec->session_index);
    cx_json_key(json, "seq");
    cx_json_integer(json, rec->seq);
    cx_json_key(json, "new_visitor");
    cx_record_bool(json, rec->new_visitor);
    cx_json_key(json, "new_session");
    cx_record_bool(json, rec->new_session);
    cx_json_key(json, "prev_touchpoint");
    cx_record_text(&w, rec->prev_touchpoint, CX_RECORD_CAP_NAME,
                   CX_FIELD_PREV_TOUCHPOINT);
    cx_json_key(json, "since_prev_ms");
    cx_json_integer(json, rec->since_prev_ms);
    cx_json_key(json, "landing");
    cx_record_bool(json, rec->landing);

    cx_json_key(json, "touchpoint");
    cx_record_text(&w, rec->touchpoint, CX_RECORD_CAP_NAME,
                   CX_FIELD_TOUCHPOINT);
    cx_json_key(json, "goal");
    cx_record_bool(json, rec->goal);
    cx_json_key(json, "channel");
    cx_record_name(json, rec->channel);
    cx_json_key(json, "source");
    cx_record_text(&w, rec->source, CX_RECORD_CAP_UTM, CX_FIELD_SOURCE);
    cx_json_key(json, "medium");
    cx_record_text(&w, rec->medium, CX_RECORD_CAP_UTM, CX_FIELD_MEDIUM);
    cx_json_key(json, "campaign");
    cx_record_text(&w, rec->campaign, CX_RECORD_CAP_UTM, CX_FIELD_CAMPAIGN);
    cx_json_key(json, "term");
    cx_record_text(&w, rec->term, CX_RECORD_CAP_UTM, CX_FIELD_TERM);
    cx_json_key(json, "content");
    cx_record_text(&w, rec->content, CX_RECORD_CAP_UTM, CX_FIELD_CONTENT);

    cx_json_key(json, "referrer");
    cx_record_text(&w, rec->referrer, CX_RECORD_CAP_URL, CX_FIELD_REFERRER);

    cx_json_key(json, "device");
    cx_record_name(json, rec->device);
    cx_json_key(json, "browser");
    cx_record_name(json, rec->browser);
    cx_json_key(json, "os");
    cx_record_name(json, rec->os);
    cx_json_key(json, "bot");
    cx_record_bool(json, rec->bot);

    if (rec->consent != CX_CONSENT_UNASKED) {
        cx_json_key(json, "consent");
        cx_record_bool(json, rec->consent == CX_CONSENT_GIVEN);
    }

    cx_json_key(json, "country");
    cx_record_text(&w, rec->country, CX_RECORD_CAP_GEO, CX_FIELD_COUNTRY);
    cx_json_key(json, "region");
    cx_record_text(&w, rec->region, CX_RECORD_CAP_GEO, CX_FIELD_REGION);
    cx_json_key(json, "city");
    cx_record_text(&w, rec->city, CX_RECORD_CAP_GEO, CX_FIELD_CITY);

    cx_json_key(json, "lat");
    cx_record_coordinate(json, rec->has_location, rec->lat);
    cx_json_key(json, "lon");
    cx_record_coordinate(json, rec->has_location, rec->lon);

    cx_json_key(json, "asn");
    cx_json_integer(json, rec->asn);
    cx_json_key(json, "as_org");
    cx_record_text(&w, rec->as_org, CX_RECORD_CAP_GEO, CX_FIELD_AS_ORG);
    cx_json_key(json, "ip");
    cx_record_text(&w, rec->ip, CX_RECORD_CAP_NAME, CX_FIELD_IP);

    cx_record_experiments(&w, rec);
    cx_record_friction(json, rec->friction);
    cx_json_key(json, "experience");
    cx_record_name(json, rec->experience);

    cx_record_event(&w, rec);

    cx_record_truncated(&w);

    cx_json_object_end(json);

    if (json->overflow) {
        return 0;
    }

    *json->pos++ = '\n';

    return cx_json_length(json);
}


/*
 * "2026-12-01T06:47:12.123Z", quoted: plain ASCII, written as it is.  The
 * calendar is worked out once a second, as a worker's requests mostly
 * start in the second of the one before; only the milliseconds change.
 */
static void
cx_record_ts(cx_json_t *json, int64_t sec, unsigned msec)
{
    static int64_t        last_sec;
    static unsigned char  quoted[CX_TIME_ISO8601_LEN + 2];

    if (quoted[0] == '\0' || sec != last_sec) {
        cx_time_iso8601(quoted + 1, sec, 0);
        quoted[0] = '"';
        quoted[CX_TIME_ISO8601_LEN + 1] = '"';
        last_sec = sec;
    }

    msec %= 1000;

    /* "HH:MM:SS." is 20 bytes into the stamp, 21 with the quote */

    quoted[21] = (unsigned char) ('0' + msec / 100);
    quoted[22] = (unsigned char) ('0' + msec / 10 % 10);
    quoted[23] = (unsigned char) ('0' + msec % 10);

    cx_json_separate(json);
    cx_json_put(json, quoted, sizeof(quoted));
}


/* an empty string is as good as none: the record says null, never "" */
static inline void
cx_record_text(cx_record_writer_t *w, cx_str_t value, size_t cap,
    cx_record_field_e field)
{
    if (value.data == NULL || value.len == 0) {
        cx_json_null(&w->json);
        return;
    }

    if (cx_json_string(&w->json, value.data, value.len, cap)) {
        w->truncated |= 1u << field;
    }
}


/* {"checkout": "B"}, and the experiments a QA override forced */
static void
cx_record_experiments(cx_record_writer_t *w, const cx_record_t *rec)
{
    size_t                      i, forced;
    const cx_record_variant_t  *v;

    cx_json_key(&w->json, "experiments");
    cx_json_object_start(&w->json);

    forced = 0;

    for (i = 0; i < rec->nvariants; i++) {
        v = &rec->variants[i];
        cx_json_key_string(&w->json, v->experiment.data, v->experiment.len,
                           CX_RECORD_CAP_NAME);
        cx_json_string(&w->json, v->variant.data, v->variant.len,
                       CX_RECORD_CAP_NAME);
        forced += v->forced != 0;
    }

    cx_json_object_end(&w->json);

    if (forced == 0) {
        return;
    }

    cx_json_key(&w->json, "forced");
    cx_json_array_start(&w->json);

    for (i = 0; i < rec->nvariants; i++) {
        v = &rec->variants[i];

        if (v->forced) {
            cx_json_string(&w->json, v->experiment.data, v->experiment.len,
                           CX_RECORD_CAP_NAME);
        }
    }

    cx_json_array_end(&w->json);
}


/* what a beacon brought: a score, or a named event; what was fetched ahead */
static void
cx_record_event(cx_record_writer_t *w, const cx_record_t *rec)
{
    cx_json_t  *json;

    json = &w->json;

    if (rec->event == CX_EVENT_FEEDBACK) {
        cx_json_key(json, "feedback");
        cx_json_object_start(json);
        cx_json_key(json, "score");
        cx_json_integer(json, rec->score);
        cx_json_key(json, "scale");
        cx_record_name(json, rec->scale);
        cx_json_key(json, "comment");
        cx_record_text(w, rec->comment, CX_RECORD_CAP_COMMENT,
                       CX_FIELD_COMMENT);
        cx_json_key(json, "touchpoint");
        cx_record_text(w, rec->feedback_touchpoint, CX_RECORD_CAP_NAME,
                       CX_FIELD_TOUCHPOINT);
        cx_json_object_end(json);
        return;
    }

    if (rec->event == CX_EVENT_PREFETCH) {
        cx_json_key(json, "speculation");
        cx_record_name(json, rec->speculation);
        return;
    }

    if (rec->event == CX_EVENT_EVENT) {
        cx_json_key(json, "name");
        cx_record_text(w, rec->name, CX_RECORD_CAP_NAME, CX_FIELD_NAME);
        cx_json_key(json, "value");

        if (rec->has_value) {
            cx_json_number(json, rec->value, CX_BEACON_VALUE_DECIMALS);

        } else {
            cx_json_null(json);
        }
    }
}


/* ["slow", "reload"], absent without friction */
static void
cx_record_friction(cx_json_t *json, unsigned friction)
{
    unsigned  kind;

    if (friction == 0) {
        return;
    }

    cx_json_key(json, "friction");
    cx_json_array_start(json);

    for (kind = 0; kind < CX_FRICTION_KINDS; kind++) {
        if (friction & (1u << kind)) {
            cx_record_name(json, cx_friction_name(kind));
        }
    }

    cx_json_array_end(json);
}


/*
 * The code's own names (events, channels, devices...): short plain ASCII,
 * never cut nor escaped (test_vocabularies_are_plain), so copied between
 * their quotes with no look at their bytes.
 */
static void
cx_record_name(cx_json_t *json, const char *name)
{
    size_t          len;
    unsigned char  *o;

    if (name == NULL) {
        cx_json_null(json);
        return;
    }

    len = strlen(name);

    cx_json_separate(json);

    if (json->overflow || (size_t) (json->end - json->pos) < len + 2) {
        json->overflow = 1;
        return;
    }

    o = json->pos;
    *o++ = '"';
    o = memcpy(o, name, len);
    o[len] = '"';
    json->pos = o + len + 1;
}


static void
cx_record_bool(cx_json_t *json, int value)
{
    if (value == CX_UNKNOWN) {
        cx_json_null(json);

    } else {
        cx_json_bool(json, value);
    }
}


static void
cx_record_coordinate(cx_json_t *json, int known, double degrees)
{
    if (known) {
        cx_json_number(json, degrees, 6);

    } else {
        cx_json_null(json);
    }
}


static void
cx_record_truncated(cx_record_writer_t *w)
{
    unsigned     i;
    const char  *name;

    if (w->truncated == 0) {
        return;
    }

    cx_json_key(&w->json, "truncated");
    cx_json_array_start(&w->json);

    for (i = 0; i < CX_FIELD_COUNT; i++) {
        if (w->truncated & (1u << i)) {
            name = cx_record_field_names[i];
            cx_json_string(&w->json, (const unsigned char *) name,
                           strlen(name), 32);
        }
    }

    cx_json_array_end(&w->json);
}
