# ngx_cx_module: `make demo` and `make test` do everything on Debian 12,
# installing what is missing.  See README.md.

SHELL := /bin/bash
.DEFAULT_GOAL := all

BUILD := $(CURDIR)/build
# the one version of the module, the tools and the Debian packages
VERSION := $(shell cat $(CURDIR)/VERSION)
VERSION_CFLAGS := -DCX_VERSION='"$(VERSION)"'
MODULE := $(BUILD)/dynamic/nginx/objs/ngx_http_cx_module.so
# the nginx `make static` builds: Debian 12's 1.22, or Debian 13's 1.26 with
# NGINX=1.26 (`make static-1.26` and `make test-static-1.26` build that one)
NGINX ?= 1.22
STATIC_DIR := static$(if $(filter-out 1.22,$(NGINX)),-$(NGINX))
STATIC_NGINX := $(BUILD)/$(STATIC_DIR)/nginx/objs/nginx
STATIC_1_26_NGINX := $(BUILD)/static-1.26/nginx/objs/nginx
ASAN_NGINX := $(BUILD)/asan/nginx/objs/nginx
DEBIAN_NGINX := /usr/sbin/nginx
COOKIE_TOOL := $(BUILD)/cx-cookie
REPORT := $(BUILD)/cx-report

MODULE_SOURCES := config $(wildcard ngx_cx_module/*.[ch])
CORE_SOURCES := $(wildcard ngx_cx_module/cx_*.c)
CORE_HEADERS := $(wildcard ngx_cx_module/cx_*.h)
TEST_SUPPORT := tests/json_check.c tests/json_check.h
# cx-report's parts but its main(), linked into the unit tests and fuzzers
REPORT_LIB := $(filter-out report/cx_report_main.c,$(wildcard report/*.c))
REPORT_HEADERS := $(wildcard report/*.h)

CORE_CFLAGS := -std=c99 -Wall -Wextra -Werror -g -O1 -Ingx_cx_module -Itests
SANITIZE := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer

UNIT_TESTS := $(patsubst tests/%.c,$(BUILD)/tests/%,$(wildcard tests/test_*.c))

# the same tests on the byte-by-byte code of cx_bytes.h, as a machine that
# is not little-endian (or a compiler that does not say) runs it, and on the
# code cx_json.c and cx_session_hex() have for machines without SSE2
PORTABLE_TESTS := $(patsubst tests/%.c,$(BUILD)/tests-portable/%,\
                    $(wildcard tests/test_*.c))
FUZZERS := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz/%,\
             $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_RUNS ?= 20000
FUZZ_TIME ?= 300

PROVE := prove -r t/

# the soak (t/090-soak.t): requests in all, full size with `make soak`, the
# smaller one in `make test`
SOAK_REQUESTS ?= 100000
SOAK_SMOKE_REQUESTS ?= 20000

.PHONY: all module tool report static growthbook deps-node asan unit fuzz-smoke fuzz test test-dynamic \
        test-static test-asan soak soak-smoke demo demo-stop bench clean \
        deps-build deps-static deps-test deps-demo deps-bench browser \
        browser-if-reachable deps-browser report-deps report-check \
        bench-report deb test-deb deps-deb static-1.26 test-static-1.26 \
        test-growthbook

all: deps-build module tool report

module: $(MODULE)

# cx-cookie: decode and mint cookies from the command line (README)
tool: $(COOKIE_TOOL)

$(COOKIE_TOOL): tools/cx_cookie_tool.c tools/cx_cookie_args.c \
                tools/cx_cookie_args.h $(CORE_SOURCES) $(CORE_HEADERS) VERSION
	@mkdir -p $(@D)
	gcc -std=c99 -Wall -Wextra -Werror -O2 -g $(CPPFLAGS) $(CFLAGS) \
	    $(VERSION_CFLAGS) -Ingx_cx_module -Itools \
	    tools/cx_cookie_tool.c tools/cx_cookie_args.c $(CORE_SOURCES) \
	    $(LDFLAGS) -lm -o $@

# cx-report: the journey log turned into answers (docs/report.md)
report: $(REPORT)

$(REPORT): report/cx_report_main.c $(REPORT_LIB) $(REPORT_HEADERS) \
           $(CORE_SOURCES) $(CORE_HEADERS) VERSION
	@mkdir -p $(@D)
	gcc -std=c99 -Wall -Wextra -Werror -O2 -g $(CPPFLAGS) $(CFLAGS) \
	    $(VERSION_CFLAGS) -Ingx_cx_module -Ireport \
	    report/cx_report_main.c $(REPORT_LIB) $(CORE_SOURCES) \
	    $(LDFLAGS) -lz -lm -o $@

$(MODULE): $(MODULE_SOURCES) scripts/build-dynamic.sh
	scripts/build-dynamic.sh $(BUILD)

static: deps-build deps-static $(STATIC_NGINX)

$(STATIC_NGINX): $(MODULE_SOURCES) scripts/build-static.sh \
                 scripts/nginx-source.sh
	scripts/build-static.sh $(BUILD) static $(NGINX)

static-1.26:
	$(MAKE) static NGINX=1.26

asan: deps-build deps-static $(ASAN_NGINX)

$(ASAN_NGINX): $(MODULE_SOURCES) scripts/build-static.sh
	scripts/build-static.sh $(BUILD) asan

deps-build deps-static deps-test deps-demo deps-bench deps-browser deps-deb:
	scripts/deps.sh $(patsubst deps-%,%,$@)

# unit tests: the nginx-free core with cmocka, under ASan and UBSan; the core
# itself is also compiled alone with every warning (the tests' cmocka
# signatures need -Wno-unused-parameter)

unit: deps-test $(UNIT_TESTS) $(PORTABLE_TESTS) $(COOKIE_TOOL) $(REPORT) \
      $(BUILD)/tests/report_reader_dump
	gcc $(CORE_CFLAGS) -fsyntax-only $(CORE_SOURCES)
	@failed=0; \
	for test in $(UNIT_TESTS) $(PORTABLE_TESTS); do \
	    echo "== $$test"; $$test || failed=1; \
	done; \
	tests/test_cookie_tool.sh $(COOKIE_TOOL) || failed=1; \
	tests/report_reader_check.py $(BUILD)/tests/report_reader_dump \
	    || failed=1; \
	tests/test_version.sh $(COOKIE_TOOL) $(REPORT) || failed=1; \
	exit $$failed

$(BUILD)/tests/%: tests/%.c $(CORE_SOURCES) $(CORE_HEADERS) $(TEST_SUPPORT)
	@mkdir -p $(@D)
	gcc $(CORE_CFLAGS) -Wno-unused-parameter $(SANITIZE) $< \
	    tests/json_check.c $(CORE_SOURCES) -lcmocka -lm -o $@

# cx-report's tests: its parts too (the shorter stem wins over the rule
# above)
$(BUILD)/tests/test_report_%: tests/test_report_%.c $(CORE_SOURCES) \
                              $(CORE_HEADERS) $(REPORT_LIB) $(REPORT_HEADERS) \
                              tests/report_test.h
	@mkdir -p $(@D)
	gcc $(CORE_CFLAGS) -Ireport -Wno-unused-parameter $(SANITIZE) $< \
	    $(CORE_SOURCES) $(REPORT_LIB) -lcmocka -lz -lm -o $@

# cx_prefix.c against PCRE2 itself
$(BUILD)/tests/test_prefix: tests/test_prefix.c $(CORE_SOURCES) \
                            $(CORE_HEADERS) $(TEST_SUPPORT)
	@mkdir -p $(@D)
	gcc $(CORE_CFLAGS) -Wno-unused-parameter $(SANITIZE) $< \
	    tests/json_check.c $(CORE_SOURCES) -lcmocka -lpcre2-8 -lm -o $@

$(BUILD)/tests-portable/test_prefix: tests/test_prefix.c $(CORE_SOURCES) \
                                     $(CORE_HEADERS) $(TEST_SUPPORT)
	@mkdir -p $(@D)
	gcc $(CORE_CFLAGS) -U__BYTE_ORDER__ -U__SSE2__ -Wno-unused-parameter \
	    $(SANITIZE) \
	    $< tests/json_check.c $(CORE_SOURCES) -lcmocka -lpcre2-8 -lm -o $@

# cx-report's reader against Python's json module (report_reader_check.py)
$(BUILD)/tests/report_reader_dump: tests/report_reader_dump.c $(REPORT_LIB) \
                                   $(REPORT_HEADERS) $(CORE_SOURCES)
	@mkdir -p $(@D)
	gcc $(CORE_CFLAGS) -Ireport $(SANITIZE) $< $(CORE_SOURCES) \
	    $(REPORT_LIB) -lz -lm -o $@

$(BUILD)/tests-portable/%: tests/%.c $(CORE_SOURCES) $(CORE_HEADERS) \
                           $(TEST_SUPPORT)
	@mkdir -p $(@D)
	gcc $(CORE_CFLAGS) -U__BYTE_ORDER__ -U__SSE2__ -Wno-unused-parameter \
	    $(SANITIZE) $< tests/json_check.c $(CORE_SOURCES) -lcmocka -lm -o $@

$(BUILD)/tests-portable/test_report_%: tests/test_report_%.c \
                                       $(CORE_SOURCES) $(CORE_HEADERS) \
                                       $(REPORT_LIB) $(REPORT_HEADERS) \
                                       tests/report_test.h
	@mkdir -p $(@D)
	gcc $(CORE_CFLAGS) -Ireport -U__BYTE_ORDER__ -Wno-unused-parameter \
	    $(SANITIZE) $< $(CORE_SOURCES) $(REPORT_LIB) -lcmocka -lz -lm -o $@

# fuzz targets: libFuzzer with ASan and UBSan; a bounded smoke in `make test`,
# FUZZ_TIME seconds each with `make fuzz`

$(BUILD)/fuzz/%: tests/fuzz/%.c $(CORE_SOURCES) $(CORE_HEADERS) $(TEST_SUPPORT)
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Ingx_cx_module -Itests $< \
	    tests/json_check.c $(CORE_SOURCES) -lm -o $@

# cx-report's reader alone
$(BUILD)/fuzz/fuzz_report_reader: tests/fuzz/fuzz_report_reader.c \
                                  report/cx_report_reader.c \
                                  report/cx_report_scan.c $(REPORT_HEADERS)
	@mkdir -p $(@D)
	clang -g -O1 -fsanitize=fuzzer,address,undefined \
	    -fno-sanitize-recover=all -Ingx_cx_module -Ireport $< \
	    report/cx_report_reader.c report/cx_report_scan.c -o $@

fuzz-smoke: deps-test $(FUZZERS)
	@passed=0; failed=0; \
	for fuzzer in $(FUZZERS); do \
	    echo "== $$fuzzer: $(FUZZ_RUNS) runs"; \
	    corpus=$(BUILD)/fuzz/corpus/$$(basename $$fuzzer); \
	    mkdir -p $$corpus; \
	    $$fuzzer -runs=$(FUZZ_RUNS) -seed=1 -max_len=4096 \
	        -artifact_prefix=$(BUILD)/fuzz/ $$corpus 2>&1 | tail -1; \
	    if [ $${PIPESTATUS[0]} -eq 0 ]; then passed=$$((passed + 1)); \
	    else failed=$$((failed + 1)); fi; \
	done; \
	echo "fuzz targets: $$passed passed, $$failed failed"; \
	test $$failed -eq 0

fuzz: deps-test $(FUZZERS)
	@for fuzzer in $(FUZZERS); do \
	    echo "== $$fuzzer: $(FUZZ_TIME) s"; \
	    corpus=$(BUILD)/fuzz/corpus/$$(basename $$fuzzer); \
	    mkdir -p $$corpus; \
	    $$fuzzer -max_total_time=$(FUZZ_TIME) -max_len=8192 \
	        -artifact_prefix=$(BUILD)/fuzz/ $$corpus || exit 1; \
	done

# GrowthBook's JS SDK, pinned, under build/growthbook: compares the core's
# assignments with the SDK's, and with it t/040 compares nginx's.  It needs
# the npm registry, so `make test` runs it last, on its own: the integration
# tests skip t/040's comparisons while the SDK is not installed.

growthbook: deps-test deps-node
	tests/growthbook/run.sh $(BUILD)

test-growthbook: growthbook all
	CX_NGINX=$(DEBIAN_NGINX) CX_MODULE=$(MODULE) CX_GROWTHBOOK_REQUIRED=1 \
	    prove t/040-experiments.t

deps-node:
	@command -v node >/dev/null && command -v npm >/dev/null \
	    || scripts/deps.sh node

# Debian's chromium and playwright-core, pinned, under build/browser: the
# Chromium walk of t/100-chromium.t

PLAYWRIGHT := $(BUILD)/browser/node_modules/playwright-core

browser: deps-browser deps-node $(PLAYWRIGHT)

$(PLAYWRIGHT): t/browser/package.json t/browser/package-lock.json
	$(MAKE) deps-node
	@mkdir -p $(BUILD)/browser
	cp t/browser/package.json t/browser/package-lock.json $(BUILD)/browser/
	npm ci --no-audit --no-fund --loglevel=error --prefix $(BUILD)/browser
	touch $@

# the integration tests run without the npm registry too: then only the
# Chromium walk fails, saying `make browser` did not install it
browser-if-reachable:
	-$(MAKE) --no-print-directory browser

# integration tests: the same t/ suite against each build

test-dynamic: all deps-test browser-if-reachable
	CX_NGINX=$(DEBIAN_NGINX) CX_MODULE=$(MODULE) $(PROVE)

test-static: static deps-test browser-if-reachable
	CX_NGINX=$(STATIC_NGINX) CX_MODULE= $(PROVE)

test-static-1.26: static-1.26 deps-test browser-if-reachable
	CX_NGINX=$(STATIC_1_26_NGINX) CX_MODULE= $(PROVE)

test-asan: asan deps-test browser-if-reachable
	CX_NGINX=$(ASAN_NGINX) CX_MODULE= CX_SANITIZED=1 $(PROVE)

# the soak against the ASan build: hostile requests, reloads and reopens

soak: asan deps-test
	CX_NGINX=$(ASAN_NGINX) CX_MODULE= CX_SANITIZED=1 \
	    CX_SOAK_REQUESTS=$(SOAK_REQUESTS) prove -v t/090-soak.t

soak-smoke: asan deps-test
	CX_NGINX=$(ASAN_NGINX) CX_MODULE= CX_SANITIZED=1 \
	    CX_SOAK_REQUESTS=$(SOAK_SMOKE_REQUESTS) prove t/090-soak.t

# every suite, each to its end even when one before failed, then a summary
# of the whole run (build/test-summary); fails when any suite failed
test:
	MAKE='$(MAKE)' scripts/test-all.sh $(BUILD)

# cx-report held against the same figures in SQL (docs/sql/, DuckDB from
# npm under build/duckdb) and a generated log's ground truth
# (tests/report/check.sh), and on the module's own journeys
# (t/095-report-journey.t); cx-report is required once report/ exists

report-deps: deps-node
	tests/report/deps.sh $(BUILD)

report-check: all deps-test report-deps
	CX_REPORT_OPTIONAL=$(if $(wildcard report/),0,1) \
	    tests/report/check.sh $(BUILD)
	CX_NGINX=$(DEBIAN_NGINX) CX_MODULE=$(MODULE) prove t/095-report-journey.t

# the Debian packages, built out of the tree into build/deb/ (README)

deb: deps-build deps-deb
	scripts/build-deb.sh $(BUILD)

# installs both packages on the stock nginx, serves a page, purges them
# (root: apt-get)
test-deb: deb deps-test
	CX_DEB_DIR=$(BUILD)/deb prove -v tests/deb/

demo: all deps-demo
	scripts/demo.sh

demo-stop:
	scripts/demo.sh stop

bench: all deps-bench report-deps
	bench/run.sh
	bench/report.sh

# only cx-report against DuckDB and GoAccess (bench/report.sh)
bench-report: all deps-bench report-deps
	bench/report.sh

clean:
	rm -rf $(BUILD)
