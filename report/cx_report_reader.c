
/*
 * The journey line reader: see cx_report_reader.h.  One pass over the
 * bytes; a value the report reads is decoded, any other value is only
 * checked.  Python's json module is the reference it is held to
 * (tests/test_report_reader.c, tests/report_reader_check.py): the same
 * lines are valid, a duplicate key counts its last value.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_report_reader.h"


#define CX_ONES   0x0101010101010101ULL
#define CX_TOPS   0x8080808080808080ULL

#define cx_has_zero(x)      (((x) - CX_ONES) & ~(x) & CX_TOPS)
#define cx_has_below(x, n)  (((x) - CX_ONES * (n)) & ~(x) & CX_TOPS)


typedef struct {
    const unsigned char  *p;
    const unsigned char  *end;
    unsigned char        *out;          /* next free byte of the scratch */
    const char           *error;
} cx_scan_t;


/* a decoded string: "lone" when it holds a lone UTF-16 surrogate escape,
 * which no UTF-8 string can carry */
typedef struct {
    cx_str_t  s;
    unsigned  lone:1;
} cx_scan_str_t;


static int cx_scan_ws(cx_scan_t *sc);
static int cx_scan_string(cx_scan_t *sc, cx_scan_str_t *str, int decode);
static int cx_scan_utf8(cx_scan_t *sc);
static int cx_scan_escape(cx_scan_t *sc, unsigned char **o, unsigned *lone);
static int cx_scan_number(cx_scan_t *sc, int64_t *n, int *integer);
static int cx_scan_literal(cx_scan_t *sc, const char *word, size_t len);
static int cx_scan_skip(cx_scan_t *sc, unsigned depth);
static int cx_scan_member(cx_scan_t *sc, cx_line_t *line, cx_str_t *key,
    unsigned *seen);
static int cx_scan_text(cx_scan_t *sc, cx_str_t *s, unsigned *set);
static int cx_scan_integer(cx_scan_t *sc, int64_t *n, int64_t min,
    int64_t max, unsigned *set);
static int cx_scan_bool(cx_scan_t *sc, unsigned *set);
static int cx_scan_hex_id(cx_scan_t *sc, uint64_t *id, size_t digits,
    unsigned *set);
static int cx_scan_experiments(cx_scan_t *sc, cx_line_t *line);
static int cx_scan_string_array(cx_scan_t *sc, cx_line_t *line,
    int friction);
static int cx_scan_feedback(cx_scan_t *sc, cx_line_t *line);
static int cx_scan_enum(cx_scan_t *sc, const char **names, unsigned n,
    unsigned *index, int nullable);
static int cx_str_is(cx_str_t *s, const char *word);


const char *cx_friction_names[CX_FRICTION_N] = {
    "backtrack", "error", "loop", "not_found", "reload", "slow"
};

static const char *cx_event_names[] = {
    "page_view", "feedback", "event", "prefetch"
};

static const char *cx_experience_names[] = {
    "positive", "neutral", "negative"
};

static const char *cx_scale_names[] = {
    "csat", "nps", "ces", "thumbs"
};


/* the bits of "seen": members the line must have */
#define CX_SEEN_V         0x01
#define CX_SEEN_TS        0x02
#define CX_SEEN_EVENT     0x04
#define CX_SEEN_FEEDBACK  0x08


int
cx_reader_init(cx_reader_t *rd)
{
    rd->scratch_size = 65536;
    rd->scratch = malloc(rd->scratch_size);
    rd->error = NULL;

    return rd->scratch == NULL ? -1 : 0;
}


void
cx_reader_free(cx_reader_t *rd)
{
    free(rd->scratch);
    rd->scratch = NULL;
}


