"""The graph as a network, for people rather than triple stores: GraphML, GEXF and the page of ``kg view``.

The last stage of the data flow. :mod:`~kg.network.projection` turns the RDF
graph into a networkx network (and writes it as GraphML or GEXF); ``kg view``
(:func:`kg.network.html.view`) draws a part of it as an HTML page, one module
per step: :mod:`~kg.network.load` (what is read), :mod:`~kg.network.select`
(what is drawn), :mod:`~kg.network.layout` (where), :mod:`~kg.network.vis`
(how each node and edge looks), :mod:`~kg.network.provenance` (the facts and
sources each one shows), :mod:`~kg.network.page` (the HTML) and
:mod:`~kg.network.report` (what was drawn and left out).
"""
