/* SPDX-License-Identifier: Apache-2.0 */
/*
 * dbctl_fmt: rendering of list/find results (see the header for the
 * formats).
 */
#include "dbctl_fmt.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ovsdb_datum_string.h"

struct dbctl_fmt_opts dbctl_fmt = {
	.format = DBCTL_FMT_LIST,
	.data = DBCTL_DATA_STRING,
	.headings = true,
	.pretty = false,
};

int
dbctl_fmt_parse_format(const char *s, enum dbctl_format *f)
{
	static const char *const names[] = { "list", "table", "csv", "html",
					     "json" };
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*f = (enum dbctl_format)i;
			return 0;
		}
	}
	return -EINVAL;
}

int
dbctl_fmt_parse_data(const char *s, enum dbctl_data *d)
{
	static const char *const names[] = { "string", "bare", "json" };
	for (unsigned i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(s, names[i])) {
			*d = (enum dbctl_data)i;
			return 0;
		}
	}
	return -EINVAL;
}

struct dbctl_out_table *
dbctl_out_table_new(unsigned n_cols)
{
	struct dbctl_out_table *t = xzalloc(sizeof *t);

	t->n_cols = n_cols;
	t->headings = xcalloc(n_cols ? n_cols : 1, sizeof *t->headings);
	return t;
}

void
dbctl_out_table_set_heading(struct dbctl_out_table *t, unsigned col,
			    const char *name)
{
	free(t->headings[col]);
	t->headings[col] = xstrdup(name);
}

size_t
dbctl_out_table_add_row(struct dbctl_out_table *t)
{
	if (t->n_rows == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 8;
		t->cells = xrealloc(t->cells,
				    t->cap * t->n_cols * sizeof *t->cells);
		t->types = xrealloc(t->types,
				    t->cap * t->n_cols * sizeof *t->types);
	}
	size_t r = t->n_rows++;
	for (unsigned c = 0; c < t->n_cols; c++) {
		ovsdb_datum_init_empty(&t->cells[r * t->n_cols + c]);
		t->types[r * t->n_cols + c] = NULL;
	}
	return r;
}

void
dbctl_out_table_set_cell(struct dbctl_out_table *t, size_t row, unsigned col,
			 const struct ovsdb_datum *d,
			 const struct ovsdb_type *type)
{
	size_t i = row * t->n_cols + col;

	ovsdb_datum_clone(&t->cells[i], d, type);
	t->types[i] = type;
}

void
dbctl_out_table_free(struct dbctl_out_table *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_rows * t->n_cols; i++)
		if (t->types[i])
			ovsdb_datum_destroy(&t->cells[i], t->types[i]);
	for (unsigned c = 0; c < t->n_cols; c++)
		free(t->headings[c]);
	free(t->headings);
	free(t->cells);
	free(t->types);
	free(t);
}

static json_t *
cell_json(const struct dbctl_out_table *t, size_t i)
{
	if (!t->types[i])
		return json_pack("[s,[]]", "set");
	return ovsdb_datum_to_json(&t->cells[i], t->types[i]);
}

/* The cell as text in the selected data format. */
static char *
cell_text(const struct dbctl_out_table *t, size_t i)
{
	struct ds s = DS_EMPTY;

	if (!t->types[i]) {
		ds_put(&s, "");
	} else if (dbctl_fmt.data == DBCTL_DATA_JSON) {
		json_t *j = cell_json(t, i);
		char *txt = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		ds_put(&s, txt);
		free(txt);
		json_decref(j);
	} else if (dbctl_fmt.data == DBCTL_DATA_BARE) {
		ovsdb_datum_to_bare(&t->cells[i], t->types[i], &s);
	} else {
		ovsdb_datum_to_string(&t->cells[i], t->types[i], &s);
	}
	return ds_steal(&s);
}

