# cx_log syslog: one datagram per journey line, with nginx's syslog header,
# each a valid record after it, each counted once sent.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $t = CX::Test->new;
my $udp = $t->udp_listener('syslog');

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log syslog:server=127.0.0.1:%%PORT_syslog%%,tag=cxjourney;
    cx_metrics_zone cx 1m;

    server {
        listen 127.0.0.1:%%PORT%%;
        large_client_header_buffers 4 16k;

        location / {
            default_type text/html;
            return 200 "<p>page</p>";
        }

        location = /metrics {
            cx_log off;
            cx_metrics;
        }
    }
CONF

my @targets = map { "/page?n=$_" } 1 .. 8;
push @targets, "/bad\xff\xfe?x=\xc3";
push @targets, '/long?' . ('q' x 5000);

$t->raw("GET $_ HTTP/1.1\r\nHost: syslog.example\r\nConnection: close\r\n\r\n")
    for @targets;

my @messages = $t->udp_messages($udp, scalar @targets);
is(scalar @messages, scalar @targets, 'one datagram per page view');

my @records;

for my $message (@messages) {
    my ($pri, $json) = $message =~
        /^<(\d+)>\w{3} [ \d]\d \d\d:\d\d:\d\d \S+ cxjourney: (\{.*\})$/s;
    ok(defined $json, 'syslog header, tag, then the record')
        or diag($message);
    is($pri, 23 * 8 + 6, 'local7.info');
    unlike($json // '', qr/\n/, 'no newline inside the message');
    push @records, $json // '{}';
}

CX::Test::validate_journey(@records);
my @parsed = map { $t->json->decode($_) } @records;

is_deeply([map { $_->{query} } @parsed[0 .. 7]], [map { "n=$_" } 1 .. 8],
    'the page views, in order');
is($parsed[8]{path}, "/bad\x{fffd}\x{fffd}", 'invalid UTF-8 replaced');
is($parsed[8]{query}, "x=\x{fffd}", 'a truncated sequence replaced');
is_deeply($parsed[9]{truncated}, ['query'], 'a long line is cut, not lost');
is($parsed[0]{host}, 'syslog.example', 'host');

# each line counted once it is sent, under the server's name
my $metrics = $t->get('/metrics')->{content};
my $server = 'syslog:127.0.0.1:' . $t->port('syslog');
for (['cx_log_lines_written_total', 10], ['cx_log_lines_lost_total', 0],
    ['cx_log_write_errors_total', 0])
{
    my ($series, $expect) = @$_;
    like($metrics, qr/^\Q$series\E\{destination="\Q$server\E"\} $expect$/m,
        "$series: $expect");
}

$t->stop;

done_testing();
