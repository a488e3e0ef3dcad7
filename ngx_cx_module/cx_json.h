
/*
 * A JSON writer into a caller-sized buffer.  Whatever bytes it is given, the
 * output is valid UTF-8 JSON: invalid UTF-8 becomes U+FFFD, control characters
 * are escaped, strings are cut at a byte cap on a character boundary.  It never
 * writes past the buffer; a buffer too small sets "overflow" instead.
 */


#ifndef CX_JSON_H
#define CX_JSON_H


#include <string.h>

#include "cx_str.h"


#define CX_JSON_MAX_DEPTH  16


typedef struct {
    unsigned char  *start;
    unsigned char  *pos;
    unsigned char  *end;
    uint32_t        has_member;      /* bit n: the container at depth n is
                                        not empty, a comma comes first */
    unsigned        depth;
    unsigned        after_key:1;
    unsigned        overflow:1;
} cx_json_t;


void cx_json_init(cx_json_t *json, unsigned char *buf, size_t size);
void cx_json_object_start(cx_json_t *json);
void cx_json_object_end(cx_json_t *json);
void cx_json_array_start(cx_json_t *json);
void cx_json_array_end(cx_json_t *json);

/*
 * A member name: trusted ASCII from the code, written as is.  A literal's
 * length is known at compile time, so the copy inlines to a few moves: a
 * record has dozens of members and this is its most frequent call.  The
 * piece starts with the comma that comes before all members but the first,
 * so that one copy writes both.
 */
#define cx_json_key(json, name)                                              \
    cx_json_key_bytes(json, (const unsigned char *) ",\"" name "\":",        \
                      sizeof(",\"" name "\":") - 1)

/* a member name from data (an experiment's name), escaped as any string */
void cx_json_key_string(cx_json_t *json, const unsigned char *name,
    size_t len, size_t cap);

/* returns 1 when the string was cut to fit "cap" bytes of UTF-8 */
int cx_json_string(cx_json_t *json, const unsigned char *s, size_t len,
    size_t cap);
void cx_json_integer(cx_json_t *json, int64_t n);
void cx_json_number(cx_json_t *json, double n, unsigned max_decimals);
void cx_json_bool(cx_json_t *json, int b);
void cx_json_null(cx_json_t *json);
size_t cx_json_length(const cx_json_t *json);

/*
 * The values alone, for a writer that puts its own commas and member names
 * with cx_json_put(), as the journey record does (cx_record.c): no comma
 * before them and no bookkeeping, the bytes that the functions above write
 * after their comma.
 */
int cx_json_string_value(cx_json_t *json, const unsigned char *s,
    size_t len, size_t cap);
void cx_json_integer_value(cx_json_t *json, int64_t n);
void cx_json_number_value(cx_json_t *json, double n, unsigned max_decimals);

/* the most bytes cx_json_string() can write for len input bytes */
size_t cx_json_string_bound(size_t len, size_t cap);

/*
 * Whether every byte is written as it is (printable ASCII but the quote and
 * the backslash): text a caller checks once and keeps, and then vouches for
 * (CX_RECORD_PLAIN_COUNTRY)
 */
int cx_json_plain_text(const unsigned char *s, size_t len);

/*
 * Decodes one UTF-8 sequence at p.  Returns its length with *cp set, or,
 * for an invalid sequence, minus the length of its maximal subpart (the
 * bytes replaced by one U+FFFD, as Unicode recommends).
 */
int cx_utf8_decode(const unsigned char *p, const unsigned char *end,
    uint32_t *cp);


/*
 * Past the end: the rest of the buffer is given up, so that nothing more
 * fits and no writer needs to look at "overflow" before its own check.
 */
static inline void
cx_json_overflow(cx_json_t *json)
{
    json->overflow = 1;
    json->end = json->pos;
}


static inline void
cx_json_put(cx_json_t *json, const void *bytes, size_t len)
{
    if ((size_t) (json->end - json->pos) < len) {
        cx_json_overflow(json);
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
cx_json_separate(cx_json_t *json)
{
    if (json->after_key) {
        json->after_key = 0;
        return;
    }

    if (json->has_member & (1u << json->depth)) {
        cx_json_put(json, ",", 1);
    }

    json->has_member |= 1u << json->depth;
}


/* the comma, the quoted name and its colon: see cx_json_key() */
static inline void
cx_json_key_bytes(cx_json_t *json, const unsigned char *member, size_t len)
{
    if (!json->after_key && (json->has_member & (1u << json->depth))
        && (size_t) (json->end - json->pos) >= len)
    {
        /* the comma cx_json_separate() would write, in the same copy */
        memcpy(json->pos, member, len);
        json->pos += len;

    } else {
        cx_json_separate(json);
        cx_json_put(json, member + 1, len - 1);
    }

    json->after_key = 1;
}


#endif /* CX_JSON_H */
