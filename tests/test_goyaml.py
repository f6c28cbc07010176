"""Tests for criimages.goyaml against go-yaml v2.4.0 output.

Every expected output in the tables below was printed by a Go program that runs what sigs.k8s.io/yaml JSONToYAML
runs (yaml.Unmarshal of the JSON text into interface{}, then yaml.Marshal) with Debian's
gopkg.in/yaml.v2 2.4.0, on JSON text written as protojson (crictl images) or encoding/json
(crictl inspecti) writes it.
"""

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from criimages.errors import CriimagesError
from criimages.goyaml import json_text_to_yaml, json_to_yaml

CASES = Path(__file__).parent / "fixtures" / "conformance" / "main" / "cases"

WORDS = "Go uses the shortest decimal that rounds back, and lines break only at single spaces"
LONG_TEXT = WORDS + " " + WORDS
DOUBLE_SPACED = WORDS.replace(" ", "  ") * 2


def test_images_yaml_matches_crictl():
    listing = json.loads((CASES / "images_json.out").read_text())

    assert json_to_yaml(listing) + "\n" == (CASES / "images_yaml.out").read_text()


def test_inspecti_yaml_matches_crictl():
    # The JSON document that crictl inspecti -o yaml converted, written out from its YAML output.
    status = {
        "username": "",
        "id": "84278c3c1fc2c5a078bccbcdef57ec551ce9f6ec6a067b51fd3714ca192947f5",
        "repoTags": ["quay.io/example/hello-world:latest"],
        "repoDigests": [
            "quay.io/example/hello-world@sha256:16e21f114caf8a0dcce52d91e9a0d824d063c2383ab4891c254ebbb66d7fb56d"
        ],
        "size": "3822705",
        "spec": {
            "userSpecifiedImage": "",
            "image": "",
            "annotations": {
                "org.opencontainers.image.base.name": "localhost/src/alpine:3.19",
                "org.opencontainers.image.base.digest": (
                    "sha256:2add6efbe69eb6d4070d5f25bd9d8b5e6a9787f3ba82df24c5e6ed00465052bc"
                ),
            },
            "runtimeHandler": "",
            "imageRef": "",
        },
        "pinned": True,
    }
    labels = {"org.opencontainers.image.title": "hello-world", "io.buildah.version": "1.28.2"}
    image_spec = {
        "created": "2026-12-04T19:15:58.025462713Z",
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Labels": labels,
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            "Cmd": ["/hello"],
        },
        "rootfs": {
            "type": "layers",
            "diff_ids": [
                "sha256:1616fe866bffea2daea3b94a9b71fb079479be8e85a64d52477eb9ce3397b479",
                "sha256:2c37721bdaea884e04c18efb7fa11825fdb0cf2f9052cf98afbb0d2117cd1b24",
            ],
        },
        "history": [
            {"created_by": "/bin/sh", "created": "2026-12-04T19:15:57.624330154Z"},
            {
                "created_by": "/bin/sh",
                "created": "2026-12-04T19:15:59.000571216Z",
                "comment": "FROM localhost/src/alpine:3.19",
            },
        ],
    }
    document = {"status": status, "info": {"labels": dict(labels), "imageSpec": image_spec}}

    output = json_to_yaml(document, json_encoder="encoding/json")

    assert output + "\n" == (CASES / "inspecti_hello_yaml.out").read_text()


