
/*
 * The journey record writer as it was before its fast paths (cx_json.h,
 * cx_json.c and cx_record.c of commit bda69a0, names prefixed ref_): the
 * reference fuzz_record.c compares every line of the new writer with.
 * Included by fuzz_record.c; not built on its own.
 */

#include <string.h>

#include "cx_str.h"


#define REF_JSON_MAX_DEPTH  16


typedef struct {
    unsigned char  *start;
    unsigned char  *pos;
    unsigned char  *end;
    uint32_t        has_member;      /* bit n: the container at depth n is
                                        not empty, a comma comes first */
    unsigned        depth;
    unsigned        after_key:1;
    unsigned        overflow:1;
} ref_json_t;


void ref_json_init(ref_json_t *json, unsigned char *buf, size_t size);
void ref_json_object_start(ref_json_t *json);
void ref_json_object_end(ref_json_t *json);
void ref_json_array_start(ref_json_t *json);
void ref_json_array_end(ref_json_t *json);

/*
 * A member name: trusted ASCII from the code, written as is.  A literal's
 * length is known at compile time, so the copy inlines to a few moves: a
 * record has dozens of members and this is its most frequent call.  The
 * piece starts with the comma that comes before all members but the first,
 * so that one copy writes both.
 */
#define ref_json_key(json, name)                                              \
    ref_json_key_bytes(json, (const unsigned char *) ",\"" name "\":",        \
                      sizeof(",\"" name "\":") - 1)

/* a member name from data (an experiment's name), escaped as any string */
void ref_json_key_string(ref_json_t *json, const unsigned char *name,
    size_t len, size_t cap);

/* returns 1 when the string was cut to fit "cap" bytes of UTF-8 */
int ref_json_string(ref_json_t *json, const unsigned char *s, size_t len,
    size_t cap);
void ref_json_integer(ref_json_t *json, int64_t n);
void ref_json_number(ref_json_t *json, double n, unsigned max_decimals);
void ref_json_bool(ref_json_t *json, int b);
void ref_json_null(ref_json_t *json);
size_t ref_json_length(const ref_json_t *json);

/* the most bytes ref_json_string() can write for len input bytes */
size_t ref_json_string_bound(size_t len, size_t cap);

/*
 * Decodes one UTF-8 sequence at p.  Returns its length with *cp set, or,
 * for an invalid sequence, minus the length of its maximal subpart (the
 * bytes replaced by one U+FFFD, as Unicode recommends).
 */
int ref_utf8_decode(const unsigned char *p, const unsigned char *end,
    uint32_t *cp);


static inline void
ref_json_put(ref_json_t *json, const void *bytes, size_t len)
{
    if (json->overflow || (size_t) (json->end - json->pos) < len) {
        json->overflow = 1;
        return;
    }

    memcpy(json->pos, bytes, len);
    json->pos += len;
}


/*
 * The comma before a value or a member, and the member's bookkeeping.  It
 * comes before every key and value of a record, so it is inlined.
 */
static inline void
ref_json_separate(ref_json_t *json)
{
    if (json->after_key) {
        json->after_key = 0;
        return;
    }

    if (json->has_member & (1u << json->depth)) {
        ref_json_put(json, ",", 1);
    }

    json->has_member |= 1u << json->depth;
}


/* the comma, the quoted name and its colon: see ref_json_key() */
static inline void
ref_json_key_bytes(ref_json_t *json, const unsigned char *member, size_t len)
{
    if (!json->after_key && (json->has_member & (1u << json->depth))
        && !json->overflow && (size_t) (json->end - json->pos) >= len)
    {
        /* the comma ref_json_separate() would write, in the same copy */
        memcpy(json->pos, member, len);
        json->pos += len;

    } else {
        ref_json_separate(json);
        ref_json_put(json, member + 1, len - 1);
    }

    json->after_key = 1;
}


#include <string.h>
#include <math.h>



/* each byte's low bit and top bit, for eight bytes at once (plain8) */
#define REF_JSON_ONES  0x0101010101010101ULL
#define REF_JSON_TOPS  0x8080808080808080ULL

/* what ref_json_string() hands on stays out of it: see there */
#if defined(__GNUC__)
#define REF_JSON_NOINLINE  __attribute__((noinline))
#else
#define REF_JSON_NOINLINE
#endif


