// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): the vDSO of the ring-0 application.
 *
 * The ordinary vDSO is in user pages, which the application cannot execute
 * at CPL0 (SMEP), and its system call fallbacks use SYSCALL. The UKL vDSO
 * (this directory) is the same code built a second time with fallbacks
 * that call the application's system call trampoline, so they enter the
 * kernel as the application's own system calls do: seccomp, ptrace, audit
 * and signals as usual. An mm that runs the application maps it in its
 * slot, after the image and a guard page, laid out as the ordinary vDSO:
 *
 *   vvar page | pvclock page | hvclock page | time namespace page | text
 *
 * The text pages are the vDSO image inside the kernel image, mapped
 * read-only and executable, the others the same data pages the ordinary
 * vvar mapping shows, mapped read-only; all are supervisor pages, none is
 * global. The auxiliary vector points AT_SYSINFO_EHDR at the text, and
 * glibc finds the functions there as it finds the ordinary vDSO's.
 *
 * Everything is mapped at exec (nothing faults in later, unlike the
 * ordinary vvar mapping): the pvclock and Hyper-V pages whenever the
 * machine has them, so that a clocksource switch at run time finds them.
 * A task in a time namespace gets that namespace's page where the vvar
 * page is, and the vvar page at the namespace position, as the ordinary
 * vvar mapping does; vdso_join_timens() calls ukl_vdso_join_timens() to
 * do the same when a task enters one (setns(), or fork() into the
 * namespace unshare() prepared). vdso=0 leaves the application without a
 * vDSO, as every other process.
 */
#include <linux/elf.h>
#include <linux/mm.h>
#include <linux/pgtable.h>
#include <linux/time_namespace.h>
#include <linux/ukl.h>
#include <asm/pvclock.h>
#include <asm/tlbflush.h>
#include <asm/vgtod.h>
#include <asm/vdso.h>
#include <asm/vvar.h>
#include <clocksource/hyperv_timer.h>

#include "../ukl.h"
#include "vdso-ukl-entry.h"

extern const struct vdso_image vdso_image_ukl;

/* The fallbacks have somewhere to go (ukl_vdso_init()). */
static bool ukl_vdso_ready __ro_after_init;

/* The slot offsets of the vvar pages and of the text. */
unsigned long ukl_vvar_off(void)
{
	return PAGE_ALIGN(ukl_off(end)) + PAGE_SIZE;
}

unsigned long ukl_vdso_off(void)
{
	return ukl_vvar_off() - vdso_image_ukl.sym_vvar_start;
}

unsigned long ukl_vdso_end(void)
{
	return ukl_vdso_off() + vdso_image_ukl.size;
}

/* The vDSO text in @mm, or 0 (AT_SYSINFO_EHDR). */
unsigned long ukl_vdso_base(struct mm_struct *mm)
{
	unsigned long va = UKL_SLOT_BASE + ukl_vdso_off();
	pmd_t *pmd = ukl_lookup_pmd(mm, va);
	bool present = false;
	spinlock_t *ptl;	/* the PTE table lock */
	pte_t *ptep;

	if (!pmd || pmd_none(*pmd))
		return 0;
	ptep = pte_offset_map_lock(mm, pmd, va, &ptl);
	if (!ptep)
		return 0;
	present = pte_present(ptep_get(ptep));
	pte_unmap_unlock(ptep, ptl);
	return present ? va : 0;
}

static int ukl_vdso_set(struct mm_struct *mm, long vvar_sym, unsigned long pfn,
			pgprotval_t prot)
{
	unsigned long va = UKL_SLOT_BASE + ukl_vdso_off() + vvar_sym;
	spinlock_t *ptl;	/* the PTE table lock */
	pte_t *ptep;

	ptep = get_locked_pte(mm, va, &ptl);
	if (!ptep)
		return -ENOMEM;
	if (pfn)
		set_pte_at(mm, va, ptep, pfn_pte(pfn, __pgprot(prot & ~_PAGE_GLOBAL &
							     __supported_pte_mask)));
	else
		pte_clear(mm, va, ptep);
	pte_unmap_unlock(ptep, ptl);
	return 0;
}

/* The page of @ns shown at the vvar position, or NULL for the real one. */
static struct page *ukl_timens_page(struct time_namespace *ns)
{
#ifdef CONFIG_TIME_NS
	if (ns != &init_time_ns)
		return ns->vvar_page;
#endif
	return NULL;
}

