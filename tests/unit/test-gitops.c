/*
 * lib/gitops: yaml.v2 emission rules (checked against the live kubectl's
 * `create configmap`, whose string values go through the same
 * sigs.k8s.io/yaml path as flux's stringData), key order, Secret layouts,
 * env files, validators.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <cmocka.h>

#include <agesops/gitops.h>
#include "util/buf.h"
#include "yaml/yamlv2.h"

static char *emit_one(const char *key, const char *val, size_t vlen)
{
	struct ags_buf out;
	ags_buf_init(&out, 1 << 20);
	struct ags_y2_item data[1] = { { key, strlen(key), { AGS_Y2_STR, val, vlen, NULL, 0 } } };
	struct ags_y2_item top[1] = { { "data", 4, { AGS_Y2_MAP, NULL, 0, data, 1 } } };
	struct ags_y2_node root = { AGS_Y2_MAP, NULL, 0, top, 1 };
	assert_int_equal(ags_y2_emit_map(&root, &out), 0);
	return ags_buf_detach(&out, NULL);
}

static void check_value(const char *val, const char *want)
{
	char *got = emit_one("k", val, strlen(val));
	if (strcmp(got, want)) {
		fprintf(stderr, "value [%s]\nwant [%s]\ngot  [%s]\n", val, want, got);
		fail();
	}
	free(got);
}

static void test_scalar_styles(void **state)
{
	(void)state;
	check_value("plain", "data:\n  k: plain\n");
	check_value("", "data:\n  k: \"\"\n");
	check_value("123", "data:\n  k: \"123\"\n");
	check_value("yes", "data:\n  k: \"yes\"\n");
	check_value("0x1F", "data:\n  k: \"0x1F\"\n");
	check_value("1:20", "data:\n  k: \"1:20\"\n");
	check_value("2001-12-14", "data:\n  k: \"2001-12-14\"\n");
	check_value("*star", "data:\n  k: '*star'\n");
	check_value("@at", "data:\n  k: '@at'\n");
	check_value("a: b", "data:\n  k: 'a: b'\n");
	check_value("it's", "data:\n  k: it's\n");
	check_value("'q", "data:\n  k: '''q'\n");
	check_value(" lead", "data:\n  k: ' lead'\n");
	check_value("tab\there", "data:\n  k: \"tab\\there\"\n");
	check_value("line\n", "data:\n  k: |\n    line\n");
	check_value("line", "data:\n  k: line\n");
	check_value("a\nb", "data:\n  k: |-\n    a\n    b\n");
	/* no "..." after a last "|+" scalar: go-yaml's chomp indicator clears
	 * open_ended (checked: kubectl create secret --type=$'a\n\n' -o yaml) */
	check_value("a\n\n", "data:\n  k: |+\n    a\n\n");
	/* a value starting with a BOM is escaped throughout (go-yaml is_bom
	 * looks at the value's start) */
	check_value("\xEF\xBB\xBF" "ab c", "data:\n  k: \"\\uFEFF\\x61\\x62\\x20\\x63\"\n");
	check_value(" a\nb\n", "data:\n  k: |2\n     a\n    b\n");
	check_value("trail \nx", "data:\n  k: \"trail \\nx\"\n");
	check_value("<GIT_TOKEN>", "data:\n  k: <GIT_TOKEN>\n");
	check_value("-", "data:\n  k: '-'\n");
	check_value("-x", "data:\n  k: -x\n");
	check_value("é", "data:\n  k: é\n");
	/* long plain scalars with spaces fold past column 80 */
	check_value("aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiii",
		    "data:\n  k: aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg\n"
		    "    hhhhhhhhhh iiii\n");
}

static void test_key_order(void **state)
{
	(void)state;
	assert_true(ags_y2_key_less("identity", 8, "identity.pub", 12));
	assert_true(ags_y2_key_less("k9", 2, "k10", 3));
	assert_true(ags_y2_key_less("_x", 2, "Ax", 2));
	assert_true(ags_y2_key_less("a12", 3, "a100", 4));
	assert_false(ags_y2_key_less("b", 1, "a", 1));
	assert_true(ags_y2_key_less("Z", 1, "a", 1));
}