int
cx_reader_parse(cx_reader_t *rd, const unsigned char *p, size_t len,
    cx_line_t *line)
{
    unsigned        seen;
    cx_str_t        key;
    cx_scan_t       sc;
    cx_scan_str_t   k;
    unsigned char  *grown;

    /* decoded strings never outgrow their escaped form */
    if (len > rd->scratch_size) {
        grown = realloc(rd->scratch, len);
        if (grown == NULL) {
            rd->error = "out of memory";
            return -1;
        }
        rd->scratch = grown;
        rd->scratch_size = len;
    }

    memset(line, 0, offsetof(cx_line_t, experiments));
    line->nexperiments = 0;
    line->nforced = 0;
    line->has_feedback = 0;

    sc.p = p;
    sc.end = p + len;
    sc.out = rd->scratch;
    sc.error = NULL;
    seen = 0;

    if (cx_scan_ws(&sc) != 0 || *sc.p != '{') {
        rd->error = "not a JSON object";
        return -1;
    }

    sc.p++;

    if (cx_scan_ws(&sc) != 0) {
        goto bad;
    }

    if (*sc.p == '}') {
        sc.p++;
        goto done;
    }

    for ( ;; ) {
        if (cx_scan_ws(&sc) != 0 || *sc.p != '"') {
            sc.error = sc.error ? sc.error : "a member name expected";
            goto bad;
        }

        if (cx_scan_string(&sc, &k, 1) != 0) {
            goto bad;
        }

        key = k.s;

        if (cx_scan_ws(&sc) != 0 || *sc.p != ':') {
            sc.error = "\":\" expected";
            goto bad;
        }

        sc.p++;

        if (cx_scan_ws(&sc) != 0) {
            goto bad;
        }

        if (k.lone) {
            /* a name with a lone surrogate is none the report reads */
            if (cx_scan_skip(&sc, 1) != 0) {
                goto bad;
            }

        } else if (cx_scan_member(&sc, line, &key, &seen) != 0) {
            goto bad;
        }

        if (cx_scan_ws(&sc) != 0) {
            goto bad;
        }

        if (*sc.p == ',') {
            sc.p++;
            continue;
        }

        if (*sc.p == '}') {
            sc.p++;
            break;
        }

        sc.error = "\",\" or \"}\" expected";
        goto bad;
    }

done:

    while (sc.p < sc.end
           && (*sc.p == ' ' || *sc.p == '\t' || *sc.p == '\r'
               || *sc.p == '\n'))
    {
        sc.p++;
    }

    if (sc.p != sc.end) {
        rd->error = "bytes after the object";
        return -1;
    }

    if ((seen & (CX_SEEN_V | CX_SEEN_TS | CX_SEEN_EVENT))
        != (CX_SEEN_V | CX_SEEN_TS | CX_SEEN_EVENT))
    {
        rd->error = (seen & CX_SEEN_V) == 0 ? "no \"v\": 1"
                    : (seen & CX_SEEN_TS) == 0 ? "no \"ts\"" : "no \"event\"";
        return -1;
    }

    if (line->event == CX_EVENT_FEEDBACK && !(seen & CX_SEEN_FEEDBACK)) {
        rd->error = "a feedback line without \"feedback\"";
        return -1;
    }

    line->has_feedback = (line->event == CX_EVENT_FEEDBACK);

    return 0;

bad:

    rd->error = sc.error ? sc.error : "not valid JSON";
    return -1;
}


/* skips white space; -1 at the end of the line, where a value must come */
static int
cx_scan_ws(cx_scan_t *sc)
{
    while (sc->p < sc->end) {
        switch (*sc->p) {
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            sc->p++;
            continue;
        default:
            return 0;
        }
    }

    sc->error = "the line ends inside the object";
    return -1;
}


