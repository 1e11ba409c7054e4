"""RDF: the ontology's terms, the mapping of facts to triples, the union of articles, the writers.

The third stage of the data flow: :mod:`kg.rdf.mapping` turns an article's
facts into N-Triples terms (:mod:`kg.rdf.terms`), :mod:`kg.rdf.union` merges
articles into one graph, :mod:`kg.rdf.export` writes it deterministically and
:mod:`kg.rdf.validate` checks it against ``ontology/shapes.ttl``.
"""
