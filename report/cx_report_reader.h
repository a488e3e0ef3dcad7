
/*
 * The journey line reader of cx-report: checks that a line is one JSON
 * object of schema v1 (RFC 8259: UTF-8, numbers, escapes, nesting) and
 * picks out the fields the report uses, without building a tree; what the
 * report does not use is checked and skipped.  docs/report.md says which
 * lines are valid.
 */


#ifndef CX_REPORT_READER_H
#define CX_REPORT_READER_H


#include <stddef.h>
#include <stdint.h>

#include "cx_str.h"
#include "cx_report_scan.h"


#define CX_READER_MAX_DEPTH        CX_SCAN_MAX_DEPTH
#define CX_READER_MAX_EXPERIMENTS  64
#define CX_READER_MAX_FORCED       64


typedef enum {
    CX_EVENT_NONE = 0,
    CX_EVENT_PAGE_VIEW,
    CX_EVENT_FEEDBACK,
    CX_EVENT_EVENT,
    CX_EVENT_PREFETCH
} cx_event_e;


typedef enum {
    CX_EXPERIENCE_NONE = 0,
    CX_EXPERIENCE_POSITIVE,
    CX_EXPERIENCE_NEUTRAL,
    CX_EXPERIENCE_NEGATIVE
} cx_experience_e;


typedef enum {
    CX_SCALE_CSAT = 0,
    CX_SCALE_NPS,
    CX_SCALE_CES,
    CX_SCALE_THUMBS,
    CX_SCALE_N
} cx_scale_e;


/* friction kinds, bit n of cx_line_t.friction, in byte order of the names */
#define CX_FRICTION_N  6
extern const char *cx_friction_names[CX_FRICTION_N];


typedef struct {
    cx_str_t  name;
    cx_str_t  variant;
} cx_line_experiment_t;


/*
 * A string field: "set" 0 when the line has no such key or it is null.
 * Strings point into the line when they have no escape, otherwise into the
 * reader's scratch buffer; either way they live until the next line.
 */
typedef struct {
    cx_event_e             event;
    cx_str_t               ts;
    int64_t                ts_ms;

    unsigned               has_session:1;
    unsigned               has_visitor:1;
    unsigned               has_seq:1;
    unsigned               has_request_ms:1;
    unsigned               has_host:1;
    unsigned               has_touchpoint:1;
    unsigned               has_channel:1;
    unsigned               goal:1;
    unsigned               bot:1;
    unsigned               has_feedback:1;
    unsigned               has_comment:1;
    unsigned               has_feedback_touchpoint:1;

    uint64_t               session;
    uint64_t               visitor[2];
    int64_t                seq;
    int64_t                request_ms;
    cx_str_t               host;
    cx_str_t               touchpoint;
    cx_str_t               channel;
    cx_experience_e        experience;
    unsigned               friction;

    cx_line_experiment_t   experiments[CX_READER_MAX_EXPERIMENTS];
    unsigned               nexperiments;
    cx_str_t               forced[CX_READER_MAX_FORCED];
    unsigned               nforced;

    int64_t                score;
    cx_scale_e             scale;
    cx_str_t               comment;
    cx_str_t               feedback_touchpoint;
} cx_line_t;


typedef struct {
    unsigned char         *scratch;
    size_t                 scratch_size;
    const char            *error;       /* why the last line was invalid */
} cx_reader_t;


int cx_reader_init(cx_reader_t *rd);
void cx_reader_free(cx_reader_t *rd);

/* returns 0 and fills "line" for a valid line, -1 (rd->error) otherwise */
int cx_reader_parse(cx_reader_t *rd, const unsigned char *p, size_t len,
    cx_line_t *line);

/* milliseconds since 1970 of a log timestamp; -1 when it is not one (not
 * its shape, or before 1970), CX_READER_TS_IMPOSSIBLE when it has its shape
 * but a date or time that does not exist (month 13, February 30, 24:00) */
#define CX_READER_TS_IMPOSSIBLE  -2

int64_t cx_reader_ts_ms(const unsigned char *p, size_t len);


#endif /* CX_REPORT_READER_H */
