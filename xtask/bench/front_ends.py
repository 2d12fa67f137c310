#!/usr/bin/env python3
# Start-up of the generated command line, one signed call, and MCP round trips, whole process
# (BENCHMARKS.md, "The command line and the MCP server"). Usage: front_ends.py PATH/TO/zephr
import subprocess, time, json, os, statistics, sys
Z = sys.argv[1]
def stats(xs):
    xs = sorted(xs); return f"min {xs[0]*1000:.1f} ms, median {statistics.median(xs)*1000:.1f} ms, max {xs[-1]*1000:.1f} ms (n={len(xs)})"
env = {k: v for k, v in os.environ.items() if not k.startswith("ZEPHR_")}
env["HOME"] = "/tmp/nohome"
def run(args, e=env, n=50):
    ts = []
    for _ in range(n):
        t = time.perf_counter(); r = subprocess.run([Z] + args, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL); ts.append(time.perf_counter() - t)
        assert r.returncode == 0, (args, r.returncode)
    return ts
run(["--help"], n=5)
print("zephr --help:", stats(run(["--help"])))
print("zephr users get-user --help:", stats(run(["users", "get-user", "--help"])))
srv = subprocess.Popen([Z, "test-server"], env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
info = json.loads(srv.stdout.readline())
e = dict(env, ZEPHR_BASE_URL=info["base_url"], ZEPHR_ACCESS_KEY=info["access_key"], ZEPHR_SECRET_KEY=info["secret"])
run(["users", "get-user", "UU01"], e, n=3)
print("signed call, whole process (zephr users get-user UU01 against zephr test-server):", stats(run(["users", "get-user", "UU01"], e)))
# MCP: one process, tools/call round trips over stdio
m = subprocess.Popen([Z, "mcp"], env=e, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
def rpc(i, method, params):
    m.stdin.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n"); m.stdin.flush()
    while True:
        line = json.loads(m.stdout.readline())
        if line.get("id") == i: return line
t = time.perf_counter()
rpc(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "0"}})
m.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n"); m.stdin.flush()
print(f"mcp start + initialize: {(time.perf_counter()-t)*1000:.1f} ms")
t = time.perf_counter(); tl = rpc(2, "tools/list", {}); print(f"tools/list: {(time.perf_counter()-t)*1000:.1f} ms, {len(json.dumps(tl['result'], separators=(',', ':')))} bytes, {len(tl['result']['tools'])} tools")
ts = []
for i in range(50):
    t = time.perf_counter(); r = rpc(10 + i, "tools/call", {"name": "getUser", "arguments": {"user_id": "UU01"}}); ts.append(time.perf_counter() - t)
    assert not r["result"].get("isError"), r
print("mcp tools/call getUser (signed, against the test server):", stats(ts))
m.kill(); srv.kill()
