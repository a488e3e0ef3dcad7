
/*
 * Unit tests of SHA-256 (cx_sha256.c): the FIPS 180-2 appendix B vectors,
 * the empty message, the padding boundaries, and the same digests from the
 * incremental API fed in pieces of every size.
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cx_sha256.h"


#define ABC448  "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
#define ABC896  "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmn" \
                "hijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"

#define ABC448_DIGEST                                                        \
    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
#define ABC896_DIGEST                                                        \
    "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"


static void
hex(const unsigned char digest[CX_SHA256_DIGEST_LEN], char out[65])
{
    int  i;

    for (i = 0; i < CX_SHA256_DIGEST_LEN; i++) {
        snprintf(out + 2 * i, 3, "%02x", digest[i]);
    }
}


static void
assert_digest(const unsigned char *data, size_t len, const char *expected)
{
    char           text[65];
    unsigned char  digest[CX_SHA256_DIGEST_LEN];

    cx_sha256(data, len, digest);
    hex(digest, text);
    assert_string_equal(text, expected);
}


static void
test_fips_vectors(void **state)
{
    assert_digest((const unsigned char *) "abc", 3,
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assert_digest((const unsigned char *) ABC448, sizeof(ABC448) - 1,
                  ABC448_DIGEST);
    assert_digest((const unsigned char *) ABC896, sizeof(ABC896) - 1,
                  ABC896_DIGEST);
    assert_digest((const unsigned char *) "", 0,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}


static void
test_million_a(void **state)
{
    int             i;
    char            text[65];
    cx_sha256_t     ctx;
    unsigned char   digest[CX_SHA256_DIGEST_LEN], chunk[1000];
    static unsigned char  all[1000000];

    memset(all, 'a', sizeof(all));
    assert_digest(all, sizeof(all),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    /* 1000 pieces of 1000 bytes: never a multiple of the block size */
    memset(chunk, 'a', sizeof(chunk));
    cx_sha256_init(&ctx);

    for (i = 0; i < 1000; i++) {
        cx_sha256_update(&ctx, chunk, sizeof(chunk));
    }

    cx_sha256_final(&ctx, digest);
    hex(digest, text);
    assert_string_equal(text,
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}


/* 55 bytes leave room for the length in the last block, 56 do not */
static void
test_padding_boundaries(void **state)
{
    unsigned char  a[120];

    memset(a, 'a', sizeof(a));

    assert_digest(a, 55,
        "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
    assert_digest(a, 56,
        "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
    assert_digest(a, 63,
        "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34");
    assert_digest(a, 64,
        "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
    assert_digest(a, 65,
        "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0");
    assert_digest(a, 119,
        "31eba51c313a5c08226adf18d4a359cfdfd8d2e816b13f4af952f7ea6584dcfb");
    assert_digest(a, 120,
        "2f3d335432c70b580af0e8e1b3674a7c020d683aa5f73aaaedfdc55af904c21c");
}


static void
assert_pieces(const char *message, const char *expected)
{
    char                  text[65];
    size_t                len, split, piece, at, n;
    cx_sha256_t           ctx;
    unsigned char         digest[CX_SHA256_DIGEST_LEN];
    const unsigned char  *m;

    m = (const unsigned char *) message;
    len = strlen(message);

    for (split = 0; split <= len; split++) {
        cx_sha256_init(&ctx);
        cx_sha256_update(&ctx, m, split);
        cx_sha256_update(&ctx, m + split, len - split);
        cx_sha256_final(&ctx, digest);
        hex(digest, text);
        assert_string_equal(text, expected);
    }

    for (piece = 1; piece <= len; piece++) {
        cx_sha256_init(&ctx);

        for (at = 0; at < len; at += n) {
            n = len - at < piece ? len - at : piece;
            cx_sha256_update(&ctx, m + at, n);
        }

        cx_sha256_final(&ctx, digest);
        hex(digest, text);
        assert_string_equal(text, expected);
    }
}


/* the FIPS messages split at every point, then in pieces of every size */
static void
test_update_in_pieces(void **state)
{
    assert_pieces(ABC448, ABC448_DIGEST);
    assert_pieces(ABC896, ABC896_DIGEST);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_fips_vectors),
        cmocka_unit_test(test_million_a),
        cmocka_unit_test(test_padding_boundaries),
        cmocka_unit_test(test_update_in_pieces),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
