"""A recurrent language model trained by truncated BPTT, scored by perplexity.

Keras is imported only inside methods, so that ``skseq.text`` can export the
class without importing Keras.
"""

import itertools
import math
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, DensityMixin
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from .._keras._backend import import_keras, seeded
from .._keras._language import (
    build_language_network,
    predicting,
    stream_logits,
    train_language_network,
    zero_states,
)
from .._keras._saving import PicklesKerasModel
from .._param_validation import Interval, LayerSizes, StrOptions, fit_context
from .._param_validation import layer_sizes as _layer_sizes
from .._validation import check_random_seed
from ..classification._tokenizer import (
    TextTokenizer,
    _build_vocabulary,
    check_token_pattern,
)

__all__ = ["EOS", "LANGUAGE_TOKEN_PATTERN", "UNK", "RNNLanguageModel"]

#: The end-of-sentence token, id 0: appended to every document.
EOS = "<eos>"
#: The out-of-vocabulary token, id 1: every token outside the vocabulary.
UNK = "<unk>"
_SPECIAL = {EOS: 0, UNK: 1}

#: Default ``token_pattern`` of `RNNLanguageModel`: words, the clitics
#: ``n't``, ``'s``, ``'re``, ``'ve``, ``'d``, ``'ll`` and ``'m`` as tokens of
#: their own (as the Penn Treebank splits them), every punctuation character,
#: and the literal markers ``<unk>`` and ``<eos>``.
LANGUAGE_TOKEN_PATTERN = (
    r"(?u)<unk>|<eos>|\w+(?=n't\b)|n't\b|'(?:s|re|ve|d|ll|m)\b|\w+|[^\w\s]"
)

# Tokens scored per call of the network: one compiled shape for any text.
_CHUNK_LENGTH = 256
# Contexts of predict_proba read per call.
_CONTEXT_BATCH = 64

_POSITIVE_INT = [Interval(Integral, 1, None, closed="left")]


