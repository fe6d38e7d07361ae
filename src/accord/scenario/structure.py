"""The actor list as a modelling choice: blocs, leave-outs, and who may be counted twice.

Most models treat a negotiation as a weighted vote among the listed actors, so the answer
depends on how the actors are listed: an institution next to its own member states, or a
government next to its own public, carries one interest twice. This module holds the scenario
side of that question:

* :func:`bloc_errors`: the cross-field rules of ``blocs:`` (members exist, no repeats, a bloc's
  id names no actor outside it), called by :func:`accord.scenario.checks.check`;
* :func:`structure_warnings`: non-fatal warnings of ``accord validate``. The rule: when the
  scenario has actors of kind ``state``, every actor of kind ``bloc``, ``institution`` or
  ``public`` that belongs to no declared bloc is named, since it may duplicate states
  (an institution and its members, e.g. the EU and France) or a government (a parliament and
  the executive, a public and its government). Actor kinds are the only membership metadata a
  scenario carries, and notes are free text, so the rule asks the author to say, with a
  ``blocs:`` entry, which actors speak for one interest; a bloc with the state(s) it overlaps
  silences the warning. (In an EU legislative case, where Commission and Parliament decide
  alongside the member states rather than speak for them, the warning can be read and ignored.)
* :func:`leave_out`, :func:`parties_only` and :func:`merge_bloc`: structural variants of a
  scenario, used by :mod:`accord.analysis.robustness`.

How a bloc becomes one actor (at the numbers' point values, issue by issue):

* capability: the sum of its members' capabilities;
* salience: the capability-weighted mean of its members' saliences;
* position: the capability × salience weighted mean of its members' positions (equal weights
  where every weight is zero).

With these, the bloc's weight w = c·s is the sum of its members' weights and w·x the sum of
theirs, so the weighted mean of all positions (the compromise model) does not change: merging
moves only the models that count actors or weigh them non-linearly (median, EUM, SMP, Nash).
The merged actor is a party if any member is, and keeps every other field (kind excepted:
``bloc``) of its *anchor*: the member that is a party with the largest capability, or else the
member with the largest capability; so a bloc that holds a party keeps that party's reservation
points and conditions.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from accord.errors import ErrorDetail
from accord.scenario.schema import Actor, Bloc, Number, Scenario

DOUBLE_COUNTING_KINDS = ("bloc", "institution", "public")
"""Actor kinds that may duplicate state actors when no bloc is declared."""


def bloc_errors(scenario: Scenario) -> Iterator[ErrorDetail]:
    """Every problem with the scenario's ``blocs:``, with its field path."""
    actors = {actor.id for actor in scenario.actors}
    counts = Counter(bloc.id for bloc in scenario.blocs)
    seen: set[str] = set()
    for index, bloc in enumerate(scenario.blocs):
        if counts[bloc.id] > 1 and bloc.id in seen:
            yield ErrorDetail(
                f"duplicate id {bloc.id!r} in blocs",
                ("blocs", index, "id"),
                bloc.id,
                hint="give every bloc its own id",
            )
        seen.add(bloc.id)
        if bloc.id in actors and bloc.id not in bloc.members:
            yield ErrorDetail(
                f"bloc id {bloc.id!r} is the id of an actor outside the bloc",
                ("blocs", index, "id"),
                bloc.id,
                hint="use an id of its own, or of one of its members",
            )
        repeated: set[str] = set()
        for position, member in enumerate(bloc.members):
            path = ("blocs", index, "members", position)
            if member not in actors:
                yield ErrorDetail(
                    f"unknown actor id {member!r}",
                    path,
                    member,
                    hint=f"use one of: {', '.join(sorted(actors))}",
                )
            elif member in repeated:
                yield ErrorDetail(
                    f"actor {member!r} is listed twice in the bloc",
                    path,
                    member,
                    hint="list it once",
                )
            repeated.add(member)


def structure_warnings(scenario: Scenario) -> list[str]:
    """Actors that may count one interest twice because no bloc declares them (module rule)."""
    states = [actor.id for actor in scenario.actors if actor.kind == "state"]
    if not states:
        return []
    declared = {member for bloc in scenario.blocs for member in bloc.members}
    warnings = []
    for actor in scenario.actors:
        if actor.kind in DOUBLE_COUNTING_KINDS and actor.id not in declared:
            warnings.append(
                f"actors.{actor.id}: {actor.name} (kind {actor.kind}) votes alongside the state "
                "actors but belongs to no declared bloc; if it speaks for some of them (its "
                "members, its government), that interest counts twice: declare a `blocs:` "
                f"entry with {actor.id} and the actors it overlaps (see docs/robustness.md)"
            )
    return warnings


def leave_out(scenario: Scenario, actor_id: str) -> Scenario:
    """The scenario without one actor (and without updates: pass a scenario already as of)."""
    actors = [actor for actor in scenario.actors if actor.id != actor_id]
    return scenario.model_copy(update={"actors": actors, "updates": []})


def parties_only(scenario: Scenario) -> Scenario:
    """The scenario with only its ``party: true`` actors (and without updates)."""
    actors = [actor for actor in scenario.actors if actor.party]
    return scenario.model_copy(update={"actors": actors, "updates": []})


def merge_bloc(scenario: Scenario, bloc: Bloc) -> Scenario:
    """The scenario with the bloc's members replaced by one actor, where the first member stood.

    Pass a scenario already as of its date: updates are dropped, since they may name members.
    """
    members = [actor for actor in scenario.actors if actor.id in bloc.members]
    merged = merged_actor(members, bloc, [issue.id for issue in scenario.issues])
    actors: list[Actor] = []
    for actor in scenario.actors:
        if actor.id not in bloc.members:
            actors.append(actor)
        elif actor is members[0]:
            actors.append(merged)
    return scenario.model_copy(update={"actors": actors, "updates": []})


def merged_actor(members: list[Actor], bloc: Bloc, issue_ids: list[str]) -> Actor:
    """One actor standing for ``members`` (the module's rule)."""
    capability = [member.capability.point for member in members]
    total = sum(capability)
    share = [c / total for c in capability] if total > 0 else [1 / len(members)] * len(members)
    positions: dict[str, Number] = {}
    salience: dict[str, Number] = {}
    for issue in issue_ids:
        saliences = [member.salience[issue].point for member in members]
        points = [member.positions[issue].point for member in members]
        weights = [c * s for c, s in zip(capability, saliences, strict=True)]
        if sum(weights) <= 0:
            weights = [1.0] * len(members)
        position = sum(w * x for w, x in zip(weights, points, strict=True)) / sum(weights)
        positions[issue] = Number(value=position)
        salience[issue] = Number(value=sum(p * s for p, s in zip(share, saliences, strict=True)))
    parties = [member for member in members if member.party]
    anchor = max(parties or members, key=lambda member: member.capability.point)
    names = ", ".join(member.id for member in members)
    return anchor.model_copy(
        update={
            "id": bloc.id,
            "name": bloc.name,
            "kind": "bloc",
            "party": bool(parties),
            "capability": Number(value=total),
            "positions": positions,
            "salience": salience,
            "note": f"Bloc of {names}, merged by accord.scenario.structure.",
        }
    )
