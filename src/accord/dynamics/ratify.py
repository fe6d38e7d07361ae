"""Ratification: a referendum model fitted to polls, the turnout rule, and veto players.

Putnam (1988): a deal must also fall inside each side's domestic win-set. Here that means a
popular vote (with its turnout rule) and the veto players whose consent some terms need.

**Referendum.** Voters are represented by the scenario's public actor (``referendum.actor``):
the loss a deal x imposes on it is its salience-weighted distance over the terms voters weigh,

    D(x) = Σ_{d ∈ V} s_d |x_d − p_d| / Σ_{d ∈ V} s_d   (terms on [0, 1]; a term a poll does not
    mention is taken at the public's own position),

and the share of respondents who accept a deal is logistic in that loss,

    logit(accept) = α + β D(x) + ε,   ε ~ N(0, τ²)   (τ: question wording, context).

The polls (``referendum.polls``) fix α, β and τ. Each observed share enters with its sampling
error (n respondents; logit scale), a poll that reports only a rejection share bounds
acceptance above (a censored observation), and a question's vague terms are ranges. With only a
handful of polls the fit is posterior, not a point: we draw (α, β, τ) from weakly informative
priors (α ~ N(1, 1.5²), −β ~ half-N(0, 10²), τ ~ half-N(0, 0.5²)), together with the public's
positions and saliences and the polls' terms from their ranges, weight every draw by the
likelihood of the polls and resample (importance sampling; Smith & Gelfand 1992). The effective
sample size and the fitted against the observed shares are reported with every result.

Undecided respondents (``undecided``) are taken to abstain, so a deal passes when
accept / (1 − u) exceeds the required majority. The vote differs from the fitted share by the
wording noise τ plus a campaign error κ (``campaign_error``, logit scale):

    P(yes | θ) = Φ((α + β D(x) − logit(m (1 − u))) / √(τ² + κ²)).

The vote is valid only if turnout reaches ``turnout_threshold`` (Ukraine's law: half of
registered voters); ``turnout`` is the distribution of turnout. A referendum needs a ceasefire
of ``ceasefire_months`` first (no referendum under martial law), which must be agreed (every
veto player's red lines on ``ratification.ceasefire``'s issue admit it; Moscow refused one on
28 Dec 2025) and then survive with the probability the guarantee model gives the deal
(:mod:`accord.dynamics.guarantees`).

**Veto points** (:mod:`accord.dynamics.vetoes`): the Rada's ratification, the referendum (Art.
73, only when the deal hands over ground), a constitutional amendment (Art. 155/157, only when
the deal's NATO term needs one, and not under martial law), the US approval of a guarantee along
one of three alternative routes, EU unanimity, Russia's constitutional bar. Each applies only
when the deal's terms call for it and consents with a probability.

**Signature first.** P(signed) is the share of draws in which every veto player accepts the
deal (:mod:`accord.scenario.acceptance`); P(ratified | signed) averages the per-draw
probability of ratification over the signed draws, so P(signed) × P(ratified | signed) is the
probability that the deal is signed and ratified. Where no draw is signed the deal is evaluated
as if it were, over every draw, and the result says so. Its 80 % interval reflects the
uncertainty of the fit, the approval probabilities and the guarantee parameters.

References
----------
Putnam, R. D. (1988). Diplomacy and domestic politics: the logic of two-level games.
*International Organization* 42(3):427-460.
Smith, A. F. M. & Gelfand, A. E. (1992). Bayesian statistics without tears: a
sampling-resampling perspective. *The American Statistician* 46(2):84-88.
Gelman, A., Jakulin, A., Pittau, M. G. & Su, Y.-S. (2008). A weakly informative default prior
distribution for logistic and other regression models. *Annals of Applied Statistics* 2(4).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.special import expit, log_ndtr, logit, ndtr

from accord.dynamics.common import sample, streams, summary
from accord.dynamics.deal import Deal, Valuation, evaluate
from accord.dynamics.guarantees import GuaranteeSample, cumulative_hazard
from accord.dynamics.vetoes import (
    REFERENDUM,
    Steps,
    VetoSample,
    ceasefire_agreed,
    probability,
    sample_vetoes,
    steps,
)
from accord.errors import InputError
from accord.frames import Tabular
from accord.scenario.compile import BoolArray, FloatArray, RNGLike, as_of
from accord.scenario.schema import CeasefireRule, Poll, Referendum, Scenario

PRIOR_ALPHA = (1.0, 1.5)
PRIOR_BETA_SCALE = 10.0
PRIOR_TAU_SCALE = 0.5
DEFAULT_RESPONDENTS = 1000
PROPOSALS_PER_DRAW = 20


@dataclass(frozen=True, eq=False)
class ReferendumFit:
    """Posterior draws of the referendum model (all per-draw arrays ``[B]`` or ``[B, I]``).

    Attributes
    ----------
    alpha, beta, tau : FloatArray
        Intercept, slope in the public's loss D, and wording noise (logit scale).
    ideal, salience : FloatArray
        ``[B, I]`` the public's positions and saliences on [0, 1] (0 off the voters' issues).
    undecided, campaign : FloatArray
        Share abstaining; campaign error on the logit scale.
    valid : float
        Probability that turnout reaches the threshold.
    effective_draws : float
        Effective sample size of the importance weights.
    polls : list of dict
        Per poll: id, question, observed share (or upper bound), fitted share (median, 80 %).
    """

    referendum: Referendum
    issue_ids: tuple[str, ...]
    alpha: FloatArray
    beta: FloatArray
    tau: FloatArray
    ideal: FloatArray
    salience: FloatArray
    undecided: FloatArray
    campaign: FloatArray
    valid: float
    effective_draws: float
    proposals: int
    polls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def draws(self) -> int:
        """Number of posterior draws B."""
        return int(self.alpha.shape[0])

    def loss(self, terms: FloatArray) -> FloatArray:
        """D(x) ``[B]`` for deals ``[B, I]`` on [0, 1] (NaN = at the public's position)."""
        return _loss(terms, self.ideal, self.salience)

    def accept(self, terms: FloatArray) -> FloatArray:
        """Expected share of respondents who accept, ``[B]``."""
        return np.asarray(expit(self.alpha + self.beta * self.loss(terms)))

    def yes_share(self, terms: FloatArray) -> FloatArray:
        """Expected yes share of the votes cast (undecided abstain), ``[B]``."""
        return np.minimum(1.0, self.accept(terms) / (1.0 - self.undecided))

    def passes(self, terms: FloatArray) -> FloatArray:
        """P(yes share > majority | θ) ``[B]``."""
        needed = logit(self.referendum.majority * (1.0 - self.undecided))
        spread = np.sqrt(self.tau**2 + self.campaign**2)
        margin = self.alpha + self.beta * self.loss(terms) - needed
        return np.asarray(ndtr(margin / np.maximum(spread, 1e-12)))

    def to_json(self) -> dict[str, Any]:
        """The fit: posterior summaries, effective sample size, fitted against observed."""
        return {
            "alpha": summary(self.alpha, 4),
            "beta": summary(self.beta, 4),
            "tau": summary(self.tau, 4),
            "effective_draws": round(self.effective_draws, 1),
            "proposals": self.proposals,
            "turnout_valid": round(self.valid, 4),
            "polls": self.polls,
        }


def _loss(terms: FloatArray, ideal: FloatArray, salience: FloatArray) -> FloatArray:
    point = np.where(np.isnan(terms), ideal, terms)
    total = salience.sum(axis=-1)
    return (salience * np.abs(point - ideal)).sum(axis=-1) / np.where(total > 0, total, 1.0)


def referendum_of(scenario: Scenario) -> Referendum:
    """The scenario's referendum, or a bad-input error saying how to add one."""
    ratification = scenario.ratification
    if ratification is None or ratification.referendum is None:
        raise InputError.single(
            scenario.id,
            "the scenario has no referendum",
            path=("ratification", "referendum"),
            hint="add ratification: referendum: with the public actor, turnout and polls "
            "(see docs/war-and-ratification.md)",
        )
    return ratification.referendum


def fit_referendum(
    scenario: Scenario,
    *,
    date: dt.date | None = None,
    draws: int = 4000,
    rng: RNGLike = None,
    proposals: int | None = None,
) -> ReferendumFit:
    """Fit the acceptance model to the scenario's polls by sampling-importance-resampling.

    Parameters
    ----------
    scenario
        A scenario with ``ratification.referendum``.
    date
        The public's positions and saliences are taken as of this date.
    draws
        Posterior draws to return.
    rng
        Seed or generator.
    proposals
        Prior draws to weight (default: 20 per posterior draw, at least 40,000).
    """
    current = as_of(scenario, date)
    referendum = known_polls(referendum_of(current), current.as_of, scenario.id)
    if draws < 1:
        raise InputError.single(None, f"draws must be at least 1, got {draws}", path=("draws",))
    count = proposals or max(PROPOSALS_PER_DRAW * draws, 40_000)
    first, second, data, resample_stream = streams(rng, 4)
    nuisance = _Nuisance.draw(current, referendum, count, data)
    # Stage 1: proposals from the prior. Stage 2: a Student-t proposal fitted to stage 1's
    # weighted draws of (α, β, log τ), so the weights do not collapse onto a few draws.
    theta = _prior_draws(count, first)
    weight = _normalised(nuisance.log_likelihood(theta, data))
    theta, log_weight = _adapted(theta, weight, count, second)
    weight = _normalised(log_weight + nuisance.log_likelihood(theta, data))
    effective = float(1.0 / np.sum(weight**2))
    chosen = _systematic(weight, draws, resample_stream)
    alpha, beta, tau = theta[:, 0], theta[:, 1], np.exp(theta[:, 2])
    losses = nuisance.losses
    undecided, campaign = sample([referendum.undecided, referendum.campaign_error], draws, data).T
    turnout = sample([referendum.turnout], count, data)[:, 0]
    valid = float(np.mean(turnout >= referendum.turnout_threshold))
    fit = ReferendumFit(
        referendum=referendum,
        issue_ids=nuisance.issue_ids,
        alpha=alpha[chosen],
        beta=beta[chosen],
        tau=tau[chosen],
        ideal=nuisance.ideal[chosen],
        salience=nuisance.salience[chosen],
        undecided=np.broadcast_to(undecided, (draws,)).copy(),
        campaign=np.broadcast_to(campaign, (draws,)).copy(),
        valid=valid,
        effective_draws=effective,
        proposals=count,
    )
    fitted = expit(alpha[chosen, None] + beta[chosen, None] * losses[chosen])  # [B, J]
    for j, poll in enumerate(referendum.polls):
        observed = poll.accept.point if poll.accept is not None else None
        bound = None if poll.reject is None else round(1.0 - poll.reject.point, 4)
        fit.polls.append(
            {
                "id": poll.id,
                "date": poll.date.isoformat(),
                "question": poll.question,
                "accept": observed,
                "accept_at_most": bound if observed is None else None,
                "fitted": summary(fitted[:, j], 4),
            }
        )
    return fit


def known_polls(referendum: Referendum, date: dt.date | None, name: str) -> Referendum:
    """The referendum block with only the polls published on or before ``date``.

    A fit as of a date must not see polls published later (no look-ahead).
    """
    if date is None:
        return referendum
    polls = [poll for poll in referendum.polls if poll.date <= date]
    if not polls:
        first = min(poll.date for poll in referendum.polls)
        raise InputError.single(
            name,
            f"no poll was published by {date}: the referendum model cannot be fitted as of then",
            path=("ratification", "referendum", "polls"),
            hint=f"evaluate on or after {first}, or add an earlier poll",
        )
    return referendum.model_copy(update={"polls": polls})


@dataclass(frozen=True, eq=False)
class _Nuisance:
    """The public's preferences and the polls' terms, drawn from their ranges: ``[N, ...]``."""

    issue_ids: tuple[str, ...]
    ideal: FloatArray  # [N, I]
    salience: FloatArray  # [N, I], zero off the issues voters weigh
    losses: FloatArray  # [N, J] the public's loss under each poll's terms
    polls: tuple[Poll, ...]

    @classmethod
    def draw(
        cls, scenario: Scenario, referendum: Referendum, count: int, generator: np.random.Generator
    ) -> _Nuisance:
        issues = scenario.issues
        issue_ids = tuple(issue.id for issue in issues)
        weighed = set(referendum.issues or issue_ids)
        public = scenario.actor(referendum.actor)
        low = np.array([issue.min for issue in issues])
        span = np.array([issue.max - issue.min for issue in issues])
        scale = scenario.salience_scale
        ideal = (sample([public.positions[i] for i in issue_ids], count, generator) - low) / span
        salience = (
            sample([public.salience[i] for i in issue_ids], count, generator) - scale.min
        ) / (scale.max - scale.min)
        salience = salience * np.array([issue_id in weighed for issue_id in issue_ids])
        terms = np.stack(
            [
                (sample([poll.terms.get(i) for i in issue_ids], count, generator) - low) / span
                for poll in referendum.polls
            ],
            axis=1,
        )
        losses = _loss(terms, ideal[:, None, :], salience[:, None, :])
        return cls(issue_ids, ideal, salience, losses, tuple(referendum.polls))

    def log_likelihood(self, theta: FloatArray, generator: np.random.Generator) -> FloatArray:
        """Log-likelihood of all polls for parameters ``theta`` ``[N, 3]`` = (α, β, log τ)."""
        tau = np.exp(theta[:, 2])
        mean = theta[:, 0:1] + theta[:, 1:2] * self.losses
        total = np.zeros(theta.shape[0])
        for j, poll in enumerate(self.polls):
            total += _log_likelihood(poll, mean[:, j], tau, generator)
        return total


def _log_prior(theta: FloatArray) -> FloatArray:
    """Log p(α, β, log τ): N(1, 1.5²) × half-N(0, 10²) on −β × half-N(0, 0.5²) on τ (× τ)."""
    alpha, beta, log_tau = theta.T
    mu, sd = PRIOR_ALPHA
    log_p = -0.5 * ((alpha - mu) / sd) ** 2
    log_p += np.where(beta <= 0, -0.5 * (beta / PRIOR_BETA_SCALE) ** 2, -np.inf)
    return log_p - 0.5 * (np.exp(log_tau) / PRIOR_TAU_SCALE) ** 2 + log_tau


def _prior_draws(count: int, generator: np.random.Generator) -> FloatArray:
    alpha = generator.normal(*PRIOR_ALPHA, count)
    beta = -np.abs(generator.normal(0.0, PRIOR_BETA_SCALE, count))
    tau = np.abs(generator.normal(0.0, PRIOR_TAU_SCALE, count))
    return np.column_stack([alpha, beta, np.log(np.maximum(tau, 1e-12))])


def _adapted(
    theta: FloatArray, weight: FloatArray, count: int, generator: np.random.Generator
) -> tuple[FloatArray, FloatArray]:
    """Draws from a Student-t (5 d.o.f., covariance ×2) fitted to weighted ``theta``.

    Returns the draws and log(prior / proposal), to add to their log-likelihood.
    """
    mean = weight @ theta
    centred = theta - mean
    covariance = 2.0 * (centred.T * weight) @ centred + 1e-6 * np.eye(3)
    freedom = 5.0
    chol = np.linalg.cholesky(covariance)
    normal = generator.standard_normal((count, 3))
    scale = np.sqrt(freedom / generator.chisquare(freedom, count))
    draws = mean + (normal @ chol.T) * scale[:, None]
    solved = np.linalg.solve(chol, (draws - mean).T).T
    log_q = -0.5 * (freedom + 3) * np.log1p((solved**2).sum(axis=1) / freedom)
    return draws, _log_prior(draws) - log_q


def _normalised(log_weight: FloatArray) -> FloatArray:
    finite = np.where(np.isfinite(log_weight), log_weight, -np.inf)
    weight = np.exp(finite - finite.max())
    return weight / weight.sum()


def _log_likelihood(
    poll: Poll, mean: FloatArray, tau: FloatArray, generator: np.random.Generator
) -> FloatArray:
    """Log-likelihood of one poll per proposal (logit scale, sampling error from n)."""
    n = poll.n or DEFAULT_RESPONDENTS
    if poll.accept is not None:
        share = np.clip(sample([poll.accept], mean.shape[0], generator)[:, 0], 1e-4, 1 - 1e-4)
        variance = tau**2 + 1.0 / (n * share * (1.0 - share))
        residual = logit(share) - mean
        return np.asarray(-0.5 * (residual**2 / variance + np.log(2 * np.pi * variance)))
    assert poll.reject is not None
    bound = np.clip(1.0 - sample([poll.reject], mean.shape[0], generator)[:, 0], 1e-4, 1 - 1e-4)
    spread = np.sqrt(tau**2 + 1.0 / (n * bound * (1.0 - bound)))
    return np.asarray(log_ndtr((logit(bound) - mean) / spread))


def _systematic(weight: FloatArray, draws: int, generator: np.random.Generator) -> Any:
    """Systematic resampling: ``draws`` indices with probabilities ``weight``."""
    positions = (generator.random() + np.arange(draws)) / draws
    return np.minimum(np.searchsorted(np.cumsum(weight), positions), weight.size - 1)


def ceasefire_holds(
    guarantees: GuaranteeSample, ratio: FloatArray, months: FloatArray
) -> FloatArray:
    """P(the ceasefire lasts ``months`` ``[B]``) for deals with hazard ratio ``ratio`` ``[B]``."""
    return np.exp(-cumulative_hazard(guarantees, months, each=True) * ratio)


@dataclass(frozen=True, eq=False, repr=False)
class Ratification(Tabular):
    """P(signed), P(ratified | signed) and the veto points for a deal (per draw ``[B]``).

    ``signed`` is whether every veto player accepts the deal in a draw (the acceptance rule of
    :mod:`accord.scenario.acceptance`, as ``accord deal`` applies it); every probability of
    ratification is averaged over the signed draws. Where no draw is signed the deal is
    evaluated as if it were, over every draw, and ``conditioned`` is False.
    """

    scenario: Scenario
    deal: Deal
    valuation: Valuation
    fit: ReferendumFit | None
    probability: FloatArray
    ceasefire: FloatArray
    valid: float
    passes: FloatArray
    yes_share: FloatArray
    vetoes: dict[str, FloatArray]
    veto_names: dict[str, str]
    steps: Steps | None = None
    samples: tuple[VetoSample, ...] = ()

    @property
    def signed(self) -> BoolArray:
        """``[B]`` whether every veto player accepts the deal (it would be signed)."""
        veto = self.valuation.problem.veto_players
        return np.asarray(self.valuation.accepts[:, veto].all(axis=1))

    @property
    def p_signed(self) -> float:
        """Share of draws in which every veto player accepts the deal (it would be signed)."""
        return float(self.signed.mean())

    @property
    def conditioned(self) -> bool:
        """Whether some draw is signed, so the probabilities condition on the signature."""
        return bool(self.signed.any())

    @property
    def weights(self) -> FloatArray:
        """``[B]`` the draws the conditional probabilities average over (signed, or all)."""
        signed = self.signed
        return signed.astype(float) if signed.any() else np.ones(signed.shape)

    def given_signed(self, values: FloatArray) -> float:
        """The mean of ``values`` ``[B]`` over the signed draws (all draws if none is)."""
        weight = self.weights
        return float((values * weight).sum() / weight.sum())

    @property
    def probability_given_signed(self) -> float:
        """P(ratified | signed)."""
        return self.given_signed(self.probability)

    @property
    def signed_and_ratified(self) -> float:
        """P(signed and ratified) = P(signed) × P(ratified | signed) (0 if never signed)."""
        return float((self.signed * self.probability).mean())

    def ceasefire_parts(self) -> dict[str, float]:
        """Given signed: P(needed), P(agreed | needed), P(holds | agreed), P(in force | needed).

        The probability of the ceasefire precondition is ``in_force``: agreed by every veto
        player (Russia's red line on the ceasefire issue) and holding until the vote.
        """
        parts = self.steps
        if parts is None:
            return {"needed": 0.0, "agreed": 1.0, "holds": 1.0, "in_force": 1.0}
        weight = self.weights * parts.needed
        if weight.sum() == 0:
            weight = self.weights
        agreed = float((parts.agreed * weight).sum() / weight.sum())
        in_force = float((parts.agreed * parts.holds * weight).sum() / weight.sum())
        return {
            "needed": self.given_signed(parts.needed.astype(float)),
            "agreed": agreed,
            "holds": in_force / agreed if agreed > 0 else float(np.mean(parts.holds)),
            "in_force": in_force,
        }

    def points(self) -> list[dict[str, Any]]:
        """Every veto point given signed: id, name, rule, P(applies), P(block), routes.

        The ceasefire appears twice: refused (a veto player's red line excludes it) and
        broken before the vote; the referendum twice: turnout below the threshold and a no.
        """
        items: list[dict[str, Any]] = []
        parts = self.steps
        if parts is None:
            return items
        ceasefire = self.ceasefire_parts()
        rule = self.scenario.ratification.ceasefire if self.scenario.ratification else None
        if parts.needed.any():
            items.append(
                {
                    "id": "ceasefire_refused",
                    "name": "A veto player refuses the ceasefire the vote needs",
                    "rule": _ceasefire_rule(rule),
                    "applies": round(ceasefire["needed"], 4),
                    "p_block": round(ceasefire["needed"] * (1 - ceasefire["agreed"]), 4),
                }
            )
            items.append(
                {
                    "id": "ceasefire",
                    "name": "The ceasefire breaks before the vote",
                    "rule": "the guarantees' hazard model over the months the vote needs",
                    "applies": round(ceasefire["needed"], 4),
                    "p_block": round(
                        ceasefire["needed"] * (ceasefire["agreed"] - ceasefire["in_force"]), 4
                    ),
                }
            )
        samples = {sample.veto.id: sample for sample in self.samples}
        for veto_id, consent in parts.consents.items():
            sample = samples.get(veto_id)
            called = self.given_signed(parts.applies[veto_id].astype(float))
            is_vote = sample is None or sample.veto.referendum
            if is_vote and self.fit is not None:
                referendum = self.fit.referendum
                items.append(
                    {
                        "id": "turnout",
                        "name": f"Turnout below {referendum.turnout_threshold:.0%}",
                        "rule": "a referendum is valid only if turnout reaches "
                        f"{referendum.turnout_threshold:.0%} of registered voters",
                        "applies": round(called, 4),
                        "p_block": round(called * (1 - self.valid), 4),
                    }
                )
                refused = parts.applies[veto_id] * (1 - parts.passes)  # voters say no
                items.append(
                    {
                        "id": veto_id,
                        "name": "Voters: the referendum fails"
                        if sample is None
                        else sample.veto.name,
                        "rule": f"yes above {referendum.majority:.0%} of votes cast"
                        if sample is None
                        else sample.veto.rule,
                        "applies": round(called, 4),
                        "p_block": round(self.given_signed(refused), 4),
                    }
                )
                continue
            assert sample is not None
            item: dict[str, Any] = {
                "id": veto_id,
                "name": sample.veto.name,
                "rule": sample.veto.rule,
                "applies": round(called, 4),
                "p_block": round(1 - self.given_signed(consent), 4),
            }
            if sample.veto.needs_ceasefire:
                item["needs_ceasefire"] = True
            if sample.veto.routes:
                item["routes"] = sample.routes()
            items.append(item)
        return sorted(items, key=lambda item: -item["p_block"])

    def blockers(self) -> list[tuple[str, str, float]]:
        """``(id, who, probability of blocking)``, most likely first."""
        return [(item["id"], item["name"], item["p_block"]) for item in self.points()]

    def to_json(self) -> dict[str, Any]:
        """Figure-ready data for the probability, its steps and the veto points.

        ``{"scenario", "deal", "probability": {"value" (mean), "median", "low", "high"} (given
        signed), "p_signed", "probability_given_signed", "signed_and_ratified",
        "conditioned_on_signature", "ceasefire": {"needed", "agreed", "holds", "in_force"},
        "veto_points": [{"id", "name", "rule", "applies", "p_block", ...}], "vetoes": {ID:
        {"name", "consent"}}, "blockers": [{"id", "who", "probability"}], "referendum", "fit"}``.
        """
        weight = self.weights.astype(bool)
        band = summary(self.probability[weight], 4)
        points = self.points()
        given = self.probability_given_signed
        result: dict[str, Any] = {
            "scenario": self.scenario.id,
            "deal": {"id": self.deal.id, "title": self.deal.title},
            "draws": int(self.probability.shape[0]),
            "probability": {
                "value": round(given, 4),
                "median": band["value"],
                "low": band["low"],
                "high": band["high"],
            },
            "probability_given_signed": round(given, 4),
            "p_signed": round(self.p_signed, 4),
            "signed_and_ratified": round(self.signed_and_ratified, 4),
            "conditioned_on_signature": self.conditioned,
            "ceasefire": {key: round(value, 4) for key, value in self.ceasefire_parts().items()},
            "veto_points": points,
            "vetoes": {
                veto_id: {
                    "name": self.veto_names[veto_id],
                    "consent": summary(consent[weight], 4),
                }
                for veto_id, consent in self.vetoes.items()
            },
            "blockers": [
                {"id": item["id"], "who": item["name"], "probability": item["p_block"]}
                for item in points
            ],
            "referendum": None,
            "fit": None,
        }
        if self.fit is not None:
            result["referendum"] = {
                "yes_share": summary(self.yes_share[weight], 4),
                "passes": summary(self.passes[weight], 4),
                "turnout_valid": round(self.valid, 4),
                "ceasefire_holds": summary(self.ceasefire[weight], 4),
                "loss": summary(self.fit.loss(self.valuation.terms)[weight], 4),
            }
            result["fit"] = self.fit.to_json()
        return result


def _ceasefire_rule(rule: CeasefireRule | None) -> str:
    if rule is None:
        return "assumed agreed (no ratification.ceasefire rule)"
    bound = (
        f"at most {rule.at_most:g}" if rule.at_most is not None else f"at least {rule.at_least:g}"
    )
    return f"every veto player's red lines admit {rule.issue} {bound}"


def ratify(
    scenario: Scenario,
    deal: Deal,
    *,
    date: dt.date | None = None,
    regime: str | None = None,
    draws: int = 2000,
    rng: RNGLike = None,
) -> Ratification:
    """P(signed), P(ratified | signed) for ``deal``, with its interval and its veto points.

    Parameters
    ----------
    scenario
        A scenario with a ``ratification`` block.
    deal
        A checked deal.
    date
        Evaluation date (default: the scenario's as_of).
    regime
        Aid regime of the battlefield model (for the ceasefire's durability).
    draws, rng
        Posterior (and scenario) draws; seed or generator.
    """
    if scenario.ratification is None:
        raise InputError.single(
            scenario.id,
            "the scenario has no ratification block",
            path=("ratification",),
            hint="add ratification: with a referendum and/or vetoes",
        )
    valuation_stream, fit_stream, veto_stream = streams(rng, 3)
    valuation = evaluate(
        scenario, deal, date=date, regime=regime, draws=draws, rng=valuation_stream
    )
    current = valuation.scenario
    referendum = current.ratification.referendum if current.ratification else None
    fit = None
    holds = np.ones(draws)
    if referendum is not None:
        fit = fit_referendum(current, date=valuation.date, draws=draws, rng=fit_stream)
        if referendum.ceasefire_months is not None:
            months = sample([referendum.ceasefire_months], draws, veto_stream)[:, 0]
            holds = ceasefire_holds(valuation.guarantees, valuation.hazard_ratio, months)
    vetoes = sample_vetoes(current, draws, veto_stream)
    units = valuation.problem.to_units(valuation.terms)
    rule = current.ratification.ceasefire if current.ratification else None
    agreed = ceasefire_agreed(valuation.problem, rule)
    parts = steps(fit, vetoes, valuation.terms, units, holds, average=True, agreed=agreed)
    return Ratification(
        scenario=current,
        deal=deal,
        valuation=valuation,
        fit=fit,
        probability=parts.total,
        ceasefire=parts.ceasefire,
        valid=parts.valid,
        passes=parts.passes,
        yes_share=parts.share,
        vetoes={  # the referendum has its own block (referendum, fit)
            key: value
            for key, value in parts.consents.items()
            if key != REFERENDUM and not any(v.veto.referendum and v.veto.id == key for v in vetoes)
        },
        veto_names={veto.veto.id: veto.veto.name for veto in vetoes},
        steps=parts,
        samples=tuple(vetoes),
    )


__all__ = [
    "Ratification",
    "ReferendumFit",
    "Steps",
    "VetoSample",
    "ceasefire_agreed",
    "ceasefire_holds",
    "fit_referendum",
    "probability",
    "ratify",
    "sample_vetoes",
    "steps",
]
