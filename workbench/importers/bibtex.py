"""Read BibTeX through bibtexparser 2, reporting every failed or doubtful entry with its line.

bibtexparser splits the file into blocks, resynchronises at the next ``@`` after a broken entry
(an unclosed brace costs that entry only) and gives each block and field its line. It keeps
values raw here (no middleware): macros, ``#`` concatenation and LaTeX are resolved below so that
each doubtful value can be named with its field and line.
"""

from __future__ import annotations

import re
import unicodedata

from bibtexparser import model
from bibtexparser.entrypoint import parse_string

from workbench.domain.studies import Reference, normalise_doi
from workbench.importers.reference_fields import ReferenceResult, pages, year_in

_ACCENTS = {"'": "\u0301", "`": "\u0300", "^": "\u0302", '"': "\u0308", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328",
            "r": "\u030a", "d": "\u0323", "b": "\u0331"}  # fmt: skip
_SYMBOLS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
            "AA": "Å", "l": "ł", "L": "Ł", "i": "i", "j": "j", "textendash": "–", "textemdash": "—",
            "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“",
            "textquotedblright": "”", "ldots": "…", "dots": "…", "textellipsis": "…", "S": "§",
            "copyright": "©", "pounds": "£", "euro": "€", "textregistered": "®", "dag": "†"}  # fmt: skip
_ACCENT = re.compile(
    r"\\([`'^\"~=.](?=\s*[{A-Za-z])|[uvHckrdb](?=\s*\{|\s+[A-Za-z]))\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))"
)
_MONTHS = {m[:3].lower(): m for m in ("January", "February", "March", "April", "May", "June", "July",
           "August", "September", "October", "November", "December")}  # fmt: skip
_ESCAPED = {"&": "&", "%": "%", "$": "$", "#": "#", "_": "_", "{": "\ue000", "}": "\ue001", " ": " "}
_NAME = re.compile(r"\s*([A-Za-z_][\w\-:.+/]*)")
_NUMBER = re.compile(r"\s*(\d+)")
# a value that ran on into the next field: its brace was never closed
_SWALLOWED = re.compile(r"\n\s*[A-Za-z][\w-]*\s*=\s*[{\"\w]")
_NEXT_FIELD = re.compile(r"\s*([A-Za-z][\w-]*)\s*=(.*)", re.DOTALL)


