#!/usr/bin/env node
// Runs the queries of docs/sql/ with DuckDB (@duckdb/node-api) on journey
// logs and writes the report as cx-report --format json does
// (docs/report.schema.json): the same figures from the same definitions.
//
//     node docs/sql/run.mjs [--funnel a,b,...] [--since TS] [--until TS]
//         [--host HOST] [--control exp=variant]... [--weights exp=w1,w2]...
//         [--path-steps N] [--threads N] [-o FILE] FILE...
//     node docs/sql/run.mjs [options] --sql QUERY.sql [--bare] FILE...
//
// With --sql, it runs journey.sql (not with --bare) and then QUERY.sql, and
// writes the rows of QUERY.sql's last statement, one JSON object a line:
// a query of one's own over the same tables and variables.
//
// DuckDB has no Student t, normal or chi-square distribution function: the
// p-values, intervals and chances to win are computed here from the columns
// experiments.sql gives (README.md, "Statistics").  @duckdb/node-api is
// looked for in $CX_DUCKDB_DIR/node_modules, default build/duckdb of the
// repository (`make report-deps` installs it there).  Timings of each step
// go to stderr with --times.

import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

function usage(message) {
    process.stderr.write(`run.mjs: ${message}\n`);
    process.exit(2);
}

function parseArgs(argv) {
    const opt = { files: [], control: {}, weights: {}, threads: null,
                  funnel: null, pathSteps: 5, times: false };
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const value = () => {
            if (i + 1 >= argv.length) {
                usage(`${a} needs a value`);
            }
            return argv[++i];
        };
        if (a === '--funnel') {
            opt.funnel = value().split(',');
            if (opt.funnel.some((s) => s === '') || opt.funnel.length > 20) {
                usage('bad --funnel');
            }
        } else if (a === '--since') {
            opt.since = value();
        } else if (a === '--until') {
            opt.until = value();
        } else if (a === '--host') {
            opt.host = value();
        } else if (a === '--control') {
            const [e, v] = value().split('=');
            if (!e || !v) {
                usage('--control takes exp=variant');
            }
            opt.control[e] = v;
        } else if (a === '--weights') {
            const [e, w] = value().split('=');
            const ws = (w || '').split(',').map(Number);
            if (!e || ws.some((x) => !(x > 0))) {
                usage('--weights takes exp=w1,w2,...');
            }
            opt.weights[e] = ws;
        } else if (a === '--path-steps') {
            opt.pathSteps = Number(value());
            if (!Number.isInteger(opt.pathSteps) || opt.pathSteps < 1
                    || opt.pathSteps > 50) {
                usage('--path-steps takes 1 to 50');
            }
        } else if (a === '--threads') {
            opt.threads = value();
        } else if (a === '-o') {
            opt.output = value();
        } else if (a === '--sql') {
            opt.sql = value();
        } else if (a === '--bare') {
            opt.bare = true;
        } else if (a === '--times') {
            opt.times = true;
        } else if (a === '--format') {
            if (value() !== 'json') {
                usage('only --format json');
            }
        } else if (a.startsWith('-') && a !== '-') {
            usage(`unknown option ${a}`);
        } else {
            opt.files.push(a === '-' ? '/dev/stdin' : a);
        }
    }
    if (opt.files.length === 0) {
        usage('no input file');
    }
    return opt;
}

async function loadDuckDB() {
    const dir = process.env.CX_DUCKDB_DIR
        || join(here, '..', '..', 'build', 'duckdb');
    const require = createRequire(join(resolve(dir), 'package.json'));
    let path;
    try {
        path = require.resolve('@duckdb/node-api');
    } catch (e) {
        usage(`@duckdb/node-api is not installed in ${dir} (make report-deps)`);
    }
    return import(pathToFileURL(path).href);
}

// A SQL literal of a JS string, number, array or plain object (a MAP).
function literal(x) {
    if (Array.isArray(x)) {
        return `[${x.map(literal).join(', ')}]`;
    }
    if (typeof x === 'number') {
        return Number.isInteger(x) ? `${x}.0` : String(x);
    }
    if (typeof x === 'object') {
        const entries = Object.entries(x);
        return `MAP {${entries.map(([k, v]) =>
            `${literal(k)}: ${literal(v)}`).join(', ')}}`;
    }
    return `'${String(x).replace(/'/g, "''")}'`;
}

// DuckDB's JS values as JSON ones: BIGINTs as numbers, MAPs as objects.
function plain(x) {
    if (typeof x === 'bigint') {
        return Number(x);
    }
    if (Array.isArray(x)) {
        if (x.length > 0 && x.every((e) => e && typeof e === 'object'
                && !Array.isArray(e) && Object.keys(e).length === 2
                && 'key' in e && 'value' in e)) {
            return Object.fromEntries(x.map((e) => [e.key, plain(e.value)]));
        }
        return x.map(plain);
    }
    if (x && typeof x === 'object') {
        return Object.fromEntries(Object.entries(x).map(([k, v]) =>
            [k, plain(v)]));
    }
    return x;
}

