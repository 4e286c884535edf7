"""`python -m lantern`: the command line exactly as the `lantern` script runs it.

`lantern serve --workers N` starts its workers this way. Running `lantern.cli`
itself as `__main__` would import it twice (once as `__main__`, once as
`lantern.cli` for the command modules that import it), and the second copy
would register its commands while the first is half built.
"""

from lantern.cli import main

main()
