"""crictl inspecti: the OCI config as Go decodes it, Go's JSON escaping and the output shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from criimages.errors import CriimagesError, ImageError
from criimages.ociconfig import decode_oci_image
from criimages.status import go_json, render_statuses
from tests.conftest import BUILT_STORES, CONFORMANCE_STORE, isolated_options

BASIC = BUILT_STORES / "basic"


@pytest.mark.parametrize(
    ("text", "encoded"),
    [
        ("a && b", '"a \\u0026\\u0026 b"'),
        ("<tag>", '"\\u003ctag\\u003e"'),
        ('say "hi"\\', '"say \\"hi\\"\\\\"'),
        ("line\nnext\ttab\r\b\f", '"line\\nnext\\ttab\\r\\b\\f"'),
        ("\x1b[31m", '"\\u001b[31m"'),
        ("\u2028\u2029", '"\\u2028\\u2029"'),
        ("café 🚀 \x7f \ufeff", '"café 🚀 \x7f \ufeff"'),
    ],
    ids=["ampersand", "angle-brackets", "quote-backslash", "short-escapes", "escape-char", "line-separators", "raw-unicode"],
)
def test_go_json_escapes_strings_like_encoding_json(text: str, encoded: str) -> None:
    assert go_json(text) == encoded


def test_go_json_sorts_keys_bytewise() -> None:
    assert go_json({"b": 1, "Z": 2, "a": 3}) == '{"Z":2,"a":3,"b":1}'


def test_go_json_indents_empty_containers_inline() -> None:
    assert go_json({"a": [], "b": {}}, indent=2) == '{\n  "a": [],\n  "b": {}\n}'


def test_docker_only_fields_are_dropped() -> None:
    config = {
        "architecture": "amd64",
        "os": "linux",
        "container": "abc",
        "container_config": {"Hostname": "x"},
        "docker_version": "20.10",
        "config": {"Hostname": "h", "Healthcheck": {"Test": ["CMD", "true"]}, "OnBuild": ["RUN x"], "Shell": ["/bin/sh"], "User": "1"},
        "rootfs": {"type": "layers", "diff_ids": []},
    }

    decoded = decode_oci_image(config, "x")

    assert decoded == {"architecture": "amd64", "os": "linux", "config": {"User": "1"}, "rootfs": {"type": "layers", "diff_ids": []}}


def test_empty_fields_are_omitted_and_struct_order_kept() -> None:
    config = {"history": [{"empty_layer": True, "created_by": "x"}], "config": {"Env": [], "WorkingDir": "", "Cmd": ["sh"]}, "os": "linux"}

    decoded = decode_oci_image(config, "x")

    assert list(decoded) == ["architecture", "os", "config", "rootfs", "history"]
    assert decoded["config"] == {"Cmd": ["sh"]}
    assert decoded["rootfs"] == {"type": "", "diff_ids": None}
    assert decoded["history"] == [{"created_by": "x", "empty_layer": True}]


def test_keys_match_case_insensitively_last_wins() -> None:
    decoded = decode_oci_image({"Config": {"user": "a", "USER": "b"}, "OS": "linux"}, "x")

    assert decoded["config"] == {"User": "b"}
    assert decoded["os"] == "linux"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-01-01T00:00:00Z", "2024-01-01T00:00:00Z"),
        ("2024-01-01T00:00:00.500000000Z", "2024-01-01T00:00:00.5Z"),
        ("2024-01-01T00:00:00.000Z", "2024-01-01T00:00:00Z"),
        ("2024-01-01T02:00:00+02:00", "2024-01-01T02:00:00+02:00"),
        ("2024-01-01T00:00:00+00:00", "2024-01-01T00:00:00Z"),
    ],
)
def test_created_time_marshals_like_go(value: str, expected: str) -> None:
    assert decode_oci_image({"created": value}, "x")["created"] == expected


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"config": {"Env": "PATH=/bin"}}, "config.Env (an array of strings)"),
        ({"config": {"User": 0}}, "config.User (a string)"),
        ({"config": {"Labels": {"a": 1}}}, "config.Labels['a'] (a string)"),
        ({"config": {"ExposedPorts": {"80/tcp": "yes"}}}, "config.ExposedPorts['80/tcp'] (an object)"),
        ({"created": "yesterday"}, "created (an RFC 3339 time)"),
        ({"rootfs": []}, "rootfs (an object)"),
        ([], "the image config (an object)"),
    ],
)
def test_wrong_types_fail_like_go(config, message: str) -> None:
    with pytest.raises(ImageError) as caught:
        decode_oci_image(config, "x")

    assert str(caught.value).startswith("image x: invalid config: cannot decode ")
    assert str(caught.value).endswith(f"into {message}")


def test_unsupported_inspect_format_fails() -> None:
    with pytest.raises(CriimagesError, match="unsupported format: 'xml'"):
        render_statuses([], output="xml")


def test_inspect_with_no_images_prints_nothing() -> None:
    assert render_statuses([], output="json") == ""


def test_inspect_one_image_prints_object(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "inspect", "localhost/config:oci")

    document = json.loads(result.stdout)
    assert result.exit_code == 0, result.stderr
    assert document["status"]["repoTags"] == ["localhost/config:oci"]
    assert document["status"]["uid"] == {"value": "1000"}
    assert document["info"]["imageSpec"]["config"]["Labels"]["com.example.text"] == "café ☕ 🚀 Grüße"


def test_inspect_escapes_config_text_like_go(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "inspect", "localhost/config:oci")

    assert '"com.example.build": "make \\u0026\\u0026 make install"' in result.stdout
    assert '"com.example.quote": "say \\"hello\\""' in result.stdout
    assert '"author": "Fixture Maker \\u003cfixtures@example.com\\u003e"' in result.stdout


def test_inspect_docker_image_drops_healthcheck(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "inspect", "localhost/webserver:1")

    config = json.loads(result.stdout)["info"]["imageSpec"]["config"]
    assert "Healthcheck" not in config
    assert config["User"] == "nginx"
    assert json.loads(result.stdout)["status"]["username"] == "nginx"


def test_inspect_several_images_prints_array(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "inspect", "localhost/app:1.0", "localhost/base:1")

    documents = json.loads(result.stdout)
    assert [d["status"]["repoTags"] for d in documents] == [["localhost/app:1.0"], ["localhost/base:1"]]


def test_inspect_all_in_list_order(invoke, tmp_path: Path) -> None:
    listed = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path), "list", "-q").stdout.split()

    result = invoke(*isolated_options(CONFORMANCE_STORE, tmp_path), "inspect", "-q")

    assert [d["status"]["id"] for d in json.loads(result.stdout)] == listed
    assert all(list(d) == ["status"] for d in json.loads(result.stdout))


def test_inspect_unknown_image_fails(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "inspect", "localhost/app:1.0", "localhost/nothing:1")

    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == "criimages: no such image 'localhost/nothing:1' present\n"


def test_inspect_table_prints_info_in_struct_order(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "inspect", "-o", "table", "localhost/rootuser:1")

    lines = result.stdout.splitlines()
    assert lines[0].startswith("ID: bd1c66690171")
    assert lines[1] == "Tag: localhost/rootuser:1"
    assert lines[3].startswith("Size: ")
    assert lines[4].startswith('Info: map[info:{"labels":{"io.buildah.version":"1.28.2"},"imageSpec":{"created":')


def test_inspect_quiet_table_has_no_info(invoke, tmp_path: Path) -> None:
    result = invoke(*isolated_options(BASIC, tmp_path), "inspect", "-o", "table", "-q", "localhost/rootuser:1")

    assert not any(line.startswith("Info:") for line in result.stdout.splitlines())
