import subprocess
import sys
import types


def test_import_skseq_and_baselines_does_not_import_keras():
    code = (
        "import sys, skseq, skseq.forecasting, skseq.preprocessing, skseq.datasets\n"
        "from skseq.forecasting import NaiveForecaster, LinearWindowRegressor\n"
        "assert 'keras' not in sys.modules, 'keras was imported'\n"
        "assert 'jax' not in sys.modules, 'jax was imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_public_names_are_exported():
    import skseq

    public = {
        name
        for name, value in vars(skseq).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    # Every public name is listed in __all__, and every listed name is skseq's.
    assert set(skseq.__all__) == public
    for name in skseq.__all__:
        assert getattr(skseq, name).__module__.startswith("skseq.")
