"""A custom Keras layer at module level, as a user's own package would hold it."""

from skseq._keras import import_keras

keras = import_keras()


class Scale(keras.layers.Layer):
    """Multiply the inputs by a constant (not registered with Keras)."""

    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}
