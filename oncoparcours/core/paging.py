"""``counted_page``: a page of a query and its total number of rows in one query.

Django's ``Paginator`` runs ``COUNT(*)`` over the whole filtered query, then the page's query:
the same filters (care team, open activities, ranking) evaluated twice. On long lists (issue
19: the worklist, the patient list, the alert inbox at 100,000 patients) the count cost as much
as the page. Here the total comes with the page's rows as a window aggregate
(``COUNT(*) OVER ()``, computed over every matching row before ``LIMIT``/``OFFSET``), so the
filters run once. The result is a ``django.core.paginator.Page`` the templates use unchanged
(``page_obj.paginator.count``, ``num_pages``, ``has_next`` …).

A page number beyond the last page (or below 1), or not a number, is handled as
``Paginator.get_page`` does (the last page, the first page); only a number out of range costs
more queries (the page came back empty, so the total is counted on its own). The paginator is given
``range(total)``: it only reads its length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, QuerySet, Window

TOTAL = "page_total_rows"
LARGEST_OFFSET = 2**62


def page_number(value: object) -> int:
    """The page asked for, as ``Paginator.get_page`` reads it: 1 when absent or not a whole
    number (a number below 1 stays as it is: it gives the last page, as there)."""
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return 1


def counted_page(
    queryset: QuerySet[Any],
    number: object,
    per_page: int,
    *,
    rows: Callable[[QuerySet[Any]], Iterable[Any]] | None = None,
    total_of: Callable[[Any], int] | None = None,
) -> Page:
    """Page ``number`` of the ordered ``queryset`` (``per_page`` rows) with the total.

    ``queryset`` must be in a total order (ending with a unique column: pages of a query whose
    rows tie may repeat or skip rows). By
    default the page holds the queryset's own objects, each annotated with the total. ``rows``
    turns the annotated queryset into the page's rows when the caller wants other values (e.g.
    ``values_list("pk", TOTAL)``), and ``total_of`` reads the total off one of those rows."""
    if not queryset.ordered:
        raise ValueError("counted_page needs an ordered query")
    if queryset.query.distinct:
        # The window is computed before DISTINCT: it would count the duplicates.
        raise ValueError("counted_page cannot count a DISTINCT query")
    annotated = queryset.annotate(**{TOTAL: Window(expression=Count("*"))})
    read = rows or (lambda counted: list(counted))
    total_in = total_of or (lambda row: getattr(row, TOTAL))
    wanted = page_number(number)
    start = (wanted - 1) * per_page
    # Below 1, or so far past any list that the database could not take the offset (a 64-bit
    # integer): out of range without asking.
    in_range = wanted >= 1 and start < LARGEST_OFFSET
    found = list(read(annotated[start : start + per_page])) if in_range else []
    if found:
        total = int(total_in(found[0]))
    elif wanted == 1:
        total = 0
    else:
        # Past the last page or below the first: count, then read the last page (as
        # Paginator.get_page does).
        total = queryset.order_by().count()
        paginator = Paginator(range(total), per_page)
        wanted = paginator.num_pages
        start = (wanted - 1) * per_page
        found = list(read(annotated[start : start + per_page])) if total else []
    return Page(found, wanted, Paginator(range(total), per_page))


def counted_ids_page(queryset: QuerySet[Any], number: object, per_page: int) -> Page:
    """:func:`counted_page` of the queryset's primary keys only: the page holds the ids in
    order (for lists that read their rows by id afterwards)."""
    page = counted_page(
        queryset,
        number,
        per_page,
        rows=lambda counted: counted.values_list("pk", TOTAL),
        total_of=lambda row: row[1],
    )
    page.object_list = [pk for pk, _total in page.object_list]
    return page
