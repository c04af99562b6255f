from workbench.domain.models import SegmentKind
from workbench.nlp.segment import segment_transcript


def test_turns_and_sentences_use_code_point_offsets() -> None:
    text = "K: Hol nőtt fel? Mesélne?\n\nV: Szegeden nőttem fel. Aztán jött a börtön."
    drafts = segment_transcript(text, "hu")
    turns = [d for d in drafts if d.kind is SegmentKind.TURN]
    sentences = [d for d in drafts if d.kind is SegmentKind.SENTENCE]
    assert [text[d.start : d.end] for d in turns] == [
        "Hol nőtt fel? Mesélne?",
        "Szegeden nőttem fel. Aztán jött a börtön.",
    ]
    assert [text[d.start : d.end] for d in sentences] == [
        "Hol nőtt fel?", "Mesélne?", "Szegeden nőttem fel.", "Aztán jött a börtön.",
    ]  # fmt: skip
    assert all(drafts[d.parent].kind is SegmentKind.TURN for d in sentences if d.parent is not None)
