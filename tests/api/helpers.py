"""API clients for tests, and the sample month's files as the rows the API takes."""

import json

from api.services import api_client_create
from assessments.scorecards.evaluations_file import EVALUATION_COLUMNS
from assessments.scoring.kpi_file import KPI_COLUMNS, RATE_COLUMNS
from courses.training_file import TRAINING_COLUMNS
from portal.staff_file import STAFF_COLUMNS, STAFF_OPTIONAL_COLUMNS
from portal.tabular.reading import read_table
from tests.assessments.scoring_helpers import SAMPLES

ALL_SCOPES = [
    "staff:write",
    "training:write",
    "evaluations:write",
    "kpis:write",
    "scores:read",
    "stars:read",
    "payouts:read",
    "certificates:read",
]


def make_client(name="callcentre", scopes=None, **kwargs):
    """(client, token) with every scope unless told."""
    return api_client_create(name=name, scopes=scopes or ALL_SCOPES, acting_user=None, **kwargs)


def bearer(token):
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def post_rows(client, url, rows, token, **headers):
    return client.post(
        url, json.dumps({"rows": rows}), content_type="application/json", **bearer(token), **headers
    )


def sample_rows(name, columns, optional=(), numbers=()):
    """The sample file's rows as JSON objects; the `numbers` columns as JSON numbers, the rest as text."""
    table = read_table((SAMPLES / name).read_bytes(), name, required=columns, optional=optional)
    rows = []
    for _line, cells in table.rows:
        row = dict(cells)
        for column in numbers:
            if row[column]:
                row[column] = float(row[column]) if "." in row[column] else int(row[column])
        rows.append(row)
    return rows


def sample_month_rows():
    return {
        "staff": sample_rows("staff.csv", STAFF_COLUMNS, STAFF_OPTIONAL_COLUMNS),
        "training": sample_rows("training.csv", TRAINING_COLUMNS, numbers=("hours",)),
        "evaluations": sample_rows("evaluations.csv", EVALUATION_COLUMNS, numbers=("score",)),
        "kpis": sample_rows(
            "kpis.csv", KPI_COLUMNS, numbers=("contacts_handled", "major_complaints", *RATE_COLUMNS)
        ),
    }
