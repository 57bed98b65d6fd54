# eragen - build, test, install.
#
#   make                 build ./eragen (installs missing Debian packages when root)
#   make run             build eragen, then build every shipped environment's output and show cae-testing
#   ./make TARGET...     the same on a machine without make: installs it first (.ci/deps)
#   make test            the whole test suite; ends with "N passed, M failed"
#   make SANITIZE=address,undefined test
#   make install PREFIX=/usr/local
#   make bench           benchmark figures on synthetic repositories (1..1000 environments)
#   make fuzz [FUZZ_TIME=60]  run the libFuzzer harnesses; make fuzz-replay replays the corpora
#   make update-golden [ONLY=GLOB]  rewrite the expected outputs of golden tests, tests/check
#                        and tests/gen (review the diff)
#   make oom-eragen      build/oom/eragen: sanitized, fails the Nth allocation on request
#                        (tests/cli/alloc-fail.sh; ALLOC_SWEEP=full sweeps every point)

PREFIX    ?= /usr/local
CC        ?= cc
PKGS      := yaml-0.1 libcjson libpcre2-8 libgit2
WARN      := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wwrite-strings -Wvla -Wno-missing-field-initializers
OPT       ?= -O2 -g
ifdef CI
WERROR    ?= -Werror
endif
ifdef SANITIZE
O         ?= build/san
SANFLAGS  := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT       := -O1 -g
else
O         ?= build
endif

GIT_COMMIT := $(shell git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
# Where docs/ is published, if it is (SARIF's helpUri per rule: $(DOCS_URL)/rules/ID.txt)
DOCS_URL  ?=
DEPS_OK   := $(O)/.deps-ok
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))

# How every program of the tree (eragen, the unit tests, the fuzz harnesses, the sanitized,
# crash and oom builds) links its libraries (docs/performance.md, "Starting a process"):
# libgit2, the libraries it uses, libyaml and PCRE2 from Debian's static archives, which
# their -dev packages ship (start-up then maps and binds none of them); cJSON (Debian ships
# no libcjson.a), libm and libc shared. The lists come from pkg-config, when the recipes
# run (after .ci/deps installed it):
# - YAML_A, PCRE2_A: their .pc files' -l options (the oom build replaces YAML_A);
# - GIT2_A: libgit2's static list (-lgit2 -lmbedtls -lmbedx509 -lmbedcrypto -lhttp_parser
#   -lssh2 -lpcre2-8 -lz), without -lrt: glibc 2.34 moved it into libc (librt.a is empty);
# - SSH2_A: of libssh2's static list (-lssh2 -lgpg-error -lssl -ldl -lcrypto -lz),
#   OpenSSL's libcrypto, the one library libssh2.a calls (its crypto back end): nothing of
#   libssl, nor of libgpg-error (the libgcrypt back end's); -ldl and -pthread are libc's;
# - LIBS_SHARED: what libgit2.a calls from libraries Debian ships no archive of (GSSAPI),
#   by full path, as the installed libgit2.so finds them (gen/libs_shared.sh);
# - TLS_WRAP: --wrap=NAME for each __wrap_NAME of gen/repo_tls.c: libgit2's calls to the
#   TLS and SSH set-up it stands in for go to it.
# A security update of one of the archives relinks at the next `make` ($(O)/.archives).
LIBDIR      = $(shell pkg-config --variable=libdir libgit2 2>/dev/null)
YAML_A      = $(shell pkg-config --static --libs-only-l yaml-0.1)
PCRE2_A     = $(shell pkg-config --static --libs-only-l libpcre2-8)
GIT2_A      = $(filter-out -lrt,$(shell pkg-config --static --libs-only-l libgit2 2>/dev/null))
SSH2_A      = $(filter -lcrypto,$(shell pkg-config --static --libs-only-l libssh2 2>/dev/null))
LIBS_SHARED = $(shell sh gen/libs_shared.sh $(LIBDIR)/libgit2.so $(GIT2_A))
TLS_WRAP    = $(addprefix -Wl$(comma)--wrap=,$(sort $(patsubst __wrap_%,%,$(shell \
              grep -o '__wrap_[a-z][a-z0-9_]*' gen/repo_tls.c))))
PKG_LIBS    = -Wl,-Bstatic $(YAML_A) $(PCRE2_A) $(GIT2_A) $(SSH2_A) -Wl,-Bdynamic \
              $(shell pkg-config --libs libcjson) $(LIBS_SHARED) -lm $(TLS_WRAP)
