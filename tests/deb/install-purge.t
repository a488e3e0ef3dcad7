# The Debian packages on this machine's stock nginx: `apt-get install` both,
# run /usr/sbin/nginx configured the way Debian's nginx.conf loads modules
# (include /etc/nginx/modules-enabled/*.conf, no load_module of ours), check
# a journey line and the tools, then `apt-get purge` both and check that
# nothing of them is left but the operator's journey log.
#
# Needs root.  Runs from the repository's root: make test-deb (which builds
# the packages into build/deb/ first).  CX_DEB_DIR names another directory
# holding the .debs.  Both packages are purged at the end whatever happens.

use strict;
use warnings;

use lib 't/lib';
use Test::More;
use CX::Test;
use File::Temp qw(tempdir);

my @PACKAGES = qw(libnginx-mod-http-cx cx-tools);
my $ENABLED = '/etc/nginx/modules-enabled/50-mod-http-cx.conf';
my $AVAILABLE = '/usr/share/nginx/modules-available/mod-http-cx.conf';
my $SO = '/usr/lib/nginx/modules/ngx_http_cx_module.so';
my $ABI_VARS = '/usr/share/nginx/src/debian/libnginx-mod.abisubstvars';

die "tests/deb/install-purge.t installs packages: run it as root\n"
    if $> != 0;

# the stock nginx, no load_module line from the harness
$ENV{CX_NGINX} = '/usr/sbin/nginx';
$ENV{CX_MODULE} = '';

my $root = CX::Test->root;
my $version = slurp("$root/VERSION");
chomp $version;
chomp(my $arch = `dpkg --print-architecture`);
my $dir = $ENV{CX_DEB_DIR} // "$root/build/deb";
my @debs = map { "$dir/${_}_${version}_$arch.deb" } @PACKAGES;

my $purged = 1;

# purge on any way out: a failed check, a die, ^C
$SIG{$_} = sub { die "killed by SIG$_[0]\n" } for qw(INT TERM HUP);

END {
    local $?;
    purge() unless $purged;
}

for my $deb (@debs) {
    ok(-f $deb, "$deb built") or BAIL_OUT("no $deb: make deb first");
}

# a run killed harder than END can catch left them: start clean
if (grep { installed($_) } @PACKAGES) {
    note('installed by an earlier run: purging first');
    purge();
}

