// SPDX-License-Identifier: GPL-2.0
/*
 * Unikernel Linux (UKL): GUP on the application slot.
 *
 * The slot (arch/x86/ukl/mm.c) has no VMA, so __get_user_pages() finds
 * nothing there. As for the gate page, it asks here instead: the page is
 * made present as a fault would make it (the architecture code decides,
 * under the slot's PTE lock), and the reference GUP hands out - FOLL_GET
 * or FOLL_PIN - is taken before that lock is dropped, so that no
 * copy-on-write break can replace the page in between. Everything GUP
 * serves works on slot memory this way: process_vm_readv()/writev(),
 * O_DIRECT, vmsplice(), io_uring's registered buffers, core dumps.
 */
#include <linux/mm.h>
#include <linux/ukl.h>

#include "internal.h"

int ukl_gup_page(struct mm_struct *mm, unsigned long addr,
		 unsigned int gup_flags, struct page **pagep)
{
	spinlock_t *ptl;	/* the PTE table lock */
	struct page *page;
	pte_t *ptep;
	int ret = 0;

	page = ukl_gup_lock_page(mm, addr & PAGE_MASK, gup_flags,
				 gup_flags & FOLL_PIN, &ptl, &ptep);
	if (IS_ERR(page))
		return PTR_ERR(page);
	if (pagep) {
		ret = try_grab_folio(page_folio(page), 1, gup_flags);
		if (!ret)
			*pagep = page;
	}
	pte_unmap_unlock(ptep, ptl);
	return ret;
}
