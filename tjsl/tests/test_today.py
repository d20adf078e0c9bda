"""'Today' is the date in the project's time zone (WIB), through `timezone.localdate()`: never the
server clock's date, which is a day behind between 00:00 and 07:00 WIB on a server in UTC."""

import ast

from .source import modules


def _server_dates(tree: ast.Module) -> list[int]:
    """Lines that take today's date or the time from the server clock: `date.today()`,
    `datetime.date.today()`, `datetime.now()`, `datetime.datetime.now().date()` and the like."""
    lines = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        owner = node.func.value
        owner_name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", None)
        if (node.func.attr, owner_name) in {("today", "date"), ("today", "datetime"), ("now", "datetime")}:
            lines.append(node.lineno)
    return sorted(lines)


def test_app_code_takes_today_from_the_project_time_zone():
    offenders = [f"{path}:{line}" for path, tree in modules(tests=False) for line in _server_dates(tree)]
    assert offenders == [], "use timezone.localdate() / timezone.now()"


def test_the_check_sees_every_spelling_of_the_server_date():
    source = "date.today()\ndatetime.date.today()\ndatetime.now().date()\ndatetime.datetime.now()\ntimezone.now()\n"
    assert _server_dates(ast.parse(source)) == [1, 2, 3, 4]
