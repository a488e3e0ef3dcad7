
/*
 * Unit tests of the journey's state machine (cx_session.c).
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cx_bytes.h"
#include "cx_session.h"
#include "cx_siphash.h"


#define MINUTE  60000ULL
#define T0      1796107632000ULL


static const unsigned char  random_bytes[CX_SESSION_RANDOM_LEN] = {
    0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17,
    0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f,
    0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27
};


static const unsigned char  session_key[16] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
    0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f
};


static cx_session_input_t
input(uint64_t now_ms, uint32_t path, uint32_t campaign)
{
    cx_session_input_t  in;

    in.now_ms = now_ms;
    in.timeout_ms = 30 * MINUTE;
    in.path_hash = path;
    in.campaign = campaign;
    in.random = random_bytes;
    in.key = session_key;

    return in;
}


/* SipHash-2-4 of visitor, session and the new index (big-endian) */
static const unsigned char *
expected_next(const cx_cookie_state_t *prev, uint16_t index)
{
    static unsigned char  id[8];
    unsigned char         text[26];

    memcpy(text, prev->visitor, 16);
    memcpy(text + 16, prev->session, 8);
    text[24] = (unsigned char) (index >> 8);
    text[25] = (unsigned char) index;

    cx_bytes_put_le64(id, cx_siphash24(session_key, text, sizeof(text)));

    return id;
}


static cx_cookie_state_t
returning(void)
{
    cx_cookie_state_t  st;

    memset(&st, 0, sizeof(st));
    memset(st.visitor, 0xaa, sizeof(st.visitor));
    memset(st.session, 0xbb, sizeof(st.session));
    st.session_start = (uint32_t) (T0 / 1000);
    st.last_seen_ms = T0;
    st.session_index = 3;
    st.seq = 7;
    st.path_hash[0] = 111;
    st.path_hash[1] = 222;
    st.touchpoint = 333;
    st.channel = 4;
    st.campaign = 555;
    st.experience = 0x3d;
    st.repeat = 2;
    st.nforced = 1;
    st.forced[0].experiment = 9;
    st.forced[0].variant = 10;

    return st;
}


static void
test_new_visitor(void **state)
{
    cx_cookie_state_t    next;
    cx_session_input_t   in;
    cx_session_result_t  res;

    in = input(T0, 42, 0);
    cx_session_advance(NULL, &in, &next, &res);

    assert_true(res.new_visitor);
    assert_true(res.new_session);
    assert_true(res.since_prev_ms == CX_NONE);
    assert_memory_equal(next.visitor, random_bytes, 16);
    assert_memory_equal(next.session, random_bytes + 16, 8);
    assert_int_equal(next.session_index, 1);
    assert_int_equal(next.seq, 1);
    assert_int_equal(next.session_start, T0 / 1000);
    assert_true(next.last_seen_ms == T0);
    assert_int_equal(next.path_hash[0], 42);
    assert_int_equal(next.path_hash[1], 0);
    assert_int_equal(next.nforced, 0);
}


static void
test_same_session_goes_on(void **state)
{
    cx_cookie_state_t    prev, next;
    cx_session_input_t   in;
    cx_session_result_t  res;

    prev = returning();
    in = input(T0 + 29 * MINUTE, 444, 0);
    cx_session_advance(&prev, &in, &next, &res);

    assert_false(res.new_visitor);
    assert_false(res.new_session);
    assert_true(res.since_prev_ms == (int64_t) (29 * MINUTE));
    assert_memory_equal(next.session, prev.session, 8);
    assert_int_equal(next.session_index, 3);
    assert_int_equal(next.seq, 8);
    assert_true(next.last_seen_ms == T0 + 29 * MINUTE);
    assert_int_equal(next.path_hash[0], 444);
    assert_int_equal(next.path_hash[1], 111);
    assert_int_equal(next.session_start, prev.session_start);

    /* what later pages need is carried along */
    assert_int_equal(next.touchpoint, 333);
    assert_int_equal(next.channel, 4);
    assert_int_equal(next.experience, 0x3d);
    assert_int_equal(next.nforced, 1);
}


