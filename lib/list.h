/* SPDX-License-Identifier: Apache-2.0 */
/*
 * list: an intrusive, circular, doubly linked list with a head node (the
 * kernel's list_head shape).  An element embeds a struct list_node; an
 * empty list's head points at itself, so insertion and removal need no
 * special cases and a node can unlink itself without knowing its list.
 */
#ifndef MICROVS_LIST_H
#define MICROVS_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *prev, *next;
};

#define LIST_INIT(HEAD)          \
	{                        \
		&(HEAD), &(HEAD) \
	}

#define LIST_CONTAINER(PTR, TYPE, MEMBER) \
	((TYPE *)(void *)((char *)(PTR)-offsetof(TYPE, MEMBER)))

static inline void
list_init(struct list_node *head)
{
	head->prev = head->next = head;
}

static inline bool
list_empty(const struct list_node *head)
{
	return head->next == head;
}

/* Inserts @node before @pos (at the tail when @pos is the head). */
static inline void
list_insert(struct list_node *pos, struct list_node *node)
{
	node->prev = pos->prev;
	node->next = pos;
	pos->prev->next = node;
	pos->prev = node;
}

static inline void
list_push_back(struct list_node *head, struct list_node *node)
{
	list_insert(head, node);
}

static inline void
list_push_front(struct list_node *head, struct list_node *node)
{
	list_insert(head->next, node);
}

/* Unlinks @node from whatever list holds it and makes it a list of its
 * own, so a second removal is harmless. */
static inline void
list_remove(struct list_node *node)
{
	node->prev->next = node->next;
	node->next->prev = node->prev;
	list_init(node);
}

/* The first node, or NULL when @head is empty. */
static inline struct list_node *
list_front(const struct list_node *head)
{
	return list_empty(head) ? NULL : head->next;
}

static inline size_t
list_size(const struct list_node *head)
{
	size_t n = 0;

	for (const struct list_node *p = head->next; p != head; p = p->next)
		n++;
	return n;
}

/* Iterates the elements of type typeof(*VAR) linked through MEMBER. */
#define LIST_FOR_EACH(VAR, MEMBER, HEAD)                                       \
	for ((VAR) = LIST_CONTAINER((HEAD)->next, __typeof__(*(VAR)), MEMBER); \
	     &(VAR)->MEMBER != (HEAD);                                         \
	     (VAR) = LIST_CONTAINER((VAR)->MEMBER.next, __typeof__(*(VAR)),    \
				    MEMBER))

/* The same, safe against removal of the current element. */
#define LIST_FOR_EACH_SAFE(VAR, NEXT, MEMBER, HEAD)                            \
	for ((VAR) = LIST_CONTAINER((HEAD)->next, __typeof__(*(VAR)), MEMBER); \
	     &(VAR)->MEMBER != (HEAD) &&                                       \
	     ((NEXT) = LIST_CONTAINER((VAR)->MEMBER.next, __typeof__(*(VAR)),  \
				      MEMBER),                                 \
	     1);                                                               \
	     (VAR) = (NEXT))

#endif
