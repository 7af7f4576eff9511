"""The template study: copy this folder to start a new one (README: "Add a study").

A toy "paper T" claims that label noise hurts a nearest-neighbour classifier. Everything a study has, small:
  config.py  the typed config (every field a flag, its help cites where the setting comes from) and PROFILES;
  study.py   the `Study`: paper id, Config, PROFILES, one stage of cells on generated data, the Report;
  claims.py  the paper's two claims and our verdict on each (claims.json, the index);
  report.py  report.md: a table of the cells and the claims.
test_template.py runs it through the same CLI as the five papers. A new study copies these four files into
`adv_tf/studies/<name>/` and then touches three places outside it: `adv_tf/studies/__init__.py` (add it to
STUDIES), `experiments/<name>.py` (its binary) and tests/studies/test_registered_studies.py (cell counts and id
hashes of its profiles). Relative imports: the copy needs no import edits.
"""
