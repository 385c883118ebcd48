"""Python code-point indices and browser UTF-16 offsets convert both ways, exactly."""

import pytest

from workbench.domain.offsets import OffsetError, Utf16Index, utf16_length

TEXTS = {
    "ascii": "Peer support workers listened.",
    "emoji": "I felt 😀 then 🎉🎉 and relief.",
    "combining": "Cafe\u0301 and re\u0301sume\u0301: accents as two code points.",
    "crlf": "Line one.\r\nLine two.\r\n\r\nLine four.",
    "zwj": "Family 👨\u200d👩\u200d👧\u200d👦 and flag 🏳\ufe0f\u200d🌈 sequences.",
    "astral_edges": "𝒜bc𝒵",
    "empty": "",
}


def browser_offset(text: str, index: int) -> int:
    """What JavaScript counts before ``text[index]``: UTF-16 code units."""
    return len(text[:index].encode("utf-16-le")) // 2


@pytest.mark.parametrize("name", TEXTS)
def test_every_boundary_round_trips(name):
    text = TEXTS[name]
    index = Utf16Index(text)
    for i in range(len(text) + 1):
        offset = index.to_utf16(i)
        assert offset == browser_offset(text, i)
        assert index.from_utf16(offset) == i


@pytest.mark.parametrize("name", TEXTS)
def test_every_selection_round_trips_in_bulk(name):
    text = TEXTS[name]
    index = Utf16Index(text)
    spans = [(s, e) for s in range(len(text)) for e in range(s + 1, len(text) + 1)]
    starts16 = index.many_to_utf16(s for s, _ in spans)
    ends16 = index.many_to_utf16(e for _, e in spans)
    assert index.many_from_utf16(starts16) == [s for s, _ in spans]
    for (start, end), s16, e16 in zip(spans, starts16, ends16, strict=True):
        assert index.span_from_utf16(s16, e16) == (start, end)
        assert text.encode("utf-16-le")[2 * s16 : 2 * e16].decode("utf-16-le") == text[start:end]


def test_a_selection_after_one_emoji_is_not_off_by_one():
    text = "😀 hello world"
    index = Utf16Index(text)
    js_start = "\ud83d\ude00 hello world".index("hello")  # the browser's string, surrogates and all
    assert js_start == 3
    assert index.span_from_utf16(js_start, js_start + 5) == (2, 7)
    assert text[2:7] == "hello"


def test_crlf_counts_both_characters():
    text = TEXTS["crlf"]
    index = Utf16Index(text)
    start = text.index("Line two")
    assert index.to_utf16(start) == start == 11
    assert text[index.from_utf16(11) :].startswith("Line two")


def test_lengths_match_the_browser():
    for text in TEXTS.values():
        assert Utf16Index(text).length16 == utf16_length(text) == len(text.encode("utf-16-le")) // 2


def test_an_offset_inside_a_surrogate_pair_is_refused_or_widened():
    text = "a😀b"
    index = Utf16Index(text)
    with pytest.raises(OffsetError, match="inside a character"):
        index.from_utf16(2)
    assert index.span_from_utf16(2, 3) == (1, 2)  # start widened back to the emoji
    assert index.span_from_utf16(0, 2) == (0, 2)  # end widened forward over the emoji


@pytest.mark.parametrize("bad", [-1, 99])
def test_offsets_outside_the_text_are_refused(bad):
    index = Utf16Index("a😀b")
    with pytest.raises(OffsetError, match="outside the text"):
        index.to_utf16(bad)
    with pytest.raises(OffsetError, match="outside the text"):
        index.from_utf16(bad)
    with pytest.raises(OffsetError, match="outside the text"):
        Utf16Index("plain").many_from_utf16([bad])


def test_a_long_text_with_many_emoji_converts_hundreds_of_offsets_consistently():
    text = ("word 😀 " * 5000) + "end"
    index = Utf16Index(text)
    indices = list(range(0, len(text), 37))
    offsets = index.many_to_utf16(indices)
    assert offsets == [browser_offset(text, i) for i in indices]
    assert index.many_from_utf16(offsets) == indices
