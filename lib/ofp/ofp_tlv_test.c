/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ofp_tlv_test: the TLV mapping table's rules (all or nothing, Open
 * vSwitch's errors, deletes of mappings in use), the mapping syntax, and
 * a mod and a reply through the wire and back.
 */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ofp_tlv.h"
#include "util.h"

static enum ofperr
apply(struct ofp_tlv_table *t, enum ofp_tlv_command cmd, const char *maps,
      bool (*in_use)(void *, unsigned))
{
	struct ofp_tlv_mod mod = { .command = cmd };
	char *err = ofp_parse_tlv_maps(maps, &mod);
	enum ofperr e;

	CHECK(err == NULL);
	free(err);
	e = ofp_tlv_table_mod(t, &mod, in_use, NULL);
	ofp_tlv_mod_free(&mod);
	return e;
}

static bool
index7_in_use(void *aux, unsigned index)
{
	(void)aux;
	return index == 7;
}

static void
test_rules(void)
{
	struct ofp_tlv_table t, before;

	memset(&t, 0, sizeof t);
	CHECK_EQ(apply(&t, OFP_TLV_ADD,
		       "{class=0xffff,type=0,len=4}->tun_metadata0", NULL),
		 0);
	CHECK(t.valid[0]);
	CHECK_EQ(t.maps[0].option_class, 0xffff);
	CHECK(ofp_tlv_table_maps(&t, 0xffff, 0, 4));
	CHECK(!ofp_tlv_table_maps(&t, 0xffff, 0, 8));
	CHECK(!ofp_tlv_table_maps(&t, 0xffff, 1, 4));
	CHECK_EQ(ofp_tlv_table_space(&t), 4);
	CHECK_EQ(apply(&t, OFP_TLV_ADD, "{class=1,type=0,len=4}->tun_metadata0",
		       NULL),
		 OFPERR_NXTTMFC_ALREADY_MAPPED);
	CHECK_EQ(apply(&t, OFP_TLV_ADD,
		       "{class=0xffff,type=0,len=8}->tun_metadata1", NULL),
		 OFPERR_NXTTMFC_DUP_ENTRY);
	/* All or nothing: the first mapping of a failing mod is not kept. */
	before = t;
	CHECK_EQ(apply(&t, OFP_TLV_ADD,
		       "{class=2,type=0,len=124}->tun_metadata2,"
		       "{class=2,type=1,len=124}->tun_metadata3,"
		       "{class=2,type=2,len=8}->tun_metadata4",
		       NULL),
		 OFPERR_NXTTMFC_TABLE_FULL);
	CHECK(!memcmp(&t, &before, sizeof t));
	CHECK_EQ(apply(&t, OFP_TLV_ADD,
		       "{class=2,type=0,len=124}->tun_metadata2,"
		       "{class=2,type=1,len=124}->tun_metadata3,"
		       "{class=2,type=2,len=4}->tun_metadata4",
		       NULL),
		 0);
	CHECK_EQ(ofp_tlv_table_space(&t), 256);
	/* Deletes: by index, absent ones ignored; one in use refused. */
	CHECK_EQ(apply(&t, OFP_TLV_DELETE,
		       "{class=0,type=0,len=0}->tun_metadata2,"
		       "{class=0,type=0,len=0}->tun_metadata9",
		       NULL),
		 0);
	CHECK(!t.valid[2]);
	CHECK_EQ(apply(&t, OFP_TLV_ADD, "{class=5,type=5,len=4}->tun_metadata7",
		       NULL),
		 0);
	CHECK_EQ(apply(&t, OFP_TLV_DELETE,
		       "{class=5,type=5,len=4}->tun_metadata7", index7_in_use),
		 OFPERR_NXTTMFC_INVALID_TLV_DEL);
	CHECK(t.valid[7]);
	CHECK_EQ(apply(&t, OFP_TLV_CLEAR, "", index7_in_use),
		 OFPERR_NXTTMFC_INVALID_TLV_DEL);
	CHECK(t.valid[0]);
	CHECK_EQ(apply(&t, OFP_TLV_CLEAR, "", NULL), 0);
	CHECK_EQ(ofp_tlv_table_space(&t), 0);
}

