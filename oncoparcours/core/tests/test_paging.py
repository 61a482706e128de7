"""``counted_page`` gives the page ``Paginator.get_page`` gives, with its total, in one query."""

import pytest
from django.core.paginator import Paginator

from oncoparcours.core.models import User
from oncoparcours.core.paging import TOTAL, counted_ids_page, counted_page

pytestmark = pytest.mark.django_db

PER_PAGE = 4


def _users(count: int) -> None:
    User.objects.bulk_create(User(username=f"paging-{n:03d}") for n in range(count))


def _ordered():
    return User.objects.filter(username__startswith="paging-").order_by("username")


@pytest.mark.parametrize("count", [0, 1, PER_PAGE, PER_PAGE + 1, 2 * PER_PAGE + 3])
@pytest.mark.parametrize(
    "number", [None, "1", "2", "3", "4", "99", "abc", "0", "-1", "", "99999999999999999999"]
)
def test_a_counted_page_is_the_page_django_gives(count, number):
    _users(count)
    expected = Paginator(_ordered(), PER_PAGE).get_page(number)

    page = counted_page(_ordered(), number, PER_PAGE)

    assert [user.username for user in page] == [user.username for user in expected]
    assert page.number == expected.number
    assert page.paginator.count == expected.paginator.count == count
    assert page.paginator.num_pages == expected.paginator.num_pages
    assert (page.has_next(), page.has_previous()) == (expected.has_next(), expected.has_previous())
    assert (page.start_index(), page.end_index()) == (expected.start_index(), expected.end_index())


def test_a_page_and_its_total_are_one_query(django_assert_num_queries):
    _users(2 * PER_PAGE + 3)
    with django_assert_num_queries(1):
        page = counted_page(_ordered(), "2", PER_PAGE)
    assert page.paginator.count == 2 * PER_PAGE + 3
    assert len(page) == PER_PAGE


def test_past_the_last_page_counts_then_reads_the_last_page(django_assert_num_queries):
    _users(PER_PAGE + 1)
    with django_assert_num_queries(3):
        page = counted_page(_ordered(), "7", PER_PAGE)
    assert page.number == 2
    assert [user.username for user in page] == [f"paging-{PER_PAGE:03d}"]


def test_rows_of_other_values_keep_the_total_reader():
    _users(PER_PAGE + 2)
    page = counted_page(
        _ordered(),
        "2",
        PER_PAGE,
        rows=lambda counted: counted.values_list("username", TOTAL),
        total_of=lambda row: row[1],
    )
    assert page.paginator.count == PER_PAGE + 2
    assert [name for name, _total in page] == [
        f"paging-{PER_PAGE:03d}",
        f"paging-{PER_PAGE + 1:03d}",
    ]


def test_an_unordered_or_distinct_query_is_refused():
    with pytest.raises(ValueError, match="ordered"):
        counted_page(User.objects.all().order_by(), 1, PER_PAGE)
    with pytest.raises(ValueError, match="DISTINCT"):
        counted_page(_ordered().distinct(), 1, PER_PAGE)


def test_a_page_of_ids_holds_the_ids_in_order_with_the_total(django_assert_num_queries):
    _users(PER_PAGE + 2)
    with django_assert_num_queries(1):
        page = counted_ids_page(_ordered(), "2", PER_PAGE)
    assert page.paginator.count == PER_PAGE + 2
    assert page.object_list == list(_ordered().values_list("pk", flat=True)[PER_PAGE:])
