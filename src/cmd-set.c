#include "cli.h"

int cmd_set(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'set' is not implemented yet");
	return 1;
}
