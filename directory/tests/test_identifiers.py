import pytest
from hypothesis import given
from hypothesis import strategies as st

from directory import identifiers as ids


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("0000-0002-1825-0097", "0000-0002-1825-0097"),  # ORCID's documented example
        ("https://orcid.org/0000-0001-5109-3700", "0000-0001-5109-3700"),
        ("0000 0002 1694 233X", "0000-0002-1694-233X"),  # check character X
        ("000000021694233x", "0000-0002-1694-233X"),
    ],
)
def test_orcid_normalised(raw, expected):
    assert ids.normalise_orcid(raw) == expected


@pytest.mark.parametrize("raw", ["0000-0002-1825-0098", "0000-0002-1825", "abcd-0002-1825-0097", ""])
def test_orcid_rejected(raw):
    with pytest.raises(ValueError):
        ids.normalise_orcid(raw)


@given(st.text(alphabet="0123456789", min_size=15, max_size=15))
def test_orcid_check_character_round_trip_and_single_digit_errors_detected(base):
    full = base + ids.orcid_check_character(base)
    assert ids.normalise_orcid(full) == "-".join(full[i : i + 4] for i in range(0, 16, 4))
    # MOD 11-2 detects every single-digit substitution
    for pos in range(15):
        for digit in "0123456789":
            if digit != base[pos]:
                altered = base[:pos] + digit + base[pos + 1 :]
                assert ids.orcid_check_character(altered) != full[15]


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("02vjkv261", "02vjkv261"),  # Inserm
        ("https://ror.org/02feahw73", "02feahw73"),  # CNRS
        ("04T0GWH46", "04t0gwh46"),  # Institut Curie
    ],
)
def test_ror_normalised(raw, expected):
    assert ids.normalise_ror(raw) == expected


@pytest.mark.parametrize("raw", ["02vjkv262", "12vjkv261", "02vjkv2", "02ujkv261", "0ilou0000"])
def test_ror_rejected(raw):
    with pytest.raises(ValueError):
        ids.normalise_ror(raw)


@given(st.text(alphabet="0123456789abcdefghjkmnpqrstvwxyz", min_size=6, max_size=6))
def test_ror_checksum_round_trip(body):
    ror = "0" + body + ids.ror_checksum("0" + body)
    assert ids.normalise_ror(ror.upper()) == ror


def test_rnsr_and_idref_formats():
    assert ids.normalise_rnsr(" 200717524x ".upper()) == "200717524X"
    with pytest.raises(ValueError):
        ids.normalise_rnsr("20071752X")
    assert ids.normalise_idref("https://www.idref.fr/02663024x") == "02663024X"
    with pytest.raises(ValueError):
        ids.normalise_idref("1234567")


def test_links():
    assert ids.orcid_url("0000-0002-1825-0097") == "https://orcid.org/0000-0002-1825-0097"
    assert ids.ror_url("02vjkv261") == "https://ror.org/02vjkv261"
