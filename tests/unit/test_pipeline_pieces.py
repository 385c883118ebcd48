"""Long texts through the suggestion pipeline in pieces: the same Doc as processing them whole."""

from spacy.attrs import IDX, LEMMA, SENT_START
from spacy.language import Language

from workbench.nlp.pipeline import blank_pipeline, pipe_texts, rules_only

PARAGRAPH = "Peer workers said “it felt like being believed” and so staff noticed a change. " * 12
TEXT = "\n\n".join(f"Section {i}. {PARAGRAPH}" for i in range(30))
SHORT = "Because of the peer worker, I felt safe."


def same_doc(doc, whole) -> None:
    assert doc.text == whole.text and len(doc) == len(whole)
    attrs = [IDX, LEMMA, SENT_START]
    assert (doc.to_array(attrs) == whole.to_array(attrs)).all()
    assert [q.start for q in doc._.realist_quotations] == [q.start for q in whole._.realist_quotations]
    assert (doc._.realist_cues == whole._.realist_cues).all()


@Language.component("workbench_test_no_op")
def no_op(doc):
    return doc


def test_the_blank_pipeline_tokenises_a_long_text_in_pieces_and_gives_the_doc_of_the_whole_text():
    nlp = blank_pipeline()
    assert rules_only(nlp)
    (whole,) = nlp.pipe([TEXT])
    long, short = pipe_texts(nlp, [TEXT, SHORT], size=3000)
    same_doc(long, whole)
    assert short.text == SHORT and len(short._.realist_cues)


def test_a_pipeline_with_other_components_processes_pieces_and_joins_them_with_the_same_offsets():
    nlp = blank_pipeline()
    nlp.add_pipe("workbench_test_no_op")
    assert not rules_only(nlp)
    (whole,) = nlp.pipe([TEXT])
    (joined,) = pipe_texts(nlp, [TEXT], size=3000)
    same_doc(joined, whole)
