# The soak: CX_SOAK_REQUESTS requests (`make soak`: 100,000; `make test`:
# 20,000) from 8 concurrent keep-alive clients, a quarter of them hostile,
# through 2 reloads and 2 reopens spread over the run.  No worker may exit
# abnormally, no sanitizer may report, every page view and every accepted
# beacon leaves exactly one schema-valid line, and no client-sent X-CX (or
# X_CX, x-cx...) value reaches a backend.
#
# Skipped unless CX_SOAK_REQUESTS is set: `make soak` and `make soak-smoke`
# run it against the ASan build.  CX_SOAK_SEED changes the requests drawn.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use IO::Select;
use POSIX qw(WNOHANG);
use Time::HiRes qw(time);

my $TOTAL = $ENV{CX_SOAK_REQUESTS}
    or plan skip_all => 'the soak runs with CX_SOAK_REQUESTS (make soak)';
my $SEED = $ENV{CX_SOAK_SEED} // 12;
my $CLIENTS = 8;
my $PROGRESS_EVERY = 25;

my $t = CX::Test->new(workers => 2);
my $prefix = $t->prefix;

note("soak: $TOTAL requests, $CLIENTS clients, seed $SEED");

$t->write_file('html/static/app.css', "body { color: #333 }\n");
$t->write_file('html/static/logo.png', "\x89PNG\r\n\x1a\n" . ("\0" x 64));
mkdir "$prefix/soak";

