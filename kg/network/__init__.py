"""The graph as a network: networkx projection, GraphML and GEXF, and the HTML page of ``kg view``.

The last stage of the data flow, for people rather than triple stores.
"""
