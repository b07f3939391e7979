"""Admin wiring only."""

import assessments.scoring_admin  # noqa: F401  (monthly performance scores: admin menu entries)