# Block mappings indent by 2, sequences under a key start at the key's column.
STRUCTURE = [
    pytest.param({'a': {'b': {'c': 'd'}}, 'e': 'f'}, 'a:\n  b:\n    c: d\ne: f\n', id='nested-mapping'),
    pytest.param({'list': ['x', 'y'], 'z': 1}, 'list:\n- x\n- "y"\nz: 1\n', id='sequence-under-key'),
    pytest.param([['a', 'b'], ['c'], []], '- - a\n  - b\n- - c\n- []\n', id='sequence-of-sequences'),
    pytest.param([{'b': 1, 'a': 2}, {}], '- a: 2\n  b: 1\n- {}\n', id='sequence-of-mappings'),
    pytest.param({'k': [{'x': [1, 2], 'y': {'z': None}}]}, 'k:\n- x:\n  - 1\n  - 2\n  "y":\n    z: null\n', id='mapping-in-sequence-in-mapping'),
    pytest.param({'l': [], 'm': {}, 'n': [[], {}]}, 'l: []\nm: {}\n"n":\n- []\n- {}\n', id='empty-containers'),
    pytest.param([], '[]\n', id='root-empty-list'),
    pytest.param({}, '{}\n', id='root-empty-mapping'),
    pytest.param('hello', 'hello\n', id='root-string'),
    pytest.param('123', '"123"\n', id='root-number-like-string'),
    pytest.param(42, '42\n', id='root-int'),
    pytest.param(None, 'null\n', id='root-null'),
    pytest.param(True, 'true\n', id='root-true'),
    pytest.param('a\nb', '|-\n  a\n  b\n', id='root-multiline'),
    pytest.param({'n': None, 't': True, 'f': False}, 'f: false\n"n": null\nt: true\n', id='null-and-bools'),
]


@pytest.mark.parametrize("value, expected", STRUCTURE)
def test_structure(value, expected):
    assert json_to_yaml(value) == expected


# sorter.go keyList.Less: digit runs compare as numbers and non-letters sort before letters.
KEY_ORDER = [
    pytest.param({'a10': 1, 'a2': 2, 'a1': 3}, 'a1: 3\na2: 2\na10: 1\n', id='digits-compare-as-numbers'),
    pytest.param({'b': 1, 'B': 2, '_': 3, '1': 4, 'a_b': 5, 'ab': 6}, '_: 3\n"1": 4\nB: 2\na_b: 5\nab: 6\nb: 1\n', id='non-letters-before-letters'),
    pytest.param({'x09': 1, 'x9': 2, 'x10': 3, 'x099': 4}, 'x9: 2\nx09: 1\nx10: 3\nx099: 4\n', id='leading-zeros'),
    pytest.param({'a01': 1, 'a1': 2, 'a001': 3, 'a0': 4, 'a00': 5}, 'a0: 4\na00: 5\na1: 2\na01: 1\na001: 3\n', id='zero-runs'),
    pytest.param({'a.b': 1, 'a-b': 2, 'a/b': 3, 'a:b': 4, 'a': 5}, 'a: 5\na-b: 2\na.b: 1\na/b: 3\na:b: 4\n', id='punctuation'),
    pytest.param({'Labels': 1, 'Cmd': 2, 'Env': 3, 'architecture': 4, 'config': 5}, 'Cmd: 2\nEnv: 3\nLabels: 1\narchitecture: 4\nconfig: 5\n', id='upper-before-lower'),
    pytest.param({'abc': 1, 'ab': 2, 'abcd': 3}, 'ab: 2\nabc: 1\nabcd: 3\n', id='prefix-first'),
    pytest.param({'é': 1, 'z': 2, 'ａ': 3, 'Z': 4}, 'Z: 4\nz: 2\né: 1\nａ: 3\n', id='unicode-letters'),
    pytest.param({'a65993279731562353002': 1, 'a1': 2, 'a2': 3}, 'a65993279731562353002: 1\na1: 2\na2: 3\n', id='digit-run-overflows-int64'),
    pytest.param({'x٣': 1, 'x4': 2, 'x10': 3}, 'x4: 2\nx10: 3\nx٣: 1\n', id='non-ascii-digit'),
    pytest.param({'v1.10': 1, 'v1.9': 2, 'v1.10.1': 3, 'v2': 4}, 'v1.9: 2\nv1.10: 1\nv1.10.1: 3\nv2: 4\n', id='version-like'),
    pytest.param({'3.19': 1, '3.9': 2, 'latest': 3, '3.10-alpine': 4}, '"3.9": 2\n3.10-alpine: 4\n"3.19": 1\nlatest: 3\n', id='tag-like'),
]


@pytest.mark.parametrize("value, expected", KEY_ORDER)
def test_key_order(value, expected):
    assert json_to_yaml(value) == expected


