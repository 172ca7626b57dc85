/* SPDX-License-Identifier: Apache-2.0 */
/* log_test: vlog/set specs, the list table, the file, rate limiting. */
#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"

LOG_MODULE(logtest);

static void
test_spec(void)
{
	struct ds out = DS_EMPTY;
	char *err;

	CHECK_EQ(log_set_spec("logtest:file:dbg", &err), 0);
	log_list(&out);
	CHECK(strstr(ds_cstr(&out), "logtest") != NULL);
	CHECK(strstr(ds_cstr(&out), "DBG") != NULL);
	CHECK(log_enabled(&log_this_module, LVL_DBG));
	CHECK_EQ(log_set_spec("nosuchthing:dbg", &err), -EINVAL);
	CHECK(err && strstr(err, "nosuchthing"));
	free(err);
	CHECK_EQ(log_set_spec("any:any:warn", &err), 0);
	CHECK(!log_enabled(&log_this_module, LVL_INFO));
	ds_free(&out);
}

static void
test_file_and_rate_limit(void)
{
	char path[] = "/tmp/logtestXXXXXX";
	struct log_rl rl = LOG_RL_INIT(5, 1);
	char *err, line[512];
	int fd = mkstemp(path), lines = 0;

	close(fd);
	log_init("tester");
	CHECK_EQ(log_set_file(path), 0);
	CHECK_EQ(log_set_spec("logtest:console:off", &err), 0);
	CHECK_EQ(log_set_spec("logtest:file:info", &err), 0);
	for (int i = 0; i < 100; i++)
		log_warn_rl(&rl, "flood %d", i);
	log_info("plain");
	CHECK_EQ(log_set_file(NULL), 0);
	FILE *f = fopen(path, "r");
	while (fgets(line, sizeof line, f)) {
		lines++;
		CHECK(strstr(line, "|tester|logtest|") != NULL);
	}
	fclose(f);
	CHECK_EQ(lines, 6);
	unlink(path);
}

int
main(void)
{
	CHECK_RUN(test_spec);
	CHECK_RUN(test_file_and_rate_limit);
	CHECK_EXIT();
}