static void ref_json_container_start(ref_json_t *json, unsigned char open);
static void ref_json_container_end(ref_json_t *json, unsigned char close);
static unsigned char *ref_json_plain_run(unsigned char *o,
    const unsigned char **p, const unsigned char *run,
    const unsigned char *run_end);
static int ref_json_string_rest(ref_json_t *json, const unsigned char *s,
    size_t len, size_t cap, const unsigned char *p, unsigned char *o);
static int ref_json_string_checked(ref_json_t *json, const unsigned char *s,
    size_t len, size_t cap);
static size_t ref_json_character(const unsigned char *p, int n, uint32_t cp,
    unsigned char *out);
static int ref_json_plain8(const unsigned char *p);


static const char  ref_json_hex[] = "0123456789abcdef";

/* bytes copied as they are: printable ASCII but the quote and the backslash */
static const unsigned char  ref_json_plain[256] = {
    ['\x20'] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x30'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x40'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x50'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
    ['\x60'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    ['\x70'] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0,
};

/* 10^0 .. 10^19: counts the digits of any int64_t but INT64_MIN */
static const uint64_t  ref_json_pow10[] = {
    1ULL, 10ULL, 100ULL, 1000ULL, 10000ULL, 100000ULL, 1000000ULL,
    10000000ULL, 100000000ULL, 1000000000ULL, 10000000000ULL,
    100000000000ULL, 1000000000000ULL, 10000000000000ULL,
    100000000000000ULL, 1000000000000000ULL, 10000000000000000ULL,
    100000000000000000ULL, 1000000000000000000ULL,
    10000000000000000000ULL
};

/* "00" .. "99": two digits per division */
static const char  ref_json_digit_pairs[] =
    "00010203040506070809"
    "10111213141516171819"
    "20212223242526272829"
    "30313233343536373839"
    "40414243444546474849"
    "50515253545556575859"
    "60616263646566676869"
    "70717273747576777879"
    "80818283848586878889"
    "90919293949596979899";


void
ref_json_init(ref_json_t *json, unsigned char *buf, size_t size)
{
    json->start = buf;
    json->pos = buf;
    json->end = buf + size;
    json->has_member = 0;
    json->depth = 0;
    json->after_key = 0;
    json->overflow = 0;
}


size_t
ref_json_length(const ref_json_t *json)
{
    return json->pos - json->start;
}


static void
ref_json_container_start(ref_json_t *json, unsigned char open)
{
    ref_json_separate(json);
    ref_json_put(json, &open, 1);

    if (json->depth + 1 >= REF_JSON_MAX_DEPTH) {
        json->overflow = 1;
        return;
    }

    json->depth++;
    json->has_member &= ~(1u << json->depth);
}


static void
ref_json_container_end(ref_json_t *json, unsigned char close)
{
    if (json->depth == 0) {
        json->overflow = 1;
        return;
    }

    json->depth--;
    ref_json_put(json, &close, 1);
}


void
ref_json_object_start(ref_json_t *json)
{
    ref_json_container_start(json, '{');
}


void
ref_json_object_end(ref_json_t *json)
{
    ref_json_container_end(json, '}');
}


void
ref_json_array_start(ref_json_t *json)
{
    ref_json_container_start(json, '[');
}


void
ref_json_array_end(ref_json_t *json)
{
    ref_json_container_end(json, ']');
}


void
ref_json_key_string(ref_json_t *json, const unsigned char *name, size_t len,
    size_t cap)
{
    (void) ref_json_string(json, name, len, cap);
    ref_json_put(json, ":", 1);
    json->after_key = 1;
}


int
ref_utf8_decode(const unsigned char *p, const unsigned char *end, uint32_t *cp)
{
    int            need, i;
    uint32_t       c;
    unsigned char  lo, hi;

    c = p[0];

    if (c < 0x80) {
        *cp = c;
        return 1;
    }

    lo = 0x80;
    hi = 0xbf;

    if (c < 0xc2) {
        return -1;

    } else if (c < 0xe0) {
        need = 1;
        c &= 0x1f;

    } else if (c < 0xf0) {
        need = 2;
        lo = (c == 0xe0) ? 0xa0 : 0x80;     /* no overlong forms */
        hi = (c == 0xed) ? 0x9f : 0xbf;     /* no surrogates */
        c &= 0x0f;

    } else if (c < 0xf5) {
        need = 3;
        lo = (c == 0xf0) ? 0x90 : 0x80;     /* no overlong forms */
        hi = (c == 0xf4) ? 0x8f : 0xbf;     /* nothing past U+10FFFF */
        c &= 0x07;

    } else {
        return -1;
    }

    for (i = 1; i <= need; i++) {
        if (p + i >= end || p[i] < lo || p[i] > hi) {
            return -i;
        }

        c = (c << 6) | (p[i] & 0x3f);
        lo = 0x80;
        hi = 0xbf;
    }

    *cp = c;

    return need + 1;
}


size_t
ref_json_string_bound(size_t len, size_t cap)
{
    /* quotes, and at worst "\u00XX" (6 bytes) for every byte kept */
    return 2 + 6 * (len < cap ? len : cap);
}


/*
 * When the buffer holds the most the string can take (6 bytes for each byte
 * kept, and the quotes), as it does for a record, the string is written
 * with nothing to check.  Most strings are one run of plain bytes, often a
 * short one, and it is copied here, with no call; what follows a byte that
 * is not plain is left to ref_json_string_rest().
 */
int
ref_json_string(ref_json_t *json, const unsigned char *s, size_t len,
    size_t cap)
{
    size_t                room, most;
    unsigned char        *o;
    const unsigned char  *p;

    ref_json_separate(json);

    room = json->end - json->pos;
    most = len < cap ? len : cap;

    if (json->overflow || room < 2 || (room - 2) / 6 < most) {
        return ref_json_string_checked(json, s, len, cap);
    }

    o = json->pos;
    *o++ = '"';
    p = s;

    if (most < 8) {
        while (p < s + most && ref_json_plain[*p]) {
            *o++ = *p++;
        }

    } else {
        o = ref_json_plain_run(o, &p, s, s + most);
    }

    if (p == s + len) {
        *o++ = '"';
        json->pos = o;
        return 0;
    }

    return ref_json_string_rest(json, s, len, cap, p, o);
}


/*
 * Copies the plain bytes from *p on, up to run_end, to o, and moves *p past
 * them.  The run started at "run": its bytes up to *p are plain and already
 * copied, ending at o.  Eight bytes are scanned and copied at a time; a
 * run's last few are one more eight-byte copy that ends where the run ends,
 * and writes some bytes again, when the run is that long.
 */
static inline unsigned char *
ref_json_plain_run(unsigned char *o, const unsigned char **p,
    const unsigned char *run, const unsigned char *run_end)
{
    const unsigned char  *q;

    q = *p;

    while (run_end - q >= 8 && ref_json_plain8(q)) {
        memcpy(o, q, 8);
        o += 8;
        q += 8;
    }

    if (q < run_end && run_end - q < 8 && run_end - run >= 8
        && ref_json_plain8(run_end - 8))
    {
        o += run_end - q;
        memcpy(o - 8, run_end - 8, 8);
        q = run_end;
    }

    while (q < run_end && ref_json_plain[*q]) {
        *o++ = *q++;
    }

    *p = q;

    return o;
}


/*
 * The string from p on, o where its bytes go: a character that is not
 * plain, and the runs after it.  Out of line, so that the common case in
 * ref_json_string() needs few registers.
 */
static REF_JSON_NOINLINE int
ref_json_string_rest(ref_json_t *json, const unsigned char *s, size_t len,
    size_t cap, const unsigned char *p, unsigned char *o)
{
    int                   n, truncated;
    size_t                kept, width;
    uint32_t              cp;
    const unsigned char  *end, *run;

    end = s + len;
    kept = p - s;
    truncated = 0;

    while (p < end) {
        n = ref_utf8_decode(p, end, &cp);
        width = (n > 0) ? (size_t) n : 3;

        if (kept + width > cap) {
            truncated = 1;
            break;
        }

        kept += width;
        o += ref_json_character(p, n, cp, o);
        p += (n > 0) ? n : -n;

        run = p;
        o = ref_json_plain_run(o, &p, run,
                              (size_t) (end - p) < cap - kept
                              ? end : p + (cap - kept));
        kept += p - run;
    }

    *o++ = '"';
    json->pos = o;

    return truncated;
}


static REF_JSON_NOINLINE int
ref_json_string_checked(ref_json_t *json, const unsigned char *s, size_t len,
    size_t cap)
{
    int                   n, truncated;
    size_t                kept, width;
    uint32_t              cp;
    unsigned char         character[6];
    const unsigned char  *p, *end, *run, *run_end;

    ref_json_put(json, "\"", 1);

    p = s;
    end = s + len;
    kept = 0;
    truncated = 0;

    while (p < end) {

        /* a run of printable ASCII that needs no escape is copied at once */

        run = p;
        run_end = (size_t) (end - p) < cap - kept ? end : p + (cap - kept);

        while (p < run_end && ref_json_plain[*p]) {
            p++;
        }

        kept += p - run;
        ref_json_put(json, run, p - run);

        if (p == end) {
            break;
        }

        n = ref_utf8_decode(p, end, &cp);
        width = (n > 0) ? (size_t) n : 3;

        if (kept + width > cap) {
            truncated = 1;
            break;
        }

        kept += width;
        ref_json_put(json, character, ref_json_character(p, n, cp, character));
        p += (n > 0) ? n : -n;
    }

    ref_json_put(json, "\"", 1);

    return truncated;
}


/*
 * What stands for the character at p, decoded as n and cp: U+FFFD for an
 * invalid sequence, an escape, or the character's own bytes.  Writes at
 * most 6 bytes to out and returns their number.
 */
static size_t
ref_json_character(const unsigned char *p, int n, uint32_t cp,
    unsigned char *out)
{
    if (n < 0) {
        memcpy(out, "\xef\xbf\xbd", 3);
        return 3;
    }

    if (cp == '"' || cp == '\\') {
        out[0] = '\\';
        out[1] = (unsigned char) cp;
        return 2;
    }

    if (cp < 0x20 || cp == 0x7f) {
        out[0] = '\\';
        out[1] = 'u';
        out[2] = '0';
        out[3] = '0';
        out[4] = ref_json_hex[cp >> 4];
        out[5] = ref_json_hex[cp & 0xf];
        return 6;
    }

    memcpy(out, p, n);

    return n;
}


/*
 * Whether 8 bytes are all plain (ref_json_plain): none below 0x20, none
 * above 0x7e, no quote, no backslash.  Each term sets a byte's top bit when
 * the byte fails its test, whatever borrow or carry comes in from below;
 * without a failing byte there are no borrows or carries, and no top bit.
 * The order of the bytes in the word does not matter.
 */
static inline int
ref_json_plain8(const unsigned char *p)
{
    uint64_t  w;

    memcpy(&w, p, sizeof(w));

    return (((w - REF_JSON_ONES * 0x20)
             | (w + REF_JSON_ONES)
             | ((w ^ (REF_JSON_ONES * '"')) - REF_JSON_ONES)
             | ((w ^ (REF_JSON_ONES * '\\')) - REF_JSON_ONES)
             | w)
            & REF_JSON_TOPS)
           == 0;
}


/* the digits are counted first, then written in place, two at a time */
void
ref_json_integer(ref_json_t *json, int64_t n)
{
    size_t          len, digits;
    uint64_t        u, q;
    unsigned char  *p;

    if (n == CX_NONE) {
        ref_json_null(json);
        return;
    }

    ref_json_separate(json);

    u = (n < 0) ? 0 - (uint64_t) n : (uint64_t) n;

    /* CX_NONE is INT64_MIN: u < 2^63 < 10^19 ends the count */

    for (digits = 1; u >= ref_json_pow10[digits]; digits++) {
        /* void */
    }

    len = digits + (n < 0);

    if (json->overflow || (size_t) (json->end - json->pos) < len) {
        json->overflow = 1;
        return;
    }

    p = json->pos + len;

    while (u >= 100) {
        q = u / 100;
        p -= 2;
        memcpy(p, ref_json_digit_pairs + 2 * (u - 100 * q), 2);
        u = q;
    }

    if (u >= 10) {
        p -= 2;
        memcpy(p, ref_json_digit_pairs + 2 * u, 2);

    } else {
        *--p = (unsigned char) ('0' + u);
    }

    if (n < 0) {
        *--p = '-';
    }

    json->pos += len;
}


/*
 * A fixed-point number with at most max_decimals decimals and no trailing
 * zeros.  Scaled to an integer and printed by hand: snprintf's %f costs a
 * few thousand instructions, and coordinates are on every line.
 */
void
ref_json_number(ref_json_t *json, double n, unsigned max_decimals)
{
    char      buf[48], *p, *end;
    double    scale;
    int64_t   scaled;
    uint64_t  u;
    unsigned  i, decimals;

    if (!isfinite(n) || fabs(n) > 1e9) {
        ref_json_null(json);
        return;
    }

    if (max_decimals > 9) {
        max_decimals = 9;
    }

    scale = 1;

    for (i = 0; i < max_decimals; i++) {
        scale *= 10;
    }

    /* half away from zero, as llround() would, without needing libm */
    scaled = (int64_t) (n * scale + (n < 0 ? -0.5 : 0.5));
    decimals = max_decimals;

    while (decimals && scaled % 10 == 0) {
        scaled /= 10;
        decimals--;
    }

    ref_json_separate(json);

    end = buf + sizeof(buf);
    p = end;
    u = (scaled < 0) ? 0 - (uint64_t) scaled : (uint64_t) scaled;

    /* from the right: the decimals, the point, then the whole part */

    for (i = 0; i < decimals; i++) {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    }

    if (decimals) {
        *--p = '.';
    }

    do {
        *--p = (char) ('0' + u % 10);
        u /= 10;
    } while (u);

    if (scaled < 0) {
        *--p = '-';
    }

    ref_json_put(json, p, end - p);
}


void
ref_json_bool(ref_json_t *json, int b)
{
    ref_json_separate(json);

    if (b) {
        ref_json_put(json, "true", 4);

    } else {
        ref_json_put(json, "false", 5);
    }
}


void
ref_json_null(ref_json_t *json)
{
    ref_json_separate(json);
    ref_json_put(json, "null", 4);
}
#include <string.h>

#include "cx_record.h"
#include "cx_beacon.h"
#include "cx_experience.h"
#include "cx_time.h"


/* every member name, number and punctuation of a record, generously */
#define REF_RECORD_FIXED_BOUND  1024


typedef enum {
    REF_FIELD_HOST = 0,
    REF_FIELD_METHOD,
    REF_FIELD_PATH,
    REF_FIELD_QUERY,
    REF_FIELD_REFERRER,
    REF_FIELD_VISITOR,
    REF_FIELD_SESSION,
    REF_FIELD_PREV_TOUCHPOINT,
    REF_FIELD_TOUCHPOINT,
    REF_FIELD_SOURCE,
    REF_FIELD_MEDIUM,
    REF_FIELD_CAMPAIGN,
    REF_FIELD_TERM,
    REF_FIELD_CONTENT,
    REF_FIELD_COUNTRY,
    REF_FIELD_REGION,
    REF_FIELD_CITY,
    REF_FIELD_AS_ORG,
    REF_FIELD_IP,
    REF_FIELD_COMMENT,
    REF_FIELD_NAME,
    REF_FIELD_COUNT
} ref_record_field_e;


typedef struct {
    ref_json_t   json;
    unsigned    truncated;            /* bit per ref_record_field_e */
} ref_record_writer_t;


static void ref_record_text(ref_record_writer_t *w, cx_str_t value, size_t cap,
    ref_record_field_e field);
static void ref_record_truncated(ref_record_writer_t *w);
static void ref_record_bool(ref_json_t *json, int value);
static void ref_record_coordinate(ref_json_t *json, int known, double degrees);
static void ref_record_name(ref_json_t *json, const char *name);
static void ref_record_experiments(ref_record_writer_t *w,
    const cx_record_t *rec);
static void ref_record_friction(ref_json_t *json, unsigned friction);
static void ref_record_event(ref_record_writer_t *w, const cx_record_t *rec);


static const char  *ref_record_field_names[REF_FIELD_COUNT] = {
    "host", "method", "path", "query", "referrer", "visitor", "session",
    "prev_touchpoint", "touchpoint", "source", "medium", "campaign", "term",
    "content", "country", "region", "city", "as_org", "ip", "comment", "name"
};

static const char  *ref_record_event_names[] = {
    "page_view", "feedback", "event", "prefetch"
};


size_t
ref_record_bound(const cx_record_t *rec)
{
    size_t  i, variants;

    variants = 0;

    for (i = 0; i < rec->nvariants; i++) {
        variants += 2 * ref_json_string_bound(rec->variants[i].experiment.len,
                                             CX_RECORD_CAP_NAME)
                    + ref_json_string_bound(rec->variants[i].variant.len,
                                           CX_RECORD_CAP_NAME)
                    + 4;
    }

    return REF_RECORD_FIXED_BOUND + variants
           + ref_json_string_bound(rec->host.len, CX_RECORD_CAP_HOST)
           + ref_json_string_bound(rec->method.len, CX_RECORD_CAP_METHOD)
           + ref_json_string_bound(rec->path.len, CX_RECORD_CAP_URL)
           + ref_json_string_bound(rec->query.len, CX_RECORD_CAP_URL)
           + ref_json_string_bound(rec->referrer.len, CX_RECORD_CAP_URL)
           + ref_json_string_bound(rec->visitor.len, CX_RECORD_CAP_ID)
           + ref_json_string_bound(rec->session.len, CX_RECORD_CAP_ID)
           + ref_json_string_bound(rec->prev_touchpoint.len,
                                  CX_RECORD_CAP_NAME)
           + ref_json_string_bound(rec->touchpoint.len, CX_RECORD_CAP_NAME)
           + ref_json_string_bound(rec->source.len, CX_RECORD_CAP_UTM)
           + ref_json_string_bound(rec->medium.len, CX_RECORD_CAP_UTM)
           + ref_json_string_bound(rec->campaign.len, CX_RECORD_CAP_UTM)
           + ref_json_string_bound(rec->term.len, CX_RECORD_CAP_UTM)
           + ref_json_string_bound(rec->content.len, CX_RECORD_CAP_UTM)
           + ref_json_string_bound(rec->country.len, CX_RECORD_CAP_GEO)
           + ref_json_string_bound(rec->region.len, CX_RECORD_CAP_GEO)
           + ref_json_string_bound(rec->city.len, CX_RECORD_CAP_GEO)
           + ref_json_string_bound(rec->as_org.len, CX_RECORD_CAP_GEO)
           + ref_json_string_bound(rec->ip.len, CX_RECORD_CAP_NAME)
           + ref_json_string_bound(rec->comment.len, CX_RECORD_CAP_COMMENT)
           + ref_json_string_bound(rec->feedback_touchpoint.len,
                                  CX_RECORD_CAP_NAME)
           + ref_json_string_bound(rec->name.len, CX_RECORD_CAP_NAME);
}


size_t
ref_record_write(const cx_record_t *rec, unsigned char *buf, size_t size)
{
    unsigned char       ts[CX_TIME_ISO8601_LEN];
    ref_json_t          *json;
    const char         *event;
    ref_record_writer_t  w;

    if (size == 0) {
        return 0;
    }

    /* the last byte is kept for the line's '\n' */

    ref_json_init(&w.json, buf, size - 1);
    w.truncated = 0;
    json = &w.json;

    cx_time_iso8601(ts, rec->start_sec, rec->start_msec);

    event = ref_record_event_names[rec->event];

    ref_json_object_start(json);

    ref_json_key(json, "v");
    ref_json_integer(json, CX_RECORD_VERSION);
    ref_json_key(json, "ts");
    ref_json_string(json, ts, sizeof(ts), sizeof(ts));
    ref_json_key(json, "event");
    ref_json_string(json, (const unsigned char *) event, strlen(event),
                   32);

    ref_json_key(json, "host");
    ref_record_text(&w, rec->host, CX_RECORD_CAP_HOST, REF_FIELD_HOST);
    ref_json_key(json, "method");
    ref_record_text(&w, rec->method, CX_RECORD_CAP_METHOD, REF_FIELD_METHOD);
    ref_json_key(json, "path");
    ref_record_text(&w, rec->path, CX_RECORD_CAP_URL, REF_FIELD_PATH);
    ref_json_key(json, "query");
    ref_record_text(&w, rec->query, CX_RECORD_CAP_URL, REF_FIELD_QUERY);

    ref_json_key(json, "status");
    ref_json_integer(json, rec->status);
    ref_json_key(json, "bytes");
    ref_json_integer(json, rec->bytes);
    ref_json_key(json, "request_ms");
    ref_json_integer(json, rec->request_ms);
    ref_json_key(json, "upstream_ms");
    ref_json_integer(json, rec->upstream_ms);

    ref_json_key(json, "visitor");
    ref_record_text(&w, rec->visitor, CX_RECORD_CAP_ID, REF_FIELD_VISITOR);
    ref_json_key(json, "session");
    ref_record_text(&w, rec->session, CX_RECORD_CAP_ID, REF_FIELD_SESSION);
    ref_json_key(json, "session_index");
    ref_json_integer(json, rec->session_index);
    ref_json_key(json, "seq");
    ref_json_integer(json, rec->seq);
    ref_json_key(json, "new_visitor");
    ref_record_bool(json, rec->new_visitor);
    ref_json_key(json, "new_session");
    ref_record_bool(json, rec->new_session);
    ref_json_key(json, "prev_touchpoint");
    ref_record_text(&w, rec->prev_touchpoint, CX_RECORD_CAP_NAME,
                   REF_FIELD_PREV_TOUCHPOINT);
    ref_json_key(json, "since_prev_ms");
    ref_json_integer(json, rec->since_prev_ms);
    ref_json_key(json, "landing");
    ref_record_bool(json, rec->landing);

    ref_json_key(json, "touchpoint");
    ref_record_text(&w, rec->touchpoint, CX_RECORD_CAP_NAME,
                   REF_FIELD_TOUCHPOINT);
    ref_json_key(json, "goal");
    ref_record_bool(json, rec->goal);
    ref_json_key(json, "channel");
    ref_record_name(json, rec->channel);
    ref_json_key(json, "source");
    ref_record_text(&w, rec->source, CX_RECORD_CAP_UTM, REF_FIELD_SOURCE);
    ref_json_key(json, "medium");
    ref_record_text(&w, rec->medium, CX_RECORD_CAP_UTM, REF_FIELD_MEDIUM);
    ref_json_key(json, "campaign");
    ref_record_text(&w, rec->campaign, CX_RECORD_CAP_UTM, REF_FIELD_CAMPAIGN);
    ref_json_key(json, "term");
    ref_record_text(&w, rec->term, CX_RECORD_CAP_UTM, REF_FIELD_TERM);
    ref_json_key(json, "content");
    ref_record_text(&w, rec->content, CX_RECORD_CAP_UTM, REF_FIELD_CONTENT);

    ref_json_key(json, "referrer");
    ref_record_text(&w, rec->referrer, CX_RECORD_CAP_URL, REF_FIELD_REFERRER);

    ref_json_key(json, "device");
    ref_record_name(json, rec->device);
    ref_json_key(json, "browser");
    ref_record_name(json, rec->browser);
    ref_json_key(json, "os");
    ref_record_name(json, rec->os);
    ref_json_key(json, "bot");
    ref_record_bool(json, rec->bot);

    if (rec->consent != CX_CONSENT_UNASKED) {
        ref_json_key(json, "consent");
        ref_record_bool(json, rec->consent == CX_CONSENT_GIVEN);
    }

    ref_json_key(json, "country");
    ref_record_text(&w, rec->country, CX_RECORD_CAP_GEO, REF_FIELD_COUNTRY);
    ref_json_key(json, "region");
    ref_record_text(&w, rec->region, CX_RECORD_CAP_GEO, REF_FIELD_REGION);
    ref_json_key(json, "city");
    ref_record_text(&w, rec->city, CX_RECORD_CAP_GEO, REF_FIELD_CITY);

    ref_json_key(json, "lat");
    ref_record_coordinate(json, rec->has_location, rec->lat);
    ref_json_key(json, "lon");
    ref_record_coordinate(json, rec->has_location, rec->lon);

    ref_json_key(json, "asn");
    ref_json_integer(json, rec->asn);
    ref_json_key(json, "as_org");
    ref_record_text(&w, rec->as_org, CX_RECORD_CAP_GEO, REF_FIELD_AS_ORG);
    ref_json_key(json, "ip");
    ref_record_text(&w, rec->ip, CX_RECORD_CAP_NAME, REF_FIELD_IP);

    ref_record_experiments(&w, rec);
    ref_record_friction(json, rec->friction);
    ref_json_key(json, "experience");
    ref_record_name(json, rec->experience);

    ref_record_event(&w, rec);

    ref_record_truncated(&w);

    ref_json_object_end(json);

    if (json->overflow) {
        return 0;
    }

    *json->pos++ = '\n';

    return ref_json_length(json);
}


/* an empty string is as good as none: the record says null, never "" */
static void
ref_record_text(ref_record_writer_t *w, cx_str_t value, size_t cap,
    ref_record_field_e field)
{
    if (value.data == NULL || value.len == 0) {
        ref_json_null(&w->json);
        return;
    }

    if (ref_json_string(&w->json, value.data, value.len, cap)) {
        w->truncated |= 1u << field;
    }
}


/* {"checkout": "B"}, and the experiments a QA override forced */
static void
ref_record_experiments(ref_record_writer_t *w, const cx_record_t *rec)
{
    size_t                      i, forced;
    const cx_record_variant_t  *v;

    ref_json_key(&w->json, "experiments");
    ref_json_object_start(&w->json);

    forced = 0;

    for (i = 0; i < rec->nvariants; i++) {
        v = &rec->variants[i];
        ref_json_key_string(&w->json, v->experiment.data, v->experiment.len,
                           CX_RECORD_CAP_NAME);
        ref_json_string(&w->json, v->variant.data, v->variant.len,
                       CX_RECORD_CAP_NAME);
        forced += v->forced != 0;
    }

    ref_json_object_end(&w->json);

    if (forced == 0) {
        return;
    }

    ref_json_key(&w->json, "forced");
    ref_json_array_start(&w->json);

    for (i = 0; i < rec->nvariants; i++) {
        v = &rec->variants[i];

        if (v->forced) {
            ref_json_string(&w->json, v->experiment.data, v->experiment.len,
                           CX_RECORD_CAP_NAME);
        }
    }

    ref_json_array_end(&w->json);
}


/* what a beacon brought: a score, or a named event; what was fetched ahead */
static void
ref_record_event(ref_record_writer_t *w, const cx_record_t *rec)
{
    ref_json_t  *json;

    json = &w->json;

    if (rec->event == CX_EVENT_FEEDBACK) {
        ref_json_key(json, "feedback");
        ref_json_object_start(json);
        ref_json_key(json, "score");
        ref_json_integer(json, rec->score);
        ref_json_key(json, "scale");
        ref_record_name(json, rec->scale);
        ref_json_key(json, "comment");
        ref_record_text(w, rec->comment, CX_RECORD_CAP_COMMENT,
                       REF_FIELD_COMMENT);
        ref_json_key(json, "touchpoint");
        ref_record_text(w, rec->feedback_touchpoint, CX_RECORD_CAP_NAME,
                       REF_FIELD_TOUCHPOINT);
        ref_json_object_end(json);
        return;
    }

    if (rec->event == CX_EVENT_PREFETCH) {
        ref_json_key(json, "speculation");
        ref_record_name(json, rec->speculation);
        return;
    }

    if (rec->event == CX_EVENT_EVENT) {
        ref_json_key(json, "name");
        ref_record_text(w, rec->name, CX_RECORD_CAP_NAME, REF_FIELD_NAME);
        ref_json_key(json, "value");

        if (rec->has_value) {
            ref_json_number(json, rec->value, CX_BEACON_VALUE_DECIMALS);

        } else {
            ref_json_null(json);
        }
    }
}


/* ["slow", "reload"], absent without friction */
static void
ref_record_friction(ref_json_t *json, unsigned friction)
{
    unsigned  kind;

    if (friction == 0) {
        return;
    }

    ref_json_key(json, "friction");
    ref_json_array_start(json);

    for (kind = 0; kind < CX_FRICTION_KINDS; kind++) {
        if (friction & (1u << kind)) {
            ref_record_name(json, cx_friction_name(kind));
        }
    }

    ref_json_array_end(json);
}


/* the code's own names (channels, devices...): short ASCII, never cut */
static void
ref_record_name(ref_json_t *json, const char *name)
{
    if (name == NULL) {
        ref_json_null(json);
        return;
    }

    ref_json_string(json, (const unsigned char *) name, strlen(name),
                   CX_RECORD_CAP_NAME);
}


static void
ref_record_bool(ref_json_t *json, int value)
{
    if (value == CX_UNKNOWN) {
        ref_json_null(json);

    } else {
        ref_json_bool(json, value);
    }
}


static void
ref_record_coordinate(ref_json_t *json, int known, double degrees)
{
    if (known) {
        ref_json_number(json, degrees, 6);

    } else {
        ref_json_null(json);
    }
}


static void
ref_record_truncated(ref_record_writer_t *w)
{
    unsigned     i;
    const char  *name;

    if (w->truncated == 0) {
        return;
    }

    ref_json_key(&w->json, "truncated");
    ref_json_array_start(&w->json);

    for (i = 0; i < REF_FIELD_COUNT; i++) {
        if (w->truncated & (1u << i)) {
            name = ref_record_field_names[i];
            ref_json_string(&w->json, (const unsigned char *) name,
                           strlen(name), 32);
        }
    }

    ref_json_array_end(&w->json);
}
