#include "cli.h"

int cmd_keygen(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'keygen' is not implemented yet");
	return 1;
}
