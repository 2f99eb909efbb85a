import numpy as np

from skseq.datasets import load_vader_tweets


def test_shape_labels_and_scores_agree():
    tweets = load_vader_tweets()
    assert len(tweets.data) == 1000
    assert all(isinstance(text, str) and text for text in tweets.data)
    assert tweets.target.dtype == np.int64
    assert tweets.target_names == ["neg", "pos"]
    assert tweets.target.sum() == 694
    assert tweets.score.dtype == np.float64
    assert (tweets.score != 0).all()
    assert (np.abs(tweets.score) <= 4).all()
    np.testing.assert_array_equal(tweets.target, tweets.score > 0)
    assert np.all(np.diff(tweets.ids) > 0)
    assert tweets.ids.min() >= 1
    assert tweets.ids.max() <= 4200
    assert "Hutto" in tweets.DESCR


def test_texts_are_kept_as_in_the_source():
    tweets = load_vader_tweets()
    assert tweets.data[0] == "Yay. Another good phone interview."
    assert tweets.ids[0] == 2
    # Anonymised mentions and URLs, and HTML entities, as the source has them.
    text = " ".join(tweets.data)
    assert "@anonymous" in text
    assert "http://url_removed" in text
    assert "&amp;" in text


def test_return_X_y():
    data, target = load_vader_tweets(return_X_y=True)
    bunch = load_vader_tweets()
    assert data == bunch.data
    np.testing.assert_array_equal(target, bunch.target)
