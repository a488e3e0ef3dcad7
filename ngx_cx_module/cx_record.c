
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
static inline void cx_record_text_member(cx_record_writer_t *w,
    const char *key_null, size_t key_len, cx_str_t value, size_t cap,
    cx_record_field_e field, unsigned plain);
static inline void cx_record_integer_member(cx_json_t *json,
    const char *key_null, size_t key_len, int64_t n);
static inline void cx_record_bool_member(cx_json_t *json,
    const char *key_true, const char *key_false, const char *key_null,
    size_t key_len, int value);
static inline void cx_record_name_member(cx_json_t *json,
    const char *key_null, size_t key_len, const char *name);
static inline void cx_record_number_member(cx_json_t *json,
    const char *key_null, size_t key_len, int known, double n,
    unsigned decimals);
static inline void cx_record_quoted(cx_json_t *json, const char *name);
static inline void cx_record_plain(cx_json_t *json, const unsigned char *s,
    size_t len);
static inline void cx_record_copy(unsigned char *o, const unsigned char *s,
    size_t len);
static inline void cx_record_name_pair(cx_record_writer_t *w,
    const cx_record_variant_t *v, unsigned plain);
static void cx_record_truncated(cx_record_writer_t *w);
static void cx_record_experiments(cx_record_writer_t *w,
    const cx_record_t *rec);
static void cx_record_friction(cx_json_t *json, unsigned friction);
static void cx_record_event(cx_record_writer_t *w, const cx_record_t *rec);


