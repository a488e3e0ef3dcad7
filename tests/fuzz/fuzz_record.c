
/*
 * Fuzz target of the JSON writer and the journey record: whatever bytes the
 * fields hold, the line is one JSON object in valid UTF-8, within its bound,
 * and byte for byte the line the writer wrote before its fast paths
 * (record_ref.c).  The input is split at NUL bytes into the string fields;
 * its first bytes choose the names, numbers and experiments.
 */


#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "cx_json.h"
#include "cx_record.h"
#include "json_check.h"

#include "cx_agent.h"
#include "cx_beacon.h"
#include "cx_channel.h"
#include "cx_experience.h"
#include "cx_fetch.h"

#include "record_ref.c"


#define FIELDS  24


static void
fail(const char *what, const unsigned char *line, size_t len)
{
    fprintf(stderr, "%s: %.*s\n", what, (int) len, (const char *) line);
    abort();
}


static void
check_string(const unsigned char *data, size_t size)
{
    int             cut, ref_cut;
    size_t          cap, bound, len;
    cx_json_t       json;
    ref_json_t      ref;
    unsigned char  *buf, *ref_buf;

    cap = size ? data[0] : 0;
    bound = cx_json_string_bound(size, cap) + sizeof("{\"s\":}\n");
    buf = malloc(bound);

    cx_json_init(&json, buf, bound - 1);
    cx_json_object_start(&json);
    cx_json_key(&json, "s");
    cut = cx_json_string(&json, data, size, cap);
    cx_json_object_end(&json);

    if (json.overflow) {
        fail("string bound too small", data, size);
    }

    len = cx_json_length(&json);
    buf[len++] = '\n';

    if (json_check_line(buf, len) != NULL) {
        fail(json_check_line(buf, len), buf, len);
    }

    /* the string as the writer of before wrote it, its bytes and its cut */

    ref_buf = malloc(bound);

    ref_json_init(&ref, ref_buf, bound - 1);
    ref_json_object_start(&ref);
    ref_json_key(&ref, "s");
    ref_cut = ref_json_string(&ref, data, size, cap);
    ref_json_object_end(&ref);

    if (cut != ref_cut || ref_json_length(&ref) != len - 1
        || memcmp(ref_buf, buf, len - 1) != 0)
    {
        fail("not the reference's string", buf, len);
    }

    free(ref_buf);
    free(buf);
}


/* a number from the input's first bytes: as the writer of before wrote it */
static void
check_number(const unsigned char *data, size_t size)
{
    double          n;
    unsigned        decimals;
    cx_json_t       json;
    ref_json_t      ref;
    unsigned char   out[64], ref_out[64];

    if (size < sizeof(double) + 1) {
        return;
    }

    memcpy(&n, data + 1, sizeof(double));
    decimals = data[0] % 12;

    /* the raw bits, and as many within the range the writer prints */

    if (data[0] & 0x80) {
        n = fmod(n, 2e9);
    }

    cx_json_init(&json, out, sizeof(out));
    cx_json_number(&json, n, decimals);

    ref_json_init(&ref, ref_out, sizeof(ref_out));
    ref_json_number(&ref, n, decimals);

    if (cx_json_length(&json) != ref_json_length(&ref)
        || memcmp(out, ref_out, cx_json_length(&json)) != 0)
    {
        fprintf(stderr, "reference: %.*s\n", (int) ref_json_length(&ref),
                (const char *) ref_out);
        fail("not the reference's number", out, cx_json_length(&json));
    }
}


/* the same line from the writer of before, or abort; returns its length */
static size_t
check_same(const cx_record_t *rec, const unsigned char *line, size_t len)
{
    size_t          bound, ref_len;
    unsigned char  *ref;

    bound = ref_record_bound(rec);
    ref = malloc(bound);

    ref_len = ref_record_write(rec, ref, bound);

    if (ref_len != len || memcmp(ref, line, len) != 0) {
        fprintf(stderr, "reference: %.*s\n", (int) ref_len,
                (const char *) ref);
        fail("not the reference's line", line, len);
    }

    free(ref);

    return ref_len;
}


/*
 * A buffer just the line's size, where the members at its end find less
 * room than their most and take the checked paths: the same line; and one
 * byte less, no line.  In a buffer of its own, so that ASan sees a byte
 * written past its end.
 */
static void
check_tight(const cx_record_t *rec, size_t len)
{
    size_t          tight_len;
    unsigned char  *tight;

    tight = malloc(len);

    tight_len = cx_record_write(rec, tight, len);
    check_same(rec, tight, tight_len);

    free(tight);

    tight = malloc(len - 1);

    if (cx_record_write(rec, tight, len - 1) != 0) {
        fail("a line one byte larger than its buffer", tight, len - 1);
    }

    free(tight);
}


static void
check_record(const cx_record_t *rec)
{
    size_t          bound, len;
    unsigned char  *line;

    bound = cx_record_bound(rec);

    if (bound > cx_record_bound_max(rec->nvariants)) {
        fail("bound past cx_record_bound_max()", (const unsigned char *) "", 0);
    }

    /* the exact bound, as for a large record, and the worst case */

    line = malloc(cx_record_bound_max(rec->nvariants));

    len = cx_record_write(rec, line, bound);

    if (len == 0) {
        fail("record bound too small", (const unsigned char *) "", 0);
    }

    if (json_check_line(line, len) != NULL) {
        fail(json_check_line(line, len), line, len);
    }

    check_same(rec, line, len);

    len = cx_record_write(rec, line, cx_record_bound_max(rec->nvariants));
    check_same(rec, line, len);

    free(line);

    check_tight(rec, len);
}