# Strings that would read back as a number, bool, null or timestamp are double-quoted, and near
# misses stay plain.
RESOLVED_STRINGS = [
    pytest.param('31209', 'k: "31209"\n', id='31209'),
    pytest.param('0123', 'k: "0123"\n', id='0123'),
    pytest.param('08', 'k: "08"\n', id='08'),
    pytest.param('-1', 'k: "-1"\n', id='-1'),
    pytest.param('+1', 'k: "+1"\n', id='+1'),
    pytest.param('1_000', 'k: "1_000"\n', id='1_000'),
    pytest.param('0x1F', 'k: "0x1F"\n', id='0x1F'),
    pytest.param('0o17', 'k: "0o17"\n', id='0o17'),
    pytest.param('0b101', 'k: "0b101"\n', id='0b101'),
    pytest.param('0b-1', 'k: "0b-1"\n', id='0b-1'),
    pytest.param('1e3', 'k: "1e3"\n', id='1e3'),
    pytest.param('1E+3', 'k: "1E+3"\n', id='1E+3'),
    pytest.param('.5', 'k: ".5"\n', id='.5'),
    pytest.param('-.5', 'k: "-.5"\n', id='-.5'),
    pytest.param('1.', 'k: "1."\n', id='1.'),
    pytest.param('.inf', 'k: ".inf"\n', id='.inf'),
    pytest.param('-.Inf', 'k: "-.Inf"\n', id='-.Inf'),
    pytest.param('.NaN', 'k: ".NaN"\n', id='.NaN'),
    pytest.param('yes', 'k: "yes"\n', id='yes'),
    pytest.param('Yes', 'k: "Yes"\n', id='Yes'),
    pytest.param('NO', 'k: "NO"\n', id='NO'),
    pytest.param('n', 'k: "n"\n', id='n'),
    pytest.param('Y', 'k: "Y"\n', id='Y'),
    pytest.param('on', 'k: "on"\n', id='on'),
    pytest.param('OFF', 'k: "OFF"\n', id='OFF'),
    pytest.param('true', 'k: "true"\n', id='true'),
    pytest.param('False', 'k: "False"\n', id='False'),
    pytest.param('~', 'k: "~"\n', id='~'),
    pytest.param('null', 'k: "null"\n', id='null'),
    pytest.param('NULL', 'k: "NULL"\n', id='NULL'),
    pytest.param('', 'k: ""\n', id='empty'),
    pytest.param('1:20', 'k: "1:20"\n', id='1:20'),
    pytest.param('-1:20:30.5', 'k: "-1:20:30.5"\n', id='-1:20:30.5'),
    pytest.param('190:20:30', 'k: "190:20:30"\n', id='190:20:30'),
    pytest.param('2026-12-04T19:15:58.025462713Z', 'k: "2026-12-04T19:15:58.025462713Z"\n', id='2026-12-04T19:15:58.025462713Z'),
    pytest.param('2023-1-2', 'k: "2023-1-2"\n', id='2023-1-2'),
    pytest.param('2023-01-02 03:04:05', 'k: "2023-01-02 03:04:05"\n', id='2023-01-02 03:04:05'),
    pytest.param('2023-01-02  3:4:5.5', 'k: "2023-01-02  3:4:5.5"\n', id='2023-01-02  3:4:5.5'),
    pytest.param('2023-01-02t03:04:05+05:30', 'k: "2023-01-02t03:04:05+05:30"\n', id='2023-01-02t03:04:05+05:30'),
    pytest.param('9223372036854775808', 'k: "9223372036854775808"\n', id='9223372036854775808'),
    pytest.param('18446744073709551615', 'k: "18446744073709551615"\n', id='18446744073709551615'),
    pytest.param('12345678901234567890123', 'k: "12345678901234567890123"\n', id='12345678901234567890123'),
    pytest.param('0x10000000000000000', 'k: 0x10000000000000000\n', id='0x10000000000000000'),
    pytest.param('1e400', 'k: 1e400\n', id='1e400'),
    pytest.param('._5', 'k: ._5\n', id='._5'),
    pytest.param('<<', 'k: <<\n', id='<<'),
    pytest.param('=', 'k: =\n', id='='),
    pytest.param('oN', 'k: oN\n', id='oN'),
    pytest.param('Nan', 'k: Nan\n', id='Nan'),
    pytest.param('inf', 'k: inf\n', id='inf'),
    pytest.param('+inf', 'k: +inf\n', id='+inf'),
    pytest.param('2023-02-30', 'k: 2023-02-30\n', id='2023-02-30'),
    pytest.param('2024-02-29', 'k: "2024-02-29"\n', id='2024-02-29'),
    pytest.param('2023-13-01', 'k: 2023-13-01\n', id='2023-13-01'),
    pytest.param('2023-01-02T24:00:00Z', 'k: 2023-01-02T24:00:00Z\n', id='2023-01-02T24:00:00Z'),
    pytest.param('0x', 'k: 0x\n', id='0x'),
    pytest.param('0b', 'k: 0b\n', id='0b'),
    pytest.param('0b2', 'k: 0b2\n', id='0b2'),
    pytest.param('-', "k: '-'\n", id='-'),
    pytest.param('+', 'k: +\n', id='+'),
    pytest.param('.', 'k: .\n', id='.'),
    pytest.param('1.2.3', 'k: 1.2.3\n', id='1.2.3'),
]


