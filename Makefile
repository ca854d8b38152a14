# Broadsheet build. `make` = release binary build/broadsheet; `make test` = ASan+UBSan build and every
# test suite; `make run` = install what is missing, build, create the demo site and serve it.
CC      ?= cc
PKGS    := libmicrohttpd sqlite3 libpq libcmark-gfm libsodium jansson libcurl
# libvips (image renditions) is only seen by media.c and its test: its include path is long
VIPS_CFLAGS = $(shell pkg-config --cflags vips)
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wvla
BASE    := -std=c17 -D_GNU_SOURCE -pthread $(WARN)
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) vips) -lcmark-gfm-extensions -lmagic -lstemmer -pthread
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

LIB_SRC := $(filter-out src/main.c,$(wildcard src/*.c))
EMBED   := $(sort $(wildcard templates/*.html) $(wildcard static/*) demo/topics.tsv \
             $(wildcard demo/content/en/*.md) $(wildcard demo/content/ar/*.md))
UNIT    := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))

REL := build/release
DBG := build/asan

.PHONY: all run test unit clean deps demo
all: build/broadsheet

deps:
	@bash scripts/deps.sh

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O2 -o $@ $<

build/embedded_data.c: build/embed $(EMBED)
	build/embed $@ $(EMBED)

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

$(REL)/media.o $(DBG)/media.o $(DBG)/tests/test_media: PKG_CFLAGS += $(VIPS_CFLAGS)

unit: $(addprefix $(DBG)/tests/,$(UNIT))

run:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory -j2 build/broadsheet
	@bash scripts/run-demo.sh

test:
	@bash scripts/deps.sh
	@$(MAKE) --no-print-directory -j2 $(DBG)/broadsheet unit
	@bash tests/run-all.sh

clean:
	rm -rf build
