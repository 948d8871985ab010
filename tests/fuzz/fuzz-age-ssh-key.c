/* Fuzzes the OpenSSH private key parser (openssh-key-v1 and PEM), its
 * decryption with a wrong and a right passphrase (for cheap KDF rounds),
 * and the authorized_keys line parser. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "internal.h"
#include "age/ssh.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ags_ssh_keyfile *kf = NULL;
	struct ags_ssh_pubkey *pk = NULL;
	struct ags_diag d;
	char *s = malloc(size + 1);

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (ags_ssh_keyfile_parse(s, size, "fuzz", &kf, &d) == 0) {
		/* bcrypt_pbkdf costs ~6 ms per round: decrypt only cheap keys */
		if (kf->encrypted && kf->rounds <= 2) {
			ags_ssh_keyfile_decrypt(kf, "wrong", 5, "fuzz", &d);
			ags_ssh_keyfile_decrypt(kf, "fuzz", 4, "fuzz", &d);
		}
		ags_ssh_keyfile_free(kf);
	}
	if (size <= AGS_SSH_LINE_MAX && ags_ssh_pubkey_parse_line(s, size, &pk, &d) == 0) {
		char *str = NULL;
		if (ags_ssh_pubkey_string(pk, &str) == 0)
			free(str);
		ags_ssh_pubkey_free(pk);
	}
	free(s);
	return 0;
}
