/*
 * agesops check's scanner on arbitrary bytes.  The first byte picks the file
 * name (and so the format: YAML, JSON, dotenv, INI, kustomization, other).
 */
#include <stddef.h>
#include <stdint.h>
#include <agesops/gitops.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const names[] = { "s.yaml", "s.json", "s.env", "s.ini", "kustomization.yaml", "s.txt",
					     "secret", "s.yaml.tmp0a1b2c3d" };
	if (size < 1)
		return 0;
	const char *name = names[data[0] % 8];
	struct ags_check_scan s;
	if (ags_gitops_check_scan(name, data + 1, size - 1, &s, NULL) == 0)
		ags_gitops_check_scan_clear(&s);
	(void)ags_gitops_sops_marker(data + 1, size - 1, name);
	return 0;
}
