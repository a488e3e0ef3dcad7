# Geo from MaxMind's test databases (../shared/geoip; their .json sources
# give every expected value), behind realip as an operator behind a load
# balancer would have it; broken databases; auto_reload; cx_privacy.

use strict;
use warnings;
use utf8;

use lib 't/lib';
use Test::More;
use CX::Test;
use File::Copy qw(copy);
use Math::BigInt;

my $t = CX::Test->new;
my $geo = $t->shared . '/geoip';

sub http {
    my (%opt) = @_;
    my $dbs = $opt{dbs} // <<"CONF";
    cx_geoip2 $geo/GeoIP2-City-Test.mmdb;
    cx_geoip2 $geo/GeoLite2-ASN-Test.mmdb;
CONF
    return <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_log %%PREFIX%%/logs/cx.log flush=50ms;
$dbs
    set_real_ip_from 127.0.0.1;
    real_ip_header X-Forwarded-For;

    server {
        listen 127.0.0.1:%%PORT%%;
        default_type text/html;

        location / {
            add_header X-Country \$cx_country;
            add_header X-Region \$cx_region;
            add_header X-City \$cx_city;
            add_header X-ASN \$cx_asn;
            return 200 "<p>page</p>";
        }

        location /full {
            cx_privacy ip=full;
            return 200 "<p>full</p>";
        }

        location /off {
            cx_privacy ip=off;
            return 200 "<p>off</p>";
        }
    }
CONF
}

