"""Every test asserts something: an `assert`, `pytest.raises`, Playwright's `expect`, or a helper that asserts
(`assert_*`, `django_assert_num_queries`, `check`, or a function of the same module that does)."""

import ast

from .source import modules

ASSERTING_CALLS = {"raises", "check", "fail", "expect"}  # pytest.raises, pytest.fail, Playwright's expect


def _called_name(call: ast.Call) -> str:
    return call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")


def _asserts(node: ast.AST, helpers: set[str]) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Assert):
            return True
        if isinstance(inner, ast.Call):
            name = _called_name(inner)
            if name in ASSERTING_CALLS | helpers or name.startswith("assert") or "_assert_" in name:
                return True
    return False


def unasserted_tests(tree: ast.Module) -> list[str]:
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)]
    helpers = {f.name for f in functions if not f.name.startswith("test") and _asserts(f, set())}
    return [f.name for f in functions if f.name.startswith("test") and not _asserts(f, helpers)]


def test_every_test_asserts_something():
    missing = [
        f"{path}::{name}"
        for path, tree in modules(tests=True)
        if path.rsplit("/", 1)[-1].startswith("test_")
        for name in unasserted_tests(tree)
    ]
    assert missing == []


def test_the_scan_finds_a_test_that_only_calls_code():
    tree = ast.parse(
        "def helper():\n    assert True\n"
        "def test_calls():\n    run()\n"
        "def test_asserts():\n    assert run()\n"
        "def test_uses_helper():\n    helper()\n"
    )
    assert unasserted_tests(tree) == ["test_calls"]