ARCHIVES    = $(wildcard $(patsubst -l%,$(LIBDIR)/lib%.a,$(sort $(YAML_A) $(PCRE2_A) $(GIT2_A) $(SSH2_A))))
comma      := ,
CPPFLAGS  += $(EXTRA_CPPFLAGS) -Igen -D_DEFAULT_SOURCE -DERAGEN_DATADIR='"$(PREFIX)/share/eragen"' -DERAGEN_COMMIT='"$(GIT_COMMIT)"' \
             -DERAGEN_DOCS_URL='"$(DOCS_URL)"'
CFLAGS    += -std=c17 $(OPT) $(WARN) $(WERROR) $(SANFLAGS) -MMD -MP
LDFLAGS   += $(SANFLAGS)

SRCS      := $(sort $(wildcard gen/*.c gen/check/*.c gen/emit/*.c))
# each rule's `eragen explain` text, compiled in from the C file gen/rule_text.sh makes
RULE_TEXTS := $(sort $(wildcard docs/rules/*.txt))
OBJS      := $(SRCS:%.c=$(O)/%.o) $(O)/gen/rule_text.o
LIBOBJS   := $(filter-out $(O)/gen/main.o,$(OBJS))
UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(O)/%)
ERAGEN    := $(O)/eragen
LAYER_SCHEMA := schemas/environment.layer.schema.json

.PHONY: all run test test-unit test-golden test-cli test-conformance install clean \
        update-golden bench deps FORCE

all: eragen $(LAYER_SCHEMA)

# ./eragen is the plain build; sanitizer builds live in build/san/eragen only.
ifdef SANITIZE
eragen: $(ERAGEN)
else
eragen: $(ERAGEN)
	@cp -f $(ERAGEN) eragen
endif

# The schema of a layer (_defaults.yaml, an extends child) for editors: what `eragen
# schema --layer` prints for schemas/environment.schema.json, committed and installed.
$(LAYER_SCHEMA): schemas/environment.schema.json gen/cmd_schema.c | $(ERAGEN)
	@echo 'eragen schema --layer >$@'
	@$(ERAGEN) -C $(CURDIR) schema --layer >$@.tmp && mv -f $@.tmp $@

$(DEPS_OK):
	@sh .ci/deps build
	@mkdir -p $(@D) && touch $@

deps: $(DEPS_OK)

$(ERAGEN): $(OBJS) $(O)/.archives $(ERAGEN_LINK_DEPS)
	$(CC) $(LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

# The static archives' identities (path, inode, size, modification and change times),
# rewritten only when one changed: what links them depends on it. A package update
# replaces an archive with a file that keeps the package's own modification time, which
# can be older than the last link; its inode and change time are new.
$(O)/.archives: FORCE | $(DEPS_OK)
	@mkdir -p $(@D)
	@stat -c '%n %i %s %Y %Z' $(ARCHIVES) >$@.$$$$ && \
		if cmp -s $@.$$$$ $@; then rm -f $@.$$$$; else mv -f $@.$$$$ $@; fi

FORCE:

$(O)/%.o: %.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

# Remade when a text changes, and when one is added or removed (the directory changes).
%/gen/rule_text.c: $(RULE_TEXTS) docs/rules gen/rule_text.sh
	@mkdir -p $(@D)
	@echo 'sh gen/rule_text.sh docs/rules/*.txt >$@'
	@sh gen/rule_text.sh $(RULE_TEXTS) >$@.tmp && mv -f $@.tmp $@

$(O)/gen/rule_text.o: $(O)/gen/rule_text.c | $(DEPS_OK)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -c -o $@ $<

$(O)/tests/unit/%: tests/unit/%.c $(LIBOBJS) $(O)/.archives | $(DEPS_OK)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(PKG_CFLAGS) $(CFLAGS) -o $@ $< $(LIBOBJS) $(PKG_LIBS) $(LDFLAGS)

run: eragen
	./eragen build --all
	@printf '\n== the environment cae-testing as eragen resolves it (./eragen show cae-testing) ==\n'
	@./eragen show cae-testing

# The whole suite: one runner, one summary line. Sanitizer runs reuse it.
test: $(ERAGEN) $(UNIT_BINS) $(LAYER_SCHEMA)
	@sh .ci/deps test
	@ERAGEN=$(abspath $(ERAGEN)) UNIT_DIR=$(abspath $(O)/tests/unit) \
		SANITIZE="$(SANITIZE)" sh tests/run

bench: $(ERAGEN) $(O)/tests/bench/timeit
	@ERAGEN=$(abspath $(ERAGEN)) TIMEIT=$(abspath $(O)/tests/bench/timeit) sh tests/bench/run

$(O)/tests/bench/timeit: tests/bench/timeit.c
	@mkdir -p $(@D)
	$(CC) -O2 $(WARN) -o $@ $<

update-golden: $(ERAGEN)
	@ERAGEN=$(abspath $(ERAGEN)) UPDATE_GOLDEN=1 GOLDEN_ONLY='$(or $(ONLY),*)' sh tests/run golden gen

# The binary finds schemas/ and templates/ in BIN/../share/eragen wherever the tree is
# moved (ERAGEN_DATADIR overrides); the man page and the bash completion go where man(1)
# and bash-completion look under PREFIX.
install: eragen
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/eragen/schemas \
		$(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 755 $(ERAGEN) $(DESTDIR)$(PREFIX)/bin/eragen
	install -m 644 schemas/*.json $(DESTDIR)$(PREFIX)/share/eragen/schemas/
	cd templates && find . -type f -name '*.mustache' | while read -r f; do \
		install -D -m 644 "$$f" "$(DESTDIR)$(PREFIX)/share/eragen/templates/$$f" || exit 1; \
	done
	install -m 644 docs/eragen.1 $(DESTDIR)$(PREFIX)/share/man/man1/eragen.1
	install -m 644 completion/eragen.bash \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/eragen

clean:
	rm -rf build eragen

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)

# ---- fuzzing (tests/fuzz/README.md) -----------------------------------------------------
#   make fuzz [FUZZ_TIME=60] [FUZZ_ONLY=lint]  run each harness FUZZ_TIME seconds on a copy
#                                              of its committed corpus; print its coverage
#   make fuzz-replay                           the committed corpora and crash regressions,
#                                              once each (-runs=0): what CI runs
FUZZ_CC       ?= clang
FUZZ_TIME     ?= 60
FUZZ_O        ?= build/fuzz
FUZZ_ALL      := lint tmpl cidr sops tfvars index
FUZZ_ONLY     ?= $(FUZZ_ALL)
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS   := -std=c17 -g -O1 $(WARN) $(FUZZ_SAN) -MMD -MP
FUZZ_CPPFLAGS := -Igen -D_DEFAULT_SOURCE -DERAGEN_DATADIR='"$(CURDIR)"' \
                 -DERAGEN_COMMIT='"fuzz"' -DFUZZ_DATADIR='"$(CURDIR)"'
FUZZ_LIBSRCS  := $(filter-out gen/main.c,$(SRCS))
FUZZ_LIBOBJS  := $(FUZZ_LIBSRCS:%.c=$(FUZZ_O)/%.o) $(FUZZ_O)/gen/rule_text.o
FUZZ_BINS     := $(FUZZ_ALL:%=$(FUZZ_O)/fuzz_%)

.PHONY: fuzz fuzz-replay fuzz-build
.SECONDARY: $(FUZZ_LIBOBJS)

fuzz-build: $(FUZZ_BINS)

$(FUZZ_O)/gen/%.o: gen/%.c | $(DEPS_OK)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_O)/gen/rule_text.o: $(FUZZ_O)/gen/rule_text.c | $(DEPS_OK)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_O)/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_LIBOBJS) $(O)/.archives | $(DEPS_OK)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CPPFLAGS) $(PKG_CFLAGS) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_LIBOBJS) $(PKG_LIBS)

# A fresh copy of the committed corpus each run: the committed one never grows by itself.
# New crashes land in $(FUZZ_O)/crashes/<harness>/ (see tests/fuzz/README.md).
fuzz: $(FUZZ_ONLY:%=$(FUZZ_O)/fuzz_%)
	@set -e; for h in $(FUZZ_ONLY); do \
		rm -rf $(FUZZ_O)/corpus/$$h; mkdir -p $(FUZZ_O)/corpus $(FUZZ_O)/crashes/$$h; \
		cp -R tests/fuzz/corpus/$$h $(FUZZ_O)/corpus/$$h; \
		dict=; if ls tests/fuzz/dict/$$h-*.dict >/dev/null 2>&1; then \
			cat tests/fuzz/dict/$$h-*.dict >$(FUZZ_O)/$$h.dict; dict=-dict=$(FUZZ_O)/$$h.dict; fi; \
		echo "fuzz_$$h: $(FUZZ_TIME) s (log: $(FUZZ_O)/fuzz_$$h.log)"; \
		if ! $(FUZZ_O)/fuzz_$$h -max_total_time=$(FUZZ_TIME) -timeout=25 -print_final_stats=1 $$dict \
			-artifact_prefix=$(FUZZ_O)/crashes/$$h/ $(FUZZ_O)/corpus/$$h \
			>$(FUZZ_O)/fuzz_$$h.log 2>&1; then \
			tail -n 60 $(FUZZ_O)/fuzz_$$h.log; echo "fuzz_$$h: FAILED"; exit 1; \
		fi; \
		grep 'cov:' $(FUZZ_O)/fuzz_$$h.log | tail -n 1; \
		grep -E 'stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)' \
			$(FUZZ_O)/fuzz_$$h.log; \
	done

fuzz-replay: $(FUZZ_BINS)
	@set -e; for h in $(FUZZ_ALL); do \
		dirs=tests/fuzz/corpus/$$h; \
		if [ -d tests/fuzz/crashes/$$h ]; then dirs="$$dirs tests/fuzz/crashes/$$h"; fi; \
		mkdir -p $(FUZZ_O)/crashes/$$h; \
		if ! $(FUZZ_O)/fuzz_$$h -runs=0 -timeout=25 -artifact_prefix=$(FUZZ_O)/crashes/$$h/ \
			$$dirs >$(FUZZ_O)/replay_$$h.log 2>&1; then \
			tail -n 60 $(FUZZ_O)/replay_$$h.log; echo "fuzz_$$h: replay FAILED"; exit 1; \
		fi; \
		echo "fuzz_$$h: $$(find $$dirs -type f | wc -l) inputs replayed," \
			"$$(grep -o 'cov: [0-9]*' $(FUZZ_O)/replay_$$h.log | tail -n 1)"; \
	done

-include $(FUZZ_LIBOBJS:.o=.d) $(FUZZ_BINS:=.d)

# ---- crash safety (tests/cli/crash-safety.sh) ----------------------------------------
#   make crash-eragen   build/crash/eragen: the plain build plus the test-only kill hook of
#                       gen/out_disk.c (ERAGEN_TEST_KILL=temp:N|rename:N), never sanitized
.PHONY: crash-eragen
crash-eragen:
	@$(MAKE) --no-print-directory SANITIZE= O=build/crash EXTRA_CPPFLAGS=-DERAGEN_TEST_HOOKS \
		build/crash/eragen

# ---- allocation failures (tests/cli/alloc-fail.sh) ------------------------------------
#   make oom-eragen   build/oom/eragen: the ASan+UBSan (LeakSanitizer on) build plus the
#                     test-only fault injector of gen/alloc.c (-DERAGEN_TEST_ALLOC):
#                     ERAGEN_TEST_FAIL_ALLOC=KIND:N fails the Nth allocation of KIND
#                     (eragen, arena, cjson, pcre2, git, yaml). libyaml has no allocator
#                     hook: this build links, in place of libyaml.a, a copy whose calls to
#                     malloc, realloc, free and strdup objcopy renamed to eragen_yaml_*
#                     (alloc.c); the rest links as every build does (PKG_LIBS).
OOM_O     := build/oom
OOM_YAML  := $(OOM_O)/libyaml-oom.a
.PHONY: oom-eragen
oom-eragen: $(DEPS_OK)
	@$(MAKE) --no-print-directory $(OOM_YAML)
	@$(MAKE) --no-print-directory SANITIZE=address,undefined O=$(OOM_O) \
		EXTRA_CPPFLAGS=-DERAGEN_TEST_ALLOC ERAGEN_LINK_DEPS=$(OOM_YAML) YAML_A=$(OOM_YAML) \
		$(OOM_O)/eragen

$(OOM_YAML): | $(DEPS_OK)
	@mkdir -p $(@D)
	objcopy --redefine-sym malloc=eragen_yaml_malloc --redefine-sym realloc=eragen_yaml_realloc \
		--redefine-sym free=eragen_yaml_free --redefine-sym strdup=eragen_yaml_strdup \
		$(shell pkg-config --variable=libdir yaml-0.1)/libyaml.a $@
