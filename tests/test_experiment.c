
/*
 * Unit tests of sticky A/B assignment (cx_experiment.c).  The buckets, the
 * ranges and the variants of edge buckets expected here are what
 * @growthbook/growthbook 1.8.0 computes (its hash(), getBucketRanges() and
 * chooseVariation(), fed weights / sum and coverage sum / 10000):
 * tests/growthbook/compare.js checks the same against GrowthBook.run().
 */


#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "cx_experiment.h"
#include "cx_hash.h"


#define str(s)  ((cx_str_t) { (const unsigned char *) (s), sizeof(s) - 1 })
#define count(a)  (sizeof(a) / sizeof((a)[0]))

#define CHECKOUT_VISITOR  "3f2a9c4e7b1d4f6a8e5c0b9d2a7f6e13"


typedef struct {
    uint32_t  bucket;
    int       variant;
} edge_t;


typedef struct {
    const char  *name;
    uint32_t     weights[CX_EXPERIMENT_MAX_VARIANTS];
    size_t       n;
    int          rest_index;
    double       start[CX_EXPERIMENT_MAX_VARIANTS];
    double       end[CX_EXPERIMENT_MAX_VARIANTS];
    edge_t       edges[20];
    size_t       nedges;
} shape_t;


static const shape_t  shapes[] = {

    { "50/50", { 5000, 5000 }, 2, -1,
      { 0, 0.5 }, { 0.5, 1 },
      { { 0, 0 }, { 1, 0 }, { 4999, 0 }, { 5000, 1 }, { 5001, 1 },
        { 9999, 1 } }, 6 },

    { "33.33/33.33/*", { 3333, 3333, 0 }, 3, 2,
      { 0, 0.3333, 0.6666 }, { 0.3333, 0.6666, 1 },
      { { 0, 0 }, { 3332, 0 }, { 3333, 1 }, { 6665, 1 }, { 6666, 2 },
        { 9999, 2 } }, 6 },

    /* 0.1 + 0.2 is 0.30000000000000004 in JS too: bucket 3000 goes to v1 */
    { "10/20/70", { 1000, 2000, 7000 }, 3, -1,
      { 0, 0.1, 0.30000000000000004 }, { 0.1, 0.30000000000000004, 1 },
      { { 999, 0 }, { 1000, 1 }, { 2999, 1 }, { 3000, 1 }, { 3001, 2 },
        { 9999, 2 } }, 6 },

    /* coverage 0.6 over 1/6, 2/6, 3/6: gaps nobody is in */
    { "10/20/30", { 1000, 2000, 3000 }, 3, -1,
      { 0, 0.16666666666666666, 0.5 },
      { 0.09999999999999999, 0.36666666666666664, 0.8 },
      { { 0, 0 }, { 999, 0 }, { 1000, -1 }, { 1666, -1 }, { 1667, 1 },
        { 3666, 1 }, { 3667, -1 }, { 4999, -1 }, { 5000, 2 }, { 7999, 2 },
        { 8000, -1 }, { 9999, -1 } }, 12 },

    { "1/99", { 100, 9900 }, 2, -1,
      { 0, 0.01 }, { 0.01, 1 },
      { { 0, 0 }, { 99, 0 }, { 100, 1 }, { 9999, 1 } }, 4 },

    { "12.5/17.5/20/25/*", { 1250, 1750, 2000, 2500, 0 }, 5, 4,
      { 0, 0.125, 0.3, 0.5, 0.75 }, { 0.125, 0.3, 0.5, 0.75, 1 },
      { { 1249, 0 }, { 1250, 1 }, { 2999, 1 }, { 3000, 2 }, { 4999, 2 },
        { 5000, 3 }, { 7499, 3 }, { 7500, 4 }, { 9999, 4 } }, 9 },

    /* an fma would end v1 at 0.46000000000000002, leaving bucket 4600 out */
    { "4/36", { 400, 3600 }, 2, -1,
      { 0, 0.1 }, { 0.04000000000000001, 0.4600000000000001 },
      { { 399, 0 }, { 400, 0 }, { 401, -1 }, { 999, -1 }, { 1000, 1 },
        { 4600, 1 }, { 4601, -1 }, { 9999, -1 } }, 8 },

    { "0/40/*", { 0, 4000, 0 }, 3, 2,
      { 0, 0, 0.4 }, { 0, 0.4, 1 },
      { { 0, 1 }, { 3999, 1 }, { 4000, 2 }, { 9999, 2 } }, 4 },

    { "33.33/33.33", { 3333, 3333 }, 2, -1,
      { 0, 0.5 }, { 0.3333, 0.8332999999999999 },
      { { 3332, 0 }, { 3333, -1 }, { 4999, -1 }, { 5000, 1 }, { 8332, 1 },
        { 8333, -1 } }, 6 },

    /* n is bucket / 10000 as in JS: 3 * 0.0001 would miss v1's end */
    { "0.01/0.02/49.99/*", { 1, 2, 4999, 0 }, 4, 3,
      { 0, 0.0001, 0.00030000000000000003, 0.5002 },
      { 0.0001, 0.00030000000000000003, 0.5002, 1 },
      { { 0, 0 }, { 1, 1 }, { 3, 1 }, { 4, 2 }, { 5001, 2 }, { 5002, 3 },
        { 9999, 3 } }, 7 },
};


