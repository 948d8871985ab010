/*
 * The flag loop of the getopt-based sops commands (edit, rotate,
 * updatekeys, set, unset, groups, filestatus, exec-env, exec-file): the
 * flags they all take, -h and bad flags handled once (opts.h: sm_getopt).
 */
#include "opts.h"
#include "keysource.h"
#include "../cli.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sm_opts_init(struct sm_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->indent = AGS_SOPS_INDENT_DEFAULT;
}

/* Handles one of the shared options; true if it was one.  Prints and sets
 * *rc on a bad value, and on a key-source flag agesops does not have
 * (refused by the name cli_getopt saw, cli_optname). */
static bool sm_opts_handle(struct sm_opts *o, int opt, const char *arg, int *rc)
{
	switch (opt) {
	case SM_OPT_UNSUPPORTED_KEY:
		*rc = sops_keysource_flag_refuse(cli_optname ? cli_optname : "flag");
		break;
	case SM_OPT_INPUT_TYPE: o->input_type = arg; break;
	case SM_OPT_OUTPUT_TYPE: o->output_type = arg; break;
	case SM_OPT_CONFIG: o->config = arg; break;
	case SM_OPT_IGNORE_MAC: o->ignore_mac = true; break;
	case 'r': o->dir = arg; o->skip_plain = true; break;
	case 'j': o->jobs = (unsigned)strtoul(arg, NULL, 10); break;
	case SM_OPT_DECRYPTION_ORDER:
		*rc = sops_decryption_order(arg);
		break;
	case SM_OPT_IGNORED:
	case SM_OPT_IGNORED_VALUE:
		/* sops global flags without an effect here */
		break;
	case SM_OPT_LOCAL_KEYSERVICE:
		/* keys are always used locally here; only =false asks otherwise */
		if (arg && !strcmp(arg, "false"))
			*rc = sops_keysource_flag_refuse("--enable-local-keyservice=false");
		break;
	case SM_OPT_INDENT: {
		char *end;
		errno = 0;
		long v = strtol(arg, &end, 10);
		if (errno || *end || v < -1 || v > 64) {
			cli_error("invalid --indent '%s' (0..64, or -1 for a tab in JSON)", arg);
			*rc = EXIT_GENERIC;
		} else {
			o->indent = (int)v;
		}
		break;
	}
	default:
		return false;
	}
	return true;
}

void sm_getopt_init(struct sm_getopt *s, const char *path, const char *usage, struct sm_opts *o)
{
	memset(s, 0, sizeof(*s));
	cli_getopt_init(&s->g, path);
	s->path = path;
	s->usage = usage ? usage : path;
	s->o = o;
	sm_opts_init(o);
}

int sm_getopt(struct sm_getopt *s, int argc, char **argv)
{
	int c;
	while ((c = cli_getopt(&s->g, argc, argv)) != -1) {
		if (sm_opts_handle(s->o, c, optarg, &s->rc)) {
			if (s->rc)
				return SM_GETOPT_EXIT;
			continue;
		}
		if (c == 'h') {
			cli_help(stdout, s->path);
			return SM_GETOPT_EXIT;
		}
		if (c == '?' || c == ':') {
			cli_usage(stderr, s->usage);
			s->rc = EXIT_GENERIC;
			return SM_GETOPT_EXIT;
		}
		return c;
	}
	return -1;
}

bool sm_getopt_end(struct sm_getopt *s, int c, int argc, int min, int max, const char *msg, int code)
{
	if (c == SM_GETOPT_EXIT)
		return true;
	if (argc - optind >= min && argc - optind <= max)
		return false;
	cli_error("%s", msg);
	cli_usage(stderr, s->usage);
	s->rc = code;
	return true;
}
