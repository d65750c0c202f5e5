// SPDX-License-Identifier: GPL-2.0
/*
 * User access from a module on a UKL kernel: module/ukl_uaccess.c inlines
 * access_ok() and masked_user_access_begin(), whose slot tests sit behind
 * a jump-table entry on the exported static key ukl_started; the loader
 * must resolve it and the key must patch the module's text as it patches
 * the kernel's. Through its misc device this program writes and reads
 * back buffers on its stack, heap and globals (in ring 0 the globals are
 * in the application slot, which only the application's own calls may
 * reach) and passes pointers that must give EFAULT: unmapped, kernel
 * text, the unmapped end of the slot, a range running out of the slot.
 * The program loads the module from /ukl/bin/ukl_uaccess.ko when its
 * device is missing; kernels without modules skip every case. The same
 * program passes as an ordinary process and in ring 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../kselftest_harness.h"
#include "ukl_app.h"

#define DEV		"/dev/ukl_uaccess"
#define MODULE_PATH	"/ukl/bin/ukl_uaccess.ko"
#define LEN		200

/* Addresses no caller may pass: kernel text, and the end of the slot. */
#define KERNEL_TEXT	0xffffffff81000000UL
#define SLOT_END	0xffffff0000000000UL

static char global_buf[LEN] = "initialised data of the program";
static char bss_buf[LEN];

/*
 * Open the test module's device, loading the module first if needed.
 * -1 with *why set when the case cannot run here (no module for this
 * kernel), -2 with *why set when it should have: a module that is there
 * but does not load (an unresolved symbol, say) is a failure.
 */
static int open_dev(const char **why)
{
	int fd = open(DEV, O_RDWR), mod, err;

	if (fd >= 0)
		return fd;
	mod = open(MODULE_PATH, O_RDONLY | O_CLOEXEC);
	if (mod < 0) {
		*why = "no " MODULE_PATH " (no module built for this kernel)";
		return -1;
	}
	err = syscall(SYS_finit_module, mod, "", 0) ? errno : 0;
	close(mod);
	if (err == ENOSYS) {
		*why = "kernel without module support";
		return -1;
	}
	if (err && err != EEXIST) {
		*why = strerror(err);
		return -2;
	}
	fd = open(DEV, O_RDWR);
	if (fd < 0) {
		*why = "no " DEV " after loading the module";
		return -2;
	}
	return fd;
}

static void fill(char *buf, int seed)
{
	int i;

	for (i = 0; i < LEN; i++)
		buf[i] = (char)(i * 7 + seed);
}

/* Write @buf to the device, read it back into @back; 0 or -errno. */
static int roundtrip(int fd, const char *buf, char *back)
{
	ssize_t n = write(fd, buf, LEN);

	if (n < 0)
		return -errno;
	if (n != LEN)
		return -EMSGSIZE;
	memset(back, 0, LEN);
	n = read(fd, back, LEN);
	if (n < 0)
		return -errno;
	return n == LEN && !memcmp(buf, back, LEN) ? 0 : -EBADMSG;
}

FIXTURE(dev) {
	int fd;
};

FIXTURE_SETUP(dev)
{
	const char *why = "";

	self->fd = open_dev(&why);
	if (self->fd == -1)
		SKIP(return, "%s", why);
	ASSERT_LE(0, self->fd) {
		TH_LOG("loading %s: %s", MODULE_PATH, why);
	}
	TH_LOG("%s, module loaded", in_ring0() ? "ring 0" : "ordinary process");
}

FIXTURE_TEARDOWN(dev)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Stack, heap, initialised data and bss: all the program's own memory. */
TEST_F(dev, roundtrip_from_own_memory)
{
	char stack_buf[LEN], back[LEN];
	char *heap_buf = malloc(LEN);

	ASSERT_NE(NULL, heap_buf);
	fill(stack_buf, 1);
	fill(heap_buf, 2);
	fill(global_buf, 3);
	fill(bss_buf, 4);
	EXPECT_EQ(0, roundtrip(self->fd, stack_buf, back));
	EXPECT_EQ(0, roundtrip(self->fd, heap_buf, back));
	EXPECT_EQ(0, roundtrip(self->fd, global_buf, back));
	EXPECT_EQ(0, roundtrip(self->fd, bss_buf, back));
	/* and read into globals */
	ASSERT_EQ(LEN, write(self->fd, stack_buf, LEN));
	ASSERT_EQ(LEN, read(self->fd, bss_buf, LEN));
	EXPECT_EQ(0, memcmp(stack_buf, bss_buf, LEN));
	free(heap_buf);
}

TEST_F(dev, bad_pointers_get_efault)
{
	static const uintptr_t bad[] = {
		0x1000,				/* unmapped, user half */
		KERNEL_TEXT,			/* kernel */
		SLOT_END - 0x1000,		/* unmapped end of the slot */
		SLOT_END - LEN / 2,		/* runs out of the slot */
		0x00007ffffffff000UL + 0xf80,	/* runs out of the user half */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		errno = 0;
		EXPECT_EQ(-1, write(self->fd, (const void *)bad[i], LEN)) {
			TH_LOG("write from %#lx", (unsigned long)bad[i]);
		}
		EXPECT_EQ(EFAULT, errno);
	}
	/* A kernel address to read into, after a good write. */
	ASSERT_EQ(LEN, write(self->fd, global_buf, LEN));
	errno = 0;
	EXPECT_EQ(-1, read(self->fd, (void *)KERNEL_TEXT, LEN));
	EXPECT_EQ(EFAULT, errno);
}

TEST_HARNESS_MAIN