static void
test_fnv(void **state)
{
    /* the worked example of the docs: seed + id, then its decimal string */
    assert_int_equal(cx_fnv1a32(str("checkout" CHECKOUT_VISITOR)),
                     3191377428u);
    assert_int_equal(cx_fnv1a32(str("3191377428")), 3404666204u);
    assert_int_equal(cx_fnv1a32(str("")), 2166136261u);
    assert_int_equal(cx_fnv1a32(str("a")), 0xe40c292cu);
    assert_int_equal(cx_fnv1a32(str("foobar")), 0xbf9cf968u);
}


static void
test_bucket(void **state)
{
    assert_int_equal(cx_experiment_bucket(str("checkout"),
                                          str(CHECKOUT_VISITOR)), 6204);

    /* "2166136261": the decimal string of an empty hash is hashed too */
    assert_int_equal(cx_experiment_bucket(str(""), str("")), 2305);
    assert_int_equal(cx_experiment_bucket(str("a"), str("b")), 6912);
    assert_int_equal(cx_experiment_bucket(str("button_color"),
                         str("00000000000000000000000000000000")), 1561);

    /* first hashes of 9 and 8 digits: no leading zeros in the string */
    assert_int_equal(cx_experiment_bucket(str("headline"),
                         str("ffffffffffffffffffffffffffffffff")), 1298);
    assert_int_equal(cx_experiment_bucket(str("pricing"),
                         str("00000000000000000000000000000068")), 9083);

    assert_int_equal(cx_experiment_bucket(str("pricing"),
                         str("000000000000000000000000000009e4")), 9999);
    assert_int_equal(cx_experiment_bucket(str("pricing"),
                         str("00000000000000000000000000003ddc")), 0);

    /* GrowthBook hashes seed + id: only the concatenation counts */
    assert_int_equal(cx_experiment_bucket(str("check"),
                                          str("out" CHECKOUT_VISITOR)), 6204);
}


static void
assert_double_same(double got, double expected, const char *shape,
    const char *what, size_t i)
{
    if (memcmp(&got, &expected, sizeof(double)) != 0) {
        print_error("%s: %s[%zu] is %.17g, expected %.17g\n",
                    shape, what, i, got, expected);
        fail();
    }
}


/* the bucket as the first version computed it: snprintf's decimal */
static uint32_t
reference_bucket(cx_str_t seed, cx_str_t id)
{
    int       n;
    char      decimal[16];
    size_t    i;
    uint32_t  hash;

    hash = CX_FNV1A32_INIT;

    for (i = 0; i < seed.len; i++) {
        hash = (hash ^ seed.data[i]) * 0x01000193u;
    }

    for (i = 0; i < id.len; i++) {
        hash = (hash ^ id.data[i]) * 0x01000193u;
    }

    n = snprintf(decimal, sizeof(decimal), "%u", (unsigned) hash);

    return cx_fnv1a32((cx_str_t) { (const unsigned char *) decimal,
                                   (size_t) n }) % CX_EXPERIMENT_WHOLE;
}


