#include "internal.h"
#include "k8s/curl_dl.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

struct ags_curl_api ags_curl;

static pthread_once_t once = PTHREAD_ONCE_INIT;
static char load_error[256];

static void load(void)
{
	/* The SONAME of libcurl 7.x/8.x; Debian's libcurl4 package provides it. */
	void *h = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
	if (!h) {
		snprintf(load_error, sizeof(load_error), "cannot load libcurl (package libcurl4): %s", dlerror());
		return;
	}
	struct {
		const char *name;
		void **slot;
	} syms[] = {
		{ "curl_global_init", (void **)&ags_curl.global_init },
		{ "curl_easy_init", (void **)&ags_curl.easy_init },
		{ "curl_easy_setopt", (void **)&ags_curl.easy_setopt },
		{ "curl_easy_perform", (void **)&ags_curl.easy_perform },
		{ "curl_easy_getinfo", (void **)&ags_curl.easy_getinfo },
		{ "curl_easy_reset", (void **)&ags_curl.easy_reset },
		{ "curl_easy_cleanup", (void **)&ags_curl.easy_cleanup },
		{ "curl_easy_strerror", (void **)&ags_curl.easy_strerror },
	};
	for (size_t i = 0; i < AGS_ARRAY_SIZE(syms); i++) {
		*syms[i].slot = dlsym(h, syms[i].name);
		if (!*syms[i].slot) {
			snprintf(load_error, sizeof(load_error), "libcurl lacks %s", syms[i].name);
			return;
		}
	}
	if (ags_curl.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(load_error, sizeof(load_error), "libcurl initialisation failed");
		return;
	}
	/* Loaded for the life of the process, like a linked library. */
}

int ags_curl_load(struct ags_diag *d)
{
	pthread_once(&once, load);
	if (load_error[0])
		return ags_diag_set(d, AGS_E_K8S_CONNECT, "%s", load_error);
	return 0;
}
