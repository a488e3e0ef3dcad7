// A person's visit, made by Debian's chromium through playwright-core: open
// the site's first page, wait for the browser to prefetch what the page's
// speculation rules ask for, then click the link #next on each page until
// the last, waiting on each for what it loads by itself (window.cxReady).
//
//     node t/browser/walk.js PLAYWRIGHT_DIR URL USER_AGENT [CHROMIUM]
//
// PLAYWRIGHT_DIR holds node_modules/playwright-core (`make browser`).
// Prints one JSON object: the browser's version, the pages it was on, the
// prefetches chromium reported (DevTools' Preload domain) and every
// response the page saw with its Set-Cookie.  Exits 1 on any failure.

'use strict';

const path = require('path');

const [dir, url, userAgent, executable] = process.argv.slice(2);

if (!dir || !url || !userAgent) {
    console.error('usage: walk.js PLAYWRIGHT_DIR URL USER_AGENT [CHROMIUM]');
    process.exit(2);
}

const { chromium } = require(path.join(path.resolve(dir), 'node_modules',
    'playwright-core'));

const TIMEOUT = 15000;

async function walk() {
    const browser = await chromium.launch({
        executablePath: executable || '/usr/bin/chromium',
        headless: true,
        // the test's certificate is self-signed
        args: ['--ignore-certificate-errors'],
    });

    try {
        const context = await browser.newContext({ userAgent,
            ignoreHTTPSErrors: true });
        const page = await context.newPage();
        page.setDefaultTimeout(TIMEOUT);

        const responses = [];
        const headers = [];
        page.on('response', (response) => {
            const entry = { url: response.url(), status: response.status(),
                type: response.request().resourceType() };
            responses.push(entry);
            headers.push(response.headerValue('set-cookie').then(
                (value) => { entry.setCookie = value; }));
        });

        // speculation rules' prefetches happen outside the page: DevTools'
        // Preload domain tells when one is ready or why it failed
        const prefetches = [];
        let prefetched;
        const ready = new Promise((resolve) => { prefetched = resolve; });
        const cdp = await context.newCDPSession(page);
        cdp.on('Preload.prefetchStatusUpdated', (event) => {
            if (event.status === 'Ready' || event.status === 'Failure') {
                prefetches.push({ url: event.prefetchUrl,
                    status: event.status,
                    reason: event.prefetchStatus || null });
                prefetched();
            }
        });
        await cdp.send('Preload.enable');

        const pages = [];
        const visit = async () => {
            await page.waitForLoadState('load');
            await page.waitForFunction(() => window.cxReady === true);
            pages.push(new URL(page.url()).pathname);
        };

        await page.goto(url);
        await visit();

        let timer;
        await Promise.race([ready, new Promise((resolve, reject) => {
            timer = setTimeout(() => reject(new Error(
                'no prefetch ready or failed within ' + TIMEOUT + ' ms')),
                TIMEOUT);
        })]).finally(() => clearTimeout(timer));

        while (await page.locator('#next').count() > 0) {
            const before = page.url();
            await page.click('#next');
            await page.waitForURL((u) => u.toString() !== before);
            await visit();
        }

        const agent = await page.evaluate(() => navigator.userAgent);
        await Promise.all(headers);

        await context.close();

        return { version: browser.version(), userAgent: agent, pages,
            prefetches, responses };
    } finally {
        await browser.close();
    }
}

walk().then((result) => {
    process.stdout.write(JSON.stringify(result) + '\n');
}, (error) => {
    console.error(error && error.stack || String(error));
    process.exit(1);
});