def parse_bibtex(text: str, filename: str = "references.bib") -> ReferenceResult:
    """Parse BibTeX as exported by Zotero, EndNote, Mendeley or JabRef; @string macros are applied."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    library = parse_string(text, parse_stack=[])
    macros = {s.key.lower(): s.value for s in library.strings}
    result = ReferenceResult()
    keys: dict[str, int] = {}
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, model.DuplicateBlockKeyBlock):
            entry = block.ignore_error_block
            if isinstance(entry, model.Entry):
                _add_entry(result, filename, entry, macros, keys)
        elif isinstance(block, model.ParsingFailedBlock):
            at, problem = _failure(block)
            result.problems.append(f"{filename} line {at}: {problem}; entry skipped")
        elif isinstance(block, model.String):
            macros[block.key.lower()] = _resolve(block.value, macros, [])
        elif isinstance(block, model.Entry):
            _add_entry(result, filename, block, macros, keys)
        elif isinstance(block, model.ImplicitComment) and block.comment.lstrip().startswith("@"):
            result.problems.append(f"{filename} line {line}: expected an entry like '@article{{key,'")
    return result


def _failure(block: model.ParsingFailedBlock) -> tuple[int, str]:
    """Where (line) and what went wrong, in the reviewer's words, from bibtexparser's abort reason."""
    line, raw = (block.start_line or 0) + 1, block.raw or ""
    key = re.match(r"\s*@\s*\w+\s*[{(]\s*([^,\s{}()]*)", raw)
    who = f"entry '{key.group(1)}'" if key and key.group(1) else "entry"
    reason = str(getattr(block.error, "abort_reason", "") or block.error).strip()
    field = re.search(r",\s*([A-Za-z][\w-]*)\s*(?:[{\"]|$)", raw)
    if "Expected a `=`" in reason and field:
        return line, f"{who} has no '=' after field '{field.group(1)}'"
    for opened in re.finditer(r"([A-Za-z][\w-]*)\s*=\s*([{\"])", raw):
        closing = _closing(raw, opened.start(2))
        swallowed = _SWALLOWED.search(raw, opened.end(), closing)
        if closing == len(raw) or swallowed:
            what = "quote" if opened.group(2) == '"' else "brace"
            at = line + raw.count("\n", 0, opened.start())
            return at, f"{who} has an unclosed {what} in field '{opened.group(1)}'"
    if any(sign in reason for sign in ("Unexpected block start", "end of file", "found `@")):
        return line, f"{who} has an unclosed brace"
    return line, f"{who} could not be read ({reason.rstrip('.')})"


def _add_entry(
    result: ReferenceResult, filename: str, entry: model.Entry, macros: dict[str, str], keys: dict[str, int]
) -> None:
    line = (entry.start_line or 0) + 1
    problems: list[tuple[int, str]] = []
    values: dict[str, str] = {}
    lines: dict[str, int] = {}
    pending = [(f.key.lower(), str(f.value), (f.start_line or 0) + 1) for f in entry.fields]
    while pending:
        name, raw, field_line = pending.pop(0)
        notes: list[str] = []
        value, rest = _split_value(raw, macros, notes)
        problems += [(field_line, note) for note in notes]
        values.setdefault(name, value)
        lines.setdefault(name, field_line)
        follow = _NEXT_FIELD.match(rest) if rest.strip() else None
        if follow:  # "title = {T}\n year = 2020": a missing comma swallowed the next field
            problems.append((field_line, f"has no comma after field '{name}'"))
            pending.insert(0, (follow.group(1).lower(), follow.group(2), field_line + raw.count("\n")))
    ref = _reference(values)
    ref.source_line = line
    result.references.append(ref)
    if entry.key in keys:
        problems.append((line, f"repeats the key of the entry on line {keys[entry.key]}"))
    keys.setdefault(entry.key, line)
    problems += _value_problems(values, lines, ref)
    who = f"entry '{entry.key}'" if entry.key else "entry"
    result.problems += [f"{filename} line {at}: {who} {problem}" for at, problem in sorted(problems)]


def _value_problems(values: dict[str, str], lines: dict[str, int], ref: Reference) -> list[tuple[int, str]]:
    problems = []
    year_field = "year" if values.get("year") else "date"
    if values.get(year_field) and ref.year is None:
        year = latex_to_unicode(values[year_field])
        problems.append((lines[year_field], f"has {year_field} {year!r}, which holds no year"))
    if values.get("doi") and normalise_doi(values["doi"]) is None:
        problems.append((lines["doi"], f"has doi {values['doi']!r}, which is not a DOI"))
    return problems


def _split_value(raw: str, macros: dict[str, str], notes: list[str]) -> tuple[str, str]:
    """The value of a field (braced, quoted, number or macro parts joined by '#'), and unread rest."""
    parts, pos = [], 0
    while True:
        stripped = len(raw) - len(raw[pos:].lstrip())
        char = raw[stripped : stripped + 1]
        if char in ("{", '"'):
            end = _closing(raw, stripped)
            parts.append(raw[stripped + 1 : end])
            pos = end + 1
        elif (number := _NUMBER.match(raw, pos)) is not None:
            parts.append(number.group(1))
            pos = number.end()
        elif (name := _NAME.match(raw, pos)) is not None:
            parts.append(_macro(name.group(1), macros, notes))
            pos = name.end()
        else:
            return "".join(parts), raw[pos:]
        after = raw[pos:].lstrip()
        if not after.startswith("#"):
            return "".join(parts), raw[pos:]
        pos = len(raw) - len(after) + 1


def _resolve(raw: str, macros: dict[str, str], notes: list[str]) -> str:
    return _split_value(raw, macros, notes)[0]


def _closing(raw: str, opening: int) -> int:
    """The index of the brace or quote closing the one at ``opening`` (nested braces kept)."""
    quote = raw[opening] == '"'
    depth, pos = 0 if quote else 1, opening + 1
    while pos < len(raw):
        char = raw[pos]
        if char == "\\":
            pos += 2
            continue
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and (char == '"' if quote else char == "}"):
            return pos
        pos += 1
    return len(raw)


def _macro(name: str, macros: dict[str, str], notes: list[str]) -> str:
    value = macros.get(name.lower(), _MONTHS.get(name.lower()))
    if value is None:
        notes.append(f"uses the undefined @string macro {name!r}")
    return name if value is None else value


def _reference(values: dict[str, str]) -> Reference:
    def get(*names: str) -> str:
        return next((latex_to_unicode(values[n]) for n in names if values.get(n, "").strip()), "")

    url = values.get("url", "")
    doi = normalise_doi(values.get("doi")) or (normalise_doi(url) if "doi.org/" in url.lower() else None)
    return Reference(
        title=get("title"),
        authors=[_name(n) for n in _split_top(values.get("author", ""), r"\s+and\s+") if n != "others"],
        year=year_in(values.get("year") or values.get("date") or ""),
        journal=get("journal", "journaltitle", "booktitle"),
        volume=get("volume"),
        issue=get("number", "issue"),
        pages=pages(values.get("pages", "")),
        doi=doi,
        abstract=get("abstract"),
        keywords=[latex_to_unicode(k) for k in _split_top(values.get("keywords", ""), r"\s*[,;]\s*")],
    )


def _split_top(value: str, separator: str) -> list[str]:
    """Split at ``separator`` matches outside braces (braces protect 'and' in corporate names)."""
    parts, depth, last, pos = [], 0, 0, 0
    pattern = re.compile(separator, re.IGNORECASE)
    while pos < len(value):
        char = value[pos]
        depth += {"{": 1, "}": -1}.get(char, 0)
        match = pattern.match(value, pos) if depth == 0 else None
        if match and match.end() > pos:
            parts.append(value[last:pos])
            last = pos = match.end()
        else:
            pos += 1
    parts.append(value[last:])
    return [p.strip() for p in parts if p.strip()]


def _name(name: str) -> str:
    """A BibTeX name ("Last, First", "Last, Jr, First" or "First von Last") as "Last, First"."""
    parts = _split_top(name, r"\s*,\s*")
    if len(parts) >= 2:
        last, first = parts[0], parts[-1]
        suffix = f", {parts[1]}" if len(parts) == 3 else ""
        return latex_to_unicode(f"{last}, {first}{suffix}")
    words = _split_top(name, r"\s+")
    if len(words) < 2:
        return latex_to_unicode(name)
    von = next((i for i, w in enumerate(words[:-1]) if w[:1].islower()), len(words) - 1)
    return latex_to_unicode(" ".join(words[von:]) + ", " + " ".join(words[:von]))


def latex_to_unicode(value: str) -> str:
    """LaTeX in common use in .bib files as plain Unicode: accents, escapes, dashes, protective braces."""
    text = re.sub(r"\\([&%$#_{} ])", lambda m: _ESCAPED[m.group(1)], value)
    text = re.sub(r"\\([ij])(?![A-Za-z])\s*", r"\1", text)
    text = re.sub(_ACCENT, lambda m: (m.group(2) or m.group(3)) + _ACCENTS[m.group(1)], text)
    text = re.sub(
        r"\\([A-Za-z]+)(?![A-Za-z])\s*(\{\})?", lambda m: _SYMBOLS.get(m.group(1), m.group(0)), text
    )
    text = re.sub(r"\\[A-Za-z]+\s*(?=\{)", "", text)
    text = text.replace("---", "—").replace("--", "–").replace("``", "“").replace("''", "”")
    text = text.replace("~", " ").replace("{", "").replace("}", "")
    text = text.replace("\ue000", "{").replace("\ue001", "}")
    return unicodedata.normalize("NFC", " ".join(text.split()))
