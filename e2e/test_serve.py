"""`parta serve` and `parta migrate` as processes: defaults, data, signals, schema versions."""
import json
import signal
import sqlite3

import requests

from conftest import SCHEMA_VERSION, clean_env, run_cli


def test_serve_starts_with_no_configuration_and_stops_cleanly(workdir, servers):
    server = servers(workdir).wait_ready()
    data = workdir / "parta-data"
    assert (data / "parta.sqlite").exists()
    # Personal data: only the server's user may enter the data directory.
    assert oct(data.stat().st_mode & 0o777) == "0o700"
    # Write-ahead logging is on while the server runs.
    assert (data / "parta.sqlite-wal").exists()
    assert requests.get(server.url + "/healthz").json() == {"status": "ok"}
    assert server.stop(signal.SIGTERM) == 0
    # The log was checkpointed and removed on a clean shutdown.
    assert not (data / "parta.sqlite-wal").exists()
    with sqlite3.connect(data / "parta.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        versions = [row[0] for row in db.execute("SELECT version FROM schema_migrations")]
    assert versions == list(range(1, SCHEMA_VERSION + 1))
    assert "server.stopped" in server.output()


def test_sigint_stops_cleanly_and_data_survives_a_restart(workdir, servers):
    server = servers(workdir).wait_ready()
    assert run_cli(["operator", "add", "--name", "Орлова Анна Сергеевна", "--phone", "+79000000001"], workdir).returncode == 0
    assert server.stop(signal.SIGINT) == 0
    server = servers(workdir).wait_ready()
    listed = run_cli(["operator", "list"], workdir, check=True).stdout
    assert "Орлова Анна Сергеевна" in listed
    assert server.stop() == 0


def test_a_newer_schema_is_refused(workdir, servers):
    assert run_cli(["migrate"], workdir, check=True).stdout.startswith(f"migrated from version 0 to {SCHEMA_VERSION}")
    with sqlite3.connect(workdir / "parta-data" / "parta.sqlite") as db:
        db.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'from the future', 0)")
    server = servers(workdir)
    assert server.wait_exit() != 0
    assert "newer than this parta binary" in server.output()
    refused = run_cli(["migrate"], workdir)
    assert refused.returncode != 0
    assert "newer than this parta binary" in refused.stderr
    status = run_cli(["migrate", "--status"], workdir, check=True).stdout
    assert "schema version 999" in status


def test_without_auto_migration_an_empty_database_is_refused_until_migrated(workdir, servers):
    server = servers(workdir, args=["--no-auto-migrate"])
    assert server.wait_exit() != 0
    assert "parta migrate" in server.output()
    assert "up to date" not in run_cli(["migrate"], workdir, check=True).stdout
    assert f"up to date at version {SCHEMA_VERSION}" in run_cli(["migrate"], workdir, check=True).stdout
    server = servers(workdir, args=["--no-auto-migrate"]).wait_ready()
    assert server.stop() == 0


def test_environment_variables_configure_the_server(workdir, servers):
    data = workdir / "elsewhere"
    env = clean_env(PARTA_DATA_DIR=data, PARTA_LOG_FORMAT="json", PARTA_LOG_LEVEL="info")
    server = servers(workdir, env=env).wait_ready()
    assert (data / "parta.sqlite").exists()
    assert not (workdir / "parta-data").exists()
    assert server.stop() == 0
    lines = [json.loads(line) for line in server.output().splitlines() if line.startswith("{")]
    assert any(line["msg"] == "server.starting" for line in lines)


def test_bad_configuration_is_reported_by_name(workdir):
    result = run_cli(["serve"], workdir, env=clean_env(PARTA_PORT="eighty"))
    assert result.returncode != 0
    assert "PARTA_PORT" in result.stderr


def test_demo_mode_refuses_a_public_address(workdir):
    result = run_cli(["serve", "--demo", "--host", "0.0.0.0"], workdir)
    assert result.returncode != 0
    assert "--allow-public-demo" in result.stderr


def test_serve_help_documents_the_environment():
    result = run_cli(["serve", "--help"], ".")
    for name in ["PARTA_PORT", "PARTA_HOST", "PARTA_DATA_DIR", "PARTA_DATABASE_URL", "PARTA_SMS_SENDER"]:
        assert name in result.stdout


def test_postgresql_serves_the_same_api(workdir, servers, pg_url):
    env = clean_env(PARTA_DATABASE_URL=pg_url)
    server = servers(workdir, env=env).wait_ready()
    # No SQLite beside PostgreSQL: the data directory holds only the sealing key (invite links,
    # cards' codes), made owner-only on first start.
    data = workdir / "parta-data"
    assert sorted(p.name for p in data.iterdir()) == ["sealing.key"]
    assert (data / "sealing.key").stat().st_mode & 0o777 == 0o600
    assert run_cli(["operator", "add", "--name", "Орлова Анна Сергеевна", "--phone", "+79000000001"], workdir, env=env).returncode == 0
    assert f"schema version {SCHEMA_VERSION}" in run_cli(["migrate", "--status"], workdir, env=env, check=True).stdout
    metrics = requests.get(server.url + "/metrics").text
    assert 'parta_db_connections_capacity{engine="postgres"} 20.0' in metrics
    assert server.stop() == 0


def test_postgresql_refuses_a_newer_schema(workdir, servers, pg_url):
    env = clean_env(PARTA_DATABASE_URL=pg_url)
    run_cli(["migrate"], workdir, env=env, check=True)
    import subprocess
    subprocess.run(["psql", pg_url, "-q", "-c",
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)"], check=True)
    server = servers(workdir, env=env)
    assert server.wait_exit() != 0
    assert "newer than this parta binary" in server.output()
