#include "cli.h"

int cmd_cluster(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'cluster' is not implemented yet");
	return 1;
}
