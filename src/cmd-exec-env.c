#include "cli.h"

int cmd_exec_env(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'exec-env' is not implemented yet");
	return 1;
}
