"""The namespaces every graph `kg` writes uses (see ontology/dkg.ttl)."""

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD


class TermNamespace(Namespace):
    """A Namespace that makes each of its terms once.

    rdflib's makes a new URIRef on every ``DKG.speaker``; a build asks for the
    same few dozen terms millions of times, and identical objects also make
    the triple sets that hold them faster to compare.
    """

    def term(self, name: str) -> URIRef:
        made = self.__dict__.get(name)
        if made is None:
            made = super().term(name)
            if isinstance(name, str) and not hasattr(type(self), name):  # str methods stay methods
                self.__dict__[name] = made
        return made

    def __getattr__(self, name: str) -> URIRef:
        if name.startswith("__"):  # special Python names are not terms
            raise AttributeError(name)
        return self.term(name)


DKG = TermNamespace("https://w3id.org/defense-kg/ontology#")
SCHEMA = TermNamespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
WD = Namespace("http://www.wikidata.org/entity/")
#: The concepts of ontology/topics.ttl (capabilities and policy topics).
TOPIC = Namespace("https://w3id.org/defense-kg/topic/")

DEFAULT_BASE = "https://w3id.org/defense-kg/resource/"

#: Prefixes bound in every graph, query and export, so that files stay short and
#: SPARQL written from the ontology's documentation runs as it stands.
PREFIXES = {
    "dkg": DKG,
    "r": Namespace(DEFAULT_BASE),
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "prov": PROV,
    "dcterms": DCTERMS,
    "schema": SCHEMA,
    "org": ORG,
    "foaf": FOAF,
    "wd": WD,
    "topic": TOPIC,
}
