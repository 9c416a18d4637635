"""The state checks of large tissues, run on the kernel's column ranges side by side
(sim.numerics with sim.kinetics.compiled), against the one-pass numpy checks: the same
clipped state to the bit, the same errors, on any thread count."""

from __future__ import annotations

import numpy as np
import pytest

from sim import numerics
from sim.kinetics import compiled

pytestmark = pytest.mark.skipif(not compiled.available(), reason="numba not importable")
N = 5000  # above COMPILED_CHECK_MIN_CELLS: the checks run on column ranges


def _state(seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    y = rng.uniform(0.0, 1.0, (31, N))
    y[3, 17], y[5, 4000], y[7, 2500] = -0.0, 0.0, -1e-12  # zero signs, round-off negative
    y[9, :] = rng.uniform(-1e-12, 1e-12, N)
    return y


def _numpy_checks(monkeypatch, y: np.ndarray, fn, *args):  # noqa: ANN001, ANN202
    with monkeypatch.context() as m:
        m.setenv("SIM_KERNEL", "numpy")
        assert numerics._compiled_checks(y) is None
        return fn(y, *args)


@pytest.mark.parametrize("threads", ["1", "2", "3"])
def test_clipped_state_is_numpys_to_the_bit(monkeypatch, threads: str) -> None:
    monkeypatch.setenv("SIM_THREADS", threads)
    for seed in range(3):
        a, b = _state(seed), _state(seed)
        assert numerics._compiled_checks(a) is compiled
        numerics.check_state(a, "muscle", 1.0)
        _numpy_checks(monkeypatch, b, numerics.check_state, "muscle", 1.0)
        assert a.tobytes() == b.tobytes()
        assert not np.signbit(a[a == 0.0]).any()  # -0.0 became 0.0, as np.maximum does


@pytest.mark.parametrize("threads", ["1", "2"])
@pytest.mark.parametrize(
    ("where", "value", "message"),
    [
        ((4, 4321), np.nan, ("cell 4321, species 4:", "is not finite")),
        ((30, 1), np.inf, ("cell 1, species 30:", "is not finite")),
        ((2, 4999), -1e-3, ("cell 4999, species 2:", "is negative")),
    ],
)
def test_bad_states_raise_the_same_error(monkeypatch, threads, where, value, message) -> None:
    monkeypatch.setenv("SIM_THREADS", threads)
    errors = []
    for use_numpy in (False, True):
        y = _state(1)
        y[where] = value
        with pytest.raises(numerics.NumericalError) as err:
            if use_numpy:
                _numpy_checks(monkeypatch, y, numerics.check_state, "muscle", 2.0)
            else:
                numerics.check_state(y, "muscle", 2.0)
        errors.append(str(err.value))
        assert y[9].min() < 0.0  # a state that fails is not clipped
    assert errors[0] == errors[1] and all(part in errors[0] for part in message)


@pytest.mark.parametrize("threads", ["1", "2"])
def test_fraction_check_finds_the_same_overshoot(monkeypatch, threads: str) -> None:
    monkeypatch.setenv("SIM_THREADS", threads)
    rows = [0, 6, 12]
    y = _state(2)
    assert np.array_equal(compiled.rows_max(y, rows), y[rows].max(axis=1))
    numerics.check_fractions(y, rows, "liver", 3.0)  # all <= 1: passes
    y[12, 3333] = 1.5
    errors = []
    for use_numpy in (False, True):
        with pytest.raises(numerics.NumericalError) as err:
            if use_numpy:
                _numpy_checks(monkeypatch, y, numerics.check_fractions, rows, "liver", 3.0)
            else:
                numerics.check_fractions(y, rows, "liver", 3.0)
        errors.append(str(err.value))
    assert errors[0] == errors[1] and "cell 3333, species 12: value 1.5 exceeds 1" in errors[0]