# Strings a plain scalar cannot hold are single-quoted, or double-quoted if they need escapes.
INDICATORS = [
    pytest.param('- x', "k: '- x'\n", id='- x'),
    pytest.param('-x', 'k: -x\n', id='-x'),
    pytest.param('-', "k: '-'\n", id='-'),
    pytest.param('? x', "k: '? x'\n", id='? x'),
    pytest.param('?x', 'k: ?x\n', id='?x'),
    pytest.param(': x', "k: ': x'\n", id=': x'),
    pytest.param(':x', 'k: :x\n', id=':x'),
    pytest.param('x: y', "k: 'x: y'\n", id='x: y'),
    pytest.param('x:y', 'k: x:y\n', id='x:y'),
    pytest.param('x:', "k: 'x:'\n", id='x:'),
    pytest.param('#x', "k: '#x'\n", id='#x'),
    pytest.param('x #y', "k: 'x #y'\n", id='x #y'),
    pytest.param('x#y', 'k: x#y\n', id='x#y'),
    pytest.param('*a', "k: '*a'\n", id='*a'),
    pytest.param('&a', "k: '&a'\n", id='&a'),
    pytest.param('!a', "k: '!a'\n", id='!a'),
    pytest.param('|a', "k: '|a'\n", id='|a'),
    pytest.param('>a', "k: '>a'\n", id='>a'),
    pytest.param("'a", "k: '''a'\n", id="'a"),
    pytest.param('"a', 'k: \'"a\'\n', id='"a'),
    pytest.param('%a', "k: '%a'\n", id='%a'),
    pytest.param('@a', "k: '@a'\n", id='@a'),
    pytest.param('`a', "k: '`a'\n", id='`a'),
    pytest.param('{a', "k: '{a'\n", id='{a'),
    pytest.param('[a', "k: '[a'\n", id='[a'),
    pytest.param(',a', "k: ',a'\n", id=',a'),
    pytest.param('a,b', 'k: a,b\n', id='a,b'),
    pytest.param('a[b]', 'k: a[b]\n', id='a[b]'),
    pytest.param('---', "k: '---'\n", id='---'),
    pytest.param('--- x', "k: '--- x'\n", id='--- x'),
    pytest.param('...', "k: '...'\n", id='...'),
    pytest.param('...x', "k: '...x'\n", id='...x'),
    pytest.param(' lead', "k: ' lead'\n", id=' lead'),
    pytest.param('trail ', "k: 'trail '\n", id='trail '),
    pytest.param(" it's ", "k: ' it''s '\n", id=" it's "),
    pytest.param("a'b", "k: a'b\n", id="a'b"),
    pytest.param('a"b', 'k: a"b\n', id='a"b'),
    pytest.param('a\\b', 'k: a\\b\n', id='a\\\\b'),
    pytest.param('x\t#y', 'k: "x\\t#y"\n', id='x\\t#y'),
    pytest.param('sha256:abc', 'k: sha256:abc\n', id='sha256:abc'),
    pytest.param('docker.io/library/alpine:3.19', 'k: docker.io/library/alpine:3.19\n', id='docker.io/library/alpine:3.19'),
]


