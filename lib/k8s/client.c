/*
 * HTTP to the API server with libcurl: one easy handle per request, TLS as
 * the configuration says, bounded retries, and Status bodies turned into
 * one diagnostic line.
 */
#include "internal.h"
#include <agesops/k8s.h>
#include "k8s/client.h"
#include "k8s/json.h"
#include "k8s/kubeconfig.h"
#include "k8s/curl_dl.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#define DEFAULT_TIMEOUT_MS 30000L
#define DEFAULT_ATTEMPTS 5u
#define MAX_ATTEMPTS 20u
#define BACKOFF_BASE_MS 200L
#define BACKOFF_CAP_MS 5000L
#define RETRY_AFTER_CAP_MS 10000L
#define RESPONSE_MAX ((size_t)4 << 20)

struct ags_k8s_client {
	struct k8s_rest_config *cfg;
	long timeout_ms;
	unsigned max_attempts;
	/* Hand-built header list: curl only reads it, so the bearer token stays in
	 * memory we wipe ourselves (curl_slist_append would copy it). */
	char *auth_line;
	struct curl_slist h_auth, h_accept, h_ctype, h_expect;
	bool exec_from_plugin; /* credentials came from an exec plugin */
	bool exec_refreshed;
};

const char *ags_k8s_client_namespace(const struct ags_k8s_client *c)
{
	return c->cfg->namespace_;
}

const char *ags_k8s_client_host(const struct ags_k8s_client *c)
{
	return c->cfg->host;
}

void ags_k8s_client_free(struct ags_k8s_client *c)
{
	if (!c)
		return;
	k8s_config_free(c->cfg);
	ags_free_secret_str(c->auth_line);
	free(c);
}

/* Builds the header list from the credentials in cfg (again after an exec plugin refresh). */
static int set_auth(struct ags_k8s_client *c, struct ags_diag *d)
{
	const struct k8s_rest_config *cfg = c->cfg;
	ags_free_secret_str(c->auth_line);
	c->auth_line = NULL;
	if (cfg->token) {
		for (const char *p = cfg->token; *p; p++)
			if ((unsigned char)*p < 0x20 || *p == 0x7f)
				return ags_diag_set(d, AGS_E_K8S_CONFIG, "the bearer token contains a control character");
		if (asprintf(&c->auth_line, "Authorization: Bearer %s", cfg->token) < 0) {
			c->auth_line = NULL;
			return AGS_E_NOMEM;
		}
	}
	c->h_accept.data = (char *)"Accept: application/json";
	c->h_ctype.data = (char *)"Content-Type: application/json";
	c->h_expect.data = (char *)"Expect:";
	c->h_accept.next = &c->h_ctype;
	c->h_ctype.next = &c->h_expect;
	c->h_auth.data = c->auth_line;
	c->h_auth.next = c->auth_line ? &c->h_accept : NULL;
	return 0;
}

/*
 * After a 401, credentials that came from an exec plugin may have expired
 * in the plugin's cache: run it once more, as client-go does.
 */
static int refresh_exec(struct ags_k8s_client *c, struct ags_diag *d)
{
	if (!c->cfg->exec || c->exec_refreshed)
		return 0;
	c->exec_refreshed = true;
	ags_free_secret_str(c->cfg->token);
	c->cfg->token = NULL;
	AGS_TRY(k8s_exec_credential(c->cfg, c->timeout_ms, d));
	AGS_TRY(set_auth(c, d));
	return 1;
}

