"""A sample of 1,000 tweets rated for sentiment (Hutto & Gilbert, 2014), shipped."""

from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

__all__ = ["load_vader_tweets"]

_FILE = "vader_tweets_sample.csv.gz"
TARGET_NAMES = ("neg", "pos")

DESCR = """\
VADER tweets (a sample of 1,000)
--------------------------------
1,000 tweets drawn at random from the 4,200 of the VADER sentiment ground
truth, each rated by about 20 people from -4 (extremely negative) to 4
(extremely positive); the label is the sign of the mean rating.  User
mentions and URLs were anonymised by the authors (``@anonymous``,
``http://url_removed``).  694 are positive, 306 negative.

Hutto, C. J. and Gilbert, E. E. (2014). VADER: A Parsimonious Rule-based
Model for Sentiment Analysis of Social Media Text. Eighth International
Conference on Weblogs and Social Media (ICWSM-14), Ann Arbor, MI.
MIT licence, Copyright (c) 2016 C.J. Hutto.
"""


def load_vader_tweets(*, return_X_y=False):
    """Load 1,000 tweets labelled positive or negative, shipped with skseq.

    A small text set of another domain than the movie reviews, to check how
    a sentiment classifier trained on reviews does on social-media text:
    short, informal, with hashtags, emoticons and elongated words.  The
    tweets are a seeded random sample of the tweet ground truth of the VADER
    sentiment study (Hutto & Gilbert, ICWSM 2014, MIT licence, from the
    ``vaderSentiment`` 3.3.2 source distribution on PyPI): every tweet was
    rated by about 20 people on a scale from -4 to 4, and its label is the
    sign of the mean rating.  The 4 tweets whose mean is exactly 0 were
    dropped before sampling; ``skseq/datasets/data/README.md`` says how the
    sample was drawn.

    Parameters
    ----------
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    dataset : Bunch
        ``data`` (list of 1,000 str), ``target`` (ndarray of int64: 0 =
        negative, 1 = positive; 694 positive), ``target_names`` (``["neg",
        "pos"]``), ``score`` (ndarray of float64: the mean rating, in
        ``[-4, 4]``, never 0), ``ids`` (the tweet's id in the source file)
        and ``DESCR``.
    (data, target) : tuple
        With ``return_X_y=True``.

    See Also
    --------
    fetch_imdb : 50,000 long movie reviews (downloaded).

    Examples
    --------
    >>> from skseq.datasets import load_vader_tweets
    >>> tweets = load_vader_tweets()
    >>> len(tweets.data), tweets.target_names, tweets.target.mean()
    (1000, ['neg', 'pos'], np.float64(0.694))
    >>> tweets.data[3], tweets.target[3], tweets.score[3].round(2)
    ('I love this feeling. :D', np.int64(1), np.float64(1.99))
    """
    source = resources.files(__package__).joinpath("data", _FILE)
    with source.open("rb") as file:
        frame = pd.read_csv(
            file, compression="gzip", keep_default_na=False, dtype={"text": str}
        )
    data = frame["text"].tolist()
    target = (frame["label"].to_numpy() == "pos").astype(np.int64)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        target_names=list(TARGET_NAMES),
        score=frame["score"].to_numpy(dtype=np.float64),
        ids=frame["id"].to_numpy(dtype=np.int64),
        DESCR=DESCR,
    )