static int
cx_scan_member(cx_scan_t *sc, cx_line_t *line, cx_str_t *key,
    unsigned *seen)
{
    int64_t        n;
    unsigned       set, index;
    cx_scan_str_t  s;

    switch (key->len) {

    case 1:
        if (key->data[0] == 'v') {
            if (cx_scan_integer(sc, &n, 1, 1, &set) != 0 || !set) {
                sc->error = "\"v\" is not 1";
                return -1;
            }
            *seen |= CX_SEEN_V;
            return 0;
        }
        break;

    case 2:
        if (cx_str_is(key, "ts")) {
            if (*sc->p != '"' || cx_scan_string(sc, &s, 1) != 0) {
                sc->error = sc->error ? sc->error : "\"ts\" is not a string";
                return -1;
            }
            line->ts_ms = s.lone ? -1 : cx_reader_ts_ms(s.s.data, s.s.len);
            if (line->ts_ms < 0) {
                sc->error = "\"ts\" is not a log timestamp";
                return -1;
            }
            line->ts = s.s;
            *seen |= CX_SEEN_TS;
            return 0;
        }
        break;

    case 3:
        if (cx_str_is(key, "seq")) {
            if (cx_scan_integer(sc, &line->seq, 1, INT64_MAX, &set) != 0) {
                return -1;
            }
            line->has_seq = set;
            return 0;
        }
        if (cx_str_is(key, "bot")) {
            if (cx_scan_bool(sc, &set) != 0) {
                return -1;
            }
            line->bot = set;
            return 0;
        }
        break;

    case 4:
        if (cx_str_is(key, "host")) {
            if (cx_scan_text(sc, &line->host, &set) != 0) {
                return -1;
            }
            line->has_host = set;
            return 0;
        }
        if (cx_str_is(key, "goal")) {
            if (cx_scan_bool(sc, &set) != 0) {
                return -1;
            }
            line->goal = set;
            return 0;
        }
        break;

    case 5:
        if (cx_str_is(key, "event")) {
            if (cx_scan_enum(sc, cx_event_names, 4, &index, 0) != 0) {
                sc->error = sc->error ? sc->error : "an unknown \"event\"";
                return -1;
            }
            line->event = (cx_event_e) (index + 1);
            *seen |= CX_SEEN_EVENT;
            return 0;
        }
        break;

    case 6:
        if (cx_str_is(key, "forced")) {
            return cx_scan_string_array(sc, line, 0);
        }
        break;

    case 7:
        if (cx_str_is(key, "session")) {
            if (cx_scan_hex_id(sc, &line->session, 16, &set) != 0) {
                return -1;
            }
            line->has_session = set;
            return 0;
        }
        if (cx_str_is(key, "visitor")) {
            if (cx_scan_hex_id(sc, line->visitor, 32, &set) != 0) {
                return -1;
            }
            line->has_visitor = set;
            return 0;
        }
        if (cx_str_is(key, "channel")) {
            if (cx_scan_text(sc, &line->channel, &set) != 0) {
                return -1;
            }
            line->has_channel = set;
            return 0;
        }
        break;

    case 8:
        if (cx_str_is(key, "friction")) {
            return cx_scan_string_array(sc, line, 1);
        }
        if (cx_str_is(key, "feedback")) {
            if (cx_scan_feedback(sc, line) != 0) {
                return -1;
            }
            *seen |= CX_SEEN_FEEDBACK;
            return 0;
        }
        break;

    case 10:
        if (cx_str_is(key, "request_ms")) {
            if (cx_scan_integer(sc, &line->request_ms, 0, INT64_MAX, &set)
                != 0)
            {
                return -1;
            }
            line->has_request_ms = set;
            return 0;
        }
        if (cx_str_is(key, "touchpoint")) {
            if (cx_scan_text(sc, &line->touchpoint, &set) != 0) {
                return -1;
            }
            line->has_touchpoint = set;
            return 0;
        }
        if (cx_str_is(key, "experience")) {
            if (cx_scan_enum(sc, cx_experience_names, 3, &index, 1) != 0) {
                sc->error = sc->error ? sc->error
                                      : "an unknown \"experience\"";
                return -1;
            }
            line->experience = (cx_experience_e) index;
            return 0;
        }
        break;

    case 11:
        if (cx_str_is(key, "experiments")) {
            return cx_scan_experiments(sc, line);
        }
        break;
    }

    return cx_scan_skip(sc, 1);
}


static int
cx_str_is(cx_str_t *s, const char *word)
{
    return s->len == strlen(word) && memcmp(s->data, word, s->len) == 0;
}


/* a string or null: "set" says which */
static int
cx_scan_text(cx_scan_t *sc, cx_str_t *s, unsigned *set)
{
    cx_scan_str_t  str;

    if (*sc->p == 'n') {
        *set = 0;
        return cx_scan_literal(sc, "null", 4);
    }

    if (*sc->p != '"') {
        sc->error = "a string or null expected";
        return -1;
    }

    if (cx_scan_string(sc, &str, 1) != 0) {
        return -1;
    }

    if (str.lone) {
        sc->error = "a lone UTF-16 surrogate in a string the report reads";
        return -1;
    }

    *s = str.s;
    *set = 1;

    return 0;
}


