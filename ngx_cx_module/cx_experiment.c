
/*
 * Sticky A/B assignment: see cx_experiment.h.
 *
 * The arithmetic follows GrowthBook's JS SDK (util.ts: hash, getBucketRanges,
 * chooseVariation) operation for operation, in IEEE doubles as JS computes,
 * so that a bucket on a range's edge goes the way it goes there.
 */


#include <string.h>

#include "cx_digits.h"
#include "cx_experiment.h"
#include "cx_hash.h"


/* a bucket, [0, CX_EXPERIMENT_WHOLE), never reads as "not computed yet" */
typedef char  cx_experiment_no_bucket_is_none[
    CX_EXPERIMENT_WHOLE <= CX_EXPERIMENT_NO_BUCKET ? 1 : -1];


/* "4294967295": the longest decimal string of a 32-bit hash */
#define CX_EXPERIMENT_HASH_DIGITS  10


int
cx_experiment_ranges(const uint32_t *weights, size_t n, int rest_index,
    cx_experiment_ranges_t *out)
{
    size_t             i;
    double             coverage, weight, cumulative;
    uint64_t           sum, rest;
    volatile double    scaled;

    if (n < 2 || n > CX_EXPERIMENT_MAX_VARIANTS
        || (rest_index >= 0 && (size_t) rest_index >= n))
    {
        return -1;
    }

    sum = 0;

    for (i = 0; i < n; i++) {
        if ((int) i != rest_index) {
            sum += weights[i];
        }
    }

    if (sum > CX_EXPERIMENT_WHOLE) {
        return -1;
    }

    rest = CX_EXPERIMENT_WHOLE - sum;

    if (rest_index >= 0) {
        if (rest == 0) {
            return -1;
        }

        sum = CX_EXPERIMENT_WHOLE;

    } else if (sum == 0) {
        return -1;
    }

    /*
     * a GrowthBook experiment's weights sum to 1 and its coverage scales
     * them: the backend's SDK is given weights[i] / sum and sum / 10000,
     * each a correctly rounded division, whichever units it starts from
     */
    coverage = (double) sum / CX_EXPERIMENT_WHOLE;
    cumulative = 0;

    for (i = 0; i < n; i++) {
        weight = (double) ((int) i == rest_index ? rest : weights[i])
                 / (double) sum;

        out->start[i] = cumulative;
        cumulative += weight;

        /*
         * JS rounds the product before the sum: held in a volatile, it cannot
         * be fused into one fma (gcc does so by default where the CPU has
         * one, as on arm64), which rounds once and moves an edge by an ulp
         */
        scaled = coverage * weight;
        out->end[i] = out->start[i] + scaled;
    }

    out->nvariants = n;

    return 0;
}


uint32_t
cx_experiment_bucket(cx_str_t seed, cx_str_t id)
{
    return cx_experiment_bucket_seeded(cx_fnv1a32(seed), id);
}


uint32_t
cx_experiment_bucket_seeded(uint32_t seed_hash, cx_str_t id)
{
    uint32_t  hash;

    hash = cx_fnv1a32_update(seed_hash, id.data, id.len);

    return cx_experiment_rehash(hash) % CX_EXPERIMENT_WHOLE;
}


/*
 * The decimal two digits a division: a 32-bit hash has 10 digits most of
 * the time, and this halves the divisions of digit by digit
 */
uint32_t
cx_experiment_rehash(uint32_t hash)
{
    uint32_t        q, r;
    unsigned char  *digit, decimal[CX_EXPERIMENT_HASH_DIGITS];

    digit = decimal + sizeof(decimal);

    while (hash >= 100) {
        q = hash / 100;
        r = hash - q * 100;
        hash = q;

        digit -= 2;
        digit[0] = cx_digit_pairs[r * 2];
        digit[1] = cx_digit_pairs[r * 2 + 1];
    }

    if (hash >= 10) {
        digit -= 2;
        digit[0] = cx_digit_pairs[hash * 2];
        digit[1] = cx_digit_pairs[hash * 2 + 1];

    } else {
        *--digit = (unsigned char) ('0' + hash);
    }

    return cx_fnv1a32_update(CX_FNV1A32_INIT, digit,
                             decimal + sizeof(decimal) - digit);
}


int
cx_experiment_choose(const cx_experiment_ranges_t *ranges, uint32_t bucket)
{
    size_t  i;
    double  n;

    n = (double) bucket / CX_EXPERIMENT_WHOLE;

    for (i = 0; i < ranges->nvariants; i++) {
        if (n >= ranges->start[i] && n < ranges->end[i]) {
            return (int) i;
        }
    }

    return -1;
}


