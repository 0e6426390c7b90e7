"""The scaffolded family's tests, as text: one contract per protocol method (the same kind of answer
as the canonical's), the differential over generated call sequences, the package's docstring and
an empty divergences.toml."""

from __future__ import annotations

from harness.prove.scaffold.code import HEADER, q
from harness.prove.scaffold.shapes import Method


def package(family: str, canonical: str) -> str:
    return (
        f'"""The {family} family, proven: protocol.py (the canonical {canonical}\'s public methods),\n'
        "adapters/ (one per member), strategies.py (the arguments), test_contracts.py and\n"
        f'test_differential.py, divergences.toml. {HEADER.format(family=family)}"""\n'
    )


def adapters_package(family: str) -> str:
    return f'"""One adapter per member of the {family} family (module name = member, in snake case)."""\n'


def contracts(family: str, methods: tuple[Method, ...]) -> str:
    tests = []
    for method in methods:
        tests.append(
            "@equivalence_settings()\n"
            f"@given(arguments=st.fixed_dictionaries(ARGUMENTS[{q(method.name)}]))\n"
            f"def test_{method.name}_answers_like_the_canonical(ssot_implementation, ssot_canonical, arguments) -> None:\n"
            f"    assert_same_kind(ssot_implementation, ssot_canonical, {q(method.name)}, arguments)\n"
        )
    body = (
        "\n\n".join(tests)
        if tests
        else "def test_the_protocol_has_methods() -> None:\n    raise AssertionError('the canonical has no public method: write the contracts by hand')\n"
    )
    return (
        f'"""Contracts of the {family} family, one per method of the protocol: for arguments drawn\n'
        "from the canonical's annotations (strategies.py), every member answers with the same kind of\n"
        "thing as the canonical (the type it returns, the exception it raises). A first property each:\n"
        "add contracts that state the behaviours your callers rely on, taking `ssot_implementation`.\n\n"
        f'{HEADER.format(family=family)}"""\n\n'
        "from __future__ import annotations\n\n"
        "import pytest\n"
        "from hypothesis import given\n"
        "from hypothesis import strategies as st\n\n"
        "from harness import assert_same_kind, equivalence_settings\n\n"
        "from .strategies import ARGUMENTS\n\n"
        "pytestmark = pytest.mark.contract\n\n\n" + body
    )


def differential(family: str) -> str:
    return (
        f'"""Differential of the {family} family: hypothesis draws sequences of protocol calls on a few\n'
        "built objects (strategies.py), every member plays them, and each call's answer (what it\n"
        "returns, or the exception it raises) must be the canonical's; a difference fails with the\n"
        "shrunk minimal sequence and the diff.\n\n"
        f'{HEADER.format(family=family)}"""\n\n'
        "from __future__ import annotations\n\n"
        "import pytest\n"
        "from hypothesis import given\n\n"
        "from harness import (\n"
        "    CanonicalMemo,\n"
        "    assert_same_as_canonical,\n"
        "    calls,\n"
        "    describe_calls,\n"
        "    equivalence_settings,\n"
        "    play,\n"
        ")\n\n"
        "from .strategies import ARGUMENTS, MAX_CALLS, OBJECTS\n\n"
        "pytestmark = pytest.mark.contract\n"
        f'_CANONICAL = CanonicalMemo("{family}.scaffold")  # the canonical\'s trace per case\n\n\n'
        "@equivalence_settings()\n"
        "@given(case=calls(ARGUMENTS, objects=OBJECTS, max_calls=MAX_CALLS))\n"
        "def test_same_outcomes_as_the_canonical(ssot_implementation, ssot_canonical, case) -> None:\n"
        "    assert_same_as_canonical(\n"
        "        ssot_implementation,\n"
        "        ssot_canonical,\n"
        "        case,\n"
        "        trace=play,\n"
        "        describe=describe_calls,\n"
        "        memo=_CANONICAL,\n"
        "    )\n"
    )


def divergences(family: str, example_member: str) -> str:
    return (
        f"# Accepted divergences of the {family} family: each runs as a strict xfail, so once fixed\n"
        "# its test passes, the run fails, and the entry must go. One table per divergence:\n"
        "#\n"
        "# [[divergence]]\n"
        f'# member = "{example_member}"\n'
        '# contract = "test_same_outcomes_as_the_canonical"\n'
        '# reason = "what differs (the minimal case), and why it is accepted for now"\n'
    )