static void
print_list(const struct dbctl_out_table *t, struct ds *out)
{
	for (size_t r = 0; r < t->n_rows; r++) {
		if (r)
			ds_put_char(out, '\n');
		for (unsigned c = 0; c < t->n_cols; c++) {
			char *txt = cell_text(t, r * t->n_cols + c);
			if (dbctl_fmt.headings)
				ds_printf(out, "%-20s: ", t->headings[c]);
			ds_printf(out, "%s\n", txt);
			free(txt);
		}
	}
}

static void
put_trimmed_line(struct ds *out, struct ds *line)
{
	while (line->len && line->s[line->len - 1] == ' ')
		line->s[--line->len] = '\0';
	ds_put(out, ds_cstr(line));
	ds_put_char(out, '\n');
	ds_clear(line);
}

static void
print_table(const struct dbctl_out_table *t, struct ds *out)
{
	size_t n = t->n_rows * t->n_cols;
	char **txt = xcalloc(n ? n : 1, sizeof *txt);
	size_t *w = xcalloc(t->n_cols ? t->n_cols : 1, sizeof *w);
	struct ds line = DS_EMPTY;

	for (unsigned c = 0; c < t->n_cols; c++)
		if (dbctl_fmt.headings)
			w[c] = strlen(t->headings[c]);
	for (size_t i = 0; i < n; i++) {
		txt[i] = cell_text(t, i);
		size_t l = strlen(txt[i]);
		if (l > w[i % t->n_cols])
			w[i % t->n_cols] = l;
	}
	if (dbctl_fmt.headings) {
		for (unsigned c = 0; c < t->n_cols; c++)
			ds_printf(&line, "%s%-*s", c ? " " : "", (int)w[c],
				  t->headings[c]);
		put_trimmed_line(out, &line);
		for (unsigned c = 0; c < t->n_cols; c++) {
			if (c)
				ds_put_char(&line, ' ');
			for (size_t k = 0; k < w[c]; k++)
				ds_put_char(&line, '-');
		}
		put_trimmed_line(out, &line);
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		for (unsigned c = 0; c < t->n_cols; c++)
			ds_printf(&line, "%s%-*s", c ? " " : "", (int)w[c],
				  txt[r * t->n_cols + c]);
		put_trimmed_line(out, &line);
	}
	for (size_t i = 0; i < n; i++)
		free(txt[i]);
	free(txt);
	free(w);
	ds_free(&line);
}

static void
csv_cell(struct ds *out, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		ds_put(out, s);
		return;
	}
	ds_put_char(out, '"');
	for (; *s; s++) {
		if (*s == '"')
			ds_put_char(out, '"');
		ds_put_char(out, *s);
	}
	ds_put_char(out, '"');
}

static void
print_csv(const struct dbctl_out_table *t, struct ds *out)
{
	if (dbctl_fmt.headings) {
		for (unsigned c = 0; c < t->n_cols; c++) {
			if (c)
				ds_put_char(out, ',');
			csv_cell(out, t->headings[c]);
		}
		ds_put_char(out, '\n');
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		for (unsigned c = 0; c < t->n_cols; c++) {
			char *txt = cell_text(t, r * t->n_cols + c);
			if (c)
				ds_put_char(out, ',');
			csv_cell(out, txt);
			free(txt);
		}
		ds_put_char(out, '\n');
	}
}

