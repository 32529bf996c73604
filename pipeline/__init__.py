"""What each command of project/ does, as library functions: one call per command.

Each function yields the lines its command prints (paths shown through ``utils.cli.shown``)
and raises a ``KitError`` for a failure, so the entry scripts only parse, call and print.
May import data_generation/, db/*, queries/ and utils/; nothing imports it but project/.
"""