static void
test_rehash_decimal(void **state)
{
    int       n;
    char      decimal[16];
    size_t    i;
    uint32_t  v, x;

    static const uint32_t  edges[] = {
        0, 1, 9, 10, 11, 99, 100, 101, 999, 1000, 9999, 10000, 99999,
        100000, 999999, 1000000, 9999999, 10000000, 99999999, 100000000,
        999999999, 1000000000, 4294967294u, 4294967295u
    };

    x = 0x2545f491u;

    for (i = 0; i < count(edges) + 100000; i++) {
        if (i < count(edges)) {
            v = edges[i];

        } else {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            v = x >> (x % 29);
        }

        n = snprintf(decimal, sizeof(decimal), "%u", (unsigned) v);

        assert_int_equal(cx_experiment_rehash(v),
                         cx_fnv1a32((cx_str_t) {
                             (const unsigned char *) decimal, (size_t) n }));
    }
}


/* the seeded form, and every id length the unrolled FNV-1a loop meets */
static void
test_bucket_seeded(void **state)
{
    size_t          i, j;
    uint32_t        x;
    cx_str_t        seed, id;
    unsigned char   seed_bytes[24], id_bytes[40];

    x = 0x9e3779b9u;

    for (i = 0; i < 20000; i++) {
        seed.len = i % sizeof(seed_bytes);
        id.len = (i / 3) % sizeof(id_bytes);

        for (j = 0; j < sizeof(seed_bytes); j++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            seed_bytes[j] = (unsigned char) x;
        }

        for (j = 0; j < sizeof(id_bytes); j++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            id_bytes[j] = "0123456789abcdef"[x % 16];
        }

        seed.data = seed_bytes;
        id.data = id_bytes;

        assert_int_equal(cx_experiment_bucket_seeded(cx_fnv1a32(seed), id),
                         reference_bucket(seed, id));
        assert_int_equal(cx_experiment_bucket(seed, id),
                         reference_bucket(seed, id));
    }
}


/* a few bytes of cache give two slots, none fit gives none */
static void
test_cache_size(void **state)
{
    size_t  size, nslots;

    /* 32 bytes of id and 2 of each bucket, rounded to 8: 40 a slot */
    size = cx_experiment_cache_size(2, 256 * 1024, 4096, &nslots);
    assert_int_equal(nslots, 4096);
    assert_int_equal(size, 4096 * 40);

    /* the bytes limit it first: 1000 / 40 holds 16 slots and a half */
    size = cx_experiment_cache_size(2, 1000, 4096, &nslots);
    assert_int_equal(nslots, 16);
    assert_int_equal(size, 16 * 40);

    /* a limit of slots not a power of two: the power below */
    size = cx_experiment_cache_size(1, 1 << 20, 100, &nslots);
    assert_int_equal(nslots, 64);
    assert_int_equal(size, 64 * 40);

    /* two sets of two slots at least */
    nslots = 7;
    assert_int_equal(cx_experiment_cache_size(2, 159, 4096, &nslots), 0);
    assert_int_equal(cx_experiment_cache_size(2, 160, 2, &nslots), 0);
    assert_int_equal(cx_experiment_cache_size(0, 160, 4, &nslots), 0);
    assert_int_equal(nslots, 7);
    assert_int_equal(cx_experiment_cache_size(2, 160, 4, &nslots), 160);
    assert_int_equal(nslots, 4);
}


/*
 * Differential: through a cache of two sets of two slots, so that eight
 * ids keep taking each other's slot, every bucket is the one computed
 * without it, for ids that come back, moved to a set's second slot,
 * dropped from it, and experiments asked for in any order and subset; ids
 * of another length are not kept.
 */
