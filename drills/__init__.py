"""Reliability and security drills (`make drills`): nothing lost, nothing let in.

Each drill is a function in its own module that starts Lantern as users run
it, pushes it somewhere uncomfortable and returns result rows;
`drills.run_all` runs the registered drills and writes docs/reliability.md.
"""
