from claims.attribution import cue_sentences


def test_cue_sentences_are_those_with_attribution_or_denial():
    text = "The sky is blue. Officials said it rained. Nobody knows. The firm denied it."
    spans = [text[s:e] for s, e in cue_sentences(text)]
    assert spans == ["Officials said it rained.", "The firm denied it."]