size_t
cx_experiment_cache_size(size_t nexperiments, size_t max, size_t max_slots,
    size_t *nslots)
{
    size_t  stride, n;

    if (nexperiments == 0 || nexperiments > max / 2) {
        return 0;
    }

    /* eight-byte slots: the id's words are read as such */
    stride = (CX_EXPERIMENT_CACHE_ID + nexperiments * sizeof(uint16_t) + 7)
             & ~(size_t) 7;

    /* at least two sets of two: a shift of the product by 64 is undefined */

    for (n = 4; n * 2 <= max_slots && n * 2 <= max / stride; n *= 2) {
        /* void */
    }

    if (n > max_slots || n > max / stride) {
        return 0;
    }

    *nslots = n;

    return n * stride;
}


void
cx_experiment_cache_init(cx_experiment_cache_t *cache, void *mem,
    size_t nslots, size_t nexperiments)
{
    unsigned  bits;

    cache->slots = mem;
    cache->stride = (CX_EXPERIMENT_CACHE_ID
                     + nexperiments * sizeof(uint16_t) + 7)
                    & ~(size_t) 7;
    cache->nexperiments = nexperiments;

    /* sets of two slots */

    for (bits = 0; ((size_t) 2 << bits) < nslots; bits++) {
        /* void */
    }

    cache->shift = 64 - bits;

    /*
     * every bucket CX_EXPERIMENT_NO_BUCKET: a slot's id, all 0xff, may
     * match an id, but then it has no bucket to give
     */
    memset(mem, 0xff, nslots * cache->stride);
}


uint16_t *
cx_experiment_cache_buckets(cx_experiment_cache_t *cache, cx_str_t id)
{
    uint64_t        w[4], k[4], h;
    unsigned char  *set;

    if (id.len != CX_EXPERIMENT_CACHE_ID) {
        return NULL;
    }

    memcpy(w, id.data, sizeof(w));

    /*
     * Fibonacci hashing of the words folded: the top bits of the product
     * are the set of two slots, and the low bits of the word reach them
     * best
     */

    h = w[0] ^ w[1] ^ w[2] ^ w[3];
    h ^= h >> 32;

    set = cache->slots
          + (size_t) ((h * 0x9e3779b97f4a7c15ull) >> cache->shift)
            * 2 * cache->stride;

    memcpy(k, set, sizeof(k));

    if (((k[0] ^ w[0]) | (k[1] ^ w[1]) | (k[2] ^ w[2]) | (k[3] ^ w[3])) == 0) {
        return (uint16_t *) (set + CX_EXPERIMENT_CACHE_ID);
    }

    memcpy(k, set + cache->stride, sizeof(k));

    if (((k[0] ^ w[0]) | (k[1] ^ w[1]) | (k[2] ^ w[2]) | (k[3] ^ w[3])) == 0) {
        return (uint16_t *) (set + cache->stride + CX_EXPERIMENT_CACHE_ID);
    }

    /*
     * Two ways, the newer id first: two visitors of one set do not take
     * it from each other on every page view
     */

    memcpy(set + cache->stride, set, cache->stride);
    memcpy(set, w, sizeof(w));
    memset(set + CX_EXPERIMENT_CACHE_ID, 0xff,
           cache->nexperiments * sizeof(uint16_t));

    return (uint16_t *) (set + CX_EXPERIMENT_CACHE_ID);
}


int64_t
cx_experiment_parse_percent(cx_str_t text)
{
    int64_t               value, unit;
    const unsigned char  *p, *end;

    if (text.len < 2 || text.data[text.len - 1] != '%') {
        return -1;
    }

    p = text.data;
    end = text.data + text.len - 1;
    value = 0;

    if (*p < '0' || *p > '9') {
        return -1;
    }

    while (p < end && *p >= '0' && *p <= '9') {
        value = value * 10 + (*p++ - '0');

        if (value > 100) {
            return -1;
        }
    }

    value *= 100;

    if (p < end && *p == '.') {
        p++;

        if (p == end) {
            return -1;
        }

        for (unit = 10; p < end && unit > 0; unit /= 10) {
            if (*p < '0' || *p > '9') {
                return -1;
            }

            value += (*p++ - '0') * unit;
        }
    }

    if (p != end || value > CX_EXPERIMENT_WHOLE) {
        return -1;
    }

    return value;
}
