"""Efficiency gain (source 3.1.2), step tables, and the demo's injected gains."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pdcakit import data
from pdcakit.stages import efficiency
from pdcakit.stages.windows import Windows

ROOT = Path(__file__).resolve().parents[1]
STEPS = ROOT / "data" / "demo" / "process_steps.csv"


class TestTimeGain:
    def test_gain_is_one_minus_ratio_of_means(self):
        # before mean 11, after mean 8.6: gain = (11 - 8.6) / 11 = 0.21818...
        g = efficiency.time_gain([10.0, 12, 9, 11, 13] * 20, [8.0, 9, 7, 9, 10] * 20,
                                 name="Handle time")
        assert g.gain == pytest.approx(2.4 / 11)
        assert g.minutes_saved == pytest.approx(2.4)
        assert g.gain_ci[0] < g.gain < g.gain_ci[1]
        assert g.estimand == "mean" and g.name == "Handle time"

    def test_the_time_saved_is_welchs_interval_of_the_difference_in_means(self):
        # Issue 23: minutes_saved_ci was the gain's interval times the fixed mean before,
        # too narrow (it ignores the uncertainty of the mean before).
        # R: t.test(extra ~ group, data = sleep) -> mean of group 1 0.75, of group 2
        # 2.33; 95 percent confidence interval -3.3654832 0.2054832 (group 1 - group 2)
        group1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0]
        group2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4]
        with pytest.warns(UserWarning, match="only 10 values"):
            g = efficiency.time_gain(group1, group2, name="Handle time")
        assert g.minutes_saved == pytest.approx(0.75 - 2.33)
        assert g.minutes_saved_ci == pytest.approx((-3.3654832, 0.2054832), abs=1e-7)
        assert g.minutes_saved_ci != pytest.approx((0.75 * g.gain_ci[0], 0.75 * g.gain_ci[1]))
        assert g.saved_ci_method == "Welch's interval of the difference in means"

    def test_slower_after_is_a_loss(self):
        g = efficiency.time_gain([10.0, 11, 9] * 30, [12.0, 13, 11] * 30, name="Handle time")
        assert g.is_loss and g.gain == pytest.approx(-0.2)
        assert "so 2.0 minutes more per ticket (95% CI 1.8 to 2.2 minutes); the mean rose " \
            "by 20.0% (95% CI 17.5% to 22.6%): a loss, not a gain." in g.sentence

    def test_zero_before_is_a_clear_error(self):
        with pytest.raises(ValueError, match="time before is 0"):
            efficiency.time_gain([0.0, 0.0, 0.0], [1.0, 2.0, 3.0], name="Handle time")

    def test_seeded(self):
        rng = np.random.default_rng(4)
        b, a = rng.lognormal(2.5, 0.5, 300), rng.lognormal(2.4, 0.5, 300)
        assert (efficiency.time_gain(b, a, name="x").gain_ci
                == efficiency.time_gain(b, a, name="x").gain_ci)


class TestCycleTimeGain:
    def test_km_median_ratio_with_open_items(self):
        # Kaplan-Meier by hand. Before: 10, 20, 25 (open), 30, 40 -> S = 0.8 after 10,
        # 0.6 after 20; the open ticket leaves the risk set at 25; at 30, S = 0.6 x 1/2 =
        # 0.3, so the median is 30 (dropping the open one would give 25). After: 5, 12,
        # 15, 20, 30 all closed -> median 15. Gain = 1 - 15 / 30 = 0.5.
        before = [10, 20, 30, 25, 40]
        after = [5, 15, 20, 12, 30]
        g = efficiency.cycle_time_gain(before, [1, 1, 1, 0, 1], after, [1, 1, 1, 1, 1])
        assert (g.before, g.after) == (30.0, 15.0)
        assert g.gain == pytest.approx(0.5)


class TestStepTable:
    def test_demo_steps_as_documented(self):
        steps = data.load_table(STEPS, "process_steps")
        t = efficiency.step_table(steps, waiting_steps=["wait for customer"])
        # data/README.md: (151 - 110) / 151 = 27.2%
        assert (t.lead_time_before, t.lead_time_after) == (151.0, 110.0)
        assert t.gain == pytest.approx(41 / 151)
        # value-added: diagnose + respond = 17 -> 15.5 minutes
        assert t.cycle_efficiency == pytest.approx((17 / 151, 15.5 / 110))
        # work steps saved (5.5 + 2 + 1 + 0.5 + 2) minutes x 559 tickets a week (non-FCR
        # tickets of the 48,000-ticket demo, data/README.md)
        assert t.agent_minutes_saved_per_week == pytest.approx(11 * 559)
        triage = t.frame.set_index("step").loc["triage", "step_gain"]
        assert triage == pytest.approx(1 - 0.5 / 6)
        assert "wait for customer" in t.sentence

    def test_zero_before_and_unknown_waiting_step(self):
        zero = pd.DataFrame({"step": ["a"], "minutes_before": [0.0], "minutes_after": [1.0]})
        with pytest.raises(ValueError, match="0 minutes before"):
            efficiency.step_table(zero)
        steps = pd.DataFrame({"step": ["a"], "minutes_before": [2.0], "minutes_after": [1.0]})
        with pytest.raises(ValueError, match="waiting_steps names steps not in the table: b"):
            efficiency.step_table(steps, waiting_steps=["b"])

    def test_slower_steps_are_a_loss(self):
        steps = pd.DataFrame({"step": ["a", "b"], "minutes_before": [2.0, 3.0],
                              "minutes_after": [4.0, 3.0]})
        t = efficiency.step_table(steps)
        assert t.gain == pytest.approx(-0.4) and "a loss of 40.0%" in t.sentence
        assert t.agent_minutes_saved_per_week is None  # no volume column


@pytest.fixture(scope="module")
def windows_split():
    tickets = data.load_tickets(ROOT / "data" / "demo" / "tickets.csv")
    return Windows.around("2026-04-06", weeks_before=13, weeks_after=13).split(tickets)


class TestDemoGains:

    def test_chat_handle_time_gain_covers_the_injected_ten_percent(self, windows_split):
        before, after = windows_split
        gains, skipped = efficiency.gains_by_segment(before, after, "channel", "aht")
        by = {g.segment: g for g in gains}
        assert not skipped
        assert by["chat"].gain_ci[0] < 0.10 < by["chat"].gain_ci[1]
        assert by["phone"].gain_ci[0] < 0 < by["phone"].gain_ci[1]  # no change injected

    def test_email_first_response_gain_covers_the_injected_quarter(self, windows_split):
        before, after = windows_split
        gains, _ = efficiency.gains_by_segment(before, after, "channel", "first_response_time")
        email = {g.segment: g for g in gains}["email"]
        assert email.gain_ci[0] < 0.25 < email.gain_ci[1]

    def test_unknown_measure(self, windows_split):
        before, after = windows_split
        with pytest.raises(ValueError, match="unknown measure 'speed'"):
            efficiency.gains_by_segment(before, after, "channel", "speed")


class TestAutomationChange:
    def test_share_change_is_newcombes_interval(self):
        # Newcombe (1998), Table II (a): 56/70 - 48/80, hybrid score CI 0.0524 to 0.3339
        import pandas as pd

        from pdcakit.stages.efficiency import automation_change

        before = pd.DataFrame({"channel": ["web"] * 48 + ["phone"] * 32})
        after = pd.DataFrame({"channel": ["web"] * 56 + ["email"] * 14 + [None] * 5})
        change = automation_change(before, after, ["web"])
        assert change.before.value == 0.6 and change.after.value == 0.8  # no channel: left out
        assert [round(v, 4) for v in change.difference_ci] == [0.0524, 0.3339]
        assert "60.0% -> 80.0%" in change.sentence


def test_a_gain_whose_ci_includes_zero_gives_no_verdict_of_its_own():
    # Issue 19: "a loss: after is 5.6% slower" beside a compare verdict of "improved";
    # issue 23: "no clear change" here beside "improved" on the compare page.
    gain = efficiency.Gain(name="First response time", estimand="median",
                           statistic="Kaplan-Meier median", before=3.9, after=4.1,
                           gain=-0.056, gain_ci=(-0.12, 0.02), saved_ci=(-0.47, 0.08),
                           n_before=900, n_after=900, confidence=0.9)
    assert gain.undetermined
    assert gain.sentence == (
        "First response time (median): 3.9 minutes before, 4.1 minutes after (time saved "
        "per ticket -0.20 minutes, 90% CI -0.47 to 0.08 minutes; fall of the median -5.6%, 90% "
        "CI -12.0% to 2.0%). The interval of the median is too wide to tell a gain from no "
        "change, so no time saved is claimed; the Check stage's verdict on first response "
        "time, which may rest on another estimand, is the decision. From 900 tickets before "
        "and 900 after.")
    for verdict in ("loss", "no clear change", "no detectable", "neither"):
        assert verdict not in gain.sentence
    assert gain.short == ("First response time (median): the interval is too wide to tell "
                          "a gain from no change")
    assert "90% CI of the fall" in gain.row()
