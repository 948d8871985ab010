#include "cli.h"

int cmd_kube(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'kube' is not implemented yet");
	return 1;
}
