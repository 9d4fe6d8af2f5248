"""The shipped JSON Schema: valid Draft 2020-12, and its defaults are the code's defaults."""

from __future__ import annotations

from typing import Any

from jsonschema import Draft7Validator, Draft202012Validator

from bot.config.repo import RepoConfig, schema
from bot.core.modes import Mode


def _defaults(node: dict[str, Any]) -> Any:
    if "properties" in node:
        return {key: _defaults(child) for key, child in node["properties"].items()}
    return node["default"]


def test_the_schema_is_a_valid_draft_2020_12_schema() -> None:
    Draft202012Validator.check_schema(schema())
    Draft7Validator.check_schema(schema())  # editors that know only Draft 7 read it too
    assert schema()["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_every_key_has_a_description_and_the_codes_default() -> None:
    assert _defaults(schema()) == RepoConfig().to_dict()

    def walk(node: dict[str, Any], path: str) -> list[str]:
        missing = [] if "description" in node else [path]
        for key, child in node.get("properties", {}).items():
            missing += walk(child, f"{path}.{key}".lstrip("."))
        return missing

    assert walk(schema(), "") == []


def test_modes_match_the_settings() -> None:
    assert tuple(schema()["properties"]["mode"]["enum"]) == tuple(Mode)
