'use strict';

/*
 * Proves that cx_experiment assigns as GrowthBook's JS SDK does.
 *
 *     node compare.js ASSIGN SDK_PREFIX
 *
 * ASSIGN is the built tests/growthbook/assign.c; SDK_PREFIX the directory
 * that `npm install --prefix` put the pinned @growthbook/growthbook in.
 *
 * For each experiment below, two sets of visitors go through both
 * GrowthBook.run() (hash version 2, hashAttribute "id", weights normalised to
 * their sum S and coverage S / 100%) and the C program:
 *   - 10,000 visitor ids from a fixed-seed PRNG, whose variant shares must
 *     also lie within 1.5 percentage points of the weights;
 *   - one visitor for each of the 10,000 buckets, found by hashing more ids
 *     from the PRNG, so that every bucket, and so every range edge, is
 *     compared.
 * A visitor matches when the variant is the same (the SDK's inExperiment
 * false being the C program's -1) and, when the SDK says inExperiment, its
 * bucket n is the C bucket / 10000.  Exits 1 on any mismatch.
 *
 * The PRNG is SplitMix64 (Steele, Lea, Flood 2014; the constants of
 * java.util.SplittableRandom): state += 0x9e3779b97f4a7c15, then
 * z = (z ^ z >> 30) * 0xbf58476d1ce4e5b9, z = (z ^ z >> 27) *
 * 0x94d049bb133111eb, z ^ z >> 31, all mod 2^64.  A visitor id is two
 * outputs as 16 lowercase hex digits each.  The random set starts from
 * state 0x63785f6578706572 ("cx_exper"); the per-bucket set of experiment i
 * from that state + i + 1.
 */

const childProcess = require('child_process');
const path = require('path');
const { createRequire } = require('module');

const TOLERANCE_POINTS = 1.5;
const VISITORS = 10000;
const BUCKETS = 10000;
const WHOLE = 10000;
const RANDOM_SEED = 0x63785f6578706572n;

/* the worked example of the docs: checkout { 50% A; * B; } */
const EXAMPLE = {
    name: 'checkout',
    visitor: '3f2a9c4e7b1d4f6a8e5c0b9d2a7f6e13',
};

const EXPERIMENTS = [
    { name: 'button_color', weights: '50%,50%' },
    { name: 'headline', weights: '33.33%,33.33%,*' },
    { name: 'pricing', weights: '10%,20%,70%' },
    { name: 'partial', weights: '10%,20%,30%' },
    { name: 'rare', weights: '1%,99%' },
    { name: 'five_way', weights: '12.5%,17.5%,20%,25%,*' },
    { name: 'checkout', weights: '50%,*' },
    { name: 'thirds_partial', weights: '33.33%,33.33%' },
    { name: 'zero_weight', weights: '0%,40%,*' },
    { name: 'sixteen', weights: Array(16).fill('6.25%').join(',') },
    { name: 'slivers', weights: '0.01%,0.02%,49.99%,*' },
    /* JS puts bucket 4600 in v1; a fused multiply-add would end v1 before */
    { name: 'fused_edge', weights: '4%,36%' },
];

const MASK64 = (1n << 64n) - 1n;


function splitmix64(seed) {
    let state = BigInt.asUintN(64, seed);

    return function next() {
        state = (state + 0x9e3779b97f4a7c15n) & MASK64;
        let z = state;
        z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
        z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
        return z ^ (z >> 31n);
    };
}


function visitorIds(next) {
    return function id() {
        return next().toString(16).padStart(16, '0')
            + next().toString(16).padStart(16, '0');
    };
}


/* "33.33%" -> 3333 in integers, as the directive reads it */
function hundredths(text) {
    const m = /^(\d+)(?:\.(\d{1,2}))?%$/.exec(text);

    if (m === null) {
        throw new Error('bad weight ' + text);
    }

    return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}


/*
 * The experiment as a backend hands it to GrowthBook: weights / S and
 * coverage S / 10000, both from integers, so each double is the division
 * correctly rounded.
 */
function growthbookExperiment(exp) {
    const items = exp.weights.split(',');
    const given = items.map(w => (w === '*' ? 0 : hundredths(w)));
    const others = given.reduce((a, b) => a + b, 0);
    const rest = items.indexOf('*');
    const units = given.map((w, i) => (i === rest ? WHOLE - others : w));
    const sum = rest >= 0 ? WHOLE : others;

    return {
        units,
        sum,
        sdk: {
            key: exp.name,
            variations: units.map((_, i) => 'v' + i),
            weights: units.map(w => w / sum),
            coverage: sum / WHOLE,
            hashAttribute: 'id',
            hashVersion: 2,
        },
    };
}


/* FNV-1a 32 of ASCII, to find a visitor for each bucket; the SDK checks it */
function fnv1a32(text) {
    let hash = 0x811c9dc5;

    for (let i = 0; i < text.length; i++) {
        hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193) >>> 0;
    }

    return hash;
}


function bucketOf(name, id) {
    return fnv1a32(String(fnv1a32(name + id))) % BUCKETS;
}


function oneVisitorPerBucket(name, index) {
    const id = visitorIds(splitmix64(RANDOM_SEED + BigInt(index) + 1n));
    const found = new Array(BUCKETS);
    let missing = BUCKETS;

    while (missing > 0) {
        const visitor = id();
        const bucket = bucketOf(name, visitor);

        if (found[bucket] === undefined) {
            found[bucket] = visitor;
            missing--;
        }
    }

    return found;
}