/* one of "names" (index from 1) or, when nullable, null (index 0) */
static int
cx_scan_enum(cx_scan_t *sc, const char **names, unsigned n,
    unsigned *index, int nullable)
{
    unsigned  i, set;
    cx_str_t  s;

    if (cx_scan_text(sc, &s, &set) != 0) {
        return -1;
    }

    if (!set) {
        if (!nullable) {
            sc->error = "null where a name is required";
            return -1;
        }
        *index = 0;
        return 0;
    }

    for (i = 0; i < n; i++) {
        if (s.len == strlen(names[i]) && memcmp(s.data, names[i], s.len) == 0)
        {
            *index = nullable ? i + 1 : i;
            return 0;
        }
    }

    return -1;
}


/* an integer written as one (no fraction, no exponent) within min..max,
 * or null (set 0) */
static int
cx_scan_integer(cx_scan_t *sc, int64_t *n, int64_t min, int64_t max,
    unsigned *set)
{
    int  integer;

    if (*sc->p == 'n') {
        *set = 0;
        return cx_scan_literal(sc, "null", 4);
    }

    if (cx_scan_number(sc, n, &integer) != 0) {
        return -1;
    }

    if (!integer || *n < min || *n > max) {
        sc->error = "a number out of its field's range";
        return -1;
    }

    *set = 1;

    return 0;
}


/* true, false or null: "set" is 1 for true only */
static int
cx_scan_bool(cx_scan_t *sc, unsigned *set)
{
    *set = 0;

    switch (*sc->p) {
    case 't':
        *set = 1;
        return cx_scan_literal(sc, "true", 4);
    case 'f':
        return cx_scan_literal(sc, "false", 5);
    case 'n':
        return cx_scan_literal(sc, "null", 4);
    default:
        sc->error = "true, false or null expected";
        return -1;
    }
}


/* lowercase hex digits, 16 or 32, into one or two 64-bit words; or null */
static int
cx_scan_hex_id(cx_scan_t *sc, uint64_t *id, size_t digits, unsigned *set)
{
    size_t         i;
    uint64_t       w;
    cx_str_t       s;
    unsigned char  c;

    if (cx_scan_text(sc, &s, set) != 0) {
        return -1;
    }

    if (!*set) {
        return 0;
    }

    if (s.len != digits) {
        sc->error = "an id of the wrong length";
        return -1;
    }

    w = 0;

    for (i = 0; i < digits; i++) {
        c = s.data[i];

        if (c >= '0' && c <= '9') {
            w = (w << 4) | (uint64_t) (c - '0');

        } else if (c >= 'a' && c <= 'f') {
            w = (w << 4) | (uint64_t) (c - 'a' + 10);

        } else {
            sc->error = "an id that is not lowercase hex";
            return -1;
        }

        if (i % 16 == 15) {
            id[i / 16] = w;
            w = 0;
        }
    }

    return 0;
}


static int
cx_scan_experiments(cx_scan_t *sc, cx_line_t *line)
{
    unsigned              i;
    cx_scan_str_t         name, variant;
    cx_line_experiment_t *e;

    line->nexperiments = 0;

    if (*sc->p != '{') {
        sc->error = "\"experiments\" is not an object";
        return -1;
    }

    sc->p++;

    if (cx_scan_ws(sc) != 0) {
        return -1;
    }

    if (*sc->p == '}') {
        sc->p++;
        return 0;
    }

    for ( ;; ) {
        if (cx_scan_ws(sc) != 0 || *sc->p != '"'
            || cx_scan_string(sc, &name, 1) != 0
            || cx_scan_ws(sc) != 0 || *sc->p++ != ':'
            || cx_scan_ws(sc) != 0)
        {
            sc->error = sc->error ? sc->error : "a bad \"experiments\"";
            return -1;
        }

        if (*sc->p != '"' || cx_scan_string(sc, &variant, 1) != 0
            || name.lone || variant.lone || name.s.len == 0
            || variant.s.len == 0)
        {
            sc->error = sc->error ? sc->error
                                  : "an experiment's variant is not a name";
            return -1;
        }

        /* the last of a duplicate name counts */
        for (i = 0; i < line->nexperiments; i++) {
            e = &line->experiments[i];
            if (e->name.len == name.s.len
                && memcmp(e->name.data, name.s.data, name.s.len) == 0)
            {
                break;
            }
        }

        if (i == CX_READER_MAX_EXPERIMENTS) {
            sc->error = "too many experiments";
            return -1;
        }

        line->experiments[i].name = name.s;
        line->experiments[i].variant = variant.s;

        if (i == line->nexperiments) {
            line->nexperiments++;
        }

        if (cx_scan_ws(sc) != 0) {
            return -1;
        }

        if (*sc->p == ',') {
            sc->p++;
            continue;
        }

        if (*sc->p == '}') {
            sc->p++;
            return 0;
        }

        sc->error = "a bad \"experiments\"";
        return -1;
    }
}


