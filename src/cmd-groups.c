#include "cli.h"

int cmd_groups(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'groups' is not implemented yet");
	return 1;
}
