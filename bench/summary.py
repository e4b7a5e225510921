"""Every goal of every benchmark, read from bench/RESULTS.md: one line per row of each section's
goals table, with the time that section was run, then the goals that are not met.

Each section that states goals has a table with this header (the measured side and the other
side of a ratio both in the Measured column, from the same run):

    | Goal | Measured | Aim | Met |

    .venv/bin/python -m bench.summary [--since "2026-12-02 14:00"]
"""

import argparse
import re
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
SECTION = re.compile(r"<!-- bench:(?P<key>[\w-]+) -->\n(?P<body>.*?)<!-- /bench:(?P=key) -->", re.DOTALL)
GOALS_HEADER = re.compile(r"^\|\s*Goal\s*\|\s*Measured\s*\|\s*Aim\s*\|\s*Met\s*\|\s*$", re.IGNORECASE)
RATIO_HEADER = re.compile(r"^\|\s*Ratio\s*\|", re.IGNORECASE)
RUN = re.compile(r"^Run (\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC", re.MULTILINE)
TIME_FORMAT = "%Y-%m-%d %H:%M"


@dataclass
class Goal:
    goal: str
    measured: str
    aim: str
    met: str

    @property
    def is_met(self) -> bool:
        return self.met.strip().lower() in {"yes", "met", "✓"}


@dataclass
class Section:
    key: str
    title: str
    run: str
    goals: list[Goal] = field(default_factory=list)
    # Rows of a "| Ratio | ..." table, shown for a section that states no goals yet.
    ratios: list[str] = field(default_factory=list)


def cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def parse(text: str) -> list[Section]:
    sections = []
    for match in SECTION.finditer(text):
        body = match.group("body")
        title = next((line[3:].strip() for line in body.splitlines() if line.startswith("## ")), match["key"])
        run = RUN.search(body)
        section = Section(match["key"], title, run.group(1) if run else "")
        lines = body.splitlines()
        for index, line in enumerate(lines):
            goals, ratios = GOALS_HEADER.match(line.strip()), RATIO_HEADER.match(line.strip())
            if not (goals or ratios):
                continue
            header = cells(line)
            for row in lines[index + 2 :]:  # after the header and its |---| line
                if not row.strip().startswith("|"):
                    break
                values = cells(row)
                if goals and len(values) == 4:
                    section.goals.append(Goal(*values))
                elif ratios:
                    named = [f"{h} {v}" for h, v in zip(header[1:], values[1:], strict=False)]
                    section.ratios.append(f"{values[0]}: {', '.join(named)}")
        sections.append(section)
    return sections


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument(
        "--since", help=f"UTC time ({TIME_FORMAT}) a run started: sections written before it are marked older"
    )
    args = parser.parse_args(argv)
    if not args.results.exists():
        print(f"{args.results} does not exist yet: run `make bench` first.")
        return 1
    since = datetime.strptime(args.since, TIME_FORMAT) if args.since else None
    sections = parse(args.results.read_text())

    print(f"Benchmark goals, from {args.results.name}")
    not_met, without = [], []
    for section in sections:
        older = since and section.run and datetime.strptime(section.run, TIME_FORMAT) < since
        when = f"run {section.run} UTC" if section.run else "run time not given"
        print(f"\n{section.title}  [{section.key}, {when}{', OLDER than this run' if older else ''}]")
        if not section.goals:
            print("  (no goals table)")
            without.append(section.key)
            for ratio in section.ratios:
                print(f"  ratio    {ratio}")
        for goal in section.goals:
            mark = "met    " if goal.is_met else "NOT MET"
            print(f"  {mark}  {goal.goal}: {goal.measured} (aim {goal.aim})")
            if not goal.is_met:
                not_met.append((section, goal))

    total = sum(len(section.goals) for section in sections)
    print()
    if not total:
        print("No section states goals yet.")
    elif not_met:
        print(f"{len(not_met)} of {total} goals not met:")
        for section, goal in not_met:
            print(f"  - {section.key}: {goal.goal}: {goal.measured} (aim {goal.aim}, met: {goal.met})")
    else:
        print(f"All {total} goals met.")
    if without:
        print(f"Sections without a goals table: {', '.join(without)}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
