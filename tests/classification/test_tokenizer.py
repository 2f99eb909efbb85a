import pickle
import re
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from skseq._param_validation import InvalidParameterError
from skseq.classification import (
    SENTIMENT_TOKEN_PATTERN,
    TextTokenizer,
    normalize_text,
)

DOCS = ["A great, great film", "a dull film", "Great acting!", "dull dull plot"]


def test_vocabulary_ranks_by_frequency_then_alphabetically():
    tokenizer = TextTokenizer().fit(DOCS)
    assert tokenizer.vocabulary_ == {
        "dull": 2,
        "great": 3,
        "film": 4,
        "acting": 5,
        "plot": 6,
    }
    assert tokenizer.vocabulary_size_ == 7
    assert tokenizer.input_kind_ == "text"


def test_vocabulary_does_not_depend_on_document_order():
    forward = TextTokenizer(max_features=5).fit(DOCS).vocabulary_
    backward = TextTokenizer(max_features=5).fit(DOCS[::-1]).vocabulary_
    assert forward == backward


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("It isn't a ''great'' film!", "it is n't a great film !"),
        ("I'd say it's 2 hours, why?", "i 'd say it 's 2 hours why ?"),
        ("Can't. Won't? O'Brien's", "ca n't wo n't ? o brien 's"),
    ],
)
def test_sentiment_token_pattern_keeps_negations_and_marks(text, tokens):
    tokenizer = TextTokenizer(token_pattern=SENTIMENT_TOKEN_PATTERN)
    ids = tokenizer.fit_transform([text])[0]
    vocabulary = {i: token for token, i in tokenizer.vocabulary_.items()}
    assert " ".join(vocabulary[i] for i in ids) == tokens


def tokens_of(tokenizer, text):
    ids = tokenizer.fit_transform([text])[0]
    vocabulary = {i: token for token, i in tokenizer.vocabulary_.items()}
    return " ".join(vocabulary[i] for i in ids if i)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("loved it :) :-( ;p :D <3", "loved it :) :-( ;p :d <3"),
        ("at 10:30 (a note:)", "at 10 30 a note :)"),
        ("fun:) isn't it", "fun :) is n't it"),
    ],
)
def test_sentiment_token_pattern_keeps_emoticons(text, tokens):
    tokenizer = TextTokenizer(token_pattern=SENTIMENT_TOKEN_PATTERN)
    assert tokens_of(tokenizer, text) == tokens


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see http://t.co/ab1 and www.x.org/p?q=1 now", "see _url_ and _url_ now"),
        ("HTTPS://EXAMPLE.COM/A", "_url_"),
        ("@anonymous thanks, @Bob_1!", "_user_ thanks, _user_!"),
        ("mail me at a@b.com", "mail me at a@b.com"),
        ("#blessed and #RoyalWedding2011 #1", "blessed and RoyalWedding2011 1"),
        ("Soooo goooood!!! 1000 zzz", "Soo good!!! 1000 zz"),
        ("fish &amp; chips &lt;3 &quot;ok&quot;", 'fish & chips <3 "ok"'),
        ("plain text stays", "plain text stays"),
    ],
)
def test_normalize_text_rewrites_social_media_conventions(text, expected):
    assert normalize_text(text) == expected


def test_social_normalization_before_tokens():
    tokenizer = TextTokenizer(token_pattern=SENTIMENT_TOKEN_PATTERN, normalize="social")
    text = "@anonymous Soooo HAPPY &amp; #blessed :D http://url_removed"
    assert tokens_of(tokenizer, text) == "_user_ soo happy blessed :d _url_"
    plain = TextTokenizer(token_pattern=SENTIMENT_TOKEN_PATTERN)
    assert tokens_of(plain, text) == (
        "anonymous soooo happy amp blessed :d http url_removed"
    )
    # Fitted text and new text are normalised alike.
    tokenizer.fit(["#good film", "dull film"])
    np.testing.assert_array_equal(
        tokenizer.transform(["goooood #film"]), tokenizer.transform(["good film"])
    )


def test_max_features_counts_reserved_ids():
    tokenizer = TextTokenizer(max_features=4).fit(DOCS)
    assert tokenizer.vocabulary_ == {"dull": 2, "great": 3}
    assert tokenizer.vocabulary_size_ == 4
    assert tokenizer.transform(DOCS).max() == 3


def test_pads_and_truncates_at_the_front():
    tokenizer = TextTokenizer(max_length=3).fit(DOCS)
    Xt = tokenizer.transform(["great dull film acting", "plot"])
    np.testing.assert_array_equal(Xt, [[2, 4, 5], [0, 0, 6]])
    assert Xt.dtype == np.int32


def test_max_length_none_learns_longest_document():
    tokenizer = TextTokenizer().fit(DOCS)
    assert tokenizer.max_length_ == 3
    assert tokenizer.transform(["great " * 10]).shape == (1, 3)


