"""Human annotation in Argilla: dataset design, workspaces by country, annotators, push, pull, report.

Modules: `design` (questions and Spanish guidelines), `workspaces` (which workspace a record goes to),
`users` (annotators from a CSV), `push`, `snapshot` (what Argilla holds), `consensus` (majority, median,
Krippendorff's alpha), `pull` (annotated and curated tables), `report`.
"""
