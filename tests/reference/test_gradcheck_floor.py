"""rel_error's floor: rounding noise on entries far below the gradient's scale passes; a real error fails."""

import numpy as np

from reference.gradcheck import rel_error


def test_floor_forgives_noise_on_tiny_entries_only():
    good = np.array([1.9, -0.7, 3e-5])
    noisy = good + np.array([1e-11, -2e-11, 1.3e-10])
    assert rel_error(good, noisy) > 1e-6  # CS231n's measure: the tiny entry looks wrong
    assert rel_error(good, noisy, floor=1e-3) < 1e-6  # the self-check's tolerance
    wrong_tiny = good * np.array([1.0, 1.0, 0.0])  # a missing term on a small entry
    assert rel_error(good, wrong_tiny, floor=1e-3) > 1e-6
    wrong_big = good * np.array([1.0, 1.01, 1.0])
    assert rel_error(good, wrong_big, floor=1e-3) > 1e-3
