/* Fuzzes the strict JSON reader that parses API server responses, and checks
 * that every string it yields survives the JSON writer and a second parse. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "k8s/json.h"

static void check_strings(const struct k8s_json *j)
{
	for (; j; j = j->next) {
		if (j->type == K8S_JSON_STRING) {
			struct ags_buf b;
			ags_buf_init(&b, (size_t)1 << 24);
			if (k8s_json_put_str(&b, j->str, j->len) == 0) {
				struct k8s_json *back = NULL;
				if (k8s_json_parse((const char *)b.data, b.len, &back, NULL, 0) != 0 ||
				    back->type != K8S_JSON_STRING || back->len != j->len ||
				    memcmp(back->str, j->str, j->len) != 0)
					abort();
				k8s_json_free(back);
			}
			ags_buf_release(&b);
		}
		check_strings(j->child);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct k8s_json *j = NULL;
	char err[128];
	if (k8s_json_parse((const char *)data, size, &j, err, sizeof(err)) == 0) {
		check_strings(j);
		k8s_json_free(j);
	}
	return 0;
}
