# A real browser's visit: Debian's chromium, driven by playwright-core
# (t/browser/walk.js), walks a small shop over HTTP/2 with a desktop
# Chrome User-Agent.  The site has a style sheet, an image, a fetch() of an
# HTML fragment, an iframe, speculation rules prefetching a page nobody
# clicks, and no favicon, so nginx answers /favicon.ico with its HTML 404.
# Exactly the pages clicked are page views, seq 1..N, with Set-Cookie on
# them only; the prefetch is an "event":"prefetch" line.
#
# Needs `make browser` (chromium and the pinned playwright-core in
# build/browser); skips only where Debian has no chromium to install.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $ROOT = CX::Test->root;
my $CHROMIUM = $ENV{CX_CHROMIUM} // '/usr/bin/chromium';
my $PLAYWRIGHT = $ENV{CX_PLAYWRIGHT} // "$ROOT/build/browser";

unless (-x $CHROMIUM) {
    my ($installable) = CX::Test::run_command('apt-cache', 'show',
        'chromium');
    plan skip_all => "no chromium package for this system: $CHROMIUM is "
        . 'missing and apt-cache knows no "chromium"' unless $installable;
}

# anywhere chromium can be installed, a missing one fails: `make test`
# installs it
unless (-x $CHROMIUM && -d "$PLAYWRIGHT/node_modules/playwright-core") {
    fail("$CHROMIUM or playwright-core in $PLAYWRIGHT is missing: "
        . '`make browser` installs them');
    done_testing();
    exit;
}

# a desktop Chrome: chromium's own says HeadlessChrome, a bot
my $AGENT = $CX::Test::BROWSER;

my $t = CX::Test->new;

# every page: the style sheet and window.cxReady once what it loads by
# itself has loaded
sub page {
    my ($title, $body, %opt) = @_;
    my $ready = $opt{ready} // 'addEventListener("load", done);';
    my $head = $opt{head} // '';
    return <<"HTML";
<!doctype html>
<html>
<head>
<meta charset="utf-8">
<title>$title</title>
<link rel="stylesheet" href="/style.css">
$head
<script>
function done() { window.cxReady = true; }
$ready
</script>
</head>
<body>
<h1>$title</h1>
$body
</body>
</html>
HTML
}

my @WALK = qw(/ /products.html /product.html /cart.html);

$t->write_file('html/index.html', page('Shop',
    '<img src="/logo.png" alt="logo">'
    . '<a id="next" href="/products.html">Products</a> '
    . '<a href="/help.html">Help</a>',
    head => '<script type="speculationrules">'
        . '{"prefetch": [{"source": "list", "urls": ["/help.html"], '
        . '"eagerness": "immediate"}]}</script>'));
$t->write_file('html/products.html', page('Products',
    '<div id="fragment"></div>'
    . '<a id="next" href="/product.html">A product</a>',
    ready => 'let loaded = false, fetched = false;'
        . 'addEventListener("load", () => { loaded = true;'
        . ' if (fetched) done(); });'
        . 'fetch("/fragment.html").then(r => r.text()).then(text => {'
        . ' document.getElementById("fragment").innerHTML = text;'
        . ' fetched = true; if (loaded) done(); });'));
$t->write_file('html/product.html', page('A product',
    '<iframe src="/frame.html" title="reviews"></iframe>'
    . '<a id="next" href="/cart.html">Cart</a>'));
$t->write_file('html/cart.html', page('Cart',
    '<img src="/logo.png" alt="logo"><p>2 items</p>'));
$t->write_file('html/frame.html', page('Reviews', '<p>5 stars</p>'));
$t->write_file('html/help.html', page('Help', '<p>ask us</p>'));
$t->write_file('html/fragment.html', "<p>in stock</p>\n");
$t->write_file('html/style.css', "h1 { color: #333; }\n");
$t->write_file('html/logo.png', "\x89PNG\r\n\x1a\n");

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;

    log_format walk escape=json '{"uri":"$request_uri","status":$status,'
        '"method":"$request_method","protocol":"$server_protocol",'
        '"dest":"$http_sec_fetch_dest","purpose":"$http_sec_purpose",'
        '"set_cookie":"$sent_http_set_cookie"}';

    server {
        listen 127.0.0.1:%%PORT%%;
        %%LISTEN_H2%%
        root %%PREFIX%%/html;
        access_log %%PREFIX%%/logs/access.log walk;
    }
CONF

my $base = 'https://127.0.0.1:' . $t->port('h2');
my $COOKIE_RE = qr/^cx=([A-Za-z0-9_-]{92}); Max-Age=34560000; Path=\/; HttpOnly; SameSite=Lax; Secure$/;

my ($ok, $out) = CX::Test::run_command('node', "$ROOT/t/browser/walk.js",
    $PLAYWRIGHT, "$base/", $AGENT, $CHROMIUM);
