/*
 * Help pages printed from the command table (cli-opts.h): "agesops CMD
 * --help", "agesops help CMD" (the same page) and "agesops --help".
 */
#include "cli-opts.h"
#include <string.h>

#define FLAG_COLUMN 32

/* "agesops encrypt", "sops encrypt", or "age" when running as the drop-in age. */
static void print_prog(FILE *f, const char *path)
{
	const struct cli_command *top = cli_command_find(path);
	bool dropin = strcmp(cli_progname, "agesops") != 0;
	if (dropin && top && (!strcmp(top->name, "age") || !strcmp(top->name, "keygen") ||
			      !strcmp(top->name, "age-keygen") || !strcmp(top->name, "sops")))
		fputs(cli_progname, f);
	else
		fprintf(f, "%s %s", dropin && strcmp(cli_progname, "sops") ? "agesops" : cli_progname, path);
}

/* Each line of text, indented. */
static void print_lines(FILE *f, const char *text, const char *indent)
{
	while (text && *text) {
		size_t n = strcspn(text, "\n");
		fprintf(f, "%s%.*s\n", n ? indent : "", (int)n, text);
		text += n + (text[n] == '\n');
	}
}

static void synopsis(FILE *f, const char *path, const struct cli_command *c)
{
	const char *s = c->synopsis ? c->synopsis : "";
	bool first = true;
	do {
		size_t n = strcspn(s, "\n");
		fputs(first ? "usage: " : "       ", f);
		print_prog(f, path);
		fprintf(f, "%s%.*s\n", n ? " " : "", (int)n, s);
		s += n + (s[n] == '\n');
		first = false;
	} while (*s);
}

static void print_flag(const struct cli_flag *fl, void *ctx)
{
	FILE *f = ctx;
	if (fl->flags & CLI_HIDDEN)
		return;
	char left[96];
	int n;
	if (fl->short_name && fl->name)
		n = snprintf(left, sizeof(left), "  -%c, --%s", fl->short_name, fl->name);
	else if (fl->short_name)
		n = snprintf(left, sizeof(left), "  -%c", fl->short_name);
	else
		n = snprintf(left, sizeof(left), "      --%s", fl->name);
	if (fl->arg && n > 0 && (size_t)n < sizeof(left))
		n += snprintf(left + n, sizeof(left) - (size_t)n, (fl->flags & CLI_ARG_OPTIONAL) ? "[=%s]" : " %s",
			      fl->arg);
	if (n >= FLAG_COLUMN)
		fprintf(f, "%s\n%*s", left, FLAG_COLUMN, "");
	else
		fprintf(f, "%-*s", FLAG_COLUMN, left);
	fputs(fl->help, f);
	if (fl->flags & CLI_REPEAT)
		fputs("; repeatable", f);
	if (fl->mirrors)
		fprintf(f, " [%s]", fl->mirrors);
	fputc('\n', f);
}

static void print_env(FILE *f, const char *env)
{
	while (env && *env) {
		size_t n = strcspn(env, "\t"), m = strcspn(env, "\n");
		if (n > m)
			n = m;
		fprintf(f, "  %-*.*s", FLAG_COLUMN - 2, (int)n, env);
		if ((int)n >= FLAG_COLUMN - 2)
			fprintf(f, "\n%*s", FLAG_COLUMN, "");
		fprintf(f, "%.*s\n", (int)(m > n ? m - n - 1 : 0), env + n + 1);
		env += m + (env[m] == '\n');
	}
}

void cli_help(FILE *f, const char *path)
{
	const struct cli_command *c = cli_command_find(path);
	if (!c)
		return;
	synopsis(f, path, c);
	fprintf(f, "\n%s", c->summary);
	if (c->mirrors && !strstr(c->summary, "(as "))
		fprintf(f, " (as %s)", c->mirrors);
	fputs("\n", f);
	if (c->about) {
		fputs("\n", f);
		print_lines(f, c->about, "");
	}
	if (c->subs) {
		fputs("\nsubcommands:\n", f);
		for (const struct cli_command *s = c->subs; s->name; s++)
			fprintf(f, "  %-*s%s\n", FLAG_COLUMN - 2, s->name, s->summary);
	}
	if (c->flags) {
		fputs(c->subs ? "\noptions of every subcommand:\n" : "\noptions:\n", f);
		cli_flags_each(c, print_flag, f);
	}
	if (c->env) {
		fputs("\nenvironment:\n", f);
		print_env(f, c->env);
	}
	if (c->example) {
		fputs("\nexample:\n", f);
		print_lines(f, c->example, "  ");
	}
	if (c->subs) {
		fputs("\nSee '", f);
		print_prog(f, path);
		fputs(" SUBCOMMAND --help' for a subcommand's flags.\n", f);
	}
}

void cli_usage(FILE *f, const char *path)
{
	const struct cli_command *c = cli_command_find(path);
	if (!c)
		return;
	synopsis(f, path, c);
	fputs("See '", f);
	print_prog(f, path);
	fputs(" --help'.\n", f);
}

void cli_help_commands(FILE *f)
{
	fprintf(f, "usage: agesops <command> [options] [args]\n\ncommands:\n");
	for (size_t i = 0; cli_commands[i]; i++)
		if (!cli_commands[i]->hidden)
			fprintf(f, "  %-12s %s\n", cli_commands[i]->name, cli_commands[i]->summary);
	fprintf(f, "\nInvoked as age, age-keygen or sops (also versioned names such as sops-v3.13.2.linux.amd64),\n"
		   "or as 'agesops sops|age|age-keygen ...', agesops behaves as that program.\n"
		   "Run 'agesops help COMMAND' for a command's flags, environment and an example.\n");
}

