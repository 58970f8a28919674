"""The feedback explorer: filters, htmx fragments, paging, detail and downloads."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.urls import reverse


def shown(response) -> set[str]:
    return {item.external_id for item in response.context["page"].items}


@pytest.fixture
def lead_client(client, cx_lead):
    client.force_login(cx_lead)
    return client


def test_explorer_lists_everything_newest_first(lead_client, shop):
    response = lead_client.get(reverse("feedback:explorer"))
    assert [i.external_id for i in response.context["page"].items] == ["t-1", "s-2", "s-1"]
    assert response.context["count"] == 3
    page = response.content.decode()
    assert "Fakturaen var feil, ring meg på [PHONE]" in page
    assert "91234567" not in page  # the list never shows the original text


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"touchpoint": "first-invoice"}, {"s-1", "s-2"}),
        ({"listening_post": "tickets"}, {"t-1"}),
        ({"journey": "move"}, {"s-1", "s-2", "t-1"}),
        ({"team": "field"}, {"t-1"}),
        ({"sentiment": "negative"}, {"s-1", "t-1"}),
        ({"nps_group": "detractor"}, {"s-1"}),
        ({"nps_min": "9"}, {"s-2"}),
        ({"customer": "C-2002"}, {"t-1"}),
        ({"q": "fakturaen"}, {"s-1"}),
        ({"q": "91234567"}, set()),  # search reads the redacted text only
        ({"received_from": "2026-03-03", "received_to": "2026-03-03"}, {"s-2"}),
    ],
)
def test_filters_narrow_the_list(lead_client, shop, params, expected):
    response = lead_client.get(reverse("feedback:explorer"), params)
    assert response.status_code == 200
    assert shown(response) == expected


def test_team_member_sees_only_their_teams_feedback(client, shop, billing_member):
    client.force_login(billing_member)
    assert shown(client.get(reverse("feedback:explorer"))) == {"s-1", "s-2"}


def test_bad_filter_values_are_reported_not_fatal(lead_client, shop):
    response = lead_client.get(
        reverse("feedback:explorer"), {"nps_min": "eleven", "sentiment": "negative"}
    )
    assert response.status_code == 200
    assert "nps_min" in response.context["form"].errors
    assert shown(response) == {"s-1", "t-1"}  # the valid filter still applies


def test_htmx_request_gets_only_the_result_list(lead_client, shop):
    url = reverse("feedback:explorer")
    fragment = lead_client.get(url, {"sentiment": "positive"}, HTTP_HX_REQUEST="true")
    assert fragment.content.decode().lstrip().startswith('<section id="results"')
    assert "<html" not in fragment.content.decode()
    # Screen readers hear the new count through the status region, swapped out of band.
    assert 'id="results-status"' in fragment.content.decode()
    assert 'hx-swap-oob="true"' in fragment.content.decode()
    assert "HX-Request" in fragment["Vary"]
    restore = lead_client.get(url, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in restore.content.decode()


def test_the_url_holds_the_filters_for_paging_and_downloads(lead_client, shop):
    response = lead_client.get(reverse("feedback:explorer"), {"touchpoint": "first-invoice"})
    page = response.content.decode()
    assert "touchpoint=first-invoice&amp;format=csv" in page
    assert 'value="first-invoice" selected' in page


def test_keyset_paging_walks_every_item_once(lead_client, org):
    from django.utils import timezone

    from outsidein.feedback.models import FeedbackItem

    start = timezone.make_aware(datetime(2026, 1, 1))
    FeedbackItem.objects.bulk_create(
        FeedbackItem(
            listening_post=org["survey"],
            external_id=f"p-{n}",
            # Pairs share a timestamp, so the id must break the tie.
            received_at=start + timedelta(minutes=n // 2),
            nps=7,
        )
        for n in range(120)
    )
    seen, params, pages = [], {}, 0
    while True:
        response = lead_client.get(reverse("feedback:explorer"), params)
        page = response.context["page"]
        seen += [item.external_id for item in page.items]
        pages += 1
        if not page.next_cursor:
            break
        params = {"after": page.next_cursor}
    assert pages == 3
    assert len(seen) == len(set(seen)) == 120
    # ...and "Newer" from the last page goes back to the same second page.
    back = lead_client.get(reverse("feedback:explorer"), {"before": page.previous_cursor})
    assert [i.external_id for i in back.context["page"].items] == seen[50:100]


def test_a_mangled_cursor_shows_the_first_page(lead_client, shop):
    response = lead_client.get(reverse("feedback:explorer"), {"after": "garbage'--"})
    assert response.status_code == 200
    assert len(response.context["page"].items) == 3


def test_counts_are_capped(shop):
    from outsidein.feedback.models import FeedbackItem
    from outsidein.web.paging import capped_count

    assert capped_count(FeedbackItem.objects.all(), cap=2) == (2, True)
    assert capped_count(FeedbackItem.objects.all(), cap=3) == (3, False)


def test_detail_shows_analysis_customer_and_owner(lead_client, shop):
    item = shop["invoice_angry"]
    page = lead_client.get(reverse("feedback:detail", args=[item.pk])).content.decode()
    assert reverse("customers:detail", args=[shop["kari"].pk]) in page
    assert "Billing" in page  # the touchpoint's owner team
    assert "Moment of truth" in page
    assert "Invoices and billing" in page  # the theme, named by the codebook


def test_download_filtered_csv(lead_client, shop):
    response = lead_client.get(
        reverse("feedback:export"), {"touchpoint": "first-invoice", "format": "csv"}
    )
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "s-1" in body and "s-2" in body and "t-1" not in body


def test_download_rejects_unknown_format(lead_client, shop):
    response = lead_client.get(reverse("feedback:export"), {"format": "exe"})
    assert response.status_code == 404


@pytest.mark.parametrize("fmt", ["xlsx", "parquet"])
def test_download_excel_and_parquet(lead_client, shop, fmt, tmp_path):
    response = lead_client.get(reverse("feedback:export"), {"format": fmt, "sentiment": "negative"})
    assert response.status_code == 200
    path = tmp_path / f"out.{fmt}"
    path.write_bytes(b"".join(response.streaming_content))
    if fmt == "xlsx":
        from openpyxl import load_workbook

        rows = list(load_workbook(path).active.iter_rows(values_only=True))
        ids = {row[rows[0].index("external_id")] for row in rows[1:]}
    else:
        import pyarrow.parquet as pq

        ids = set(pq.read_table(path).column("external_id").to_pylist())
    assert ids == {"s-1", "t-1"}


def test_download_has_original_text_only_for_allowed_roles(client, shop, cx_lead, viewer):
    url = reverse("feedback:export")
    client.force_login(viewer)
    body = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "[PHONE]" in body and "91234567" not in body
    client.force_login(cx_lead)
    body = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "91234567" in body