/* "forced" (names) or "friction" (kinds, a bit each) */
static int
cx_scan_string_array(cx_scan_t *sc, cx_line_t *line, int friction)
{
    unsigned       i;
    cx_scan_str_t  s;

    if (friction) {
        line->friction = 0;

    } else {
        line->nforced = 0;
    }

    if (*sc->p != '[') {
        sc->error = "an array of strings expected";
        return -1;
    }

    sc->p++;

    if (cx_scan_ws(sc) != 0) {
        return -1;
    }

    if (*sc->p == ']') {
        sc->p++;
        return 0;
    }

    for ( ;; ) {
        if (cx_scan_ws(sc) != 0 || *sc->p != '"'
            || cx_scan_string(sc, &s, 1) != 0 || s.lone)
        {
            sc->error = sc->error ? sc->error : "an array of strings expected";
            return -1;
        }

        if (friction) {
            for (i = 0; i < CX_FRICTION_N; i++) {
                if (cx_str_is(&s.s, cx_friction_names[i])) {
                    break;
                }
            }

            if (i == CX_FRICTION_N) {
                sc->error = "an unknown friction kind";
                return -1;
            }

            line->friction |= 1u << i;

        } else {
            if (line->nforced == CX_READER_MAX_FORCED) {
                sc->error = "too many forced experiments";
                return -1;
            }

            line->forced[line->nforced++] = s.s;
        }

        if (cx_scan_ws(sc) != 0) {
            return -1;
        }

        if (*sc->p == ',') {
            sc->p++;
            continue;
        }

        if (*sc->p == ']') {
            sc->p++;
            return 0;
        }

        sc->error = "\",\" or \"]\" expected";
        return -1;
    }
}


static int
cx_scan_feedback(cx_scan_t *sc, cx_line_t *line)
{
    unsigned       set, index, have;
    cx_scan_str_t  k;

    /* bits: score, scale, comment, touchpoint */
    have = 0;
    line->has_comment = 0;
    line->has_feedback_touchpoint = 0;

    if (*sc->p != '{') {
        sc->error = "\"feedback\" is not an object";
        return -1;
    }

    sc->p++;

    if (cx_scan_ws(sc) != 0) {
        return -1;
    }

    if (*sc->p == '}') {
        sc->p++;
        goto check;
    }

    for ( ;; ) {
        if (cx_scan_ws(sc) != 0 || *sc->p != '"'
            || cx_scan_string(sc, &k, 1) != 0
            || cx_scan_ws(sc) != 0 || *sc->p++ != ':'
            || cx_scan_ws(sc) != 0)
        {
            sc->error = sc->error ? sc->error : "a bad \"feedback\"";
            return -1;
        }

        if (k.lone) {
            if (cx_scan_skip(sc, 2) != 0) {
                return -1;
            }

        } else if (cx_str_is(&k.s, "score")) {
            if (cx_scan_integer(sc, &line->score, 0, 10, &set) != 0 || !set) {
                sc->error = "a feedback score that is not 0 to 10";
                return -1;
            }
            have |= 1;

        } else if (cx_str_is(&k.s, "scale")) {
            if (cx_scan_enum(sc, cx_scale_names, 4, &index, 0) != 0) {
                sc->error = sc->error ? sc->error : "an unknown feedback scale";
                return -1;
            }
            line->scale = (cx_scale_e) index;
            have |= 2;

        } else if (cx_str_is(&k.s, "comment")) {
            if (cx_scan_text(sc, &line->comment, &set) != 0) {
                return -1;
            }
            line->has_comment = set;
            have |= 4;

        } else if (cx_str_is(&k.s, "touchpoint")) {
            if (cx_scan_text(sc, &line->feedback_touchpoint, &set) != 0) {
                return -1;
            }
            line->has_feedback_touchpoint = set;
            have |= 8;

        } else if (cx_scan_skip(sc, 2) != 0) {
            return -1;
        }

        if (cx_scan_ws(sc) != 0) {
            return -1;
        }

        if (*sc->p == ',') {
            sc->p++;
            continue;
        }

        if (*sc->p == '}') {
            sc->p++;
            break;
        }

        sc->error = "a bad \"feedback\"";
        return -1;
    }

check:

    if (have != 15) {
        sc->error = "\"feedback\" lacks score, scale, comment or touchpoint";
        return -1;
    }

    return 0;
}


