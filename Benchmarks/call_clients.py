#!/usr/bin/env python3
"""The call clients of `parta-bench call`: WebRTC peers (aiortc) that go through Parta's API and
Janus exactly as the web page does — the teacher starts a call in the class chat and publishes a
synthetic camera; students join one after another (time from "join" to the first decoded frame),
then 29 of them watch at once while polling the call's state as pages do, and the CPU Janus and
the Parta server spend on them is read from /proc. Prints `BENCH <name> <value> <unit>` lines.

Runs inside the network namespace of scripts/lib/netns-media.sh (Janus refuses loopback)."""
import argparse
import asyncio
import concurrent.futures
import json
import os
import statistics
import sys
import time
import uuid

import requests
from aiortc import RTCPeerConnection, RTCSessionDescription
from aiortc.mediastreams import VideoStreamTrack
from av import VideoFrame

WIDTH, HEIGHT = 320, 240


def cpu_seconds(pid):
    """User plus system CPU time of a process so far, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def bench(name, value, unit):
    print(f"BENCH {name} {value:.1f} {unit}", flush=True)


class Camera(VideoStreamTrack):
    """A moving bar on grey, 320×240 at 30 fps: something for the encoder to send."""

    def __init__(self):
        super().__init__()
        self.n = 0

    async def recv(self):
        pts, time_base = await self.next_timestamp()
        frame = VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
        bar = (self.n * 4) % WIDTH
        row = bytes(235 if bar <= x < bar + 24 else 96 for x in range(frame.planes[0].line_size))
        frame.planes[0].update(row * HEIGHT)
        for plane in frame.planes[1:]:
            plane.update(bytes([128]) * (plane.line_size * (HEIGHT // 2)))
        frame.pts, frame.time_base = pts, time_base
        self.n += 1
        return frame


class Api:
    def __init__(self, url, token):
        self.url, self.http = url, requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"

    async def call(self, method, path, body=None):
        response = await asyncio.to_thread(self.http.request, method, self.url + path, json=body, timeout=20)
        if response.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {response.status_code} {response.text}")
        return response.json() if response.text else None


class JanusSession:
    """One Janus session over its HTTP API, with a long poll answering each request's event."""

    def __init__(self, url):
        self.url, self.waiters, self.closed, self.id = url, {}, False, None

    async def post(self, path, body):
        answer = await asyncio.to_thread(requests.post, self.url + path, json={"transaction": uuid.uuid4().hex, **body}, timeout=20)
        return answer.json()

    async def open(self):
        self.id = (await self.post("", {"janus": "create"}))["data"]["id"]
        self.poller = asyncio.create_task(self.poll())

    async def attach(self):
        return (await self.post(f"/{self.id}", {"janus": "attach", "plugin": "janus.plugin.videoroom"}))["data"]["id"]

    async def message(self, handle, body, jsep=None):
        transaction = uuid.uuid4().hex
        waiter = asyncio.get_running_loop().create_future()
        self.waiters[transaction] = waiter
        message = {"janus": "message", "transaction": transaction, "body": body, **({"jsep": jsep} if jsep else {})}
        answer = (await asyncio.to_thread(requests.post, f"{self.url}/{self.id}/{handle}", json=message, timeout=20)).json()
        if answer.get("janus") == "error":
            raise RuntimeError(answer)
        if answer.get("janus") == "success":
            self.waiters.pop(transaction, None)
            return answer.get("plugindata", {}).get("data"), None
        return await asyncio.wait_for(waiter, 30)

    async def poll(self):
        while not self.closed:
            try:
                answer = await asyncio.to_thread(requests.get, f"{self.url}/{self.id}?maxev=10&rid={time.time()}", timeout=40)
                events = answer.json()
            except Exception:
                await asyncio.sleep(0.5)
                continue
            for event in events if isinstance(events, list) else [events]:
                waiter = self.waiters.pop(event.get("transaction"), None) if event.get("janus") == "event" else None
                if waiter and not waiter.done():
                    data = (event.get("plugindata") or {}).get("data") or {}
                    if data.get("error_code"):
                        waiter.set_exception(RuntimeError(data.get("error")))
                    else:
                        waiter.set_result((data, event.get("jsep")))

    async def close(self):
        self.closed = True
        try:
            await self.post(f"/{self.id}", {"janus": "destroy"})
        except Exception:
            pass
        self.poller.cancel()


async def publish(api, chat):
    joined = await api.call("POST", f"/api/v1/chats/{chat}/calls", {"media": "video"})
    grant = joined["media"]
    janus = JanusSession(grant["url"])
    await janus.open()
    handle = await janus.attach()
    await janus.message(handle, {"request": "join", "ptype": "publisher", "room": grant["room"], "id": grant["participant"], "token": grant["token"]})
    pc = RTCPeerConnection()
    pc.addTrack(Camera())
    await pc.setLocalDescription(await pc.createOffer())
    _, jsep = await janus.message(handle, {"request": "publish", "audio": False, "video": True},
                                  {"type": "offer", "sdp": pc.localDescription.sdp})
    await pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
    # The feed is there for subscribers once its media flows to Janus.
    deadline = time.monotonic() + 30
    while pc.connectionState != "connected" and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    return joined["call"]["id"], grant["participant"], janus, pc


