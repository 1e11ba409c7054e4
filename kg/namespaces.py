"""The namespaces every graph `kg` writes uses (see ontology/dkg.ttl)."""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

DKG = Namespace("https://w3id.org/defense-kg/ontology#")
SCHEMA = Namespace("https://schema.org/")
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