# Double-quoted escapes, raw printable non-ASCII, and raw NEL folded by go-yaml's JSON parsing.
ESCAPES = [
    pytest.param('\x00', 'k: "\\0"\n', id='\\x00'),
    pytest.param('\x01', 'k: "\\x01"\n', id='\\x01'),
    pytest.param('\x07', 'k: "\\a"\n', id='\\x07'),
    pytest.param('\x08', 'k: "\\b"\n', id='\\x08'),
    pytest.param('a\tb', 'k: "a\\tb"\n', id='a\\tb'),
    pytest.param('\x0b', 'k: "\\v"\n', id='\\x0b'),
    pytest.param('\x0c', 'k: "\\f"\n', id='\\x0c'),
    pytest.param('\r', 'k: "\\r"\n', id='\\r'),
    pytest.param('a\r\nb', 'k: "a\\r\\nb"\n', id='a\\r\\nb'),
    pytest.param('\x1b', 'k: "\\e"\n', id='\\x1b'),
    pytest.param('\x1f', 'k: "\\x1F"\n', id='\\x1f'),
    pytest.param('launch 🚀', 'k: "launch \\U0001F680"\n', id='launch \\U0001f680'),
    pytest.param('café', 'k: café\n', id='caf\\xe9'),
    pytest.param('日本語', 'k: 日本語\n', id='\\u65e5\\u672c\\u8a9e'),
    pytest.param('non\xa0breaking', 'k: non\xa0breaking\n', id='non\\xa0breaking'),
    pytest.param('\ufeffabc é', 'k: "\\uFEFF\\x61\\x62\\x63\\x20\\xE9"\n', id='\\ufeffabc \\xe9'),
    pytest.param('a\ufeff', 'k: "a\\uFEFF"\n', id='a\\ufeff'),
    pytest.param('\ue000', 'k: \ue000\n', id='\\ue000'),
    pytest.param('a�b', 'k: a�b\n', id='a\\ufffdb'),
    pytest.param('x\x85y', 'k: x y\n', id='x\\x85y'),
    pytest.param('x \x85 y', 'k: x y\n', id='x \\x85 y'),
    pytest.param('x\x85\x85y', 'k: |-\n  x\n  y\n', id='x\\x85\\x85y'),
    pytest.param('x\x85---', 'k: x ---\n', id='x\\x85---'),
]


@pytest.mark.parametrize("text, expected", RESOLVED_STRINGS + INDICATORS + ESCAPES)
def test_string_value(text, expected):
    assert json_to_yaml({"k": text}) == expected


# Strings with newlines become literal blocks unless a space ends a line or they need escapes.
MULTILINE = [
    pytest.param({'k': 'a\nb'}, 'k: |-\n  a\n  b\n', id='literal-strip'),
    pytest.param({'k': 'a\nb\n'}, 'k: |\n  a\n  b\n', id='literal-clip'),
    pytest.param({'k': 'a\nb\n\n'}, 'k: |+\n  a\n  b\n\n', id='literal-keep'),
    pytest.param({'k': '\n'}, 'k: |2+\n\n', id='literal-only-newline'),
    pytest.param({'k': '\na'}, 'k: |2-\n\n  a\n', id='literal-leading-newline'),
    pytest.param({'k': ' a\nb'}, 'k: |2-\n   a\n  b\n', id='literal-leading-space'),
    pytest.param({'k': 'a\n  b\n\nc'}, 'k: |-\n  a\n    b\n\n  c\n', id='literal-indented-line'),
    pytest.param({'k': 'a \nb'}, 'k: "a \\nb"\n', id='space-before-newline'),
    pytest.param({'k': 'a\nb '}, 'k: "a\\nb "\n', id='trailing-space'),
    pytest.param({'k': 'a\n\tb'}, 'k: "a\\n\\tb"\n', id='tab-in-multiline'),
    pytest.param({'k': ['a\nb', 'c']}, 'k:\n- |-\n  a\n  b\n- c\n', id='literal-in-sequence'),
    pytest.param({'a': {'b': 'x\ny'}}, 'a:\n  b: |-\n    x\n    y\n', id='literal-nested'),
    pytest.param({'a': 'x\n', 'b': 'y'}, 'a: |\n  x\nb: "y"\n', id='literal-then-key'),
    pytest.param({'a\nb': 'v'}, '? |-\n  a\n  b\n: v\n', id='multiline-key'),
    pytest.param({'m': {'a\nb': {'c': 'd'}}}, 'm:\n  ? |-\n    a\n    b\n  : c: d\n', id='multiline-key-nested'),
]


