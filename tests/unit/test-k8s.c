/* Unit tests for lib/k8s: the strict JSON reader/writer, kubeconfig loading
 * and merging, in-cluster configuration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "internal.h"
#include "k8s/json.h"
#include "k8s/kubeconfig.h"
#include <agesops/k8s.h>

/* ---- JSON ---- */

static struct k8s_json *parse_ok(const char *s)
{
	struct k8s_json *j = NULL;
	char err[128];
	int r = k8s_json_parse(s, strlen(s), &j, err, sizeof(err));
	if (r != 0)
		fail_msg("parse of %s failed: %s", s, err);
	return j;
}

static void json_valid(void **state)
{
	(void)state;
	struct k8s_json *j = parse_ok(
		" {\"kind\":\"Status\",\"code\":409,\"details\":{\"name\":\"sops-age\",\"kind\":\"secrets\"},"
		"\"a\":[1,-2.5e+3,true,false,null,\"x\"],\"esc\":\"q\\\"b\\\\s\\/n\\n\\u00e9\\ud83d\\ude00\"} ");
	assert_int_equal(j->type, K8S_JSON_OBJECT);
	assert_string_equal(k8s_json_get_str(j, "kind"), "Status");
	const struct k8s_json *code = k8s_json_get(j, "code");
	assert_int_equal(code->type, K8S_JSON_NUMBER);
	assert_string_equal(code->str, "409");
	assert_string_equal(k8s_json_get_str(k8s_json_get(j, "details"), "kind"), "secrets");
	const struct k8s_json *a = k8s_json_get(j, "a");
	assert_int_equal(a->type, K8S_JSON_ARRAY);
	assert_int_equal(a->n, 6);
	assert_string_equal(a->child->next->str, "-2.5e+3");
	assert_int_equal(a->child->next->next->type, K8S_JSON_BOOL);
	assert_int_equal(a->child->next->next->next->next->type, K8S_JSON_NULL);
	assert_string_equal(k8s_json_get_str(j, "esc"), "q\"b\\s/n\n\xc3\xa9\xf0\x9f\x98\x80");
	assert_null(k8s_json_get(j, "missing"));
	assert_null(k8s_json_get_str(j, "code"));
	k8s_json_free(j);

	j = parse_ok("\"\"");
	assert_int_equal(j->type, K8S_JSON_STRING);
	assert_int_equal(j->len, 0);
	k8s_json_free(j);
	j = parse_ok("[]");
	assert_int_equal(j->n, 0);
	k8s_json_free(j);
}

static void json_invalid(void **state)
{
	(void)state;
	static const char *bad[] = {
		"", " ", "{", "}", "[1,]", "{\"a\":1,}", "{\"a\" 1}", "{a:1}", "{\"a\":1 \"b\":2}",
		"01", "1.", ".5", "-", "1e", "+1", "0x10", "NaN", "tru", "nul", "\"abc", "\"a\\x\"",
		"\"\\u12\"", "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"tab\there\"",
		"{\"a\":1,\"a\":2}", "{} {}", "[1] x", "{\"a\":\"\\u0000\"}",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct k8s_json *j = NULL;
		char err[128] = "";
		int r = k8s_json_parse(bad[i], strlen(bad[i]), &j, err, sizeof(err));
		if (i == sizeof(bad) / sizeof(bad[0]) - 1) {
			/* NUL inside a value is fine; inside a member name it is not */
			assert_int_equal(r, 0);
			k8s_json_free(j);
			continue;
		}
		if (r == 0)
			fail_msg("accepted invalid JSON: %s", bad[i]);
		assert_null(j);
		assert_true(strncmp(err, "offset ", 7) == 0);
	}
	/* member name with NUL */
	struct k8s_json *j = NULL;
	assert_int_equal(k8s_json_parse("{\"a\\u0000\":1}", 13, &j, NULL, 0), AGS_E_SYNTAX);
	/* invalid UTF-8 */
	assert_int_equal(k8s_json_parse("\"\xff\"", 3, &j, NULL, 0), AGS_E_UTF8);
	assert_int_equal(k8s_json_parse("\"\xc0\xaf\"", 4, &j, NULL, 0), AGS_E_UTF8);
}

