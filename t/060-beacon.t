# The feedback beacon: scores and events right after an interaction, tied
# to the journey; bad input refused with a reason; no open redirect; the
# limit_req recipe; the counters.

use strict;
use warnings;
use utf8;

use lib 't/lib';
use Test::More;
use CX::Test;
use Encode qw(encode_utf8);

my $t = CX::Test->new;
my $secret = $t->prefix . '/cx.key';

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_metrics_zone cx 1m;

    cx_touchpoint ~^/checkout/done order_done goal;
    cx_touchpoint ~^/help/ help;

    limit_req_zone $binary_remote_addr zone=beacon:1m rate=60r/m;

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location = /cx/feedback {
            cx_beacon;
        }

        location = /cx/any {
            cx_types *;
            cx_beacon;
        }

        location = /cx/small {
            client_body_buffer_size 16;
            cx_beacon;
        }

        location = /cx/file {
            client_body_in_file_only clean;
            cx_beacon;
        }

        location = /cx/limited {
            limit_req zone=beacon burst=2 nodelay;
            cx_beacon;
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF

my $count = 0;
sub lines {
    my ($n) = @_;
    $count += $n;
    return ($t->journey($count))[-$n .. -1];
}

sub post {
    my ($path, $body, %opt) = @_;
    return $t->request('POST', $path, content => $body, headers => [
        'Content-Type' => $opt{type} // 'application/x-www-form-urlencoded',
        ($opt{cookie} ? (Cookie => "cx=$opt{cookie}") : ()),
    ]);
}

# a visitor who just placed an order
my $r = $t->get('/checkout/done');
my $cookie = CX::Test::cookie_value($r);
my ($order) = lines(1);

subtest 'a feedback POST right after a page view' => sub {
    my $r = post('/cx/feedback', 'score=5&scale=csat&comment=Quick+and+easy%21',
        cookie => $cookie);
    is($r->{status}, 204, '204 for a script');
    ok(!defined CX::Test::set_cookie($r), 'the cookie is not re-issued');

    my ($l) = lines(1);
    is($l->{event}, 'feedback', 'event feedback');
    is_deeply($l->{feedback}, { score => 5, scale => 'csat',
        comment => 'Quick and easy!', touchpoint => 'order_done' },
        'score, scale, comment, and the previous page\'s touchpoint');
    is($l->{visitor}, $order->{visitor}, 'the same visitor');
    is($l->{session}, $order->{session}, 'the same session');
    is($l->{seq}, $order->{seq}, 'seq of the page it follows, not advanced');
    like($l->{since_prev_ms}, qr/^\d+$/, 'since_prev_ms since that page');
    is($l->{touchpoint}, 'order_done', 'touchpoint');
    is($l->{device}, 'desktop', 'device like a page view');
    is($l->{method}, 'POST', 'method');

    # the next page view goes on from the order
    my $next = $t->get('/help/', Cookie => "cx=$cookie");
    my ($page) = lines(1);
    is($page->{seq}, $order->{seq} + 1, 'the next page view: seq + 1');
};

subtest 'GET, sendBeacon text/plain, events, a named touchpoint' => sub {
    is($t->get('/cx/feedback?score=9&scale=nps&touchpoint=help',
        Cookie => "cx=$cookie")->{status}, 204, 'GET');
    is(post('/cx/feedback', 'score=1&scale=thumbs', type =>
        'text/plain;charset=UTF-8', cookie => $cookie)->{status}, 204,
        'sendBeacon\'s text/plain');
    is(post('/cx/feedback', 'event=coupon.applied&value=12.5',
        cookie => $cookie)->{status}, 204, 'an event with a value');
    is(post('/cx/feedback', 'event=chat_opened', cookie => $cookie)
        ->{status}, 204, 'an event without one');
    is(post('/cx/feedback', 'score=3')->{status}, 204, 'no cookie at all');

    my @l = lines(5);
    is_deeply($l[0]{feedback}, { score => 9, scale => 'nps',
        comment => undef, touchpoint => 'help' }, 'GET: nps, named touchpoint');
    is_deeply($l[1]{feedback}, { score => 1, scale => 'thumbs',
        comment => undef, touchpoint => 'order_done' },
        'text/plain: thumbs, the touchpoint of the cookie\'s last page');
    is($l[2]{event}, 'event', 'event');
    is($l[2]{name}, 'coupon.applied', 'name');
    is($l[2]{value}, 12.5, 'value');
    ok(!exists $l[2]{feedback}, 'no feedback on an event');
    is($l[3]{name}, 'chat_opened', 'name');
    ok(exists $l[3]{value} && !defined $l[3]{value}, 'value null');
    ok(!defined $l[4]{visitor}, 'no valid cookie: visitor null');
    ok(!defined $l[4]{session}, 'and no session');
    is($l[4]{feedback}{scale}, 'csat', 'csat by default');
};

subtest 'every scale\'s bounds' => sub {
    my @bounds = ([csat => 1, 5], [nps => 0, 10], [thumbs => 0, 1],
        [ces => 1, 7]);
    my $ok = 0;
    for my $b (@bounds) {
        my ($scale, $low, $high) = @$b;
        for my $score ($low, $high) {
            my $r = post('/cx/feedback', "score=$score&scale=$scale",
                cookie => $cookie);
            is($r->{status}, 204, "$scale $score accepted");
            $ok++;
        }
        for my $score ($low - 1, $high + 1) {
            next if $score < 0;
            my $r = post('/cx/feedback', "score=$score&scale=$scale",
                cookie => $cookie);
            is($r->{status}, 400, "$scale $score refused");
            is($r->{content}, "bad_score: score must be an integer within the scale\n",
                'with the reason') if $score == $high + 1 && $scale eq 'csat';
        }
    }
    lines($ok);
};

subtest 'bad input: 400 with a one-line reason, no line' => sub {
    my @bad = (
        ['scale=csat', 'missing_score'],
        ['score=4&scale=stars', 'bad_scale'],
        ['score=four', 'bad_score'],
        ['event=Bad%20Name', 'bad_event'],
        ['event=ok&value=lots', 'bad_value'],
        ['score=4&comment=%zz', 'bad_encoding'],
        ['score=4&score=5', 'duplicate_field'],
        ['score=4&event=click', 'ambiguous'],
        ['score=4&touchpoint=nowhere', 'bad_touchpoint'],
        ['score=4&comment=' . ('x' x 1001), 'bad_comment'],
        ['score=4&redirect=//evil.example/', 'bad_redirect'],
        ['score=4&redirect=https%3A%2F%2Fevil.example%2F', 'bad_redirect'],
        ['score=4&redirect=https://evil.example/', 'bad_redirect'],
    );

    for my $case (@bad) {
        my ($body, $reason) = @$case;
        my $r = post('/cx/feedback', $body, cookie => $cookie);
        is($r->{status}, 400, "$reason: 400");
        like($r->{content}, qr/^\Q$reason\E: [^\n]+\n\z/,
            "$reason: the reason, one line");
    }

    my $r = post('/cx/feedback', 'score=4&comment=' . ('x' x 19900),
        cookie => $cookie);
    is($r->{status}, 413, 'a body over the largest valid form: 413');
    is($r->{content}, "too_large: the body is over 19894 bytes\n",
        'and why');

    $r = post('/cx/feedback', '{"score": 4}', type => 'application/json');
    is($r->{status}, 415, 'JSON is not a form: 415');

    is($t->request('PUT', '/cx/feedback', content => 'score=1')->{status},
        405, 'PUT: 405');

    # a page view after them: the next line is its own, none was written
    $t->get('/after-bad');
    my ($l) = lines(1);
    is($l->{path}, '/after-bad', 'no journey line for refused beacons');
};

subtest 'event values: written exactly, or refused with the reason' => sub {
    my @exact = (['1000000000', '1000000000'], ['-1e9', '-1000000000'],
        ['999999999.999999', '999999999.999999'], ['0.000001', '0.000001'],
        ['12.50', '12.5'], ['25e-1', '2.5'], ['1.5e3', '1500']);
    for my $case (@exact) {
        my ($sent, $written) = @$case;
        my $r = post('/cx/feedback', "event=click&value=$sent",
            cookie => $cookie);
        is($r->{status}, 204, "$sent: 204");
        $count++;
        my $line = ($t->journey_lines($count))[-1];
        like($line, qr/"value":\Q$written\E[,}]/, "$sent: written $written");
    }

    for my $sent (qw(1e308 -1e308 12345678901 9999999999.5 1000000001
                     0.0000001 1e-7 1.0000001))
    {
        my $r = post('/cx/feedback', "event=click&value=$sent",
            cookie => $cookie);
        is($r->{status}, 400, "$sent: 400");
        is($r->{content}, "bad_value: value must be a decimal number "
            . "within +-1000000000, with at most 6 decimals\n",
            "$sent: the reason");
    }

    $t->get('/after-values');
    my ($l) = lines(1);
    is($l->{path}, '/after-values', 'no line for a refused value');
};