# round: which reload this is; the touchpoint names change with it, as an
# operator's edits would
sub http {
    my ($round) = @_;

    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=200ms;
    cx_metrics_zone cx 1m;
    cx_touchpoint / home;
    cx_touchpoint ~^/p/ product_r$round;
    cx_touchpoint ~^/fcgi/ app_r$round;
    cx_experiment hero {
        50% red;
        * blue;
    }

    underscores_in_headers on;
    large_client_header_buffers 4 16k;

    upstream echo {
        server 127.0.0.1:%%PORT_backend%%;
        server 127.0.0.1:%%PORT_backend2%%;
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%PREFIX%%/html;

        # every location that can answer a page marks its answers: a
        # response with X-Soak reached a location (nginx refused nothing
        # before), so with text/html it is a page view
        location / {
            add_header X-Soak loc always;
            proxy_pass http://echo;
        }

        location /fcgi/ {
            add_header X-Soak loc always;
            fastcgi_pass 127.0.0.1:%%PORT_fastcgi%%;
            include /etc/nginx/fastcgi_params;
        }

        location /static/ {
            add_header X-Soak loc always;
        }

        location = /cx/feedback {
            cx_beacon;
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF
}

$t->echo_backend('backend');
$t->echo_backend('backend2');
$t->fastcgi_backend('fastcgi');
$t->start(http(0));

my $port = $t->port;

# -- what the clients send ------------------------------------------------

my @SPOOF_NAMES = qw(X-CX-Visitor X_CX_Visitor x-cx-country X_CX_Country
    X-Cx-Touchpoint X_cx_touchpoint X-CX-Session x_cx_session X_CX_Seq
    X-CX-Session-Index X_CX_Session_Index X-CX-Variants X_CX_Variants
    x-cx-segment X_CX_Segment X-CX-Experience X_Cx_Experience X-CX-Device
    X_CX_Device X-CX-Channel x_cx_channel);

my @BAD_PATH = ("\xff\xfe", "\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80",
    "\xe2\x82", "%ff%c3%28", "%01%0a%0d%09%1b%7f", "caf\xc3\xa9", "%e2%82",
    "\x01", "\x7f", "%00", "\x1b[31m", ("x" x 3000), "a/../../b",
    "%2e%2e/%2e%2e/x", "\xef\xbb\xbf", "sp ace");

my @BAD_QUERY = ("q=\xff\xfe", "q=%ff%00", "q=\x01\x1f", "q=\x7f",
    "utm_source=\xfe\x80&utm_campaign=%e2%82", "utm_medium=cpc&gclid=\xc0",
    "utm_campaign=" . ("\xc3\xa9" x 1500), "q=" . ("%" x 50),
    "q=\"\\\\\"", "a=%zz&b=%", "q=\x00", "&&&==&");

my @BAD_REFERER = ("http://\xff\xfe.example/\x01\x7f\"\\",
    "android-app://\xc0\xaf", "https://www.google.com/search?q=\xff\x01",
    "http://e.example/" . ("r" x 5000), "\x1b]0;x\x07", "//", ":::",
    "https://[::1/", "http://127.0.0.1:$port/internal\xff");

my @BAD_AGENT = ("Mozilla/5.0 \xff\xfe\x01 (compatible)", "",
    "\x7f\x1b[31m", "Googlebot/2.1 \xff (+http://www.google.com/bot.html)",
    "Mozilla/5.0 (" . ("(" x 4000), "curl/8.0 \x01", "\xc3\xa9" x 300,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) \xed\xa0\x80");

my @BAD_HOST = ("\xff\xfe.example", "ex\x01ample", ("h" x 300) . ".example",
    "[::1", "example.com:99999", "ex ample", "\x7f", "a..b", ".", "",
    "\xc3\xa9.example", "example.com.");

sub pick { $_[int rand @_] }

sub base64url {
    my ($n) = @_;
    my @c = ('A' .. 'Z', 'a' .. 'z', '0' .. '9', '-', '_');
    return join '', map { $c[int rand @c] } 1 .. $n;
}

sub forged {
    my ($real) = @_;
    my $kind = int rand 6;

    return base64url(length($real // '') || 70) if $kind == 0;
    return '!!!not base64@@@' if $kind == 1;
    return '"' . ($real // base64url(70)) . '"' if $kind == 2;

    # the real one with its tag or its state changed
    my $v = $real // base64url(70);
    my $at = $kind == 3 ? length($v) - 1 - int rand 8 : int rand length $v;
    substr($v, $at, 1) = substr($v, $at, 1) eq 'A' ? 'B' : 'A';
    return $v;
}

sub spoofs {
    my ($client, $i) = @_;
    my @headers;
    my %names = map { pick(@SPOOF_NAMES) => 1 } 1 .. 1 + int rand 5;
    push @headers, $_ => "SPOOF-$client-$i" for sort keys %names;
    push @headers, 'DNT' => '1' if rand() < 0.3;
    return @headers;
}

# A request: { bytes, method, kind (page, asset, beacon, metrics), sid,
# expect (the status a well-formed request must get; none for a hostile one
# whose answer is nginx's choice), hostile (what is wrong with it), refused
# (an oversized body: it may meet a reset, and never has a line) }.
sub request {
    my ($client, $i, $cookie) = @_;

    my $sid = "sid=$client-$i";
    my %h = (host => "127.0.0.1:$port", agent => $CX::Test::BROWSER);
    my @extra;
    my $hostile = rand() < 0.25;
    my $roll = rand;

    my ($method, $target, $body, $kind, $expect) = ('GET', undef, undef,
        'page', 200);
    my $cookies = defined $cookie ? "cx=$cookie" : undef;

    if (!$hostile) {
        if ($roll < 0.60) {
            $target = '/p/' . int(rand 50) . "?$sid";
            $target = "/?$sid" if rand() < 0.1;
            # HEAD is no page view (README, "What a page view is")
            $method = 'HEAD' if rand() < 0.03;
        } elsif ($roll < 0.70) {
            $target = '/fcgi/page' . int(rand 5) . "?$sid";
        } elsif ($roll < 0.82) {
            ($kind, $target) = ('asset', pick('/static/app.css',
                '/static/logo.png') . "?$sid");
        } elsif ($roll < 0.97) {
            ($kind, $expect) = ('beacon', 204);
            my $form = pick('score=4', 'scale=nps&score=9&comment=ok',
                'event=add_to_cart&value=3', 'scale=thumbs&score=1',
                'score=2&comment=' . ('slow%20page%20' x 20));
            if (rand() < 0.3) {
                $target = "/cx/feedback?$form";
            } else {
                ($method, $target, $body) = ('POST', '/cx/feedback', $form);
                push @extra, 'Content-Type' =>
                    'application/x-www-form-urlencoded';
            }
        } else {
            ($kind, $target) = ('metrics', '/metrics');
        }

        return build($method, $target, \%h, $cookies, \@extra, $body,
            { kind => $kind, expect => $expect, sid => $sid });
    }

    # hostile: a page with something wrong in it, nearly always with
    # spoofed X-CX headers; or a beacon in a shape clients rarely use

    my $what = int rand 9;
    my $page = rand() < 0.8 ? '/p/' : '/fcgi/';
    $target = "$page" . int(rand 50) . "?$sid";

    if ($what == 0) {
        $target = $page . pick(@BAD_PATH) . "?$sid";
    } elsif ($what == 1) {
        $target = $page . "q?$sid&" . pick(@BAD_QUERY);
    } elsif ($what == 2) {
        push @extra, Referer => pick(@BAD_REFERER);
    } elsif ($what == 3) {
        $h{agent} = pick(@BAD_AGENT);
    } elsif ($what == 4) {
        $h{host} = pick(@BAD_HOST);
    } elsif ($what == 5) {
        # forged, duplicated (either first), oversized, a second Cookie
        my $k = int rand 5;
        my $real = $cookie // base64url(70);
        $cookies = $k == 0 ? 'cx=' . forged($cookie)
            : $k == 1 ? "cx=$real; cx=" . forged($cookie)
            : $k == 2 ? 'cx=' . forged($cookie) . "; other=1; cx=$real"
            : $k == 3 ? 'big=' . ('b' x 6000) . "; cx=$real"
            : 'huge=' . ('h' x 20000) . "; cx=$real";
        push @extra, Cookie => 'cx=' . forged($cookie) if rand() < 0.3;
    } elsif ($what == 6) {
        return chunked_beacon($client, $i, \%h, $cookies, $sid);
    } elsif ($what == 7) {
        return oversized_beacon($client, $i, \%h, $cookies, $sid);
    }

    # what == 8: the spoofs alone
    push @extra, spoofs($client, $i) if $what == 8 || rand() < 0.8;

    return build('GET', $target, \%h, $cookies, \@extra, undef,
        { kind => 'page', sid => $sid, hostile => $what });
}

# chunked bodies of every shape: one chunk, byte by byte, with extensions,
# with a trailer, text/plain, and an empty one
sub chunked_beacon {
    my ($client, $i, $h, $cookies, $sid) = @_;

    my $form = pick('score=4', 'scale=ces&score=6&comment=' . ('ok+' x 30),
        'event=signup&value=1');
    my $shape = int rand 6;
    my $chunks;

    if ($shape == 0) {
        $chunks = sprintf("%x\r\n%s\r\n", length $form, $form);
    } elsif ($shape == 1) {
        $chunks = join '', map { "1\r\n$_\r\n" } split //, $form;
    } elsif ($shape == 2) {
        my $half = int(length($form) / 2);
        $chunks = sprintf("%x;ext=1\r\n%s\r\n%x;name=\"v\"\r\n%s\r\n",
            $half, substr($form, 0, $half), length($form) - $half,
            substr($form, $half));
    } elsif ($shape == 3) {
        $chunks = sprintf("%X\r\n%s\r\n", length $form, $form);
    } elsif ($shape == 4) {
        $chunks = sprintf("%x\r\n%s\r\n", length $form, $form);
    } else {
        $form = '';
        $chunks = '';
    }

    my $tail = $shape == 3 ? "0\r\nX-Trailer: 1\r\n\r\n" : "0\r\n\r\n";
    my $type = $shape == 4 ? 'text/plain'
        : 'application/x-www-form-urlencoded';

    # an empty form has no score: 400, and no line
    return build('POST', '/cx/feedback', $h, $cookies,
        ['Content-Type' => $type, 'Transfer-Encoding' => 'chunked'],
        "$chunks$tail",
        { kind => 'beacon', expect => $form eq '' ? 400 : 204,
          sid => $sid, hostile => 'chunked' });
}

# past any valid form: refused, whatever the framing, and no line
sub oversized_beacon {
    my ($client, $i, $h, $cookies, $sid) = @_;

    my $comment = 'comment=' . ('%E2%82%AC' x (16384 + int rand 8000));
    my @extra = ('Content-Type' => 'application/x-www-form-urlencoded');
    my $body = "score=3&$comment";

    if (rand() < 0.5) {
        push @extra, 'Transfer-Encoding' => 'chunked';
        $body = join('', map { sprintf("%x\r\n%s\r\n", length $_, $_) }
            unpack('(a8000)*', $body)) . "0\r\n\r\n";
    }

    return build('POST', '/cx/feedback', $h, $cookies, \@extra, $body,
        { kind => 'beacon', sid => $sid, hostile => 'oversized',
          refused => 1 });
}

sub build {
    my ($method, $target, $h, $cookies, $extra, $body, $req) = @_;

    my @headers = (Host => $h->{host});
    push @headers, 'User-Agent' => $h->{agent} if length $h->{agent};
    push @headers, Cookie => $cookies if defined $cookies;
    push @headers, @$extra;

    my %named = map { lc($headers[$_]) => 1 } grep { $_ % 2 == 0 }
        0 .. $#headers;
    push @headers, 'Content-Length' => length $body
        if defined $body && !$named{'transfer-encoding'};

    my $bytes = "$method $target HTTP/1.1\r\n";
    while (my ($name, $value) = splice @headers, 0, 2) {
        $bytes .= "$name: $value\r\n";
    }
    $req->{bytes} = "$bytes\r\n" . ($body // '');
    $req->{method} = $method;

    return $req;
}

# -- a client -------------------------------------------------------------

sub client {
    my ($client, $count, $progress) = @_;

    srand($SEED * 1000 + $client);

    my $c = $t->connection;
    my $cookie;
    my %out = (pages => [], beacons => 0, leaks => {}, statuses => {},
        unexpected => [], no_response => 0, lost => [], set_cookie => 0,
        requests => 0, cookie_not_page => []);

    for my $i (1 .. $count) {
        my $req = request($client, $i, $cookie);
        my $res = $c->exchange($req->{bytes}, method => $req->{method});

        # nginx closes idle keep-alive connections on reload, before it
        # reads what is on them: the request was not served, send it again
        unless ($res) {
            $out{no_response}++;
            $res = $c->exchange($req->{bytes}, method => $req->{method});
        }

        $out{requests}++;
        syswrite($progress, '.') if $i % $PROGRESS_EVERY == 0;

        unless ($res) {
            push @{ $out{lost} }, summary($req) unless $req->{refused};
            next;
        }

        my $status = $res->{status};
        my $h = $res->{headers};
        $out{statuses}{"$req->{kind} $status"}++;

        if (defined $req->{expect} && $status != $req->{expect}) {
            push @{ $out{unexpected} }, summary($req) . " -> $status"
                if @{ $out{unexpected} } < 50;
        }

        # a page view: an answer of a page location to a GET, text/html,
        # not a "204 No Content" nor a redirect (README, "What a page view
        # is")
        if ($req->{method} eq 'GET' && defined $h->{'x-soak'}
            && ($h->{'content-type'} // '') =~ m{^text/html}
            && $status != 204 && !($status >= 301 && $status < 400
                && $status != 304))
        {
            push @{ $out{pages} }, $req->{sid};
        } elsif (defined CX::Test::set_cookie($res)) {
            # only a page view re-issues the cookie
            push @{ $out{cookie_not_page} }, summary($req) . " -> $status";
        }

        $out{beacons}++ if $req->{kind} eq 'beacon' && $status == 204;

        # whatever the backend was told: no value of the client's own
        if ($res->{content} =~ /SPOOF/) {
            leaks(\%out, $res->{content});
        }

        my $set = CX::Test::cookie_value($res);
        if (defined $set) {
            $out{set_cookie}++;
            $cookie = $set unless defined $req->{hostile};
        }

        # a new visitor now and then
        $cookie = undef if rand() < 0.01;
    }

    $c->disconnect;

    open my $fh, '>', "$prefix/soak/client-$client.json" or die "$!";
    print $fh CX::Test->json->encode(\%out);
    close $fh;
}

sub summary {
    my ($req) = @_;
    my ($line) = $req->{bytes} =~ /^([^\r]*)/;
    $line = substr($line, 0, 120);
    $line =~ s/([^\x20-\x7e])/sprintf('\\x%02x', ord $1)/ge;
    return "$req->{kind}" . (defined $req->{hostile}
        ? " (hostile $req->{hostile})" : '') . ": $line";
}

# names of the headers (echo: [[name, value], ...]; FastCGI: {NAME: value})
# that carried a client's value
sub leaks {
    my ($out, $content) = @_;

    my $json = eval { CX::Test->json->decode($content) };
    my @pairs = !$json ? (['(body)', $content])
        : ref $json->{headers} eq 'ARRAY' ? @{ $json->{headers} }
        : map { [$_, $json->{$_}] } keys %$json;

    for my $pair (@pairs) {
        $out->{leaks}{$pair->[0]}++ if ($pair->[1] // '') =~ /SPOOF/;
    }
}

# -- the run --------------------------------------------------------------

pipe(my $progress_in, my $progress_out) or die "pipe: $!";

my @pids;
for my $client (1 .. $CLIENTS) {
    my $count = int($TOTAL / $CLIENTS) + ($client <= $TOTAL % $CLIENTS);
    my $pid = fork // die "fork: $!";

    if ($pid == 0) {
        close $progress_in;
        my $ok = eval { client($client, $count, $progress_out); 1 };
        print STDERR "client $client: $@" unless $ok;
        POSIX::_exit($ok ? 0 : 1);
    }

    push @pids, $pid;
}
close $progress_out;

# reloads at 20% and 60% of the requests, reopens at 40% and 80%
my @events = ([0.2, 'reload'], [0.4, 'reopen'], [0.6, 'reload'],
    [0.8, 'reopen']);
my ($done, $reloads, $reopens, %exit) = (0, 0, 0);
my $select = IO::Select->new($progress_in);
my $end = time + 600 + $TOTAL / 20;

while (keys %exit < @pids) {
    die "the soak did not finish in time" if time > $end;

    if ($select->can_read(0.5)) {
        my $n = sysread($progress_in, my $dots, 4096);
        $done += $n * $PROGRESS_EVERY if $n;
    }

    while (@events && $done >= $events[0][0] * $TOTAL) {
        my $event = (shift @events)->[1];

        if ($event eq 'reload') {
            $reloads++;
            note("reload $reloads after about $done requests");
            $t->reload(http($reloads));
        } else {
            $reopens++;
            note("reopen $reopens after about $done requests");
            rename "$prefix/logs/cx.log", "$prefix/logs/cx.log.$reopens"
                or die "rename: $!";
            $t->reopen;
            $t->wait_until(sub { -e "$prefix/logs/cx.log" },
                'the journey file to be reopened');
        }
    }

    for my $pid (@pids) {
        next if exists $exit{$pid};
        $exit{$pid} = $? if waitpid($pid, WNOHANG) == $pid;
    }
}

is(join(',', map { $exit{$_} } @pids), join(',', (0) x @pids),
    'every client ran to its end');
is($reloads, 2, 'two reloads during the run');
is($reopens, 2, 'two reopens during the run');

# quitting flushes every worker's buffer; no worker may have crashed, no
# sanitizer may have reported (CX_SANITIZED)
$t->stop;

# -- what the clients saw -------------------------------------------------

my (%expected, $beacons, %leaks, %statuses, @unexpected, @lost,
    @cookie_not_page);
my ($no_response, $set_cookie, $requests) = (0, 0, 0);

for my $client (1 .. $CLIENTS) {
    my $out = CX::Test->json->decode(
        $t->read_file("soak/client-$client.json") // '{}');

    $expected{$_}++ for @{ $out->{pages} };
    $beacons += $out->{beacons};
    $leaks{$_} += $out->{leaks}{$_} for keys %{ $out->{leaks} };
    $statuses{$_} += $out->{statuses}{$_} for keys %{ $out->{statuses} };
    push @unexpected, @{ $out->{unexpected} };
    push @lost, @{ $out->{lost} };
    push @cookie_not_page, @{ $out->{cookie_not_page} };
    $no_response += $out->{no_response};
    $set_cookie += $out->{set_cookie};
    $requests += $out->{requests};
}

note("answers: " . join(', ', map { "$_: $statuses{$_}" }
    sort keys %statuses));
note(scalar(keys %expected) . " page views ($set_cookie with a cookie), "
    . "$beacons beacons, $no_response sent again after a closed "
    . "connection");

is($requests, $TOTAL, "$TOTAL requests sent");
is(scalar @lost, 0, 'every request answered')
    or diag(first(@lost));
is(scalar @unexpected, 0, 'every well-formed request got its status')
    or diag(first(@unexpected));
is(scalar @cookie_not_page, 0, 'no cookie on an answer that is no page view')
    or diag(first(@cookie_not_page));
is_deeply(\%leaks, {}, 'no spoofed X-CX value reached a backend')
    or diag(join ', ', map { "$_: $leaks{$_}" } sort keys %leaks);

# -- what the journey holds -----------------------------------------------

my @files = grep { -e } map { "$prefix/logs/$_" } qw(cx.log.1 cx.log.2
    cx.log);
is(scalar @files, 3, 'the two moved files and the new one');

my (@lines, @torn);
for my $file (@files) {
    my $content = $t->read_file($file);
    push @torn, "$file does not end with a newline"
        if length $content && $content !~ /\n\z/;
    push @lines, $content =~ /([^\n]*)\n/g;
}
is_deeply(\@torn, [], 'every file ends on a line boundary');

CX::Test::validate_journey(@lines);

my (%seen, $beacon_lines, @other);
for my $line (@lines) {
    my $record = eval { CX::Test->json->decode($line) } or next;
    my $event = $record->{event} // '';

    if ($event eq 'page_view') {
        my ($sid) = ($record->{query} // '') =~ /^(sid=\d+-\d+)/;
        $seen{$sid // '(none)'}++;
    } elsif ($event eq 'feedback' || $event eq 'event') {
        $beacon_lines++;
    } else {
        push @other, substr($line, 0, 200);
    }
}

my @missing = grep { !$seen{$_} } sort keys %expected;
my @extra = grep { !$expected{$_} } sort keys %seen;
my @twice = grep { $seen{$_} > 1 } sort keys %seen;

is(scalar keys %seen, scalar keys %expected,
    scalar(keys %expected) . ' page views, as many page view lines');
is_deeply(\@missing, [], 'every page view has its line')
    or diag(first(@missing));
is_deeply(\@extra, [], 'no line of a request that was no page view')
    or diag(first(@extra));
is_deeply(\@twice, [], 'no page view written twice')
    or diag(first(@twice));
is($beacon_lines // 0, $beacons, "$beacons accepted beacons, as many lines");
is_deeply(\@other, [], 'no line of another kind');

done_testing();

# the first 20 of a list, a line each
sub first {
    my (@list) = @_;
    return join "\n", @list[0 .. ($#list < 19 ? $#list : 19)];
}
