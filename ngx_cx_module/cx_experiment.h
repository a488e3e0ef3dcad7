
/*
 * Sticky A/B assignment, bucket for bucket the one of GrowthBook's SDKs
 * (hash version 2), so that every node, an analyst replaying the log and a
 * backend running a GrowthBook SDK with the same experiment key and weights
 * put a visitor in the same variant.
 *
 * An experiment "name { 50% A; 30% B; }" is, in GrowthBook's terms, the key
 * "name", weights normalised to their sum S (here 50/80 and 30/80) and
 * coverage S/100% (0.8): visitors whose bucket falls in no variant's range
 * are not in the experiment.
 */


#ifndef CX_EXPERIMENT_H
#define CX_EXPERIMENT_H


#include "cx_str.h"


#define CX_EXPERIMENT_MAX_VARIANTS  16

/* weights are in hundredths of a percent: 100% */
#define CX_EXPERIMENT_WHOLE         10000


typedef struct {
    size_t   nvariants;
    /* GrowthBook's bucket ranges [start, end), as the JS SDK's doubles */
    double   start[CX_EXPERIMENT_MAX_VARIANTS];
    double   end[CX_EXPERIMENT_MAX_VARIANTS];
} cx_experiment_ranges_t;


/*
 * Builds the ranges once, at configuration time.  weights[i] is variant i's
 * weight in hundredths of a percent (12.5% = 1250); rest_index >= 0 names the
 * variant "*", which takes 10000 less the others and whose weights[] entry is
 * not read.  Returns 0, or -1 when the weights are invalid: fewer than two
 * variants (GrowthBook puts nobody in such an experiment), more than
 * CX_EXPERIMENT_MAX_VARIANTS, a sum over 10000 or of 0, a "*" left with
 * nothing, rest_index past the variants.
 */
int cx_experiment_ranges(const uint32_t *weights, size_t n, int rest_index,
    cx_experiment_ranges_t *out);

/* GrowthBook's hash v2 of seed + id as a bucket 0..9999 (n = bucket / 10000) */
uint32_t cx_experiment_bucket(cx_str_t seed, cx_str_t id);

/*
 * The same, the seed's part taken once at configuration time:
 * seed_hash = cx_fnv1a32(seed), the FNV-1a state after the seed
 */
uint32_t cx_experiment_bucket_seeded(uint32_t seed_hash, cx_str_t id);

/* GrowthBook's second round: FNV-1a of the hash as JS prints it (hash + "") */
uint32_t cx_experiment_rehash(uint32_t hash);

/* the variant whose range holds the bucket, or -1: not in the experiment */
int cx_experiment_choose(const cx_experiment_ranges_t *ranges,
    uint32_t bucket);

/*
 * "12.5%", "50%", "33.33%", "100.00%" into hundredths of a percent (1250,
 * 5000, 3333, 10000); -1 for anything else: no "%", more than two decimals,
 * over 100%, a sign, a space, an empty part ("5.%", ".5%").
 */
int64_t cx_experiment_parse_percent(cx_str_t text);


#endif /* CX_EXPERIMENT_H */