@pytest.mark.parametrize("value, expected", MULTILINE)
def test_multiline(value, expected):
    assert json_to_yaml(value) == expected


# Lines break at a space once they pass column 80. Keys longer than 128 bytes take the "? " form.
FOLDING = [
    pytest.param(
        {"description": LONG_TEXT},
        "description: Go uses the shortest decimal that rounds back, and lines break only at\n"
        "  single spaces Go uses the shortest decimal that rounds back, and lines break only\n"
        "  at single spaces\n",
        id="plain",
    ),
    pytest.param(
        {"a": {"b": [LONG_TEXT]}},
        "a:\n"
        "  b:\n"
        "  - Go uses the shortest decimal that rounds back, and lines break only at single\n"
        "    spaces Go uses the shortest decimal that rounds back, and lines break only at\n"
        "    single spaces\n",
        id="plain-nested",
    ),
    pytest.param({"k": "x" * 150}, "k: " + "x" * 150 + "\n", id="plain-without-spaces"),
    pytest.param({"k": "x" * 2000}, "k: " + "x" * 2000 + "\n", id="value-longer-than-key-limit"),
    pytest.param({"k": DOUBLE_SPACED}, "k: " + DOUBLE_SPACED + "\n", id="plain-double-spaces"),
    pytest.param(
        {"k": "- " + LONG_TEXT},
        "k: '- Go uses the shortest decimal that rounds back, and lines break only at single\n"
        "  spaces Go uses the shortest decimal that rounds back, and lines break only at single\n"
        "  spaces'\n",
        id="single-quoted",
    ),
    pytest.param(
        {"k": "\x01 " + LONG_TEXT},
        'k: "\\x01 Go uses the shortest decimal that rounds back, and lines break only at single\n'
        "  spaces Go uses the shortest decimal that rounds back, and lines break only at single\n"
        '  spaces"\n',
        id="double-quoted",
    ),
    pytest.param(
        {"k": "\x01" + DOUBLE_SPACED},
        'k: "\\x01Go  uses  the  shortest  decimal  that  rounds  back,  and  lines  break  only\n'
        "  \\ at  single  spacesGo  uses  the  shortest  decimal  that  rounds  back,  and  lines\n"
        '  \\ break  only  at  single  spaces"\n',
        id="double-quoted-double-spaces",
    ),
    pytest.param(LONG_TEXT, WORDS + "\n  " + WORDS + "\n", id="root"),
    pytest.param([LONG_TEXT], "- " + WORDS + "\n  " + WORDS + "\n", id="sequence-item"),
    pytest.param({"k" * 128: "v"}, "k" * 128 + ": v\n", id="key-128-bytes"),
    pytest.param({"k" * 129: "v", "a": 1}, "a: 1\n? " + "k" * 129 + "\n: v\n", id="key-129-bytes"),
    pytest.param({"é" * 65: "v"}, "? " + "é" * 65 + "\n: v\n", id="key-130-utf8-bytes"),
    pytest.param(
        {(WORDS + " ") * 3: "v"},
        "? '" + WORDS + "\n  " + WORDS + "\n  " + WORDS + " '\n: v\n",
        id="long-key-folds",
    ),
    pytest.param(
        {"k" * 130: {"a": 1, "b": [1, 2]}},
        "? " + "k" * 130 + "\n: a: 1\n  b:\n  - 1\n  - 2\n",
        id="long-key-then-mapping",
    ),
    pytest.param({"k" * 130: [1, 2]}, "? " + "k" * 130 + "\n: - 1\n  - 2\n", id="long-key-then-sequence"),
]


