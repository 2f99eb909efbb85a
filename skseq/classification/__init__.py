"""Text classification: a tokenizer and a recurrent sentiment classifier.

Importing this package does not import Keras: `SentimentRNNClassifier`
imports it on its first ``fit`` (or unpickling).
"""

from ._sentiment import SentimentRNNClassifier
from ._tokenizer import SENTIMENT_TOKEN_PATTERN, TextTokenizer, normalize_text

__all__ = [
    "SENTIMENT_TOKEN_PATTERN",
    "SentimentRNNClassifier",
    "TextTokenizer",
    "normalize_text",
]