# the operator's journey log lives outside nginx's prefix and outlives both
my $logs = tempdir('cx-deb-logs-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $logs;
my $journey = "$logs/journey.log";

my $t = CX::Test->new;
$t->write_file('html/index.html', "<h1>home</h1>\n");

# "load_module modules/..." is relative to the prefix: Debian's prefix
# /usr/share/nginx has modules linked to /usr/lib/nginx/modules, ours too
symlink('/usr/share/nginx/modules', $t->prefix . '/modules')
    or die "modules link: $!";

my $http = <<"CONF";
    cx on;
    cx_secret %%SECRET%%;
    cx_log $journey flush=50ms;
    cx_touchpoint / home;

    server {
        listen 127.0.0.1:%%PORT%%;
        server_name shop.example;
        root %%PREFIX%%/html;
    }
CONF
my %main = (main => 'include /etc/nginx/modules-enabled/*.conf;');

# -- before: the stock nginx knows no cx
my ($ok, $out) = $t->nginx_test($http, %main);
ok(!$ok, 'before: nginx -t fails');
like($out, qr/unknown directive "cx" in /, 'before: cx is unknown');

# -- install
$purged = 0;
is(apt('install', @debs), 0, 'apt-get install ./*.deb');

for my $package (@PACKAGES) {
    is(status($package), 'ii', "$package installed");
}

my %listed = map { $_ => [dpkg_list($_)] } @PACKAGES;

ok(-f $SO, "$SO installed");
is(slurp($AVAILABLE), "load_module modules/ngx_http_cx_module.so;\n",
    "$AVAILABLE loads the module");
is(readlink($ENABLED), $AVAILABLE, "$ENABLED links to it");

my ($abi) = slurp($ABI_VARS) =~ /^nginx:abi=(\S+)$/m;
my %depends = map { /^(\S+)/ ? ($1 => 1) : () }
    split /,\s*/, field('libnginx-mod-http-cx', 'Depends');
ok($abi && $depends{$abi}, "the module depends on $abi");
ok($depends{libmaxminddb0}, 'the module depends on libmaxminddb0');
unlike(field('cx-tools', 'Depends'), qr/nginx/, 'cx-tools needs no nginx');

for my $doc (qw(README.md.gz CHANGELOG.md.gz journey.schema.json.gz
                copyright changelog.gz examples/nginx.conf))
{
    ok(-e "/usr/share/doc/libnginx-mod-http-cx/$doc", "docs: $doc");
}

# -- the tools
is(`/usr/bin/cx-cookie --version`, "cx-cookie $version\n",
    'cx-cookie --version');
ok(-f '/usr/share/man/man1/cx-cookie.1.gz', 'cx-cookie(1)');

is(`/usr/bin/cx-report --version`, "cx-report $version\n",
    'cx-report --version');
ok(-f '/usr/share/man/man1/cx-report.1.gz', 'cx-report(1)');

# -- the stock nginx with the packaged module, through modules-enabled
($ok, $out) = $t->nginx_test($http, %main);
ok($ok, 'nginx -t passes') or diag($out);

$t->start($http, %main);

my (undef, $dump) = $t->run_nginx('-T', '-c', $t->prefix . '/nginx.conf');
my @loads = grep { /cx/ } $dump =~ /^\s*(load_module\s[^;]*;)/mg;
is_deeply(\@loads, ['load_module modules/ngx_http_cx_module.so;'],
    'the one load_module line of cx is the package\'s');
like($dump, qr{^# configuration file \Q$ENABLED\E:\nload_module }m,
    "read from $ENABLED");

my $r = $t->get('/', Host => 'shop.example',
    'User-Agent' => $CX::Test::BROWSER);
is($r->{status}, 200, 'page served');
my $cookie = CX::Test::cookie_value($r);
ok($cookie, 'the module sets its cookie');

my ($line) = $t->journey(1, file => $journey);
is($line->{event}, 'page_view', 'journey: event');
is($line->{host}, 'shop.example', 'journey: host');
is($line->{method}, 'GET', 'journey: method');
is($line->{path}, '/', 'journey: path');
is($line->{status}, 200, 'journey: status');
is($line->{bytes}, length("<h1>home</h1>\n"), 'journey: bytes');
is($line->{touchpoint}, 'home', 'journey: touchpoint');
is($line->{seq}, 1, 'journey: seq');
is($line->{new_visitor}, JSON::PP::true, 'journey: new visitor');
like($line->{visitor}, qr/^[0-9a-f]{32}$/, 'journey: visitor id');

# the packaged cx-cookie reads what the packaged module signed
my $key = $t->prefix . '/cx.key';
my $decoded = `/usr/bin/cx-cookie decode --secret $key '$cookie'`;
is($?, 0, 'cx-cookie decodes the cookie');
my $state = eval { CX::Test->json->decode($decoded) } // {};
is($state->{valid}, JSON::PP::true, 'cx-cookie: valid');
is($state->{visitor}, $line->{visitor}, 'cx-cookie: the line\'s visitor');
is($state->{session}, $line->{session}, 'cx-cookie: the line\'s session');

$t->stop;
my $kept = slurp($journey);

# -- purge
is(purge(), 0, 'apt-get purge');

for my $package (@PACKAGES) {
    is(status($package), '', "$package gone from dpkg's database");

    my @left;

    for my $path (@{ $listed{$package} }) {
        next unless -e $path || -l $path;
        # a directory other packages still hold stays
        next if -d $path && !-l $path && owned($path);
        push @left, $path;
    }

    is_deeply(\@left, [], "nothing of $package left") or diag("@left");
}

ok(!-e $ENABLED && !-l $ENABLED, "$ENABLED gone");
ok(!-l "$ENABLED.removed", "no $ENABLED.removed left");
is(slurp($journey), $kept, 'the operator\'s journey log is kept, whole');

($ok, $out) = $t->nginx_test($http, %main);
like($out, qr/unknown directive "cx" in /, 'after: cx is unknown again');

done_testing;


sub slurp {
    my ($path) = @_;
    open my $fh, '<:raw', $path or return undef;
    local $/;
    return scalar <$fh>;
}

sub apt {
    my ($command, @args) = @_;

    local $ENV{DEBIAN_FRONTEND} = 'noninteractive';
    my $out = `apt-get $command -y -q -o DPkg::Lock::Timeout=300 @args 2>&1`;
    my $rc = $? >> 8;
    diag($out) if $rc != 0;

    return $rc;
}

sub purge {
    my $rc = apt('purge', @PACKAGES);
    $purged = 1 if $rc == 0;
    return $rc;
}

# dpkg's two-letter state ("ii" installed), '' when not installed and no
# configuration file is kept
sub status {
    my ($package) = @_;
    my $s = `dpkg-query -W -f '\${db:Status-Abbrev}' $package 2>/dev/null`;
    $s =~ s/\s+$//;
    return $s =~ /^[up]n/ ? '' : $s;
}

sub installed { status($_[0]) ne '' }

sub field {
    my ($package, $field) = @_;
    return scalar `dpkg-query -W -f '\${$field}' $package`;
}

sub dpkg_list {
    my ($package) = @_;
    return grep { m{^/} && $_ ne "/." } split /\n/, `dpkg -L $package`;
}

sub owned {
    my ($path) = @_;
    system("dpkg-query -S '$path' >/dev/null 2>&1");
    return $? == 0;
}