// ---- statistics -------------------------------------------------------
// log Γ(x), x > 0: Lanczos' series (g = 7, 9 terms), with the reflection
// Γ(x)Γ(1 − x) = π / sin(πx) below 1/2.
const LANCZOS = [0.99999999999980993, 676.5203681218851, -1259.1392167224028,
    771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];

function lgamma(x) {
    if (x < 0.5) {
        return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x)))
            - lgamma(1 - x);
    }
    x -= 1;
    let a = LANCZOS[0];
    const t = x + 7.5;
    for (let i = 1; i < 9; i++) {
        a += LANCZOS[i] / (x + i);
    }
    return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t
        + Math.log(a);
}

// The continued fraction of the incomplete beta function, by the modified
// Lentz method.
function betaFraction(a, b, x) {
    const tiny = 1e-300;
    let c = 1;
    let d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    let h = d;
    for (let m = 1; m <= 100000; m++) {
        const m2 = 2 * m;
        let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
        d = 1 + aa * d;
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        c = 1 + aa / c;
        c = Math.abs(c) < tiny ? tiny : c;
        h *= d * c;
        aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
        d = 1 + aa * d;
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        c = 1 + aa / c;
        c = Math.abs(c) < tiny ? tiny : c;
        const delta = d * c;
        h *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
            break;
        }
    }
    return h;
}

// The regularised incomplete beta function I_x(a, b).
function ibeta(x, a, b) {
    if (x <= 0) {
        return 0;
    }
    if (x >= 1) {
        return 1;
    }
    const front = Math.exp(a * Math.log(x) + b * Math.log1p(-x)
        + lgamma(a + b) - lgamma(a) - lgamma(b));
    if (x < (a + 1) / (a + b + 2)) {
        return front * betaFraction(a, b, x) / a;
    }
    return 1 - front * betaFraction(b, a, 1 - x) / b;
}

// Two-sided tail of Student's t: P(|T| >= t) with df degrees of freedom.
function tTwoSided(t, df) {
    return ibeta(df / (df + t * t), df / 2, 0.5);
}

// The t with P(|T| >= t) = p, by bisection down to adjacent doubles.
function tQuantileTwoSided(p, df) {
    let low = 0;
    let high = 1;
    while (tTwoSided(high, df) > p) {
        high *= 2;
    }
    for (let i = 0; i < 2000; i++) {
        const mid = (low + high) / 2;
        if (mid <= low || mid >= high) {
            break;
        }
        if (tTwoSided(mid, df) > p) {
            low = mid;
        } else {
            high = mid;
        }
    }
    return (low + high) / 2;
}

// The regularised incomplete gamma functions P(a, x) and Q(a, x): the
// series for x < a + 1, the continued fraction (Lentz) above.
function igamma(a, x) {
    if (x <= 0) {
        return { p: 0, q: 1 };
    }
    const front = Math.exp(a * Math.log(x) - x - lgamma(a));
    if (x < a + 1) {
        let term = 1 / a;
        let sum = term;
        for (let n = 1; n < 100000; n++) {
            term *= x / (a + n);
            sum += term;
            if (Math.abs(term) < Math.abs(sum) * 1e-17) {
                break;
            }
        }
        const p = sum * front;
        return { p, q: 1 - p };
    }
    const tiny = 1e-300;
    let b = x + 1 - a;
    let c = 1 / tiny;
    let d = 1 / b;
    let h = d;
    for (let i = 1; i < 100000; i++) {
        const an = -i * (i - a);
        b += 2;
        d = an * d + b;
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        c = b + an / c;
        c = Math.abs(c) < tiny ? tiny : c;
        const delta = d * c;
        h *= delta;
        if (Math.abs(delta - 1) < 1e-16) {
            break;
        }
    }
    const q = front * h;
    return { p: 1 - q, q };
}

// Φ(x), the standard normal CDF: ½·erfc(−x/√2), erfc(z) = Q(½, z²).
function normalCdf(x) {
    const tail = 0.5 * igamma(0.5, x * x / 2).q;
    return x < 0 ? tail : 1 - tail;
}

function chiSquareUpper(x2, df) {
    return igamma(df / 2, x2 / 2).q;
}

const Z975 = new Map();
function tCritical(df) {
    if (!Z975.has(df)) {
        Z975.set(df, tQuantileTwoSided(0.05, df));
    }
    return Z975.get(df);
}

// ---- the report -------------------------------------------------------

