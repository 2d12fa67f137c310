#!/usr/bin/env python3
# The size of an MCP server's tools/list (BENCHMARKS.md, "The command line and the MCP server").
# Usage: tool_list_size.py PATH/TO/BIN [mcp flags…]; placeholder credentials, nothing is called.
import subprocess, json, sys, os, time
env = dict(os.environ)
for p in ("ZEPHR", "STRIPE"):
    env.update({p + "_ACCESS_KEY": "k", p + "_SECRET_KEY": "s", p + "_TENANT": "t", p + "_BASE_URL": "http://127.0.0.1:9", p + "_TOKEN": "t", p + "_API_KEY": "k"})
env["HOME"] = "/tmp/nohome"
args = [sys.argv[1], "mcp"] + sys.argv[2:]
m = subprocess.Popen(args, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
def rpc(i, method, params):
    m.stdin.write(json.dumps({"jsonrpc": "2.0", "id": i, "method": method, "params": params}) + "\n"); m.stdin.flush()
    while True:
        line = m.stdout.readline()
        if not line: raise SystemExit("server ended: " + m.stderr.read()[-2000:])
        line = json.loads(line)
        if line.get("id") == i: return line
t = time.perf_counter()
rpc(1, "initialize", {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "size", "version": "0"}})
m.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n"); m.stdin.flush()
t0 = time.perf_counter()
tl = rpc(2, "tools/list", {})
tools = tl["result"]["tools"]
sizes = sorted(len(json.dumps(x, separators=(',', ':'))) for x in tools)
total = len(json.dumps(tl["result"], separators=(',', ':')))
print(f"{' '.join(sys.argv[2:]) or '(default)'}: {len(tools)} tools, {total} bytes; largest tool {sizes[-1] if sizes else 0} bytes, median {sizes[len(sizes)//2] if sizes else 0}; start+initialize {(t0-t)*1000:.0f} ms, tools/list {(time.perf_counter()-t0)*1000:.0f} ms")
m.kill()
