#include "cli.h"

int cmd_encrypt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'encrypt' is not implemented yet");
	return 1;
}
