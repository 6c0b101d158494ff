"""No template line over 120 characters: djLint formats to that width but does not enforce it.

Break a long line without changing what it renders: whitespace control, `trans trimmed`,
`blocktranslate trimmed`, attributes on their own lines. A plain-text mail's whitespace is its
layout, so its output must stay the same byte for byte."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
MAX = 120


def templates() -> list[Path]:
    dirs = [ROOT / "templates", *ROOT.glob("*/templates"), *ROOT.glob("*/*/templates")]
    dirs += [*ROOT.glob("*/jinja2"), *ROOT.glob("*/*/jinja2")]
    return sorted(p for d in dirs for p in d.rglob("*") if p.suffix in {".html", ".txt"})


def test_no_template_line_is_longer_than_120_characters():
    over = [
        f"{path.relative_to(ROOT).as_posix()}:{number}"
        for path in templates()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > MAX
    ]
    assert over == [], f"lines over {MAX} characters: {over}"
