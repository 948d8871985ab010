#include "age-cli.h"
#include <string.h>

int age_out_open(struct age_out *o, const char *path, int new_mode)
{
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	/* 0666: an existing file keeps its mode, a new one gets 0666 & ~umask;
	 * anything else (0600 for keys) is the file's mode whatever it was */
	int r = ags_out_open(&o->o, path, new_mode == 0666 ? -1 : new_mode, 0);
	if (r < 0)
		return r;
	o->fd = o->o.fd;
	o->tmp = o->o.tmppath;
	return 0;
}

int age_out_commit(struct age_out *o)
{
	o->fd = -1;
	o->tmp = NULL;
	return ags_out_commit(&o->o);
}

void age_out_abort(struct age_out *o)
{
	o->fd = -1;
	o->tmp = NULL;
	ags_out_abort(&o->o);
}
