"""Ratification: the referendum model against the polls, the turnout rule, veto players."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest
from scipy.special import expit, logit, ndtr

from accord.dynamics.deal import load_deal
from accord.dynamics.ratify import ReferendumFit, VetoSample, fit_referendum, ratify
from accord.errors import InputError
from accord.scenario import load, parse
from accord.scenario.schema import Referendum, Scenario, Veto


@pytest.fixture(scope="module")
def ukraine() -> Scenario:
    return load("ukraine-2025")


def _all_polls(scenario: Scenario) -> dt.date:
    """A date by which every poll was published (fits as of a date see only earlier polls)."""
    assert scenario.ratification is not None and scenario.ratification.referendum is not None
    return max(poll.date for poll in scenario.ratification.referendum.polls)


@pytest.fixture(scope="module")
def fit(ukraine: Scenario) -> ReferendumFit:
    return fit_referendum(ukraine, date=_all_polls(ukraine), draws=2000, rng=4)


def test_28_point_is_less_likely_to_pass_a_referendum_than_20_point(ukraine: Scenario) -> None:
    draft28 = ratify(
        ukraine, load_deal("28-point", ukraine), draws=1500, rng=1, date=_all_polls(ukraine)
    )
    draft20 = ratify(
        ukraine, load_deal("20-point", ukraine), draws=1500, rng=1, date=_all_polls(ukraine)
    )
    # As the polls say: three in four reject the 'Russian plan', most accept a freeze.
    assert np.median(draft28.yes_share) < 0.25 < 0.45 < np.median(draft20.yes_share)
    assert draft28.passes.mean() < 0.05 < 0.4 < draft20.passes.mean()
    assert draft28.probability.mean() < draft20.probability.mean()
    data = draft20.to_json()["probability"]
    # From 28 Dec Moscow refuses the ceasefire a referendum needs: where the deal hands over
    # ground (a referendum is needed) the probability is 0, hence a lower bound of 0.
    assert 0 <= data["low"] < data["value"] < data["high"] < 1


def test_the_fit_reproduces_the_polls(fit: ReferendumFit) -> None:
    for poll in fit.polls:
        fitted = poll["fitted"]
        if poll["accept"] is not None:
            assert fitted["low"] - 0.02 <= poll["accept"] <= fitted["high"] + 0.02, poll
        else:
            assert fitted["high"] <= poll["accept_at_most"], poll
    assert np.all(fit.beta < 0)  # the more a deal costs the public, the fewer accept
    assert fit.effective_draws > 250  # of 2,000: the weights have not collapsed


def test_the_fit_is_honest_about_its_uncertainty(fit: ReferendumFit) -> None:
    # Five polls (one censored) cannot pin the slope down: its 80 % interval is wide.
    summary = fit.to_json()["beta"]
    assert summary["high"] - summary["low"] > 2


def test_pass_probability_formula(fit: ReferendumFit) -> None:
    terms = np.full((fit.draws, len(fit.issue_ids)), np.nan)
    terms[:, fit.issue_ids.index("donbas")] = 1.0
    loss = fit.loss(terms)
    eta = fit.alpha + fit.beta * loss
    expected = ndtr(
        (eta - logit(0.5 * (1 - fit.undecided))) / np.sqrt(fit.tau**2 + fit.campaign**2)
    )
    np.testing.assert_allclose(fit.passes(terms), expected, rtol=1e-12)
    np.testing.assert_allclose(fit.yes_share(terms), expit(eta) / (1 - fit.undecided))
    assert np.all(loss > 0)
    at_ideal = fit.loss(np.full_like(terms, np.nan))
    np.testing.assert_array_equal(at_ideal, 0.0)


def test_veto_limits_and_approval() -> None:
    veto = Veto(id="v", name="V", issue="x", rule="consent", applies_from=50)
    sample = VetoSample(
        veto, 0, np.array([20.0, 20.0, 20.0]), np.array([80.0, 80.0, 80.0]), np.full(3, 0.6)
    )
    units = np.array([[10.0], [60.0], [90.0]])
    np.testing.assert_allclose(sample.consents(units), [1.0, 0.6, 0.0])
    # Uncertain red lines act as a probability when averaged over draws.
    spread = VetoSample(veto, 0, np.array([np.nan] * 4), np.array([55.0, 65.0, 75.0, 85.0]),
                        np.ones(4))  # fmt: skip
    np.testing.assert_allclose(spread.consents(np.full((4, 1), 70.0), average=True), 0.5)


def test_turnout_rule_can_sink_any_deal(ukraine: Scenario) -> None:
    data = ukraine.model_dump(mode="json", exclude_none=True)
    data["ratification"]["referendum"]["turnout"] = {"value": 0.4, "estimate": True}
    low_turnout = parse(data, "low-turnout")
    result = ratify(low_turnout, load_deal("20-point", low_turnout), draws=300, rng=1)
    # Art. 73: the vote is needed only where the deal hands over ground (donbas 25 and up).
    assert result.steps is not None
    needed = result.steps.applies["referendum"]
    assert needed.any() and not needed.all()
    assert result.valid == 0.0 and result.probability[needed].max() == 0.0
    assert result.probability[~needed].min() > 0.0
    blockers = {key: chance for key, _, chance in result.blockers()}
    assert blockers["turnout"] == pytest.approx(needed.mean(), abs=1e-4)


def test_veto_players_are_named_as_blockers(ukraine: Scenario) -> None:
    result = ratify(
        ukraine, load_deal("28-point", ukraine), draws=500, rng=3, date=_all_polls(ukraine)
    )
    blockers = [key for key, _, chance in result.blockers() if chance > 0.9]
    # Phased lifting and the G8 (75) is beyond what the EU's unanimity allows.
    assert "eu_council" in blockers and "referendum" in blockers
    senate = ratify(
        ukraine, load_deal("20-point", ukraine), draws=500, rng=3, date=_all_polls(ukraine)
    )
    assert 0.2 < senate.vetoes["us_congress"].mean() < 0.9  # a treaty-level guarantee


def test_same_seed_same_result(ukraine: Scenario) -> None:
    deal = load_deal("e3-counter", ukraine)
    first = ratify(ukraine, deal, draws=200, rng=9).to_json()
    second = ratify(ukraine, deal, draws=200, rng=9).to_json()
    assert first == second


def test_missing_blocks_are_bad_input(ukraine: Scenario) -> None:
    data = ukraine.model_dump(mode="json", exclude_none=True)
    bare = copy.deepcopy(data)
    del bare["ratification"]
    for update in bare["updates"]:  # dated changes to a block need the block
        update["changes"] = {
            path: value
            for path, value in update["changes"].items()
            if not path.startswith("ratification.")
        }
    scenario = parse(bare, "bare")
    with pytest.raises(InputError, match="no ratification block"):
        ratify(scenario, load_deal("20-point", scenario), draws=10)
    with pytest.raises(InputError, match="no referendum"):
        fit_referendum(scenario)


def test_poll_checks_name_the_field(ukraine: Scenario) -> None:
    data = ukraine.model_dump(mode="json", exclude_none=True)
    polls = data["ratification"]["referendum"]["polls"]
    polls[0]["terms"]["mars"] = {"value": 1, "estimate": True}
    polls[1]["accept"] = {"value": 0.9, "source": ["S40"]}
    polls[1]["reject"] = {"value": 0.5, "source": ["S40"]}
    with pytest.raises(InputError) as caught:
        parse(data, "polls")
    text = caught.value.render(limit=None)
    assert "ratification.referendum.polls[0].terms.mars: unknown issue id 'mars'" in text
    assert "accept and reject add up to 1.4" in text
    with pytest.raises(ValueError, match="accept or reject"):
        Referendum.model_validate(
            {
                **data["ratification"]["referendum"],
                "polls": [{"id": "p", "date": "2025-01-01", "question": "q", "terms": {}}] * 2,
            }
        )
