"""import-linter contract types of govhub's own (see ``[tool.importlinter]`` in pyproject.toml).

Both split ``root`` into the web edge (modules whose last name matches ``edge``, and those under
``web_modules``) and the core (everything else). Written against import-linter's documented
custom-contract interface.

``web_edge``: no core module imports any of ``forbidden`` (Litestar, ``govhub.web``).
``acyclic_core``: the areas (``root``'s direct children), joined by their core modules' imports,
form no circle: each area's rules can be read, tested and moved knowing only what lies below it.
"""

from __future__ import annotations

import re

from importlinter import Contract, ContractCheck, fields, output


def _under(module: str, names: tuple[str, ...]) -> bool:
    return any(module == name or module.startswith(name + ".") for name in names)


class _CoreContract(Contract):
    root = fields.StringField()
    edge = fields.StringField()
    web_modules = fields.ListField(subfield=fields.StringField())

    def in_web(self, module: str) -> bool:
        web = tuple(str(name) for name in self.web_modules)  # type: ignore[attr-defined]
        last = module.rsplit(".", 1)[-1]
        return _under(module, web) or bool(re.fullmatch(str(self.edge), last))

    def core_modules(self, graph) -> list[str]:
        modules = graph.find_descendants(str(self.root))
        return sorted(m for m in modules if not self.in_web(m))


class WebEdgeContract(_CoreContract):
    type_name = "web_edge"

    forbidden = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        banned = tuple(str(name) for name in self.forbidden)  # type: ignore[attr-defined]
        broken = []
        for module in self.core_modules(graph):
            for imported in sorted(graph.find_modules_directly_imported_by(module)):
                if _under(imported, banned):
                    details = graph.get_import_details(importer=module, imported=imported)
                    lines = sorted({d["line_number"] for d in details})
                    broken.append((module, imported, lines))
        return ContractCheck(kept=not broken, metadata={"broken": broken})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for module, imported, lines in check.metadata["broken"]:
            where = ", ".join(f"l.{n}" for n in lines)
            output.print_error(f"{module} -> {imported} ({where})", bold=False)
        output.new_line()


class AcyclicCoreContract(_CoreContract):
    type_name = "acyclic_core"

    def check(self, graph, verbose: bool) -> ContractCheck:
        root = str(self.root)
        depth = root.count(".") + 1

        def area(module: str) -> str:
            return ".".join(module.split(".")[: depth + 1])

        edges: dict[tuple[str, str], list[str]] = {}
        for module in self.core_modules(graph):
            for imported in graph.find_modules_directly_imported_by(module):
                if not _under(imported, (root,)) or imported == root or self.in_web(imported):
                    continue
                pair = (area(module), area(imported))
                if pair[0] != pair[1]:
                    edges.setdefault(pair, []).append(f"{module} -> {imported}")
        cycles = _edges_in_cycles(edges)
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for (upper, lower), imports in check.metadata["cycles"]:
            output.print_error(f"{upper} -> {lower}, in a circle:", bold=True)
            for line in sorted(imports)[:5]:
                output.print_error(f"    {line}", bold=False)
        output.new_line()


def _edges_in_cycles(edges: dict[tuple[str, str], list[str]]) -> list:
    """The edges that lie on a circle: both ends reach each other."""
    succ: dict[str, set[str]] = {}
    for a, b in edges:
        succ.setdefault(a, set()).add(b)

    def reach(start: str) -> set[str]:
        seen, todo = set(), [start]
        while todo:
            for nxt in succ.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        return seen

    reachable = {node: reach(node) for node in succ}
    return sorted(
        (pair, imports) for pair, imports in edges.items() if pair[0] in reachable.get(pair[1], ())
    )