static void json_depth(void **state)
{
	(void)state;
	char deep[200];
	struct k8s_json *j = NULL;
	memset(deep, '[', 64);
	memset(deep + 64, ']', 64);
	assert_int_equal(k8s_json_parse(deep, 128, &j, NULL, 0), 0);
	k8s_json_free(j);
	memset(deep, '[', 65);
	memset(deep + 65, ']', 65);
	assert_int_equal(k8s_json_parse(deep, 130, &j, NULL, 0), AGS_E_TOO_BIG);
	/* a deep input far past the cap fails fast without recursion blow-up */
	size_t n = 1 << 20;
	char *big = malloc(n);
	assert_non_null(big);
	memset(big, '[', n);
	assert_int_equal(k8s_json_parse(big, n, &j, NULL, 0), AGS_E_TOO_BIG);
	free(big);
}

static void json_writer(void **state)
{
	(void)state;
	struct ags_buf b;
	ags_buf_init(&b, 1 << 16);
	const char in[] = "a\"b\\c\n\r\t\x01\x1f\x7f/\xc3\xa9";
	assert_int_equal(k8s_json_put_str(&b, in, sizeof(in) - 1), 0);
	assert_string_equal((char *)b.data, "\"a\\\"b\\\\c\\n\\r\\t\\u0001\\u001f\\u007f/\xc3\xa9\"");
	/* what we write, we read back */
	struct k8s_json *j = NULL;
	assert_int_equal(k8s_json_parse((char *)b.data, b.len, &j, NULL, 0), 0);
	assert_int_equal(j->len, sizeof(in) - 1);
	assert_memory_equal(j->str, in, sizeof(in) - 1);
	k8s_json_free(j);
	ags_buf_release(&b);
}

static void yaml_tree(void **state)
{
	(void)state;
	const char *y = "a: 1\nb: true\nc: ~\nd: \"true\"\ne: [x, 'y']\nf:\n  g: h\n";
	struct k8s_json *j = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(k8s_yaml_parse(y, strlen(y), "t.yaml", &j, &d), 0);
	assert_string_equal(k8s_json_get_str(j, "a"), "1");
	assert_int_equal(k8s_json_get(j, "b")->type, K8S_JSON_BOOL);
	assert_true(k8s_json_is_null(k8s_json_get(j, "c")));
	assert_int_equal(k8s_json_get(j, "d")->type, K8S_JSON_STRING);
	assert_int_equal(k8s_json_get(j, "e")->n, 2);
	assert_string_equal(k8s_json_get_str(k8s_json_get(j, "f"), "g"), "h");
	assert_int_equal(k8s_json_get(j, "f")->line, 7);
	k8s_json_free(j);
	/* empty document: empty mapping */
	assert_int_equal(k8s_yaml_parse("", 0, "e.yaml", &j, &d), 0);
	assert_int_equal(j->type, K8S_JSON_OBJECT);
	k8s_json_free(j);
	assert_int_equal(k8s_yaml_parse("- a\n", 4, "s.yaml", &j, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "s.yaml: the top level must be a mapping"));
	assert_int_equal(k8s_yaml_parse("a: [1\n", 6, "u.yaml", &j, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "u.yaml:"));
	assert_int_equal(k8s_yaml_parse("a: &x 1\nb: *x\n", 14, "al.yaml", &j, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "aliases"));
	assert_int_equal(k8s_yaml_parse("a: \xff\n", 5, "bad.yaml", &j, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "invalid UTF-8"));
}

/* ---- kubeconfig ---- */

static char tmpdir[256];

