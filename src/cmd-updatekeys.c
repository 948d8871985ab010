#include "cli.h"

int cmd_updatekeys(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'updatekeys' is not implemented yet");
	return 1;
}
