"""Customers' names from many cultures, and the email addresses made from them."""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from smallbiz_crm.services.demo.draft import Draft, Weighted

# Per culture: weight, male first names, female first names, family names ("male/female" where
# the form differs). Latin-script cultures also borrow family names from one another.
_CULTURES: tuple[tuple[int, str, str, str], ...] = (
    (26, "James Liam Noah Ethan Henry Jack Samuel Daniel Oliver Thomas Michael Ben Owen",
     "Mary Olivia Emma Ava Grace Chloe Lily Ruth Hannah Megan Sarah Emily Abigail",
     "Smith Johnson Williams Brown Miller Davis Wilson Taylor Anderson Clark Walker Hall "
     "Young Wright Hughes Baker Carter Bennett"),
    (11, "José Javier Tomás Diego Andrés Raúl Sergio Joaquín",
     "María Lucía Sofía Pilar Camila Valentina Inés Ximena",
     "García Martínez Núñez Fernández González Ibáñez López Rodríguez Peña Muñoz"),
    (5, "João Mateus Rafael Gonçalo Thiago", "Beatriz Mariana Leonor Luísa Conceição",
     "Pereira Gonçalves Conceição Araújo Simões Magalhães"),
    (6, "Théo François Jérôme Loïc Benoît", "Zoë Chloé Amélie Hélène Noémie Aurélie",
     "Dubois Lefèvre Moreau Girard Mercier Bérénger"),
    (7, "Jürgen Björn Søren Lukas Malte Jörg", "Lena Katrin Ingrid Åsa Sigrún Jördis",
     "Müller Schröder Weiß Köhler Østergaard Jørgensen Andersson Nilsson Bäcker"),
    (4, "Matteo Lorenzo Niccolò Gianluca", "Giulia Francesca Chiara Martina",
     "Rossi Bianchi Esposito Ricci Galli"),
    (4, "Łukasz Jiří Paweł Tomáš", "Małgorzata Zofia Tereza Agnieszka",
     "Kowalski/Kowalska Nowak Wiśniewski/Wiśniewska Dvořák/Dvořáková Novák/Nováková"),
    (3, "Mehmet Emre Çağrı", "Ayşe Elif Gülşen", "Öztürk Yılmaz Şahin Çelik"),
    (3, "Δημήτρης Γιώργος Νίκος Κώστας", "Ελένη Σοφία Μαρία Κατερίνα",
     "Παπαδόπουλος/Παπαδοπούλου Οικονόμου Γεωργίου Νικολάου"),
    (3, "Дмитрий Иван Сергей Алексей", "Ольга Анна Наталья Екатерина",
     "Иванов/Иванова Петров/Петрова Смирнов/Смирнова Кузнецов/Кузнецова"),
    (5, "Seán Eoin Cian Pádraig", "Siobhán Niamh Aoife Saoirse",
     "O'Brien Murphy Ó Súilleabháin Byrne Kavanagh"),
    (7, "Wei Hiroshi Minh Jun Haruto", "Mei Yuki Linh Seo-yeon Xiu",
     "Chen Wang Tanaka Nguyen Kim Park Sato Li"),
    (5, "Arjun Rohan Vikram Sanjay", "Priya Ananya Deepika Aisha",
     "Patel Sharma Iyer Reddy Kapoor"),
    (4, "Kwame Chidi Tunde Kofi", "Amara Ngozi Nia Adaeze", "Mensah Okafor Adeyemi Boateng"),
    (3, "Omar Karim Youssef", "Fatima Layla Yasmin", "Haddad Khoury Nasser Mansour"),
)
_LATIN = frozenset(range(len(_CULTURES))) - {8, 9}

_ASCII_EXTRA = str.maketrans({"ß": "ss", "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "æ": "ae",
                              "œ": "oe", "đ": "d", "ı": "i", "'": "", "-": "", " ": ""})
_GREEK = dict(zip("αβγδεζηθικλμνξοπρσςτυφχψω",
                  ["a", "v", "g", "d", "e", "z", "i", "th", "i", "k", "l", "m", "n", "x", "o",
                   "p", "r", "s", "s", "t", "y", "f", "ch", "ps", "o"], strict=True))
_CYRILLIC = dict(zip("абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
                     ["a", "b", "v", "g", "d", "e", "e", "zh", "z", "i", "y", "k", "l", "m",
                      "n", "o", "p", "r", "s", "t", "u", "f", "kh", "ts", "ch", "sh", "shch",
                      "", "y", "", "e", "yu", "ya"], strict=True))


def ascii_name(name: str) -> str:
    """'José' → 'jose', 'Ольга' → 'olga': the part of a name that can go into an email."""
    lowered = name.lower().translate(_ASCII_EXTRA)
    stripped = "".join(ch for ch in unicodedata.normalize("NFKD", lowered)
                       if not unicodedata.combining(ch))
    return "".join(_GREEK.get(ch) or _CYRILLIC.get(ch) or ch for ch in stripped)


class _Culture(NamedTuple):
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[tuple[str, str], ...]  # (male form, female form)


def _cultures() -> tuple[_Culture, ...]:
    result = []
    for _, male, female, family in _CULTURES:
        pairs = []
        # Names are space-separated, except that "Ó Súilleabháin" is one name with a space.
        words: list[str] = []
        for word in family.split():
            if words and words[-1] == "Ó":
                words[-1] += " " + word
            else:
                words.append(word)
        for word in words:
            m, _, f = word.partition("/")
            pairs.append((m, f or m))
        result.append(_Culture(tuple(male.split()), tuple(female.split()), tuple(pairs)))
    return tuple(result)


_CULTURE_TABLE = _cultures()

_LATIN_FAMILIES = tuple(pair for index in sorted(_LATIN)
                        for pair in _CULTURE_TABLE[index].family)

_CULTURE_PICK = Weighted([(index, culture[0]) for index, culture in enumerate(_CULTURES)])
_DOMAINS = ("example.com", "example.org", "example.net", "mail.example.com", "post.example.net")


def person_name(draft: Draft) -> tuple[str, str, str]:
    """A full name, and its first and family names as they can go into an email."""
    index = draft.pick(_CULTURE_PICK)
    culture = _CULTURE_TABLE[index]
    female = draft.rnd() < 0.5
    first = draft.ch(culture.female if female else culture.male)
    family = (draft.ch(_LATIN_FAMILIES) if index in _LATIN and draft.rnd() < 0.2
              else draft.ch(culture.family))
    last = family[1] if female else family[0]
    return f"{first} {last}", ascii_name(first), ascii_name(last)


def email(draft: Draft, first: str, last: str) -> str:
    style = draft.below(5)
    local = (f"{first}.{last}" if style == 0 else f"{first}{last}" if style == 1
             else f"{first[0]}{last}" if style == 2 else f"{first}_{last}" if style == 3
             else f"{first}{last}{draft.ri(1, 99)}")
    return f"{local}@{draft.ch(_DOMAINS)}"
