/*
 * In-process timing of the SOPS stores: load and emit of one file, repeated,
 * printing "load_ms emit_ms peak_rss_kb" (CPU time of this process, best of
 * the repetitions).  Used by bench/sops-stores.sh.
 */
#include "internal.h"
#include "sops/store.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double cpu_ms(void)
{
	struct timespec t;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: %s FILE yaml|json|dotenv|ini [REPS]\n", argv[0]);
		return 2;
	}
	int reps = argc > 3 ? atoi(argv[3]) : 3;
	FILE *f = fopen(argv[1], "rb");
	if (!f)
		return 1;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		return 1;
	fclose(f);
	const struct ags_store_ops *st = ags_store_by_name(argv[2]);
	if (!st)
		return 2;
	double best_load = 1e18, best_emit = 1e18;
	for (int r = 0; r < reps; r++) {
		struct ags_tree t;
		struct ags_diag d = { 0 };
		double a = cpu_ms();
		if (st->load(buf, (size_t)n, true, &t, &d) < 0) {
			fprintf(stderr, "load: %s\n", d.msg);
			return 1;
		}
		double b = cpu_ms();
		struct ags_buf out;
		ags_buf_init(&out, (size_t)1 << 34);
		if (st->emit(&t, NULL, &out, &d) < 0) {
			fprintf(stderr, "emit: %s\n", d.msg);
			return 1;
		}
		double c = cpu_ms();
		if (b - a < best_load)
			best_load = b - a;
		if (c - b < best_emit)
			best_emit = c - b;
		ags_buf_release(&out);
		ags_tree_clear(&t);
	}
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	printf("%.1f %.1f %ld\n", best_load, best_emit, ru.ru_maxrss);
	free(buf);
	return 0;
}
