/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of nlattr: building, nesting, strict walking. */
#include <errno.h>

#include "check.h"
#include "nlattr.h"

static void
test_build_walk(void)
{
	struct nlbuf b = NLBUF_EMPTY;
	const struct nlattr *a;
	size_t left;
	int n = 0;

	nl_put_u32(&b, 1, 7);
	size_t nest = nl_nest_start(&b, 2);
	nl_put_u16(&b, 3, 9);
	nl_put(&b, 4, "abc", 3);
	nl_nest_end(&b, nest);
	nl_put_flag(&b, 5);
	CHECK_EQ(b.len % 4, 0);
	CHECK_EQ(nl_attrs_check(b.data, b.len), 0);
	NL_ATTR_FOR_EACH(a, left, (const struct nlattr *)(void *)b.data, b.len)
	n++;
	CHECK_EQ(n, 3);
	const struct nlattr *x = nl_attr_find(b.data, b.len, 2);
	CHECK(x != NULL);
	CHECK_EQ(nl_attrs_check(nl_attr_data(x), nl_attr_len(x)), 0);
	const struct nlattr *y =
		nl_attr_find(nl_attr_data(x), nl_attr_len(x), 4);
	CHECK(y && nl_attr_len(y) == 3 && !memcmp(nl_attr_data(y), "abc", 3));
	CHECK_EQ(nl_attr_get_u32(nl_attr_find(b.data, b.len, 1)), 7);
	nl_buf_free(&b);
}

static void
test_reject(void)
{
	uint32_t buf[8] = { 0 };
	struct nlattr *a = (struct nlattr *)(void *)buf;

	a->nla_len = 8;
	a->nla_type = 1;
	CHECK_EQ(nl_attrs_check(buf, 8), 0);
	CHECK_EQ(nl_attrs_check(buf, 12), -EINVAL); /* trailing bytes */
	a->nla_len = 40;
	CHECK_EQ(nl_attrs_check(buf, 32), -EINVAL); /* longer than the data */
	a->nla_len = 2;
	CHECK_EQ(nl_attrs_check(buf, 32), -EINVAL); /* shorter than a header */
	CHECK_EQ(nl_attrs_check(buf, 3), -EINVAL);
	CHECK_EQ(nl_attrs_check((char *)buf + 1, 8), -EINVAL); /* unaligned */
	CHECK_EQ(nl_attrs_check(buf, 0), 0);
}

int
main(void)
{
	CHECK_RUN(test_build_walk);
	CHECK_RUN(test_reject);
	CHECK_EXIT();
}