static void test_resolve(void **state)
{
	(void)state;
	const char *nonstr[] = { "", "~", "null", "true", "Off", "y", "1", "-1", "+1", "0o17", "0b101", "1_000",
				 "1.5", ".5", "1e3", ".inf", "-.INF", ".NaN", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
				 "2001-12-14 21:59:43.10", "99999999999999999999", "08", "1:20", NULL };
	const char *str[] = { "a", "yess", "0x", "1e", "1.2.3", ".", "-", "+", "2001-13-14", "<<", "1e400", "0xG",
			      "nulls", "abc123", NULL };
	for (const char **p = nonstr; *p; p++)
		if (!ags_y2_resolves_nonstr(*p, strlen(*p))) {
			fprintf(stderr, "should resolve: %s\n", *p);
			fail();
		}
	for (const char **p = str; *p; p++)
		if (ags_y2_resolves_nonstr(*p, strlen(*p))) {
			fprintf(stderr, "should be a string: %s\n", *p);
			fail();
		}
}

static void test_utf8_coerce(void **state)
{
	(void)state;
	struct ags_buf b;
	ags_buf_init(&b, 1024);
	assert_int_equal(ags_y2_utf8_coerce("a\xff\xc3\xa9\xed\xa0\x80z", 8, &b), 0);
	assert_int_equal(b.len, 1 + 3 + 2 + 9 + 1);
	assert_memory_equal(b.data, "a\xef\xbf\xbd\xc3\xa9\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz", b.len);
	ags_buf_release(&b);
}