subtest 'an unknown touchpoint: 400 on an event as on feedback' => sub {
    for my $body ('event=click&touchpoint=nowhere',
                  'score=4&touchpoint=nowhere')
    {
        my $r = post('/cx/feedback', $body, cookie => $cookie);
        is($r->{status}, 400, "$body: 400");
        is($r->{content},
            "bad_touchpoint: touchpoint is not a known touchpoint name\n",
            "$body: the reason");
    }

    my $r = post('/cx/feedback', 'event=click&touchpoint=help',
        cookie => $cookie);
    is($r->{status}, 204, 'a known one on an event: 204');
    my ($l) = lines(1);
    is($l->{touchpoint}, 'help', 'the event\'s line names it');
};

subtest 'the largest valid form fits: 1000 CJK characters, all encoded'
    => sub {
    my $comment = '顧客体験' x 250;
    my $body = 'score=4&comment=' . join '', map { sprintf '%%%02X', ord }
        split //, encode_utf8($comment);
    ok(length $body > 9000, 'a form of ' . length($body) . ' bytes');
    my $r = post('/cx/feedback', $body, cookie => $cookie);
    is($r->{status}, 204, 'accepted');
    my ($l) = lines(1);
    is($l->{feedback}{comment}, $comment, 'the comment whole');

    # the same, chunked and in a temporary file
    $r = chunked('/cx/small', [substr($body, 0, 4000), substr($body, 4000)]);
    is($r->{status}, 204, 'chunked, through a file: accepted');
    ($l) = lines(1);
    is($l->{feedback}{comment}, $comment, 'the comment whole');
};

