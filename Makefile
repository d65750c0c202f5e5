# SPDX-License-Identifier: GPL-2.0
#
# UKL: Unikernel Linux for Linux 6.12. User-facing commands; the work is
# done by the scripts in scripts/. Run "make help" for the list.

include VERSIONS

FLAVOUR ?= stock
APP ?=
ARGS ?=
BUILD := build
SCRIPTS := scripts

.PHONY: help deps tree kernel toolchain selftests run check check-debug check-distro bench bench-distro bench-apps lib libs libs-check app apps-check clean distclean checkpatch

help:
	@echo "UKL make targets:"
	@echo "  make run [APP=prog.c|binary] [ARGS='...']  link an app into the ukl kernel and boot it (default: samples/ukl/httpd.c)"
	@echo "  make run APP=<recipe>           an application of recipes/app/ ($(notdir $(wildcard recipes/app/*))) in ring 0, on its host port"
	@echo "  make app NAME=<recipe>          build recipes/app/<name> (pinned Debian source) with ukl-gcc and gcc, and its kernel"
	@echo "  make apps-check                 every application in ring 0, each checked by its recipe (KTAP)"
	@echo "  make bench-apps [NAME=<recipe>] application benchmarks, ring 0 vs ordinary process on stock: build/bench/apps/"
	@echo "  make check                      build, boot and run every test; ends with 'N passed, N failed'"
	@echo "  make check-debug                the selftests on stock and on ukl-debug (lockdep, DEBUG_ENTRY, PREEMPT): ~25 min more"
	@echo "  make check-distro               the selftests on Debian's own cloud config + UKL (configs/ukl-debian.config)"
	@echo "  make bench [MODE=wall]          micro-benchmarks on every kernel, instructions + modelled cycles: build/bench/results.{csv,md}, charts"
	@echo "  make bench-distro               make bench on Debian's cloud config, without and with UKL: build/bench/distro/"
	@echo "  make kernel FLAVOUR=<name>      build one kernel flavour (configs/<name>.config)"
	@echo "  make toolchain                  UKL glibc + libgcc + runtime for scripts/ukl-gcc (build/sysroot)"
	@echo "  make lib NAME=<name>            build recipes/lib/<name> (pinned Debian source) into build/sysroot"
	@echo "  make libs                       every library in recipes/lib/: $(notdir $(wildcard recipes/lib/*))"
	@echo "  make libs-check                 make libs, then build and run a test program against each (KTAP)"
	@echo "  make tree                       unpack $(LINUX_SOURCE_PKG) $(LINUX_SOURCE_VERSION), overlay, quilt push"
	@echo "  make deps                       install the Debian packages the build needs"
	@echo "  make checkpatch                 scripts/checkpatch.pl --strict on patches/ and new files"
	@echo "  make clean | distclean          remove build outputs | everything under build/"

deps:
	@$(SCRIPTS)/ukl-deps all

tree: deps
	@$(SCRIPTS)/ukl-tree

kernel: tree
	@$(SCRIPTS)/ukl-kernel $(FLAVOUR)

toolchain: tree
	@$(SCRIPTS)/ukl-toolchain

selftests: toolchain
	@$(SCRIPTS)/ukl-selftests --ukl

# make run links the app into the ukl flavour unless FLAVOUR is given.
RUN_FLAVOUR := $(if $(filter command line environment,$(origin FLAVOUR)),$(FLAVOUR),ukl)
run: toolchain
	@if [ -n "$(APP)" ] && [ -f recipes/app/$(APP) ]; then \
		$(SCRIPTS)/ukl-deps libs && $(SCRIPTS)/ukl-app run $(APP) $(RUN_FLAVOUR); \
	else \
		$(SCRIPTS)/ukl-run $(RUN_FLAVOUR) "$(APP)" "$(ARGS)"; \
	fi

check:
	@$(SCRIPTS)/ukl-check

# Heavier than make check: a kernel with lockdep, PROVE_RCU, DEBUG_ENTRY and
# full preemption (configs/ukl-debug.config) boots the whole selftest suite.
check-debug:
	@UKL_FLAVOURS="stock ukl-debug" UKL_CHECK_KERNELS_ONLY=1 $(SCRIPTS)/ukl-check

# Heavier still: Debian's own cloud configuration with UKL added
# (configs/ukl-debian.config, about 4,000 objects) boots the whole suite.
check-distro: tree
	@$(SCRIPTS)/ukl-deps distro
	@UKL_FLAVOURS=ukl-debian UKL_CHECK_KERNELS_ONLY=1 $(SCRIPTS)/ukl-check

MODE ?= icount
bench: toolchain
	@$(SCRIPTS)/ukl-deps bench
	@$(SCRIPTS)/ukl-bench $(MODE)

bench-distro: toolchain
	@$(SCRIPTS)/ukl-deps bench
	@$(SCRIPTS)/ukl-deps distro
	@$(SCRIPTS)/ukl-bench distro

NAME ?=
lib: toolchain
	@$(SCRIPTS)/ukl-deps libs
	@$(SCRIPTS)/ukl-pkg $(NAME)

libs: toolchain
	@$(SCRIPTS)/ukl-deps libs
	@$(SCRIPTS)/ukl-pkg --all

libs-check: libs
	@$(SCRIPTS)/tests/run-pkg-tests

app: toolchain
	@$(SCRIPTS)/ukl-deps libs
	@$(SCRIPTS)/ukl-app kernel $(NAME) $(RUN_FLAVOUR)

apps-check: toolchain
	@$(SCRIPTS)/ukl-deps libs
	@$(SCRIPTS)/tests/run-app-tests $(RUN_FLAVOUR)

bench-apps: toolchain
	@$(SCRIPTS)/ukl-deps libs
	@for a in $(if $(NAME),$(NAME),$(notdir $(wildcard recipes/app/*))); do \
		$(SCRIPTS)/ukl-app bench $$a $(RUN_FLAVOUR) || exit 1; \
	done

checkpatch: tree
	@$(SCRIPTS)/ukl-checkpatch

clean:
	rm -rf $(BUILD)/obj-* $(BUILD)/selftests $(BUILD)/initramfs $(BUILD)/logs $(BUILD)/results \
		$(BUILD)/glibc-obj $(BUILD)/libgcc $(BUILD)/sysroot $(BUILD)/run $(BUILD)/pkg $(BUILD)/app

distclean:
	rm -rf $(BUILD)
