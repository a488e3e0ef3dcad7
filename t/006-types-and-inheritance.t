# cx_types decides which content types are page views; cx, cx_log and
# cx_types are inherited from the outer level unless a level sets its own.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;

my $t = CX::Test->new;

$t->write_file('html/page.html', "<p>page</p>\n");
$t->write_file('html/data.json', "{}\n");
$t->write_file('html/style.css', "p {}\n");
$t->write_file('html/any/data.json', "{}\n");
$t->write_file('html/any/logo.png', "png\n");
$t->write_file('html/own/page.html', "<p>own</p>\n");
$t->write_file('html/off/page.html', "<p>off</p>\n");
$t->write_file('html/both/page.html', "<p>both</p>\n");

$t->write_file('html/ssi/page.html',
    "<p>a <!--# include virtual=\"/ssi/part.html\" --> b</p>\n");
$t->write_file('html/ssi/part.html', "<i>part</i>\n");

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_types text/html application/json;

    server {
        listen 127.0.0.1:%%PORT_quiet%%;
        cx_log off;
        root %%PREFIX%%/html;

        location /own/ {
            cx_log %%PREFIX%%/logs/quiet-own.log flush=50ms;
        }
    }

    server {
        listen 127.0.0.1:%%PORT%%;
        root %%PREFIX%%/html;

        location /any/ {
            cx_types *;
        }

        location /own/ {
            cx_log %%PREFIX%%/logs/own.log flush=50ms;
        }

        location /off/ {
            cx_log off;
        }

        location /ssi/ {
            ssi on;
            log_subrequest on;
        }

        location /both/ {
            cx_log %%PREFIX%%/logs/cx.log flush=50ms;
            cx_log %%PREFIX%%/logs/own.log flush=50ms;
        }
    }
CONF

$t->get($_) for qw(/page.html /data.json /style.css /any/data.json
    /any/logo.png /own/page.html /off/page.html /both/page.html /ssi/page.html
    /page.html);

my @main = $t->journey(7);
is_deeply([map { $_->{path} } @main], [qw(/page.html /data.json
    /any/data.json /any/logo.png /both/page.html /ssi/page.html /page.html)],
    'main log: html and json, anything under cx_types *, not css; an SSI '
    . 'page with its include once, log_subrequest or not');

my @own = $t->journey(2, file => $t->prefix . '/logs/own.log');
is_deeply([map { $_->{path} } @own], [qw(/own/page.html /both/page.html)],
    'a location with its own cx_log writes there, two logs get both');

$t->request('GET', '/own/page.html', port => 'quiet');
my @quiet = $t->journey(1, file => $t->prefix . '/logs/quiet-own.log');
is($quiet[0]{path}, '/own/page.html',
    'a cx_log below a "cx_log off" writes');

my ($ok, $out) = $t->nginx_test(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log off;
    cx_log %%PREFIX%%/logs/x.log;
    server { listen 127.0.0.1:%%PORT%%; }
CONF
like($out, qr/\[emerg\] .*"cx_log off" and a cx_log at one level/,
    'off and a log at one level fail nginx -t');

$t->stop;

done_testing();
