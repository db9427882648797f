"""List what the English catalogue still lacks: untranslated and fuzzy entries.

Run after ``locale/update.sh``:

    .venv/bin/python locale/fill_check.py            # every entry to translate, with its flags
    .venv/bin/python locale/fill_check.py --summary  # counts only

Exits with status 1 while something is missing. Translate the listed entries in
``locale/en/LC_MESSAGES/django.po`` (remove the ``#, fuzzy`` flag once a fuzzy entry is right),
then run ``locale/update.sh`` again to compile. The parser below is also used by
``config/tests/test_translations.py``; it reads the subset of the PO format that gettext writes.
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

CATALOGUE = Path(__file__).resolve().parent / "en" / "LC_MESSAGES" / "django.po"


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    # msgstr for a singular entry, msgstr[0], msgstr[1]… for a plural one.
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)

    @property
    def key(self) -> tuple[str | None, str, str | None]:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def describe(self, *, with_line: bool = True) -> str:
        text = f"line {self.line}: " if with_line else ""
        if self.msgctxt is not None:
            text += f"[{self.msgctxt}] "
        text += repr(self.msgid)
        if self.msgid_plural is not None:
            text += f" / {self.msgid_plural!r}"
        return text


def _unquote(chunk: str, path: Path, number: int) -> str:
    chunk = chunk.strip()
    if not (chunk.startswith('"') and chunk.endswith('"')):
        raise ValueError(f"{path}:{number}: expected a quoted string, got {chunk!r}")
    # PO strings use C escapes (\n, \t, \", \\), which Python's string syntax reads the same way.
    return ast.literal_eval(chunk)


def parse_po(path: Path = CATALOGUE) -> list[Entry]:
    """The live entries of a PO file (obsolete ``#~`` entries are skipped), header included."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int] | None = None  # which field continuation lines extend

    def flush() -> None:
        nonlocal current, target
        if current is not None and (current.msgid or current.msgstr or current.msgctxt is not None):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            flush()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current is not None and (current.msgid or current.msgstr):
                flush()
            current = current or Entry(line=number)
            current.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"{path}:{number}: continuation line outside an entry")
            name, index = target
            value = _unquote(line, path, number)
            if name == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, name, (getattr(current, name) or "") + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in {"msgctxt", "msgid"} and current is not None and current.msgstr:
            flush()
        if current is None:
            current = Entry(line=number)
        if keyword in {"msgctxt", "msgid", "msgid_plural"}:
            setattr(current, keyword, _unquote(rest, path, number))
            target = (keyword, 0)
        elif keyword == "msgstr":
            current.msgstr = [_unquote(rest, path, number)]
            target = ("msgstr", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            while len(current.msgstr) <= index:
                current.msgstr.append("")
            current.msgstr[index] = _unquote(rest, path, number)
            target = ("msgstr", index)
        else:
            raise ValueError(f"{path}:{number}: unexpected line {raw!r}")
    flush()
    return entries


def missing(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(untranslated, fuzzy) entries, the header excluded."""
    body = [entry for entry in entries if not entry.is_header]
    return [e for e in body if not e.translated and not e.fuzzy], [e for e in body if e.fuzzy]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("po", nargs="?", type=Path, default=CATALOGUE, help="catalogue to check")
    parser.add_argument("--summary", action="store_true", help="print counts only")
    args = parser.parse_args(argv)
    entries = parse_po(args.po)
    untranslated, fuzzy = missing(entries)
    total = sum(1 for entry in entries if not entry.is_header)
    if not args.summary:
        for title, group in (("Untranslated", untranslated), ("Fuzzy (check, then remove the flag)", fuzzy)):
            if group:
                print(f"{title}:")
                for entry in group:
                    print(f"  {entry.describe()}")
    print(
        f"{args.po}: {total} entries, {len(untranslated)} untranslated, {len(fuzzy)} fuzzy.",
        file=sys.stderr if args.summary else sys.stdout,
    )
    return 1 if untranslated or fuzzy else 0


if __name__ == "__main__":
    sys.exit(main())
