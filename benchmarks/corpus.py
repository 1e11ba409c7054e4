"""A realistic benchmark corpus: N defence-policy news articles as .txt files.

    python benchmarks/corpus.py N FOLDER [--seed S]   # write N articles
    python benchmarks/corpus.py --check [N]           # fact rates of N generated articles vs seeds/

Each article is a title line, a blank line and 6-15 paragraphs of 350-700
words in all, recombined from the sentence templates of
``benchmarks/templates.txt`` (sentences of ``seeds/`` with their names made
slots, and more in the same style: direct quotes, reported speech, pronoun
follow-ups, fundings, posts, memberships, meetings and context). The slots
are filled from a cast chosen per article among the known entities of
``ontology/entities.ttl`` (through ``kg.nlp.lexicon.gazetteer()``), plus some
invented people and companies, so the pipeline meets names it knows and names
it does not, at the rates real news has them.

Article ``i`` depends only on ``(seed, i)``: the first 100 articles of a
10,000-article corpus are the 100 of a 100-article one, and a run is
byte-for-byte reproducible.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import re
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TEMPLATES = HERE / "templates.txt"

MIN_WORDS, MAX_WORDS = 350, 700
MIN_PARAGRAPHS, MAX_PARAGRAPHS = 6, 15

#: How often a paragraph is built around each kind of sentence (the lead is always first).
PARAGRAPH_KINDS = {
    "quote": 20,
    "reported": 14,
    "context": 18,
    "event": 12,
    "funding": 10,
    "role": 9,
    "membership": 4,
}
#: What a paragraph that is still short goes on with (a follow-up only after a speaker).
PADDING = {"followup": 2, "context": 6, "quote_frame": 1, "reported_frame": 1}
#: Chance that a quote or reported paragraph goes on with a pronoun follow-up.
FOLLOWUP = 0.4
#: Chance that a first mention by {PERSON_REF} carries the post ("German Defence Minister Boris Pistorius").
TITLED_FIRST_MENTION = 0.6
#: Chance that a cast person (beyond the first) or a company is invented.
INVENTED_PERSON = 0.2
INVENTED_COMPANY = 0.15

_SLOT = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")
_TRAILING_COMMENT = re.compile(r"\s+#\s.*$")


# --- The data file --------------------------------------------------------------------------


@cache
def sections(path: Path = TEMPLATES) -> dict[str, list[str]]:
    """The sections of templates.txt: name -> its entries, in file order."""
    found: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = found.setdefault(line[1:-1], [])
            continue
        if current is None:
            raise ValueError(f"{path}: entry before any [section]: {line!r}")
        current.append(_TRAILING_COMMENT.sub("", line))
    return found


def template_count() -> int:
    """How many sentence templates (and quote/claim texts) the data file holds."""
    kinds = ("title", "lead", "quote_frame", "reported_frame", "followup", "funding", "role")
    kinds += ("membership", "event", "context", "closing", "quote_text", "claim_text")
    return sum(len(sections()[k]) for k in kinds)


# --- Known entities ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    name: str
    surname: str
    female: bool
    body: str  # what is written before the post: "German", "NATO", "Rheinmetall"
    post: str  # "Defence Minister"
    country: str | None  # label of the country the person works for


@dataclass(frozen=True)
class Named:
    """An organisation, programme or place as written: with and without its article."""

    name: str
    with_article: str


def _stable(text: str) -> int:
    """A number fixed by ``text`` (``hash`` changes with every process)."""
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def _choose_stable(options: list, key: str):
    return options[_stable(key) % len(options)]


def _entity_sections() -> dict[str, str]:
    """Entity key ("person/boris-pistorius") -> the "# ..." section of entities.ttl it is listed under."""
    from kg.rdf.vocab import ENTITIES_FILE  # noqa: PLC0415 - kg is imported when needed only

    section, found = "", {}
    subject = re.compile(r"^r:([a-z]+)\\/(\S+)\s")
    for line in ENTITIES_FILE.read_text(encoding="utf-8").splitlines():
        if line.startswith("# ") and not line.startswith("# -"):
            section = line[2:].strip()
            continue
        match = subject.match(line)
        if match:
            found[f"{match.group(1)}/{match.group(2)}"] = section
    return found


class Entities:
    """The pools the slots are filled from, built once from the gazetteer and templates.txt."""

    def __init__(self) -> None:
        from kg.nlp.lexicon import gazetteer  # noqa: PLC0415

        data = sections()
        self.data = data
        gaz = gazetteer()
        known = sorted(gaz.entities.values(), key=lambda e: e.key)
        listed = _entity_sections()
        self.no_article = set(data["no_article"])
        self.female = set(data["female_given_names"])
        by_label = {e.label: e for e in known}

        self.countries = {e.label: e for e in known if e.type == "Country"}
        self.adjective = {label: (e.adjectives or [label])[0] for label, e in self.countries.items()}
        self.main_countries = data["main_country"]
        self.european = sorted(set(self.main_countries))
        for label in self.main_countries:
            if label not in self.countries:
                raise ValueError(f"templates.txt [main_country]: unknown country {label!r}")

        def kind(*kinds: str) -> list:
            return [e for e in known if e.kind in kinds]

        self.companies = [e.label for e in kind("DefenceCompany")]
        self.thinktanks = [self.named(e.label) for e in kind("ThinkTank")]
        self.outlets = [e.label for e in kind("NewsOutlet")]
        self.forums = [self.named(e.label, always=True) for e in kind("Forum", "WorkingGroup")]
        self.programs = [self.named(e.label) for e in known if e.type == "Program"]
        org_entities = kind("EUInstitution", "Alliance", "InternationalOrganization", "Agency")
        self.orgs = [self._org_forms(e) for e in org_entities]
        self.core_orgs = [self._org_forms(by_label[label]) for label in data["core_orgs"]]
        self.ministries: dict[str | None, list[list[Named]]] = {}
        for e in kind("Ministry"):
            forms = [
                f for f in [e.label, *e.aliases] if re.search(r"Ministry|Department|Office|Directorate", f)
            ]
            country = next(
                (c for c, adj in self.adjective.items() if any(f.startswith(adj + " ") for f in forms)), None
            )
            self.ministries.setdefault(country, []).append([Named(f, f"the {f}") for f in forms or [e.label]])
        self.all_ministries = [m for ms in self.ministries.values() for m in ms]

        self.capitals: dict[str, list[str]] = {}
        self.places: list[str] = []
        for e in known:
            if e.type != "Place":
                continue
            section = listed.get(e.key, "")
            if e.stands_for and e.stands_for.startswith("country/"):
                country = gaz.entities[e.stands_for].label
                self.capitals.setdefault(country, []).append(e.label)
            if (
                section.startswith(("Capital", "Places:"))
                and "Regions" not in section
                and e.label[0].isupper()
            ):
                self.places.append(e.label)

        self.people: list[Person] = []
        self.people_of: dict[str, list[Person]] = {}
        bodies = dict(line.split(" = ", 1) for line in data["people_sections"])
        for e in known:
            if e.type != "Person":
                continue
            section = listed.get(e.key, "").removeprefix("People: ")
            if section not in bodies:
                continue
            body = _choose_stable([b.strip() for b in bodies[section].split("|")], e.key)
            person = self._person(e.label, self._surname(e.label, e.aliases), body, e.key)
            self.people.append(person)
            self.people_of.setdefault(person.country or body, []).append(person)

    # -- names

    def named(self, name: str, always: bool = False) -> Named:
        """``name`` with "the" where English puts it: many-word names and letter-by-letter acronyms."""
        if name in self.no_article or name.startswith("The "):
            return Named(name, name)
        several = " " in name or (name.isupper() and len(name) <= 5)
        return Named(name, f"the {name}" if several or always else name)

    def _org_forms(self, entity) -> list[Named]:
        forms = [entity.label] + [
            a for a in entity.aliases if a.isupper() and 2 <= len(a) <= 6 and "." not in a
        ]
        return [self.named(f) for f in forms]

    @staticmethod
    def _surname(label: str, aliases: list[str]) -> str:
        """The alias the label ends with ("von der Leyen"), else the last word."""
        endings = [a for a in aliases if label.endswith(" " + a)]
        return max(endings, key=len) if endings else label.split()[-1]

    def _person(self, name: str, surname: str, body: str, key: str) -> Person:
        female = name.split()[0] in self.female
        country = None
        if body.startswith("*"):
            pool = self.companies if body == "*company" else [t.name for t in self.thinktanks]
            written = _choose_stable(pool, key + "/body")
        elif body.startswith("@"):
            written = None
        else:
            country = body
            written = self.adjective[body]
        posts = self.data["posts_country" if country else f"posts_{body}"]
        head, post = _choose_stable(posts, key + "/post").split("|", 1)
        if written is None:
            written = head
        return Person(name, surname, female, written, post, country)

    def invented_person(self, rnd: random.Random, country: str) -> Person:
        female = rnd.random() < 0.4
        given = rnd.choice(self.data["female_given_names" if female else "male_given_names"])
        surname = rnd.choice(self.data["invented_surnames"])
        name = f"{given} {surname}"
        body = "*thinktank" if rnd.random() < 0.35 else country
        person = self._person(name, surname, body, name)
        return Person(name, surname, female, person.body, person.post, person.country)


@cache
def entities() -> Entities:
    return Entities()


# --- One article -----------------------------------------------------------------------------------------


def _money(rnd: random.Random, forms: list[str]) -> str:
    form = rnd.choice(forms)
    billions = rnd.choice([0.5, 1, 1.2, 1.5, 2, 2.3, 3, 4.5, 5, 8, 10, 12, 20, 35, 50, 60])
    millions = rnd.choice(
        [10, 25, 40, 50, 75, 100, 120, 150, 200, 250, 300, 350, 400, 500, 600, 752, 800, 950]
    )
    return form.replace("{B}", f"{billions:g}").replace("{M}", str(millions))


def _date(rnd: random.Random, data: dict[str, list[str]]) -> str:
    day, month, weekday = rnd.randint(1, 28), rnd.choice(data["month"]), rnd.choice(data["weekday"])
    return rnd.choice(
        [
            weekday,
            weekday,
            f"{month} {day}",
            f"{day} {month}",
            f"{weekday}, {month} {day}",
            f"{month[:3]} {day}",
        ]
    )


class Article:
    """The cast of one article and the filling of its templates."""

    def __init__(self, rnd: random.Random, pools: Entities):
        self.rnd, self.pools, self.data = rnd, pools, pools.data
        main = rnd.choice(pools.main_countries)
        others = [c for c in pools.european if c != main]
        second = "Ukraine" if main != "Ukraine" and rnd.random() < 0.5 else rnd.choice(others)
        rest = [c for c in others if c != second]
        if rnd.random() < 0.25:  # now and then a country from anywhere
            rest = [c for c in pools.countries if c not in (main, second)]
        self.countries = [main, second, *rnd.sample(rest, 2)]
        self.people = self._cast()
        self.cities = self._cities()
        self.introduced: set[str] = set()
        self.used: set[str] = set()  # templates already in the article
        local = pools.ministries.get(main)
        self.ministry = rnd.choice(local if local and rnd.random() < 0.8 else pools.all_ministries)
        self.orgs = [rnd.choice(pools.core_orgs if rnd.random() < 0.5 else pools.orgs) for _ in range(2)]
        self.companies = [self._company(), self._company()]
        self.forum = rnd.choice(pools.forums)
        self.program = rnd.choice(pools.programs)
        self.thinktank = rnd.choice(pools.thinktanks)
        self.outlet = rnd.choice(pools.outlets)

    def _cast(self) -> list[Person]:
        rnd, pools = self.rnd, self.pools
        main, second = self.countries[:2]
        cast: list[Person] = []

        def known(group: str | None) -> Person | None:
            pool = pools.people_of.get(group, []) if group else pools.people
            pool = [p for p in pool if p not in cast]
            return rnd.choice(pool) if pool else None

        first = known(main) if rnd.random() < 0.7 else None
        cast.append(first or known(rnd.choice(["@NATO", "@European Union"])) or known(None))
        for group in (second, rnd.choice(["@NATO", "@European Union", "*company", None]), None):
            person = None if rnd.random() < INVENTED_PERSON else known(group)
            cast.append(person or pools.invented_person(rnd, rnd.choice(self.countries)))
        return cast

    def _cities(self) -> list[str]:
        rnd, pools = self.rnd, self.pools
        found = []
        for _ in range(2):
            roll = rnd.random()
            capitals = pools.capitals.get(rnd.choice(self.countries[:2]))
            if roll < 0.55 and capitals:
                found.append(rnd.choice(capitals))
            elif roll < 0.7:
                found.append("Brussels")
            else:
                found.append(rnd.choice(pools.places))
        return found

    def _company(self) -> str:
        pools = self.pools
        invented = self.rnd.random() < INVENTED_COMPANY
        return self.rnd.choice(self.data["invented_companies"] if invented else pools.companies)

    # -- filling

    def fill(self, template: str, person: Person, other: Person) -> str:
        def slot(match: re.Match) -> str:
            return self.value(match.group(1), person, other)

        text = template
        for _ in range(3):  # {QUOTE} and {CLAIM} hold slots themselves
            if "{" not in text:
                break
            text = _SLOT.sub(slot, text)
        return text

    def value(self, name: str, person: Person, other: Person) -> str:  # noqa: C901, PLR0911, PLR0912
        rnd, data = self.rnd, self.data
        who = person
        if name.startswith(("PERSON2", "POST2", "BODY2")):  # the second person
            who, name = other, name.replace("2", "", 1)
        if name == "PERSON":
            self.introduced.add(who.name)
            return who.name
        if name == "PERSON_SURNAME":
            return who.surname
        if name == "PERSON_REF":
            if who.name in self.introduced:
                return who.surname
            self.introduced.add(who.name)
            if rnd.random() < TITLED_FIRST_MENTION:
                return f"{who.body} {who.post} {who.name}"
            return who.name
        if name == "POST":
            return who.post
        if name == "POST_LOWER":
            return who.post if who.post.isupper() else who.post.lower()
        if name == "BODY":
            return who.body
        if name == "PRONOUN":
            return "she" if who.female else "he"
        if name == "POSSESSIVE":
            return "her" if who.female else "his"
        countries = {"COUNTRY": 0, "COUNTRY2": 1, "COUNTRY3": 2, "COUNTRY4": 3}
        if name in countries:
            return self._country_name(self.countries[countries[name]])
        if name in ("COUNTRY_ADJ", "COUNTRY2_ADJ"):
            return self.pools.adjective[self.countries[0 if name == "COUNTRY_ADJ" else 1]]
        if name in ("CITY", "CITY2"):
            return self.cities[0 if name == "CITY" else 1]
        if name == "MINISTRY":
            return rnd.choice(self.ministry).with_article
        if name == "MINISTRY_NAME":
            return rnd.choice(self.ministry).name
        if name in ("ORG", "ORG2", "ORG_NAME", "ORG2_NAME"):
            forms = self.orgs[1 if name.startswith("ORG2") else 0]
            form = forms[0] if rnd.random() < 0.7 else rnd.choice(forms)
            return form.name if name.endswith("_NAME") else form.with_article
        single = {"FORUM": self.forum, "PROGRAM": self.program, "THINKTANK": self.thinktank}
        if name in single:
            return single[name].with_article
        if name.removesuffix("_NAME") in single:
            return single[name.removesuffix("_NAME")].name
        if name in ("COMPANY", "COMPANY2"):
            return self.companies[0 if name == "COMPANY" else 1]
        if name == "OUTLET":
            return self.outlet
        if name in ("AMOUNT", "AMOUNT2"):
            return _money(rnd, data["amount_forms"])
        if name == "DATE":
            return _date(rnd, data)
        if name == "WHEN":
            return rnd.choice(data["when"])
        if name == "MONTH":
            return rnd.choice(data["month"])
        if name == "YEAR":
            return str(rnd.randint(2004, 2025))
        if name == "FUTURE_YEAR":
            return str(rnd.randint(2026, 2035))
        if name == "NUMBER":
            return str(rnd.randint(2, 40))
        if name == "PERCENT":
            return rnd.choice(["2 percent", "2.5 percent", "3%", "3.5%", "5 per cent", "4 percent", "1.5%"])
        lists = {"WEAPON": "weapon", "TOPIC": "topic", "QUOTE": "quote_text", "CLAIM": "claim_text"}
        if name in lists:
            return rnd.choice(data[lists[name]])
        raise KeyError(f"templates.txt: unknown slot {{{name}}}")

    def _country_name(self, label: str) -> str:
        alias = {
            "United States": ["the United States", "the US", "Washington"],
            "United Kingdom": ["Britain", "the UK"],
        }
        alias |= {"Netherlands": ["the Netherlands"], "Czech Republic": ["the Czech Republic", "Czechia"]}
        forms = alias.get(label)
        return self.rnd.choice(forms) if forms else label

    def sentence(self, section: str, person: Person, other: Person) -> str:
        """A sentence of ``section`` whose template this article has not used yet (if any is left)."""
        options = self.data[section]
        template = self.rnd.choice(options)
        for _ in range(5):
            if template not in self.used:
                break
            template = self.rnd.choice(options)
        self.used.add(template)
        return _capitalise(self.fill(template, person, other))

    # -- the article

    def write(self) -> str:
        rnd = self.rnd
        words_wanted = rnd.randint(MIN_WORDS + 30, MAX_WORDS - 20)
        paragraphs_wanted = round(words_wanted / rnd.uniform(30, 75))
        paragraphs_wanted = min(MAX_PARAGRAPHS, max(MIN_PARAGRAPHS, paragraphs_wanted))
        lead_person = self.people[0]
        title = self.sentence("title", lead_person, self.people[1])
        lead = self.sentence("lead", lead_person, self.people[1])
        if rnd.random() < 0.2:
            lead = f"{self.cities[0].upper()} – {lead}"
        paragraphs: list[list[str]] = [[lead]]
        words = len(title.split()) + len(lead.split())
        kinds, weights = list(PARAGRAPH_KINDS), list(PARAGRAPH_KINDS.values())
        while len(paragraphs) < paragraphs_wanted:
            left = paragraphs_wanted - len(paragraphs)
            budget = max(15, (words_wanted - words) // left)
            paragraph = self.paragraph(rnd.choices(kinds, weights)[0], budget)
            paragraphs.append(paragraph)
            words += sum(len(s.split()) for s in paragraph)
        if rnd.random() < 0.25 and len(paragraphs) < MAX_PARAGRAPHS:
            paragraphs.append([self.sentence("closing", *self._pair())])
        return self._fit(title, paragraphs) + "\n"

    def _pair(self) -> tuple[Person, Person]:
        first = self.rnd.choices(self.people, [5, 3, 2, 1])[0]
        second = self.rnd.choice([p for p in self.people if p is not first])
        return first, second

    def paragraph(self, kind: str, budget: int) -> list[str]:
        rnd = self.rnd
        person, other = self._pair()
        section = {"quote": "quote_frame", "reported": "reported_frame"}.get(kind, kind)
        sentences = [self.sentence(section, person, other)]
        if kind in ("quote", "reported") and rnd.random() < FOLLOWUP:
            sentences.append(self.sentence("followup", person, other))
        while sum(len(s.split()) for s in sentences) < budget * 0.8 and len(sentences) < 4:
            more = rnd.choices(list(PADDING), list(PADDING.values()))[0]
            if more == "followup" and kind not in ("quote", "reported"):
                more = "context"
            sentences.append(self.sentence(more, person, other))
        return sentences

    def _fit(self, title: str, paragraphs: list[list[str]]) -> str:
        """Trim or pad the paragraphs until the article has MIN_WORDS..MAX_WORDS words."""

        def text() -> str:
            return title + "\n\n" + "\n\n".join(" ".join(p) for p in paragraphs)

        while len(text().split()) > MAX_WORDS:
            longest = max(paragraphs[1:], key=len)
            if len(longest) > 1:
                longest.pop()
            else:
                paragraphs.remove(longest)
        while len(text().split()) < MIN_WORDS:
            if len(paragraphs) < MAX_PARAGRAPHS:
                kind = self.rnd.choices(list(PARAGRAPH_KINDS), list(PARAGRAPH_KINDS.values()))[0]
                paragraphs.append(self.paragraph(kind, 30))
            else:
                min(paragraphs[1:], key=len).append(self.sentence("context", *self._pair()))
        return text()


def _capitalise(text: str) -> str:
    """The first letter of a sentence (after an opening quote) in capitals."""
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :] if char.islower() else text
        if char not in "“\"'‘":
            return text
    return text


def article(i: int, seed: int = 0) -> str:
    """The text of article ``i`` of the corpus of ``seed``."""
    rnd = random.Random(f"kg-benchmark:{seed}:{i}")
    return Article(rnd, entities()).write()


def file_name(i: int) -> str:
    return f"article-{i:05d}.txt"


def generate(n: int, folder: str | Path, seed: int = 0) -> list[Path]:
    """Write articles 0..n-1 of ``seed`` into ``folder`` (created); return their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        path = folder / file_name(i)
        path.write_text(article(i, seed), encoding="utf-8")
        paths.append(path)
    return paths