/* any value, checked and passed over */
static int
cx_scan_skip(cx_scan_t *sc, unsigned depth)
{
    int            integer;
    int64_t        n;
    cx_scan_str_t  s;
    unsigned char  close;

    if (depth > CX_READER_MAX_DEPTH) {
        sc->error = "nested too deep";
        return -1;
    }

    switch (*sc->p) {

    case '"':
        return cx_scan_string(sc, &s, 0);

    case 't':
        return cx_scan_literal(sc, "true", 4);

    case 'f':
        return cx_scan_literal(sc, "false", 5);

    case 'n':
        return cx_scan_literal(sc, "null", 4);

    case '{':
    case '[':
        close = (*sc->p == '{') ? '}' : ']';
        sc->p++;

        if (cx_scan_ws(sc) != 0) {
            return -1;
        }

        if (*sc->p == close) {
            sc->p++;
            return 0;
        }

        for ( ;; ) {
            if (cx_scan_ws(sc) != 0) {
                return -1;
            }

            if (close == '}') {
                if (*sc->p != '"' || cx_scan_string(sc, &s, 0) != 0
                    || cx_scan_ws(sc) != 0 || *sc->p++ != ':'
                    || cx_scan_ws(sc) != 0)
                {
                    sc->error = sc->error ? sc->error : "a bad member";
                    return -1;
                }
            }

            if (cx_scan_skip(sc, depth + 1) != 0 || cx_scan_ws(sc) != 0) {
                return -1;
            }

            if (*sc->p == ',') {
                sc->p++;
                continue;
            }

            if (*sc->p == close) {
                sc->p++;
                return 0;
            }

            sc->error = "a bad object or array";
            return -1;
        }

    default:
        return cx_scan_number(sc, &n, &integer);
    }
}


static int
cx_scan_literal(cx_scan_t *sc, const char *word, size_t len)
{
    if ((size_t) (sc->end - sc->p) < len || memcmp(sc->p, word, len) != 0) {
        sc->error = "not valid JSON";
        return -1;
    }

    sc->p += len;

    return 0;
}


/*
 * A JSON number.  "integer" is set when it has neither fraction nor
 * exponent and fits in 63 bits (then *n is its value); any other number
 * is valid JSON but no integer of the report.
 */
static int
cx_scan_number(cx_scan_t *sc, int64_t *n, int *integer)
{
    int                   neg, overflow;
    uint64_t              v;
    const unsigned char  *p;

    p = sc->p;
    neg = 0;
    overflow = 0;
    v = 0;
    *integer = 1;

    if (p < sc->end && *p == '-') {
        neg = 1;
        p++;
    }

    if (p == sc->end || *p < '0' || *p > '9') {
        sc->error = "not valid JSON";
        return -1;
    }

    if (*p == '0') {
        p++;

    } else {
        while (p < sc->end && *p >= '0' && *p <= '9') {
            if (v > (INT64_MAX - 9) / 10) {
                overflow = 1;
            }
            v = v * 10 + (uint64_t) (*p - '0');
            p++;
        }
    }

    if (p < sc->end && *p == '.') {
        *integer = 0;
        p++;

        if (p == sc->end || *p < '0' || *p > '9') {
            sc->error = "not valid JSON";
            return -1;
        }

        while (p < sc->end && *p >= '0' && *p <= '9') {
            p++;
        }
    }

    if (p < sc->end && (*p == 'e' || *p == 'E')) {
        *integer = 0;
        p++;

        if (p < sc->end && (*p == '+' || *p == '-')) {
            p++;
        }

        if (p == sc->end || *p < '0' || *p > '9') {
            sc->error = "not valid JSON";
            return -1;
        }

        while (p < sc->end && *p >= '0' && *p <= '9') {
            p++;
        }
    }

    if (overflow) {
        *integer = 0;
    }

    *n = neg ? -(int64_t) v : (int64_t) v;
    sc->p = p;

    return 0;
}


