"""Territory: who holds how much of Ukraine, from DeepState's maps, and what scales mean in km².

This package sits below :mod:`accord.dynamics.war`, :mod:`accord.report.map` and the deal
arithmetic (DESIGN.md): it reads a user's GeoJSON of occupied territory
(:mod:`accord.territory.geometry`), ships the derived monthly series of areas under Russian
control with its dates (:mod:`accord.territory.series`), fits the pace of the front on it, and
holds the one mapping of each territorial issue's scale to km² (:mod:`accord.territory.scales`).
"""
