#include "cli.h"

int cmd_unset(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'unset' is not implemented yet");
	return 1;
}
