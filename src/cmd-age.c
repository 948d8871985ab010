#include "cli.h"

int cmd_age(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'age' is not implemented yet");
	return 1;
}
