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
like($out, qr/cx_log "[^"]+shared\.log" is already used by another log/,
    'shared file named');

done_testing();
