"""A rule-based proper-noun chunker: people, organisations and places named in a sentence."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words that start sentences or clauses with a capital but name nothing.
_STOPWORDS = frozenset(
    """a an the and but or so also as at by for from in into of on to with without after before
    since until while when where who which what why how this that these those there here it its
    he she they we i you his her their our my your our if then than yet still even just only
    all some many most more much several both each every no not none one two three four five
    six seven eight nine ten first second third last next new late early mid meanwhile however
    according although though because despite during earlier later once today yesterday tomorrow
    tonight mr mrs ms dr everything nothing something everyone anyone nobody""".split()
)
_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december""".split()
)
# A title before a name makes the name a person's; the title itself is left out of the name.
_TITLES = frozenset(
    """president minister secretary chairman chairwoman chair spokesman spokeswoman spokesperson
    captain admiral general governor mayor senator judge prosecutor ambassador king queen prince
    chancellor premier chief director professor mr mrs ms dr sir lord lady pope envoy""".split()
)
_ORG_CUES = frozenset(
    """authority ministry ministries marine company corporation corp inc ltd plc group council
    court bank organisation organization agency union navy army salvage shipping lines line
    kaisha association federation institute university committee commission parliament
    government police office department party times post news agency club fund forum
    management shipmanagement insurance insurers club exchange""".split()
)
_PLACE_CUES = frozenset(
    """canal sea ocean port city gulf island islands cape river bay strait peninsula province
    region county state mountains desert lake harbour harbor""".split()
)
# "Russian", "Turkish", "Egyptian": adjectives of nationality, not entities on their own.
_DEMONYM_ENDINGS = ("ian", "ish", "ese", "ean", "ern")
# Country names (a fact list): a bare "Egypt" or "Ukraine" is a place wherever it stands.
_COUNTRIES = frozenset(
    line.strip().lower()
    for line in """Afghanistan|Albania|Algeria|Andorra|Angola|Argentina|Armenia|Australia|Austria|
    Azerbaijan|Bahamas|Bahrain|Bangladesh|Barbados|Belarus|Belgium|Belize|Benin|Bhutan|Bolivia|
    Bosnia|Botswana|Brazil|Brunei|Bulgaria|Burkina Faso|Burundi|Cambodia|Cameroon|Canada|Chad|
    Chile|China|Colombia|Comoros|Congo|Costa Rica|Croatia|Cuba|Cyprus|Czechia|Denmark|Djibouti|
    Dominica|Ecuador|Egypt|El Salvador|Eritrea|Estonia|Eswatini|Ethiopia|Fiji|Finland|France|
    Gabon|Gambia|Georgia|Germany|Ghana|Greece|Grenada|Guatemala|Guinea|Guyana|Haiti|Honduras|
    Hungary|Iceland|India|Indonesia|Iran|Iraq|Ireland|Israel|Italy|Jamaica|Japan|Jordan|
    Kazakhstan|Kenya|Kiribati|Kosovo|Kuwait|Kyrgyzstan|Laos|Latvia|Lebanon|Lesotho|Liberia|Libya|
    Liechtenstein|Lithuania|Luxembourg|Madagascar|Malawi|Malaysia|Maldives|Mali|Malta|Mauritania|
    Mauritius|Mexico|Moldova|Monaco|Mongolia|Montenegro|Morocco|Mozambique|Myanmar|Namibia|Nauru|
    Nepal|Netherlands|New Zealand|Nicaragua|Niger|Nigeria|North Korea|North Macedonia|Norway|Oman|
    Pakistan|Palau|Palestine|Panama|Papua New Guinea|Paraguay|Peru|Philippines|Poland|Portugal|
    Qatar|Romania|Russia|Rwanda|Samoa|San Marino|Saudi Arabia|Senegal|Serbia|Seychelles|
    Sierra Leone|Singapore|Slovakia|Slovenia|Somalia|South Africa|South Korea|South Sudan|Spain|
    Sri Lanka|Sudan|Suriname|Sweden|Switzerland|Syria|Taiwan|Tajikistan|Tanzania|Thailand|Togo|
    Tonga|Tunisia|Turkey|Turkmenistan|Tuvalu|Uganda|Ukraine|United Arab Emirates|United Kingdom|
    United States|Uruguay|Uzbekistan|Vanuatu|Vatican|Venezuela|Vietnam|Yemen|Zambia|Zimbabwe|
    Britain|England|Scotland|Wales|UK|US|USA|UAE|Europe|Asia|Africa|America|Moscow|Kyiv|Kiev|Cairo|Ankara|
    Istanbul|Beijing|Washington|London|Paris|Berlin|Brussels|Rotterdam|Tokyo|Taipei|Delhi""".split(
        "|"
    )
)
_NOT_BEFORE_PEOPLE = frozenset(
    """the a an ship ships vessel vessels tug tugs tugboat tugboats dredger dredgers tanker
    tankers carrier carriers freighter boat boats ferry liner""".split()
)
_PLACE_PREPOSITIONS = frozenset({"in", "at", "near", "across", "from", "to", "towards", "off"})
_CONNECTORS = frozenset({"of", "de", "al", "bin", "von", "van", "der", "du", "la", "le", "&"})

_TOKEN = re.compile(r"[A-Za-z\u00c0-\u024f][\w\u00c0-\u024f'’.&-]*|[^\sA-Za-z\u00c0-\u024f]+")