static unsigned
byte(const unsigned char *data, size_t size, size_t i)
{
    return i < size ? data[i] : 0;
}


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    size_t                i, nvariants;
    int64_t               sec;
    cx_str_t              fields[FIELDS];
    cx_record_t           rec;
    unsigned char         location[CX_RECORD_LOCATION_LEN];
    const unsigned char  *p, *end, *nul;
    cx_record_variant_t   variants[3];

    check_string(data, size);
    check_number(data, size);

    memset(&rec, 0, sizeof(rec));
    memset(fields, 0, sizeof(fields));

    p = data;
    end = data + size;

    for (i = 0; i < FIELDS && p <= end; i++) {
        nul = memchr(p, '\0', end - p);
        fields[i].data = p;
        fields[i].len = (nul ? nul : end) - p;
        p += fields[i].len + 1;
    }

    rec.event = size % 4;
    rec.speculation = cx_fetch_name(size % 8 < 4 ? CX_FETCH_PREFETCH
                                                 : CX_FETCH_PRERENDER);
    rec.start_sec = (int64_t) size * 7919;
    rec.start_msec = size % 1000;
    rec.host = fields[0];
    rec.method = fields[1];
    rec.path = fields[2];
    rec.query = fields[3];
    rec.referrer = fields[4];
    rec.visitor = fields[5];
    rec.session = fields[6];
    rec.prev_touchpoint = fields[7];
    rec.touchpoint = fields[8];
    rec.source = fields[9];
    rec.medium = fields[10];
    rec.campaign = fields[11];
    rec.term = fields[12];
    rec.content = fields[13];
    rec.country = fields[14];
    rec.region = fields[15];
    rec.city = fields[16];
    rec.as_org = fields[17];
    rec.ip = fields[18];
    rec.comment = fields[19];
    rec.feedback_touchpoint = fields[20];
    rec.name = fields[21];
    rec.status = size % 600;
    rec.bytes = size;
    rec.request_ms = size % 2 ? CX_NONE : (int64_t) size;
    rec.upstream_ms = size % 5 ? CX_NONE : -(int64_t) size;
    rec.consent = size % 3;

    /* the first bytes: the names, the numbers, the experiments */

    rec.channel = cx_channel_name(byte(data, size, 0) % CX_CHANNEL_COUNT);
    rec.device = cx_device_name(byte(data, size, 1) % CX_DEVICE_COUNT);
    rec.browser = cx_browser_name(byte(data, size, 2) % CX_BROWSER_COUNT);
    rec.os = cx_os_name(byte(data, size, 3) % CX_OS_COUNT);
    rec.experience = byte(data, size, 4) & 0x80
                     ? NULL : cx_experience_name(byte(data, size, 4) % 4);
    rec.friction = byte(data, size, 5);
    rec.scale = cx_scale_name(byte(data, size, 6) % CX_SCALE_COUNT);
    rec.bot = (int) (byte(data, size, 7) % 3) - 1;
    rec.new_visitor = (int) (byte(data, size, 8) % 3) - 1;
    rec.new_session = (int) (byte(data, size, 9) % 3) - 1;
    rec.landing = (int) (byte(data, size, 10) % 3) - 1;
    rec.goal = byte(data, size, 11) & 1;
    rec.has_location = byte(data, size, 12) & 1;
    rec.lat = ((int) byte(data, size, 13) - 128) * 0.7071234567
              / (1 + byte(data, size, 25) % 16);
    rec.lon = ((int) byte(data, size, 14) - 128) * 1.4142345678
              * (1 + byte(data, size, 26));
    rec.asn = byte(data, size, 15) & 1 ? CX_NONE
                                       : (int64_t) byte(data, size, 15) << 20;
    rec.score = byte(data, size, 16) % 12;
    rec.value = ((int) byte(data, size, 17) - 128) / 7.0
                * (byte(data, size, 27) & 1 ? 1e7 + byte(data, size, 28) : 1);
    rec.has_value = byte(data, size, 18) & 1;
    rec.session_index = byte(data, size, 19);
    rec.seq = byte(data, size, 20) & 1 ? CX_NONE : byte(data, size, 20);
    rec.since_prev_ms = (int64_t) byte(data, size, 21) * 100003;

    nvariants = byte(data, size, 22) % 4;

    for (i = 0; i < nvariants; i++) {
        variants[i].experiment = fields[(i + 5) % FIELDS];
        variants[i].variant = fields[(i + 9) % FIELDS];
        variants[i].forced = (byte(data, size, 23) >> i) & 1;

        /* names from nginx.conf: never without their bytes */

        if (variants[i].experiment.data == NULL) {
            variants[i].experiment.data = (const unsigned char *) "";
        }

        if (variants[i].variant.data == NULL) {
            variants[i].variant.data = (const unsigned char *) "";
        }
    }

    rec.variants = variants;
    rec.nvariants = nvariants;

    check_record(&rec);

    /* a place's lat and lon as the text kept with it: the same line */

    if (rec.has_location) {
        rec.location.len = cx_record_location(location, rec.lat, rec.lon);
        rec.location.data = location;
        check_record(&rec);
    }

    /* the same second again, a millisecond later, then a second later */

    rec.start_msec = (rec.start_msec + 1) % 1000;
    check_record(&rec);

    sec = byte(data, size, 24) ? 1796107632 + byte(data, size, 24) : 0;
    rec.start_sec = sec;
    check_record(&rec);

    return 0;
}
