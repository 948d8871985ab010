/*
 * Parsing from the command table (cli-opts.h): lookups, and getopt_long
 * arrays built from a command's flag sets.
 */
#include "cli-opts.h"
#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const struct cli_command *find_in(const struct cli_command *const *list, const struct cli_command *subs,
					 const char *name, size_t n)
{
	for (size_t i = 0; list ? list[i] != NULL : subs[i].name != NULL; i++) {
		const struct cli_command *c = list ? list[i] : &subs[i];
		if (strlen(c->name) == n && !strncmp(c->name, name, n))
			return c;
	}
	return NULL;
}

const struct cli_command *cli_command_find(const char *path)
{
	const struct cli_command *c = NULL;
	while (*path) {
		size_t n = strcspn(path, " ");
		if (!c)
			c = find_in(cli_commands, NULL, path, n);
		else
			c = c->subs ? find_in(NULL, c->subs, path, n) : NULL;
		if (!c)
			return NULL;
		path += n;
		path += strspn(path, " ");
	}
	return c;
}

void cli_flags_each(const struct cli_command *c, void (*fn)(const struct cli_flag *f, void *ctx), void *ctx)
{
	for (size_t s = 0; c->flags && c->flags[s]; s++)
		for (const struct cli_flag *f = c->flags[s]; f->name || f->short_name; f++)
			fn(f, ctx);
}

/* A flag as written on the command line: "--long" or "-s" (GNU), or Go's "-x"/"--x" for go. */
static const struct cli_flag *find_flag(const struct cli_command *c, const char *name, size_t n, bool go)
{
	for (size_t s = 0; c->flags && c->flags[s]; s++) {
		for (const struct cli_flag *f = c->flags[s]; f->name || f->short_name; f++) {
			if (go) {
				if ((f->name && strlen(f->name) == n && !strncmp(f->name, name, n)) ||
				    (f->short_name && n == 1 && name[0] == f->short_name))
					return f;
			} else if (n > 2 && name[0] == '-' && name[1] == '-') {
				if (f->name && strlen(f->name) == n - 2 && !strncmp(f->name, name + 2, n - 2))
					return f;
			} else if (n == 2 && name[0] == '-' && f->short_name == name[1]) {
				return f;
			}
		}
	}
	return NULL;
}

const struct cli_flag *cli_flag_find(const struct cli_command *c, const char *name, size_t name_len)
{
	return c ? find_flag(c, name, name_len, false) : NULL;
}

const struct cli_flag *cli_flag_find_go(const struct cli_command *c, const char *name, size_t name_len)
{
	return c ? find_flag(c, name, name_len, true) : NULL;
}

static int go_flag_error(const struct cli_goflags *g, const char *msg, const char *arg)
{
	fprintf(stderr, "%s%s\n%s", msg, arg, g->usage);
	return -1;
}

int cli_goflag_next(struct cli_goflags *g, int argc, char **argv)
{
	while (++g->k < argc) {
		const char *a = argv[g->k];
		if (a[0] != '-' || !a[1])
			return 0;
		if (!strcmp(a, "--")) {
			g->k++;
			return 0;
		}
		const char *f = a + 1 + (a[1] == '-');
		const char *eq = strchr(f, '=');
		const struct cli_flag *flag = cli_flag_find_go(g->cmd, f, eq ? (size_t)(eq - f) : strlen(f));
		if (!flag || (!g->bool_values && eq && !flag->arg && flag->id != 'h'))
			return go_flag_error(g, "flag provided but not defined: ", a);
		g->val = NULL;
		if (flag->arg) {
			if (eq)
				g->val = eq + 1;
			else if (g->k + 1 < argc)
				g->val = argv[++g->k];
			else
				return go_flag_error(g, "flag needs an argument: ", a);
		} else if (g->bool_values && eq && strcmp(eq + 1, "true") && strcmp(eq + 1, "1")) {
			if (strcmp(eq + 1, "false") && strcmp(eq + 1, "0"))
				return go_flag_error(g, "invalid boolean value for flag ", a);
			continue; /* -flag=false: as if not given */
		}
		return flag->id;
	}
	return 0;
}

struct build {
	struct cli_getopt *g;
	size_t nlo, nopt;
	bool overflow;
};

static void add_flag(const struct cli_flag *f, void *ctx)
{
	struct build *b = ctx;
	if (f->name) {
		/* a name given twice (two sets) keeps the first */
		for (size_t i = 0; i < b->nlo; i++)
			if (!strcmp(b->g->lo[i].name, f->name))
				return;
		if (b->nlo + 1 >= CLI_MAX_FLAGS) {
			b->overflow = true;
			return;
		}
		b->g->lo[b->nlo++] = (struct option){
			f->name,
			!f->arg ? no_argument : (f->flags & CLI_ARG_OPTIONAL) ? optional_argument : required_argument,
			NULL, f->id,
		};
	}
	if (f->short_name && !strchr(b->g->optstring, f->short_name)) {
		if (b->nopt + 3 >= sizeof(b->g->optstring)) {
			b->overflow = true;
			return;
		}
		b->g->optstring[b->nopt++] = f->short_name;
		if (f->arg)
			b->g->optstring[b->nopt++] = ':';
		b->g->optstring[b->nopt] = 0;
	}
}

int cli_getopt_init(struct cli_getopt *g, const char *path)
{
	memset(g, 0, sizeof(*g));
	optind = 1;
	g->cmd = cli_command_find(path);
	if (!g->cmd)
		return -1;
	/* "+": stop at the first argument (POSIX), unless the command takes flags after them */
	struct build b = { g, 0, 0, false };
	if (!g->cmd->gnu)
		g->optstring[b.nopt++] = '+';
	cli_flags_each(g->cmd, add_flag, &b);
	/* a table too big for the arrays is a bug caught by the tests, never a silent truncation */
	return b.overflow ? -1 : 0;
}

#define CLI_MAX_NAME 60
const char *cli_optname;

int cli_getopt(struct cli_getopt *g, int argc, char **argv)
{
	static char written[CLI_MAX_NAME + 3];
	cli_optname = NULL;
	if (!g->cmd) {
		cli_error("internal error: a command table entry is missing");
		return '?';
	}
	int li = -1;
	int c = getopt_long(argc, argv, g->optstring, g->lo, &li);
	if (c > 0 && c != '?' && c != ':') {
		if (li >= 0)
			snprintf(written, sizeof(written), "--%.*s", CLI_MAX_NAME, g->lo[li].name);
		else
			snprintf(written, sizeof(written), "-%c", c);
		cli_optname = written;
	}
	if (c <= 0 || c == '?' || c == ':' || c >= 256)
		return c;
	/* a one-letter flag returns the id of its table entry */
	for (size_t s = 0; g->cmd->flags && g->cmd->flags[s]; s++)
		for (const struct cli_flag *f = g->cmd->flags[s]; f->name || f->short_name; f++)
			if (f->short_name == c)
				return f->id;
	return c;
}
