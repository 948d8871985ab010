#!/usr/bin/env python3
"""A fake kube-apiserver for agesops tests: HTTPS on 127.0.0.1 only.

Serves the core/v1 Secret and ConfigMap endpoints agesops uses (GET, POST,
PUT, PATCH, DELETE) and Flux Kustomizations (kustomize.toolkit.fluxcd.io/v1,
with the status subresource) with the JSON shapes of a real API server:
objects with
metadata.uid/resourceVersion/creationTimestamp, and Status bodies for 401,
403, 404, 409 AlreadyExists, 409 Conflict (stale resourceVersion), 422,
429 (with Retry-After) and 500.  Authentication by bearer token or by a
client certificate signed by --client-ca (user = certificate CN).  Minimal
discovery (/api, /api/v1, /apis) so kubectl can talk to it too.

Fault injection: --throttle N (first N API calls get 429), --fail5xx N,
--forbid USER:VERB:RESOURCE (403), --invalid RESOURCE (422), --stale-puts N
(409 Conflict), --stale-patches N (the same for PATCHes), --write-barrier N (the
first N PUT/PATCHes of Secrets wait for each other: a deterministic write race), --hang-ms MS, --huge (5 MiB answers), --race-barrier N (the first N GETs of a
missing Secret return together: a deterministic create race), --lifetime S
(exits by itself).  State is kept in memory and written to --state after
every change; the log (--log) names method, path,
status and user, never credentials or Secret values.
"""
import argparse
import base64
import datetime
import json
import os
import re
import socket
import ssl
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PATH_RE = re.compile(r"^/api/v1/namespaces/([^/]+)/(secrets|configmaps)(?:/([^/]+))?()$")
KS_GROUP = "kustomize.toolkit.fluxcd.io"
KS_RE = re.compile(r"^/apis/" + re.escape(KS_GROUP) + r"/v1/namespaces/([^/]+)/(kustomizations)(?:/([^/]+))?(/status)?$")
KEY_RE = re.compile(r"^[-._a-zA-Z0-9]+$")
KIND = {"secrets": "Secret", "configmaps": "ConfigMap", "kustomizations": "Kustomization"}
RESOURCE = {v: k for k, v in KIND.items()}
API_VERSION = {"secrets": "v1", "configmaps": "v1", "kustomizations": KS_GROUP + "/v1"}

args = None
barrier = None
lock = threading.Lock()
store = {}  # (ns, resource, name) -> object
counters = {"rv": 1000, "throttle": 0, "fail5xx": 0, "stale": 0, "stale_patch": 0, "wbar": 0}
write_barrier = None
log_lock = threading.Lock()


def log(line):
    if not args.log:
        return
    with log_lock, open(args.log, "a") as f:
        f.write(line + "\n")


def save_state():
    if not args.state:
        return
    out = [store[k] for k in sorted(store)]
    tmp = args.state + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, indent=1)
    os.replace(tmp, args.state)


def load_state():
    if args.state and os.path.exists(args.state):
        with open(args.state) as f:
            for o in json.load(f):
                m = o["metadata"]
                res = RESOURCE[o["kind"]]
                store[(m["namespace"], res, m["name"])] = o
                counters["rv"] = max(counters["rv"], int(m["resourceVersion"]))


def status(code, reason, message, details=None):
    s = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
         "message": message, "reason": reason}
    if details is not None:
        s["details"] = details
    s["code"] = code
    return code, s


class PatchTestFailed(Exception):
    pass


def check_data(kind, oname, data):
    for k, v in data.items():
        if not KEY_RE.match(k):
            return status(422, "Invalid",
                          '%s "%s" is invalid: data[%s]: Invalid value: "%s": a valid config key must consist of '
                          "alphanumeric characters, '-', '_' or '.'" % (kind, oname, k, k),
                          {"name": oname, "kind": kind, "causes": [{"reason": "FieldValueInvalid",
                                                                    "message": "Invalid value",
                                                                    "field": "data[%s]" % k}]})
        if kind == "Secret":
            try:
                base64.b64decode(v, validate=True)
            except Exception:
                return status(400, "BadRequest", "illegal base64 data")
        elif kind == "ConfigMap" and not isinstance(v, str):
            return status(400, "BadRequest", "ConfigMap data values must be strings")
    return None


