"""The direction of imports: every app uses what is below it, never what is above, and no two
modules need each other. A newcomer can then read any app with only the layers under it."""

import ast
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]

# Each app and the project apps it may import. ``clinic`` (settings, URLs, admin site) wires
# everything together, so it sits on top.
ALLOWED = {
    "core": set(),
    "education": {"core"},
    "booking": {"core"},
    "scheduling": {"core", "booking"},
    "clinicsite": {"core", "education", "booking", "scheduling"},
    "clinic": {"core", "education", "booking", "scheduling", "clinicsite"},
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(BASE_DIR).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _project_modules() -> dict[str, Path]:
    found = {}
    for app in ALLOWED:
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imports(path: Path, modules: dict[str, Path]) -> set[str]:
    """Project modules imported anywhere in the file (inside functions too)."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                # ``from pkg import sub`` imports the submodule when there is one.
                full = f"{node.module}.{alias.name}"
                names.add(full if full in modules else node.module)
    return {name for name in names if name.split(".")[0] in ALLOWED}


def _graph():
    modules = _project_modules()
    return {name: _imports(path, modules) for name, path in modules.items()}


def test_apps_import_only_the_layers_below_them():
    upward = sorted(
        f"{module} imports {target}"
        for module, targets in _graph().items()
        for target in targets
        if (app := module.split(".")[0]) != (other := target.split(".")[0]) and other not in ALLOWED[app]
    )
    assert upward == []


def test_no_modules_import_each_other():
    graph = _graph()
    cycles = []
    # Tarjan's strongly connected components: any component of more than one module is a cycle.
    index, low, stack, on_stack, counter = {}, {}, [], set(), [0]

    def visit(node):
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in graph:
                continue
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert cycles == []


def test_the_checker_sees_an_upward_import(tmp_path):
    """The rule is not vacuous: a core module importing booking is caught."""
    path = tmp_path / "probe.py"
    path.write_text("from booking.models import ConsultationRequest\nimport scheduling.slots\n")
    assert _imports(path, _project_modules()) == {"booking.models", "scheduling.slots"}
