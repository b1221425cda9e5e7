"""The answer key of ar: test_r2, the test R^2 of the variant's AR model on NYSE, with the reference's
functions."""

from __future__ import annotations

from functools import cache


@cache
def nyse():
    from reference.ar import load_nyse

    return load_nyse()


@cache
def ar_test_r2(L: int, features: tuple[str, ...], day_of_week: bool) -> float:
    """The test R^2 of an AR variant, with the reference's functions."""
    from reference.ar import ar_design_matrix, fit_ols, r_squared
    from reference.nyse_variant import nyse_variant_data

    X_tr, y_tr, X_te, y_te = nyse_variant_data(nyse(), L, list(features), day_of_week, ar_design_matrix)
    return r_squared(y_te, X_te @ fit_ols(X_tr, y_tr))


def key(variant: dict) -> dict[str, object]:
    return {"test_r2": ar_test_r2(variant["L"], tuple(variant["features"]), bool(variant["day_of_week"]))}
