#include "cli.h"

int cmd_filestatus(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'filestatus' is not implemented yet");
	return 1;
}