static int setup_dir(void **state)
{
	(void)state;
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/ags-k8s-unit-XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown_dir(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

static char *write_file(const char *name, const char *content)
{
	char *p;
	assert_true(asprintf(&p, "%s/%s", tmpdir, name) > 0);
	char *slash = strrchr(p, '/');
	*slash = 0;
	mkdir(p, 0700);
	*slash = '/';
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(content, f);
	fclose(f);
	return p;
}

/* PEM-ish bytes "CA!" / "CRT" / "KEY" in base64 */
static const char *kc_a =
	"apiVersion: v1\n"
	"kind: Config\n"
	"current-context: alpha\n"
	"contexts:\n"
	"- name: alpha\n"
	"  context: {cluster: c1, user: u1, namespace: team-a}\n"
	"- name: beta\n"
	"  context: {cluster: c2, user: u2}\n"
	"users:\n"
	"- name: u1\n"
	"  user:\n"
	"    token: tok-a\n"
	"    tokenFile: ignored-because-token-is-set\n";
static const char *kc_b =
	"apiVersion: v1\n"
	"kind: Config\n"
	"current-context: beta\n"
	"contexts:\n"
	"- name: alpha\n"
	"  context: {cluster: shadowed, user: shadowed}\n"
	"clusters:\n"
	"- name: c1\n"
	"  cluster:\n"
	"    server: https://10.0.0.1:6443/\n"
	"    certificate-authority: ca/ca.pem\n"
	"- name: c2\n"
	"  cluster:\n"
	"    server: https://[fd00::1]:443\n"
	"    certificate-authority: ignored.pem\n"
	"    certificate-authority-data: Q0Eh\n"
	"users:\n"
	"- name: u1\n"
	"  user: {token: shadowed}\n"
	"- name: u2\n"
	"  user:\n"
	"    client-certificate-data: Q1JU\n"
	"    client-key-data: S0VZ\n"
	"    client-certificate: ignored.crt\n";

#define HEAD "apiVersion: v1\nkind: Config\ncurrent-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
#define CLUSTER "clusters:\n- name: c\n  cluster: {server: 'https://h:1'}\n"

static void kubeconfig_merge(void **state)
{
	(void)state;
	char *a = write_file("a/config", kc_a);
	char *b = write_file("b/config", kc_b);
	char *missing;
	assert_true(asprintf(&missing, "%s/none", tmpdir) > 0);
	const char *files[] = { a, missing, b };
	struct k8s_rest_config *c = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(k8s_config_load_files(files, 3, false, NULL, &c, &d), 0);
	/* current-context and context alpha from a (first wins), cluster c1 from b */
	assert_string_equal(c->context, "alpha");
	assert_string_equal(c->cluster, "c1");
	assert_string_equal(c->namespace_, "team-a");
	assert_string_equal(c->server, "https://10.0.0.1:6443");
	assert_string_equal(c->host, "10.0.0.1:6443");
	/* relative to the file that defined the cluster (b) */
	char *want;
	assert_true(asprintf(&want, "%s/b/ca/ca.pem", tmpdir) > 0);
	assert_string_equal(c->ca_file, want);
	free(want);
	assert_string_equal(c->token, "tok-a");
	assert_null(c->token_file);
	assert_null(c->exec);
	k8s_config_free(c);

	/* --context beta: data wins over files */
	assert_int_equal(k8s_config_load_files(files, 3, false, "beta", &c, &d), 0);
	assert_string_equal(c->host, "[fd00::1]:443");
	assert_int_equal(c->ca_len, 3);
	assert_memory_equal(c->ca_data, "CA!", 3);
	assert_null(c->ca_file);
	assert_memory_equal(c->cert_data, "CRT", 3);
	assert_null(c->cert_file);
	assert_memory_equal(c->key_data, "KEY", 3);
	assert_null(c->namespace_);
	k8s_config_free(c);

	/* client certificate and key as files: relative to the file, absolute as given */
	char *u = write_file("u/config", HEAD CLUSTER "users:\n- name: u\n  user: {client-certificate: crt/c.pem, "
						  "client-key: /keys/k.pem}\n");
	const char *uf[] = { u };
	assert_int_equal(k8s_config_load_files(uf, 1, true, NULL, &c, &d), 0);
	assert_true(asprintf(&want, "%s/u/crt/c.pem", tmpdir) > 0);
	assert_string_equal(c->cert_file, want);
	free(want);
	assert_string_equal(c->key_file, "/keys/k.pem");
	assert_null(c->cert_data);
	assert_null(c->key_data);
	k8s_config_free(c);
	free(u);

	/* the other order: b's current-context and b's alpha win */
	const char *rev[] = { b, a };
	assert_int_equal(k8s_config_load_files(rev, 2, false, NULL, &c, &d), 0);
	assert_string_equal(c->context, "beta");
	k8s_config_free(c);
	assert_int_equal(k8s_config_load_files(rev, 2, false, "alpha", &c, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "cluster 'shadowed' not found"));

	/* unknown context, explicit missing file, nothing found */
	assert_int_equal(k8s_config_load_files(files, 3, false, "gamma", &c, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "context 'gamma' not found"));
	const char *only_missing[] = { missing };
	assert_int_equal(k8s_config_load_files(only_missing, 1, true, NULL, &c, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "none"));
	assert_int_equal(k8s_config_load_files(only_missing, 1, false, NULL, &c, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "no kubeconfig found"));

	/* KUBECONFIG through the environment */
	char *envv;
	assert_true(asprintf(&envv, "%s:%s:%s", missing, b, a) > 0);
	setenv("KUBECONFIG", envv, 1);
	assert_int_equal(k8s_config_load(NULL, NULL, &c, &d), 0);
	assert_string_equal(c->context, "beta");
	k8s_config_free(c);
	/* --kubeconfig beats KUBECONFIG */
	assert_int_equal(k8s_config_load(a, "alpha", &c, &d), AGS_E_K8S_CONFIG); /* a alone has no cluster c1 */
	assert_non_null(strstr(d.msg, "cluster 'c1' not found"));
	unsetenv("KUBECONFIG");
	free(envv);
	free(a);
	free(b);
	free(missing);
}

static void expect_bad(const char *yaml, const char *context, int code, const char *msg)
{
	char *p = write_file("bad/config", yaml);
	const char *files[] = { p };
	struct k8s_rest_config *c = NULL;
	struct ags_diag d = { 0 };
	int r = k8s_config_load_files(files, 1, true, context, &c, &d);
	if (r != code || !strstr(d.msg, msg))
		fail_msg("want %d '%s', got %d '%s'", code, msg, r, d.msg);
	assert_null(c);
	free(p);
}

static void kubeconfig_bad(void **state)
{
	(void)state;
	expect_bad("a: [\n", NULL, AGS_E_K8S_CONFIG, "config:");
	expect_bad("- 1\n", NULL, AGS_E_K8S_CONFIG, "top level must be a mapping");
	expect_bad("apiVersion: v1\n", NULL, AGS_E_K8S_CONFIG, "no current-context");
	expect_bad("current-context: x\ncontexts: {x: 1}\n", NULL, AGS_E_K8S_CONFIG, "contexts must be a list");
	expect_bad("current-context: x\ncontexts:\n- context: {}\n", NULL, AGS_E_K8S_CONFIG, "entry without a name");
	expect_bad(HEAD "clusters:\n- name: c\n  cluster: {server: 'ftp://h'}\n", NULL, AGS_E_K8S_CONFIG,
		   "must start with https://");
	expect_bad(HEAD "clusters:\n- name: c\n  cluster: {certificate-authority: x}\n", NULL, AGS_E_K8S_CONFIG,
		   "has no server");
	expect_bad(HEAD "clusters:\n- name: c\n  cluster: {server: 'https://h', certificate-authority-data: '!!'}\n",
		   NULL, AGS_E_K8S_CONFIG, "invalid base64");
	expect_bad(HEAD "clusters:\n- name: c\n  cluster: {server: 'https://h', insecure-skip-tls-verify: maybe}\n", NULL,
		   AGS_E_K8S_CONFIG, "must be true or false");
	expect_bad(HEAD "clusters:\n- name: c\n  cluster: {server: 'https://h', insecure-skip-tls-verify: true, "
			"certificate-authority: ca}\n", NULL, AGS_E_K8S_CONFIG, "is not allowed");
	expect_bad(HEAD "clusters:\n- name: c\n  cluster: {server: 'https://h', proxy-url: 'http://p'}\n", NULL,
		   AGS_E_UNSUPPORTED, "proxy-url is not supported");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user: {auth-provider: {name: gcp}}\n", NULL, AGS_E_UNSUPPORTED,
		   "auth-provider is not supported");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user: {client-certificate: c.pem}\n", NULL, AGS_E_K8S_CONFIG,
		   "must be given together");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user: {token: [1]}\n", NULL, AGS_E_K8S_CONFIG,
		   "token must be a string");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user: {client-certificate: c.pem, client-key-data: '!!'}\n", NULL,
		   AGS_E_K8S_CONFIG, "user 'u': invalid base64");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user: {client-key: [k.pem]}\n", NULL, AGS_E_K8S_CONFIG,
		   "client-key must be a string");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user:\n    exec: {command: x}\n", NULL, AGS_E_K8S_CONFIG,
		   "apiVersion must be");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1}\n",
		   NULL, AGS_E_K8S_CONFIG, "command is required");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, "
			"command: x, interactiveMode: Always}\n", NULL, AGS_E_K8S_CONFIG, "needs a terminal");
	expect_bad(HEAD CLUSTER "users:\n- name: u\n  user:\n    exec: {apiVersion: client.authentication.k8s.io/v1, "
			"command: x, env: [{name: A}]}\n", NULL, AGS_E_K8S_CONFIG, "need a name and a value");
	/* the message never carries the token */
	expect_bad(HEAD "clusters:\n- name: c\n  cluster: {server: 'https://h\x01'}\nusers:\n- name: u\n  user: {token: s3cr3t}\n",
		   NULL, AGS_E_K8S_CONFIG, "invalid character in server URL");
}