sub from {
    my ($t, $address, $path) = @_;
    return $t->get($path // '/', 'X-Forwarded-For' => $address);
}

my $seen = 0;
sub next_lines {
    my ($t, $n) = @_;
    $seen += $n;
    return ($t->journey($seen))[-$n .. -1];
}

sub geo_of {
    my ($line) = @_;
    return [@$line{qw(country region city lat lon asn as_org)}];
}

$t->start(http());

subtest 'known answers' => sub {
    my $r = from($t, '81.2.69.142');
    is($r->{headers}{'x-country'}, 'GB', '$cx_country');
    is($r->{headers}{'x-region'}, 'ENG', '$cx_region');
    is($r->{headers}{'x-city'}, 'London', '$cx_city');
    ok(!defined $r->{headers}{'x-asn'}, '$cx_asn empty without an answer');

    $r = from($t, '89.160.20.112');
    is($r->{headers}{'x-asn'}, '29518', '$cx_asn');
    from($t, '216.160.83.56');
    from($t, '2.125.160.216');
    from($t, '2001:218::1');
    $r = from($t, '127.0.0.1');
    ok(!defined $r->{headers}{'x-country'}, 'loopback: no $cx_country');

    my @l = next_lines($t, 6);
    is_deeply(geo_of($l[0]), ['GB', 'ENG', 'London', 51.5142, -0.0931, undef,
        undef], '81.2.69.142: London');
    is_deeply(geo_of($l[1]), ['SE', 'E', 'Linköping', 58.4167, 15.6167, 29518,
        'Bredband2 AB'], '89.160.20.112: Linköping, AS29518');
    is_deeply(geo_of($l[2]), ['US', 'WA', 'Milton', 47.2513, -122.3149, 209,
        undef], '216.160.83.56: Milton, AS209');
    is_deeply(geo_of($l[3]), ['GB', 'ENG', 'Boxford', 51.75, -1.25, undef,
        undef], '2.125.160.216: Boxford');
    is_deeply(geo_of($l[4]), ['JP', undef, undef, 35.68536, 139.75309, undef,
        undef], '2001:218::1: Japan (IPv6)');
    is_deeply(geo_of($l[5]), [(undef) x 7], '127.0.0.1: no geo at all');

    is($l[0]{ip}, '81.2.69.0', 'IPv4 anonymised to /24');
    is($l[4]{ip}, '2001:218::', 'IPv6 anonymised to /48');
    is($l[5]{ip}, '127.0.0.0', 'loopback anonymised too');
};

subtest 'cx_privacy' => sub {
    from($t, '81.2.69.142', '/full');
    from($t, '2001:218:1:2::3', '/full');
    from($t, '81.2.69.142', '/off');
    my @l = next_lines($t, 3);
    is($l[0]{ip}, '81.2.69.142', 'ip=full, IPv4');
    is($l[1]{ip}, '2001:218:1:2::3', 'ip=full, IPv6');
    ok(!defined $l[2]{ip}, 'ip=off: null');
    is($l[2]{country}, 'GB', 'geo is looked up from the full address');

    my $log = $t->read_file('logs/cx.log');
    my @full = $log =~ /"path":"\/full"/g;
    my @raw = $log =~ /89\.160\.20\.112|216\.160\.83\.56|2\.125\.160\.216|2001:218::1"/g;
    is(scalar @raw, 0, 'by default no full address appears in the log');
    my @london = $log =~ /81\.2\.69\.142/g;
    is(scalar @london, 1, 'only where ip=full asked for it');
};

# the anonymised text is kept in the worker's geo cache with the answers,
# whose key is the address: an IPv4 address and its IPv4-mapped IPv6 form
# share the slot, but each is written as it came
subtest 'anonymised address from the geo cache' => sub {
    from($t, '81.2.69.160') for 1 .. 2;
    from($t, '::ffff:81.2.69.160') for 1 .. 2;
    from($t, '81.2.69.160');
    from($t, '2001:218::7') for 1 .. 2;
    my @l = next_lines($t, 7);
    is_deeply([map { $_->{ip} } @l],
        ['81.2.69.0', '81.2.69.0', '::ffff:81.2.69.0', '::ffff:81.2.69.0',
         '81.2.69.0', '2001:218::', '2001:218::'], 'each as it came');
    is_deeply([map { $_->{country} } @l], [('GB') x 5, ('JP') x 2],
        'the same answers');
};

$t->stop;

# Several databases: each field from the most specific one that has it (City
# before Country; asn and as_org from ASN ones only), lat with lon from one
# entry or neither, whatever the order of the directives.  Each address is
# asked twice: the second answer comes from the worker's cache.  The
# addresses sorted after a neighbour of theirs fall in a record the
# neighbour's lookup read: their first answer comes from the records kept.
my %merged = (
    '81.2.69.142'   => ['GB', 'ENG', 'London', 51.5142, -0.0931, undef, undef],
    '2.125.160.216' => ['GB', 'ENG', 'Boxford', 51.75, -1.25, undef, undef],
    '89.160.20.112' => ['SE', 'E', 'Linköping', 58.4167, 15.6167, 29518,
                        'Bredband2 AB'],
    '89.160.20.121' => ['SE', 'E', 'Linköping', 58.4167, 15.6167, 29518,
                        'Bredband2 AB'],
    '216.160.83.56' => ['US', 'WA', 'Milton', 47.2513, -122.3149, 209, undef],
    '216.160.83.60' => ['US', 'WA', 'Milton', 47.2513, -122.3149, 209, undef],
    '216.160.83.70' => ['US', 'WA', undef, 47.7511, -120.7401, 209, undef],
    '81.2.69.143'   => ['GB', 'ENG', 'London', 51.5142, -0.0931, undef, undef],
    '2001:218::1'   => ['JP', undef, undef, 35.68536, 139.75309, undef, undef],
    '2001:218::2'   => ['JP', undef, undef, 35.68536, 139.75309, undef, undef],
    '217.65.48.1'   => ['GI', (undef) x 6],    # in Country, not in City
    '127.0.0.1'     => [(undef) x 7],
);
my @addresses = sort keys %merged;

sub permutations {
    my (@list) = @_;
    return ([]) unless @list;
    return map {
        my $i = $_;
        my @rest = @list;
        my ($first) = splice @rest, $i, 1;
        map { [$first, @$_] } permutations(@rest);
    } 0 .. $#list;
}

sub merged_answers {
    my ($order, $expected) = @_;
    my $m = CX::Test->new;
    $m->start(http(dbs => join '', map { "    cx_geoip2 $geo/$_.mmdb;\n" }
        @$order));
    my %header;
    for my $address (@addresses, @addresses) {
        my $city = from($m, $address)->{headers}{'x-city'};
        utf8::decode($city) if defined $city;
        push @{ $header{$address} }, $city;
    }
    my @l = $m->journey(2 * @addresses);
    $m->stop;
    my $name = join ', ', @$order;
    for my $i (0 .. $#addresses) {
        my $address = $addresses[$i];
        is_deeply(geo_of($l[$i]), $expected->{$address},
            "$name: $address");
        is_deeply(geo_of($l[$i + @addresses]), $expected->{$address},
            "$name: $address, cached");
        is_deeply($header{$address}, [($expected->{$address}[2]) x 2],
            "$name: $address, \$cx_city");
    }
}

subtest 'several databases: the same answer in every order' => sub {
    for my $order (permutations(qw(GeoIP2-City-Test GeoIP2-Country-Test
        GeoLite2-ASN-Test)))
    {
        merged_answers($order, \%merged);
    }
    merged_answers([qw(GeoIP2-Country-Test GeoLite2-City-Test
        GeoLite2-ASN-Test GeoIP2-City-Test)], \%merged);
};

subtest 'lat and lon come from one entry or not at all' => sub {
    # the broken database reads 2001:218::1's latitude but not its
    # longitude, and 81.2.69.142's neither: the location comes whole from
    # the good database, in both orders
    my %no_asn = map { $_ => [@{ $merged{$_} }[0 .. 4], undef, undef] }
        keys %merged;
    $no_asn{'217.65.48.1'} = [(undef) x 7];
    for my $order ([qw(GeoIP2-City-Test GeoIP2-City-Test-Broken-Double-Format)],
        [qw(GeoIP2-City-Test-Broken-Double-Format GeoIP2-City-Test)])
    {
        merged_answers($order, \%no_asn);
    }

    # alone it has half a location: none is written
    my %half = (%no_asn,
        '81.2.69.142'   => ['GB', 'ENG', 'London', undef, undef, undef,
                            undef],
        '2.125.160.216' => ['GB', undef, 'Boxford', undef, undef, undef,
                            undef],
        '89.160.20.112' => ['SE', undef, 'Linköping', undef, undef, undef,
                            undef],
        '216.160.83.56' => ['US', undef, 'Milton', undef, undef, undef,
                            undef],
        '2001:218::1'   => ['JP', undef, undef, undef, undef, undef, undef],
        '216.160.83.70' => [(undef) x 7],
    );
    $half{$_->[0]} = $half{$_->[1]} for ['81.2.69.143', '81.2.69.142'],
        ['89.160.20.121', '89.160.20.112'], ['216.160.83.60', '216.160.83.56'],
        ['2001:218::2', '2001:218::1'];
    merged_answers([qw(GeoIP2-City-Test-Broken-Double-Format)], \%half);

    # with the Country database, which has no location: the same
    $half{'217.65.48.1'} = ['GI', (undef) x 6];
    for my $order ([qw(GeoIP2-Country-Test GeoIP2-City-Test-Broken-Double-Format)],
        [qw(GeoIP2-City-Test-Broken-Double-Format GeoIP2-Country-Test)])
    {
        merged_answers($order, \%half);
    }
};

subtest 'two addresses of one cache set keep their own answers' => sub {
    # The worker's cache has 512 sets of two slots, chosen by the address:
    # 216.160.83.57 and 81.2.69.205 fall in the same (set 288; the hash of
    # ngx_http_cx_geo_cache_set(), in Perl below to say so), so the second
    # moves the first to the set's other slot, where it must still be found
    # whole.
    my $g = Math::BigInt->from_hex('9e3779b97f4a7c15');
    my $set = sub {
        my $w = Math::BigInt->new(0);
        $w = $w * 256 + $_ for reverse 0, 0, 0xff, 0xff, split /\./, shift;
        my $h = $w->copy->bxor($w->copy->brsft(32));
        return (($h * $g) % Math::BigInt->new(2)**64)->brsft(54)->numify & ~1;
    };
    is($set->('216.160.83.57'), $set->('81.2.69.205'), 'one set');
    isnt($set->('216.160.83.57'), $set->('81.2.69.142'), 'another set');

    my $m = CX::Test->new;
    $m->start(http());
    my @order = ('216.160.83.57', '81.2.69.205') x 3;
    my @city = map { from($m, $_)->{headers}{'x-city'} } @order;
    my @l = $m->journey(scalar @order);
    $m->stop;
    is_deeply(\@city, [('Milton', 'London') x 3], '$cx_city each time');
    for my $i (0 .. $#order) {
        is_deeply(geo_of($l[$i]), $order[$i] eq '81.2.69.205'
            ? ['GB', 'ENG', 'London', 51.5142, -0.0931, undef, undef]
            : ['US', 'WA', 'Milton', 47.2513, -122.3149, 209, undef],
            "$order[$i], page view @{[$i + 1]}");
    }
};

subtest 'the kind comes from the metadata, not the file name' => sub {
    my $k = CX::Test->new;
    my $misnamed = $k->prefix . '/GeoIP2-City-ish.mmdb';
    copy("$geo/GeoLite2-ASN-Test.mmdb", $misnamed) or die "copy: $!";
    $k->start(http(dbs => "    cx_geoip2 $misnamed;\n"));
    from($k, '89.160.20.112');
    my ($l) = $k->journey(1);
    is($l->{asn}, 29518, 'an ASN database named like a City one');
    ok(!defined $l->{country}, 'and no country from it');
    $k->stop;
};

subtest 'broken data: served, a valid line, one error a minute' => sub {
    my $b = CX::Test->new;
    $b->start(http(dbs => <<"CONF"));
    cx_geoip2 $geo/GeoIP2-City-Test-Broken-Double-Format.mmdb;
    cx_geoip2 $geo/MaxMind-DB-test-broken-pointers-24.mmdb;
CONF

    for (1 .. 5) {
        is(from($b, '81.2.69.142')->{status}, 200, 'served');
    }
    is(from($b, '1.1.1.16')->{status}, 200, 'served, broken pointers');

    my @l = $b->journey(6);
    is($l[0]{country}, 'GB', 'what could be read: country');
    is($l[0]{city}, 'London', 'what could be read: city');
    ok(!defined $l[0]{lat} && !defined $l[0]{lon},
        'the broken double is left out');

    my $log = $b->read_file('logs/error.log');
    my @double = $log =~ /cx_geoip2 "[^"]*Broken-Double-Format\.mmdb": location failed: The MaxMind DB file's data section contains bad data/g;
    is(scalar @double, 1, 'five broken lookups, one error line');
    like($log, qr/cx_geoip2 "[^"]*broken-pointers-24\.mmdb": \S+ failed: /,
        'the broken pointers are logged');
    $b->stop;
};

