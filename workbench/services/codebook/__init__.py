"""Codebooks, one module per job: ``file_format`` (the shared YAML file), ``versions`` (one change = one
version; history and restore), ``edits`` (create, update, move, merge, split, delete), ``sync``
(install, pull, compare, push, export; REFI-QDA ``.qdc``) and ``queries`` (reading the code tree).

Nothing is re-exported here: import from the module that does the job.
"""
