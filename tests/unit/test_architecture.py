"""The import rules of the code base, checked on its import graph (grimp, the engine of import-linter).

Imports made for type checking only (`if TYPE_CHECKING:`) are left out: they do not run.
"""

from __future__ import annotations

import grimp
import pytest

# What the actions (rasa_sdk adapters) may import of the library: the composition root, the contract and the
# handoff service. Everything else is reached through the services the composition root builds.
ACTIONS_MAY_IMPORT = {"assistant.bootstrap", "assistant.contract", "assistant.handoff.service"}
# Modules that import nothing of guichet, so that anything can read them without loading the domain.
LEAVES = ("assistant.config", "assistant.privacy.redaction", "assistant.contract", "assistant.text")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("assistant", "actions", exclude_type_checking_imports=True)


def imports_of(graph: grimp.ImportGraph, package: str) -> set[tuple[str, str]]:
    """(importer, imported) for each direct import from `package`'s modules into guichet's modules."""
    return {(importer, imported) for importer in graph.find_descendants(package) | {package}
            for imported in graph.find_modules_directly_imported_by(importer)
            if imported.split(".")[0] in ("assistant", "actions")}


def test_no_module_imports_one_that_imports_it_back(graph):
    cycles = sorted({tuple(sorted((importer, imported)))
                     for importer in graph.modules for imported in graph.find_modules_directly_imported_by(importer)
                     if graph.chain_exists(importer=imported, imported=importer)})
    assert cycles == []


def test_actions_reach_the_library_through_the_composition_root_the_contract_and_the_handoff_service(graph):
    outside = sorted((importer, imported) for importer, imported in imports_of(graph, "actions")
                     if imported.startswith("assistant") and imported not in ACTIONS_MAY_IMPORT)
    assert outside == []


@pytest.mark.parametrize("leaf", LEAVES)
def test_leaves_import_nothing_of_guichet(graph, leaf):
    guichet = graph.find_descendants("assistant") | graph.find_descendants("actions") | {"assistant", "actions"}
    assert graph.find_modules_directly_imported_by(leaf) & guichet == set()


def test_the_library_does_not_depend_on_the_actions(graph):
    assert sorted(chain for chain in imports_of(graph, "assistant") if chain[1].startswith("actions")) == []