int ags_k8s_client_new(const struct ags_k8s_options *o, struct ags_k8s_client **ret, struct ags_diag *d)
{
	AGS_TRY(ags_curl_load(d));
	struct ags_k8s_client *c = calloc(1, sizeof(*c));
	if (!c)
		return AGS_E_NOMEM;
	c->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : DEFAULT_TIMEOUT_MS;
	c->max_attempts = o->max_attempts ? AGS_MIN(o->max_attempts, MAX_ATTEMPTS) : DEFAULT_ATTEMPTS;
	int r;
	if (o->in_cluster)
		r = k8s_config_in_cluster(&c->cfg, d);
	else
		r = k8s_config_load(o->kubeconfig, o->context, &c->cfg, d);
	if (r < 0)
		goto fail;
	struct k8s_rest_config *cfg = c->cfg;
	/* name a missing file here rather than through libcurl's TLS error */
	const char *files[] = { cfg->ca_file, cfg->cert_file, cfg->key_file };
	for (size_t i = 0; i < AGS_ARRAY_SIZE(files); i++)
		if (files[i] && access(files[i], R_OK) != 0) {
			r = ags_diag_set(d, AGS_E_K8S_CONFIG, "%s: %s (from %s)", files[i], strerror(errno),
					 cfg->source ? cfg->source : "kubeconfig");
			goto fail;
		}
	if (!cfg->token && cfg->token_file) {
		struct ags_buf b;
		ags_buf_init_secret(&b, 1 << 20);
		r = ags_file_read(cfg->token_file, &b);
		if (r < 0) {
			ags_buf_release(&b);
			r = ags_diag_set(d, AGS_E_K8S_CONFIG, "tokenFile %s: %s", cfg->token_file, ags_strerror(r));
			goto fail;
		}
		while (b.len && (b.data[b.len - 1] == '\n' || b.data[b.len - 1] == '\r'))
			ags_buf_truncate(&b, b.len - 1);
		cfg->token = b.len ? ags_buf_detach(&b, NULL) : NULL;
		ags_buf_release(&b);
	}
	if (!cfg->token && !cfg->cert_data && !cfg->cert_file && cfg->exec) {
		if ((r = k8s_exec_credential(cfg, c->timeout_ms, d)) < 0)
			goto fail;
		c->exec_from_plugin = true;
	}
	if ((r = set_auth(c, d)) < 0)
		goto fail;
	*ret = c;
	return 0;
fail:
	ags_k8s_client_free(c);
	return r;
}

bool ags_k8s_error_transient(int err)
{
	switch (err) {
	case AGS_E_K8S_CONNECT:
	case AGS_E_TIMEOUT:
	case AGS_E_K8S_THROTTLED:
	case AGS_E_K8S_SERVER:
	case AGS_E_K8S_CONFLICT:
	case AGS_E_K8S_ALREADY_EXISTS:
		return true;
	default:
		return false;
	}
}

/* ---- one request ---- */

struct xfer {
	struct ags_buf *body;
	bool too_big;
	long retry_after_ms; /* -1: none */
};

static size_t on_write(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	if (ags_buf_append(x->body, p, len) < 0) {
		x->too_big = true;
		return 0;
	}
	return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct xfer *x = ud;
	size_t len = size * n;
	if (len >= 5 && !memcmp(p, "HTTP/", 5))
		x->retry_after_ms = -1;
	if (len > 12 && !strncasecmp(p, "Retry-After:", 12)) {
		long v = 0;
		size_t i = 12;
		while (i < len && (p[i] == ' ' || p[i] == '\t'))
			i++;
		size_t digits = 0;
		while (i < len && p[i] >= '0' && p[i] <= '9' && digits < 6) {
			v = v * 10 + (p[i] - '0');
			i++, digits++;
		}
		if (digits)
			x->retry_after_ms = AGS_MIN(v * 1000, RETRY_AFTER_CAP_MS);
	}
	return len;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* Copies a server-provided message for a diagnostic: printable, bounded. */
static void clean_msg(const char *in, char *out, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; in && in[i] && k + 1 < cap; i++) {
		unsigned char ch = (unsigned char)in[i];
		out[k++] = (ch < 0x20 || ch == 0x7f) ? ' ' : (char)ch;
	}
	out[k] = 0;
}

static int map_curl(CURLcode cc)
{
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
		return AGS_E_K8S_TLS;
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_ENGINE_NOTFOUND:
	case CURLE_SSL_ENGINE_SETFAILED:
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
		return AGS_E_K8S_CONFIG;
	case CURLE_OPERATION_TIMEDOUT:
		return AGS_E_TIMEOUT;
	default:
		return AGS_E_K8S_CONNECT;
	}
}

static int set_blob(CURL *h, CURLoption opt, const void *p, size_t n)
{
	struct curl_blob blob = { .data = (void *)p, .len = n, .flags = CURL_BLOB_NOCOPY };
	return curl_easy_setopt(h, opt, &blob) == CURLE_OK ? 0 : AGS_E_K8S_CONFIG;
}

