#include "cli.h"

int cmd_secret(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'secret' is not implemented yet");
	return 1;
}