function runC(assign, lines) {
    const out = childProcess.execFileSync(assign, [], {
        input: lines.join(''),
        maxBuffer: 64 * 1024 * 1024,
        encoding: 'utf8',
    });

    return out.split('\n').filter(l => l !== '').map(l => {
        const [bucket, variant] = l.split('\t').map(Number);
        return { bucket, variant };
    });
}


function runSdk(GrowthBook, experiment, visitor) {
    const gb = new GrowthBook({ attributes: { id: visitor } });
    const result = gb.run(experiment);

    gb.destroy();

    return result;
}


/* compares one visitor; returns a description of the mismatch, or null */
function compare(exp, visitor, sdk, c) {
    const sdkVariant = sdk.inExperiment ? sdk.variationId : -1;

    if (sdkVariant !== c.variant
        || (sdk.inExperiment && sdk.bucket !== c.bucket / BUCKETS))
    {
        return exp.name + ' ' + visitor + ': SDK variant ' + sdkVariant
            + ' n ' + sdk.bucket + ', C variant ' + c.variant
            + ' bucket ' + c.bucket;
    }

    return null;
}


function share(count, total) {
    return (100 * count / total).toFixed(2) + '%';
}


function main() {
    if (process.argv.length !== 4) {
        console.error('usage: node compare.js ASSIGN SDK_PREFIX');
        process.exit(2);
    }

    const assign = path.resolve(process.argv[2]);
    const sdkRequire = createRequire(
        path.join(path.resolve(process.argv[3]), 'package.json'));
    const { GrowthBook } = sdkRequire('@growthbook/growthbook');
    const sdk = sdkRequire('@growthbook/growthbook/package.json');

    console.log(sdk.name + ' ' + sdk.version + ', node ' + process.version);

    const randomId = visitorIds(splitmix64(RANDOM_SEED));
    const randomVisitors = [];

    for (let i = 0; i < VISITORS; i++) {
        randomVisitors.push(randomId());
    }

    const totals = { random: 0, sweep: 0, mismatches: 0, shareFailures: 0 };
    const report = [];

    function record(text) {
        totals.mismatches++;

        if (totals.mismatches <= 20) {
            console.log('MISMATCH ' + text);
        }
    }

    EXPERIMENTS.forEach((exp, index) => {
        const gbExp = growthbookExperiment(exp);
        const sweepVisitors = oneVisitorPerBucket(exp.name, index);
        const visitors = randomVisitors.concat(sweepVisitors);
        const lines = visitors.map(v => exp.name + '\t' + exp.weights + '\t'
                                        + v + '\n');
        const c = runC(assign, lines);

        if (c.length !== visitors.length) {
            record(exp.name + ': the C program printed ' + c.length
                + ' lines for ' + visitors.length + ' visitors');
            return;
        }

        const n = gbExp.units.length;
        const randomCounts = new Array(n + 1).fill(0);
        const sweepCounts = new Array(n + 1).fill(0);

        visitors.forEach((visitor, i) => {
            const sdk = runSdk(GrowthBook, gbExp.sdk, visitor);
            const mismatch = compare(exp, visitor, sdk, c[i]);
            const slot = c[i].variant < 0 ? n : c[i].variant;

            if (mismatch !== null) {
                record(mismatch);
            }

            if (i < VISITORS) {
                totals.random++;
                randomCounts[slot]++;
                return;
            }

            totals.sweep++;
            sweepCounts[slot]++;

            if (c[i].bucket !== i - VISITORS) {
                record(exp.name + ' ' + visitor + ': C bucket ' + c[i].bucket
                    + ', expected ' + (i - VISITORS));
            }
        });

        const expected = gbExp.units.concat([WHOLE - gbExp.sum]);
        const cells = expected.map((units, v) => {
            const got = 100 * randomCounts[v] / VISITORS;
            const ok = Math.abs(got - units / 100) <= TOLERANCE_POINTS;

            if (!ok) {
                totals.shareFailures++;
            }

            return (v === n ? 'none' : 'v' + v) + ' ' + share(units, WHOLE)
                + ' -> ' + share(randomCounts[v], VISITORS)
                + ' (' + sweepCounts[v] + ' buckets)' + (ok ? '' : ' FAR');
        });

        report.push(exp.name + ' {' + exp.weights + '}: ' + cells.join(', '));
    });

    report.forEach(line => console.log(line));

    const example = EXPERIMENTS.find(e => e.name === EXAMPLE.name);
    const exampleExp = growthbookExperiment(example);
    const exampleSdk = runSdk(GrowthBook, exampleExp.sdk, EXAMPLE.visitor);
    const exampleC = runC(assign, [example.name + '\t' + example.weights
                                   + '\t' + EXAMPLE.visitor + '\n'])[0];
    const exampleMismatch = compare(example, EXAMPLE.visitor, exampleSdk,
                                    exampleC);

    console.log('worked example ' + EXAMPLE.name + ' ' + EXAMPLE.visitor
        + ': SDK inExperiment ' + exampleSdk.inExperiment + ' variation '
        + exampleSdk.variationId + ' n ' + exampleSdk.bucket
        + '; C bucket ' + exampleC.bucket + ' variant ' + exampleC.variant);

    if (exampleMismatch !== null) {
        record(exampleMismatch);
    }

    console.log('random visitors: ' + totals.random + ' assignments');
    console.log('one visitor per bucket: ' + totals.sweep + ' assignments');
    console.log((totals.random + totals.sweep + 1) + ' assignments, '
        + totals.mismatches + ' mismatches, ' + totals.shareFailures
        + ' shares further than ' + TOLERANCE_POINTS
        + ' points from their weight');

    process.exit(totals.mismatches === 0 && totals.shareFailures === 0
                 ? 0 : 1);
}


main();