static int setup(struct ags_k8s_client *c, CURL *h, const char *method, const char *url,
		 const struct ags_buf *body, struct xfer *x, char *errbuf)
{
	const struct k8s_rest_config *cfg = c->cfg;
	bool ok = true;
	ok &= curl_easy_setopt(h, CURLOPT_URL, url) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_NOPROGRESS, 1L) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_VERBOSE, 0L) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https,http") == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->timeout_ms) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, AGS_MIN(c->timeout_ms, 10000L)) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_USERAGENT, "agesops/" AGS_VERSION) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_write) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_WRITEDATA, x) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_HEADERDATA, x) == CURLE_OK;
	/* "PATCH": a JSON merge patch (RFC 7386); "PATCH-JSON": a JSON patch (RFC 6902) */
	bool json_patch = !strcmp(method, "PATCH-JSON");
	if (json_patch)
		method = "PATCH";
	c->h_ctype.data = (char *)(json_patch		     ? "Content-Type: application/json-patch+json"
				   : strcmp(method, "PATCH") ? "Content-Type: application/json"
							     : "Content-Type: application/merge-patch+json");
	ok &= curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->auth_line ? &c->h_auth : &c->h_accept) == CURLE_OK;
	ok &= curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method) == CURLE_OK;
	/* No proxy from the environment: kubectl honours HTTPS_PROXY, but a Job
	 * must talk to its API server directly and the token must not go astray. */
	ok &= curl_easy_setopt(h, CURLOPT_PROXY, "") == CURLE_OK;
	if (body) {
		ok &= curl_easy_setopt(h, CURLOPT_POSTFIELDS, body->data) == CURLE_OK;
		ok &= curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)body->len) == CURLE_OK;
	}
	if (cfg->insecure) {
		ok &= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L) == CURLE_OK;
		ok &= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L) == CURLE_OK;
	} else {
		ok &= curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L) == CURLE_OK;
		ok &= curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L) == CURLE_OK;
		if (cfg->ca_data || cfg->ca_file)
			/* only the configured CA, as kubectl: no system store on the side */
			ok &= curl_easy_setopt(h, CURLOPT_CAPATH, NULL) == CURLE_OK;
		if (cfg->ca_data)
			ok &= set_blob(h, CURLOPT_CAINFO_BLOB, cfg->ca_data, cfg->ca_len) == 0;
		else if (cfg->ca_file)
			ok &= curl_easy_setopt(h, CURLOPT_CAINFO, cfg->ca_file) == CURLE_OK;
	}
	if (cfg->cert_data)
		ok &= set_blob(h, CURLOPT_SSLCERT_BLOB, cfg->cert_data, cfg->cert_len) == 0;
	else if (cfg->cert_file)
		ok &= curl_easy_setopt(h, CURLOPT_SSLCERT, cfg->cert_file) == CURLE_OK;
	if (cfg->key_data)
		ok &= set_blob(h, CURLOPT_SSLKEY_BLOB, cfg->key_data, cfg->key_len) == 0;
	else if (cfg->key_file)
		ok &= curl_easy_setopt(h, CURLOPT_SSLKEY, cfg->key_file) == CURLE_OK;
	return ok ? 0 : AGS_E_K8S_CONFIG;
}

static const char *status_text(long code)
{
	switch (code) {
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 409: return "Conflict";
	case 413: return "Request Entity Too Large";
	case 415: return "Unsupported Media Type";
	case 422: return "Unprocessable Entity";
	case 429: return "Too Many Requests";
	case 500: return "Internal Server Error";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	default: return "";
	}
}