def merge_patch(target, patch):
    """RFC 7386."""
    if not isinstance(patch, dict):
        return patch
    if not isinstance(target, dict):
        target = {}
    for k, v in patch.items():
        if v is None:
            target.pop(k, None)
        else:
            target[k] = merge_patch(target.get(k), v)
    return target


def _pointer(doc, ptr):
    if not ptr.startswith("/"):
        raise ValueError("bad JSON pointer %r" % ptr)
    parts = [p.replace("~1", "/").replace("~0", "~") for p in ptr[1:].split("/")]
    for p in parts[:-1]:
        doc = doc[int(p)] if isinstance(doc, list) else doc[p]
    return doc, parts[-1]


def json_patch(doc, ops):
    """RFC 6902 (add, remove, replace, move, test)."""
    if not isinstance(ops, list):
        raise ValueError("a JSON patch is a list of operations")
    for op in ops:
        parent, last = _pointer(doc, op["path"])
        kind = op["op"]
        if kind == "test":
            have = parent[int(last)] if isinstance(parent, list) else parent.get(last)
            if have != op.get("value"):
                raise PatchTestFailed("testing value %s failed" % op["path"])
        elif kind == "remove":
            if isinstance(parent, list):
                del parent[int(last)]
            elif last in parent:
                del parent[last]
            else:
                raise ValueError("unable to remove nonexistent key: %s" % last)
        elif kind == "move":
            src_parent, src_last = _pointer(doc, op["from"])
            if isinstance(src_parent, list) or src_last not in src_parent:
                raise ValueError("move operation does not apply: doc is missing from path: %s" % op["from"])
            value = src_parent.pop(src_last)
            parent, last = _pointer(doc, op["path"])
            parent[last] = value
        elif kind in ("add", "replace"):
            if kind == "replace" and not isinstance(parent, list) and last not in parent:
                raise ValueError("replace operation does not apply: doc is missing key: %s" % op["path"])
            if isinstance(parent, list):
                parent.insert(int(last), op["value"]) if kind == "add" else parent.__setitem__(int(last), op["value"])
            else:
                parent[last] = op["value"]
        else:
            raise ValueError("unsupported op %r" % kind)
    return doc


