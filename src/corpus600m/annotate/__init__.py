"""Human annotation in Argilla: dataset design, workspaces by country, annotators, push, pull, report.

Modules: `design` (questions and Spanish guidelines), `workspaces` (which workspace a record goes to),
`users` (annotators from a CSV), `welcome` (their Spanish welcome messages), `push`, `gold` (calibration
copies and per-annotator accuracy), `snapshot` (what Argilla holds), `consensus` (majority, median,
Krippendorff's alpha), `pull` (annotated and curated tables), `review` (the review round), `report`,
`dashboard` (the sprint's self-contained HTML page).
"""