/* Maps a non-2xx response to an error and a diagnostic from its Status body. */
static int fail_status(struct ags_k8s_client *c, const char *what, long code, const struct ags_buf *body,
		       unsigned attempts, struct ags_diag *d)
{
	char reason[64] = "", msg[320] = "";
	struct k8s_json *j = NULL;
	if (body->len && k8s_json_parse((const char *)body->data, body->len, &j, NULL, 0) == 0) {
		const char *kind = k8s_json_get_str(j, "kind");
		if (kind && !strcmp(kind, "Status")) {
			clean_msg(k8s_json_get_str(j, "reason"), reason, sizeof(reason));
			clean_msg(k8s_json_get_str(j, "message"), msg, sizeof(msg));
		}
		k8s_json_free(j);
	}
	int err;
	if (code == 401)
		err = AGS_E_K8S_UNAUTHORIZED;
	else if (code == 403)
		err = AGS_E_K8S_FORBIDDEN;
	else if (code == 404)
		err = AGS_E_K8S_NOT_FOUND;
	else if (code == 409)
		err = !strcmp(reason, "AlreadyExists") ? AGS_E_K8S_ALREADY_EXISTS : AGS_E_K8S_CONFLICT;
	else if (code == 422)
		err = AGS_E_K8S_INVALID;
	else if (code == 429)
		err = AGS_E_K8S_THROTTLED;
	else if (code >= 500 && code <= 599)
		err = AGS_E_K8S_SERVER;
	else
		err = AGS_E_K8S_PROTOCOL;
	char tries[40] = "";
	if (attempts > 1)
		snprintf(tries, sizeof(tries), " (after %u attempts)", attempts);
	return ags_diag_set(d, err, "%s: %s: HTTP %ld %s%s%s%s%s", c->cfg->host, what, code,
			    reason[0] ? reason : status_text(code), msg[0] ? ": " : "", msg, tries,
			    code == 401 ? " (check the token or client certificate)" : "");
}

int k8s_request(struct ags_k8s_client *c, const char *method, const char *path, const struct ags_buf *body,
		const char *what, long *status, struct ags_buf *resp, struct ags_diag *d)
{
	char *url = NULL;
	if (asprintf(&url, "%s%s", c->cfg->server, path) < 0)
		return AGS_E_NOMEM;
	CURL *h = curl_easy_init();
	if (!h) {
		free(url);
		return AGS_E_NOMEM;
	}
	int r = 0;
	long backoff = BACKOFF_BASE_MS;
	/* outlives the loop: curl keeps the pointer until cleanup */
	char errbuf[CURL_ERROR_SIZE];
	for (unsigned attempt = 1;; attempt++) {
		errbuf[0] = 0;
		struct xfer x = { .body = resp, .retry_after_ms = -1 };
		ags_buf_reset(resp);
		curl_easy_reset(h);
		if ((r = setup(c, h, method, url, body, &x, errbuf)) < 0) {
			r = ags_diag_set(d, r, "%s: %s: could not set up the request (libcurl lacks a feature)",
					 c->cfg->host, what);
			break;
		}
		CURLcode cc = curl_easy_perform(h);
		long code = 0;
		if (cc == CURLE_OK)
			curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &code);
		if (x.too_big) {
			r = ags_diag_set(d, AGS_E_TOO_BIG, "%s: %s: response larger than %zu bytes", c->cfg->host,
					 what, (size_t)RESPONSE_MAX);
			break;
		}
		if (cc != CURLE_OK) {
			r = map_curl(cc);
			bool retry = r == AGS_E_K8S_CONNECT && attempt < c->max_attempts;
			if (!retry) {
				char tries[40] = "";
				if (attempt > 1)
					snprintf(tries, sizeof(tries), " (after %u attempts)", attempt);
				r = ags_diag_set(d, r, "%s: %s: %s: %s%s", c->cfg->host, what,
						 r == AGS_E_K8S_TLS ? "TLS verification failed"
						 : r == AGS_E_TIMEOUT ? "timed out"
						 : r == AGS_E_K8S_CONFIG ? "client configuration rejected"
						 : "could not connect",
						 errbuf[0] ? errbuf : curl_easy_strerror(cc), tries);
				break;
			}
			sleep_ms(backoff);
			backoff = AGS_MIN(backoff * 2, BACKOFF_CAP_MS);
			continue;
		}
		if (code == 401 && c->exec_from_plugin && !c->exec_refreshed) {
			int rr = refresh_exec(c, d);
			if (rr < 0) {
				r = rr;
				break;
			}
			attempt--; /* a fresh credential is not a retry */
			continue;
		}
		if ((code == 429 || (code >= 500 && code <= 599)) && attempt < c->max_attempts) {
			long wait = x.retry_after_ms >= 0 ? x.retry_after_ms : backoff;
			sleep_ms(wait);
			backoff = AGS_MIN(backoff * 2, BACKOFF_CAP_MS);
			continue;
		}
		if (code >= 200 && code <= 299) {
			*status = code;
			r = 0;
		} else {
			r = fail_status(c, what, code, resp, attempt, d);
		}
		break;
	}
	curl_easy_cleanup(h);
	free(url);
	return r;
}

size_t k8s_response_max(void)
{
	return RESPONSE_MAX;
}