static void kubeconfig_exec(void **state)
{
	(void)state;
	char *p = write_file("exec/config",
			     HEAD CLUSTER "users:\n- name: u\n  user:\n    exec:\n"
			     "      apiVersion: client.authentication.k8s.io/v1beta1\n"
			     "      command: ./bin/plugin\n"
			     "      args: [get-token, --cluster, c]\n"
			     "      env: [{name: A, value: b}]\n"
			     "      installHint: get it\n");
	const char *files[] = { p };
	struct k8s_rest_config *c = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(k8s_config_load_files(files, 1, true, NULL, &c, &d), 0);
	assert_non_null(c->exec);
	char *want;
	assert_true(asprintf(&want, "%s/exec/./bin/plugin", tmpdir) > 0);
	assert_string_equal(c->exec->command, want);
	assert_string_equal(c->exec->argv[0], want);
	free(want);
	assert_int_equal(c->exec->nargs, 3);
	assert_string_equal(c->exec->argv[2], "--cluster");
	assert_null(c->exec->argv[4]);
	assert_string_equal(c->exec->env[0], "A=b");
	assert_null(c->exec->env[1]);
	/* the plugin does not exist: the install hint is in the message */
	assert_int_equal(k8s_exec_credential(c, 2000, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "get it"));
	k8s_config_free(c);
	free(p);
}

