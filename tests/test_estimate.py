"""The time a scan has left: measured, not guessed."""

from __future__ import annotations

import pytest

from photocheck.gui.estimate import Estimate


def test_no_estimate_until_the_scan_has_warmed_up() -> None:
    est = Estimate()
    assert est.update(0.0, 0, 1000) is None
    assert est.update(1.0, 50, 1000) is None  # too early: workers were still starting
    assert est.update(2.5, 200, 1000) is None


def test_the_estimate_follows_the_recent_speed() -> None:
    est = Estimate()
    # slow start (2 photos/s for 10 s), then 10 photos/s
    for t in range(0, 11):
        est.update(float(t), 2 * t, 1000)
    for t in range(11, 40):
        left = est.update(float(t), 20 + 10 * (t - 10), 1000)
    assert left == pytest.approx((1000 - 310) / 10, rel=0.05)


def test_the_estimate_of_a_slow_first_stretch_is_not_the_answer_at_seven_percent() -> None:
    # the case a user saw: "about 1 min 55 s left" at 7% when 10 s remained; workers
    # start slowly, then the rest goes fast
    est = Estimate()
    est.update(0.0, 0, 100)
    est.update(4.0, 7, 100)  # 7% after 4 s of start-up
    left = None
    for t, done in ((5.0, 20), (6.0, 33), (7.0, 46)):
        left = est.update(t, done, 100)
    assert left is not None and left < 10