static bool
is_uuid_at(const char *s)
{
	static const char pat[] = "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx";
	for (size_t i = 0; i < sizeof pat - 1; i++) {
		if (pat[i] == '-' ? s[i] != '-'
				  : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

static void
html_escape(struct ds *out, const char *s, bool uuid_links)
{
	while (*s) {
		if (uuid_links && is_uuid_at(s)) {
			ds_printf(out, "<a href=\"#%.36s\">%.8s</a>", s, s);
			s += 36;
			continue;
		}
		switch (*s) {
		case '&':
			ds_put(out, "&amp;");
			break;
		case '<':
			ds_put(out, "&lt;");
			break;
		case '>':
			ds_put(out, "&gt;");
			break;
		case '"':
			ds_put(out, "&quot;");
			break;
		default:
			ds_put_char(out, *s);
			break;
		}
		s++;
	}
}

static void
print_html(const struct dbctl_out_table *t, struct ds *out)
{
	ds_put(out, "<table border=1>\n");
	if (dbctl_fmt.headings) {
		ds_put(out, "  <tr>\n");
		for (unsigned c = 0; c < t->n_cols; c++) {
			ds_put(out, "    <th>");
			html_escape(out, t->headings[c], false);
			ds_put(out, "</th>\n");
		}
		ds_put(out, "  </tr>\n");
	}
	for (size_t r = 0; r < t->n_rows; r++) {
		ds_put(out, "  <tr>\n");
		for (unsigned c = 0; c < t->n_cols; c++) {
			size_t i = r * t->n_cols + c;
			char *txt = cell_text(t, i);
			bool links = t->types[i] &&
				     dbctl_fmt.data != DBCTL_DATA_JSON &&
				     (t->types[i]->key.type == OVSDB_T_UUID ||
				      t->types[i]->value.type == OVSDB_T_UUID);
			ds_put(out, "    <td>");
			html_escape(out, txt, links);
			ds_put(out, "</td>\n");
			free(txt);
		}
		ds_put(out, "  </tr>\n");
	}
	ds_put(out, "</table>\n");
}

static void
indent(struct ds *out, int level)
{
	for (int i = 0; i < level * 2; i++)
		ds_put_char(out, ' ');
}

void
dbctl_json_pretty(const json_t *j, int level, struct ds *out)
{
	if (json_is_array(j) && json_array_size(j)) {
		size_t i;
		json_t *e;
		ds_put_char(out, '[');
		json_array_foreach(j, i, e)
		{
			ds_put(out, i ? ",\n" : "\n");
			indent(out, level + 1);
			dbctl_json_pretty(e, level + 1, out);
		}
		ds_put_char(out, ']');
	} else if (json_is_object(j) && json_object_size(j)) {
		const char *k;
		json_t *v;
		bool first = true;
		ds_put_char(out, '{');
		json_object_foreach((json_t *)(uintptr_t)j, k, v)
		{
			json_t *ks = json_string(k);
			char *kt = json_dumps(ks, JSON_ENCODE_ANY);
			ds_put(out, first ? "\n" : ",\n");
			indent(out, level + 1);
			ds_printf(out, "%s: ", kt);
			free(kt);
			json_decref(ks);
			dbctl_json_pretty(v, level + 1, out);
			first = false;
		}
		ds_put_char(out, '}');
	} else {
		char *txt = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
		ds_put(out, txt);
		free(txt);
	}
}

static void
print_json(const struct dbctl_out_table *t, struct ds *out)
{
	json_t *data = json_array();
	json_t *head = json_array();

	for (unsigned c = 0; c < t->n_cols; c++)
		json_array_append_new(head, json_string(t->headings[c]));
	for (size_t r = 0; r < t->n_rows; r++) {
		json_t *row = json_array();
		for (unsigned c = 0; c < t->n_cols; c++)
			json_array_append_new(row,
					      cell_json(t, r * t->n_cols + c));
		json_array_append_new(data, row);
	}
	json_t *top = json_object();
	json_object_set_new(top, "data", data);
	json_object_set_new(top, "headings", head);
	if (dbctl_fmt.pretty) {
		dbctl_json_pretty(top, 0, out);
	} else {
		char *txt = json_dumps(top, JSON_COMPACT | JSON_PRESERVE_ORDER);
		ds_put(out, txt);
		free(txt);
	}
	ds_put_char(out, '\n');
	json_decref(top);
}

void
dbctl_out_table_print(const struct dbctl_out_table *t, struct ds *out)
{
	switch (dbctl_fmt.format) {
	case DBCTL_FMT_LIST:
		print_list(t, out);
		break;
	case DBCTL_FMT_TABLE:
		print_table(t, out);
		break;
	case DBCTL_FMT_CSV:
		print_csv(t, out);
		break;
	case DBCTL_FMT_HTML:
		print_html(t, out);
		break;
	case DBCTL_FMT_JSON:
		print_json(t, out);
		break;
	}
}