static void in_cluster(void **state)
{
	(void)state;
	char *tok = write_file("sa/token", "sa-token\n");
	char *ns = write_file("sa/namespace", "flux-system");
	char *dir;
	assert_true(asprintf(&dir, "%s/sa", tmpdir) > 0);
	setenv("AGESOPS_SERVICEACCOUNT_DIR", dir, 1);
	struct k8s_rest_config *c = NULL;
	struct ags_diag d = { 0 };
	unsetenv("KUBERNETES_SERVICE_HOST");
	setenv("KUBERNETES_SERVICE_PORT", "443", 1);
	assert_false(k8s_config_in_cluster_available());
	assert_int_equal(k8s_config_in_cluster(&c, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "KUBERNETES_SERVICE_HOST"));
	setenv("KUBERNETES_SERVICE_HOST", "10.96.0.1", 1);
	assert_true(k8s_config_in_cluster_available());
	assert_int_equal(k8s_config_in_cluster(&c, &d), 0);
	assert_string_equal(c->server, "https://10.96.0.1:443");
	assert_string_equal(c->token, "sa-token");
	assert_string_equal(c->namespace_, "flux-system");
	char *ca;
	assert_true(asprintf(&ca, "%s/ca.crt", dir) > 0);
	assert_string_equal(c->ca_file, ca);
	free(ca);
	k8s_config_free(c);
	setenv("KUBERNETES_SERVICE_HOST", "fd00::1", 1);
	assert_int_equal(k8s_config_in_cluster(&c, &d), 0);
	assert_string_equal(c->server, "https://[fd00::1]:443");
	k8s_config_free(c);
	/* no token file: clear error */
	unlink(tok);
	assert_int_equal(k8s_config_in_cluster(&c, &d), AGS_E_K8S_CONFIG);
	assert_non_null(strstr(d.msg, "/sa/token"));
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("AGESOPS_SERVICEACCOUNT_DIR");
	free(dir);
	free(tok);
	free(ns);
}

