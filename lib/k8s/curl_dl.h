/*
 * libcurl, loaded on first use.
 *
 * Only the kube commands talk HTTP, but libcurl drags in some 28 shared
 * libraries (Kerberos, LDAP, GnuTLS, ...) whose loading and relocation cost
 * several milliseconds at every start of every command.  So the library is
 * not linked against libcurl: client.c calls through this table, filled by
 * dlopen("libcurl.so.4") the first time a client is made.
 *
 * Include this instead of <curl/curl.h>.
 */
#ifndef AGS_K8S_CURL_DL_H
#define AGS_K8S_CURL_DL_H

#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

struct ags_curl_api {
	CURLcode (*global_init)(long flags);
	CURL *(*easy_init)(void);
	CURLcode (*easy_setopt)(CURL *h, CURLoption opt, ...);
	CURLcode (*easy_perform)(CURL *h);
	CURLcode (*easy_getinfo)(CURL *h, CURLINFO info, ...);
	void (*easy_reset)(CURL *h);
	void (*easy_cleanup)(CURL *h);
	const char *(*easy_strerror)(CURLcode code);
};

extern struct ags_curl_api ags_curl;

/* Loads libcurl once (thread-safe) and runs curl_global_init.  Returns 0, or
 * AGS_E_K8S_CONNECT with the loader's reason in d. */
int ags_curl_load(struct ags_diag *d);

#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init (*ags_curl.global_init)
#define curl_easy_init (*ags_curl.easy_init)
#define curl_easy_setopt (*ags_curl.easy_setopt)
#define curl_easy_perform (*ags_curl.easy_perform)
#define curl_easy_getinfo (*ags_curl.easy_getinfo)
#define curl_easy_reset (*ags_curl.easy_reset)
#define curl_easy_cleanup (*ags_curl.easy_cleanup)
#define curl_easy_strerror (*ags_curl.easy_strerror)

#endif
