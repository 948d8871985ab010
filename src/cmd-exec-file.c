#include "cli.h"

int cmd_exec_file(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'exec-file' is not implemented yet");
	return 1;
}
