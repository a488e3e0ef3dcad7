
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
 * A worker's cache of buckets: a bucket depends only on the experiment (its
 * name, the seed) and the visitor id, and a returning visitor asks for the
 * same ones on every page view.  Sets of two slots chosen by the id, each
 * slot keyed by a whole id of CX_EXPERIMENT_CACHE_ID bytes and holding one
 * bucket per experiment, indexed as the caller numbers its experiments; a
 * new id takes the first slot, the one there before the second.  The
 * memory is the caller's, given once (configuration time): a new
 * configuration makes a new cache, so a cached bucket never outlives the
 * experiment it was computed for.
 */

#define CX_EXPERIMENT_CACHE_ID     32      /* a visitor id's hex */
#define CX_EXPERIMENT_NO_BUCKET    0xffff  /* not computed yet */


typedef struct {
    unsigned char  *slots;
    size_t          stride;                /* bytes of a slot */
    size_t          nexperiments;
    unsigned        shift;                 /* 64 less log2 of the sets */
} cx_experiment_cache_t;


/*
 * The bytes of a cache for n experiments in at most max bytes, with at most
 * max_slots slots, a power of two, given in *nslots; 0: none fits (fewer
 * than four slots)
 */
size_t cx_experiment_cache_size(size_t nexperiments, size_t max,
    size_t max_slots, size_t *nslots);

/* mem: cx_experiment_cache_size() bytes, for nslots slots */
void cx_experiment_cache_init(cx_experiment_cache_t *cache, void *mem,
    size_t nslots, size_t nexperiments);

/*
 * The buckets of id's slot, [0, nexperiments), CX_EXPERIMENT_NO_BUCKET where
 * not yet computed: the caller computes and stores those.  NULL for an id
 * of another length than CX_EXPERIMENT_CACHE_ID: compute without the cache.
 */
uint16_t *cx_experiment_cache_buckets(cx_experiment_cache_t *cache,
    cx_str_t id);

/*
 * cx_experiment_bucket_seeded(seed_hash, id), taken from buckets[index]
 * (those of id's slot) when there, else computed and kept there; buckets
 * may be NULL: computed only
 */
static inline uint32_t
cx_experiment_bucket_cached(uint16_t *buckets, size_t index,
    uint32_t seed_hash, cx_str_t id)
{
    uint32_t  bucket;

    if (buckets && buckets[index] != CX_EXPERIMENT_NO_BUCKET) {
        return buckets[index];
    }

    bucket = cx_experiment_bucket_seeded(seed_hash, id);

    if (buckets) {
        buckets[index] = (uint16_t) bucket;
    }

    return bucket;
}


/*
 * "12.5%", "50%", "33.33%", "100.00%" into hundredths of a percent (1250,
 * 5000, 3333, 10000); -1 for anything else: no "%", more than two decimals,
 * over 100%, a sign, a space, an empty part ("5.%", ".5%").
 */
int64_t cx_experiment_parse_percent(cx_str_t text);


#endif /* CX_EXPERIMENT_H */
