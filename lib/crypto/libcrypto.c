#include "internal.h"
#include "crypto/libcrypto.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/*
 * RTLD_DEEPBIND binds libcrypto's references to its own functions within
 * itself instead of searching the whole process first: a third less work to
 * load it.  The sanitizers' runtimes refuse it (they must see every malloc).
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define LOAD_FLAGS (RTLD_NOW | RTLD_LOCAL)
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(memory_sanitizer) || __has_feature(thread_sanitizer)
#define LOAD_FLAGS (RTLD_NOW | RTLD_LOCAL)
#endif
#endif
#ifndef LOAD_FLAGS
#define LOAD_FLAGS (RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND)
#endif

static const char *const names[AGS_LIBCRYPTO_COUNT] = {
#define AGS_LIBCRYPTO_NAME(f) #f,
	AGS_LIBCRYPTO_FUNCTIONS(AGS_LIBCRYPTO_NAME)
#undef AGS_LIBCRYPTO_NAME
};
static void *fns[AGS_LIBCRYPTO_COUNT];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static _Noreturn void die(const char *what, const char *detail)
{
	/* What ld.so says and does when a linked library is missing. */
	char msg[512];
	int n = snprintf(msg, sizeof(msg), "agesops: error while loading libcrypto.so.3 (package libssl3): %s%s\n",
			 what, detail ? detail : "");
	if (n > 0)
		(void)!write(STDERR_FILENO, msg, AGS_MIN((size_t)n, sizeof(msg) - 1));
	_exit(127);
}

static void load(void)
{
	/* The SONAME of OpenSSL 3.x; Debian's libssl3 package provides it. */
	void *h = dlopen("libcrypto.so.3", LOAD_FLAGS);
	if (!h)
		die("", dlerror());
	for (size_t i = 0; i < AGS_LIBCRYPTO_COUNT; i++)
		if (!(fns[i] = dlsym(h, names[i])))
			die("missing function ", names[i]);
	/*
	 * No clean-up at exit (the process ends and the kernel frees it), and no
	 * openssl.cnf: it costs as much as the rest of a one-file run, and
	 * agesops takes primitives from libcrypto, not policy (README).
	 */
	int (*init)(uint64_t, const void *) = (int (*)(uint64_t, const void *))dlsym(h, "OPENSSL_init_crypto");
	if (init)
		(void)init(OPENSSL_INIT_NO_ATEXIT | OPENSSL_INIT_NO_LOAD_CONFIG, NULL);
	/* Loaded for the life of the process, like a linked library. */
}

void *ags_libcrypto_fn(enum ags_libcrypto_fn i)
{
	pthread_once(&once, load);
	return fns[i];
}
