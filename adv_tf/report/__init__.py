"""The report toolkit shared by every study: tables (CSV + narrow Markdown), Markdown sections, figures,
statistics, the `StudyReport` base class and the cross-study index. Study text lives in each study's
`report.py`, never here. Importing the package does not import matplotlib (import `figures` for that)."""
