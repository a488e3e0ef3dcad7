
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


static int cx_reader_member(cx_scan_t *sc, cx_line_t *line, cx_str_t *key,
    unsigned *seen);
static int cx_reader_text(cx_scan_t *sc, cx_str_t *s, unsigned *set);
static int cx_reader_integer(cx_scan_t *sc, int64_t *n, int64_t min,
    int64_t max, unsigned *set);
static int cx_reader_bool(cx_scan_t *sc, unsigned *set);
static int cx_reader_hex_id(cx_scan_t *sc, uint64_t *id, size_t digits,
    unsigned *set);
static int cx_reader_experiments(cx_scan_t *sc, cx_line_t *line);
static int cx_reader_string_array(cx_scan_t *sc, cx_line_t *line,
    int friction);
static int cx_reader_feedback(cx_scan_t *sc, cx_line_t *line);
static int cx_reader_enum(cx_scan_t *sc, const char **names, unsigned n,
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


/* each byte's value as a lowercase hex digit, 0x10 for any other byte */
static unsigned char  cx_hex_value[256];


/* the bits of "seen": members the line must have */
#define CX_SEEN_V         0x01
#define CX_SEEN_TS        0x02
#define CX_SEEN_EVENT     0x04
#define CX_SEEN_FEEDBACK  0x08


int
cx_reader_init(cx_reader_t *rd)
{
    int  c;

    for (c = 0; c < 256; c++) {
        cx_hex_value[c] = (c >= '0' && c <= '9') ? c - '0'
                          : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : 0x10;
    }

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
    int             rc;
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
            if (cx_scan_skip(&sc, 2) != 0) {
                goto bad;
            }

        } else if (cx_reader_member(&sc, line, &key, &seen) != 0) {
            goto bad;
        }

        rc = cx_scan_next(&sc, '}', "\",\" or \"}\" expected");
        if (rc < 0) {
            goto bad;
        }

        if (rc == 0) {
            break;
        }
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


static int
cx_reader_member(cx_scan_t *sc, cx_line_t *line, cx_str_t *key,
    unsigned *seen)
{
    int64_t        n;
    unsigned       set, index;
    cx_scan_str_t  s;

    switch (key->len) {

    case 1:
        if (key->data[0] == 'v') {
            if (cx_reader_integer(sc, &n, 1, 1, &set) != 0 || !set) {
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
            if (line->ts_ms == CX_READER_TS_IMPOSSIBLE) {
                sc->error = "\"ts\" is not a real date and time";
                return -1;
            }
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
            if (cx_reader_integer(sc, &line->seq, 1, INT64_MAX, &set) != 0) {
                return -1;
            }
            line->has_seq = set;
            return 0;
        }
        if (cx_str_is(key, "bot")) {
            if (cx_reader_bool(sc, &set) != 0) {
                return -1;
            }
            line->bot = set;
            return 0;
        }
        break;

    case 4:
        if (cx_str_is(key, "host")) {
            if (cx_reader_text(sc, &line->host, &set) != 0) {
                return -1;
            }
            line->has_host = set;
            return 0;
        }
        if (cx_str_is(key, "goal")) {
            if (cx_reader_bool(sc, &set) != 0) {
                return -1;
            }
            line->goal = set;
            return 0;
        }
        break;

    case 5:
        if (cx_str_is(key, "event")) {
            if (cx_reader_enum(sc, cx_event_names, 4, &index, 0) != 0) {
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
            return cx_reader_string_array(sc, line, 0);
        }
        break;

    case 7:
        if (cx_str_is(key, "session")) {
            if (cx_reader_hex_id(sc, &line->session, 16, &set) != 0) {
                return -1;
            }
            line->has_session = set;
            return 0;
        }
        if (cx_str_is(key, "visitor")) {
            if (cx_reader_hex_id(sc, line->visitor, 32, &set) != 0) {
                return -1;
            }
            line->has_visitor = set;
            return 0;
        }
        if (cx_str_is(key, "channel")) {
            if (cx_reader_text(sc, &line->channel, &set) != 0) {
                return -1;
            }
            line->has_channel = set;
            return 0;
        }
        break;

    case 8:
        if (cx_str_is(key, "friction")) {
            return cx_reader_string_array(sc, line, 1);
        }
        if (cx_str_is(key, "feedback")) {
            if (cx_reader_feedback(sc, line) != 0) {
                return -1;
            }
            *seen |= CX_SEEN_FEEDBACK;
            return 0;
        }
        break;

    case 10:
        if (cx_str_is(key, "request_ms")) {
            if (cx_reader_integer(sc, &line->request_ms, 0, INT64_MAX, &set)
                != 0)
            {
                return -1;
            }
            line->has_request_ms = set;
            return 0;
        }
        if (cx_str_is(key, "touchpoint")) {
            if (cx_reader_text(sc, &line->touchpoint, &set) != 0) {
                return -1;
            }
            line->has_touchpoint = set;
            return 0;
        }
        if (cx_str_is(key, "experience")) {
            if (cx_reader_enum(sc, cx_experience_names, 3, &index, 1) != 0) {
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
            return cx_reader_experiments(sc, line);
        }
        break;
    }

    return cx_scan_skip(sc, 2);
}


static int
cx_str_is(cx_str_t *s, const char *word)
{
    return s->len == strlen(word) && memcmp(s->data, word, s->len) == 0;
}


/* a string or null: "set" says which */
static int
cx_reader_text(cx_scan_t *sc, cx_str_t *s, unsigned *set)
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
cx_reader_enum(cx_scan_t *sc, const char **names, unsigned n,
    unsigned *index, int nullable)
{
    unsigned  i, set;
    cx_str_t  s;

    if (cx_reader_text(sc, &s, &set) != 0) {
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
cx_reader_integer(cx_scan_t *sc, int64_t *n, int64_t min, int64_t max,
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
cx_reader_bool(cx_scan_t *sc, unsigned *set)
{
    return cx_scan_keyword(sc, set);
}


/* lowercase hex digits, 16 or 32, into one or two 64-bit words; or null */
static int
cx_reader_hex_id(cx_scan_t *sc, uint64_t *id, size_t digits, unsigned *set)
{
    size_t         i;
    uint64_t       w;
    cx_str_t       s;
    unsigned char  c, bad;

    if (cx_reader_text(sc, &s, set) != 0) {
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
    bad = 0;

    for (i = 0; i < digits; i++) {
        c = cx_hex_value[s.data[i]];
        bad |= c;
        w = (w << 4) | (c & 0x0f);

        if (i % 16 == 15) {
            id[i / 16] = w;
            w = 0;
        }
    }

    /* a byte that is no lowercase hex digit has 0x10 set */
    if (bad & 0x10) {
        sc->error = "an id that is not lowercase hex";
        return -1;
    }

    return 0;
}


static int
cx_reader_experiments(cx_scan_t *sc, cx_line_t *line)
{
    int                   rc;
    unsigned              i;
    cx_scan_str_t         name, variant;
    cx_line_experiment_t *e;

    line->nexperiments = 0;

    rc = cx_scan_open(sc, '{', '}', "\"experiments\" is not an object");
    if (rc != 0) {
        return rc > 0 ? 0 : -1;
    }

    for ( ;; ) {
        if (cx_scan_name(sc, &name, 1, "a bad \"experiments\"") != 0
            || cx_scan_ws(sc) != 0)
        {
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

        rc = cx_scan_next(sc, '}', "a bad \"experiments\"");
        if (rc <= 0) {
            return rc;
        }
    }
}


/* "forced" (names) or "friction" (kinds, a bit each) */
static int
cx_reader_string_array(cx_scan_t *sc, cx_line_t *line, int friction)
{
    int            rc;
    unsigned       i;
    cx_scan_str_t  s;

    if (friction) {
        line->friction = 0;

    } else {
        line->nforced = 0;
    }

    rc = cx_scan_open(sc, '[', ']', "an array of strings expected");
    if (rc != 0) {
        return rc > 0 ? 0 : -1;
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

        rc = cx_scan_next(sc, ']', "\",\" or \"]\" expected");
        if (rc <= 0) {
            return rc;
        }
    }
}


static int
cx_reader_feedback(cx_scan_t *sc, cx_line_t *line)
{
    int            rc, more;
    unsigned       set, index, have;
    cx_scan_str_t  k;

    /* bits: score, scale, comment, touchpoint */
    have = 0;
    line->has_comment = 0;
    line->has_feedback_touchpoint = 0;

    rc = cx_scan_open(sc, '{', '}', "\"feedback\" is not an object");
    if (rc < 0) {
        return -1;
    }

    for (more = (rc == 0); more; /* the item says */) {
        if (cx_scan_name(sc, &k, 1, "a bad \"feedback\"") != 0
            || cx_scan_ws(sc) != 0)
        {
            return -1;
        }

        if (k.lone) {
            if (cx_scan_skip(sc, 3) != 0) {
                return -1;
            }

        } else if (cx_str_is(&k.s, "score")) {
            if (cx_reader_integer(sc, &line->score, 0, 10, &set) != 0 || !set) {
                sc->error = "a feedback score that is not 0 to 10";
                return -1;
            }
            have |= 1;

        } else if (cx_str_is(&k.s, "scale")) {
            if (cx_reader_enum(sc, cx_scale_names, 4, &index, 0) != 0) {
                sc->error = sc->error ? sc->error : "an unknown feedback scale";
                return -1;
            }
            line->scale = (cx_scale_e) index;
            have |= 2;

        } else if (cx_str_is(&k.s, "comment")) {
            if (cx_reader_text(sc, &line->comment, &set) != 0) {
                return -1;
            }
            line->has_comment = set;
            have |= 4;

        } else if (cx_str_is(&k.s, "touchpoint")) {
            if (cx_reader_text(sc, &line->feedback_touchpoint, &set) != 0) {
                return -1;
            }
            line->has_feedback_touchpoint = set;
            have |= 8;

        } else if (cx_scan_skip(sc, 3) != 0) {
            return -1;
        }

        more = cx_scan_next(sc, '}', "a bad \"feedback\"");
        if (more < 0) {
            return -1;
        }
    }

    if (have != 15) {
        sc->error = "\"feedback\" lacks score, scale, comment or touchpoint";
        return -1;
    }

    return 0;
}


int64_t
cx_reader_ts_ms(const unsigned char *p, size_t len)
{
    int64_t  y, m, d, hh, mm, ss, ms, era, yoe, doy, doe, days;
    size_t   i;

    static const char     shape[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    static const int64_t  mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30,
                                      31, 30, 31 };

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

    /* a date the calendar has and a time of day (no leap second: the
     * module's clock has none), as DuckDB's cast in docs/sql checks */
    if (m < 1 || m > 12 || d < 1
        || d > mdays[m - 1] + (m == 2 && y % 4 == 0
                              && (y % 100 != 0 || y % 400 == 0))
        || hh > 23 || mm > 59 || ss > 59)
    {
        return CX_READER_TS_IMPOSSIBLE;
    }

    /* days from 1970-01-01 of the proleptic Gregorian date */
    y -= (m <= 2);
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    days = era * 146097 + doe - 719468;

    ms += ((days * 24 + hh) * 60 + mm) * 60000 + ss * 1000;

    return ms < 0 ? -1 : ms;
}
