# A geo database's region and city become $cx_region and $cx_city, which
# operators put in proxy_set_header and add_header: a name with spaces or
# letters beyond ASCII passes as it is, one with a line break or another
# control byte is empty there, while the journey keeps what it said.

use strict;
use warnings;
use utf8;

use lib 't/lib';
use Test::More;
use CX::Test;
use CX::MMDB;
use Encode qw(encode_utf8);

my $t = CX::Test->new;

# 0.0.0.0/1 answers names a header can carry, 128.0.0.0/1 ones it cannot
my $CITY = 'Saint-Étienne du Rouvray';
my $HOSTILE_REGION = "NOR\r\nX-Injected: region";
my $HOSTILE_CITY = "Rouen\nX-Injected: city";
CX::MMDB::write($t->prefix . '/geo.mmdb',
    low => {
        country => { iso_code => 'FR' },
        subdivisions => [{ iso_code => 'NOR' }],
        city => { names => { en => $CITY } },
    },
    high => {
        country => { iso_code => 'FR' },
        subdivisions => [{ iso_code => $HOSTILE_REGION }],
        city => { names => { en => $HOSTILE_CITY } },
    });

$t->echo_backend;
$t->start(<<'CONF');
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
    cx_geoip2 %%PREFIX%%/geo.mmdb;

    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location /proxy/ {
            proxy_set_header X-Region "[$cx_region]";
            proxy_set_header X-City "[$cx_city]";
            proxy_pass http://127.0.0.1:%%PORT_backend%%;
        }

        location / {
            add_header X-Region "[$cx_region]";
            add_header X-City "[$cx_city]";
            return 200 "<p>page</p>";
        }
    }
CONF

sub echoed {
    my ($r, $name) = @_;
    my $echo = $t->json->decode($r->{content});
    return [map { $_->[1] } grep { lc $_->[0] eq lc $name }
        @{ $echo->{headers} }];
}

subtest 'names a header can carry pass as they are' => sub {
    my $r = $t->get('/', 'X-Forwarded-For' => '81.2.69.142');
    is($r->{headers}{'x-region'}, '[NOR]', 'add_header: $cx_region');
    is($r->{headers}{'x-city'}, '[' . encode_utf8($CITY) . ']',
        'add_header: $cx_city with a space and an accent');

    $r = $t->get('/proxy/p', 'X-Forwarded-For' => '81.2.69.142');
    is_deeply(echoed($r, 'X-City'), ['[' . encode_utf8($CITY) . ']'],
        'proxy_set_header: $cx_city');
};

subtest 'names with a line break are empty in headers' => sub {
    my $r = $t->get('/', 'X-Forwarded-For' => '203.0.113.9');
    is($r->{headers}{'x-region'}, '[]', 'add_header: $cx_region empty');
    is($r->{headers}{'x-city'}, '[]', 'add_header: $cx_city empty');
    ok(!exists $r->{headers}{'x-injected'}, 'add_header: nothing injected');

    $r = $t->get('/proxy/p', 'X-Forwarded-For' => '203.0.113.9');
    is_deeply(echoed($r, 'X-Region'), ['[]'], 'proxy_set_header: region');
    is_deeply(echoed($r, 'X-City'), ['[]'], 'proxy_set_header: city');
    is_deeply(echoed($r, 'X-Injected'), [], 'proxy_pass: nothing injected');
};

# workers flush in their own order: the lines are told apart by address
subtest 'the journey keeps what the database said' => sub {
    my @lines = $t->journey(4);
    is(scalar @lines, 4, 'a line for each page view');
    my @good = grep { $_->{ip} eq '81.2.69.0' } @lines;
    my @hostile = grep { $_->{ip} eq '203.0.113.0' } @lines;
    is_deeply([map { $_->{city} } @good], [$CITY, $CITY],
        'the name with its accent');
    is_deeply([map { $_->{region} } @hostile],
        [$HOSTILE_REGION, $HOSTILE_REGION], 'the region, JSON-escaped');
    is_deeply([map { $_->{city} } @hostile], [$HOSTILE_CITY, $HOSTILE_CITY],
        'the city, JSON-escaped');
};

$t->stop;

done_testing();
