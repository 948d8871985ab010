/* Post-quantum key generation: a stub until the mlkem768x25519 kind lands
 * (the age-pq branch replaces this file). */
#include "internal.h"
#include <agesops/age.h>

int ags_age_keygen_pq(struct ags_age_identity **ret)
{
	(void)ret;
	return AGS_E_AGE_UNSUPPORTED_RECIPIENT;
}