/* the field names of "truncated", quoted */
static const cx_str_t  cx_record_field_names[CX_FIELD_COUNT] = {
    cx_string("\"host\""), cx_string("\"method\""), cx_string("\"path\""),
    cx_string("\"query\""), cx_string("\"referrer\""),
    cx_string("\"visitor\""), cx_string("\"session\""),
    cx_string("\"prev_touchpoint\""), cx_string("\"touchpoint\""),
    cx_string("\"source\""), cx_string("\"medium\""),
    cx_string("\"campaign\""), cx_string("\"term\""),
    cx_string("\"content\""), cx_string("\"country\""),
    cx_string("\"region\""), cx_string("\"city\""),
    cx_string("\"as_org\""), cx_string("\"ip\""),
    cx_string("\"comment\""), cx_string("\"name\"")
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


/*
 * A record is written as pieces of JSON, each a member's name with the
 * comma before it (",\"host\":") and its value, never through the
 * bookkeeping of cx_json_key(): the members are known here, and all but
 * the first come after another.  A name is a literal whose length is known
 * at compile time, and so is a name with a literal value (null, true,
 * false): each is one copy of a few moves.
 */
#define CX_RECORD_KEY(name)  ",\"" name "\":"

#define CX_RECORD_TEXT(n)    #n
#define CX_RECORD_NUMBER(n)  CX_RECORD_TEXT(n)

#define cx_record_literal(json, s)                                           \
    cx_json_put(json, s, sizeof(s) - 1)

#define cx_record_text(w, name, value, cap, field)                           \
    cx_record_text_member(w, CX_RECORD_KEY(name) "null",                     \
                          sizeof(CX_RECORD_KEY(name)) - 1, value, cap, field, \
                          0)

/* a field the caller may vouch for: see CX_RECORD_PLAIN_VISITOR */
#define cx_record_text_plain(w, name, value, cap, field, plain)              \
    cx_record_text_member(w, CX_RECORD_KEY(name) "null",                     \
                          sizeof(CX_RECORD_KEY(name)) - 1, value, cap, field, \
                          plain)

#define cx_record_integer(json, name, n)                                     \
    cx_record_integer_member(json, CX_RECORD_KEY(name) "null",               \
                             sizeof(CX_RECORD_KEY(name)) - 1, n)

#define cx_record_bool(json, name, value)                                    \
    cx_record_bool_member(json, CX_RECORD_KEY(name) "true",                  \
                          CX_RECORD_KEY(name) "false",                       \
                          CX_RECORD_KEY(name) "null",                        \
                          sizeof(CX_RECORD_KEY(name)) - 1, value)

#define cx_record_name(json, name, value)                                    \
    cx_record_name_member(json, CX_RECORD_KEY(name) "null",                  \
                          sizeof(CX_RECORD_KEY(name)) - 1, value)

#define cx_record_number(json, name, known, n, decimals)                     \
    cx_record_number_member(json, CX_RECORD_KEY(name) "null",                \
                            sizeof(CX_RECORD_KEY(name)) - 1, known, n,       \
                            decimals)


size_t
cx_record_write(const cx_record_t *rec, unsigned char *buf, size_t size)
{
    cx_json_t          *json;
    cx_record_writer_t  w;

    if (size == 0) {
        return 0;
    }

    /* the last byte is kept for the line's '\n' */

    cx_json_init(&w.json, buf, size - 1);
    w.truncated = 0;
    json = &w.json;

    cx_record_literal(json, "{\"v\":" CX_RECORD_NUMBER(CX_RECORD_VERSION)
                            ",\"ts\":");
    cx_record_ts(json, rec->start_sec, rec->start_msec);

    /* nearly every line's event, as one literal */

    if (rec->event == CX_EVENT_PAGE_VIEW) {
        cx_record_literal(json, CX_RECORD_KEY("event") "\"page_view\"");

    } else {
        cx_record_literal(json, CX_RECORD_KEY("event"));
        cx_record_quoted(json, cx_record_event_names[rec->event]);
    }

    cx_record_text(&w, "host", rec->host, CX_RECORD_CAP_HOST, CX_FIELD_HOST);
    cx_record_text_plain(&w, "method", rec->method, CX_RECORD_CAP_METHOD,
                         CX_FIELD_METHOD,
                         rec->plain & CX_RECORD_PLAIN_METHOD);
    cx_record_text(&w, "path", rec->path, CX_RECORD_CAP_URL, CX_FIELD_PATH);
    cx_record_text(&w, "query", rec->query, CX_RECORD_CAP_URL,
                   CX_FIELD_QUERY);

    cx_record_integer(json, "status", rec->status);
    cx_record_integer(json, "bytes", rec->bytes);
    cx_record_integer(json, "request_ms", rec->request_ms);
    cx_record_integer(json, "upstream_ms", rec->upstream_ms);

    cx_record_text_plain(&w, "visitor", rec->visitor, CX_RECORD_CAP_ID,
                         CX_FIELD_VISITOR,
                         rec->plain & CX_RECORD_PLAIN_VISITOR);
    cx_record_text_plain(&w, "session", rec->session, CX_RECORD_CAP_ID,
                         CX_FIELD_SESSION,
                         rec->plain & CX_RECORD_PLAIN_SESSION);
    cx_record_integer(json, "session_index", rec->session_index);
    cx_record_integer(json, "seq", rec->seq);
    cx_record_bool(json, "new_visitor", rec->new_visitor);
    cx_record_bool(json, "new_session", rec->new_session);
    cx_record_text_plain(&w, "prev_touchpoint", rec->prev_touchpoint,
                         CX_RECORD_CAP_NAME, CX_FIELD_PREV_TOUCHPOINT,
                         rec->plain & CX_RECORD_PLAIN_PREV_TOUCHPOINT);
    cx_record_integer(json, "since_prev_ms", rec->since_prev_ms);
    cx_record_bool(json, "landing", rec->landing);

    cx_record_text_plain(&w, "touchpoint", rec->touchpoint,
                         CX_RECORD_CAP_NAME, CX_FIELD_TOUCHPOINT,
                         rec->plain & CX_RECORD_PLAIN_TOUCHPOINT);
    cx_record_bool(json, "goal", rec->goal);
    cx_record_name(json, "channel", rec->channel);
    cx_record_text(&w, "source", rec->source, CX_RECORD_CAP_UTM,
                   CX_FIELD_SOURCE);
    cx_record_text(&w, "medium", rec->medium, CX_RECORD_CAP_UTM,
                   CX_FIELD_MEDIUM);
    cx_record_text(&w, "campaign", rec->campaign, CX_RECORD_CAP_UTM,
                   CX_FIELD_CAMPAIGN);
    cx_record_text(&w, "term", rec->term, CX_RECORD_CAP_UTM, CX_FIELD_TERM);
    cx_record_text(&w, "content", rec->content, CX_RECORD_CAP_UTM,
                   CX_FIELD_CONTENT);

    cx_record_text(&w, "referrer", rec->referrer, CX_RECORD_CAP_URL,
                   CX_FIELD_REFERRER);

    if (rec->agent.len) {
        cx_json_put(json, rec->agent.data, rec->agent.len);

    } else {
        cx_record_name(json, "device", rec->device);
        cx_record_name(json, "browser", rec->browser);
        cx_record_name(json, "os", rec->os);
    }

    cx_record_bool(json, "bot", rec->bot);

    if (rec->consent != CX_CONSENT_UNASKED) {
        cx_record_bool(json, "consent", rec->consent == CX_CONSENT_GIVEN);
    }

    cx_record_text_plain(&w, "country", rec->country, CX_RECORD_CAP_GEO,
                         CX_FIELD_COUNTRY,
                         rec->plain & CX_RECORD_PLAIN_COUNTRY);
    cx_record_text_plain(&w, "region", rec->region, CX_RECORD_CAP_GEO,
                         CX_FIELD_REGION,
                         rec->plain & CX_RECORD_PLAIN_REGION);
    cx_record_text_plain(&w, "city", rec->city, CX_RECORD_CAP_GEO,
                         CX_FIELD_CITY, rec->plain & CX_RECORD_PLAIN_CITY);

    if (rec->location.len) {
        cx_json_put(json, rec->location.data, rec->location.len);

    } else {
        cx_record_number(json, "lat", rec->has_location, rec->lat, 6);
        cx_record_number(json, "lon", rec->has_location, rec->lon, 6);
    }

    cx_record_integer(json, "asn", rec->asn);
    cx_record_text_plain(&w, "as_org", rec->as_org, CX_RECORD_CAP_GEO,
                         CX_FIELD_AS_ORG,
                         rec->plain & CX_RECORD_PLAIN_AS_ORG);
    cx_record_text_plain(&w, "ip", rec->ip, CX_RECORD_CAP_NAME, CX_FIELD_IP,
                         rec->plain & CX_RECORD_PLAIN_IP);

    cx_record_experiments(&w, rec);
    cx_record_friction(json, rec->friction);
    cx_record_name(json, "experience", rec->experience);

    cx_record_event(&w, rec);

    cx_record_truncated(&w);

    cx_record_literal(json, "}");

    if (json->overflow) {
        return 0;
    }

    *json->pos++ = '\n';

    return cx_json_length(json);
}


size_t
cx_record_location(unsigned char *buf, double lat, double lon)
{
    cx_json_t  json;

    cx_json_init(&json, buf, CX_RECORD_LOCATION_LEN);

    cx_record_number(&json, "lat", 1, lat, 6);
    cx_record_number(&json, "lon", 1, lon, 6);

    return json.overflow ? 0 : cx_json_length(&json);
}


size_t
cx_record_agent(unsigned char *buf, const char *device, const char *browser,
    const char *os)
{
    cx_json_t  json;

    cx_json_init(&json, buf, CX_RECORD_AGENT_LEN);

    cx_record_name(&json, "device", device);
    cx_record_name(&json, "browser", browser);
    cx_record_name(&json, "os", os);

    return json.overflow ? 0 : cx_json_length(&json);
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

    cx_json_put(json, quoted, sizeof(quoted));
}


/*
 * A string field: an empty string is as good as none, the record says
 * null, never "".  key_null is the member's name and "null"; key_len the
 * length of the name alone.
 */
static inline void
cx_record_text_member(cx_record_writer_t *w, const char *key_null,
    size_t key_len, cx_str_t value, size_t cap, cx_record_field_e field,
    unsigned plain)
{
    if (value.data == NULL || value.len == 0) {
        cx_json_put(&w->json, key_null, key_len + 4);
        return;
    }

    cx_json_put(&w->json, key_null, key_len);

    if (plain && value.len <= cap) {
        cx_record_plain(&w->json, value.data, value.len);
        return;
    }

    if (cx_json_string_value(&w->json, value.data, value.len, cap)) {
        w->truncated |= 1u << field;
    }
}


static inline void
cx_record_integer_member(cx_json_t *json, const char *key_null,
    size_t key_len, int64_t n)
{
    if (n == CX_NONE) {
        cx_json_put(json, key_null, key_len + 4);
        return;
    }

    cx_json_put(json, key_null, key_len);
    cx_json_integer_value(json, n);
}


/* a yes, a no, or CX_UNKNOWN: null */
static inline void
cx_record_bool_member(cx_json_t *json, const char *key_true,
    const char *key_false, const char *key_null, size_t key_len, int value)
{
    if (value == CX_UNKNOWN) {
        cx_json_put(json, key_null, key_len + 4);

    } else if (value) {
        cx_json_put(json, key_true, key_len + 4);

    } else {
        cx_json_put(json, key_false, key_len + 5);
    }
}


static inline void
cx_record_name_member(cx_json_t *json, const char *key_null, size_t key_len,
    const char *name)
{
    if (name == NULL) {
        cx_json_put(json, key_null, key_len + 4);
        return;
    }

    cx_json_put(json, key_null, key_len);
    cx_record_quoted(json, name);
}


static inline void
cx_record_number_member(cx_json_t *json, const char *key_null,
    size_t key_len, int known, double n, unsigned decimals)
{
    if (!known) {
        cx_json_put(json, key_null, key_len + 4);
        return;
    }

    cx_json_put(json, key_null, key_len);
    cx_json_number_value(json, n, decimals);
}


/* {"checkout": "B"}, and the experiments a QA override forced */
static void
cx_record_experiments(cx_record_writer_t *w, const cx_record_t *rec)
{
    size_t                      i, forced;
    cx_json_t                  *json;
    const cx_record_variant_t  *v;

    json = &w->json;

    cx_record_literal(json, CX_RECORD_KEY("experiments") "{");

    forced = 0;

    for (i = 0; i < rec->nvariants; i++) {
        v = &rec->variants[i];

        if (i) {
            cx_record_literal(json, ",");
        }

        cx_record_name_pair(w, v, rec->plain & CX_RECORD_PLAIN_VARIANTS);
        forced += v->forced != 0;
    }

    cx_record_literal(json, "}");

    if (forced == 0) {
        return;
    }

    cx_record_literal(json, CX_RECORD_KEY("forced") "[");

    forced = 0;

    for (i = 0; i < rec->nvariants; i++) {
        v = &rec->variants[i];

        if (!v->forced) {
            continue;
        }

        if (forced++) {
            cx_record_literal(json, ",");
        }

        cx_json_string_value(json, v->experiment.data, v->experiment.len,
                             CX_RECORD_CAP_NAME);
    }

    cx_record_literal(json, "]");
}


/* what a beacon brought: a score, or a named event; what was fetched ahead */
static void
cx_record_event(cx_record_writer_t *w, const cx_record_t *rec)
{
    cx_json_t  *json;

    json = &w->json;

    if (rec->event == CX_EVENT_FEEDBACK) {
        cx_record_literal(json, CX_RECORD_KEY("feedback") "{\"score\":");
        cx_json_integer_value(json, rec->score);
        cx_record_name(json, "scale", rec->scale);
        cx_record_text(w, "comment", rec->comment, CX_RECORD_CAP_COMMENT,
                       CX_FIELD_COMMENT);
        cx_record_text(w, "touchpoint", rec->feedback_touchpoint,
                       CX_RECORD_CAP_NAME, CX_FIELD_TOUCHPOINT);
        cx_record_literal(json, "}");
        return;
    }

    if (rec->event == CX_EVENT_PREFETCH) {
        cx_record_name(json, "speculation", rec->speculation);
        return;
    }

    if (rec->event == CX_EVENT_EVENT) {
        cx_record_text(w, "name", rec->name, CX_RECORD_CAP_NAME,
                       CX_FIELD_NAME);
        cx_record_number(json, "value", rec->has_value, rec->value,
                         CX_BEACON_VALUE_DECIMALS);
    }
}


/* ["slow", "reload"], absent without friction */
static void
cx_record_friction(cx_json_t *json, unsigned friction)
{
    unsigned  kind, written;

    if (friction == 0) {
        return;
    }

    cx_record_literal(json, CX_RECORD_KEY("friction") "[");

    written = 0;

    for (kind = 0; kind < CX_FRICTION_KINDS; kind++) {
        if (!(friction & (1u << kind))) {
            continue;
        }

        if (written++) {
            cx_record_literal(json, ",");
        }

        cx_record_quoted(json, cx_friction_name(kind));
    }

    cx_record_literal(json, "]");
}


/*
 * "experiment":"variant": names of nginx.conf, copied as they are when the
 * caller vouches for them (CX_RECORD_PLAIN_VARIANTS) and they are within
 * their caps
 */
static inline void
cx_record_name_pair(cx_record_writer_t *w, const cx_record_variant_t *v,
    unsigned plain)
{
    cx_json_t  *json;

    json = &w->json;

    if (plain && v->experiment.len <= CX_RECORD_CAP_NAME
        && v->variant.len <= CX_RECORD_CAP_NAME)
    {
        cx_record_plain(json, v->experiment.data, v->experiment.len);
        cx_record_literal(json, ":");
        cx_record_plain(json, v->variant.data, v->variant.len);
        return;
    }

    cx_json_string_value(json, v->experiment.data, v->experiment.len,
                         CX_RECORD_CAP_NAME);
    cx_record_literal(json, ":");
    cx_json_string_value(json, v->variant.data, v->variant.len,
                         CX_RECORD_CAP_NAME);
}


/*
 * The code's own names (events, channels, devices...): short plain ASCII,
 * never cut nor escaped (test_vocabularies_are_plain), so copied between
 * their quotes with no look at their bytes.
 */
static inline void
cx_record_quoted(cx_json_t *json, const char *name)
{
    cx_record_plain(json, (const unsigned char *) name, strlen(name));
}


/* plain text between its quotes, as it is */
static inline void
cx_record_plain(cx_json_t *json, const unsigned char *s, size_t len)
{
    unsigned char  *o;

    if ((size_t) (json->end - json->pos) < len + 2) {
        cx_json_overflow(json);
        return;
    }

    o = json->pos;
    *o++ = '"';
    cx_record_copy(o, s, len);
    o[len] = '"';
    json->pos = o + len + 1;
}


/*
 * len bytes from s to o.  Up to 32 (an id, a name, an address) as words
 * of 8 or 4 that overlap, each read and written within the len bytes: no
 * call, no loop.
 */
static inline void
cx_record_copy(unsigned char *o, const unsigned char *s, size_t len)
{
    uint32_t  head32, tail32;
    uint64_t  w[4];

    if (len >= 16) {

        if (len > 32) {
            memcpy(o, s, len);
            return;
        }

        memcpy(&w[0], s, 8);
        memcpy(&w[1], s + 8, 8);
        memcpy(&w[2], s + len - 16, 8);
        memcpy(&w[3], s + len - 8, 8);
        memcpy(o, &w[0], 8);
        memcpy(o + 8, &w[1], 8);
        memcpy(o + len - 16, &w[2], 8);
        memcpy(o + len - 8, &w[3], 8);
        return;
    }

    if (len >= 8) {
        memcpy(&w[0], s, 8);
        memcpy(&w[1], s + len - 8, 8);
        memcpy(o, &w[0], 8);
        memcpy(o + len - 8, &w[1], 8);
        return;
    }

    if (len >= 4) {
        memcpy(&head32, s, 4);
        memcpy(&tail32, s + len - 4, 4);
        memcpy(o, &head32, 4);
        memcpy(o + len - 4, &tail32, 4);
        return;
    }

    if (len) {
        o[0] = s[0];
        o[len / 2] = s[len / 2];
        o[len - 1] = s[len - 1];
    }
}


/* the fields cut at their cap, in the order of cx_record_field_e */
static void
cx_record_truncated(cx_record_writer_t *w)
{
    unsigned    i, written;
    cx_json_t  *json;

    if (w->truncated == 0) {
        return;
    }

    json = &w->json;

    cx_record_literal(json, CX_RECORD_KEY("truncated") "[");

    written = 0;

    for (i = 0; i < CX_FIELD_COUNT; i++) {
        if (!(w->truncated & (1u << i))) {
            continue;
        }

        if (written++) {
            cx_record_literal(json, ",");
        }

        cx_json_put(json, cx_record_field_names[i].data,
                    cx_record_field_names[i].len);
    }

    cx_record_literal(json, "]");
}
