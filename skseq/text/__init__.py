"""Language modelling: a recurrent language model of word sequences.

Importing this package does not import Keras: `RNNLanguageModel` imports it
on its first ``fit`` (or unpickling).
"""

from ._language_model import LANGUAGE_TOKEN_PATTERN, RNNLanguageModel

__all__ = ["LANGUAGE_TOKEN_PATTERN", "RNNLanguageModel"]
