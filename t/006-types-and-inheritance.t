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

$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_types text/html application/json;

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

        location /both/ {
            cx_log %%PREFIX%%/logs/cx.log flush=50ms;
            cx_log %%PREFIX%%/logs/own.log flush=50ms;
        }
    }
CONF

$t->get($_) for qw(/page.html /data.json /style.css /any/data.json
    /any/logo.png /own/page.html /off/page.html /both/page.html /page.html);

my @main = $t->journey(6);
is_deeply([map { $_->{path} } @main], [qw(/page.html /data.json
    /any/data.json /any/logo.png /both/page.html /page.html)],
    'main log: html and json, anything under cx_types *, not css');

my @own = $t->journey(2, file => $t->prefix . '/logs/own.log');
is_deeply([map { $_->{path} } @own], [qw(/own/page.html /both/page.html)],
    'a location with its own cx_log writes there, two logs get both');

$t->stop;

done_testing();