static void
test_cache_buckets(void **state)
{
    size_t                  i, j, e, size, nslots, hits;
    uint16_t               *buckets, seen[5];
    uint32_t                x, seeds[5];
    cx_str_t                id;
    unsigned char           ids[8][CX_EXPERIMENT_CACHE_ID], mem[4 * 48];
    cx_experiment_cache_t   cache;

    static const char  *names[] = {
        "checkout", "hero", "pricing-page", "a", "search_ranking_v2"
    };

    size = cx_experiment_cache_size(count(names), sizeof(mem), 4, &nslots);
    assert_int_equal(nslots, 4);
    assert_true(size <= sizeof(mem));

    cx_experiment_cache_init(&cache, mem, nslots, count(names));

    for (e = 0; e < count(names); e++) {
        seeds[e] = cx_fnv1a32((cx_str_t) {
                                  (const unsigned char *) names[e],
                                  strlen(names[e]) });
    }

    x = 0x2545f491u;

    for (i = 0; i < count(ids); i++) {
        for (j = 0; j < CX_EXPERIMENT_CACHE_ID; j++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            ids[i][j] = "0123456789abcdef"[x % 16];
        }
    }

    /* an id of all 0xff, as an empty slot's: it has no bucket there */
    memset(ids[7], 0xff, CX_EXPERIMENT_CACHE_ID);

    id.len = CX_EXPERIMENT_CACHE_ID;
    hits = 0;

    for (i = 0; i < 20000; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;

        id.data = ids[x % count(ids)];
        buckets = cx_experiment_cache_buckets(&cache, id);
        assert_non_null(buckets);

        memcpy(seen, buckets, sizeof(seen));

        for (e = (x >> 8) % count(names); e < count(names);
             e += 1 + (x >> 16) % 3)
        {
            if (seen[e] != CX_EXPERIMENT_NO_BUCKET) {
                hits++;
            }

            assert_int_equal(cx_experiment_bucket_cached(buckets, e,
                                                         seeds[e], id),
                             cx_experiment_bucket_seeded(seeds[e], id));
            assert_int_equal(buckets[e],
                             cx_experiment_bucket_seeded(seeds[e], id));
        }

        /* without a cache: computed */
        assert_int_equal(cx_experiment_bucket_cached(NULL, 0, seeds[0], id),
                         cx_experiment_bucket_seeded(seeds[0], id));
    }

    /* both were met: buckets kept, and slots taken over */
    assert_true(hits > 1000);
    assert_true(hits < 20000 * count(names) / 2);

    /* any two ids, of one set or two: the first is still kept */

    for (i = 0; i < count(ids); i++) {
        for (j = 0; j < count(ids); j++) {
            if (i == j) {
                continue;
            }

            cx_experiment_cache_init(&cache, mem, nslots, count(names));

            id.data = ids[i];
            buckets = cx_experiment_cache_buckets(&cache, id);
            (void) cx_experiment_bucket_cached(buckets, 0, seeds[0], id);

            id.data = ids[j];
            buckets = cx_experiment_cache_buckets(&cache, id);
            assert_int_equal(buckets[0], CX_EXPERIMENT_NO_BUCKET);
            (void) cx_experiment_bucket_cached(buckets, 0, seeds[0], id);

            id.data = ids[i];
            buckets = cx_experiment_cache_buckets(&cache, id);
            assert_int_equal(buckets[0],
                             cx_experiment_bucket_seeded(seeds[0], id));
        }
    }

    id.data = ids[0];
    id.len = CX_EXPERIMENT_CACHE_ID - 1;
    assert_null(cx_experiment_cache_buckets(&cache, id));
    id.len = CX_EXPERIMENT_CACHE_ID + 1;
    assert_null(cx_experiment_cache_buckets(&cache, id));
}


static void
test_ranges(void **state)
{
    size_t                   i, k;
    const shape_t           *shape;
    cx_experiment_ranges_t   ranges;

    for (k = 0; k < count(shapes); k++) {
        shape = &shapes[k];

        assert_int_equal(cx_experiment_ranges(shape->weights, shape->n,
                                              shape->rest_index, &ranges), 0);
        assert_int_equal(ranges.nvariants, shape->n);

        for (i = 0; i < shape->n; i++) {
            assert_double_same(ranges.start[i], shape->start[i], shape->name,
                               "start", i);
            assert_double_same(ranges.end[i], shape->end[i], shape->name,
                               "end", i);
        }
    }
}