class Viewer:
    """A student who joins the call and watches the teacher's feed, counting decoded frames."""

    def __init__(self, api, chat, call, feed):
        self.api, self.chat, self.call, self.feed = api, chat, call, feed
        self.frames, self.first, self.janus, self.pc = 0, None, None, None

    async def join(self):
        started = time.perf_counter()
        grant = (await self.api.call("POST", f"/api/v1/chats/{self.chat}/calls/{self.call}/join"))["media"]
        self.janus = JanusSession(grant["url"])
        await self.janus.open()
        own = await self.janus.attach()
        data, _ = await self.janus.message(own, {"request": "join", "ptype": "publisher", "room": grant["room"],
                                                 "id": grant["participant"], "token": grant["token"]})
        watch = await self.janus.attach()
        _, jsep = await self.janus.message(watch, {"request": "join", "ptype": "subscriber", "room": grant["room"],
                                                   "private_id": data["private_id"], "streams": [{"feed": self.feed}]})
        self.pc = RTCPeerConnection()
        first = asyncio.get_running_loop().create_future()

        @self.pc.on("track")
        def on_track(track):
            async def consume():
                while True:
                    try:
                        await track.recv()
                    except Exception:
                        return
                    self.frames += 1
                    if not first.done():
                        first.set_result(time.perf_counter())
            asyncio.ensure_future(consume())

        await self.pc.setRemoteDescription(RTCSessionDescription(sdp=jsep["sdp"], type=jsep["type"]))
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await self.janus.message(watch, {"request": "start"}, {"type": "answer", "sdp": self.pc.localDescription.sdp})
        self.first = await asyncio.wait_for(first, 30)
        return (self.first - started) * 1000

    async def poll_state(self, until):
        while time.monotonic() < until:
            await self.api.call("GET", f"/api/v1/calls/{self.call}/state")
            await asyncio.sleep(3)

    async def leave(self):
        await self.api.call("POST", f"/api/v1/chats/{self.chat}/calls/{self.call}/leave")
        await self.pc.close()
        await self.janus.close()


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fixture", help="JSON: url, chat, tokens (the teacher first), parta_pid, janus_pid")
    parser.add_argument("--joins", type=int, default=20)
    parser.add_argument("--subscribers", type=int, default=29)
    parser.add_argument("--window", type=float, default=20)
    args = parser.parse_args()
    fixture = json.load(open(args.fixture))
    asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=256))
    url, chat, tokens = fixture["url"], fixture["chat"], fixture["tokens"]
    students = [Api(url, token) for token in tokens[1:]]

    call, feed, janus, pc = await publish(Api(url, tokens[0]), chat)
    print(f"call {call}: the teacher publishes", file=sys.stderr, flush=True)

    # Join → first decoded frame, one student after another.
    times = []
    for n in range(args.joins):
        viewer = Viewer(students[n % len(students)], chat, call, feed)
        times.append(await viewer.join())
        await viewer.leave()
    times.sort()
    bench("call_join_first_frame_p50", statistics.median(times), "ms")
    bench("call_join_first_frame_p95", times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], "ms")

    # One publisher, N subscribers at once: what Janus and Parta spend per subscriber.
    viewers = [Viewer(students[n % len(students)], chat, call, feed) for n in range(args.subscribers)]
    await asyncio.gather(*(v.join() for v in viewers))
    print(f"{len(viewers)} students watch", file=sys.stderr, flush=True)
    await asyncio.sleep(2)
    frames_before = [v.frames for v in viewers]
    janus_before, parta_before = cpu_seconds(fixture["janus_pid"]), cpu_seconds(fixture["parta_pid"])
    start = time.monotonic()
    await asyncio.gather(*(v.poll_state(start + args.window) for v in viewers), asyncio.sleep(args.window))
    elapsed = time.monotonic() - start
    janus_cpu = cpu_seconds(fixture["janus_pid"]) - janus_before
    parta_cpu = cpu_seconds(fixture["parta_pid"]) - parta_before
    fps = [(v.frames - before) / elapsed for v, before in zip(viewers, frames_before)]
    bench("call_subscriber_fps_min", min(fps), "fps")
    bench("call_janus_cpu_per_subscriber", janus_cpu / elapsed / len(viewers) * 100, "%core")
    bench("call_parta_cpu_per_subscriber", parta_cpu / elapsed / len(viewers) * 100, "%core")
    bench("call_janus_cpu_total", janus_cpu / elapsed * 100, "%core")

    await asyncio.gather(*(v.leave() for v in viewers))
    await Api(url, tokens[0]).call("POST", f"/api/v1/chats/{chat}/calls/{call}/leave")
    await pc.close()
    await janus.close()


if __name__ == "__main__":
    asyncio.run(main())
