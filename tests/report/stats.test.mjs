// The distribution functions docs/sql/run.mjs computes for DuckDB, held to
// closed forms: Student's t with 1 and 2 degrees of freedom, chi-square
// with 2, the normal quantile 1.959963984540054.
//
//     node --test tests/report/

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { chiSquareUpper, lgamma, normalCdf, tQuantileTwoSided, tTwoSided }
    from '../../docs/sql/run.mjs';

function close(actual, expected, what) {
    const tolerance = Math.max(1e-12 * Math.abs(expected), 1e-300);
    assert.ok(Math.abs(actual - expected) <= tolerance,
        `${what}: ${actual}, expected ${expected}`);
}

test('log gamma of integers and halves', () => {
    assert.ok(Math.abs(lgamma(1)) < 1e-14, 'lgamma(1)');
    assert.ok(Math.abs(lgamma(2)) < 1e-14, 'lgamma(2)');
    close(lgamma(10), Math.log(362880), 'lgamma(10)');
    close(lgamma(0.5), 0.5 * Math.log(Math.PI), 'lgamma(1/2)');
    close(lgamma(101), 363.73937555556347, 'lgamma(101) = ln 100!');
});

// the closed forms written without cancellation: 1 - 2/π·atan(t) and
// 1 - t/√(2 + t²)
test('t two-sided tail, 1 and 2 degrees of freedom', () => {
    for (const t of [0.1, 0.5, 1, 2, 5, 30, 1000]) {
        close(tTwoSided(t, 1), 2 / Math.PI * Math.atan(1 / t), `df 1, t ${t}`);
        const r = Math.sqrt(2 + t * t);
        close(tTwoSided(t, 2), 2 / (r * (r + t)), `df 2, t ${t}`);
    }
    assert.equal(tTwoSided(0, 7.5), 1);
});

test('t quantile, 1 and 2 degrees of freedom', () => {
    close(tQuantileTwoSided(0.05, 1), Math.tan(0.475 * Math.PI), 'df 1');
    close(tQuantileTwoSided(0.05, 2), 0.95 / Math.sqrt(2 * 0.975 * 0.025),
        'df 2');
});

test('normal CDF', () => {
    assert.equal(normalCdf(0), 0.5);
    close(normalCdf(-1.959963984540054), 0.025, 'z 2.5%');
    close(normalCdf(1.959963984540054), 0.975, 'z 97.5%');
    close(normalCdf(-1) + normalCdf(1), 1, 'symmetry');
    // far in the tail the small side keeps its relative precision
    close(normalCdf(-10), 7.619853024160527e-24, 'z -10');
});

test('chi-square upper tail with 2 degrees of freedom is exp(-x/2)', () => {
    for (const x of [0.01, 1, 3.5, 20, 200]) {
        close(chiSquareUpper(x, 2), Math.exp(-x / 2), `x ${x}`);
    }
});