static void
test_edges(void **state)
{
    size_t                   i, k;
    const shape_t           *shape;
    cx_experiment_ranges_t   ranges;

    for (k = 0; k < count(shapes); k++) {
        shape = &shapes[k];

        assert_int_equal(cx_experiment_ranges(shape->weights, shape->n,
                                              shape->rest_index, &ranges), 0);

        for (i = 0; i < shape->nedges; i++) {
            if (cx_experiment_choose(&ranges, shape->edges[i].bucket)
                != shape->edges[i].variant)
            {
                print_error("%s: bucket %u is not in variant %d\n",
                            shape->name, (unsigned) shape->edges[i].bucket,
                            shape->edges[i].variant);
                fail();
            }
        }
    }
}


static void
test_rest(void **state)
{
    uint32_t                 weights[3];
    cx_experiment_ranges_t   given, ignored;

    /* the "*" entry of weights[] is never read */
    memset(&given, 0, sizeof(given));
    memset(&ignored, 0, sizeof(ignored));
    weights[0] = 2500;
    weights[1] = 0;
    weights[2] = 2500;
    assert_int_equal(cx_experiment_ranges(weights, 3, 1, &given), 0);

    weights[1] = 123456;
    assert_int_equal(cx_experiment_ranges(weights, 3, 1, &ignored), 0);
    assert_memory_equal(&given, &ignored, sizeof(given));

    assert_true(given.start[1] == 0.25);
    assert_true(given.end[1] == 0.75);
    assert_int_equal(cx_experiment_choose(&given, 7499), 1);
    assert_int_equal(cx_experiment_choose(&given, 7500), 2);

    /* "*" first */
    weights[0] = 0;
    weights[1] = 3000;
    assert_int_equal(cx_experiment_ranges(weights, 2, 0, &given), 0);
    assert_true(given.end[0] == 0.7);
    assert_int_equal(cx_experiment_choose(&given, 6999), 0);
    assert_int_equal(cx_experiment_choose(&given, 7000), 1);
}


static void
test_sixteen(void **state)
{
    size_t                   i;
    uint32_t                 weights[CX_EXPERIMENT_MAX_VARIANTS];
    cx_experiment_ranges_t   ranges;

    for (i = 0; i < CX_EXPERIMENT_MAX_VARIANTS; i++) {
        weights[i] = 625;
    }

    assert_int_equal(cx_experiment_ranges(weights, CX_EXPERIMENT_MAX_VARIANTS,
                                          -1, &ranges), 0);

    for (i = 0; i < CX_EXPERIMENT_MAX_VARIANTS; i++) {
        assert_int_equal(cx_experiment_choose(&ranges, 625 * i), i);
        assert_int_equal(cx_experiment_choose(&ranges, 625 * i + 624), i);
    }
}


