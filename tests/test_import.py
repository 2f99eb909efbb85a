import subprocess
import sys


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

    for name in skseq.__all__:
        assert getattr(skseq, name) is not None