static void
test_timeout_starts_a_session(void **state)
{
    cx_cookie_state_t    prev, next;
    cx_session_input_t   in;
    cx_session_result_t  res;

    prev = returning();
    prev.flags = CX_COOKIE_GOAL;
    in = input(T0 + 31 * MINUTE, 444, 0);
    cx_session_advance(&prev, &in, &next, &res);

    assert_false(res.new_visitor);
    assert_true(res.new_session);
    assert_true(res.since_prev_ms == CX_NONE);
    assert_memory_equal(next.visitor, prev.visitor, 16);
    assert_memory_equal(next.session, expected_next(&prev, 4), 8);
    assert_int_equal(next.session_index, 4);
    assert_int_equal(next.seq, 1);
    assert_int_equal(next.session_start, (T0 + 31 * MINUTE) / 1000);
    assert_int_equal(next.path_hash[0], 444);
    assert_int_equal(next.path_hash[1], 0);
    assert_int_equal(next.touchpoint, 0);
    assert_int_equal(next.channel, 0);
    assert_int_equal(next.experience, 0);
    assert_int_equal(next.repeat, 0);
    assert_int_equal(next.campaign, 0);

    /* a goal in the session that ended: loyal from now on */
    assert_int_equal(next.flags, CX_COOKIE_LOYAL);

    /* forced variants belong to the visitor */
    assert_int_equal(next.nforced, 1);
}


static void
test_exactly_the_timeout_is_the_same_session(void **state)
{
    cx_cookie_state_t    prev, next;
    cx_session_input_t   in;
    cx_session_result_t  res;

    prev = returning();
    in = input(T0 + 30 * MINUTE, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);

    assert_false(res.new_session);
    assert_int_equal(next.seq, 8);
}