# --- Checking the fact rates against seeds/ ----------------------------------------------------------------


def fact_rates(folder: str | Path) -> dict[str, float]:
    """Words and facts per article of a folder of articles, from an in-process ``kg.build``."""
    import tempfile  # noqa: PLC0415

    from kg import build  # noqa: PLC0415

    files = sorted(Path(folder).glob("*.txt"))
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in files)
    entities = []  # the report counts distinct entities over the corpus; these are per article
    with tempfile.TemporaryDirectory() as tmp:
        report = build(
            [str(folder)],
            Path(tmp) / "out.nt",
            format="nt",
            validate=False,
            on_article=lambda facts: entities.append(len(facts.entities)),
        )
    n = report.articles or 1
    rates = {"articles": report.articles, "words": words / n, "entities": sum(entities) / n}
    for key in ("statements", "fundings", "roles", "memberships", "events", "triples"):
        rates[key] = getattr(report, key) / n
    return rates


def check(n: int = 50, seed: int = 0) -> int:
    """Print the facts per article of ``n`` generated articles next to seeds/ (and the dev set, if there)."""
    import tempfile  # noqa: PLC0415

    with tempfile.TemporaryDirectory() as tmp:
        generate(n, tmp, seed)
        rows = {f"generated ({n})": fact_rates(tmp)}
    rows["seeds/"] = fact_rates(ROOT / "seeds")
    dev = ROOT.parent / "shared" / "eval" / "dev"
    if dev.is_dir():  # read in place for comparison only; never copied
        with tempfile.TemporaryDirectory() as tmp:
            for path in sorted(dev.glob("d*.txt")):
                (Path(tmp) / path.name).symlink_to(path)
            rows["dev (style reference)"] = fact_rates(tmp)
    keys = [
        "articles",
        "words",
        "entities",
        "statements",
        "fundings",
        "roles",
        "memberships",
        "events",
        "triples",
    ]
    print(f"{'per article':<24}" + "".join(f"{k:>12}" for k in keys))
    for name, rates in rows.items():
        cells = [f"{rates[k]:>12.0f}" if k == "articles" else f"{rates[k]:>12.1f}" for k in keys]
        print(f"{name:<24}" + "".join(cells))
    generated, seeds = rows[f"generated ({n})"], rows["seeds/"]
    per_500 = [500 * r["statements"] / r["words"] for r in (generated, seeds)]
    print(f"statements per 500 words: generated {per_500[0]:.1f}, seeds {per_500[1]:.1f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="?", help="how many articles")
    parser.add_argument("folder", nargs="?", help="where to write them (created)")
    parser.add_argument("--seed", type=int, default=0, help="another corpus of the same shape")
    parser.add_argument("--check", action="store_true", help="compare the facts per article with seeds/")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT))
    if args.check:
        return check(args.n or 50, args.seed)
    if args.n is None or args.folder is None:
        parser.error("give N and FOLDER (or --check)")
    paths = generate(args.n, args.folder, args.seed)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in paths)
    print(f"{len(paths)} articles, {words} words -> {args.folder}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
