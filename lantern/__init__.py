"""Lantern's entry points: the command line and the composition root that wires everything."""
