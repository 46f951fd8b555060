from claims.attribution import cue_sentences, sentence_around, speaker_suggestions


def test_suggests_the_subject_of_said():
    assert speaker_suggestions("Mayor Jane Porter said the bridge was safe.") == [
        "Mayor Jane Porter"
    ]


def test_suggests_the_name_after_said_in_inverted_order():
    assert speaker_suggestions('"It is open," said Tomas Greer.') == ["Tomas Greer"]


def test_suggests_the_name_after_according_to():
    assert speaker_suggestions("The ramp was rebuilt, according to Tomas Greer.") == ["Tomas Greer"]


def test_suggests_the_subject_of_denied_without_the_article():
    assert speaker_suggestions("The Ministry of Health denied the report.") == [
        "Ministry of Health"
    ]


def test_no_suggestion_for_a_pronoun():
    assert speaker_suggestions("He said it was fine.") == []


def test_cue_sentences_are_those_with_attribution_or_denial():
    text = "The sky is blue. Officials said it rained. Nobody knows. The firm denied it."
    spans = [text[s:e] for s, e in cue_sentences(text)]
    assert spans == ["Officials said it rained.", "The firm denied it."]


def test_sentence_around_a_selection_is_the_whole_sentence():
    text = "First one. Greer told reporters the quay was open. Last one."
    start = text.index("the quay")
    assert sentence_around(text, start, start + 8) == "Greer told reporters the quay was open."


def test_a_common_noun_before_said_is_not_taken_for_a_name():
    assert speaker_suggestions("Shipping agents said the backlog would take ten days.") == []


def test_the_name_after_a_role_in_an_according_to_clause_is_suggested():
    sentence = "The ramp was rebuilt, according to the harbour master, Tomas Greer."
    assert speaker_suggestions(sentence) == ["Tomas Greer"]