static void
test_invalid_weights(void **state)
{
    uint32_t                 weights[CX_EXPERIMENT_MAX_VARIANTS + 1];
    cx_experiment_ranges_t   ranges;

    memset(weights, 0, sizeof(weights));
    weights[0] = 5000;
    weights[1] = 5000;

    assert_int_equal(cx_experiment_ranges(weights, 0, -1, &ranges), -1);
    assert_int_equal(cx_experiment_ranges(weights, 1, -1, &ranges), -1);
    assert_int_equal(cx_experiment_ranges(weights, 1, 0, &ranges), -1);
    assert_int_equal(cx_experiment_ranges(weights,
                         CX_EXPERIMENT_MAX_VARIANTS + 1, -1, &ranges), -1);

    /* a "*" left with nothing, or past the variants */
    assert_int_equal(cx_experiment_ranges(weights, 3, 2, &ranges), -1);
    assert_int_equal(cx_experiment_ranges(weights, 2, 2, &ranges), -1);

    /* 100.01% */
    weights[1] = 5001;
    assert_int_equal(cx_experiment_ranges(weights, 2, -1, &ranges), -1);
    assert_int_equal(cx_experiment_ranges(weights, 3, 2, &ranges), -1);

    /* sums that would wrap 32 bits */
    weights[0] = 0xffffffffu;
    weights[1] = 2;
    assert_int_equal(cx_experiment_ranges(weights, 2, -1, &ranges), -1);

    /* nothing at all */
    weights[0] = 0;
    weights[1] = 0;
    assert_int_equal(cx_experiment_ranges(weights, 2, -1, &ranges), -1);

    /* the limits themselves are fine */
    weights[0] = 10000;
    assert_int_equal(cx_experiment_ranges(weights, 2, -1, &ranges), 0);
    assert_int_equal(cx_experiment_choose(&ranges, 9999), 0);
    weights[0] = 9999;
    assert_int_equal(cx_experiment_ranges(weights, 2, 1, &ranges), 0);
    assert_int_equal(cx_experiment_choose(&ranges, 9999), 1);
}


static void
test_parse_percent(void **state)
{
    assert_int_equal(cx_experiment_parse_percent(str("50%")), 5000);
    assert_int_equal(cx_experiment_parse_percent(str("12.5%")), 1250);
    assert_int_equal(cx_experiment_parse_percent(str("33.33%")), 3333);
    assert_int_equal(cx_experiment_parse_percent(str("0%")), 0);
    assert_int_equal(cx_experiment_parse_percent(str("0.01%")), 1);
    assert_int_equal(cx_experiment_parse_percent(str("1.0%")), 100);
    assert_int_equal(cx_experiment_parse_percent(str("07%")), 700);
    assert_int_equal(cx_experiment_parse_percent(str("99.99%")), 9999);
    assert_int_equal(cx_experiment_parse_percent(str("100%")), 10000);
    assert_int_equal(cx_experiment_parse_percent(str("100.00%")), 10000);
}


static void
test_parse_percent_invalid(void **state)
{
    size_t             i;
    static const char  *invalid[] = {
        "", "%", "50", "5", "50%%", "%50", "12.345%", "100.01%", "100.1%",
        "101%", "1000%", "99999999999999999999%", "-5%", "+5%", " 5%",
        "5 %", "5% ", ".5%", "5.%", "5..5%", "1e2%", "5,5%", "0x10%",
        "12.3a%", "a%", "5%x", "*"
    };

    for (i = 0; i < count(invalid); i++) {
        if (cx_experiment_parse_percent((cx_str_t) {
                (const unsigned char *) invalid[i], strlen(invalid[i]) })
            != -1)
        {
            print_error("\"%s\" parsed\n", invalid[i]);
            fail();
        }
    }

    /* a NUL inside is a byte like any other */
    assert_int_equal(cx_experiment_parse_percent(str("50\0%")), -1);
    assert_int_equal(cx_experiment_parse_percent(str("5\0.5%")), -1);

    /* the length bounds the text, not a NUL */
    assert_int_equal(cx_experiment_parse_percent(
                         (cx_str_t) { (const unsigned char *) "50%5", 3 }),
                     5000);
    assert_int_equal(cx_experiment_parse_percent(
                         (cx_str_t) { (const unsigned char *) "50%", 2 }), -1);
}


int
main(void)
{
    const struct CMUnitTest  tests[] = {
        cmocka_unit_test(test_fnv),
        cmocka_unit_test(test_bucket),
        cmocka_unit_test(test_rehash_decimal),
        cmocka_unit_test(test_bucket_seeded),
        cmocka_unit_test(test_cache_size),
        cmocka_unit_test(test_cache_buckets),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test(test_edges),
        cmocka_unit_test(test_rest),
        cmocka_unit_test(test_sixteen),
        cmocka_unit_test(test_invalid_weights),
        cmocka_unit_test(test_parse_percent),
        cmocka_unit_test(test_parse_percent_invalid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
