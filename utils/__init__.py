"""Shared helpers at the bottom of the map: nothing here imports another project folder.

Owns: ``config`` (repository root, default paths, seed and scale), ``errors`` (the
``KitError`` family), ``fileio`` (atomic files, input reading, number formatting),
``locking``, ``progress``, ``currency``, ``generated`` (the generated paths, from
.gitignore), ``repo`` (a fresh-clone copy of the tree), ``sqlfile`` (SQL files with header
comments) and ``cli`` (entry-script plumbing).
May import: the standard library only.
"""
