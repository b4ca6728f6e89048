from __future__ import annotations

from click.testing import CliRunner

from assistant.cluster.command import cluster


def test_an_unreachable_database_is_reported_in_french_without_its_password():
    result = CliRunner().invoke(cluster, [
        "run", "--database-url", "postgresql://guichet:secret@127.0.0.1:1/guichet",
        "--tracker-url", "postgresql://guichet:secret@127.0.0.1:1/guichet_tracker"])

    assert result.exit_code == 1
    assert result.stderr.startswith("Base de données injoignable (postgresql://guichet:***@127.0.0.1:1/guichet, ")
    assert "secret" not in result.stderr and "Traceback" not in result.stderr
