"""Reading: files, folders, saved web pages and JSON Lines become :class:`~kg.facts.Document` s.

The first stage of the data flow. Whatever cannot be read is a one-line
:class:`~kg.read.documents.DocumentError`, never an exception that stops a corpus.
"""