static void
test_campaign(void **state)
{
    cx_cookie_state_t    prev, next;
    cx_session_input_t   in;
    cx_session_result_t  res;

    prev = returning();

    /* the session's own campaign, and none at all, keep the session */
    in = input(T0 + MINUTE, 1, 555);
    cx_session_advance(&prev, &in, &next, &res);
    assert_false(res.new_session);

    in = input(T0 + MINUTE, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    assert_false(res.new_session);
    assert_int_equal(next.campaign, 555);

    /* another one starts a session that remembers it */
    in = input(T0 + MINUTE, 1, 777);
    cx_session_advance(&prev, &in, &next, &res);
    assert_true(res.new_session);
    assert_int_equal(next.session_index, 4);
    assert_int_equal(next.campaign, 777);
}


static void
test_clock_behind_and_saturation(void **state)
{
    cx_cookie_state_t    prev, next;
    cx_session_input_t   in;
    cx_session_result_t  res;

    /* another node's clock ran ahead: no new session, no negative time */
    prev = returning();
    in = input(T0 - 20000, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    assert_false(res.new_session);
    assert_true(res.since_prev_ms == 0);

    prev.seq = UINT16_MAX;
    in = input(T0 + 1, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    assert_int_equal(next.seq, UINT16_MAX);

    prev.session_index = UINT16_MAX;
    in = input(T0 + 31 * MINUTE, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    assert_int_equal(next.session_index, UINT16_MAX);
}


/*
 * Every request sent with the same cookie names the same next session: the
 * page view that starts it, API calls and assets before or after it, at any
 * time after the timeout, on any node.  No random byte is read.
 */
static void
test_next_session_is_the_cookies(void **state)
{
    cx_cookie_state_t    prev, other, next, again;
    cx_session_input_t   in;
    cx_session_result_t  res;
    unsigned char        id[8];

    static const unsigned char  pinned[8] = {
        0xa1, 0x2c, 0xc7, 0x56, 0x54, 0xb6, 0xd3, 0x6c
    };

    prev = returning();

    in = input(T0 + 31 * MINUTE, 1, 0);
    in.random = NULL;
    cx_session_advance(&prev, &in, &next, &res);
    assert_true(res.new_session);

    in = input(T0 + 300 * MINUTE, 2, 0);
    in.random = NULL;
    cx_session_advance(&prev, &in, &again, &res);
    assert_true(res.new_session);

    assert_memory_equal(next.session, again.session, 8);
    assert_memory_not_equal(next.session, prev.session, 8);
    assert_memory_equal(next.session, expected_next(&prev, 4), 8);

    /* a wire format: nodes of two versions must agree */
    cx_session_next_id(&prev, 4, session_key, id);
    assert_memory_equal(id, pinned, 8);

    /* a new campaign within the timeout starts that same next session */
    in = input(T0 + MINUTE, 1, 777);
    in.random = NULL;
    cx_session_advance(&prev, &in, &again, &res);
    assert_true(res.new_session);
    assert_memory_equal(again.session, next.session, 8);

    /* the session after it is another one, and so is another visitor's */
    in = input(T0 + 62 * MINUTE, 1, 0);
    in.random = NULL;
    cx_session_advance(&next, &in, &again, &res);
    assert_int_equal(again.session_index, 5);
    assert_memory_not_equal(again.session, next.session, 8);

    other = prev;
    other.visitor[15] ^= 1;
    in = input(T0 + 31 * MINUTE, 1, 0);
    in.random = NULL;
    cx_session_advance(&other, &in, &again, &res);
    assert_memory_not_equal(again.session, next.session, 8);

    /* another secret, other ids */
    in.key = random_bytes;
    cx_session_advance(&prev, &in, &again, &res);
    assert_memory_not_equal(again.session, next.session, 8);

    /* a saturated index still gives each old session its own successor */
    prev.session_index = UINT16_MAX;
    other = prev;
    other.session[0] ^= 1;
    in = input(T0 + 31 * MINUTE, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    cx_session_advance(&other, &in, &again, &res);
    assert_int_equal(next.session_index, UINT16_MAX);
    assert_memory_not_equal(again.session, next.session, 8);
}


/*
 * A cookie of ours from a node whose clock runs more than the allowed skew
 * ahead: the visitor stays, the session starts again from this node's time.
 */
static void
test_cookie_ahead_starts_a_session(void **state)
{
    cx_cookie_state_t    prev, next;
    cx_session_input_t   in;
    cx_session_result_t  res;

    prev = returning();
    prev.flags = CX_COOKIE_GOAL;
    in = input(T0 - 5 * MINUTE, 444, 0);
    in.random = NULL;
    cx_session_advance(&prev, &in, &next, &res);

    assert_false(res.new_visitor);
    assert_true(res.new_session);
    assert_true(res.since_prev_ms == CX_NONE);
    assert_memory_equal(next.visitor, prev.visitor, 16);
    assert_memory_equal(next.session, expected_next(&prev, 4), 8);
    assert_int_equal(next.session_index, 4);
    assert_int_equal(next.seq, 1);
    assert_int_equal(next.session_start, (T0 - 5 * MINUTE) / 1000);
    assert_true(next.last_seen_ms == T0 - 5 * MINUTE);
    assert_int_equal(next.path_hash[0], 444);
    assert_int_equal(next.path_hash[1], 0);
    assert_int_equal(next.flags, CX_COOKIE_LOYAL);
    assert_int_equal(next.nforced, 1);

    /* up to the allowed skew it is the same session */
    in = input(T0 - CX_COOKIE_CLOCK_SKEW, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    assert_false(res.new_session);
    assert_int_equal(next.seq, 8);

    in = input(T0 - CX_COOKIE_CLOCK_SKEW - 1, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    assert_true(res.new_session);

    /* a session start ahead of its last page view is no time either */
    prev = returning();
    prev.session_start = (uint32_t) (T0 / 1000) + 1;
    in = input(T0 + MINUTE, 1, 0);
    cx_session_advance(&prev, &in, &next, &res);
    assert_true(res.new_session);
    assert_int_equal(next.session_start, (T0 + MINUTE) / 1000);
}


static void
test_hex(void **state)
{
    unsigned char  out[8];
    unsigned char  in[4] = { 0x00, 0x9f, 0xa0, 0xff };

    cx_session_hex(out, in, 4);
    assert_memory_equal(out, "009fa0ff", 8);
}


/*
 * Every byte value, and random bytes of 0 to 64 at every alignment, against
 * snprintf's "%02x"; nothing is written past 2n.
 */
static void
test_hex_all(void **state)
{
    size_t         n, i, at;
    uint64_t       x;
    unsigned char  in[8 + 256], out[2 * 256 + 16];
    char           expect[2 * 256 + 1];

    for (i = 0; i < 256; i++) {
        in[i] = (unsigned char) i;
        snprintf(expect + 2 * i, 3, "%02x", (unsigned) i);
    }

    cx_session_hex(out, in, 256);
    assert_memory_equal(out, expect, 512);

    x = 0x2545f4914f6cdd1dULL;

    for (n = 0; n <= 64; n++) {
        for (at = 0; at < 8; at++) {
            for (i = 0; i < n; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                in[at + i] = (unsigned char) x;
                snprintf(expect + 2 * i, 3, "%02x", (unsigned) in[at + i]);
            }

            memset(out, '#', sizeof(out));
            cx_session_hex(out + at, in + at, n);
            assert_memory_equal(out + at, expect, 2 * n);
            assert_int_equal(out[at + 2 * n], '#');
        }
    }
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_new_visitor),
        cmocka_unit_test(test_same_session_goes_on),
        cmocka_unit_test(test_timeout_starts_a_session),
        cmocka_unit_test(test_exactly_the_timeout_is_the_same_session),
        cmocka_unit_test(test_campaign),
        cmocka_unit_test(test_clock_behind_and_saturation),
        cmocka_unit_test(test_next_session_is_the_cookies),
        cmocka_unit_test(test_cookie_ahead_starts_a_session),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_hex_all),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
