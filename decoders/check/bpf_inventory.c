// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The inventory of the documented statements (inventory.def): which rule
 * checks each, or why none can.
 */
#include "check/bpf_check.h"

#include <string.h>

const struct bpf_stmt bpf_inventory[] = {
#define STMT(text, where, phrase, rule, verdicts, reason) \
	{ text, where, phrase, rule, verdicts, reason },
#include "check/inventory.def"
#undef STMT
};
const size_t bpf_inventory_count = sizeof(bpf_inventory) / sizeof(bpf_inventory[0]);

bool bpf_rule_known(const char *id)
{
	size_t i;

	for (i = 0; id && i < bpf_rules_count; i++)
		if (!strcmp(bpf_rules[i].id, id))
			return true;
	for (i = 0; id && i < libbpf_rules_count; i++)
		if (!strcmp(libbpf_rules[i].id, id))
			return true;
	return false;
}

enum bpf_stmt_state bpf_stmt_state(const struct bpf_stmt *s)
{
	if (s->rule && bpf_rule_known(s->rule))
		return STMT_CHECKED;
	if (!s->rule && s->reason && *s->reason)
		return STMT_UNCHECKABLE;
	return STMT_TODO;
}
