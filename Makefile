# Broadsheet build. `make` = release binary build/broadsheet; `make test` = ASan+UBSan build and every
# test suite (with the fuzz corpus replayed); `make run` = install what is missing, build, create the demo
# site and serve it; `make fuzz` = build the libFuzzer targets with clang and run each FUZZ_TIME seconds.
CC      ?= cc
PKGS    := libmicrohttpd sqlite3 libpq libcmark-gfm libsodium jansson libcurl zlib libbrotlienc libqrencode libcrypto libidn2 libxml-2.0
# libvips (image renditions) is only seen by media.c and its test: its include path is long
VIPS_CFLAGS = $(shell pkg-config --cflags vips)
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
BASE    := -std=c17 -D_GNU_SOURCE -pthread $(WARN)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) vips) -lcmark-gfm-extensions -lmagic -lstemmer -lm -pthread
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
EMBED   := $(sort $(wildcard templates/*.html) $(wildcard static/*) demo/topics.tsv demo/wordpress.xml \
             $(wildcard demo/content/en/*.md) $(wildcard demo/content/ar/*.md) $(wildcard po/*.po))
# the newsroom's writing desk (editor/*.js, ProseMirror from node_modules) bundled by esbuild, embedded as
# static/editor-desk.js
DESK    := build/desk/editor-desk.js
EMBED_ALL := $(EMBED) static/editor-desk.js=$(DESK)
UNIT    := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
FUZZ    := $(patsubst fuzz/fuzz_%.c,%,$(wildcard fuzz/fuzz_*.c))

REL := build/release
DBG := build/asan
FZ  := build/fuzz

.PHONY: all run test unit fuzz fuzz-build fuzz-replay clean deps demo audit
all: build/broadsheet

deps:
	@bash scripts/deps.sh

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O2 -o $@ $<

build/embedded_data.c: build/embed $(EMBED) $(DESK)
	build/embed $@ $(EMBED_ALL)

# npm packages from the committed lock (as scripts/deps.sh installs them; its stamp marks the lock installed)
# (a node_modules that is a symbolic link, a worktree sharing another checkout's install, is never
# reinstalled from here: npm ci would empty the install it points to)
node_modules/.lock-stamp: package-lock.json
	@if [ -L node_modules ]; then echo "node_modules is a link to another install: run npm ci there"; exit 1; fi
	npm ci --no-audit --no-fund --loglevel=error >/dev/null
	cp package-lock.json $@

$(DESK): $(wildcard editor/*.js) node_modules/.lock-stamp
	@mkdir -p $(dir $@)
	node_modules/.bin/esbuild editor/main.js --bundle --minify --format=iife --target=es2020 --legal-comments=none \
		--log-level=warning --outfile=$@

# release objects
$(REL)/%.o: src/%.c src/*.h
	@mkdir -p $(REL)
	$(CC) $(BASE) -O2 -g $(PKG_CFLAGS) -c -o $@ $<
$(REL)/embedded_data.o: build/embedded_data.c
	@mkdir -p $(REL)
	$(CC) -std=c17 -O0 -Isrc -c -o $@ $<
build/broadsheet: $(patsubst src/%.c,$(REL)/%.o,$(LIB_SRC) src/main.c) $(REL)/embedded_data.o
	$(CC) -o $@ $^ $(PKG_LIBS)

# sanitizer objects (tests)
$(DBG)/%.o: src/%.c src/*.h
	@mkdir -p $(DBG)
	$(CC) $(BASE) -O1 -g $(SAN) $(PKG_CFLAGS) -c -o $@ $<
$(DBG)/embedded_data.o: build/embedded_data.c
	@mkdir -p $(DBG)
	$(CC) -std=c17 -O0 -Isrc -c -o $@ $<
$(DBG)/broadsheet: $(patsubst src/%.c,$(DBG)/%.o,$(LIB_SRC) src/main.c) $(DBG)/embedded_data.o
	$(CC) $(SAN) -o $@ $^ $(PKG_LIBS)
$(DBG)/tests/%: tests/unit/%.c $(patsubst src/%.c,$(DBG)/%.o,$(LIB_SRC)) $(DBG)/embedded_data.o
	@mkdir -p $(DBG)/tests
	$(CC) $(BASE) -O1 -g $(SAN) $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS) -lcmocka

# fuzz targets replayed by `make test`: fuzz/replay.c's main() with the sanitizer objects (gcc)
$(DBG)/fuzz/replay_%: fuzz/fuzz_%.c fuzz/replay.c fuzz/fuzz.h src/*.h $(patsubst src/%.c,$(DBG)/%.o,$(LIB_SRC)) $(DBG)/embedded_data.o
	@mkdir -p $(DBG)/fuzz
	$(CC) $(BASE) -O1 -g $(SAN) $(PKG_CFLAGS) -Isrc -o $@ $(filter %.c %.o,$^) $(PKG_LIBS)

# libFuzzer objects and targets (clang; `make fuzz`)
FUZZ_CC   ?= clang
FUZZ_TIME ?= 60
FUZZ_SAN  := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
# clang's -Wformat=2 also flags vprintf-style wrappers that forward their va_list (buf_vprintf), which gcc accepts
FUZZ_WARN := -Wno-format-nonliteral
$(FZ)/%.o: src/%.c src/*.h
	@mkdir -p $(FZ)
	$(FUZZ_CC) $(BASE) $(FUZZ_WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) -c -o $@ $<
$(FZ)/embedded_data.o: build/embedded_data.c
	@mkdir -p $(FZ)
	$(FUZZ_CC) -std=c17 -O0 -Isrc -c -o $@ $<
$(FZ)/fuzz_%: fuzz/fuzz_%.c fuzz/fuzz.h src/*.h $(patsubst src/%.c,$(FZ)/%.o,$(LIB_SRC)) $(FZ)/embedded_data.o
	$(FUZZ_CC) $(BASE) $(FUZZ_WARN) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer $(PKG_CFLAGS) -Isrc -o $@ $(filter %.c %.o,$^) $(PKG_LIBS)

# only pattern rules name the clang objects: keep make from deleting them as intermediates after a build
.SECONDARY: $(patsubst src/%.c,$(FZ)/%.o,$(LIB_SRC)) $(FZ)/embedded_data.o

$(REL)/media.o $(DBG)/media.o $(FZ)/media.o $(DBG)/tests/test_media: PKG_CFLAGS += $(VIPS_CFLAGS)
# the cache's test decompresses what the cache compressed
$(DBG)/tests/test_cache $(DBG)/tests/test_worker: PKG_LIBS += -lbrotlidec

unit: $(addprefix $(DBG)/tests/,$(UNIT))

fuzz-replay: $(addprefix $(DBG)/fuzz/replay_,$(FUZZ))

fuzz-build: $(addprefix $(FZ)/fuzz_,$(FUZZ))

fuzz:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@bash fuzz/run.sh $(FUZZ_TIME)

run:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory -j2 build/broadsheet
	@bash scripts/run-demo.sh

test:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory -j2 $(DBG)/broadsheet unit fuzz-replay
	@# the release build too (what `make run` serves): -O2 warns of what -O1 does not, and -Werror stops it
	@$(MAKE) --no-print-directory -j2 build/broadsheet
	@bash tests/run-all.sh

# scanners (sqlmap, wapiti) against a fresh demo site; slow, not part of make test (docs/security.md)
audit:
	@bash scripts/audit.sh

clean:
	rm -rf build

# benchmarks (bench/*.c link the release objects; see bench/search.sh)
build/bench/%: bench/%.c $(patsubst src/%.c,$(REL)/%.o,$(LIB_SRC)) $(REL)/embedded_data.o
	@mkdir -p build/bench
	$(CC) $(BASE) -O2 -g $(PKG_CFLAGS) -Isrc -o $@ $^ $(PKG_LIBS)
