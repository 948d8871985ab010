/* Unit tests for lib/age: bech32, stanzas, armor, STREAM boundaries. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "crypto/ossl.h"
#include "age/bech32.h"
#include <agesops/age.h>

static void bech32_roundtrip(void **state)
{
	(void)state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bech32_roundtrip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