class RNNLanguageModel(DensityMixin, PicklesKerasModel, BaseEstimator):
    """Recurrent word-level language model: next-token probabilities of text.

    ``fit`` learns a vocabulary from the training documents, appends an
    end-of-sentence token ``<eos>`` to each, and concatenates them into one
    token stream.  The stream is cut into ``batch_size`` consecutive parts
    read in parallel, and the network ``Embedding -> Dropout -> (RNN ->
    Dropout) per layer -> softmax over the vocabulary`` is trained on
    segments of ``bptt_length`` steps by truncated backpropagation through
    time: each segment starts from the recurrent state the previous segment
    of the same part ended with, so the model reads context beyond one
    segment while gradients flow back ``bptt_length`` steps (Saito, *Deep
    Learning from Scratch 2*, chapters 5 and 6: ``TimeRNN(stateful=True)``).

    ``score`` is the mean log-likelihood per token (natural log, higher is
    better, scikit-learn's convention for density models), so
    `~sklearn.model_selection.GridSearchCV` maximises it;
    ``perplexity`` is ``exp(-score)``.

    Parameters
    ----------
    max_features : int or None, default=10000
        Number of token ids, ``<eos>`` (id 0) and ``<unk>`` (id 1) included,
        so the ``max_features - 2`` most frequent training tokens are kept
        (ties broken alphabetically); None keeps every token.  The Penn
        Treebank has 10,000.
    lowercase : bool, default=True
        Lowercase text before tokenising.
    token_pattern : str, default=LANGUAGE_TOKEN_PATTERN
        Regular expression of a token, as in ``CountVectorizer``.  The
        default keeps words, clitics such as ``n't`` and ``'s``, punctuation
        characters, and the literal markers ``<unk>`` and ``<eos>``, which
        map to their reserved ids.  For text that is already tokenised and
        separated by spaces, such as the Penn Treebank, use ``r"\\S+"``.
    cell : {"lstm", "gru", "simple"}, default="lstm"
        Recurrent layer type (``"simple"`` is Keras's ``SimpleRNN``, the
        book's first ``RNNLM``).
    units : int or tuple of int, default=200
        Units of each recurrent layer, input side first: ``(650, 650)`` is
        the book's improved two-layer model.
    embedding_dim : int, default=200
        Size of the token vectors.
    dropout : float, default=0.5
        Fraction of the embeddings and of each recurrent layer's outputs
        dropped in training.
    tie_weights : bool, default=True
        Use the embedding matrix, transposed, as the output layer (plus a
        bias per token): fewer parameters and better perplexity (Press and
        Wolf, 2017; Inan et al., 2017).  The output layer reads vectors of
        size ``embedding_dim``; when the last layer's ``units`` differ, a
        linear projection from ``units`` to ``embedding_dim`` is inserted.
    epochs : int, default=10
        Maximum passes over the token stream.
    batch_size : int, default=20
        Parallel parts of the token stream, each trained on in order.
    bptt_length : int, default=35
        Time steps per segment: gradients flow back at most this far.
    learning_rate : float, default=0.003
        Learning rate of Adam.
    global_clipnorm : float or None, default=0.25
        The gradients of all weights are scaled together so that their
        global norm is at most this (the book's ``clip_grads`` at 0.25, Keras'
        ``global_clipnorm``); None does not clip.
    carry_state : bool, default=True
        Start each segment from the final recurrent state of the previous
        one (computed without dropout), as the book's stateful ``TimeRNN``
        does.  False starts every segment from zeros, so the model never sees
        more than ``bptt_length`` tokens of context in training.
    early_stopping : bool, default=True
        Hold out the last ``validation_fraction`` of the token stream, stop
        when its loss has not improved for ``n_iter_no_change`` epochs, and
        keep the weights of the best epoch.
    validation_fraction : float, default=0.1
        Fraction of the token stream held out when ``early_stopping=True``.
    n_iter_no_change : int, default=2
        Epochs without improvement of the validation loss before stopping.
    random_state : int, RandomState instance or None, default=None
        Seed of the weight initialisation and dropout; an int makes two fits
        identical.
    verbose : int, default=0
        0 is silent; 1 shows a progress bar per epoch; 2 prints a line per
        epoch.

    Attributes
    ----------
    vocabulary_ : dict of str to int
        Token to id, ``"<eos>": 0`` and ``"<unk>": 1`` included.
    vocabulary_size_ : int
        Number of ids: the columns of ``predict_proba``.
    tokens_ : ndarray of str, shape (vocabulary_size_,)
        The token of each id.
    n_tokens_ : int
        Tokens of the training stream, one ``<eos>`` per document included.
    model_ : keras.Model
        The trained network: ``[token ids, *initial states] -> [logits,
        *final states]``.
    history_ : dict of str to list of float
        Per epoch: ``"loss"`` (mean training cross-entropy per token, in
        nats), ``"val_loss"`` with early stopping, and ``"seconds"`` (time
        of the epoch, validation included).
    loss_curve_ : list of float
        Training loss per epoch.
    n_iter_ : int
        Epochs run.

    See Also
    --------
    skseq.classification.TextTokenizer : The tokenisation it reuses.
    skseq.datasets.fetch_ptb : The Penn Treebank language-modelling text.

    Notes
    -----
    **The token stream.**  Every document ends with ``<eos>``, and the stream
    starts with one, so the first token of a document is predicted from the
    previous documents and an ``<eos>``.  Scoring (``score``,
    ``perplexity``) reads its documents the same way, as one stream from a
    zero state, and counts every token after the leading ``<eos>``: the
    words and one ``<eos>`` per document.  ``predict_proba`` and
    ``generate`` read each context from a zero state after an ``<eos>``, so
    ``""`` gives the distribution of a document's first token.

    **Unseen tokens** in any method are mapped to ``<unk>``, and their
    probability is that of ``<unk>``: a perplexity is only comparable with
    another model's over the same vocabulary.

    **How much text is needed.**  The stream of ``N`` tokens gives ``N - 1``
    predictions, split into ``batch_size`` parts of at least ``bptt_length``
    steps, so ``fit`` needs ``N - 1 >= batch_size * bptt_length`` (701 tokens
    with the defaults), counted on the part left for training when
    ``early_stopping`` holds out ``validation_fraction``.  Up to
    ``bptt_length`` trailing steps of each part are not trained on.

    ``n_features_in_`` is not set: documents have no columns.

    Examples
    --------
    >>> from skseq.text import RNNLanguageModel
    >>> texts = ["the cat sat on the mat", "the dog sat on the log"] * 30
    >>> lm = RNNLanguageModel(units=8, embedding_dim=8, batch_size=4,
    ...                       bptt_length=5, epochs=2, random_state=0)
    >>> lm.fit(texts).vocabulary_size_
    9
    >>> lm.predict_proba(["the cat"]).shape
    (1, 9)
    >>> bool(lm.perplexity(texts) > 1)
    True
    """

    _parameter_constraints = {
        "max_features": [Interval(Integral, 3, None, closed="left"), None],
        "lowercase": ["boolean"],
        "token_pattern": [str],
        "cell": [StrOptions({"simple", "lstm", "gru"})],
        "units": [LayerSizes()],
        "embedding_dim": _POSITIVE_INT,
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "tie_weights": ["boolean"],
        "epochs": _POSITIVE_INT,
        "batch_size": _POSITIVE_INT,
        "bptt_length": _POSITIVE_INT,
        "learning_rate": [Interval(Real, 0, None, closed="neither")],
        "global_clipnorm": [Interval(Real, 0, None, closed="neither"), None],
        "carry_state": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": _POSITIVE_INT,
        "random_state": ["random_state"],
        "verbose": ["verbose"],
    }

    def __init__(
        self,
        *,
        max_features=10000,
        lowercase=True,
        token_pattern=LANGUAGE_TOKEN_PATTERN,
        cell="lstm",
        units=200,
        embedding_dim=200,
        dropout=0.5,
        tie_weights=True,
        epochs=10,
        batch_size=20,
        bptt_length=35,
        learning_rate=0.003,
        global_clipnorm=0.25,
        carry_state=True,
        early_stopping=True,
        validation_fraction=0.1,
        n_iter_no_change=2,
        random_state=None,
        verbose=0,
    ):
        self.max_features = max_features
        self.lowercase = lowercase
        self.token_pattern = token_pattern
        self.cell = cell
        self.units = units
        self.embedding_dim = embedding_dim
        self.dropout = dropout
        self.tie_weights = tie_weights
        self.epochs = epochs
        self.batch_size = batch_size
        self.bptt_length = bptt_length
        self.learning_rate = learning_rate
        self.global_clipnorm = global_clipnorm
        self.carry_state = carry_state
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.random_state = random_state
        self.verbose = verbose

    @fit_context
    def fit(self, X, y=None):
        """Learn the vocabulary and train the network on the token stream.

        Parameters
        ----------
        X : iterable of str
            Training documents (list, ndarray, pandas Series), e.g. sentences
            or the lines of a corpus.
        y : None
            Ignored.

        Returns
        -------
        self : RNNLanguageModel
        """
        check_token_pattern(self, self.token_pattern)
        docs = _documents(X, "X", allow_empty=False)
        tokens, lengths = self._tokenize(docs)
        self._learn_vocabulary(tokens, len(docs))
        stream = _stream(self._lookup(tokens), lengths)
        train, validation = self._split(stream)
        streams = self._parallel_streams(train)
        keras = import_keras()
        with seeded(keras, check_random_seed(self.random_state)):
            model = build_language_network(
                keras,
                vocabulary_size=self.vocabulary_size_,
                embedding_dim=self.embedding_dim,
                units=_layer_sizes(self.units),
                cell=self.cell,
                dropout=float(self.dropout),
                tie_weights=bool(self.tie_weights),
            )
            history = train_language_network(
                keras,
                model,
                streams,
                optimizer=self._optimizer(keras),
                epochs=self.epochs,
                bptt_length=self.bptt_length,
                carry_state=bool(self.carry_state),
                validate=(
                    None
                    if validation is None
                    else lambda: (
                        -_log_likelihood(model, validation) / (len(validation) - 1)
                    )
                ),
                n_iter_no_change=self.n_iter_no_change,
                verbose=self.verbose,
            )
        _check_finite(self, history["loss"])
        self.model_ = model
        self.n_tokens_ = len(stream)
        self.history_ = history
        self.loss_curve_ = list(history["loss"])
        self.n_iter_ = len(self.loss_curve_)
        return self

    def score(self, X, y=None):
        """Mean log-likelihood per token of documents, in nats (higher is better).

        The documents are read as one stream, each followed by ``<eos>``
        (see Notes of the class); every token after the leading ``<eos>`` is
        counted.

        Parameters
        ----------
        X : iterable of str
            Documents; unseen tokens count as ``<unk>``.
        y : None
            Ignored.

        Returns
        -------
        score : float
            ``mean(log p(token | everything before it))``.
        """
        check_is_fitted(self)
        docs = _documents(X, "X", allow_empty=False)
        tokens, lengths = self._tokenize(docs)
        stream = _stream(self._lookup(tokens), lengths)
        with predicting(import_keras(), self.model_) as model:
            return _log_likelihood(model, stream) / (len(stream) - 1)

    def perplexity(self, X):
        """Perplexity of documents: ``exp(-score(X))``, lower is better.

        Parameters
        ----------
        X : iterable of str
            Documents, read as in ``score``.

        Returns
        -------
        perplexity : float
        """
        return math.exp(-self.score(X))

    def predict_proba(self, X):
        """Distribution of the next token after each context.

        Parameters
        ----------
        X : iterable of str
            Contexts, each read from a zero state after an ``<eos>``; ``""``
            gives the distribution of a document's first token.

        Returns
        -------
        proba : ndarray of shape (n_contexts, vocabulary_size_)
            Rows sum to 1; column ``j`` is the token ``tokens_[j]``.
        """
        check_is_fitted(self)
        contexts = self._contexts(X)
        with predicting(import_keras(), self.model_):
            rows = [
                _softmax(self._last_logits(contexts[start : start + _CONTEXT_BATCH]))
                for start in range(0, len(contexts), _CONTEXT_BATCH)
            ]
        return np.concatenate(rows) if rows else np.zeros((0, self.vocabulary_size_))

    def predict(self, X):
        """Most probable next token after each context.

        Parameters
        ----------
        X : iterable of str
            Contexts, as in ``predict_proba``.

        Returns
        -------
        tokens : ndarray of str, shape (n_contexts,)
        """
        return self.tokens_[np.argmax(self.predict_proba(X), axis=1)]

    def generate(self, prompt="", n_tokens=20, *, temperature=1.0, random_state=None):
        """Sample a continuation of ``prompt``, one token at a time.

        ``<unk>`` is never drawn (its probability is shared out among the
        other tokens, as the book's ``generate`` skips it); ``<eos>`` is
        written as a line break.

        Parameters
        ----------
        prompt : str, default=""
            Text to continue, read from a zero state after an ``<eos>``.
        n_tokens : int, default=20
            Tokens to generate.
        temperature : float, default=1.0
            Divides the logits before sampling: below 1 the likely tokens
            become likelier, above 1 the draw is closer to uniform; 0 takes
            the most probable token every time.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws; an int gives the same text every time.

        Returns
        -------
        text : str
            The generated tokens (the prompt excluded), separated by spaces.
        """
        check_is_fitted(self)
        if not isinstance(prompt, str):
            raise TypeError(
                f"`prompt` must be a str, got {type(prompt).__name__} ({prompt!r:.40})."
            )
        _check_generate_arguments(n_tokens, temperature)
        rng = check_random_state(random_state)
        ids = self._contexts([prompt])[0]
        generated = []
        with predicting(import_keras(), self.model_):
            logits, *states = self._predict(
                [ids[np.newaxis]], zero_states(self.model_, 1)
            )
            for _ in range(n_tokens):
                token = _draw(logits[0, -1], temperature, rng)
                generated.append(token)
                logits, *states = self._predict(
                    [np.array([[token]], dtype="int32")], states
                )
        return _detokenize(self.tokens_[generated])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.non_deterministic = not isinstance(self.random_state, Integral)
        return tags

    # -- helpers -----------------------------------------------------------------
    def _tokenize(self, docs):
        tokenizer = TextTokenizer(
            lowercase=self.lowercase, token_pattern=self.token_pattern
        )
        return tokenizer._tokenize(docs)

    def _learn_vocabulary(self, tokens, n_documents):
        words = [token for token in tokens if token not in _SPECIAL]
        if not words:
            raise ValueError(
                f"All {n_documents} documents of `X` are empty after tokenising "
                f"with token_pattern={self.token_pattern!r}: there is no word to "
                "learn a vocabulary from."
            )
        self.vocabulary_ = {**_SPECIAL, **_build_vocabulary(words, self.max_features)}
        self.vocabulary_size_ = len(self.vocabulary_)
        self.tokens_ = np.array(list(self.vocabulary_), dtype=object)

    def _lookup(self, tokens):
        ids = map(self.vocabulary_.get, tokens, itertools.repeat(_SPECIAL[UNK]))
        return np.fromiter(ids, dtype=np.int32, count=len(tokens))

    def _contexts(self, X):
        """Each context as ``<eos>`` followed by its token ids."""
        docs = _documents(X, "X", allow_empty=True)
        tokens, lengths = self._tokenize(docs)
        ids = self._lookup(tokens)
        starts = np.concatenate([[0], np.cumsum(lengths)])
        return [
            np.concatenate([[_SPECIAL[EOS]], ids[start:stop]]).astype(np.int32)
            for start, stop in itertools.pairwise(starts)
        ]

    def _last_logits(self, contexts):
        """Logits after the last token of each context (padded at the end)."""
        lengths = np.array([len(ids) for ids in contexts])
        width = 1 << int(lengths.max() - 1).bit_length()
        padded = np.zeros((_CONTEXT_BATCH, width), dtype=np.int32)
        for row, ids in enumerate(contexts):
            padded[row, : len(ids)] = ids
        logits = self._predict([padded], zero_states(self.model_, _CONTEXT_BATCH))[0]
        return logits[np.arange(len(contexts)), lengths - 1]

    def _predict(self, inputs, states):
        outputs = self.model_.predict_on_batch([*inputs, *states])
        return [np.asarray(output) for output in outputs]

    def _split(self, stream):
        """Training and validation streams (validation: the last part)."""
        needed = self.batch_size * self.bptt_length
        n_predicted = len(stream) - 1
        n_validation = 0
        if self.early_stopping:
            n_validation = max(1, int(round(self.validation_fraction * n_predicted)))
        if n_predicted - n_validation < needed:
            held_out = (
                f", of which early_stopping holds out {n_validation} for validation"
                if n_validation
                else ""
            )
            raise ValueError(
                f"`X` is too short: its token stream gives {n_predicted} "
                f"predictions (its {len(stream)} tokens, one <eos> per document "
                f"included, less one){held_out}, but batch_size="
                f"{self.batch_size} parallel parts of bptt_length="
                f"{self.bptt_length} steps need at least {needed} for training. "
                "Give more text, or lower batch_size or bptt_length."
            )
        if not n_validation:
            return stream, None
        split = n_predicted - n_validation
        return stream[: split + 1], stream[split:]

    def _parallel_streams(self, stream):
        """``batch_size`` consecutive parts, each one step longer than it reads."""
        steps = (len(stream) - 1) // self.batch_size
        starts = np.arange(self.batch_size)[:, np.newaxis] * steps
        return stream[starts + np.arange(steps + 1)]

    def _optimizer(self, keras):
        clip = None if self.global_clipnorm is None else float(self.global_clipnorm)
        return keras.optimizers.Adam(
            learning_rate=float(self.learning_rate), global_clipnorm=clip
        )


