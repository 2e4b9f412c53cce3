"""Link codes as QR codes: the PNG and SVG decode back to the link (zbarimg from Debian's zbar-tools)."""
import base64
import re
import struct
import subprocess
import zlib

import requests

from conftest import run_cli


def sign_in(server, phone):
    assert requests.post(server.url + "/api/v1/auth/code", json={"phone": phone}).status_code == 202
    code = next(m["code"] for m in requests.get(server.url + "/dev/codes.json").json()["items"] if m["phone"] == phone)
    return requests.post(server.url + "/api/v1/auth/verify", json={"phone": phone, "code": code}).json()["token"]


def decode(path):
    result = subprocess.run(["zbarimg", "--quiet", "--raw", str(path)], capture_output=True, text=True, check=True)
    return result.stdout.strip()


def rasterize_svg(svg, path, scale=8):
    """Draws the SVG's unit squares (`M x y h1v1h-1z`) into a grayscale PNG, independently of the server's PNG."""
    size = int(re.search(r'viewBox="0 0 (\d+) (\d+)"', svg).group(1))
    dark = {(int(x), int(y)) for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg)}
    assert dark, "the SVG has no modules"
    rows = b"".join(
        b"\x00" + bytes(0 if (px // scale, py // scale) in dark else 255 for px in range(size * scale))
        for py in range(size * scale))
    side = size * scale

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_link_code_qr_decodes_to_its_url(workdir, servers):
    run_cli(["demo"], workdir, check=True)
    server = servers(workdir, args=["--demo"]).wait_ready()
    token = sign_in(server, "+79000000010")
    headers = {"Authorization": f"Bearer {token}"}
    org = requests.get(server.url + "/api/v1/me", headers=headers).json()["organizations"][0]["id"]
    person = requests.post(f"{server.url}/api/v1/organizations/{org}/persons", headers=headers,
                           json={"role": "parent", "surname": "Петрова", "given_name": "Анна"}).json()["person"]
    issued = requests.post(f"{server.url}/api/v1/organizations/{org}/persons/{person['id']}/link-codes", headers=headers)
    assert issued.status_code == 201
    link = issued.json()
    assert link["url"] == f"http://127.0.0.1:{server.port}/link/{link['code']}"

    png = workdir / "link.png"
    png.write_bytes(base64.b64decode(link["qr_png_base64"]))
    assert decode(png) == link["url"]

    # The SVG draws the same code.
    drawn = workdir / "from-svg.png"
    rasterize_svg(link["qr_svg"], drawn)
    assert decode(drawn) == link["url"]
    assert server.stop() == 0


def test_invite_qr_decodes_to_its_join_link(workdir, servers):
    run_cli(["demo"], workdir, check=True)
    server = servers(workdir, args=["--demo"]).wait_ready()
    admin = {"Authorization": f"Bearer {sign_in(server, '+79000000010')}"}
    org = requests.get(server.url + "/api/v1/me", headers=admin).json()["organizations"][0]["id"]
    created = requests.post(f"{server.url}/api/v1/organizations/{org}/invites", headers=admin,
                            json={"role": "teacher", "note": "QR test"})
    assert created.status_code == 201
    invite = created.json()
    assert invite["url"] == f"http://127.0.0.1:{server.port}/join/{invite['token']}"

    png = workdir / "invite.png"
    png.write_bytes(base64.b64decode(invite["qr_png_base64"]))
    assert decode(png) == invite["url"]
    drawn = workdir / "invite-from-svg.png"
    rasterize_svg(invite["qr_svg"], drawn)
    assert decode(drawn) == invite["url"]

    # The decoded link leads to the invite: a new person applies with the token from it.
    token = decode(png).rsplit("/join/", 1)[1]
    assert requests.get(f"{server.url}/api/v1/invites/{token}").json()["role"] == "teacher"
    newcomer = {"Authorization": f"Bearer {sign_in(server, '+79000000077')}"}
    applied = requests.post(f"{server.url}/api/v1/organizations/{org}/join-requests", headers=newcomer,
                            json={"invite_token": token, "surname": "Новикова", "given_name": "Ирина"})
    assert applied.status_code == 201
    # A teacher invite is for one person: the link is now used up.
    gone = requests.get(f"{server.url}/api/v1/invites/{token}")
    assert gone.status_code == 410 and gone.json()["error"] == "invite_used_up"
    assert server.stop() == 0


def test_invite_from_the_command_line(workdir):
    run_cli(["demo"], workdir, check=True)
    run_cli(["roster", "class-add", "--org", "1", "--year", "2026/2027", "--name", "10А"], workdir, check=True)
    created = run_cli(["invite", "create", "--org", "1", "--role", "parent", "--class", "10а", "--note", "Родители 10А",
                       "--public-url", "https://school.example.ru", "--png", "invite.png"], workdir, check=True).stdout
    url = next(line for line in created.splitlines() if line.startswith("https://school.example.ru/join/"))
    assert decode(workdir / "invite.png") == url
    assert "▀" in created or "▄" in created  # the QR code drawn in the terminal
    listed = run_cli(["invite", "list", "--org", "1"], workdir, check=True).stdout
    assert "parent; 10А; used 0, unlimited" in listed and "«Родители 10А»" in listed
    assert "revoked 1 unused" in run_cli(["invite", "revoke", "--org", "1", "--unused"], workdir, check=True).stdout
    assert "0 invite(s)" in run_cli(["invite", "list", "--org", "1", "--usable"], workdir, check=True).stdout
    refused = run_cli(["invite", "create", "--org", "1", "--role", "student"], workdir)
    assert refused.returncode != 0 and "class" in refused.stderr
