"""`make bench` ends with bench/summary.py: every goal of every section of RESULTS.md, and the
ones not met. These check what it reads from a results file, not any timing."""

from bench import summary

RESULTS = """# Benchmark results

<!-- bench:admin-list -->
## Admin list of consultation requests at 1,000,000 requests

Run 2026-12-02 14:30 UTC. Measured on a shared machine.

| Goal | Measured | Aim | Met |
|---|---:|---:|---|
| Default list (urgent first) | 60 ms | < 250 ms | yes |
| Search: part of a last name | 300 ms | < 250 ms | no |

| Page | Median (ms) |
|---|---:|
| Default list (urgent first) | 60 |
<!-- /bench:admin-list -->

<!-- bench:article -->
## Article page

Run 2026-11-21 06:44 UTC. Measured on a shared machine.

| Ratio | Requests/s | p50 |
|---|---:|---:|
| gunicorn / nginx | 0.007 | 186.0x |
<!-- /bench:article -->
"""


def test_every_goal_is_read_with_its_section_and_run_time():
    admin, article = summary.parse(RESULTS)
    assert (admin.key, admin.run) == ("admin-list", "2026-12-02 14:30")
    assert [(g.goal, g.measured, g.aim, g.is_met) for g in admin.goals] == [
        ("Default list (urgent first)", "60 ms", "< 250 ms", True),
        ("Search: part of a last name", "300 ms", "< 250 ms", False),
    ]
    assert article.goals == [] and article.ratios == ["gunicorn / nginx: Requests/s 0.007, p50 186.0x"]


def test_the_summary_names_the_goals_not_met_and_the_sections_not_rerun(tmp_path, capsys):
    results = tmp_path / "RESULTS.md"
    results.write_text(RESULTS)
    assert summary.main(["--results", str(results), "--since", "2026-12-02 14:00"]) == 0
    out = capsys.readouterr().out
    assert "met      Default list (urgent first): 60 ms (aim < 250 ms)" in out
    assert "1 of 2 goals not met:\n  - admin-list: Search: part of a last name: 300 ms" in out
    assert "[article, run 2026-11-21 06:44 UTC, OLDER than this run]" in out
    assert "[admin-list, run 2026-12-02 14:30 UTC]" in out
    assert "Sections without a goals table: article." in out
