#include "cli.h"

int cmd_edit(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'edit' is not implemented yet");
	return 1;
}