def _documents(X, name, *, allow_empty):
    """``X`` as a list of str, or a TypeError/ValueError naming what is wrong."""
    if isinstance(X, str | bytes):
        raise TypeError(
            f"`{name}` must be an iterable of str documents, got a single "
            f"{type(X).__name__} ({X!r:.40}); wrap it in a list: [text]."
        )
    if X is None or hasattr(X, "tocsr") or getattr(X, "ndim", 1) > 1:
        raise TypeError(
            f"`{name}` must be an iterable of str documents, got "
            f"{type(X).__name__}{'' if X is None else f' of shape {np.shape(X)}'}."
        )
    try:
        docs = list(X)
    except TypeError:
        raise TypeError(
            f"`{name}` must be an iterable of str documents, got "
            f"{type(X).__name__} ({X!r:.40})."
        ) from None
    for index, doc in enumerate(docs):
        if not isinstance(doc, str):
            raise TypeError(
                f"`{name}[{index}]` is {type(doc).__name__} ({doc!r:.40}), but "
                "every document must be a str. Replace missing documents, "
                "e.g. by ''."
            )
    if not docs and not allow_empty:
        raise ValueError(f"`{name}` is empty: it needs at least one document.")
    return docs


def _stream(ids, lengths):
    """``<eos>``, then every document's ids each followed by ``<eos>``."""
    ends = np.cumsum(lengths)
    stream = np.insert(ids, ends, _SPECIAL[EOS])
    return np.concatenate([[_SPECIAL[EOS]], stream]).astype(np.int32)


