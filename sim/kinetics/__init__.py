"""Rate laws: pure functions of (state, inputs, parameters) over arrays."""
