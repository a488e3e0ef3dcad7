# A/B experiments: GrowthBook's assignment, sticky across nodes and restarts,
# the QA override, cx_experiments; headers to the backend, spoofing, the
# prefix, segments; caching pages that differ by variant.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use File::Temp qw(tempfile);

my @EXPERIMENTS = (
    { name => 'checkout', weights => '50%,*', variants => ['A', 'B'] },
    { name => 'hero', weights => '33.33%,33.33%,*',
      variants => ['red', 'green', 'blue'] },
    { name => 'pricing', weights => '10%,20%,30%',
      variants => ['low', 'mid', 'high'] },
);

sub experiments_conf {
    my $conf = '';
    for my $e (@EXPERIMENTS) {
        my @w = split /,/, $e->{weights};
        $conf .= "    cx_experiment $e->{name} {\n";
        $conf .= "        $w[$_] $e->{variants}[$_];\n" for 0 .. $#w;
        $conf .= "    }\n";
    }
    return $conf;
}

sub http {
    my (%opt) = @_;
    my $extra = $opt{extra} // '';
    my $experiments = experiments_conf();
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_experiment_override cx_force;
    cx_touchpoint ~^/shop/ shop;
$experiments
$extra
    proxy_cache_path %%PREFIX%%/cache keys_zone=pages:1m;

    server {
        listen 127.0.0.1:%%PORT_early%%;
        default_type text/html;

        # read in the server's rewrites, before a location is chosen
        set \$early \$cx_variants;

        location /shop/ {
            cx_experiments checkout;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;
        root %%PREFIX%%/html;

        location /ssi/ {
            ssi on;
        }

        location /fragment/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location / {
            add_header X-Variants \$cx_variants;
            add_header X-Checkout \$cx_variant_checkout;
            add_header X-Segment \$cx_segment;
            return 200 "<p>page</p>";
        }

        location /only-hero/ {
            cx_experiments hero;
            add_header X-Variants \$cx_variants;
            return 200 "<p>hero only</p>";
        }

        location /none/ {
            cx_experiments off;
            add_header X-Variants \$cx_variants;
            return 200 "<p>none</p>";
        }

        location /shop/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /prefixed/ {
            cx_header_prefix X-Journey-;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /php/ {
            fastcgi_pass 127.0.0.1:%%PORT_fastcgi%%;
            include /etc/nginx/fastcgi_params;
        }

        location /quiet/ {
            cx_headers off;
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location /cached/ {
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
            proxy_cache pages;
            proxy_cache_key "\$scheme\$host\$uri \$cx_variants";
            proxy_ignore_headers Set-Cookie;
            add_header X-Cache \$upstream_cache_status;
        }
    }
CONF
}

my $t = CX::Test->new;
my $secret = $t->prefix . '/cx.key';
$t->write_file('html/ssi/page.html',
    "<p><!--# include virtual=\"/fragment/x\" --></p>\n");
$t->echo_backend;
$t->fastcgi_backend;
$t->start(http());

# deterministic visitor ids: an LCG, so the test is the same every run
my @visitors;
my $state = 20261201;
for (1 .. 10000) {
    my $id = '';
    for (1 .. 4) {
        $state = ($state * 1103515245 + 12345) % 2**31;
        $id .= sprintf '%08x', $state ^ ($state >> 7) & 0xffffffff;
    }
    push @visitors, substr($id, 0, 32);
}

sub mint_many {
    my ($t, @ids) = @_;
    my ($fh, $file) = tempfile(UNLINK => 1);
    print $fh map { "$_\n" } @ids;
    close $fh;
    my ($code, $out) = $t->cookie_tool('mint', '--secret', $secret,
        '--last-seen', '-1m', '--visitors', $file);
    die "mint failed: $out" if $code;
    return split /\n/, $out;
}

sub mint {
    my ($t, @args) = @_;
    my ($code, $out) = $t->cookie_tool('mint', '--secret', $secret, @args);
    die "mint failed: $out" if $code;
    return $out;
}

sub variants_of {
    my ($header) = @_;
    return { map { split /=/ } split /; /, $header // '' };
}

subtest '10,000 visitors: GrowthBook\'s variants, shares within 1.5 points' => sub {
    my @cookies = mint_many($t, @visitors);
    is(scalar @cookies, 10000, '10,000 cookies minted');

    my @responses = $t->pipeline([map { ['/', Cookie => "cx=$_"] } @cookies]);
    is(scalar(grep { $_->{status} == 200 } @responses), 10000, 'all served');

    my $missing = CX::Test->growthbook_missing;
    my $sdk = $missing ? {} : $t->growthbook(\@EXPERIMENTS, \@visitors);

    for my $e (@EXPERIMENTS) {
        my $name = $e->{name};
        my (%count, $mismatches);

        for my $i (0 .. $#visitors) {
            my $ours = variants_of($responses[$i]{headers}{'x-variants'})
                ->{$name};
            my $theirs = $sdk->{$name}[$i];
            $mismatches++ if ($ours // '-') ne ($theirs // '-');
            $count{$ours // '-'}++;
        }

        SKIP: {
            skip $missing, 1 if $missing;
            is($mismatches // 0, 0, "$name: every assignment is the SDK's");
        }

        my @weights = split /,/, $e->{weights};
        my $given = 0;
        $given += $_ for map { /^([\d.]+)%$/ ? $1 : () } @weights;

        for my $v (0 .. $#weights) {
            my $weight = $weights[$v] eq '*' ? 100 - $given
                : ($weights[$v] =~ /^([\d.]+)%$/)[0];
            my $share = 100 * ($count{$e->{variants}[$v]} // 0) / 10000;
            ok(abs($share - $weight) <= 1.5,
                sprintf('%s %s: %.2f%% for a weight of %s%%', $name,
                    $e->{variants}[$v], $share, $weight));
        }

        if ($name eq 'pricing') {
            my $out = 100 * ($count{'-'} // 0) / 10000;
            ok(abs($out - 40) <= 1.5, sprintf('pricing: %.2f%% in no '
                . 'variant for a coverage of 60%%', $out));
        }
    }

    is($responses[0]{headers}{'x-checkout'},
        variants_of($responses[0]{headers}{'x-variants'})->{checkout},
        '$cx_variant_checkout agrees with $cx_variants');

    # the worker keeps buckets by visitor id (4096 slots): the second round
    # finds many there, others taken by another visitor since; the variants
    # are the same either way, in reverse order too
    my @again = reverse $t->pipeline(
        [map { ['/', Cookie => "cx=$_"] } reverse @cookies]);
    my $changed = grep {
        ($again[$_]{headers}{'x-variants'} // '')
            ne ($responses[$_]{headers}{'x-variants'} // '')
    } 0 .. $#cookies;
    is($changed, 0, 'every visitor back: the same variants');
};

subtest 'the documented worked example' => sub {
    my $cookie = mint($t, '--visitor', '3f2a9c4e7b1d4f6a8e5c0b9d2a7f6e13',
        '--last-seen', '-1m');
    my $r = $t->get('/example', Cookie => "cx=$cookie");
    is($r->{headers}{'x-checkout'}, 'B',
        'visitor 3f2a9c4e7b1d4f6a8e5c0b9d2a7f6e13 is in checkout B');
};

subtest 'experiments on the line; cx_experiments says where they run' => sub {
    my $cookie = mint($t, '--visitor', $visitors[7], '--last-seen', '-1m');
    my $all = $t->get('/page', Cookie => "cx=$cookie");
    my $hero = $t->get('/only-hero/page', Cookie => "cx=$cookie");
    my $none = $t->get('/none/page', Cookie => "cx=$cookie");

    my $expected = variants_of($all->{headers}{'x-variants'});
    is_deeply(variants_of($hero->{headers}{'x-variants'}),
        { hero => $expected->{hero} }, 'cx_experiments hero: hero only');
    ok(!defined $none->{headers}{'x-variants'}, 'cx_experiments off: none');

    my @lines = $t->journey(20004);
    my ($l_all, $l_hero, $l_none) = @lines[-3 .. -1];
    is_deeply($l_all->{experiments}, $expected, 'experiments on the line');
    is_deeply($l_hero->{experiments}, { hero => $expected->{hero} },
        'only the active ones');
    is_deeply($l_none->{experiments}, {}, 'an empty object where none runs');
    ok(!exists $l_all->{forced}, 'no forced without an override');
};

subtest 'the override forces a variant and the cookie keeps it' => sub {
    my $cookie = mint($t, '--visitor', $visitors[3], '--last-seen', '-1m');
    my $natural = variants_of($t->get('/', Cookie => "cx=$cookie")
        ->{headers}{'x-variants'})->{checkout};
    my $other = $natural eq 'A' ? 'B' : 'A';

    my $r = $t->get("/?cx_force=checkout:$other", Cookie => "cx=$cookie");
    is($r->{headers}{'x-checkout'}, $other, 'forced in the variable');
    my $forced_cookie = CX::Test::cookie_value($r);

    $r = $t->get('/next', Cookie => "cx=$forced_cookie");
    is($r->{headers}{'x-checkout'}, $other, 'kept on the next page');

    $r = $t->get('/?cx_force=checkout:', Cookie => "cx=$forced_cookie");
    is($r->{headers}{'x-checkout'}, $natural, '"checkout:" forgets it');

    $t->get('/?cx_force=nosuch:A,checkout:Z', Cookie => "cx=$cookie");

    my @lines = $t->journey(20009);
    my ($first, $next, $cleared, $ignored) = @lines[-4 .. -1];
    is($first->{experiments}{checkout}, $other, 'forced on the line');
    is_deeply($first->{forced}, ['checkout'], 'listed in forced');
    is_deeply($next->{forced}, ['checkout'], 'still forced next page');
    ok(!exists $cleared->{forced}, 'not forced once forgotten');
    is($ignored->{experiments}{checkout}, $natural,
        'an unknown experiment or variant changes nothing');
    like($t->read_file('logs/error.log'),
        qr/\[info\] .*cx: override "nosuch:A" ignored/, 'and is logged');
};

subtest 'headers to the backend, spoofed ones dropped' => sub {
    my $cookie = mint($t, '--visitor', 'aa' x 16, '--session', 'bb' x 8,
        '--session-index', 2, '--seq', 4, '--last-seen', '-1m');
    my $r = $t->get('/shop/cup', Cookie => "cx=$cookie",
        'X-CX-Variants' => 'x=y', 'x-cx-visitor' => 'evil',
        'X-Cx-Segment' => 'loyal', 'X-Other' => 'kept',
        'X-Forwarded-For' => '81.2.69.142');
    is($r->{status}, 200, 'proxied');

    my $echo = $t->json->decode($r->{content});
    my %got;
    for (@{ $echo->{headers} }) {
        push @{ $got{lc $_->[0]} }, $_->[1];
    }

    my $variants = join '; ', map {
        my $e = $_->{name};
        my $v = variants_of($t->get('/', Cookie => "cx=$cookie")
            ->{headers}{'x-variants'})->{$e};
        defined $v ? "$e=$v" : ();
    } @EXPERIMENTS;

    is_deeply($got{'x-cx-visitor'}, ['aa' x 16], 'X-CX-Visitor: ours only');
    is_deeply($got{'x-cx-session'}, ['bb' x 8], 'X-CX-Session');
    is_deeply($got{'x-cx-session-index'}, ['2'], 'X-CX-Session-Index');
    is_deeply($got{'x-cx-seq'}, ['5'], 'X-CX-Seq: this page view\'s');
    is_deeply($got{'x-cx-touchpoint'}, ['shop'], 'X-CX-Touchpoint');
    is_deeply($got{'x-cx-channel'}, ['direct'], 'X-CX-Channel');
    is_deeply($got{'x-cx-device'}, ['desktop'], 'X-CX-Device');
    is_deeply($got{'x-cx-variants'}, [$variants], 'X-CX-Variants: ours only');
    is_deeply($got{'x-cx-segment'}, ['returning'], 'X-CX-Segment');
    ok(!$got{'x-cx-country'}, 'no X-CX-Country without cx_geoip2');
    ok(!$got{'x-cx-experience'},
        'no X-CX-Experience before any rating in the session');
    is_deeply($got{'x-other'}, ['kept'], 'other headers pass');

    $r = $t->get('/prefixed/cup', Cookie => "cx=$cookie",
        'X-Journey-Visitor' => 'evil', 'X-CX-Visitor' => 'left alone');
    $echo = $t->json->decode($r->{content});
    %got = ();
    push @{ $got{lc $_->[0]} }, $_->[1] for @{ $echo->{headers} };
    is_deeply($got{'x-journey-visitor'}, ['aa' x 16],
        'cx_header_prefix: our prefix, the spoofed one dropped');
    is_deeply($got{'x-cx-visitor'}, ['left alone'],
        'another prefix is not ours');

    $r = $t->get('/php/index.php', Cookie => "cx=$cookie",
        'X-CX-Visitor' => 'evil');
    my $params = $t->json->decode($r->{content});
    is($params->{HTTP_X_CX_VISITOR}, 'aa' x 16,
        'fastcgi_pass: HTTP_X_CX_VISITOR, ours');
    is($params->{HTTP_X_CX_SEQ}, '5', 'fastcgi_pass: HTTP_X_CX_SEQ');
    is($params->{HTTP_X_CX_SEGMENT}, 'returning',
        'fastcgi_pass: HTTP_X_CX_SEGMENT');

    # an SSI include is a subrequest: it copies the client's headers
    $r = $t->get('/ssi/page.html', Cookie => "cx=$cookie",
        'X-CX-Visitor' => 'spoofed', 'X-CX-Touchpoint' => 'admin');
    my ($json) = $r->{content} =~ /(\{.*\})/s;
    my $sub = $t->json->decode($json);
    ok(!grep({ lc $_->[0] eq 'x-cx-visitor' || lc $_->[0] eq 'x-cx-touchpoint' }
        @{ $sub->{headers} }), 'an SSI subrequest carries no spoofed header');

    # a variable read before the location: the location's experiments win
    $r = $t->request('GET', '/shop/cup', port => 'early',
        headers => [Cookie => "cx=$cookie"]);
    $echo = $t->json->decode($r->{content});
    my ($v) = map { $_->[1] } grep { lc $_->[0] eq 'x-cx-variants' }
        @{ $echo->{headers} };
    like($v // '', qr/^checkout=[AB]$/,
        'read early in the server, resolved again for the location');

    $r = $t->get('/quiet/cup', Cookie => "cx=$cookie");
    $echo = $t->json->decode($r->{content});
    ok(!grep({ $_->[0] =~ /^x-cx-/i } @{ $echo->{headers} }),
        'cx_headers off: none');
};

subtest 'segments: new, returning, loyal' => sub {
    my @cases = (
        [ [], 'new' ],
        [ ['--session-index', 2], 'returning' ],
        [ ['--session-index', 5], 'loyal' ],
        [ ['--session-index', 2, '--loyal'], 'loyal' ],
    );
    for my $case (@cases) {
        my ($args, $segment) = @$case;
        my $cookie = mint($t, '--last-seen', '-1m', @$args);
        is($t->get('/', Cookie => "cx=$cookie")->{headers}{'x-segment'},
            $segment, "@$args: $segment");
    }

    # a goal in a session that ended makes the visitor loyal
    my $cookie = mint($t, '--last-seen', '-31m', '--goal');
    is($t->get('/', Cookie => "cx=$cookie")->{headers}{'x-segment'}, 'loyal',
        'a goal in the last session: loyal');
};

subtest 'caching pages that differ by variant' => sub {
    # a visitor in A and one in B, as nginx assigns them (the SDK's
    # assignment, the first subtest shows)
    my (@a, @b);
    for my $visitor (@visitors) {
        last if @a && @b;
        my $cookie = mint($t, '--visitor', $visitor, '--last-seen', '-1m');
        my $checkout = variants_of($t->get('/', Cookie => "cx=$cookie")
            ->{headers}{'x-variants'})->{checkout} // '-';
        push @a, $visitor if $checkout eq 'A' && !@a;
        push @b, $visitor if $checkout eq 'B' && !@b;
    }

    my $all = join '; ', map { "$_->{name}=%s" } @EXPERIMENTS;
    my @r = map {
        my $cookie = mint($t, '--visitor', $_, '--last-seen', '-1m');
        $t->get('/cached/page', Cookie => "cx=$cookie");
    } ($a[0], $b[0], $a[0]);

    my @got = map { $t->json->decode($_->{content}) } @r;
    my @variants = map {
        my %h = map { lc($_->[0]) => $_->[1] } @{ $_->{headers} };
        variants_of($h{'x-cx-variants'})->{checkout};
    } @got;

    is($variants[0], 'A', 'a visitor in A gets the page for A');
    is($variants[1], 'B', 'a visitor in B gets the page for B, not A\'s');
    is($r[2]{headers}{'x-cache'}, 'HIT', 'the page for A comes from the cache');
    is($got[2]{n}, $got[0]{n}, 'the same page the backend made for A');
};

$t->stop;

subtest 'sticky: another node and a restart agree' => sub {
    my $two = CX::Test->new;
    $two->write_file('cx.key', $t->read_file('cx.key'));
    my @cookies = mint_many($t, @visitors[0 .. 199]);

    $two->start(http());
    my @first = $two->pipeline([map { ['/', Cookie => "cx=$_"] } @cookies]);
    $two->stop;
    $two->start(http());
    my @again = $two->pipeline([map { ['/', Cookie => "cx=$_"] } @cookies]);
    $two->stop;

    my $same = grep {
        ($first[$_]{headers}{'x-variants'} // '')
            eq ($again[$_]{headers}{'x-variants'} // '')
    } 0 .. 199;
    is($same, 200, 'the same 200 assignments after a restart');

    SKIP: {
        my $missing = CX::Test->growthbook_missing;
        skip $missing, 1 if $missing;

        my $sdk = $two->growthbook(\@EXPERIMENTS, [@visitors[0 .. 199]]);
        my $agree = grep {
            (variants_of($first[$_]{headers}{'x-variants'})->{checkout}
                // '-') eq ($sdk->{checkout}[$_] // '-')
        } 0 .. 199;
        is($agree, 200, 'and on another node, as the SDK says');
    }
};

subtest 'nginx -t errors' => sub {
    my $e = CX::Test->new;
    my @cases = (
        [ "cx_experiment x {\n 60% A;\n 50% B;\n }",
          qr/weights of experiment "x" sum to 110\.00%, over 100%/ ],
        [ "cx_experiment x {\n 12.345% A;\n * B;\n }",
          qr/invalid weight "12\.345%" in experiment "x": a percent with up to two decimals/ ],
        [ "cx_experiment x {\n half A;\n * B;\n }",
          qr/invalid weight "half" in experiment "x"/ ],
        [ "cx_experiment x {\n 50% A;\n 50% A;\n }",
          qr/duplicate variant "A" in experiment "x"/ ],
        [ "cx_experiment x {\n 50% A;\n * B;\n }\n"
          . "    cx_experiment x {\n 50% A;\n * B;\n }",
          qr/duplicate experiment "x"/ ],
        [ "cx_experiment x {\n 50% A;\n * B;\n * C;\n }",
          qr/a second "\*" in experiment "x"/ ],
        [ "cx_experiment x {\n 100% A;\n }",
          qr/experiment "x" has 1 variants, it must have 2 to 16/ ],
        [ "cx_experiment bad.name {\n 50% A;\n * B;\n }",
          qr/invalid experiment name "bad\.name"/ ],
        [ "cx_experiments nosuch;",
          qr/cx_experiments: unknown experiment "nosuch"/ ],
    );
    for my $case (@cases) {
        my ($conf, $expect) = @$case;
        my ($ok, $out) = $e->nginx_test(<<"CONF");
    cx on;
    cx_secret %%SECRET%%;
    $conf
    server {
        listen 127.0.0.1:%%PORT%%;
    }
CONF
        ok(!$ok, 'fails: ' . (split /\n/, $conf)[0]);
        like($out, qr/\[emerg\] .*$expect.* in \S+test\.conf:\d+/,
            'message') or diag($out);
    }
};

subtest 'visitors forced for QA are left out of experiment metrics' => sub {
    my $m = CX::Test->new;
    $m->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx 1m;
    cx_experiment_override cx_force;
    cx_touchpoint ~^/done$ done goal;
    cx_experiment checkout {
        50% A;
        * B;
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF

    # one visitor as assigned: a page view, then the goal
    my $r = $m->get('/');
    my $cookie = CX::Test::cookie_value($r);
    $m->get('/done', Cookie => "cx=$cookie");
    my @l = $m->journey(2);
    my $variant = $l[0]{experiments}{checkout};
    my $other = $variant eq 'A' ? 'B' : 'A';

    # another forced into the other variant: a page view, then the goal
    $r = $m->get("/?cx_force=checkout:$other");
    my $forced = CX::Test::cookie_value($r);
    $m->get('/done', Cookie => "cx=$forced");
    @l = $m->journey(4);
    is_deeply([map { $_->{forced} } @l[2, 3]], [['checkout'], ['checkout']],
        'the forced visitor\'s lines say forced');
    is($l[3]{experiments}{checkout}, $other, 'in the variant forced');

    is_deeply(checkout_counts($m, 'exposures'), { $variant => 2, $other => 0 },
        'exposures: the assigned visitor\'s two page views only');
    is_deeply(checkout_counts($m, 'goals'), { $variant => 1, $other => 0 },
        'goals: the assigned visitor\'s only');

    $m->stop;
};

done_testing();

# cx_experiment_<series>_total of experiment checkout: { variant => count }
sub checkout_counts {
    my ($t, $series) = @_;
    my $text = $t->get('/metrics')->{content};
    my %n = $text =~ /^cx_experiment_${series}_total
        \{experiment="checkout",variant="(\w+)"\}\ (\d+)$/mgx;
    return \%n;
}