/*
 * A string from its opening quote.  With "decode" the value is given:
 * a slice of the line when it has no escape, else decoded into scratch.
 */
static int
cx_scan_string(cx_scan_t *sc, cx_scan_str_t *str, int decode)
{
    uint64_t              w;
    unsigned              lone;
    const unsigned char  *start, *p;
    unsigned char        *o;

    sc->p++;
    start = sc->p;
    lone = 0;
    o = NULL;

    for ( ;; ) {
        p = sc->p;

        /* eight plain bytes at a time: no quote, backslash, control or
         * non-ASCII byte among them */
        while (sc->end - p >= 8) {
            memcpy(&w, p, 8);
            if ((cx_has_zero(w ^ (CX_ONES * '"'))
                 | cx_has_zero(w ^ (CX_ONES * '\\'))
                 | cx_has_below(w, 0x20) | (w & CX_TOPS)) != 0)
            {
                break;
            }
            p += 8;
        }

        while (p < sc->end && *p >= 0x20 && *p < 0x80 && *p != '"'
               && *p != '\\')
        {
            p++;
        }

        if (o != NULL) {
            memcpy(o, sc->p, p - sc->p);
            o += p - sc->p;
        }

        sc->p = p;

        if (p == sc->end) {
            sc->error = "a string is not closed";
            return -1;
        }

        if (*p == '"') {
            break;
        }

        if (*p < 0x20) {
            sc->error = "a control character in a string";
            return -1;
        }

        if (*p >= 0x80) {
            if (cx_scan_utf8(sc) != 0) {
                return -1;
            }

            if (o != NULL) {
                memcpy(o, p, sc->p - p);
                o += sc->p - p;
            }

            continue;
        }

        /* a backslash: from here the string is decoded into scratch */
        if (decode && o == NULL) {
            o = sc->out;
            memcpy(o, start, p - start);
            o += p - start;
        }

        if (cx_scan_escape(sc, o != NULL ? &o : NULL, &lone) != 0) {
            return -1;
        }
    }

    if (o != NULL) {
        str->s.data = sc->out;
        str->s.len = o - sc->out;
        sc->out = o;

    } else {
        str->s.data = start;
        str->s.len = sc->p - start;
    }

    str->lone = lone;
    sc->p++;

    return 0;
}


/* one UTF-8 sequence, strict as Unicode says: no overlong form, no
 * surrogate, nothing past U+10FFFF */
static int
cx_scan_utf8(cx_scan_t *sc)
{
    size_t                n, i;
    unsigned char         c, lo, hi;
    const unsigned char  *p;

    p = sc->p;
    c = *p;
    lo = 0x80;
    hi = 0xbf;

    if (c >= 0xc2 && c <= 0xdf) {
        n = 1;

    } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        if (c == 0xe0) {
            lo = 0xa0;
        } else if (c == 0xed) {
            hi = 0x9f;
        }

    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        if (c == 0xf0) {
            lo = 0x90;
        } else if (c == 0xf4) {
            hi = 0x8f;
        }

    } else {
        sc->error = "invalid UTF-8";
        return -1;
    }

    if ((size_t) (sc->end - p) <= n) {
        sc->error = "invalid UTF-8";
        return -1;
    }

    if (p[1] < lo || p[1] > hi) {
        sc->error = "invalid UTF-8";
        return -1;
    }

    for (i = 2; i <= n; i++) {
        if (p[i] < 0x80 || p[i] > 0xbf) {
            sc->error = "invalid UTF-8";
            return -1;
        }
    }

    sc->p = p + n + 1;

    return 0;
}