subtest 'a refused body is never read as the next request' => sub {
    my $body = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    my $raw = $t->raw("POST /cx/feedback HTTP/1.1\r\nHost: x\r\n"
        . "Content-Type: application/json\r\n"
        . "Content-Length: " . length($body) . "\r\n\r\n$body");
    my @answers = $raw =~ m{^HTTP/1\.1 (\d{3})}mg;
    is_deeply(\@answers, [415], 'one answer, the 415');

    $t->get('/after-smuggling');
    my ($l) = lines(1);
    is($l->{path}, '/after-smuggling', 'and no page view of /smuggled');
};

# A chunked POST without a cookie (its counts go to "other"): the chunks as
# given ([data, extension] for one with an extension), then the zero chunk
# and an optional trailer.
sub chunked {
    my ($path, $chunks, %opt) = @_;
    my $body = '';
    for my $c (@$chunks) {
        my ($data, $ext) = ref $c ? @$c : ($c, '');
        $body .= sprintf("%x%s\r\n%s\r\n", length $data, $ext, $data);
    }
    $body .= "0\r\n" . ($opt{trailer} // '') . "\r\n";
    my $raw = $t->raw("POST $path HTTP/1.1\r\nHost: x\r\n"
        . "User-Agent: $CX::Test::BROWSER\r\n"
        . "Content-Type: application/x-www-form-urlencoded\r\n"
        . "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n$body");
    return CX::Test::parse_response($raw, 'POST');
}

subtest 'chunked bodies of every shape' => sub {
    my $long = 'Très bien ' x 60;
    my $encoded = join '', map { sprintf '%%%02X', ord } split //,
        encode_utf8($long);
    my @accepted = (
        ['one chunk', '/cx/feedback', ['score=4'], 4],
        ['a chunk a byte', '/cx/feedback', [split //, 'score=2&comment=ok'],
            2, 'ok'],
        ['a chunk split mid-field', '/cx/feedback',
            ['score=2&comm', 'ent=sp', 'lit'], 2, 'split'],
        ['chunk extensions', '/cx/feedback',
            [['score=5', ';name=value'], ['&comment=x', ';a;b="c"']], 5, 'x'],
        ['a trailer after the zero chunk', '/cx/feedback', ['score=1'], 1,
            undef, trailer => "X-Checksum: 1\r\n"],
        ['in a temporary file (a 16-byte buffer)', '/cx/small',
            ['score=4&comment=', substr($encoded, 0, 1000),
             substr($encoded, 1000)], 4, $long],
        ['in a file only', '/cx/file', ['score=4', '&comment=f', 'ile'], 4,
            'file'],
        ['one chunk, in a file only', '/cx/file', ['score=2'], 2],
    );

    for my $case (@accepted) {
        my ($name, $path, $chunks, $score, $comment, %opt) = @$case;
        my $r = chunked($path, $chunks, %opt);
        is($r->{status}, 204, "$name: 204");
        my ($l) = lines(1);
        is_deeply([$l->{feedback}{score}, $l->{feedback}{comment}],
            [$score, $comment], "$name: score and comment as sent");
    }

    for my $path ('/cx/feedback', '/cx/file') {
        my $r = chunked($path, []);
        is($r->{status}, 400, "$path: only the zero chunk: 400");
        is($r->{content},
            "missing_score: a score or an event is required\n",
            "$path: an empty form, told so");
    }

    my $r = chunked('/cx/feedback', ['score=4&comment=', 'x' x 20000]);
    is($r->{status}, 413, 'chunked past the limit: 413');
    like($r->{content}, qr/^too_large: /, 'too_large');

    # the worker that read them is still there to answer
    $t->get('/after-chunked');
    my ($l) = lines(1);
    is($l->{path}, '/after-chunked', 'and the server goes on');
};

subtest 'a beacon under cx_types * is still no page view' => sub {
    my $r = $t->get('/cx/any?score=4');
    is($r->{status}, 204, 'accepted');
    ok(!defined CX::Test::set_cookie($r), 'no cookie handed out');
    my ($l) = lines(1);
    is($l->{event}, 'feedback', 'one line: the feedback');

    is($t->request('HEAD', '/cx/feedback?score=2')->{status}, 204,
        'HEAD as GET');
    lines(1);
};

subtest 'redirect: to a path of the same site only' => sub {
    my $r = post('/cx/feedback', 'score=5&redirect=%2Fthanks%3Ffrom%3Dcsat',
        cookie => $cookie);
    is($r->{status}, 303, '303 See Other');
    like($r->{headers}{location}, qr{^http://127\.0\.0\.1:\d+/thanks\?from=csat$},
        'to the path, on the same host');
    my ($l) = lines(1);
    is($l->{status}, 303, 'the line has the 303');
    is($l->{feedback}{score}, 5, 'and the feedback');
};

subtest 'comments: decoded UTF-8, 1000 code points at most' => sub {
    my $comment = 'Très bien, merci ' . ('é' x 983);
    my $encoded = join '', map { sprintf '%%%02X', ord } split //,
        encode_utf8($comment);
    my $r = post('/cx/feedback', "score=4&comment=$encoded",
        cookie => $cookie);
    is($r->{status}, 204, 'exactly 1000 code points accepted');
    my ($l) = lines(1);
    is($l->{feedback}{comment}, $comment, 'kept whole, decoded');
};

subtest 'limit_req: the recipe returns 503 past its rate' => sub {
    my @status = map {
        post('/cx/limited', 'event=spam', cookie => $cookie)->{status}
    } 1 .. 6;
    is_deeply([@status[0 .. 2]], [204, 204, 204],
        'the rate and its burst pass');
    is($status[5], 503, 'then 503');
    lines(scalar grep { $_ == 204 } @status);
};

subtest 'counters' => sub {
    my $text = $t->get('/metrics')->{content};
    like($text, qr/^cx_feedback_total\{touchpoint="order_done",score="5"\} 3$/m,
        'feedback by touchpoint and score');
    like($text, qr/^cx_feedback_total\{touchpoint="other",score="3"\} 1$/m,
        'no touchpoint known: other');
    like($text, qr/^cx_beacon_rejected_total\{reason="bad_redirect"\} 3$/m,
        'refusals by reason');
    like($text, qr/^cx_beacon_rejected_total\{reason="too_large"\} 2$/m,
        'too large');
    like($text, qr/^cx_beacon_rejected_total\{reason="bad_content_type"\} 2$/m,
        'bad content type');
};

$t->stop;

subtest 'nginx -t: cx_beacon needs a secret' => sub {
    my $e = CX::Test->new;
    my ($ok, $out) = $e->nginx_test(<<'CONF');
    server {
        listen 127.0.0.1:%%PORT%%;
        location = /b { cx_beacon; }
    }
CONF
    ok(!$ok, 'fails');
    like($out, qr/cx_secret is required where "cx" is on or a cx_beacon is/,
        'names what is missing');
};

subtest 'variables on a beacon: its cookie\'s values, else empty' => sub {
    my $v = CX::Test->new;
    my $vars = join ' ', map { "$_=\$cx_$_" } qw(visitor session
        session_index seq new_session touchpoint channel device country
        region city asn variants variant_hero segment friction experience);
    $v->start(<<"CONF");
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_touchpoint ~^/help/ help;
    cx_experiment hero {
        50% A;
        * B;
    }

    log_format cxvars '$vars';

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            return 200 "<p>page</p>";
        }

        location = /cx/feedback {
            cx_beacon;
            add_header X-Vars "$vars" always;
            access_log %%PREFIX%%/logs/vars.log cxvars;
        }
    }
CONF

    my $page = $v->get('/help/');
    my $cookie = CX::Test::cookie_value($page);
    my ($view) = $v->journey(1);
    my $variant = $view->{experiments}{hero};
    like($variant, qr/^[AB]$/, 'the page view is in hero');

    my $none = 'visitor= session= session_index= seq= new_session= '
        . 'touchpoint= channel= device=desktop country= region= city= asn= '
        . 'variants= variant_hero= segment= friction= experience=';
    (my $logged_none = $none) =~ s/=(?= |$)/=-/g;
    my $bot = $none =~ s/device=desktop/device=bot/r;
    (my $logged_bot = $bot) =~ s/=(?= |$)/=-/g;

    my $with = "visitor=$view->{visitor} session=$view->{session} "
        . 'session_index=1 seq=1 new_session= touchpoint=help '
        . 'channel=direct device=desktop country= region= city= asn= '
        . "variants=hero=$variant variant_hero=$variant segment=new "
        . 'friction= experience=';
    (my $logged_with = $with) =~ s/=(?= |$)/=-/g;

    my @cases = (
        ['no cookie', [], $none, $logged_none],
        ['a forged cookie', [Cookie => 'cx=AAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
            $none, $logged_none],
        ['a valid cookie', [Cookie => "cx=$cookie"], $with, $logged_with],
        ['a bot', ['User-Agent' => 'Googlebot/2.1'], $bot, $logged_bot],
        ['a refused beacon without a cookie', [], $none, $logged_none,
            'score=11'],
    );

    my $n = 0;
    for my $case (@cases) {
        my ($name, $headers, $header, $logged, $query) = @$case;
        my $r = $v->get('/cx/feedback?' . ($query // 'score=4'), @$headers);
        is($r->{headers}{'x-vars'}, $header, "$name: add_header");
        $n++;
        my @log = $v->journey_lines($n, file => $v->prefix
            . '/logs/vars.log');
        is($log[-1], $logged, "$name: access_log");
    }

    # DNT: the day's anonymous session, nothing else of a visitor
    my $r = $v->get('/cx/feedback?score=4', DNT => 1,
        Cookie => "cx=$cookie");
    like($r->{headers}{'x-vars'}, qr/^visitor= session=[0-9a-f]{16} /,
        'DNT: a session only');
    (my $rest = $r->{headers}{'x-vars'}) =~ s/^visitor= session=\S+ //;
    is($rest, $none =~ s/^visitor= session= //r, 'DNT: nothing more');

    unlike($v->read_file('logs/vars.log'), qr/\\x00/,
        'no NUL byte in any access_log line');

    $v->stop;
};

done_testing();
