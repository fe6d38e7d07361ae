"""What lies behind the table: war, guarantees, ratification and simulated talks.

* :mod:`accord.dynamics.war`: walk-away points from the battlefield, the bargaining range
  month by month under each aid regime, and the Nash solution they imply;
* :mod:`accord.dynamics.guarantees`: how likely a deal is to break down, given its guarantees;
* :mod:`accord.dynamics.deal`: deal files, and what a deal is worth to each actor against
  fighting on, with and without the risk of breakdown;
* :mod:`accord.dynamics.ratify`: P(signed), P(ratified | signed), a referendum model fitted to
  polls;
* :mod:`accord.dynamics.vetoes`: the veto points of ratification (legal triggers, alternative
  routes, the ceasefire a vote needs) and how they combine;
* :mod:`accord.dynamics.talks`: simulated talks with a mediator and a deadline.
"""
