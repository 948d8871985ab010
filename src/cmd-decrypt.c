#include "cli.h"

int cmd_decrypt(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'decrypt' is not implemented yet");
	return 1;
}
