"""A fitted Keras model as plain picklable data, and back.

Pickling a live Keras model is not supported by every backend, and a model
pickled as a whole would tie the file to Keras internals.  A fitted network
is stored as its JSON architecture, its weights as NumPy arrays and, when it
was compiled, its compile configuration and optimizer state, so that a
restored estimator predicts identically and can continue training
(``warm_start=True``).

Custom Keras objects (a layer of your own in a forecaster's network) are
recorded by module and name, and imported again when the model is restored,
so they need not be registered with Keras; they must be importable, that is
defined at the top level of a module.
"""

import importlib
import pickle

import numpy as np

from ._backend import import_keras, quiet_keras_numpy_deprecation
from ._layers import custom_objects

__all__ = ["PicklesKerasModel", "SavedModel", "variable_values"]


def variable_values(variables):
    """NumPy copies of Keras variables (``model.get_weights()`` order).

    Reads each variable's backend value: ``Variable.numpy()``, which
    ``get_weights`` uses, triggers a NumPy 2 deprecation warning in Keras.
    """
    return [np.array(variable.value) for variable in variables]


class SavedModel:
    """Architecture, weights and optimizer state of a Keras model.

    Parameters
    ----------
    architecture : str
        ``model.to_json()``.
    weights : list of ndarray
        ``model.get_weights()``.
    compile_config : dict or None
        ``model.get_compile_config()`` of a compiled model.
    optimizer_state : list of ndarray or None
        Values of the optimizer's variables once it has been built.
    custom_classes : dict of str to (str, str) or None
        Name in the architecture of each custom object, to its module and
        attribute name.
    """

    def __init__(
        self,
        architecture,
        weights,
        compile_config=None,
        optimizer_state=None,
        custom_classes=None,
    ):
        self.architecture = architecture
        self.weights = weights
        self.compile_config = compile_config
        self.optimizer_state = optimizer_state
        self.custom_classes = custom_classes

    @classmethod
    def capture(cls, model):
        """Record ``model``."""
        with quiet_keras_numpy_deprecation():
            compile_config = model.get_compile_config() or None
            architecture = model.to_json()
        optimizer_state = None
        optimizer = getattr(model, "optimizer", None)
        if compile_config is not None and optimizer is not None and optimizer.built:
            optimizer_state = variable_values(optimizer.variables)
        return cls(
            architecture,
            variable_values(model.weights),
            compile_config,
            optimizer_state,
            _custom_classes(model),
        )

    def restore(self):
        """A new Keras model equal to the recorded one."""
        keras = import_keras()
        objects = custom_objects()
        for name, (module, attribute) in (self.custom_classes or {}).items():
            objects.setdefault(name, _import_class(module, attribute))
        model = keras.models.model_from_json(self.architecture, custom_objects=objects)
        model.set_weights(self.weights)
        if self.compile_config is not None:
            model.compile_from_config(self.compile_config)
            self._restore_optimizer(model)
        return model

    def _restore_optimizer(self, model):
        optimizer = model.optimizer
        if self.optimizer_state is None:
            return
        if not optimizer.built:
            optimizer.build(model.trainable_variables)
        variables = optimizer.variables
        if len(variables) != len(self.optimizer_state):
            # A different Keras release lays the state out differently;
            # training then continues with a fresh optimizer.
            return
        for variable, value in zip(variables, self.optimizer_state):
            variable.assign(value)


class PicklesKerasModel:
    """Mixin: an estimator's fitted network ``model_`` pickles as a `SavedModel`.

    Put it before `sklearn.base.BaseEstimator` among the bases, whose own
    pickling it extends.
    """

    def __getstate__(self):
        state = dict(super().__getstate__())
        if state.get("model_") is not None:
            state["model_"] = SavedModel.capture(state["model_"])
        return state

    def __setstate__(self, state):
        if isinstance(state.get("model_"), SavedModel):
            state = dict(state, model_=state["model_"].restore())
        super().__setstate__(state)


def _custom_classes(model):
    """Custom layer classes of ``model``: registered name to (module, name).

    Keras's own layers and skseq's (defined by `custom_objects`) are left
    out.  A class that could not be imported again (one defined inside a
    function) is refused now, rather than when the estimator is loaded.
    """
    keras = import_keras()
    found = {}
    for layer in model._flatten_layers(include_self=False, recursive=True):
        cls = type(layer)
        if cls.__module__.startswith(("keras.", "skseq.")):
            continue
        if "<locals>" in cls.__qualname__:
            raise pickle.PicklingError(
                f"The network uses the custom Keras layer {cls.__qualname__!r}, "
                "defined inside a function: a fitted skseq estimator stores "
                "custom layers by module and name, so they must be defined at "
                "the top level of a module."
            )
        found[keras.saving.get_registered_name(cls)] = (
            cls.__module__,
            cls.__qualname__,
        )
    return found


def _import_class(module, attribute):
    """The class ``attribute`` of ``module``; explain when it cannot be found."""
    try:
        return getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError):
        raise ImportError(
            f"The network uses the custom Keras object {attribute!r} of module "
            f"{module!r}, which cannot be imported from there: a fitted skseq "
            "estimator stores custom objects by module and name. Define the "
            "class at the top level of an importable module."
        ) from None
