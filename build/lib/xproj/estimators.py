"""Estimators of the classifier by name, and their row-wise twins (a row's scores do not depend
on the other rows of the call, to the last bit)."""

from __future__ import annotations

import numpy as np
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC
from sklearn.utils.validation import check_is_fitted, validate_data


class _RowwiseDecision:
    """``decision_function`` computed one row at a time.

    A matrix product through BLAS rounds a row differently depending on how many rows are
    multiplied together (kernels and blocking change with the matrix shape: about 1e-7 in
    float32), so a review's probability would depend on the size of its batch. One small
    product per row (a stacked ``matmul``) gives every row the same arithmetic, whatever
    its neighbours, at the speed of one matrix product.
    """

    def decision_function(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=[np.float64, np.float32])
        scores = np.matmul(X[:, None, :], self.coef_.T.astype(X.dtype))[:, 0, :] + self.intercept_
        return scores.ravel() if scores.shape[1] == 1 else scores


class RowwiseLogisticRegression(_RowwiseDecision, LogisticRegression):
    """:class:`~sklearn.linear_model.LogisticRegression` whose scores of a row do not depend on
    the other rows of the call, to the last bit."""


class RowwiseLinearSVC(_RowwiseDecision, LinearSVC):
    """:class:`~sklearn.svm.LinearSVC` whose scores of a row do not depend on the other rows of
    the call, to the last bit."""


#: Probability calibration on labelled dev documents (the run's ``model.calibration``):
#: ``sigmoid`` (Platt) or ``isotonic`` as in :class:`~sklearn.calibration.CalibratedClassifierCV`;
#: both map each row's scores on their own, so calibrated rows stay batch independent.
CALIBRATIONS = ("none", "sigmoid", "isotonic")


#: Estimators by name (the config's ``model.estimator``): name -> factory(C, class_weight, seed).
ESTIMATORS = {
    "logreg": lambda C, class_weight, seed: RowwiseLogisticRegression(
        C=C, class_weight=class_weight, max_iter=2000, random_state=seed),
    "linear_svm": lambda C, class_weight, seed: RowwiseLinearSVC(
        C=C, class_weight=class_weight, random_state=seed),
}
_ROWWISE = {LogisticRegression: RowwiseLogisticRegression, LinearSVC: RowwiseLinearSVC}


def rowwise(estimator):
    """The row-wise twin of a plain ``LogisticRegression`` or ``LinearSVC`` (same parameters);
    any other estimator as it is (its scores may then differ in the last bits with the batch)."""
    twin = _ROWWISE.get(type(estimator))
    return twin(**estimator.get_params()) if twin else clone(estimator)


def make_estimator(name="logreg", *, C=1.0, class_weight="balanced", seed=0):
    """A scikit-learn classifier by name, one of :data:`ESTIMATORS`."""
    if name not in ESTIMATORS:
        raise ValueError(f"unknown estimator {name!r}; choose one of {', '.join(ESTIMATORS)}")
    return ESTIMATORS[name](C, class_weight, seed)