subtest 'auto_reload: a new file is taken, a broken one is not' => sub {
    my $a = CX::Test->new;
    my $path = $a->prefix . '/geo.mmdb';
    copy("$geo/GeoIP2-City-Test.mmdb", $path) or die "copy: $!";
    $a->start(http(dbs => "    cx_geoip2 $path auto_reload=100ms;\n"));

    is(from($a, '81.2.69.142')->{headers}{'x-city'}, 'London',
        'the City database');

    replace($a, "$geo/GeoIP2-Country-Test.mmdb", $path);
    my $r;
    $a->wait_until(sub {
        $r = from($a, '81.2.69.142');
        !defined $r->{headers}{'x-city'};
    }, 'the Country database to be taken');
    is($r->{headers}{'x-country'}, 'GB', 'now the Country database answers');
    like($a->read_file('logs/error.log'),
        qr/\[notice\] .*cx_geoip2 "\Q$path\E" reloaded: GeoIP2-Country/,
        'the reload is logged');

    replace($a, "$geo/GeoIP2-City-Test-Invalid-Node-Count.mmdb", $path);
    # a worker looks at the file when a request needs geo
    $a->wait_until(sub {
        from($a, '81.2.69.142');
        ($a->read_file('logs/error.log') // '') =~ /cannot be opened/;
    }, 'the broken file to be tried');
    like($a->read_file('logs/error.log'),
        qr/cx_geoip2 "\Q$path\E" cannot be opened: The MaxMind DB file contains invalid metadata, keeping the database in use/,
        'the error says why');

    $r = from($a, '81.2.69.142');
    is($r->{headers}{'x-country'}, 'GB', 'the last good database answers');
    ok(!defined $r->{headers}{'x-city'}, 'the Country one, not the City');
    $a->stop;
};

subtest 'nginx -t: files that cannot be opened' => sub {
    my $e = CX::Test->new;

    my ($ok, $out) = $e->nginx_test(http(dbs =>
        "    cx_geoip2 $geo/GeoIP2-City-Test-Invalid-Node-Count.mmdb;\n"));
    ok(!$ok, 'a corrupt database fails');
    like($out, qr/\[emerg\] .*cx_geoip2 "\Q$geo\E\/GeoIP2-City-Test-Invalid-Node-Count\.mmdb" cannot be opened: The MaxMind DB file contains invalid metadata in \S+test\.conf:\d+/,
        'with the path and libmaxminddb\'s error') or diag($out);

    ($ok, $out) = $e->nginx_test(http(dbs =>
        "    cx_geoip2 %%PREFIX%%/missing.mmdb;\n"));
    ok(!$ok, 'a missing file fails');
    like($out, qr/\[emerg\] .*cx_geoip2 "[^"]+\/missing\.mmdb" cannot be opened \(2: No such file or directory\) in \S+test\.conf:\d+/,
        'with the path and the system error') or diag($out);

    ($ok, $out) = $e->nginx_test(http(dbs =>
        "    cx_geoip2 $geo/GeoIP2-City-Test.mmdb auto_reload=often;\n"));
    like($out, qr/\[emerg\] .*invalid auto_reload "often"/, 'bad auto_reload');

    ($ok, $out) = $e->nginx_test(http() . "    cx_privacy ip=hashed;\n");
    like($out, qr/\[emerg\] .*invalid cx_privacy "ip=hashed", it must be "ip=anonymize", "ip=full" or "ip=off"/,
        'bad cx_privacy');
};

done_testing();

# a new file under the path in one rename, as deployments do it
sub replace {
    my ($t, $from, $to) = @_;
    copy($from, "$to.new") or die "copy: $!";
    rename "$to.new", $to or die "rename: $!";
}