async function main() {
    const opt = parseArgs(process.argv.slice(2));
    const { DuckDBInstance } = await loadDuckDB();
    const config = {};
    if (opt.threads) {
        config.threads = String(opt.threads);
    }
    const db = await DuckDBInstance.create(':memory:', config);
    const con = await db.connect();
    const sql = (name) => readFileSync(join(here, `${name}.sql`), 'utf8');
    const timings = [];
    const started = process.hrtime.bigint();

    async function timed(name, fn) {
        const t0 = process.hrtime.bigint();
        let r;
        try {
            r = await fn();
        } catch (e) {
            e.message = `${name.endsWith('.sql') ? name : `${name}.sql`}: `
                + e.message;
            throw e;
        }
        timings.push([name, Number(process.hrtime.bigint() - t0) / 1e9]);
        return r;
    }

    async function rows(name) {
        return timed(name, async () => {
            const reader = await con.runAndReadAll(sql(name));
            return plain(reader.getRowObjectsJS());
        });
    }

    const vars = { log: opt.files, since: opt.since, until: opt.until,
                   host: opt.host, funnel: opt.funnel,
                   path_steps: opt.pathSteps };
    if (Object.keys(opt.control).length) {
        vars.control = opt.control;
    }
    if (Object.keys(opt.weights).length) {
        vars.weights = opt.weights;
    }
    for (const [name, value] of Object.entries(vars)) {
        if (value !== undefined && value !== null) {
            await con.run(`SET VARIABLE ${name} = ${name === 'path_steps'
                ? String(value) : literal(value)}`);
        }
    }

    if (opt.sql) {
        if (!opt.bare) {
            await timed('journey', () => con.run(sql('journey')));
        }
        const reader = await timed(opt.sql, () =>
            con.runAndReadAll(readFileSync(opt.sql, 'utf8')));
        const text = plain(reader.getRowObjectsJS())
            .map((row) => JSON.stringify(row) + '\n').join('');
        if (opt.output) {
            writeFileSync(opt.output, text);
        } else {
            process.stdout.write(text);
        }
        if (opt.times) {
            for (const [name, s] of timings) {
                process.stderr.write(`${name.padEnd(12)} ${s.toFixed(3)} s\n`);
            }
        }
        return;
    }

    await timed('journey', () => con.run(sql('journey')));

    const [lines] = await rows('lines');
    const [overview] = await rows('overview');
    overview.days = await rows('days');
    const channels = await rows('channels');
    const touchpoints = await rows('touchpoints');
    for (const t of touchpoints) {
        // an empty MAP comes as an empty list
        if (Array.isArray(t.friction)) {
            t.friction = {};
        }
    }
    const paths = await rows('paths');
    let funnel = null;
    if (opt.funnel) {
        funnel = (await rows('funnel')).map(({ n, ...step }) => step);
    }
    const variants = await rows('experiments');
    const feedback = await rows('feedback');

    const experiments = [];
    for (const v of variants) {
        let e = experiments[experiments.length - 1];
        if (!e || e.experiment !== v.experiment) {
            const srm = v.srm_x2 === null ? null
                : chiSquareUpper(v.srm_x2, v.srm_df);
            e = { experiment: v.experiment, srm_p: srm,
                  srm_warning: srm !== null && srm < 0.001, variants: [] };
            experiments.push(e);
        }
        const stats = { uplift: null, p_value: null, ci_low: null,
                        ci_high: null, chance_to_win: null };
        if (v.uplift !== null) {
            const t = Math.abs(v.uplift) / v.se;
            const q = tCritical(v.df);
            stats.uplift = v.uplift;
            stats.p_value = tTwoSided(t, v.df);
            stats.ci_low = v.uplift - q * v.se;
            stats.ci_high = v.uplift + q * v.se;
            stats.chance_to_win = normalCdf(v.uplift / v.se);
        }
        e.variants.push({ variant: v.variant, visitors: v.visitors,
                          conversions: v.conversions, rate: v.rate,
                          control: v.control, ...stats });
    }

    const report = {
        version: 'docs/sql (DuckDB)',
        lines,
        overview,
        channels,
        touchpoints,
        paths,
        funnel,
        experiments,
        feedback,
    };
    const text = JSON.stringify(report, null, 1) + '\n';
    if (opt.output) {
        writeFileSync(opt.output, text);
    } else {
        process.stdout.write(text);
    }
    if (opt.times) {
        for (const [name, s] of timings) {
            process.stderr.write(`${name.padEnd(12)} ${s.toFixed(3)} s\n`);
        }
        const total = Number(process.hrtime.bigint() - started) / 1e9;
        process.stderr.write(`${'total'.padEnd(12)} ${total.toFixed(3)} s\n`);
    }
}

export { tTwoSided, tQuantileTwoSided, normalCdf, chiSquareUpper, lgamma };

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
    main().catch((e) => {
        process.stderr.write(`run.mjs: ${e.message}\n`);
        process.exit(1);
    });
}
