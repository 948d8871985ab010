#include "cli.h"

int cmd_sops(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	cli_error("'sops' is not implemented yet");
	return 1;
}
