"""SPARQL: the Oxigraph store, queries, the HTTP endpoint and pushes to other stores.

Reads the graphs a build wrote; never imports spaCy.
"""
