"""sktime's evaluate scores skseq's quantiles and intervals."""

import numpy as np
import pandas as pd
import pytest

from skseq.forecasting import ConformalForecaster, LinearWindowRegressor

pytest.importorskip("sktime")

from sktime.forecasting.model_evaluation import evaluate  # noqa: E402
from sktime.performance_metrics.forecasting.probabilistic import (  # noqa: E402
    EmpiricalCoverage,
    PinballLoss,
)
from sktime.split import ExpandingWindowSplitter  # noqa: E402

from skseq.sktime import SkseqForecaster  # noqa: E402


def test_evaluate_scores_pinball_loss_and_coverage_of_each_split():
    rng = np.random.default_rng(0)
    y = pd.Series(np.sin(np.arange(240) / 5) + 0.3 * rng.standard_normal(240))
    forecaster = SkseqForecaster(
        ConformalForecaster(LinearWindowRegressor(alpha=1.0)), window_length=10
    )
    cv = ExpandingWindowSplitter(fh=[1, 2, 3], initial_window=200, step_length=10)
    results = evaluate(
        forecaster,
        cv=cv,
        y=y,
        scoring=[PinballLoss(alpha=[0.1, 0.9]), EmpiricalCoverage(coverage=0.8)],
        return_data=True,
    )
    assert len(results) == cv.get_n_splits(y)
    for _, split in results.iterrows():
        fitted = forecaster.clone().fit(split["y_train"], fh=[1, 2, 3])
        truth = split["y_test"].to_numpy()
        quantiles = fitted.predict_quantiles(alpha=[0.1, 0.9]).to_numpy()
        error = truth[:, np.newaxis] - quantiles
        levels = np.array([0.1, 0.9])
        pinball = np.maximum(levels * error, (levels - 1) * error).mean()
        lower, upper = quantiles[:, 0], quantiles[:, 1]
        coverage = np.mean((lower <= truth) & (truth <= upper))
        assert split["test_PinballLoss"] == pytest.approx(pinball)
        assert split["test_EmpiricalCoverage"] == pytest.approx(coverage)
