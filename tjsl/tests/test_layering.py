"""The layering of docs/architecture.md that import-linter cannot see: models fetched by name,
and services that import their tasks."""

import ast

from .source import modules


def _calls_get_model(tree: ast.Module) -> list[int]:
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get_model"
    ]


def _module_level_imports(tree: ast.Module) -> list[tuple[int, str]]:
    found = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            found += [(node.lineno, f"{'.' * node.level}{node.module or alias.name}") for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
    return found


def test_no_app_code_fetches_a_model_by_name():
    offenders = [f"{path}:{line}" for path, tree in modules(tests=False) for line in _calls_get_model(tree)]
    assert offenders == [], "an app above is reached through apps.get_model (see docs/architecture.md)"


def test_services_never_import_tasks_at_load_time():
    offenders = [
        f"{path}:{line} imports {name}"
        for path, tree in modules(tests=False)
        if path.endswith("services.py") or "/services/" in path
        for line, name in _module_level_imports(tree)
        if name.split(".")[-1] == "tasks" or ".tasks." in name or name.startswith("..tasks")
    ]
    assert offenders == [], "tasks import services, not the other way round (see docs/architecture.md)"


def test_the_checks_see_a_get_model_and_a_tasks_import():
    tree = ast.parse("from .tasks import job\nfrom django.apps import apps\nModel = apps.get_model('a', 'B')\n")
    assert _calls_get_model(tree) == [3]
    assert (1, ".tasks") in _module_level_imports(tree)