def now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-apiserver"

    def log_message(self, fmt, *a):  # silence the default stderr log
        pass

    def user(self):
        auth = self.headers.get("Authorization")
        if auth is not None:
            if not auth.startswith("Bearer "):
                return None
            return args.tokens.get(auth[7:])
        cert = self.connection.getpeercert() if hasattr(self.connection, "getpeercert") else None
        if cert:
            for rdn in cert.get("subject", ()):
                for k, v in rdn:
                    if k == "commonName":
                        return v
        return None

    def send(self, code, obj, extra=None):
        body = json.dumps(obj, separators=(",", ":")).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.uuid4()))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > 3 << 20:
            raise ValueError("request too large")
        return self.rfile.read(n) if n else b""

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    def do_PUT(self):
        self.route("PUT")

    def do_DELETE(self):
        self.route("DELETE")

    def do_PATCH(self):
        self.route("PATCH")

    def route(self, method):
        path = self.path.split("?", 1)[0]
        try:
            body = self.read_body()
        except Exception:
            self.close_connection = True
            return
        user = self.user()
        if user is None:
            code, obj = status(401, "Unauthorized", "Unauthorized")
            self.finish_req(method, path, code, obj, "-", body)
            return
        if path == "/api":
            self.finish_req(method, path, 200, {"kind": "APIVersions", "versions": ["v1"],
                            "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0",
                                                            "serverAddress": "127.0.0.1"}]}, user, body)
            return
        if path == "/apis":
            gv = {"groupVersion": KS_GROUP + "/v1", "version": "v1"}
            self.finish_req(method, path, 200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": [
                {"name": KS_GROUP, "versions": [gv], "preferredVersion": gv}]}, user, body)
            return
        if path == "/api/v1":
            res = []
            for r, k in (("configmaps", "ConfigMap"), ("secrets", "Secret")):
                res.append({"name": r, "singularName": k.lower(), "namespaced": True, "kind": k,
                            "verbs": ["create", "delete", "get", "list", "patch", "update", "watch"]})
            self.finish_req(method, path, 200, {"kind": "APIResourceList", "groupVersion": "v1",
                                                "resources": res}, user, body)
            return
        m = PATH_RE.match(path) or KS_RE.match(path)
        if not m:
            code, obj = status(404, "NotFound", "the server could not find the requested resource")
            self.finish_req(method, path, code, obj, user, body)
            return
        with lock:
            if counters["throttle"] < args.throttle:
                counters["throttle"] += 1
                code, obj = status(429, "TooManyRequests", "Too many requests, please try again later.",
                                   {"retryAfterSeconds": 1})
                self.finish_req(method, path, code, obj, user, body, {"Retry-After": "1"})
                return
            if counters["fail5xx"] < args.fail5xx:
                counters["fail5xx"] += 1
                code, obj = status(500, "InternalError", "Internal error occurred: etcdserver: request timed out",
                                   {"causes": [{"message": "etcdserver: request timed out"}]})
                self.finish_req(method, path, code, obj, user, body)
                return
        if args.hang_ms:
            time.sleep(args.hang_ms / 1000.0)
        if args.huge and method == "GET":
            self.finish_req(method, path, 200, {"kind": KIND[m.group(2)], "apiVersion": API_VERSION[m.group(2)],
                                                "metadata": {"name": m.group(3) or "x", "annotations": {"pad": "x" * (5 << 20)}}},
                            user, body)
            return
        ns, res, name, sub = m.group(1), m.group(2), m.group(3), m.group(4)
        verb = {"GET": "get", "POST": "create", "PUT": "update", "DELETE": "delete", "PATCH": "patch"}[method]
        if method == "POST" and name:
            code, obj = status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        elif method in ("GET", "PUT", "DELETE", "PATCH") and not name:
            code, obj = status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource")
        elif any(f == "%s:%s:%s" % (user, verb, res) for f in args.forbid):
            what = '%s "%s"' % (res, name) if name else res
            code, obj = status(403, "Forbidden",
                               '%s is forbidden: User "%s" cannot %s resource "%s" in API group "" in the namespace "%s"'
                               % (what, user, verb, res, ns),
                               dict({"kind": res}, **({"name": name} if name else {})))
        elif method == "PATCH":
            code, obj = self.serve_patch(ns, res, name, sub, body)
        else:
            code, obj = self.serve_object(method, ns, res, name, body, sub)
        self.finish_req(method, path, code, obj, user, body)

    def wait_write_barrier(self, res):
        if write_barrier is None or res != "secrets":
            return
        with lock:
            counters["wbar"] += 1
            waiting = counters["wbar"] <= args.write_barrier
        if waiting:
            try:
                write_barrier.wait()  # every writer has read the same resourceVersion
            except threading.BrokenBarrierError:
                pass

    def serve_patch(self, ns, res, name, sub, body):
        """RFC 7386 merge patch and RFC 6902 JSON patch, as the API server applies them:
        metadata.resourceVersion in the result is a precondition (409 Conflict)."""
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype not in ("application/merge-patch+json", "application/json-patch+json"):
            return status(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
                          "accepted media types include: application/json-patch+json, application/merge-patch+json")
        try:
            patch = json.loads(body)
        except Exception:
            return status(400, "BadRequest", "error decoding patch: invalid JSON")
        self.wait_write_barrier(res)
        with lock:
            key = (ns, res, name)
            cur = store.get(key)
            if cur is None:
                return status(404, "NotFound", '%s "%s" not found' % (res, name), {"name": name, "kind": res})
            if counters["stale_patch"] < args.stale_patches:
                counters["stale_patch"] += 1
                counters["rv"] += 1
                cur["metadata"]["resourceVersion"] = str(counters["rv"])
            try:
                if ctype == "application/merge-patch+json":
                    new = merge_patch(json.loads(json.dumps(cur)), patch)
                else:
                    new = json_patch(json.loads(json.dumps(cur)), patch)
            except PatchTestFailed as e:
                return status(422, "Invalid", "the server rejected our request due to an error in our request: %s" % e)
            except Exception as e:
                return status(422, "Invalid", "the server rejected our request due to an error in our request: %s" % e)
            if not isinstance(new, dict):
                return status(422, "Invalid", "the patched object is not an object")
            meta = new.get("metadata") or {}
            rv = meta.get("resourceVersion")
            if rv is not None and rv != cur["metadata"]["resourceVersion"]:
                return status(409, "Conflict",
                              'Operation cannot be fulfilled on %s "%s": the object has been modified; '
                              "please apply your changes to the latest version and try again" % (res, name),
                              {"name": name, "kind": res})
            for f in ("name", "namespace", "uid", "creationTimestamp"):
                if meta.get(f) != cur["metadata"].get(f):
                    return status(422, "Invalid", "%s: field is immutable" % ("metadata." + f))
            if new.get("kind") != cur["kind"] or new.get("apiVersion") != cur["apiVersion"]:
                return status(422, "Invalid", "kind and apiVersion are immutable")
            if res == "kustomizations":
                # the status subresource: writes to one never change the other
                if sub:
                    new = dict(cur, status=new.get("status"))
                else:
                    new["status"] = cur.get("status")
                if new.get("status") is None:
                    new.pop("status", None)
            err = check_data(KIND[res], name, new.get("data") or {})
            if err:
                return err
            if new.get("data") == {}:
                new.pop("data")
            counters["rv"] += 1
            new["metadata"] = dict(new["metadata"], resourceVersion=str(counters["rv"]))
            store[key] = new
            save_state()
            return 200, new

    def serve_object(self, method, ns, res, name, body, sub=""):
        kind = KIND[res]
        if method == "GET":
            if (ns, res, name) not in store and args.delay_404_ms:
                time.sleep(args.delay_404_ms / 1000.0)
            if (ns, res, name) not in store and res == "secrets" and barrier is not None:
                with lock:
                    counters["barrier"] = counters.get("barrier", 0) + 1
                    waiting = counters["barrier"] <= args.race_barrier
                if waiting:
                    try:
                        barrier.wait()  # every racer has seen 404 before any creates
                    except threading.BrokenBarrierError:
                        pass
            with lock:
                o = store.get((ns, res, name))
                if o is None:
                    return status(404, "NotFound", '%s "%s" not found' % (res, name), {"name": name, "kind": res})
                return 200, o
        if method == "DELETE":
            try:
                opts = json.loads(body) if body else {}
            except Exception:
                return status(400, "BadRequest", "the body of the request was in an unknown format")
            pre = (opts.get("preconditions") or {}) if isinstance(opts, dict) else {}
            with lock:
                cur = store.get((ns, res, name))
                if cur is not None and pre.get("resourceVersion") not in (None, cur["metadata"]["resourceVersion"]):
                    return status(409, "Conflict",
                                  'Operation cannot be fulfilled on %s "%s": Precondition failed: ResourceVersion in '
                                  "precondition: %s, ResourceVersion in object meta: %s"
                                  % (res, name, pre["resourceVersion"], cur["metadata"]["resourceVersion"]),
                                  {"name": name, "kind": res})
                if store.pop((ns, res, name), None) is None:
                    return status(404, "NotFound", '%s "%s" not found' % (res, name), {"name": name, "kind": res})
                save_state()
                return status(200, "", "")[0], {"kind": "Status", "apiVersion": "v1", "metadata": {},
                                                "status": "Success", "details": {"name": name, "kind": res}}
        try:
            obj = json.loads(body)
        except Exception as e:
            return status(400, "BadRequest", "the body of the request was in an unknown format - "
                          "accepted media types include: application/json, application/yaml")
        if not isinstance(obj, dict) or obj.get("kind") != kind or obj.get("apiVersion") != API_VERSION[res]:
            return status(400, "BadRequest", "the API version in the data (%s) does not match the expected API version (%s)"
                          % (obj.get("apiVersion"), API_VERSION[res]) if isinstance(obj, dict) else "bad object")
        meta = obj.get("metadata") or {}
        oname = meta.get("name")
        if meta.get("namespace") not in (None, ns):
            return status(400, "BadRequest", "the namespace of the provided object does not match the namespace sent on the request")
        if method == "PUT" and oname != name:
            return status(400, "BadRequest", "the name of the object (%s) does not match the name on the URL (%s)"
                          % (oname, name))
        if not oname:
            return status(422, "Invalid", '%s "" is invalid: metadata.name: Required value: name or generateName is required' % kind,
                          {"kind": kind, "causes": [{"reason": "FieldValueRequired",
                                                     "message": "Required value: name or generateName is required",
                                                     "field": "metadata.name"}]})
        data = obj.get("data") or {}
        if res in args.invalid:
            return status(422, "Invalid",
                          '%s "%s" is invalid: metadata.annotations: Too long: must have at most 262144 bytes'
                          % (kind, oname), {"name": oname, "kind": kind,
                                            "causes": [{"reason": "FieldValueTooLong",
                                                        "message": "Too long: must have at most 262144 bytes",
                                                        "field": "metadata.annotations"}]})
        err = check_data(kind, oname, data)
        if err:
            return err
        if method == "PUT":
            self.wait_write_barrier(res)
        with lock:
            key = (ns, res, oname)
            cur = store.get(key)
            if method == "POST":
                if cur is not None:
                    return status(409, "AlreadyExists", '%s "%s" already exists' % (res, oname),
                                  {"name": oname, "kind": res})
                counters["rv"] += 1
                new = {"kind": kind, "apiVersion": API_VERSION[res],
                       "metadata": {"name": oname, "namespace": ns, "uid": str(uuid.uuid4()),
                                    "resourceVersion": str(counters["rv"]), "creationTimestamp": now()}}
                if meta.get("labels"):
                    new["metadata"]["labels"] = meta["labels"]
                if data:
                    new["data"] = data
                if kind == "Kustomization":
                    new["spec"] = obj.get("spec") or {}
                if kind == "Secret":
                    new["type"] = obj.get("type") or "Opaque"
                store[key] = new
                save_state()
                return 201, new
            # PUT
            if cur is None:
                return status(404, "NotFound", '%s "%s" not found' % (res, name), {"name": name, "kind": res})
            if counters["stale"] < args.stale_puts:
                counters["stale"] += 1
                counters["rv"] += 1
                cur["metadata"]["resourceVersion"] = str(counters["rv"])
            rv = meta.get("resourceVersion")
            if rv is not None and rv != cur["metadata"]["resourceVersion"]:
                return status(409, "Conflict",
                              'Operation cannot be fulfilled on %s "%s": the object has been modified; '
                              "please apply your changes to the latest version and try again" % (res, name),
                              {"name": name, "kind": res})
            if kind == "Secret" and obj.get("type", cur.get("type")) != cur.get("type"):
                return status(422, "Invalid", 'Secret "%s" is invalid: type: Invalid value: "%s": field is immutable'
                              % (name, obj.get("type")), {"name": name, "kind": "Secret"})
            counters["rv"] += 1
            new = dict(obj)
            new["metadata"] = dict(meta)
            for f in ("uid", "creationTimestamp", "namespace"):
                new["metadata"][f] = cur["metadata"][f]
            new["metadata"]["resourceVersion"] = str(counters["rv"])
            if kind == "Secret":
                new["type"] = cur.get("type", "Opaque")
            new.pop("stringData", None)
            if not data:
                new.pop("data", None)
            if kind == "Kustomization":
                if sub:
                    new = dict(cur, status=obj.get("status"))
                    new["metadata"] = dict(cur["metadata"], resourceVersion=str(counters["rv"]))
                else:
                    new["status"] = cur.get("status")
                if new.get("status") is None:
                    new.pop("status", None)
            store[key] = new
            save_state()
            return 200, new

    def finish_req(self, method, path, code, obj, user, body, extra=None):
        # Never log credentials or Secret values: only the data keys.
        summary = ""
        try:
            b = json.loads(body) if body else None
            if isinstance(b, dict) and isinstance(b.get("data"), dict):
                summary = " data-keys=" + ",".join(sorted(b["data"]))
                if b.get("kind") == "ConfigMap":
                    summary += " body=" + json.dumps(b["data"], sort_keys=True)
        except Exception:
            summary = " body=unparseable"
        log("%s %s %d user=%s%s" % (method, path, code, user, summary))
        self.send(code, obj, extra)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def finish_request(self, request, client_address):
        # TLS handshake in the worker thread, so one stuck client cannot block accept().
        request.settimeout(10)
        try:
            tls = self.ctx.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError) as e:
            log("TLS handshake failed: %s" % type(e).__name__)
            return
        try:
            self.RequestHandlerClass(tls, client_address, self)
        except (ssl.SSLError, OSError):
            pass
        finally:
            try:
                tls.close()
            except OSError:
                pass


