// SPDX-License-Identifier: GPL-2.0
/*
 * ukl_uaccess: a misc device whose write() and read() use the user-access
 * primitives a module inlines (access_ok(), masked_user_access_begin()
 * with unsafe_get_user()) and the ones it calls (get_user(),
 * copy_from_user(), copy_to_user()). On a UKL kernel the inlined ones test
 * the application slot behind a jump-table entry on the exported static
 * key ukl_started, which the module loader must resolve and the key must
 * patch in the module's text too: the UKL application in ring 0 writes
 * from its own globals (slot addresses), everybody else gets -EFAULT for
 * them. tools/testing/selftests/ukl/ukl_module_test.c drives it.
 */
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>

#define UKL_UACCESS_MAX	256

static DEFINE_MUTEX(ukl_uaccess_lock);
static u8 ukl_uaccess_buf[UKL_UACCESS_MAX];
static size_t ukl_uaccess_len;

/* The last byte of [@ubuf, @ubuf + @len), read as a scoped user access. */
static int ukl_uaccess_last(const u8 __user *ubuf, size_t len, u8 *last)
{
	const u8 __user *p = ubuf + len - 1;

	if (can_do_masked_user_access())
		p = masked_user_access_begin(p);
	else if (!user_read_access_begin(p, 1))
		return -EFAULT;
	unsafe_get_user(*last, p, efault);
	user_read_access_end();
	return 0;
efault:
	user_read_access_end();
	return -EFAULT;
}

static ssize_t ukl_uaccess_write(struct file *file, const char __user *ubuf,
				 size_t len, loff_t *ppos)
{
	u32 first = 0;
	u8 last;
	int ret;

	if (!len || len > UKL_UACCESS_MAX)
		return -EINVAL;
	if (!access_ok(ubuf, len))
		return -EFAULT;
	if (len >= sizeof(first) && get_user(first, (const u32 __user *)ubuf))
		return -EFAULT;
	ret = ukl_uaccess_last((const u8 __user *)ubuf, len, &last);
	if (ret)
		return ret;

	mutex_lock(&ukl_uaccess_lock);
	if (copy_from_user(ukl_uaccess_buf, ubuf, len)) {
		mutex_unlock(&ukl_uaccess_lock);
		return -EFAULT;
	}
	ukl_uaccess_len = len;
	/* Every way of reading the buffer saw the same bytes. */
	if (ukl_uaccess_buf[len - 1] != last ||
	    (len >= sizeof(first) && memcmp(ukl_uaccess_buf, &first, sizeof(first))))
		ret = -EIO;
	mutex_unlock(&ukl_uaccess_lock);
	return ret ?: len;
}

static ssize_t ukl_uaccess_read(struct file *file, char __user *ubuf,
				size_t len, loff_t *ppos)
{
	ssize_t ret;

	mutex_lock(&ukl_uaccess_lock);
	ret = min(len, ukl_uaccess_len);
	if (ret && !access_ok(ubuf, ret))
		ret = -EFAULT;
	else if (ret && copy_to_user(ubuf, ukl_uaccess_buf, ret))
		ret = -EFAULT;
	mutex_unlock(&ukl_uaccess_lock);
	return ret;
}

static const struct file_operations ukl_uaccess_fops = {
	.owner	= THIS_MODULE,
	.write	= ukl_uaccess_write,
	.read	= ukl_uaccess_read,
};

static struct miscdevice ukl_uaccess_dev = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= "ukl_uaccess",
	.fops	= &ukl_uaccess_fops,
};
module_misc_device(ukl_uaccess_dev);

MODULE_DESCRIPTION("UKL selftest: user access from a module");
MODULE_LICENSE("GPL");
