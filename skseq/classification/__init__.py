"""Text classification: a tokenizer and a recurrent sentiment classifier."""

from ._tokenizer import TextTokenizer

__all__ = ["TextTokenizer"]
