
/*
 * Fuzz target of the JSON writer and the journey record: whatever bytes the
 * fields hold, the line is one JSON object in valid UTF-8, within its bound.
 * The input is split at NUL bytes into host, method, path, query, referrer.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cx_json.h"
#include "cx_record.h"
#include "json_check.h"


static void
fail(const char *what, const unsigned char *line, size_t len)
{
    fprintf(stderr, "%s: %.*s\n", what, (int) len, (const char *) line);
    abort();
}


static void
check_string(const unsigned char *data, size_t size)
{
    size_t          cap, bound, len;
    cx_json_t       json;
    unsigned char  *buf;

    cap = size ? data[0] : 0;
    bound = cx_json_string_bound(size, cap) + sizeof("{\"s\":}\n");
    buf = malloc(bound);

    cx_json_init(&json, buf, bound - 1);
    cx_json_object_start(&json);
    cx_json_key(&json, "s");
    cx_json_string(&json, data, size, cap);
    cx_json_object_end(&json);

    if (json.overflow) {
        fail("string bound too small", data, size);
    }

    len = cx_json_length(&json);
    buf[len++] = '\n';

    if (json_check_line(buf, len) != NULL) {
        fail(json_check_line(buf, len), buf, len);
    }

    free(buf);
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t                i, bound, len;
    cx_str_t              fields[5];
    cx_record_t           rec;
    unsigned char        *line;
    const unsigned char  *p, *end, *nul;

    check_string(data, size);

    memset(&rec, 0, sizeof(rec));
    memset(fields, 0, sizeof(fields));

    p = data;
    end = data + size;

    for (i = 0; i < 5 && p <= end; i++) {
        nul = memchr(p, '\0', end - p);
        fields[i].data = p;
        fields[i].len = (nul ? nul : end) - p;
        p += fields[i].len + 1;
    }

    rec.event = size % 4;
    rec.speculation = size % 8 < 4 ? "prefetch" : "prerender";
    rec.start_sec = (int64_t) size * 7919;
    rec.start_msec = size % 1000;
    rec.host = fields[0];
    rec.method = fields[1];
    rec.path = fields[2];
    rec.query = fields[3];
    rec.referrer = fields[4];
    rec.status = size % 600;
    rec.bytes = size;
    rec.request_ms = size % 2 ? CX_NONE : (int64_t) size;
    rec.upstream_ms = size % 5 ? CX_NONE : -(int64_t) size;
    rec.consent = size % 3;

    bound = cx_record_bound(&rec);
    line = malloc(bound);

    len = cx_record_write(&rec, line, bound);

    if (len == 0) {
        fail("record bound too small", data, size);
    }

    if (json_check_line(line, len) != NULL) {
        fail(json_check_line(line, len), line, len);
    }

    free(line);

    return 0;
}
