# A bad directive fails "nginx -t" with nginx's file:line and a message
# naming the bad value.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $t = CX::Test->new;

sub server_with {
    my ($directives) = @_;
    my $cx = $directives =~ /^\s*cx / ? '' : '    cx on;';
    return <<"CONF";
$cx
    cx_secret %%SECRET%%;
$directives

    server {
        listen 127.0.0.1:%%PORT%%;
    }
CONF
}

# Runs nginx -t with the directive and checks the message and that the line
# it names is the directive's own.
sub fails_with {
    my ($directive, $message, $name) = @_;

    my ($ok, $out) = $t->nginx_test(server_with("    $directive"));
    ok(!$ok, "$name: nginx -t fails");

    my $conf = $t->prefix . '/test.conf';
    my ($line) = $out =~ /\[emerg\] (?:\d+#\d+: )?\Q$message\E in \Q$conf\E:(\d+)/;
    ok($line, "$name: message and file") or diag($out);

    my @conf = split /\n/, $t->read_file('test.conf');
    my $expanded = $t->expand($directive);
    is($conf[($line // 1) - 1], "    $expanded", "$name: line $line");
}

my ($ok, $out) = $t->nginx_test(server_with(<<'CONF'));
    cx_log %%PREFIX%%/logs/cx.log buffer=128k flush=2s;
    cx_log %%PREFIX%%/logs/cx.log buffer=128k flush=2s;
    cx_log syslog:server=127.0.0.1:5514,tag=cx;
    cx_types text/html application/xhtml+xml;
    cx_speculation refuse;
CONF
ok($ok, 'a good config passes') or diag($out);
like($out, qr/syntax is ok/, 'syntax is ok');

fails_with('cx_log %%PREFIX%%/logs/cx.log buffer=12q;',
    'invalid buffer size "12q"', 'bad buffer size');

fails_with('cx_log %%PREFIX%%/logs/cx.log bufer=64k;',
    'unknown cx_log parameter "bufer=64k"', 'misspelt parameter');

fails_with('cx_log %%PREFIX%%/logs/cx.log flush=soon;',
    'invalid flush time "soon"', 'bad flush time');

fails_with('cx_log %%PREFIX%%/logs/cx.log flush=0;',
    'invalid flush time "0"', 'zero flush time');

fails_with('cx_log %%PREFIX%%/logs/$host.log;',
    'variables are not supported in cx_log path "%%PREFIX%%/logs/$host.log"'
        =~ s/%%PREFIX%%/$t->prefix/er,
    'variables in the path');

fails_with('cx_log syslog:server=127.0.0.1:5514 buffer=1k;',
    'cx_log parameter "buffer=1k" does not apply to syslog',
    'buffer with syslog');

fails_with('cx_log syslog:server=127.0.0.1:5514,flavour=x;',
    'unknown syslog parameter "flavour=x"', 'bad syslog parameter');

fails_with('cx_log off now;',
    'invalid parameter "now" after "off"', 'off with a parameter');

fails_with('cx maybe;',
    'invalid value "maybe" in "cx" directive, it must be "on" or "off"',
    'cx neither on nor off');

fails_with('cx_types;',
    'invalid number of arguments in "cx_types" directive', 'cx_types empty');

fails_with('cx_speculation maybe;',
    'invalid cx_speculation "maybe", it must be "log" or "refuse"',
    'bad cx_speculation');

fails_with('cx_speculation refuse log;',
    'invalid number of arguments in "cx_speculation" directive',
    'cx_speculation with two values');

($ok, $out) = $t->nginx_test(server_with(<<'CONF'));
    cx_log %%PREFIX%%/logs/cx.log buffer=64k;
    cx_log %%PREFIX%%/logs/cx.log buffer=32k;
CONF
ok(!$ok, 'one file with two buffer sizes fails');
like($out, qr/cx_log "[^"]+cx\.log" already defined with other buffer or flush parameters in \S+:\d+/,
    'conflicting buffers named');

($ok, $out) = $t->nginx_test(server_with(<<'CONF'));
    access_log %%PREFIX%%/logs/shared.log combined buffer=8k;
    cx_log %%PREFIX%%/logs/shared.log;
CONF
ok(!$ok, 'a file already used by access_log fails');
like($out, qr/cx_log "[^"]+shared\.log" in \S+:\d+ and access_log "[^"]+shared\.log" write to the same file/,
    'shared file named');

fails_with('cx_header_prefix "";',
    q{invalid cx_header_prefix "", it must be a token: letters, digits }
    . q{and !#$%&'*+-.^_`|~}, 'an empty header prefix');

fails_with('cx_header_prefix "X CX-";',
    q{invalid cx_header_prefix "X CX-", it must be a token: letters, }
    . q{digits and !#$%&'*+-.^_`|~}, 'a header prefix with a space');

fails_with('cx_header_prefix X-CX:;',
    q{invalid cx_header_prefix "X-CX:", it must be a token: letters, }
    . q{digits and !#$%&'*+-.^_`|~}, 'a header prefix with a colon');

# a prefix of a header nginx knows would take the client's away
fails_with('cx_header_prefix C;',
    q{invalid cx_header_prefix "C", the client's "Connection" would be }
    . 'dropped', 'a prefix of Cookie and Connection');

fails_with('cx_header_prefix x_;',
    q{invalid cx_header_prefix "x_", the client's "X-Forwarded-For" would be }
    . 'dropped', 'a prefix of X-Forwarded-For, under any spelling');

fails_with('cx_header_prefix Authorization;',
    q{invalid cx_header_prefix "Authorization", the client's }
    . '"Authorization" would be dropped', 'a whole header name');

fails_with('cx_session_timeout 0;',
    'invalid cx_session_timeout "0", it must be more than 0',
    'no session timeout');

fails_with('cx_session_timeout 0s;',
    'invalid cx_session_timeout "0s", it must be more than 0',
    'no session timeout, in seconds');

fails_with('cx_slow 0;', 'invalid cx_slow "0", it must be more than 0',
    'no slow threshold');

fails_with('cx_touchpoint "" home;',
    'empty cx_touchpoint path for "home", it must be a path or a ~regex',
    'an empty touchpoint path');

fails_with('cx_cookie cx max_age=9999999999999d;',
    'invalid max_age "9999999999999d", it must be at most 400d',
    'a cookie for longer than browsers keep one');

fails_with('cx_cookie cx max_age=401d;',
    'invalid max_age "401d", it must be at most 400d',
    'a day over the cap');

($ok, $out) = $t->nginx_test(server_with('    cx_cookie cx max_age=400d;'));
ok($ok, 'max_age=400d passes') or diag($out);

my $http;

# Errors the merge finds, or found once it ran: each names its directive's
# own line, not the end of http{}.  The config is given whole; the
# directive the error is about is marked "# here" and the mark taken out.
sub fails_at {
    my ($http, $message, $name) = @_;

    my @lines = split /\n/, $http;
    my ($mark) = grep { $lines[$_] =~ /# here$/ } 0 .. $#lines;
    $lines[$mark] =~ s/\s*# here$//;
    $http = join "\n", @lines;

    my ($ok, $out) = $t->nginx_test($http);
    ok(!$ok, "$name: nginx -t fails");

    my $conf = $t->prefix . '/test.conf';
    my ($line) = $out =~ /\[emerg\] (?:\d+#\d+: )?\Q$message\E in \Q$conf\E:(\d+)/;
    ok($line, "$name: message and file") or diag($out);

    my @conf = split /\n/, $t->read_file('test.conf');
    is($conf[($line // 1) - 1], $t->expand($lines[$mark]), "$name: its line");
}

$http = <<'CONF';
    cx_header_prefix "a:b"; # here
CONF
fails_at($http, 'invalid cx_header_prefix "a:b", it must be a token: '
    . q{letters, digits and !#$%&'*+-.^_`|~}, 'a bad prefix no server takes');

$http = <<'CONF';
    cx on; # here
    cx_log %%PREFIX%%/logs/cx.log;

    server {
        listen 127.0.0.1:%%PORT%%;
    }
CONF
fails_at($http, 'cx_secret is required where "cx" is on or a cx_beacon is',
    'cx on without a secret');

$http = <<'CONF';
    server {
        listen 127.0.0.1:%%PORT%%;

        location /shop/ {
            cx on; # here
        }
    }
CONF
fails_at($http, 'cx_secret is required where "cx" is on or a cx_beacon is',
    'cx on in a location without a secret');

$http = <<'CONF';
    server {
        listen 127.0.0.1:%%PORT%%;

        location = /cx/feedback {
            cx_beacon; # here
        }
    }
CONF
fails_at($http, 'cx_secret is required where "cx" is on or a cx_beacon is',
    'a beacon without a secret');

$http = <<'CONF';
    cx on;
    cx_secret %%SECRET%%;
    cx_experiment checkout {
        50% A;
        *   B;
    }

    server {
        listen 127.0.0.1:%%PORT%%;

        location /shop/ {
            cx_experiments checkout nosuch; # here
        }
    }
CONF
fails_at($http, 'cx_experiments: unknown experiment "nosuch"',
    'an unknown experiment');

$http = <<'CONF';
    cx on;
    cx_secret %%SECRET%%;
    cx_experiments nosuch; # here

    server {
        listen 127.0.0.1:%%PORT%%;
    }
CONF
fails_at($http, 'cx_experiments: unknown experiment "nosuch"',
    'an unknown experiment in http{}');

sub alone {
    my ($directive) = @_;
    return "$directive cannot share a location with another content handler "
        . '(proxy_pass, fastcgi_pass, cx_beacon, cx_metrics, ...)';
}

# the directive found second is the one named, at its line
for my $case (
    [ 'cx_beacon', 'cx_metrics before',
        "cx_metrics;\n            cx_beacon; # here" ],
    [ 'cx_metrics', 'cx_beacon before',
        "cx_beacon;\n            cx_metrics; # here" ],
    [ 'cx_beacon', 'proxy_pass before', "proxy_pass http://127.0.0.1:1;\n"
        . "            cx_beacon; # here" ],
    [ 'cx_beacon', 'proxy_pass after', "cx_beacon; # here\n"
        . "            proxy_pass http://127.0.0.1:1;" ],
    [ 'cx_beacon', 'fastcgi_pass after', "cx_beacon; # here\n"
        . "            fastcgi_pass 127.0.0.1:1;" ],
    [ 'cx_metrics', 'proxy_pass before', "proxy_pass http://127.0.0.1:1;\n"
        . "            cx_metrics; # here" ],
    [ 'cx_metrics', 'proxy_pass after', "cx_metrics; # here\n"
        . "            proxy_pass http://127.0.0.1:1;" ],
    [ 'cx_metrics', 'fastcgi_pass after', "cx_metrics; # here\n"
        . "            fastcgi_pass 127.0.0.1:1;" ],
) {
    my ($directive, $name, $directives) = @$case;
    fails_at(<<"CONF", alone($directive), "$directive and $name");
    cx on;
    cx_secret %%SECRET%%;
    cx_metrics_zone cx 1m;

    server {
        listen 127.0.0.1:%%PORT%%;

        location = /cx/feedback {
            $directives
        }
    }
CONF
}

$http = <<'CONF';
    cx on;
    cx_secret %%SECRET%%;

    server {
        listen 127.0.0.1:%%PORT%%;

        location = /cx/feedback {
            cx_beacon;
            cx_beacon; # here
        }
    }
CONF
fails_at($http, '"cx_beacon" directive is duplicate', 'a second cx_beacon');

$http = <<'CONF';
    cx_metrics_zone cx 1m;

    server {
        listen 127.0.0.1:%%PORT%%;

        location = /metrics {
            cx_metrics;
            cx_metrics; # here
        }
    }
CONF
fails_at($http, '"cx_metrics" directive is duplicate',
    'a second cx_metrics');

($ok, $out) = $t->nginx_test(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_metrics_zone cx 1m;

    server {
        listen 127.0.0.1:%%PORT%%;

        location = /cx/feedback {
            cx_beacon;
        }

        location = /metrics {
            cx_metrics;
        }
    }
CONF
ok($ok, 'a beacon and metrics, each in its own location, pass') or diag($out);

done_testing();
