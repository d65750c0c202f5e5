// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): branch-prediction mitigations and the application.
 *
 * Kernel code is compiled for the kernel's Spectre-class mitigations:
 * indirect branches through retpoline or ITS thunks, returns through a
 * return thunk that alternatives patch for the CPU (untrained returns,
 * SRSO safe RET, call-depth stuffing), and entry code that sets IBRS,
 * issues IBPB or clears the branch history. The application and its
 * libraries are ordinary user code: plain indirect branches and RET, and
 * between its entries into the kernel it runs at CPL0 with the predictor
 * state of user mode. Where a mitigation depends on any of that,
 * application code at CPL0 is exactly the unprotected kernel code the
 * mitigation exists to prevent, while sysfs would report the kernel
 * mitigated.
 *
 * So by default the application starts only when no active mitigation
 * needs code it does not have: with enhanced IBRS (which covers all CPL0
 * code), the hardware BHI control, or on CPUs that are not affected.
 * "ukl.allow_unmitigated=1" on the command line starts it anyway; from
 * then on the vulnerabilities files in /sys/devices/system/cpu say
 * "Vulnerable" for the bugs whose mitigation the application lacks, so
 * they stay true for all CPL0 code. Documentation/ukl/ukl.rst, "Threat
 * model".
 */
#include <linux/cache.h>
#include <linux/cc_platform.h>
#include <linux/cpufeature.h>
#include <linux/moduleparam.h>
#include <linux/pgtable.h>
#include <linux/printk.h>
#include <linux/sysfs.h>
#include <linux/ukl.h>

#include "ukl.h"

static const struct {
	int feature;		/* the active mitigation */
	int bugs[3];		/* what it mitigates; 0 ends the list */
	const char *what;
} ukl_compiled_mitigations[] = {
	{ X86_FEATURE_RETPOLINE, { X86_BUG_SPECTRE_V2 }, "Spectre v2: retpolines" },
	{ X86_FEATURE_RETPOLINE_LFENCE, { X86_BUG_SPECTRE_V2 },
	  "Spectre v2: LFENCE before indirect branches" },
	{ X86_FEATURE_KERNEL_IBRS, { X86_BUG_SPECTRE_V2, X86_BUG_RETBLEED },
	  "IBRS set on kernel entry only" },
	{ X86_FEATURE_CLEAR_BHB_LOOP, { X86_BUG_SPECTRE_V2 },
	  "BHI: branch history clearing loop" },
	{ X86_FEATURE_INDIRECT_THUNK_ITS, { X86_BUG_ITS }, "ITS: indirect branch thunks" },
	{ X86_FEATURE_RETHUNK, { X86_BUG_RETBLEED, X86_BUG_SRSO, X86_BUG_ITS },
	  "return thunks (retbleed, SRSO or ITS)" },
	{ X86_FEATURE_CALL_DEPTH, { X86_BUG_RETBLEED }, "retbleed: call depth tracking" },
	{ X86_FEATURE_ENTRY_IBPB, { X86_BUG_RETBLEED, X86_BUG_SRSO },
	  "IBPB on kernel entry" },
};

/* "ukl.allow_unmitigated=1"; also /sys/module/ukl/parameters/. */
#undef MODULE_PARAM_PREFIX
#define MODULE_PARAM_PREFIX "ukl."
static bool allow_unmitigated __ro_after_init;
module_param(allow_unmitigated, bool, 0444);

static bool ukl_started_unmitigated;

/*
 * May the application start at CPL0? 0 if so; otherwise -EPERM with a log
 * line naming the first mitigation that application code lacks.
 */
int ukl_check_mitigations(void)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(ukl_compiled_mitigations); i++) {
		const char *what = ukl_compiled_mitigations[i].what;

		if (!boot_cpu_has(ukl_compiled_mitigations[i].feature))
			continue;
		if (!allow_unmitigated) {
			pr_warn_ratelimited("UKL: not starting the application: the active mitigation (%s) needs compiled-in code that application code at CPL0 does not have; ukl.allow_unmitigated=1 starts it anyway\n",
					    what);
			return -EPERM;
		}
		if (!READ_ONCE(ukl_started_unmitigated))
			pr_warn_once("UKL: starting the application without the active mitigation (%s): CPL0 is not protected against it\n",
				     what);
		WRITE_ONCE(ukl_started_unmitigated, true);
	}
	return 0;
}

/*
 * The vulnerabilities file of @bug, once an application ran at CPL0
 * without its mitigation: "Vulnerable", not the kernel's mitigation.
 * Returns 0 to let the normal text through.
 */
ssize_t ukl_show_vulnerability(unsigned int bug, char *buf)
{
	const char *fmt = "Vulnerable: UKL application at CPL0 without %s\n";
	int i, j;

	if (!READ_ONCE(ukl_started_unmitigated))
		return 0;
	for (i = 0; i < ARRAY_SIZE(ukl_compiled_mitigations); i++) {
		if (!boot_cpu_has(ukl_compiled_mitigations[i].feature))
			continue;
		for (j = 0; j < ARRAY_SIZE(ukl_compiled_mitigations[i].bugs); j++) {
			if (ukl_compiled_mitigations[i].bugs[j] == bug)
				return sysfs_emit(buf, fmt,
						  ukl_compiled_mitigations[i].what);
		}
	}
	return 0;
}

/*
 * Platform features that a distribution kernel has compiled in and the
 * application cannot run under. None of them is excluded at build time:
 * the kernel boots and every ordinary process keeps the feature. Whether
 * the application may start is decided at each exec of the trigger, from
 * what is active on this machine; Documentation/ukl/ukl.rst, "Distribution
 * kernels", says what an administrator can do about each.
 */
static const char *ukl_platform_conflict(void)
{
	/* Its entry code does not recognise application frames. */
	if (cpu_feature_enabled(X86_FEATURE_FRED))
		return "FRED is active (boot without fred=on)";
	/* Application code has no ENDBR. */
	if (cpu_feature_enabled(X86_FEATURE_IBT))
		return "kernel IBT is active (boot with ibt=off)";
	/* The kernel itself does not run in ring 0. */
	if (cpu_feature_enabled(X86_FEATURE_XENPV))
		return "this is a Xen PV guest";
	/* #VC and #VE raised in application code are not handled. */
	if (cc_platform_has(CC_ATTR_GUEST_MEM_ENCRYPT))
		return "this is a confidential (SEV or TDX) guest";
	return NULL;
}

/*
 * May the application start on this machine? 0 if so; otherwise
 * -EOPNOTSUPP with a log line naming the reason.
 */
int ukl_check_platform(void)
{
	const char *why = ukl_platform_conflict();

	if (!why)
		return 0;
	pr_warn_ratelimited("UKL: not starting the application: %s\n", why);
	return -EOPNOTSUPP;
}