@pytest.mark.parametrize("value, expected", FOLDING)
def test_folding(value, expected):
    assert json_to_yaml(value) == expected


# go-yaml reads the JSON number text as YAML: 64-bit integers stay integers, the rest become float64
# printed by strconv.FormatFloat(f, 'g', -1, 64), and a number that overflows float64 stays a string.
NUMBERS = [
    pytest.param(
        [0, -1, 7, 9223372036854775807, -9223372036854775808, 12345678901234567890, 18446744073709551615],
        "- 0\n- -1\n- 7\n- 9223372036854775807\n- -9223372036854775808\n- 12345678901234567890\n"
        "- 18446744073709551615\n",
        id="integers",
    ),
    pytest.param(
        [18446744073709551616, -9223372036854775809, 10**30],
        "- 1.8446744073709552e+19\n- -9.223372036854776e+18\n- 1e+30\n",
        id="integers-beyond-64-bits",
    ),
    pytest.param(10**400, "1" + "0" * 400 + "\n", id="integer-overflowing-float64"),
    pytest.param(
        [1.0, -0.0, 0.0, 1.5, 0.1 + 0.2, 1e21, 1e20, 123456.0, 1234567.0, 0.0001, 0.00001, 5e-324],
        "- 1\n- -0\n- 0\n- 1.5\n- 0.30000000000000004\n- 1e+21\n- 1e+20\n- 123456\n- 1.234567e+06\n"
        "- 0.0001\n- 1e-05\n- 5e-324\n",
        id="floats",
    ),
    pytest.param(
        [1.7976931348623157e308, -2.5e-7, 100000.0, 1e6],
        "- 1.7976931348623157e+308\n- -2.5e-07\n- 100000\n- 1e+06\n",
        id="float-exponents",
    ),
]


@pytest.mark.parametrize("value, expected", NUMBERS)
def test_numbers(value, expected):
    assert json_to_yaml(value) == expected


# protojson writes U+2028 and U+2029 raw, so go-yaml's parser drops the spaces around them, and a key
# that contains one spans lines. encoding/json escapes them. It also writes "<", ">" and "&" as six
# characters each, which count toward the key length limit.
ENCODER_CASES = [
    pytest.param({"k": "a\u2028b"}, "protojson", "k: 'a\u2028  b'\n", id="line-separator-protojson"),
    pytest.param({"k": "a\u2028b"}, "encoding/json", "k: 'a\u2028  b'\n", id="line-separator-encoding-json"),
    pytest.param({"k": "a \u2028 b"}, "protojson", "k: 'a\u2028  b'\n", id="spaced-line-separator-protojson"),
    pytest.param({"k": "a \u2028 b"}, "encoding/json", 'k: "a \\L b"\n', id="spaced-line-separator-encoding-json"),
    pytest.param({"k": "a\u2029", "z": 1}, "protojson", "k: 'a\u2029'\nz: 1\n", id="trailing-paragraph-separator"),
    pytest.param(
        {"k": "a\nb\u2028", "z": 1}, "protojson", "k: |\n  a\n  b\u2028z: 1\n", id="line-separator-ends-literal"
    ),
    pytest.param({"a\u2028b": "v"}, "encoding/json", "? 'a\u2028  b'\n: v\n", id="line-separator-key-encoding-json"),
    pytest.param({"k" * 1022: 1}, "protojson", "? " + "k" * 1022 + "\n: 1\n", id="key-1022-chars"),
    pytest.param({"\x01" * 170: 1}, "protojson", '? "' + "\\x01" * 170 + '"\n: 1\n', id="escaped-key-1020-chars"),
    pytest.param({"&" * 170: 1}, "encoding/json", "? '" + "&" * 170 + "'\n: 1\n", id="html-key-1020-chars"),
    pytest.param({"&" * 171: 1}, "protojson", "? '" + "&" * 171 + "'\n: 1\n", id="html-key-171-protojson"),
]


