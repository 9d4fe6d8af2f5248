"""Fourth triage corpus: jest, tsc and cargo on tiny projects (pinned jest and typescript)."""

from __future__ import annotations

from pathlib import Path

from testdata.corpora.project import Run, as_job, at
from testdata.corpora.versions_tests import VersionCase

#: Installed once with npm into the tool cache; each checkout links its ``node_modules``.
NPM_PINS = ("jest@29.7.0", "typescript@5.4.5")
CARGO_ENV = {"PATH": f"{Path.home()}/.cargo/bin:/usr/bin:/bin", "CARGO_TERM_COLOR": "never"}
JEST = ["node_modules/.bin/jest", "--ci"]
TSC = ["node_modules/.bin/tsc", "-p", "."]
NODE_ENV = {"CI": "true"}
SRC = "src/prices.js"
SPEC = "tests/prices.test.js"
PACKAGE = '{"name": "shop", "private": true, "jest": {"testEnvironment": "node"}}\n'
PRICES = """function total(prices) {
  return prices.reduce((a, b) => a + b, 0);
}

function parsePrice(text) {
  if (!text.startsWith("$")) {
    throw new Error(`bad price: ${text}`); // throws
  }
  return Number(text.slice(1));
}

function unitOf(item) {
  return item.unit.name; // undefined unit
}

module.exports = { total, parsePrice, unitOf };
"""
PRICES_TEST = """const { total, parsePrice, unitOf } = require("../src/prices");

describe("total", () => {
  test("adds prices", () => {
    expect(total([2, 2])).toBe(5); // wrong expectation
  });
});

test("parses a price", () => {
  expect(parsePrice("12")).toBe(12);
});

test("reads a unit", () => {
  expect(unitOf({ name: "box" })).toBe("cm");
});
"""
PRICES_GREEN = """const { total, parsePrice } = require("../src/prices");

test("adds prices", () => {
  expect(total([2, 3])).toBe(5);
});

test("parses a price", () => {
  expect(parsePrice("$12")).toBe(12);
});
"""
TSCONFIG = (
    '{"compilerOptions": {"strict": true, "noEmit": true, "target": "es2020", "types": []},\n'
    ' "include": ["src/**/*.ts"]}\n'
)
TS_OK = "export function total(prices: number[]): number {\n  return prices.length;\n}\n"
TS_TYPE = """export function total(prices: number[]): number {
  const count: number = "many"; // TS2322
  return prices.reduce((a, b) => a + b, 0) + count;
}
"""
TS_SYNTAX = "export const rate = (1 + 2; // TS1005\n"
NODE_PROJECT = [("package.json", "", PACKAGE), (SRC, "", PRICES), ("tsconfig.json", "", TSCONFIG)]
CARGO_TOML = '[package]\nname = "shapes"\nversion = "0.1.0"\nedition = "2021"\n'
LIB = "src/lib.rs"
LIB_RS = """pub fn area(w: u32, h: u32) -> u32 {
    w + h
}

pub fn parse_size(text: &str) -> u32 {
    text.trim().parse().expect("size must be a number") // panics
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_of_rectangle() {
        assert_eq!(area(2, 3), 6); // assert_eq
    }

    #[test]
    fn parses_size() {
        assert_eq!(parse_size("1O"), 10);
    }
}
"""
LIB_GREEN = LIB_RS.replace("w + h", "w * h").replace('"1O"', '"10"')
TYPE_RS = 'pub fn count() -> u32 {\n    "three" // E0308\n}\n'
PARSE_RS = "pub fn count() -> u32 {\n    let n = 3 // missing semicolon\n    n\n}\n"
CARGO_PROJECT = [("Cargo.toml", "", CARGO_TOML)]


def _cargo(*argv: str) -> Run:
    return Run(["cargo", *argv, "--offline"], env=CARGO_ENV)


JEST_CASE = VersionCase(
    "assertion_jest_expect_and_throws",
    "jest 29.7: a failed toBe, a thrown Error and a TypeError on undefined",
    "node",
    [Run(JEST, env=NODE_ENV)],
    [
        at(SPEC, "// wrong expectation", "assertion"),
        at(SRC, "// throws", "runtime_error"),
        at(SRC, "// undefined unit", "type_error"),
    ],
    [*NODE_PROJECT, (SPEC, "", PRICES_TEST)],
)
CARGO_CASE = VersionCase(
    "assertion_cargo_test",
    "cargo test: an assert_eq! failure and an expect() panic",
    "cargo",
    [_cargo("test", "-q")],
    [at(LIB, "// assert_eq", "assertion"), at(LIB, "// panics", "runtime_error")],
    [*CARGO_PROJECT, (LIB, "", LIB_RS)],
)
OTHER_CASES: list[VersionCase] = [
    JEST_CASE,
    as_job(
        JEST_CASE,
        "assertion_jest_colors_gha",
        "jest 29.7 --colors in a job log",
        [Run([*JEST, "--colors"], env=NODE_ENV)],
    ),
    VersionCase(
        "type_tsc_ts2322",
        "tsc 5.4: a string assigned to a number (TS2322)",
        "node",
        [Run(TSC)],
        [at("src/total.ts", "// TS2322", "type_error")],
        [*NODE_PROJECT, ("src/total.ts", "", TS_TYPE)],
    ),
    VersionCase(
        "syntax_tsc_ts1005_pretty_gha",
        "tsc 5.4 --pretty: a missing parenthesis (TS1005), in a job log",
        "node",
        [Run([*TSC, "--pretty"])],
        [at("src/rate.ts", "// TS1005", "syntax_error")],
        [*NODE_PROJECT, ("src/rate.ts", "", TS_SYNTAX)],
        place="runner",
        gha=True,
    ),
    CARGO_CASE,
    as_job(
        CARGO_CASE,
        "assertion_cargo_test_gha",
        "cargo test (not quiet) in a job log",
        [_cargo("test")],
    ),
    VersionCase(
        "type_rustc_e0308",
        "cargo build: mismatched types (E0308)",
        "cargo",
        [_cargo("build")],
        [at(LIB, "// E0308", "type_error")],
        [*CARGO_PROJECT, (LIB, "", TYPE_RS)],
    ),
    VersionCase(
        "syntax_rustc_parse_gha",
        "cargo build: a missing semicolon (parse error), in a job log",
        "cargo",
        [_cargo("build")],
        [at(LIB, "// missing semicolon", "syntax_error")],
        [*CARGO_PROJECT, (LIB, "", PARSE_RS)],
        place="runner",
        gha=True,
    ),
    VersionCase(
        "green_jest_tsc_gha",
        "jest and tsc pass, in a job log",
        "node",
        [Run(JEST, env=NODE_ENV), Run(TSC)],
        [],
        [*NODE_PROJECT, (SPEC, "", PRICES_GREEN), ("src/total.ts", "", TS_OK)],
        place="runner",
        gha=True,
    ),
    VersionCase(
        "green_cargo_test",
        "cargo test passes",
        "cargo",
        [_cargo("test")],
        [],
        [*CARGO_PROJECT, (LIB, "", LIB_GREEN)],
    ),
]
