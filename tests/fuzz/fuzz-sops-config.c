/*
 * .sops.yaml parser and rule matching, then the sops tree-path parser with
 * get/set/unset on a small document.  Input: config bytes, optionally
 * followed by "\n#PATH:" and a tree path.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include <agesops/sops-config.h>
#include "sops/path.h"

static void paths(const char *s)
{
	struct ags_sops_path p = { 0 };
	if (ags_sops_path_parse(s, &p, NULL) < 0)
		return;
	struct ags_branch *doc;
	if (ags_branch_new(&doc) == 0) {
		struct ags_value k = { 0 }, v = { 0 }, *got;
		ags_value_set_str(&k, AGS_VAL_STR, "a", 1);
		ags_value_set_seq(&v);
		if (ags_branch_append(doc, &k, &v) < 0) {
			ags_value_clear(&k);
			ags_value_clear(&v);
		}
		if (p.n) {
			struct ags_value nv = { .kind = AGS_VAL_INT, .i = 1 };
			bool ch;
			ags_sops_path_set(doc, &p, &nv, &ch, NULL);
			ags_value_clear(&nv);
			ags_sops_path_get(doc, &p, &got, NULL);
			ags_sops_path_unset(doc, &p, NULL);
		}
		ags_branch_free(doc);
	}
	ags_sops_path_clear(&p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	char *sep = strstr(buf, "\n#PATH:");
	size_t cfglen = sep ? (size_t)(sep - buf) : size;
	struct ags_sops_config *c = NULL;
	if (ags_sops_config_parse(buf, cfglen, "/r/.sops.yaml", &c, NULL) == 0) {
		static const char *files[] = { "/r/a.yaml", "/r/sub/secret.enc.yaml", "/elsewhere/x.json", "/r/.env" };
		for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
			const struct ags_sops_creation_rule *r = NULL;
			if (ags_sops_config_match(c, files[i], &r, NULL) == 0 && r) {
				ags_sops_rule_check(r, NULL);
				ags_sops_rule_threshold(r);
			}
		}
		ags_sops_config_free(c);
	}
	if (sep)
		paths(sep + 7);
	free(buf);
	return 0;
}