@pytest.mark.parametrize("value, json_encoder, expected", ENCODER_CASES)
def test_json_encoder(value, json_encoder, expected):
    assert json_to_yaml(value, json_encoder=json_encoder) == expected


# Inputs on which go-yaml fails, so crictl prints nothing and exits 1. The comments give go-yaml's
# error messages.
ERROR_CASES = [
    # go-yaml: control characters are not allowed
    pytest.param({"k": "a\x7fb"}, "protojson", "U+007F", id="del"),
    pytest.param({"k": "a\x80b"}, "encoding/json", "U+0080", id="c1-control"),
    pytest.param({"k": "\ufffe"}, "protojson", "U+FFFE", id="noncharacter"),
    # go-yaml: did not find expected ',' or '}'
    pytest.param({"a\x85b": 1}, "protojson", "line break", id="next-line-in-key"),
    pytest.param({"a\x85b": 1}, "encoding/json", "line break", id="next-line-in-key-encoding-json"),
    pytest.param({"a\u2028b": "v"}, "protojson", "line break", id="line-separator-in-key"),
    pytest.param({"k" * 1023: 1}, "protojson", "too long", id="key-1023-chars"),
    pytest.param({"\x01" * 171: 1}, "protojson", "too long", id="escaped-key-1026-chars"),
    pytest.param({"&" * 171: 1}, "encoding/json", "too long", id="html-key-1026-chars"),
    # go-yaml: found unexpected document indicator
    pytest.param({"k": "x\x85--- y"}, "protojson", "document marker", id="document-marker-after-next-line"),
]


@pytest.mark.parametrize("value, json_encoder, message", ERROR_CASES)
def test_go_yaml_failure(value, json_encoder, message):
    with pytest.raises(CriimagesError, match=re.escape(message)):
        json_to_yaml(value, json_encoder=json_encoder)


def _nested_lists(depth):
    value = []
    for _ in range(depth - 1):
        value = [value]
    return value


def test_nesting_at_depth_limit():
    assert json_to_yaml(_nested_lists(10000)) == "- " * 9999 + "[]\n"


def test_nesting_past_depth_limit():
    # go-yaml: exceeded max depth of 10000
    with pytest.raises(CriimagesError, match="deeper than 10000"):
        json_to_yaml(_nested_lists(10001))


@pytest.mark.parametrize("number", [float("inf"), float("-inf"), float("nan")], ids=["inf", "-inf", "nan"])
def test_non_finite_float_rejected(number):
    with pytest.raises(CriimagesError, match="JSON text is not known"):
        json_to_yaml({"k": number})


def test_lone_surrogate_rejected():
    with pytest.raises(CriimagesError, match="surrogate"):
        json_to_yaml({"k": "a\ud800"})


def test_unknown_json_encoder_rejected():
    with pytest.raises(ValueError, match="json_encoder"):
        json_to_yaml({}, json_encoder="jsonpb")


JSON_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | JSON_TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(JSON_TEXT, children, max_size=4),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(value=JSON_VALUES, json_encoder=st.sampled_from(["protojson", "encoding/json"]))
def test_random_json_prints_or_raises(value, json_encoder):
    # Only a go-yaml failure may stop the output, and the same input prints the same text twice.
    try:
        output = json_to_yaml(value, json_encoder=json_encoder)
    except CriimagesError:
        return

    assert isinstance(output, str)
    assert json_to_yaml(value, json_encoder=json_encoder) == output


def test_byte_order_mark_fails_as_in_crictl() -> None:
    # Seen with the real crictl (go.yaml.in/yaml/v2 v2.4.3): a BOM in the data makes -o yaml fail.
    with pytest.raises(CriimagesError, match="byte order mark"):
        json_text_to_yaml('{"label": "a\ufeffb"}')


def test_json_text_to_yaml_parses_the_text() -> None:
    assert json_text_to_yaml('{"b": "1", "a": []}') == 'a: []\nb: "1"\n'
