
/*
 * Unit tests of cx_prefix.c: the literal of "^literal" regexes, and the
 * compare that replaces them, against PCRE2 itself compiled as ngx_regex
 * compiles a rule (no options, or PCRE2_CASELESS for "~*") on fuzzed
 * patterns and paths.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cx_prefix.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })

#define FUZZ_PATTERNS  20000
#define FUZZ_PATHS     24
#define FUZZ_MAX       24


static uint64_t  fuzz_state = 0x9e3779b97f4a7c15u;


static uint32_t
fuzz_next(void)
{
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 7;
    fuzz_state ^= fuzz_state << 17;

    return (uint32_t) (fuzz_state >> 32);
}


static void
assert_literal(const char *pattern, const char *expect)
{
    size_t          n;
    cx_str_t        p;
    unsigned char   out[64];

    p.data = (const unsigned char *) pattern;
    p.len = strlen(pattern);

    n = cx_prefix_literal(out, p);

    if (expect == NULL) {
        assert_true(n == CX_PREFIX_NONE);
        return;
    }

    assert_int_equal(n, strlen(expect));
    assert_memory_equal(out, expect, n);
}


static void
test_literal(void **state)
{
    assert_literal("^/product/", "/product/");
    assert_literal("^/cart", "/cart");
    assert_literal("^", "");
    assert_literal("^/a\\.b\\-c\\/", "/a.b-c/");
    assert_literal("^/a b#c", "/a b#c");

    assert_literal("/product/", NULL);
    assert_literal("", NULL);
    assert_literal("^/cart$", NULL);
    assert_literal("^/(help|faq)/", NULL);
    assert_literal("^/a.b", NULL);
    assert_literal("^/a[bc]", NULL);
    assert_literal("^/ab?", NULL);
    assert_literal("^/ab*", NULL);
    assert_literal("^/ab+", NULL);
    assert_literal("^/a{2}", NULL);
    assert_literal("^/a]", NULL);
    assert_literal("^/a^", NULL);
    assert_literal("^/a\\d", NULL);
    assert_literal("^/a\\1", NULL);
    assert_literal("^/a\\Qb", NULL);
    assert_literal("^/a\\", NULL);
    assert_literal("^/caf\xc3\xa9", NULL);
    assert_literal("^/a\tb", NULL);
}


static void
test_match(void **state)
{
    assert_true(cx_prefix_match(str("/cart"), 0, str("/cart")));
    assert_true(cx_prefix_match(str("/cart"), 0, str("/cart/x")));
    assert_true(cx_prefix_match(str(""), 0, str("")));
    assert_false(cx_prefix_match(str("/cart"), 0, str("/car")));
    assert_false(cx_prefix_match(str("/cart"), 0, str("/CART")));
    assert_true(cx_prefix_match(str("/cart"), 1, str("/CaRt/1")));
    assert_false(cx_prefix_match(str("/c@rt"), 1, str("/c`rt")));
    assert_false(cx_prefix_match(str("/[x"), 1, str("/{x")));
}


/* a pattern or path from bytes that matter to either side */
static size_t
fuzz_bytes(unsigned char *out, const unsigned char *from, size_t from_len)
{
    static const char  alphabet[] = "aAzZbB/-_.~%\\^$[]()|?*+{}#: 0q\xc3\xa9";

    size_t    i, n;
    uint32_t  r;

    n = fuzz_next() % FUZZ_MAX;

    for (i = 0; i < n; i++) {
        r = fuzz_next();

        if (from_len && r % 4 != 0) {
            /* mostly the literal, some of it flipped in case */
            out[i] = from[i % from_len];

            if (r % 8 == 1) {
                out[i] ^= 0x20;
            }

        } else if (r % 16 == 4) {
            out[i] = (unsigned char) (fuzz_next() & 0xff);

        } else {
            out[i] = alphabet[fuzz_next() % (sizeof(alphabet) - 1)];
        }
    }

    return n;
}


static void
test_against_pcre2(void **state)
{
    int                  caseless, errcode, rc, literals;
    size_t               i, j, n, errofs, len;
    cx_str_t             prefix, path;
    pcre2_code          *re;
    unsigned char        pattern[FUZZ_MAX + 1], literal[FUZZ_MAX + 1];
    unsigned char        subject[FUZZ_MAX];
    pcre2_match_data    *md;

    literals = 0;

    for (i = 0; i < FUZZ_PATTERNS; i++) {
        caseless = fuzz_next() % 2;

        pattern[0] = '^';
        n = 1 + fuzz_bytes(pattern + 1, NULL, 0);

        if (fuzz_next() % 8 == 0) {
            pattern[0] = 'a';
        }

        len = cx_prefix_literal(literal, (cx_str_t) { pattern, n });

        re = pcre2_compile(pattern, n, caseless ? PCRE2_CASELESS : 0,
                           &errcode, &errofs, NULL);

        if (re == NULL) {
            /* what PCRE2 refuses, nginx -t refuses first */
            assert_true(len == CX_PREFIX_NONE);
            continue;
        }

        if (len == CX_PREFIX_NONE) {
            pcre2_code_free(re);
            continue;
        }

        literals++;
        prefix.data = literal;
        prefix.len = len;

        md = pcre2_match_data_create_from_pattern(re, NULL);
        assert_non_null(md);

        for (j = 0; j < FUZZ_PATHS; j++) {
            path.data = subject;
            path.len = fuzz_bytes(subject, literal, len);

            rc = pcre2_match(re, path.data, path.len, 0, 0, md, NULL);
            assert_true(rc >= 0 || rc == PCRE2_ERROR_NOMATCH);

            if ((rc >= 0) != cx_prefix_match(prefix, caseless, path)) {
                fail_msg("\"%.*s\" (caseless %d) on \"%.*s\": pcre2 %d",
                         (int) n, pattern, caseless, (int) path.len,
                         path.data, rc);
            }
        }

        pcre2_match_data_free(md);
        pcre2_code_free(re);
    }

    /* the fuzzing reached the literals it is about */
    assert_true(literals > FUZZ_PATTERNS / 20);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_literal),
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_against_pcre2),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