ok($ok, 'chromium walked the site') or diag($out);
my ($json) = $out =~ /^(\{.*\})$/m;
my $walk = eval { $t->json->decode($json // '') } // {};
note("chromium $walk->{version}") if $walk->{version};

is($walk->{userAgent}, $AGENT, 'with a desktop Chrome\'s User-Agent');
is_deeply($walk->{pages}, \@WALK, 'it was on each page of the walk');
is_deeply([map { "$_->{url} $_->{status}" } @{ $walk->{prefetches} // [] }],
    ["$base/help.html Ready"],
    'chromium prefetched the speculation rules\' page')
    or diag(explain($walk->{prefetches}));

# what nginx served, up to the browser's favicon request, which comes when
# it likes

my @served;
$t->wait_until(sub {
    @served = map { $t->json->decode($_) }
        ($t->read_file('logs/access.log') // '') =~ /([^\n]*)\n/g;
    grep { $_->{uri} eq '/favicon.ico' } @served;
}, 'chromium to ask for /favicon.ico');

subtest 'what chromium asked for, over HTTP/2' => sub {
    is_deeply([grep { $_->{protocol} ne 'HTTP/2.0' } @served], [],
        'every request over HTTP/2');
    is_deeply([map { $_->{uri} } grep { $_->{dest} eq 'document'
        && $_->{purpose} eq '' } @served], \@WALK,
        'the navigations: the pages of the walk, in order');

    # each request the module must not count, as chromium made it
    my %seen = map { ("$_->{uri} $_->{dest} $_->{purpose} $_->{status}"
        => 1) } @served;
    for my $request ('/favicon.ico image  404', '/style.css style  200',
            '/logo.png image  200', '/fragment.html empty  200',
            '/frame.html iframe  200', '/help.html document prefetch 200') {
        ok($seen{$request}, "asked for $request")
            or diag(explain(\@served));
    }
    ok(!grep({ $_->{method} ne 'GET' } @served), 'all GET');
};

subtest 'Set-Cookie on the page views only' => sub {
    my @cookies = grep { $_->{set_cookie} ne '' } @served;
    is_deeply([map { $_->{uri} } @cookies], \@WALK,
        'on the pages of the walk, on nothing else')
        or diag(explain([map { "$_->{uri} ($_->{dest})" } @cookies]));
    like($_->{set_cookie}, $COOKIE_RE, "$_->{uri}: exactly, Secure")
        for @cookies;

    my @seen = map { $_->{setCookie} ? $_->{url} : () }
        @{ $walk->{responses} // [] };
    is_deeply(\@seen, [map { "$base$_" } @WALK],
        'the page saw it on the pages of the walk only');
};

# one worker writes lines in request order: a page view after the walk ends
# it in the journey

$t->get('/help.html?marker');
my @lines;
$t->wait_until(sub {
    @lines = ($t->read_file('logs/cx.log') // '') =~ /([^\n]*)\n/g;
    @lines && $lines[-1] =~ /"query":"marker"/;
}, 'the marker line');
CX::Test::validate_journey(@lines);
pop @lines;
my @journey = map { $t->json->decode($_) } @lines;

subtest 'the journey: the pages clicked, and the prefetch' => sub {
    my @views = grep { $_->{event} eq 'page_view' } @journey;
    is_deeply([map { $_->{path} } @views], \@WALK,
        'exactly the pages of the walk are page views')
        or diag(explain([map { "$_->{event} $_->{path} $_->{status}" }
            @journey]));
    is_deeply([map { $_->{seq} } @views], [1 .. @WALK], 'seq 1..N');
    is_deeply([map { $_->{status} } @views], [(200) x @WALK], 'all 200');

    my $first = $views[0] // {};
    like($first->{visitor} // '', qr/^[0-9a-f]{32}$/, 'a visitor');
    is_deeply([map { $_->{visitor} } @views],
        [($first->{visitor}) x @WALK], 'the same visitor throughout');
    is_deeply([map { $_->{session} } @views],
        [($first->{session}) x @WALK], 'in one session');
    is_deeply([map { $_->{new_visitor} ? 1 : 0 } @views],
        [1, (0) x (@WALK - 1)], 'new on the first page only');
    is_deeply([map { $_->{device} } @views], [('desktop') x @WALK],
        'a desktop browser, not a bot');

    my ($value) = map { $_->{set_cookie} =~ $COOKIE_RE }
        grep { $_->{uri} eq $WALK[-1] } @served;
    my (undef, $decoded) = $t->cookie_tool('decode', '--secret',
        $t->prefix . '/cx.key', $value // '');
    my $state = eval { $t->json->decode($decoded) } // {};
    is($state->{visitor}, $first->{visitor}, 'the cookie\'s visitor');
    is($state->{seq}, scalar @WALK, 'the cookie\'s seq: N');

    my @prefetches = grep { $_->{event} eq 'prefetch' } @journey;
    is_deeply([map { [$_->{path}, $_->{speculation}] } @prefetches],
        [['/help.html', 'prefetch']],
        'the prefetch: an "event":"prefetch" line');
    is($prefetches[0]{visitor}, $first->{visitor},
        'the prefetch: the visitor')
        if @prefetches;

    is_deeply([map { $_->{event} } @journey],
        ['page_view', 'prefetch', ('page_view') x (@WALK - 1)],
        'no other line, each where chromium asked');
};

$t->stop;

done_testing();
