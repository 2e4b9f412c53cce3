"""Privacy by default: the server never logs phone numbers, codes or tokens."""
import json

import pytest

import requests

from conftest import clean_env


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
def test_logs_hold_no_phone_code_or_token(workdir, servers, gateway, engine, request):
    env = clean_env(PARTA_SMS_SENDER="http", PARTA_SMS_HTTP_URL=gateway.url, PARTA_SMS_HTTP_TOKEN="gw-token",
                    PARTA_LOG_LEVEL="trace", PARTA_LOG_FORMAT="json")
    if engine == "postgres":
        env["PARTA_DATABASE_URL"] = request.getfixturevalue("pg_url")
    server = servers(workdir, env=env).wait_ready()
    phone = "+79991234567"
    assert requests.post(server.url + "/api/v1/auth/code", json={"phone": "8 (999) 123-45-67"}).status_code == 202
    assert gateway.messages[0]["authorization"] == "Bearer gw-token"
    code = gateway.last_code(phone)
    wrong = requests.post(server.url + "/api/v1/auth/verify", json={"phone": phone, "code": "000000" if code != "000000" else "111111"})
    assert wrong.status_code == 400
    verified = requests.post(server.url + "/api/v1/auth/verify", json={"phone": phone, "code": code})
    token = verified.json()["token"]
    assert requests.get(server.url + "/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert server.stop() == 0
    log = server.output()
    assert "signin.completed" in log
    for secret in [phone, "9991234567", "123-45-67", code, token, "gw-token"]:
        assert secret not in log, f"the log contains {secret!r}"
    # Every line is JSON.
    for line in log.splitlines():
        json.loads(line)