/* Point the vvar and time namespace positions of @mm for a task in @ns. */
static int ukl_vdso_set_vvar(struct mm_struct *mm, struct time_namespace *ns)
{
	const struct vdso_image *image = &vdso_image_ukl;
	unsigned long vvar = PHYS_PFN(__pa_symbol(&__vvar_page));
	struct page *timens = ukl_timens_page(ns);

	return ukl_vdso_set(mm, image->sym_vvar_page,
			    timens ? page_to_pfn(timens) : vvar, __PAGE_KERNEL_RO) ?:
	       ukl_vdso_set(mm, image->sym_timens_page, timens ? vvar : 0,
			    __PAGE_KERNEL_RO);
}

/* exec: map the vDSO into @mm, unless vdso=0. */
int ukl_map_vdso(struct mm_struct *mm)
{
	const struct vdso_image *image = &vdso_image_ukl;
	struct pvclock_vsyscall_time_info *pvti = pvclock_get_pvti_cpu0_va();
	unsigned long hv_pfn = hv_get_tsc_pfn();
	unsigned long off;
	int ret;

	if (!vdso64_enabled || !ukl_vdso_ready)
		return 0;
	ret = ukl_vdso_set_vvar(mm, current->nsproxy->time_ns);
	if (!ret && pvti)
		ret = ukl_vdso_set(mm, image->sym_pvclock_page,
				   PHYS_PFN(__pa(pvti)), __PAGE_KERNEL_RO);
	if (!ret && hv_pfn)
		ret = ukl_vdso_set(mm, image->sym_hvclock_page, hv_pfn,
				   __PAGE_KERNEL_RO);
	for (off = 0; !ret && off < image->size; off += PAGE_SIZE)
		ret = ukl_vdso_set(mm, off, PHYS_PFN(__pa(image->data + off)),
				   __PAGE_KERNEL_ROX);
	return ret;
}

/* fork(): the child maps what the parent maps; its PTEs say it all. */
int ukl_dup_vdso(struct mm_struct *oldmm, struct mm_struct *mm)
{
	unsigned long va = UKL_SLOT_BASE + ukl_vvar_off();
	unsigned long end = UKL_SLOT_BASE + ukl_vdso_end();
	int ret = 0;

	if (!ukl_vdso_base(oldmm))
		return 0;
	for (; !ret && va < end; va += PAGE_SIZE) {
		pmd_t *pmd = ukl_lookup_pmd(oldmm, va);
		spinlock_t *ptl;	/* the PTE table lock */
		pte_t *ptep, pte;

		if (!pmd || pmd_none(*pmd))
			continue;
		ptep = pte_offset_map_lock(oldmm, pmd, va, &ptl);
		if (!ptep)
			continue;
		pte = ptep_get(ptep);
		pte_unmap_unlock(ptep, ptl);
		if (pte_present(pte))
			ret = ukl_vdso_set(mm, va - UKL_SLOT_BASE - ukl_vdso_off(),
					   pte_pfn(pte), pte_flags(pte));
	}
	return ret;
}

/* vdso_join_timens(): @mm now belongs to a task in @ns. */
void ukl_vdso_join_timens(struct mm_struct *mm, struct time_namespace *ns)
{
	if (!mm || !ukl_mm(mm) || !ukl_vdso_base(mm))
		return;
	/* Page tables exist, so this cannot fail. */
	WARN_ON_ONCE(ukl_vdso_set_vvar(mm, ns));
	flush_tlb_mm(mm);
}

/*
 * Point the fallbacks at the trampoline, while the image is still
 * writable (it is __ro_after_init). Without an application there is
 * nothing to point at, and nothing maps the vDSO.
 */
static int __init ukl_vdso_init(void)
{
	unsigned long *entry = (unsigned long *)(vdso_image_ukl.data +
						 UKL_VDSO_ENTRY);

	if (!ukl_off(rx_end))
		return 0;
	if (ukl_vdso_end() > UKL_SLOT_SIZE) {
		pr_err("UKL: no room for the vDSO in the application slot\n");
		return -ENOSPC;
	}
	*entry = UKL_SLOT_BASE + ukl_off(syscall_entry);
	ukl_vdso_ready = true;
	return 0;
}
subsys_initcall_sync(ukl_vdso_init);
