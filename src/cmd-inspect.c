/*
 * age-inspect [--json] [INPUT] (argv[0], and "agesops inspect"): age 1.3's
 * age-inspect, same text and JSON output (cmd/age-inspect).  The work is
 * ags_age_inspect_fd.
 */
#include "cli.h"
#include "cli-opts.h"
#include <agesops/age.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"Usage:\n"
	"    age-inspect [--json] [INPUT]\n"
	"\n"
	"Options:\n"
	"    --json                      Output machine-readable JSON.\n"
	"\n"
	"INPUT defaults to standard input. \"-\" may be used as INPUT to explicitly\n"
	"read from standard input.\n";

/* s quoted as Go's %q and encoding/json write it (stanza types are
 * printable ASCII); json also escapes <, > and & as Go's encoder does. */
static void quoted(const char *s, bool json)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if (json && (*s == '<' || *s == '>' || *s == '&'))
			printf("\\u%04x", (unsigned)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

static void print_json(const struct ags_age_inspect *m)
{
	printf("{\n    \"version\": ");
	quoted(m->version, true);
	printf(",\n    \"postquantum\": \"%s\",\n    \"armor\": %s,\n    \"stanza_types\": ", m->postquantum,
	       m->armor ? "true" : "false");
	if (m->ntypes == 0)
		printf("null");
	for (size_t i = 0; i < m->ntypes; i++) {
		printf(i ? ",\n        " : "[\n        ");
		quoted(m->stanza_types[i], true);
	}
	printf("%s,\n    \"sizes\": {\n", m->ntypes ? "\n    ]" : "");
	printf("        \"header\": %" PRId64 ",\n        \"armor\": %" PRId64 ",\n        \"overhead\": %" PRId64
	       ",\n        \"min_payload\": %" PRId64 ",\n        \"max_payload\": %" PRId64
	       ",\n        \"min_padding\": %" PRId64 ",\n        \"max_padding\": %" PRId64 "\n    }\n}\n",
	       m->header, m->armor_overhead, m->overhead, m->min_payload, m->max_payload, m->min_padding,
	       m->max_padding);
}

static void print_text(const struct ags_age_inspect *m, const char *name)
{
	printf("%s is an age file, version ", name);
	quoted(m->version, false);
	printf(".\n\n");
	if (m->armor)
		printf("This file is ASCII-armored.\n\n");
	printf("This file is encrypted to the following recipient types:\n");
	for (size_t i = 0; i < m->ntypes; i++) {
		printf("  - ");
		quoted(m->stanza_types[i], false);
		printf("\n");
	}
	printf("\n");
	if (!strcmp(m->postquantum, "yes"))
		printf("This file uses post-quantum encryption.\n\n");
	else if (!strcmp(m->postquantum, "no"))
		printf("This file does NOT use post-quantum encryption.\n\n");
	printf("Size breakdown (assuming it decrypts successfully):\n\n");
	printf("    Header              %12" PRId64 " bytes\n", m->header);
	if (m->armor)
		printf("    Armor overhead      %12" PRId64 " bytes\n", m->armor_overhead);
	printf("    Encryption overhead %12" PRId64 " bytes\n", m->overhead);
	printf("    Payload             %12" PRId64 " bytes\n", m->min_payload);
	printf("                        -------------------\n");
	printf("    Total               %12" PRId64 " bytes\n\n",
	       m->header + m->overhead + m->min_payload + m->armor_overhead);
	printf("Tip: for machine-readable output, use --json.\n");
}

int cmd_inspect(int argc, char **argv)
{
	bool json = false;
	const char *name = NULL;
	int k;
	for (k = 1; k < argc && argv[k][0] == '-' && argv[k][1]; k++) {
		const char *a = argv[k] + 1 + (argv[k][1] == '-');
		if (!strcmp(argv[k], "--")) {
			k++;
			break;
		}
		const struct cli_flag *f = cli_flag_find_go(cli_command_find("inspect"), a, strlen(a));
		if (f && f->id == OPT_JSON) {
			json = true;
		} else if (f && f->id == OPT_VERSION) {
			puts(CLI_AGE_VERSION);
			return 0;
		} else if (f && f->id == 'h' && strcmp(cli_progname, "age-inspect")) {
			cli_help(stdout, "inspect"); /* agesops inspect: the table's page */
			return 0;
		} else {
			if (strcmp(a, "h") && strcmp(a, "help"))
				fprintf(stderr, "flag provided but not defined: %s\n", argv[k]);
			fputs(usage, stderr);
			return strcmp(a, "h") && strcmp(a, "help") ? 2 : 0;
		}
	}
	if (argc - k > 1) {
		fputs(usage, stderr);
		return 1;
	}
	name = k < argc ? argv[k] : NULL;
	int fd = 0;
	if (name && strcmp(name, "-") && (fd = open(name, O_RDONLY | O_CLOEXEC)) < 0) {
		cli_error("failed to open input file \"%s\": %s", name, strerror(errno));
		return 1;
	}
	struct ags_age_inspect m;
	struct ags_diag d = { 0 };
	int r = ags_age_inspect_fd(fd, &m, &d);
	if (fd > 0)
		close(fd);
	if (r < 0) {
		cli_error("inspection failed: %s", d.msg[0] ? d.msg : ags_strerror(r));
		return 1;
	}
	if (json)
		print_json(&m);
	else
		print_text(&m, name ? name : "<stdin>");
	ags_age_inspect_clear(&m);
	return fflush(stdout) == 0 ? 0 : 1;
}