static void client_local_checks(void **state)
{
	(void)state;
	char *p = write_file("client/config",
			     "apiVersion: v1\ncurrent-context: x\ncontexts:\n- name: x\n  context: {cluster: c, user: u}\n"
			     "clusters:\n- name: c\n  cluster: {server: 'https://127.0.0.1:1'}\n"
			     "users:\n- name: u\n  user: {token: not-to-be-shown}\n");
	struct ags_k8s_options o = { .kubeconfig = p, .max_attempts = 1, .timeout_ms = 5000 };
	struct ags_k8s_client *c = NULL;
	struct ags_diag d = { 0 };
	assert_int_equal(ags_k8s_client_new(&o, &c, &d), 0);
	assert_string_equal(ags_k8s_client_host(c), "127.0.0.1:1");
	assert_null(ags_k8s_client_namespace(c));
	struct ags_k8s_object *obj = NULL;
	/* names are checked before any request: no path injection */
	assert_int_equal(ags_k8s_get(c, AGS_K8S_SECRET, "flux-system", "../x", &obj, &d), AGS_E_INVAL);
	assert_int_equal(ags_k8s_get(c, AGS_K8S_SECRET, "Flux", "sops-age", &obj, &d), AGS_E_INVAL);
	assert_int_equal(ags_k8s_get(c, AGS_K8S_SECRET, "a.b", "sops-age", &obj, &d), AGS_E_INVAL);
	assert_int_equal(ags_k8s_get(c, AGS_K8S_CONFIGMAP, "ns", "-x", &obj, &d), AGS_E_INVAL);
	struct ags_k8s_entry bad_key = { .key = (char *)"a/b", .value = (unsigned char *)"v", .len = 1 };
	assert_int_equal(ags_k8s_create(c, AGS_K8S_SECRET, "ns", "n", &bad_key, 1, NULL, &d), AGS_E_INVAL);
	struct ags_k8s_entry bad_utf8 = { .key = (char *)"k", .value = (unsigned char *)"\xff", .len = 1 };
	assert_int_equal(ags_k8s_create(c, AGS_K8S_CONFIGMAP, "ns", "n", &bad_utf8, 1, NULL, &d), AGS_E_INVAL);
	/* nothing listens on port 1: connection error naming host and request, never the token */
	assert_int_equal(ags_k8s_get(c, AGS_K8S_SECRET, "flux-system", "sops-age", &obj, &d), AGS_E_K8S_CONNECT);
	assert_non_null(strstr(d.msg, "127.0.0.1:1: get Secret flux-system/sops-age: could not connect"));
	assert_null(strstr(d.msg, "not-to-be-shown"));
	assert_null(obj);
	ags_k8s_client_free(c);
	free(p);

	assert_true(ags_k8s_error_transient(AGS_E_K8S_CONNECT));
	assert_true(ags_k8s_error_transient(AGS_E_K8S_THROTTLED));
	assert_true(ags_k8s_error_transient(AGS_E_K8S_SERVER));
	assert_true(ags_k8s_error_transient(AGS_E_K8S_CONFLICT));
	assert_true(ags_k8s_error_transient(AGS_E_TIMEOUT));
	assert_false(ags_k8s_error_transient(AGS_E_K8S_FORBIDDEN));
	assert_false(ags_k8s_error_transient(AGS_E_K8S_UNAUTHORIZED));
	assert_false(ags_k8s_error_transient(AGS_E_K8S_TLS));
	assert_false(ags_k8s_error_transient(AGS_E_K8S_CONFIG));
	assert_false(ags_k8s_error_transient(AGS_E_K8S_BAD_SECRET));
	assert_false(ags_k8s_error_transient(AGS_E_K8S_INVALID));
	assert_string_equal(ags_strerror(AGS_E_K8S_BAD_SECRET), "the Secret does not hold a valid age key");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(json_valid),
		cmocka_unit_test(json_invalid),
		cmocka_unit_test(json_depth),
		cmocka_unit_test(json_writer),
		cmocka_unit_test(yaml_tree),
		cmocka_unit_test(kubeconfig_merge),
		cmocka_unit_test(kubeconfig_bad),
		cmocka_unit_test(kubeconfig_exec),
		cmocka_unit_test(in_cluster),
		cmocka_unit_test(client_local_checks),
	};
	return cmocka_run_group_tests(tests, setup_dir, teardown_dir);
}