/* ---- scdoc source for the man pages (docs/man/, "agesops help --scdoc CMD...") ---- */

/* Text for scdoc: its formatting characters escaped. */
static void scd_text(FILE *f, const char *s, size_t n)
{
	for (size_t i = 0; i < n && s[i]; i++) {
		if (s[i] == '\\' || s[i] == '*' || s[i] == '_')
			fputc('\\', f);
		fputc(s[i], f);
	}
}

static void scd_str(FILE *f, const char *s)
{
	scd_text(f, s, strlen(s));
}

static void scd_flag(const struct cli_flag *fl, void *ctx)
{
	FILE *f = ctx;
	if (fl->flags & CLI_HIDDEN)
		return;
	if (fl->short_name)
		fprintf(f, "*-%c*%s", fl->short_name, fl->name ? ", " : "");
	if (fl->name) {
		fputs("*--", f);
		scd_str(f, fl->name);
		fputc('*', f);
	}
	if (fl->arg) {
		fputs((fl->flags & CLI_ARG_OPTIONAL) ? "[=_" : " _", f);
		scd_str(f, fl->arg);
		fputs((fl->flags & CLI_ARG_OPTIONAL) ? "_]" : "_", f);
	}
	fputs("\n\t", f);
	scd_str(f, fl->help);
	fputc('.', f);
	if (fl->flags & CLI_REPEAT)
		fputs(" Can be repeated.", f);
	if (fl->mirrors) {
		fputs(" As *", f);
		scd_str(f, fl->mirrors);
		fputs("*.", f);
	}
	fputs("\n\n", f);
}

static void cli_help_scdoc(FILE *f, const char *path)
{
	const struct cli_command *c = cli_command_find(path);
	fputs("## ", f);
	scd_str(f, path);
	fputs("\n\n", f);
	const char *s = c->synopsis ? c->synopsis : "";
	do {
		size_t n = strcspn(s, "\n");
		fputs("*", f);
		print_prog(f, path);
		fputs("*", f);
		if (n)
			fputc(' ', f);
		scd_text(f, s, n);
		fputs("\n\n", f);
		s += n + (s[n] == '\n');
	} while (*s);
	scd_str(f, c->summary);
	if (c->mirrors) {
		fputs(" (as *", f);
		scd_str(f, c->mirrors);
		fputs("*)", f);
	}
	fputs(".\n\n", f);
	if (c->about) {
		scd_str(f, c->about);
		fputs("\n\n", f);
	}
	if (c->subs) {
		fputs("Subcommands: ", f);
		for (const struct cli_command *sub = c->subs; sub->name; sub++)
			fprintf(f, "%s*%s*", sub != c->subs ? ", " : "", sub->name);
		fputs(".\n\n", f);
		return; /* each subcommand has its own section */
	}
	if (c->flags) {
		fputs("Options:\n\n", f);
		cli_flags_each(c, scd_flag, f);
	}
	for (const char *e = c->env; e && *e;) {
		if (e == c->env)
			fputs("Environment:\n\n", f);
		size_t n = strcspn(e, "\t"), m = strcspn(e, "\n");
		fputc('*', f);
		scd_text(f, e, n < m ? n : m);
		fputs("*\n\t", f);
		if (n < m)
			scd_text(f, e + n + 1, m - n - 1);
		fputs(".\n\n", f);
		e += m + (e[m] == '\n');
	}
	if (c->example) {
		fputs("Example:\n\n```\n", f);
		fputs(c->example, f);
		fputs("\n```\n\n", f);
	}
}

int cli_help_main(int argc, char **argv)
{
	char path[128] = "";
	bool scdoc = argc > 1 && !strcmp(argv[1], "--scdoc");
	if (scdoc) {
		/* "help --scdoc CMD [SUB]": the command's section; its subcommands follow */
		argc--;
		argv++;
	}
	for (int i = 1; i < argc; i++) {
		if (strlen(path) + strlen(argv[i]) + 2 > sizeof(path)) {
			cli_error("help: no such command");
			return EXIT_GENERIC;
		}
		if (*path)
			strcat(path, " ");
		strcat(path, argv[i]);
	}
	if (!*path && scdoc) {
		for (size_t i = 0; cli_commands[i]; i++)
			if (!cli_commands[i]->hidden)
				fprintf(stdout, "*%s*\n\t%s.\n\n", cli_commands[i]->name, cli_commands[i]->summary);
		return 0;
	}
	if (!*path) {
		cli_help_commands(stdout);
		return 0;
	}
	if (!cli_command_find(path)) {
		cli_error("help: no command '%s' (see 'agesops --help')", path);
		return EXIT_GENERIC;
	}
	if (!scdoc) {
		cli_help(stdout, path);
		return 0;
	}
	cli_help_scdoc(stdout, path);
	const struct cli_command *c = cli_command_find(path);
	for (const struct cli_command *sub = c->subs; sub && sub->name; sub++) {
		char sp[256];
		snprintf(sp, sizeof(sp), "%s %s", path, sub->name);
		cli_help_scdoc(stdout, sp);
	}
	return 0;
}