static void
test_syntax(void)
{
	static const char *const bad[] = {
		" {class=1,type=0,len=4}->tun_metadata0",
		"{class=1,type=0,len=4}->tun_metadata0 ",
		"{class=1,type=0,len=4}->tun_metadata0, "
		"{class=1,type=1,len=4}->tun_metadata1",
		"{class=1,type=0,len=4}->tun_metadata0,,"
		"{class=1,type=1,len=4}->tun_metadata1",
		"{class=1, type=0,len=4}->tun_metadata0",
		"{class=1,type=0,len=4}",
		"{class=1,type=0,len=4}->tun_metadata0x",
	};
	struct ofp_tlv_mod mod = { .command = OFP_TLV_ADD };
	char *err;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = ofp_parse_tlv_maps(bad[i], &mod);
		CHECK_STREQ(err, "invalid tlv mapping");
		free(err);
		ofp_tlv_mod_free(&mod);
	}
	err = ofp_parse_tlv_maps("{class=-1,type=300,len=010}->tun_metadata "
				 "3{class=0x10002,type=1,len=4}->tun_metadata4",
				 &mod);
	CHECK(err == NULL);
	CHECK_EQ(mod.n_maps, 2);
	CHECK_EQ(mod.maps[0].option_class, 0xffff);
	CHECK_EQ(mod.maps[0].option_type, 300 & 0xff);
	CHECK_EQ(mod.maps[0].option_len, 8); /* octal */
	CHECK_EQ(mod.maps[0].index, 3);
	CHECK_EQ(mod.maps[1].option_class, 2);
	ofp_tlv_mod_free(&mod);
}

static void
test_wire(void)
{
	struct ofp_tlv_mod mod = { .command = OFP_TLV_DELETE }, back;
	struct ofp_tlv_table t;
	struct ofpbuf b = OFPBUF_EMPTY;
	struct ofp_msg m;
	struct ds s = DS_EMPTY;

	CHECK(ofp_parse_tlv_maps("{class=0x102,type=0x80,len=124}->"
				 "tun_metadata63",
				 &mod) == NULL);
	ofp_encode_tlv_mod(&b, 4, &mod, 9);
	CHECK_EQ(b.size, 16 + 8 + 8);
	CHECK_EQ(ofp_msg_decode(b.data, b.size, &m), 0);
	CHECK_EQ(ofp_decode_tlv_mod(&m, &back), 0);
	CHECK_EQ(back.command, OFP_TLV_DELETE);
	CHECK_EQ(back.n_maps, 1);
	CHECK(!memcmp(&back.maps[0], &mod.maps[0], sizeof back.maps[0]));
	ofp_tlv_mod_free(&back);
	/* A length that is not a multiple of 4, an index over 63. */
	((uint8_t *)b.data)[16 + 8 + 3] = 6;
	CHECK_EQ(ofp_decode_tlv_mod(&m, &back), OFPERR_NXTTMFC_BAD_OPT_LEN);
	ofp_tlv_mod_free(&back);
	((uint8_t *)b.data)[16 + 8 + 3] = 4;
	((uint8_t *)b.data)[16 + 8 + 5] = 64;
	CHECK_EQ(ofp_decode_tlv_mod(&m, &back), OFPERR_NXTTMFC_BAD_FIELD_IDX);
	ofp_tlv_mod_free(&back);
	((uint8_t *)b.data)[16 + 1] = 3;
	CHECK_EQ(ofp_decode_tlv_mod(&m, &back), OFPERR_NXTTMFC_BAD_COMMAND);
	ofp_tlv_mod_free(&back);

	memset(&t, 0, sizeof t);
	mod.command = OFP_TLV_ADD;
	CHECK_EQ(ofp_tlv_table_mod(&t, &mod, NULL, NULL), 0);
	b.size = 0;
	ofp_encode_tlv_reply(&b, 1, &t, 2);
	CHECK_EQ(ofp_msg_decode(b.data, b.size, &m), 0);
	CHECK_EQ(ofp_print_tlv_reply(&s, &m), 0);
	CHECK_STREQ(ds_cstr(&s), "\n max option space=256 max fields=64\n"
				 " allocated option space=124\n\n"
				 " mapping table:\n"
				 "  class  type  length  match field\n"
				 " ------  ----  ------  --------------\n"
				 "  0x102  0x80     124  tun_metadata63");
	ds_free(&s);
	ofpbuf_uninit(&b);
	ofp_tlv_mod_free(&mod);
}

int
main(void)
{
	CHECK_RUN(test_rules);
	CHECK_RUN(test_syntax);
	CHECK_RUN(test_wire);
	CHECK_EXIT();
}
