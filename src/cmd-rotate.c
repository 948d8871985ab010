#include "cli.h"

int cmd_rotate(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'rotate' is not implemented yet");
	return 1;
}