def _log_softmax(logits):
    logits = np.asarray(logits, dtype=np.float64)
    shifted = logits - logits.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def _softmax(logits):
    return np.exp(_log_softmax(logits))


def _log_likelihood(model, stream):
    """Sum of ``log p(stream[t + 1] | stream[: t + 1])`` over the stream."""
    total = 0.0
    for start, logits in stream_logits(model, stream[:-1], chunk_length=_CHUNK_LENGTH):
        targets = stream[start + 1 : start + 1 + len(logits)]
        log_proba = _log_softmax(logits)
        total += float(log_proba[np.arange(len(targets)), targets].sum())
    return total


def _draw(logits, temperature, rng):
    logits = np.asarray(logits, dtype=np.float64).copy()
    logits[_SPECIAL[UNK]] = -np.inf
    if temperature == 0:
        return int(np.argmax(logits))
    proba = _softmax(logits / temperature)
    return int(rng.choice(len(proba), p=proba / proba.sum()))


def _detokenize(tokens):
    lines = " ".join(tokens).split(EOS)
    return "\n".join(line.strip() for line in lines)


def _check_generate_arguments(n_tokens, temperature):
    if not isinstance(n_tokens, Integral) or isinstance(n_tokens, bool) or n_tokens < 0:
        raise ValueError(f"`n_tokens` must be an int >= 0, got {n_tokens!r}.")
    if (
        not isinstance(temperature, Real)
        or isinstance(temperature, bool)
        or not math.isfinite(temperature)
        or temperature < 0
    ):
        raise ValueError(
            "`temperature` must be a finite number >= 0 (0 takes the most "
            f"probable token), got {temperature!r}."
        )


def _check_finite(model, losses):
    bad = [epoch for epoch, loss in enumerate(losses, 1) if not np.isfinite(loss)]
    if bad:
        raise ValueError(
            f"{type(model).__name__} diverged: the training loss became "
            f"{losses[bad[0] - 1]} in epoch {bad[0]}. Lower `learning_rate`, or "
            "set `global_clipnorm`."
        )
