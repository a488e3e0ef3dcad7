
/*
 * For tests/report_reader_check.py: reads lines on stdin and writes, for
 * each, "invalid" or the fields cx-report's reader picked out, as one
 * JSON object, so that Python's json module can be held against it.
 */


#define _POSIX_C_SOURCE  200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_report.h"


static void
dump_str(int set, cx_str_t s)
{
    if (!set) {
        fputs("null", stdout);
        return;
    }

    cx_out_json_string(stdout, (const char *) s.data, s.len);
}


static void
dump(cx_line_t *l)
{
    unsigned            i;
    static const char  *events[] = { "", "page_view", "feedback", "event",
                                     "prefetch" };
    static const char  *exp[] = { "null", "\"positive\"", "\"neutral\"",
                                  "\"negative\"" };

    printf("{\"event\":\"%s\",\"ts\":", events[l->event]);
    dump_str(1, l->ts);

    if (l->has_session) {
        printf(",\"session\":\"%016llx\"", (unsigned long long) l->session);
    } else {
        fputs(",\"session\":null", stdout);
    }

    if (l->has_visitor) {
        printf(",\"visitor\":\"%016llx%016llx\"",
               (unsigned long long) l->visitor[0],
               (unsigned long long) l->visitor[1]);
    } else {
        fputs(",\"visitor\":null", stdout);
    }

    if (l->has_seq) {
        printf(",\"seq\":%lld", (long long) l->seq);
    } else {
        fputs(",\"seq\":null", stdout);
    }

    if (l->has_request_ms) {
        printf(",\"request_ms\":%lld", (long long) l->request_ms);
    } else {
        fputs(",\"request_ms\":null", stdout);
    }

    fputs(",\"host\":", stdout);
    dump_str(l->has_host, l->host);
    fputs(",\"touchpoint\":", stdout);
    dump_str(l->has_touchpoint, l->touchpoint);
    fputs(",\"channel\":", stdout);
    dump_str(l->has_channel, l->channel);
    printf(",\"experience\":%s,\"goal\":%s,\"bot\":%s,\"experiments\":[",
           exp[l->experience], l->goal ? "true" : "false",
           l->bot ? "true" : "false");

    for (i = 0; i < l->nexperiments; i++) {
        fputs(i ? ",[" : "[", stdout);
        dump_str(1, l->experiments[i].name);
        fputc(',', stdout);
        dump_str(1, l->experiments[i].variant);
        fputc(']', stdout);
    }

    fputs("],\"forced\":[", stdout);

    for (i = 0; i < l->nforced; i++) {
        fputs(i ? "," : "", stdout);
        dump_str(1, l->forced[i]);
    }

    fputs("],\"friction\":[", stdout);

    for (i = 0; i < CX_FRICTION_N; i++) {
        if (l->friction & (1u << i)) {
            printf("%s\"%s\"", (l->friction & ((1u << i) - 1)) ? "," : "",
                   cx_friction_names[i]);
        }
    }

    fputs("],\"feedback\":", stdout);

    if (l->has_feedback) {
        printf("{\"score\":%lld,\"scale\":\"%s\",\"comment\":",
               (long long) l->score, cx_scale_label[l->scale]);
        dump_str(l->has_comment, l->comment);
        fputs(",\"touchpoint\":", stdout);
        dump_str(l->has_feedback_touchpoint, l->feedback_touchpoint);
        fputc('}', stdout);
    } else {
        fputs("null", stdout);
    }

    fputs("}\n", stdout);
}


int
main(void)
{
    char         *buf;
    size_t        cap;
    ssize_t       len;
    cx_line_t     line;
    cx_reader_t   rd;

    buf = NULL;
    cap = 0;

    if (cx_reader_init(&rd) != 0) {
        return 1;
    }

    while ((len = getline(&buf, &cap, stdin)) != -1) {
        if (len > 0 && buf[len - 1] == '\n') {
            len--;
        }

        if (cx_reader_parse(&rd, (unsigned char *) buf, (size_t) len, &line)
            != 0)
        {
            puts("invalid");
            continue;
        }

        dump(&line);
    }

    free(buf);
    cx_reader_free(&rd);

    return 0;
}
