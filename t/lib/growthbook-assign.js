'use strict';

/*
 * What GrowthBook's JS SDK assigns: for the integration tests, which compare
 * it with what nginx told each visitor.
 *
 *     node growthbook-assign.js SDK_PREFIX < request.json > answer.json
 *
 * request.json: {"experiments": [{"name": "checkout", "weights": "50%,*"}],
 * "visitors": ["<32 hex>", ...]}; answer.json: {"checkout": ["B", null, ...]}
 * with the variant names "v0", "v1"... replaced by the test's own names.
 * Experiments are handed to the SDK as a backend would: weights divided by
 * their sum S, coverage S / 100%.
 */

const path = require('path');
const { createRequire } = require('module');

const WHOLE = 10000;

function hundredths(weight) {
    const m = /^(\d{1,3})(?:\.(\d{1,2}))?%$/.exec(weight);
    if (!m) {
        throw new Error('bad weight ' + weight);
    }
    return Number(m[1]) * 100 + Number((m[2] || '').padEnd(2, '0'));
}

function sdkExperiment(exp) {
    const items = exp.weights.split(',');
    const given = items.map(w => (w === '*' ? 0 : hundredths(w)));
    const others = given.reduce((a, b) => a + b, 0);
    const rest = items.indexOf('*');
    const units = given.map((w, i) => (i === rest ? WHOLE - others : w));
    const sum = rest >= 0 ? WHOLE : others;

    return {
        key: exp.name,
        variations: exp.variants,
        weights: units.map(w => w / sum),
        coverage: sum / WHOLE,
        hashAttribute: 'id',
        hashVersion: 2,
    };
}

function main() {
    const sdkRequire = createRequire(
        path.join(path.resolve(process.argv[2]), 'package.json'));
    const { GrowthBook } = sdkRequire('@growthbook/growthbook');
    const request = JSON.parse(require('fs').readFileSync(0, 'utf8'));
    const answer = {};

    for (const exp of request.experiments) {
        const sdk = sdkExperiment(exp);
        answer[exp.name] = request.visitors.map(id => {
            const gb = new GrowthBook({ attributes: { id } });
            const result = gb.run(sdk);
            gb.destroy();
            return result.inExperiment ? result.value : null;
        });
    }

    process.stdout.write(JSON.stringify(answer));
}

main();