def test_unseen_tokens_and_empty_documents_at_transform():
    tokenizer = TextTokenizer(max_length=4).fit(DOCS)
    Xt = tokenizer.transform(["", "!!!", "unheard of film"])
    np.testing.assert_array_equal(Xt, [[0, 0, 0, 0], [0, 0, 0, 0], [0, 1, 1, 4]])


def test_lowercase_and_token_pattern():
    tokenizer = TextTokenizer(lowercase=False, token_pattern=r"\S+").fit(["Hi hi !"])
    assert set(tokenizer.vocabulary_) == {"Hi", "hi", "!"}
    pattern = TextTokenizer(token_pattern=r"(\w+)!").fit(["wow! ok! no"])
    assert set(pattern.vocabulary_) == {"wow", "ok"}


def test_fit_transform_equals_fit_then_transform():
    tokenizer = TextTokenizer(max_features=5, max_length=4)
    np.testing.assert_array_equal(
        tokenizer.fit_transform(DOCS), clone(tokenizer).fit(DOCS).transform(DOCS)
    )


@pytest.mark.parametrize(
    "container",
    [list, tuple, np.array, pd.Series, lambda docs: pd.DataFrame({"text": docs})],
)
def test_accepts_common_containers(container):
    expected = TextTokenizer().fit_transform(DOCS)
    np.testing.assert_array_equal(
        TextTokenizer().fit_transform(container(DOCS)), expected
    )


def test_integer_sequences_are_clipped_to_max_features():
    sequences = [[1, 14, 22, 16], [1, 5], []]
    tokenizer = TextTokenizer(max_features=20, max_length=3).fit(sequences)
    assert tokenizer.input_kind_ == "ids"
    assert tokenizer.vocabulary_size_ == 20
    np.testing.assert_array_equal(
        tokenizer.transform(sequences + [np.array([30, 2])]),
        [[14, 1, 16], [0, 1, 5], [0, 0, 0], [0, 1, 2]],
    )


def test_integer_sequences_without_max_features():
    tokenizer = TextTokenizer(max_features=None).fit([(3, 9), (4,)])
    assert tokenizer.vocabulary_size_ == 10
    assert tokenizer.vocabulary_ == {i: i for i in range(2, 10)}
    np.testing.assert_array_equal(tokenizer.transform([[12, 9]]), [[1, 9]])


def test_padded_integer_matrix_is_sequences():
    X = np.array([[0, 3, 4], [5, 6, 7]])
    np.testing.assert_array_equal(TextTokenizer().fit_transform(X), X)


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        ("one document", TypeError, r"single str; wrap it in a list"),
        (["good", None], TypeError, r"X\[1\] is missing \(None\)"),
        (pd.Series(["good", np.nan]), TypeError, r"X\[1\] is missing \(nan\)"),
        (["good", 3], TypeError, r"X\[1\] is a int \(3\)"),
        ([b"bytes"], TypeError, r"X\[0\] is a bytes"),
        (["good", [2, 3]], ValueError, r"mixes str documents \(X\[0\]\) and int"),
        ([[2, 3], "good"], ValueError, r"mixes integer token sequences"),
        ([[2.5, 3.0]], TypeError, r"X\[0\] must be a 1-D sequence of integer"),
        ([[[2, 3]]], TypeError, r"X\[0\] must be a 1-D sequence"),
        ([[2, -3]], ValueError, r"negative token id \(-3\)"),
        (42, TypeError, r"iterable of str documents .* got int"),
        (pd.DataFrame({"a": ["x"], "b": ["y"]}), ValueError, r"2 columns"),
    ],
)
def test_bad_documents_are_rejected_clearly(X, error, match):
    with pytest.raises(error, match=match):
        TextTokenizer().fit(X)


@pytest.mark.parametrize("X", [[], ["", "  ", "!?"], [[], []]])
def test_fit_needs_at_least_one_token(X):
    with pytest.raises(ValueError, match=r"empty"):
        TextTokenizer().fit(X)


def test_transform_requires_the_kind_seen_in_fit():
    tokenizer = TextTokenizer().fit(DOCS)
    with pytest.raises(ValueError, match=r"fitted on str documents, but `X` holds"):
        tokenizer.transform([[2, 3]])
    np.testing.assert_array_equal(tokenizer.transform([]), np.empty((0, 3)))


