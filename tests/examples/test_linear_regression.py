"""examples/linear_regression.py recovers the line it was given."""

from tests.examples._load import load_example


def test_linear_regression_recovers_the_line(capsys):
    weight, bias = load_example("linear_regression").main()
    # 256 samples with noise of standard deviation 0.1: the fit is within a few hundredths.
    assert abs(weight - 2.0) < 0.05 and abs(bias - 1.0) < 0.05
    assert "learned weight" in capsys.readouterr().out