/* The live oracle: kubectl create configmap prints string values as flux prints stringData. */
static char *run_kubectl_cm(const char *key, const char *val)
{
	char arg[8192];
	snprintf(arg, sizeof(arg), "--from-literal=%s=%s", key, val);
	int p[2];
	if (pipe(p))
		return NULL;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		freopen("/dev/null", "w", stderr);
		execlp("kubectl", "kubectl", "create", "configmap", "c", arg, "--dry-run=client", "-o", "yaml", (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	struct ags_buf b;
	ags_buf_init(&b, 1 << 20);
	char tmp[4096];
	ssize_t n;
	while ((n = read(p[0], tmp, sizeof(tmp))) > 0)
		ags_buf_append(&b, tmp, (size_t)n);
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		ags_buf_release(&b);
		return NULL;
	}
	return ags_buf_detach(&b, NULL);
}

static char *our_cm(const char *key, const char *val)
{
	struct ags_buf out;
	ags_buf_init(&out, 1 << 20);
	struct ags_y2_item data[1] = { { key, strlen(key), { AGS_Y2_STR, val, strlen(val), NULL, 0 } } };
	struct ags_y2_item meta[2] = { { "creationTimestamp", 17, { AGS_Y2_NULL, NULL, 0, NULL, 0 } },
				       { "name", 4, { AGS_Y2_STR, "c", 1, NULL, 0 } } };
	struct ags_y2_item top[4] = {
		{ "kind", 4, { AGS_Y2_STR, "ConfigMap", 9, NULL, 0 } },
		{ "apiVersion", 10, { AGS_Y2_STR, "v1", 2, NULL, 0 } },
		{ "metadata", 8, { AGS_Y2_MAP, NULL, 0, meta, 2 } },
		{ "data", 4, { AGS_Y2_MAP, NULL, 0, data, 1 } },
	};
	struct ags_y2_node root = { AGS_Y2_MAP, NULL, 0, top, 4 };
	assert_int_equal(ags_y2_emit_map(&root, &out), 0);
	return ags_buf_detach(&out, NULL);
}

static void test_against_kubectl(void **state)
{
	(void)state;
	if (system("kubectl version --client >/dev/null 2>&1") != 0)
		skip();
	static const char *vals[] = {
		"plain", "", "123", "yes", "No", "0x1F", "1:20", "2001-12-14", "*star", "@at", "a: b", "a #b", "a#b",
		"it's", "'q", "\"dq", " lead", "trail ", "tab\there", "line\n", "a\nb", "a\n\n", " a\nb\n", "\na",
		"trail \nx", "x\n \ny", "<GIT_TOKEN>", "-", "-x", "- x", "? x", "?x", ":x", "x:", "x: y", "%p", "!t",
		"&a", "|x", ">x", "[x", "{x", "x,y", "x]", "`b", "é", "日本", "\xc2\xa0nbsp", "bell\a", "nul\x01",
		"---", "...", "--- x", "\xEF\xBB\xBF" "ab c", "a  b", "1.5", ".5", "1e3", "0o17", "08", "~", "null", "<<", "=", "k=v=w",
		"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiii jjjj",
		"'aaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh iiii jjj'",
		"yes aaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhh\tiiii jjjj",
		"aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee ffffffffff gggggggggg hhhhhhhhhhh  iiii jjjj",
		"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
		"line one\nline two with a very long text that goes past the eightieth column for sure, yes\n",
		"ends with spaces  \nok",
		NULL,
	};
	int bad = 0;
	for (const char **v = vals; *v; v++) {
		char *want = run_kubectl_cm("k", *v);
		if (!want)
			continue; /* kubectl refused (not a case) */
		char *got = our_cm("k", *v);
		if (strcmp(want, got)) {
			fprintf(stderr, "MISMATCH for [%s]\n--- kubectl\n%s--- ours\n%s", *v, want, got);
			bad++;
		}
		free(want);
		free(got);
	}
	assert_int_equal(bad, 0);
}

static void test_secret_layouts(void **state)
{
	(void)state;
	struct ags_gitops_secret *s;
	struct ags_diag d = { 0 };
	struct ags_buf out;
	assert_int_equal(ags_gitops_secret_new("sec", "ns", &s), 0);
	assert_int_equal(ags_gitops_secret_add(s, "b", "2", 1, true, &d), 0);
	assert_int_equal(ags_gitops_secret_add(s, "a", "\x00\xff", 2, true, &d), 0);
	assert_int_equal(ags_gitops_secret_add(s, "a", "x", 1, true, &d), AGS_E_GITOPS_INVALID);
	assert_non_null(strstr(d.msg, "already exists"));
	assert_int_equal(ags_gitops_secret_add(s, "bad/key", "x", 1, true, &d), AGS_E_GITOPS_INVALID);
	assert_int_equal(ags_gitops_secret_add_label(s, "Bad Label", "x", &d), AGS_E_GITOPS_INVALID);
	ags_buf_init(&out, 1 << 20);
	assert_int_equal(ags_gitops_secret_emit(s, AGS_LAYOUT_KUBECTL, &out, &d), 0);
	assert_string_equal((char *)out.data, "apiVersion: v1\ndata:\n  a: AP8=\n  b: Mg==\nkind: Secret\nmetadata:\n"
					      "  creationTimestamp: null\n  name: sec\n  namespace: ns\n");
	ags_buf_reset(&out);
	assert_int_equal(ags_gitops_secret_emit(s, AGS_LAYOUT_FLUX, &out, &d), 0);
	assert_string_equal((char *)out.data, "---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: sec\n  namespace: ns\n"
					      "stringData:\n  a: \"\\0\xef\xbf\xbd\"\n  b: \"2\"\n\n");
	ags_buf_release(&out);
	ags_gitops_secret_free(s);
	ags_gitops_secret_free(NULL);
}

static void test_env_file(void **state)
{
	(void)state;
	struct ags_gitops_secret *s;
	struct ags_diag d = { 0 };
	size_t l;
	assert_int_equal(ags_gitops_secret_new("n", NULL, &s), 0);
	const char env[] = "\xef\xbb\xbf" "A=1\n# c\n  B= x \r\n\nC=a=b\nD=";
	assert_int_equal(ags_gitops_secret_add_env_file(s, env, sizeof(env) - 1, "e", &d), 0);
	assert_memory_equal(ags_gitops_secret_get(s, "A", &l), "1", 1);
	assert_memory_equal(ags_gitops_secret_get(s, "B", &l), " x ", 3);
	assert_int_equal(l, 3);
	assert_memory_equal(ags_gitops_secret_get(s, "C", &l), "a=b", 3);
	assert_non_null(ags_gitops_secret_get(s, "D", &l));
	assert_int_equal(l, 0);
	assert_int_equal(ags_gitops_secret_add_env_file(s, "9X=1\n", 5, "e", &d), AGS_E_GITOPS_INVALID);
	assert_non_null(strstr(d.msg, "e:1:"));
	assert_int_equal(ags_gitops_secret_add_env_file(s, "Y=\xff\n", 4, "e", &d), AGS_E_UTF8);
	ags_gitops_secret_free(s);
}

static void test_validators(void **state)
{
	(void)state;
	assert_null(ags_gitops_proxmox_token_id_error("root@pam!root"));
	assert_null(ags_gitops_proxmox_token_id_error("capmox@pve!capi-1.x_y"));
	assert_non_null(ags_gitops_proxmox_token_id_error("root@pam"));
	assert_non_null(ags_gitops_proxmox_token_id_error("root!x@pam"));
	assert_non_null(ags_gitops_proxmox_token_id_error("root@pam!9x"));
	assert_null(ags_gitops_proxmox_url_error("https://192.168.4.50:8006"));
	assert_null(ags_gitops_proxmox_url_error("https://[fe80::1]:8006/"));
	assert_non_null(ags_gitops_proxmox_url_error("https://h:0"));
	assert_non_null(ags_gitops_proxmox_url_error("ftp://h"));
	assert_true(ags_gitops_dns1123_label("flux-system"));
	assert_false(ags_gitops_dns1123_label("Flux"));
	assert_false(ags_gitops_dns1123_label("-a"));
	assert_true(ags_gitops_dns1123_subdomain("a.b-c"));
	assert_false(ags_gitops_dns1123_subdomain("a..b"));
	assert_null(ags_gitops_key_error("age.agekey"));
	assert_non_null(ags_gitops_key_error(".."));
}

static void test_ssh_keys(void **state)
{
	(void)state;
	char *priv, *pub, *pub2;
	size_t pl;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_ssh_keygen(AGS_SSH_ED25519, 0, AGS_SSH_FMT_PKCS8, &priv, &pl, &pub, &d), 0);
	assert_int_equal(strncmp(priv, "-----BEGIN PRIVATE KEY-----\n", 28), 0);
	assert_int_equal(strncmp(pub, "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI", 37), 0);
	assert_int_equal(ags_ssh_public_from_private(priv, pl, NULL, &pub2, &d), 0);
	assert_string_equal(pub, pub2);
	free(pub2);
	free(pub);
	free(priv);
	assert_int_equal(ags_ssh_keygen(AGS_SSH_ECDSA, 521, AGS_SSH_FMT_OPENSSH, &priv, &pl, &pub, &d), 0);
	assert_int_equal(strncmp(priv, "-----BEGIN OPENSSH PRIVATE KEY-----\n", 36), 0);
	assert_int_equal(ags_ssh_public_from_private(priv, pl, NULL, &pub2, &d), 0);
	assert_string_equal(pub, pub2);
	free(pub2);
	free(pub);
	free(priv);
	assert_int_equal(ags_ssh_keygen(AGS_SSH_ECDSA, 224, AGS_SSH_FMT_PKCS8, &priv, &pl, &pub, &d), AGS_E_GITOPS_INVALID);
	assert_int_equal(ags_ssh_keygen(AGS_SSH_RSA, 1000, AGS_SSH_FMT_PKCS8, &priv, &pl, &pub, &d), AGS_E_GITOPS_INVALID);
	assert_true(ags_ssh_public_from_private("garbage", 7, NULL, &pub, &d) < 0);
	const char trunc[] = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
	assert_true(ags_ssh_public_from_private(trunc, sizeof(trunc) - 1, NULL, &pub, &d) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scalar_styles), cmocka_unit_test(test_key_order),
		cmocka_unit_test(test_resolve),       cmocka_unit_test(test_utf8_coerce),
		cmocka_unit_test(test_against_kubectl), cmocka_unit_test(test_secret_layouts),
		cmocka_unit_test(test_env_file),      cmocka_unit_test(test_validators),
		cmocka_unit_test(test_ssh_keys),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