static int
cx_scan_hex4(const unsigned char *p, unsigned *v)
{
    unsigned  i, d;

    *v = 0;

    for (i = 0; i < 4; i++) {
        if (p[i] >= '0' && p[i] <= '9') {
            d = p[i] - '0';

        } else if ((p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'f') {
            d = (p[i] | 0x20) - 'a' + 10;

        } else {
            return -1;
        }

        *v = (*v << 4) | d;
    }

    return 0;
}


/* an escape from its backslash; written decoded at *o when o is given */
static int
cx_scan_escape(cx_scan_t *sc, unsigned char **o, unsigned *lone)
{
    unsigned              cp, lo;
    unsigned char         c;
    const unsigned char  *p;

    p = sc->p;

    if (sc->end - p < 2) {
        sc->error = "a string is not closed";
        return -1;
    }

    switch (p[1]) {
    case '"':  c = '"';  break;
    case '\\': c = '\\'; break;
    case '/':  c = '/';  break;
    case 'b':  c = '\b'; break;
    case 'f':  c = '\f'; break;
    case 'n':  c = '\n'; break;
    case 'r':  c = '\r'; break;
    case 't':  c = '\t'; break;

    case 'u':
        if (sc->end - p < 6 || cx_scan_hex4(p + 2, &cp) != 0) {
            sc->error = "a bad \\u escape";
            return -1;
        }

        sc->p = p + 6;

        if (cp >= 0xd800 && cp <= 0xdbff && sc->end - sc->p >= 6
            && sc->p[0] == '\\' && sc->p[1] == 'u'
            && cx_scan_hex4(sc->p + 2, &lo) == 0
            && lo >= 0xdc00 && lo <= 0xdfff)
        {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            sc->p += 6;

        } else if (cp >= 0xd800 && cp <= 0xdfff) {
            /* valid JSON, as Python reads it, but no UTF-8 text */
            *lone = 1;
            cp = 0xfffd;
        }

        if (o == NULL) {
            return 0;
        }

        if (cp < 0x80) {
            *(*o)++ = (unsigned char) cp;

        } else if (cp < 0x800) {
            *(*o)++ = (unsigned char) (0xc0 | (cp >> 6));
            *(*o)++ = (unsigned char) (0x80 | (cp & 0x3f));

        } else if (cp < 0x10000) {
            *(*o)++ = (unsigned char) (0xe0 | (cp >> 12));
            *(*o)++ = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
            *(*o)++ = (unsigned char) (0x80 | (cp & 0x3f));

        } else {
            *(*o)++ = (unsigned char) (0xf0 | (cp >> 18));
            *(*o)++ = (unsigned char) (0x80 | ((cp >> 12) & 0x3f));
            *(*o)++ = (unsigned char) (0x80 | ((cp >> 6) & 0x3f));
            *(*o)++ = (unsigned char) (0x80 | (cp & 0x3f));
        }

        return 0;

    default:
        sc->error = "a bad escape";
        return -1;
    }

    if (o != NULL) {
        *(*o)++ = c;
    }

    sc->p = p + 2;

    return 0;
}


int64_t
cx_reader_ts_ms(const unsigned char *p, size_t len)
{
    int64_t  y, m, d, hh, mm, ss, ms, era, yoe, doy, doe, days;
    size_t   i;

    static const char  shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";

    if (len != sizeof(shape) - 1) {
        return -1;
    }

    for (i = 0; i < len; i++) {
        if (shape[i] == 'd' ? (p[i] < '0' || p[i] > '9') : p[i] != shape[i])
        {
            return -1;
        }
    }

#define cx_digits2(at)  ((p[at] - '0') * 10 + (p[(at) + 1] - '0'))

    y = cx_digits2(0) * 100 + cx_digits2(2);
    m = cx_digits2(5);
    d = cx_digits2(8);
    hh = cx_digits2(11);
    mm = cx_digits2(14);
    ss = cx_digits2(17);
    ms = (p[20] - '0') * 100 + cx_digits2(21);

#undef cx_digits2

    /* days from 1970-01-01 of the proleptic Gregorian date (any digits the
     * pattern allows give some number; the log's give the right one) */
    y -= (m <= 2);
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    days = era * 146097 + doe - 719468;

    return ((days * 24 + hh) * 60 + mm) * 60000 + ss * 1000 + ms;
}