@dataclass(frozen=True)
class EntityMention:
    name: str
    kind: str  # person / organisation / place / other
    # False for a lone capitalised word opening a sentence ("Salvage", "Rabie"): only a
    # name already known from elsewhere should turn it into an entity.
    certain: bool = True


def _clean(token: str) -> str:
    token = token.rstrip(".,;:!?")
    for suffix in ("'s", "’s"):
        if token.endswith(suffix):
            token = token[: -len(suffix)]
    return token


def _is_capitalised(token: str) -> bool:
    if token[:1].islower() and "-" in token:
        # Particles joined to a name: "al-Sisi", "bin-Salman".
        return token.split("-", 1)[1][:1].isupper()
    return token[:1].isupper() and token.lower() not in _STOPWORDS


def _classify(words: list[str], before: str, had_title: bool) -> str:
    lowered = [w.lower() for w in words]
    if had_title:
        return "person"
    if any(ch.isdigit() for ch in "".join(words)) or words[-1] in {"II", "III", "IV"}:
        return "other"
    if " ".join(lowered) in _COUNTRIES:
        return "place"
    if any(w in _ORG_CUES for w in lowered) or (len(words) == 1 and words[0].isupper()):
        return "organisation"
    if any(w.endswith(("'s", "’s")) for w in lowered[:-1]):
        return "organisation"  # a possessive inside a name: "Lloyd's List" (`_possessive_name`)
    if any(w in _PLACE_CUES for w in lowered):
        return "place"
    if before in _PLACE_PREPOSITIONS and len(words) <= 2:
        return "place"
    # "the Ever Given", "the tug Alp Guard": people's names take no article and no vessel noun.
    looks_like_a_name = all(_is_capitalised(w) for w in words)
    if 2 <= len(words) <= 4 and looks_like_a_name and before not in _NOT_BEFORE_PEOPLE:
        return "person"
    return "other"


# A publication or firm whose name holds a possessive ends in one of these: "Lloyd's List",
# "Moody's Investors Service", "McDonald's Corp".
_POSSESSIVE_NAME_ENDS = _ORG_CUES | {"list", "journal", "register", "gazette", "service", "review"}


def _possessive_name(tokens: list[str], i: int, words: list[str]) -> list[str]:
    """The words of a name that runs on past the possessive at `tokens[i]`, or none.

    "Egypt's Suez Canal Authority" and "Russia's Gazprom" are two names (a place's
    possessive, or no firm's word at the end); "Lloyd's List" is one.
    """
    raw = tokens[i]
    if not raw.endswith(("'s", "’s")) or words:
        return []
    owner = raw[:-2]
    if not owner or owner.lower() in _COUNTRIES or owner.lower() in _TITLES:
        return []
    following: list[str] = []
    for token in tokens[i + 1 : i + 5]:
        word = _clean(token)
        if not word or not _is_capitalised(word) or word.lower() in _CALENDAR:
            break
        following.append(word)
        if word != token:
            break  # punctuation or another possessive ends the name here
    while following and following[-1].lower() not in _POSSESSIVE_NAME_ENDS:
        following.pop()
    if not following:
        return []
    return [raw, *following]


def find_entities(sentence: str) -> list[EntityMention]:
    """Proper-noun runs of a sentence, titles stripped, each with a guessed kind.

    Hand-written because no light library does this without a statistical model; it is
    deliberately conservative: a lone capitalised word at the start of a sentence is skipped.
    """
    tokens = [m.group() for m in _TOKEN.finditer(sentence)]
    mentions: list[EntityMention] = []
    seen: set[tuple[str, str]] = set()
    previous_end, previous_kind = -1, ""
    i = 0
    while i < len(tokens):
        token = _clean(tokens[i])
        if not token or not _is_capitalised(token) or token.lower() in _CALENDAR:
            i += 1
            continue
        before = tokens[i - 1].lower() if i else ""
        run_start = i
        words: list[str] = []
        while i < len(tokens):
            raw = tokens[i]
            word = _clean(raw)
            if word and _is_capitalised(word) and word.lower() not in _CALENDAR:
                named = _possessive_name(tokens, i, words)
                if named:
                    words += named
                    i += len(named)
                    break
                words.append(word)
                i += 1
                if word != raw:
                    break  # punctuation or a possessive closes the name
                continue
            nxt = tokens[i + 1] if i + 1 < len(tokens) else ""
            if words and word.lower() in _CONNECTORS and nxt[:1].isupper():
                words.append(word)
                i += 1
                continue
            break
        while words and words[-1].lower() in _CONNECTORS:
            words.pop()
        # Drop everything up to the last title word: "Foreign Minister Sergei Lavrov".
        had_title = False
        for j in range(len(words) - 1, -1, -1):
            if words[j].lower() in _TITLES:
                had_title = j < len(words) - 1
                words = words[j + 1 :]
                break
        if not words:
            continue
        if len(words) == 1 and (len(words[0]) < 2 or words[0].lower().endswith(_DEMONYM_ENDINGS)):
            continue
        certain = not (run_start == 0 and len(words) == 1 and not had_title)
        name = " ".join(words)
        kind = _classify(words, before, had_title)
        coordinated = before in ("and", "or") and run_start == previous_end + 1
        if coordinated and kind == "person" and not had_title and previous_kind == "other":
            kind = "other"  # "the tugs Alp Guard and Carlo Magno": named alike
        previous_end, previous_kind = i, kind
        key = (name, kind)
        if key not in seen:
            seen.add(key)
            mentions.append(EntityMention(name=name, kind=kind, certain=certain))
    return mentions
