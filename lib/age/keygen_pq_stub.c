/* Post-quantum key generation (the age-pq branch replaced the stub here):
 * a fresh mlkem768x25519 identity from a 32-byte seed off the OS RNG, as
 * age-keygen -pq does. */
#include "internal.h"
#include <agesops/age.h>
#include "age/kind.h"
#include "crypto/ossl.h"



int ags_age_keygen_pq(struct ags_age_identity **ret)
{
	uint8_t seed[32];
	int r = ags_random(seed, sizeof(seed));
	if (r == 0)
		r = ags_age_mlkem768x25519_identity_from_seed(seed, ret);
	ags_wipe(seed, sizeof(seed));
	return r;
}
