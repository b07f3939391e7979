"""The import graph of the product apps, module-level and function-level imports alike.

Imports point one way — api → events → incentives → assessments → courses → notifications → portal, with the demo data above them all — and no
module of an app takes part in an import circle with other modules of the same app. The root URLconf wires every
app's URLs and is the one module of a lower app allowed to import a higher one.
"""

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAYERS = ["portal", "notifications", "courses", "assessments", "incentives", "events", "api", "demo"]
ALLOWED_UPWARD = {"portal.urls"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for app in LAYERS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" not in path.parts:
                found[_module_name(path)] = path
    return found


def _imported(path: Path, name: str, modules: dict[str, Path]) -> set[str]:
    """Every project module that `name` imports anywhere in its body (functions included)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                targets.add(submodule if submodule in modules else base)
    # An import of a package's module runs only that module (the packages' __init__ files are empty).
    return {t for t in targets if t in modules and t != name}


def _graph():
    modules = _modules()
    return {name: _imported(path, name, modules) for name, path in modules.items()}


def _app(module: str) -> str:
    return module.split(".")[0]


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, result = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph[node]:
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
                result.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return result


def test_no_module_imports_one_of_a_higher_app():
    upward = [
        f"{module} → {target}"
        for module, targets in _graph().items()
        for target in targets
        if LAYERS.index(_app(target)) > LAYERS.index(_app(module)) and module not in ALLOWED_UPWARD
    ]
    assert upward == []


def test_no_import_circle_inside_any_app():
    within_app = defaultdict(set)
    for module, targets in _graph().items():
        within_app[module] |= {t for t in targets if _app(t) == _app(module)}
    assert _circles(dict(within_app)) == []


def test_the_graph_sees_function_level_and_relative_imports(tmp_path):
    """The checker itself: an import inside a function counts, and a circle is found."""
    graph = {"a.x": {"a.y"}, "a.y": {"a.x"}, "a.z": set()}
    assert _circles(graph) == [["a.x", "a.y"]]
    modules = _modules()
    assert "assessments.quizzes.services" in _imported(
        modules["assessments.quizzes.views"], "assessments.quizzes.views", modules
    )