@pytest.mark.parametrize(
    ("params", "match"),
    [
        (
            {"max_features": 2},
            r"'max_features' parameter of TextTokenizer must be an int in the range "
            r"\[3, inf\) or None\. Got 2 instead",
        ),
        ({"max_features": 1.5}, r"'max_features' .* Got 1\.5 instead"),
        ({"max_features": True}, r"'max_features' .* Got True instead"),
        ({"max_length": 0}, r"'max_length' .* \[1, inf\) or None\. Got 0 instead"),
        ({"max_length": True}, r"'max_length' .* Got True instead"),
        ({"lowercase": "yes"}, r"'lowercase' .* Got 'yes' instead"),
        ({"token_pattern": None}, r"'token_pattern' .* Got None instead"),
        (
            {"normalize": "twitter"},
            r"'normalize' parameter of TextTokenizer must be None or a str "
            r"among \{'social'\}\. Got 'twitter' instead",
        ),
        (
            {"token_pattern": "("},
            r"'token_pattern' parameter of TextTokenizer must be a valid regular "
            r"expression .*missing \).* Got '\(' instead",
        ),
        (
            {"token_pattern": r"(a)(b)"},
            r"'token_pattern' .* at most one capturing group.*has 2.*"
            r"Got '\(a\)\(b\)' instead",
        ),
    ],
)
@pytest.mark.parametrize("method", ["fit", "fit_transform"])
def test_bad_parameters_name_the_argument(params, match, method):
    with pytest.raises(InvalidParameterError, match=match):
        getattr(TextTokenizer(**params), method)(DOCS)


def test_not_fitted_and_no_n_features_in():
    with pytest.raises(NotFittedError, match="This TextTokenizer instance is not"):
        TextTokenizer().transform(DOCS)
    tokenizer = TextTokenizer().fit(DOCS)
    assert not hasattr(tokenizer, "n_features_in_")


def test_clone_params_and_pickle():
    tokenizer = TextTokenizer(max_features=5, max_length=2)
    assert clone(tokenizer).get_params() == tokenizer.get_params()
    fitted = tokenizer.fit(DOCS)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(restored.transform(DOCS), fitted.transform(DOCS))


def test_works_in_a_pipeline():
    pipeline = make_pipeline(
        FunctionTransformer(lambda docs: [doc.replace("!", " ") for doc in docs]),
        TextTokenizer(max_length=2),
    )
    assert pipeline.fit_transform(DOCS).shape == (4, 2)


def test_tags_describe_text_input():
    tags = TextTokenizer().__sklearn_tags__()
    assert tags.input_tags.string
    assert tags.input_tags.one_d_array
    assert not tags.input_tags.two_d_array


def _run_with_memory_limit(code):
    """Run ``code`` in a fresh process that may use only 1 GiB more memory.

    A tokenizer that allocated in proportion to the largest token id would
    fail there with MemoryError instead of exhausting this machine.
    """
    script = textwrap.dedent(
        """
        import resource
        import numpy as np
        from skseq.classification import TextTokenizer

        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[0])
        now = pages * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (now + (1 << 30), -1))
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script + textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="memory limit via /proc"
)
def test_huge_token_ids_allocate_nothing_in_proportion():
    output = _run_with_memory_limit(
        """
        tokenizer = TextTokenizer(max_features=None).fit([[2, 2**31 - 1, 5]])
        print(tokenizer.vocabulary_size_, len(tokenizer.vocabulary_))
        print(tokenizer.vocabulary_[2**31 - 1], tokenizer.vocabulary_[7])
        print(tokenizer.transform([[2**31 - 1, 9, 2**31]]).tolist())
        for ids in ([2**40], np.array([2**63], dtype=np.uint64)):
            try:
                TextTokenizer(max_features=None).fit([[3], ids])
            except ValueError as error:
                print(error)
        """
    )
    lines = output.splitlines()
    assert lines[0] == f"{2**31} {2**31 - 2}"
    assert lines[1] == f"{2**31 - 1} 7"
    assert lines[2] == f"[[{2**31 - 1}, 9, 1]]"
    assert re.search(rf"X\[1\] holds token id {2**40}, .* below 2147483648", lines[3])
    assert f"token id {2**63}," in lines[4]
    assert "max_features" in lines[3]
    assert "np.unique" in lines[3]


def test_identity_vocabulary_of_ids_acts_as_a_dict():
    vocabulary = TextTokenizer(max_features=None).fit([[3, 6]]).vocabulary_
    assert vocabulary == {2: 2, 3: 3, 4: 4, 5: 5, 6: 6}
    assert dict(vocabulary) == {2: 2, 3: 3, 4: 4, 5: 5, 6: 6}
    assert 6 in vocabulary
    for missing in (7, 1, True, "3"):
        assert missing not in vocabulary
    assert vocabulary.get(9, "oov") == "oov"
    assert repr(vocabulary) == "{2: 2, 3: 3, 4: 4, 5: 5, 6: 6}"
    assert pickle.loads(pickle.dumps(vocabulary)) == vocabulary


def test_uint64_ids_above_int64_are_out_of_vocabulary_not_negative():
    ids = np.array([5, 2**63, 2**64 - 1], dtype=np.uint64)
    tokenizer = TextTokenizer(max_features=10).fit([ids])
    np.testing.assert_array_equal(tokenizer.transform([ids]), [[5, 1, 1]])
    small = [np.array([5, 200], dtype=np.uint8), np.array([7], dtype=np.int16)]
    np.testing.assert_array_equal(tokenizer.transform(small), [[0, 5, 1], [0, 0, 7]])