def main():
    global args
    ap = argparse.ArgumentParser()
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--client-ca")
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--token", action="append", default=[], help="TOKEN=USER")
    ap.add_argument("--forbid", action="append", default=[], help="USER:VERB:RESOURCE")
    ap.add_argument("--throttle", type=int, default=0)
    ap.add_argument("--fail5xx", type=int, default=0)
    ap.add_argument("--delay-404-ms", type=int, default=0)
    ap.add_argument("--huge", action="store_true", help="answer API GETs with a 5 MiB object")
    ap.add_argument("--hang-ms", type=int, default=0, help="answer every API call this late")
    ap.add_argument("--stale-puts", type=int, default=0,
                    help="before each of the first N PUTs another writer changes the object (409 Conflict)")
    ap.add_argument("--stale-patches", type=int, default=0,
                    help="before each of the first N PATCHes another writer changes the object (409 Conflict)")
    ap.add_argument("--write-barrier", type=int, default=0,
                    help="the first N PUT/PATCHes of Secrets wait for each other (a deterministic write race)")
    ap.add_argument("--invalid", action="append", default=[],
                    help="RESOURCE whose creates and updates are rejected with 422 Invalid")
    ap.add_argument("--race-barrier", type=int, default=0,
                    help="the first N GETs of a missing Secret wait for each other (a deterministic race)")
    ap.add_argument("--state")
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=300)
    args = ap.parse_args()
    args.tokens = dict(t.split("=", 1) for t in args.token)
    global barrier
    if args.race_barrier:
        barrier = threading.Barrier(args.race_barrier, timeout=20)
    global write_barrier
    if args.write_barrier:
        write_barrier = threading.Barrier(args.write_barrier, timeout=20)
    load_state()
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.key)
    if args.client_ca:
        ctx.load_verify_locations(args.client_ca)
        ctx.verify_mode = ssl.CERT_OPTIONAL
    srv = Server(("127.0.0.1", 0), Handler)
    srv.ctx = ctx
    port = srv.server_address[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, args.port_file)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    time.sleep(args.lifetime)  # a safety net: never outlive a test that forgot us
    srv.shutdown()


if __name__ == "__main__":
    main()
