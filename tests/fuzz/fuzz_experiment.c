
/*
 * Fuzz target of sticky A/B assignment.  The input is: one byte of variant
 * count, one of the "*" index, two bytes per weight (little-endian, taken
 * modulo 10001 or, when the count's top bit is set, spread over 32 bits to
 * reach sums that wrap), then the seed and the visitor id, split at the
 * first NUL.  Properties:
 *   - valid weights give ranges in order, inside [0, 1.0000001];
 *   - the bucket is below 10000, depends on seed + id only, and choose()
 *     returns -1 or a variant;
 *   - a second call gives the same bucket and variant, and so does the
 *     seeded form from the seed's hash;
 *   - with weights summing to 10000 every bucket gets a variant, the one
 *     whose range holds it;
 *   - the percent parser returns -1 or at most 10000, and what it accepts
 *     ends with '%'.
 */


#include <stdlib.h>
#include <string.h>

#include "cx_experiment.h"
#include "cx_hash.h"


static void fuzz_ranges(const cx_experiment_ranges_t *ranges, int full);
static size_t fuzz_weights(const unsigned char *data, size_t size,
    uint32_t *weights, size_t n, int raw);


int
LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    int                     rest_index, variant, full;
    size_t                  n, used, i;
    int64_t                 percent;
    uint32_t                bucket, weights[CX_EXPERIMENT_MAX_VARIANTS + 2];
    uint64_t                sum;
    cx_str_t                seed, id, text, head, tail;
    const unsigned char    *nul;
    cx_experiment_ranges_t  ranges;

    text.data = data;
    text.len = size;
    percent = cx_experiment_parse_percent(text);

    if (percent < -1 || percent > 10000
        || (percent >= 0 && data[size - 1] != '%'))
    {
        abort();
    }

    if (size < 2) {
        return 0;
    }

    n = data[0] % (CX_EXPERIMENT_MAX_VARIANTS + 3);
    rest_index = (int) (data[1] % (CX_EXPERIMENT_MAX_VARIANTS + 3)) - 1;
    used = 2 + fuzz_weights(data + 2, size - 2, weights, n, data[0] & 0x80);

    data += used;
    size -= used;
    nul = memchr(data, '\0', size);
    seed.data = data;
    seed.len = nul ? (size_t) (nul - data) : size;
    id.data = nul ? nul + 1 : data + size;
    id.len = nul ? size - seed.len - 1 : 0;

    bucket = cx_experiment_bucket(seed, id);

    if (bucket >= 10000 || cx_experiment_bucket(seed, id) != bucket
        || cx_experiment_bucket_seeded(cx_fnv1a32(seed), id) != bucket)
    {
        abort();
    }

    if (nul == NULL) {
        head.data = seed.data;
        head.len = seed.len / 2;
        tail.data = seed.data + head.len;
        tail.len = seed.len - head.len;

        if (cx_experiment_bucket(head, tail) != bucket) {
            abort();
        }
    }

    if (cx_experiment_ranges(weights, n, rest_index, &ranges) != 0) {
        return 0;
    }

    sum = 0;

    for (i = 0; i < n; i++) {
        sum += (int) i == rest_index ? 0 : weights[i];
    }

    if (n < 2 || n > CX_EXPERIMENT_MAX_VARIANTS || ranges.nvariants != n
        || sum > 10000 || (rest_index >= 0 && sum == 10000))
    {
        abort();
    }

    full = rest_index >= 0 || sum == 10000;

    fuzz_ranges(&ranges, full);

    variant = cx_experiment_choose(&ranges, bucket);

    if (variant < -1 || variant >= (int) n
        || cx_experiment_choose(&ranges, bucket) != variant
        || (full && variant < 0))
    {
        abort();
    }

    return 0;
}


static size_t
fuzz_weights(const unsigned char *data, size_t size, uint32_t *weights,
    size_t n, int raw)
{
    size_t    i, used;
    uint32_t  value;

    used = 0;

    for (i = 0; i < n; i++) {
        value = 0;

        if (used + 2 <= size) {
            value = data[used] | (uint32_t) data[used + 1] << 8;
            used += 2;
        }

        weights[i] = raw ? value * 0x10001u : value % 10001;
    }

    return used;
}


static void
fuzz_ranges(const cx_experiment_ranges_t *ranges, int full)
{
    size_t    i;
    uint32_t  bucket;
    int       variant;
    double    n;

    for (i = 0; i < ranges->nvariants; i++) {
        if (!(ranges->start[i] >= 0 && ranges->end[i] >= ranges->start[i]
              && ranges->end[i] <= 1.0000001
              && (i == 0 || ranges->start[i] >= ranges->end[i - 1])))
        {
            abort();
        }
    }

    for (bucket = 0; bucket < 10000; bucket++) {
        variant = cx_experiment_choose(ranges, bucket);
        n = (double) bucket / 10000;

        if (variant < 0) {
            if (full) {
                abort();
            }

            continue;
        }

        if (!(n >= ranges->start[variant] && n < ranges->end[variant])) {
            abort();
        }
    }
}
