#!/usr/bin/env node
// Holds one cx-report JSON report against another, figure by figure:
//
//     node tests/report/compare.mjs [--subset] [--skip KEY]... EXPECTED ACTUAL
//
// Counts and strings must be equal; numbers that are not integers equal
// within 1e-9 relative (docs/report.schema.json), a p-value of 1e-38 as
// much as any other; arrays item by item, with the same length.  With
// --subset only the keys EXPECTED has are compared (a ground truth that
// knows some figures); --skip leaves a key out
// wherever it is (e.g. version).  Prints each difference with its path and
// exits 1 when there is one.

import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const skip = new Set(['version']);
let subset = false;
const files = [];
for (let i = 0; i < args.length; i++) {
    if (args[i] === '--subset') {
        subset = true;
    } else if (args[i] === '--skip') {
        skip.add(args[++i]);
    } else {
        files.push(args[i]);
    }
}
if (files.length !== 2) {
    process.stderr.write('usage: compare.mjs [--subset] [--skip KEY]... '
        + 'EXPECTED ACTUAL\n');
    process.exit(2);
}

const [expected, actual] = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const differences = [];
let compared = 0;

function type(x) {
    return x === null ? 'null' : Array.isArray(x) ? 'array' : typeof x;
}

function same(path, a, b) {
    if (Number.isInteger(a) && Number.isInteger(b)) {
        return a === b;
    }
    return a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a),
        Math.abs(b));
}

function walk(path, e, a) {
    if (type(e) !== type(a)) {
        differences.push(`${path}: ${JSON.stringify(e)} expected, `
            + `${JSON.stringify(a)} found`);
        return;
    }
    if (type(e) === 'array') {
        if (e.length !== a.length) {
            differences.push(`${path}: ${e.length} items expected, `
                + `${a.length} found`);
        }
        for (let i = 0; i < Math.min(e.length, a.length); i++) {
            walk(`${path}[${i}]`, e[i], a[i]);
        }
        return;
    }
    if (type(e) === 'object') {
        const keys = new Set(Object.keys(e));
        if (!subset) {
            for (const k of Object.keys(a)) {
                keys.add(k);
            }
        }
        for (const k of keys) {
            if (skip.has(k)) {
                continue;
            }
            if (!(k in a)) {
                differences.push(`${path}.${k}: missing`);
            } else if (!(k in e)) {
                differences.push(`${path}.${k}: not expected`);
            } else {
                walk(`${path}.${k}`, e[k], a[k]);
            }
        }
        return;
    }
    compared++;
    if (type(e) === 'number' ? !same(path, e, a) : e !== a) {
        differences.push(`${path}: ${JSON.stringify(e)} expected, `
            + `${JSON.stringify(a)} found`);
    }
}

walk('', expected, actual);
for (const d of differences.slice(0, 50)) {
    process.stdout.write(`${d}\n`);
}
if (differences.length > 50) {
    process.stdout.write(`... and ${differences.length - 50} more\n`);
}
process.stdout.write(`${compared} figures compared, ${differences.length} `
    + `different (${files[0]} against ${files[1]})\n`);
process.exit(differences.length ? 1 : 0);
