"""Research identifiers: validated with their real check algorithms, stored normalised.

Each ``normalise_*`` function accepts what people paste (a URL, spaces, lower case) and returns
the canonical form, or raises ``ValueError`` with a sentence saying what is wrong.
"""

import re

_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"


def orcid_check_character(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 over the first 15 digits ('X' stands for 10)."""
    total = 0
    for ch in base_digits:
        total = (total + int(ch)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def normalise_orcid(value: str) -> str:
    raw = value.strip()
    raw = re.sub(r"^(https?://)?(www\.)?orcid\.org/", "", raw, flags=re.IGNORECASE)
    compact = raw.replace("-", "").replace(" ", "").upper()
    if not re.fullmatch(r"\d{15}[\dX]", compact):
        raise ValueError(
            "Un ORCID se compose de 16 caractères : quatre groupes de quatre chiffres (le dernier peut être X)."
        )
    if orcid_check_character(compact[:15]) != compact[15]:
        raise ValueError("Cet ORCID n'est pas valide : son caractère de contrôle ne correspond pas.")
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))


def ror_checksum(body: str) -> str:
    """ISO 7064 MOD 97-10 of the Crockford base-32 part, as two digits."""
    number = 0
    for ch in body:
        number = number * 32 + _CROCKFORD.index(ch)
    return f"{98 - (number * 100) % 97:02d}"


def normalise_ror(value: str) -> str:
    raw = value.strip().lower()
    raw = re.sub(r"^(https?://)?(www\.)?ror\.org/", "", raw)
    if not re.fullmatch(r"0[0-9a-hjkmnp-tv-z]{6}\d{2}", raw):
        raise ValueError(
            "Un identifiant ROR compte 9 caractères : un 0, six caractères base 32 (sans i, l, o, u) et deux chiffres."
        )
    if ror_checksum(raw[:7]) != raw[7:]:
        raise ValueError("Cet identifiant ROR n'est pas valide : sa clé de contrôle ne correspond pas.")
    return raw


def normalise_rnsr(value: str) -> str:
    raw = value.strip().upper().replace(" ", "")
    if not re.fullmatch(r"\d{9}[A-Z]", raw):
        raise ValueError(
            "Un numéro RNSR compte neuf chiffres suivis d'une lettre majuscule, par exemple 200717524X."
        )
    return raw


def normalise_idref(value: str) -> str:
    raw = value.strip()
    raw = re.sub(r"^(https?://)?(www\.)?idref\.fr/", "", raw, flags=re.IGNORECASE).upper()
    if not re.fullmatch(r"\d{8}[\dX]", raw):
        raise ValueError("Un identifiant IdRef compte huit chiffres suivis d'un chiffre ou de X.")
    return raw


def orcid_url(value: str) -> str:
    return f"https://orcid.org/{value}"


def ror_url(value: str) -> str:
    return f"https://ror.org/{value}"


def idref_url(value: str) -> str:
    return f"https://www.idref.fr/{value}"


def rnsr_url(value: str) -> str:
    return f"https://appliweb.dgri.education.fr/rnsr/PresenteStruct.jsp?numNatStruct={value}"
