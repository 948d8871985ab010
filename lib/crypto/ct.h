/*
 * Declassification marks for the constant-time test (tests/ct): the test
 * marks secrets undefined for valgrind's memcheck, which then reports any
 * branch or address computed from them.  A value that is derived from a
 * secret but public by design (ML-KEM's rho, which is published in the
 * encapsulation key) is declared public with AGS_CT_PUBLIC where it is
 * computed.  Outside valgrind the client request is a few no-op
 * instructions; without the header it compiles to nothing.
 */
#ifndef AGS_CRYPTO_CT_H
#define AGS_CRYPTO_CT_H

#if defined(__has_include)
#if __has_include(<valgrind/memcheck.h>)
#include <valgrind/memcheck.h>
#define AGS_CT_PUBLIC(p, n) ((void)VALGRIND_MAKE_MEM_DEFINED((p), (n)))
#endif
#endif
#ifndef AGS_CT_PUBLIC
#define AGS_CT_PUBLIC(p, n) ((void)(p), (void)(n))
#endif

#endif
