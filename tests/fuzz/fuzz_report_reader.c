
/*
 * Fuzz target of cx-report's line reader.  Whatever the bytes, the reader
 * either refuses the line with a reason or gives fields that lie in the
 * line or its scratch, a timestamp of the log's shape, ids and counts in
 * their ranges.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_report_reader.h"


static cx_reader_t  rd;
static int          ready;


static void
check_inside(cx_str_t s, const unsigned char *data, size_t size)
{
    int  in_line, in_scratch;

    if (s.len == 0) {
        return;
    }

    in_line = s.data >= data && s.len <= size
              && (size_t) (s.data - data) <= size - s.len;
    in_scratch = s.data >= rd.scratch && s.len <= rd.scratch_size
                 && (size_t) (s.data - rd.scratch) <= rd.scratch_size - s.len;

    if (!in_line && !in_scratch) {
        abort();
    }
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    unsigned    i;
    cx_line_t   line;

    if (!ready) {
        if (cx_reader_init(&rd) != 0) {
            abort();
        }
        ready = 1;
    }

    if (cx_reader_parse(&rd, data, size, &line) != 0) {
        if (rd.error == NULL || strlen(rd.error) == 0) {
            abort();
        }
        return 0;
    }

    if (line.event < CX_EVENT_PAGE_VIEW || line.event > CX_EVENT_PREFETCH
        || line.ts.len != 24 || line.ts_ms < 0
        || cx_reader_ts_ms(line.ts.data, line.ts.len) != line.ts_ms
        || (line.has_seq && line.seq < 1)
        || (line.has_request_ms && line.request_ms < 0)
        || line.friction >= (1u << CX_FRICTION_N)
        || line.experience > CX_EXPERIENCE_NEGATIVE
        || line.nexperiments > CX_READER_MAX_EXPERIMENTS
        || line.nforced > CX_READER_MAX_FORCED
        || (line.has_feedback && (line.score < 0 || line.score > 10
                                  || line.scale >= CX_SCALE_N)))
    {
        abort();
    }

    check_inside(line.ts, data, size);
    check_inside(line.host, data, size);
    check_inside(line.touchpoint, data, size);
    check_inside(line.channel, data, size);
    /* what a feedback line alone has is set for it alone */
    if (line.has_feedback && line.has_comment) {
        check_inside(line.comment, data, size);
    }

    if (line.has_feedback && line.has_feedback_touchpoint) {
        check_inside(line.feedback_touchpoint, data, size);
    }

    for (i = 0; i < line.nexperiments; i++) {
        check_inside(line.experiments[i].name, data, size);
        check_inside(line.experiments[i].variant, data, size);
        if (line.experiments[i].name.len == 0
            || line.experiments[i].variant.len == 0)
        {
            abort();
        }
    }

    for (i = 0; i < line.nforced; i++) {
        check_inside(line.forced[i], data, size);
    }

    return 0;
}
