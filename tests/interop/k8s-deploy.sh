#!/usr/bin/env bash
# The manifests in deploy/ are parsed offline by kubectl (kustomize build and
# `kubectl label --local`, which decode every object) and checked against
# what the Job needs: names that agree between Job args, Role, RoleBinding,
# ServiceAccount, admission policy and the Flux Kustomization; least
# privilege; the exit-code policy.  Then the Job's exact args are run against
# the fake API server with the in-cluster configuration, with a server that
# enforces exactly the Role's rules, and the Containerfile's runtime packages
# are checked against the libraries the built binary links.
source "$AGS_SOURCE_ROOT/tests/k8s/lib.sh"
command -v kubectl >/dev/null || { echo "SKIP: kubectl missing"; exit 77; }
D=$SRC/deploy
export KUBECONFIG=/dev/null

timeout 60 kubectl kustomize "$D" > "$T/built.yaml" 2>"$T/kustomize.err" || fail "kubectl kustomize deploy/: $(cat "$T/kustomize.err")"
timeout 60 kubectl label --local -f "$T/built.yaml" checked=yes -o json > "$T/objects.json" 2>"$T/label.err" \
	|| fail "kubectl could not decode the built objects: $(cat "$T/label.err")"
timeout 60 kubectl label --local -f "$D/flux/kustomizations.yaml" checked=yes -o json > "$T/flux.json" 2>"$T/flux.err" \
	|| fail "kubectl could not decode flux/kustomizations.yaml: $(cat "$T/flux.err")"

python3 - "$T/objects.json" "$T/flux.json" "$T/job-args" <<'PY' || FAILS=$((FAILS + 1))
import json, sys

def load(p):
    # kubectl prints one JSON object per document, or a List
    dec, s, i, out = json.JSONDecoder(), open(p).read(), 0, []
    while i < len(s):
        while i < len(s) and s[i].isspace():
            i += 1
        if i >= len(s):
            break
        o, i = dec.raw_decode(s, i)
        out.extend(o["items"] if o.get("kind") == "List" else [o])
    return out

objs, flux = load(sys.argv[1]), load(sys.argv[2])
by = {}
for o in objs:
    by.setdefault(o["kind"], []).append(o)
errors = []
def check(cond, msg):
    if not cond:
        errors.append(msg)

for k in ("ServiceAccount", "Role", "RoleBinding", "Job", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding"):
    check(len(by.get(k, [])) == 1, "expected exactly one %s" % k)
if errors:
    print("\n".join("FAIL: " + e for e in errors)); sys.exit(1)
sa, role, rb, job = by["ServiceAccount"][0], by["Role"][0], by["RoleBinding"][0], by["Job"][0]
vap, vapb = by["ValidatingAdmissionPolicy"][0], by["ValidatingAdmissionPolicyBinding"][0]
ns = job["metadata"]["namespace"]
for o in (sa, role, rb, job):
    check(o["metadata"].get("namespace") == ns, "%s not in namespace %s" % (o["kind"], ns))

# Job: what it runs and how
check(job["apiVersion"] == "batch/v1", "Job apiVersion")
pod = job["spec"]["template"]["spec"]
check(pod.get("serviceAccountName") == sa["metadata"]["name"], "Job uses another service account")
check(pod.get("automountServiceAccountToken") is True, "the Job needs its service-account token")
check(pod.get("restartPolicy") == "Never", "restartPolicy must be Never (podFailurePolicy)")
c = pod["containers"]
check(len(c) == 1, "one container")
c = c[0]
args = c.get("args", [])
check(args[:2] == ["kube", "bootstrap"], "container args must start with kube bootstrap")
opts = dict(a[2:].split("=", 1) for a in args[2:] if a.startswith("--") and "=" in a)
check(opts.get("namespace") == ns, "--namespace must be the Job's namespace")
secret, cm = opts.get("name", "sops-age"), opts.get("configmap", "sops-age-public")
check(secret == "sops-age", "Flux's decryption Secret is sops-age")
sc = c.get("securityContext", {})
check(sc.get("allowPrivilegeEscalation") is False and sc.get("readOnlyRootFilesystem") is True
      and sc.get("capabilities", {}).get("drop") == ["ALL"], "container securityContext not locked down")
check(pod.get("securityContext", {}).get("runAsNonRoot") is True, "runAsNonRoot")
rules = job["spec"].get("podFailurePolicy", {}).get("rules", [])
fail_codes = [r["onExitCodes"]["values"] for r in rules if r.get("action") == "FailJob" and "onExitCodes" in r]
check(fail_codes == [[1, 2]], "podFailurePolicy must fail the Job on exit codes 1 and 2 only")
check(75 not in sum(fail_codes, []), "exit code 75 (transient) must be retried")
check(0 < job["spec"].get("backoffLimit", 6) <= 10, "bounded backoffLimit")

# Role: least privilege
allowed = {("secrets", "get", (secret,)), ("configmaps", "get", (cm,)), ("configmaps", "update", (cm,)),
           ("secrets", "create", ()), ("configmaps", "create", ())}
got = set()
for r in role["rules"]:
    check(r.get("apiGroups") == [""], "Role rules must be for the core group only")
    for res in r["resources"]:
        for v in r["verbs"]:
            got.add((res, v, tuple(r.get("resourceNames", []))))
check(got == allowed, "Role rules differ from least privilege: extra %s missing %s"
      % (sorted(got - allowed), sorted(allowed - got)))
check(rb["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": role["metadata"]["name"]},
      "RoleBinding roleRef")
check(rb["subjects"] == [{"kind": "ServiceAccount", "name": sa["metadata"]["name"], "namespace": ns}],
      "RoleBinding subjects")

# Admission policy: binds the same user and names
user = "system:serviceaccount:%s:%s" % (ns, sa["metadata"]["name"])
conds = " ".join(m["expression"] for m in vap["spec"]["matchConditions"])
check("'%s'" % user in conds, "admission policy must match the Job's service account")
val = " ".join(v["expression"] for v in vap["spec"]["validations"])
check("'%s'" % secret in val and "'%s'" % cm in val and "'%s'" % ns in val, "admission policy names")
check(vapb["spec"]["policyName"] == vap["metadata"]["name"] and vapb["spec"]["validationActions"] == ["Deny"],
      "admission policy binding")

# Flux: apps wait for the bootstrap and decrypt with its Secret
ks = {o["metadata"]["name"]: o for o in flux if o["kind"] == "Kustomization"}
boot = [o for o in ks.values() if "decryption" not in o["spec"]]
dec = [o for o in ks.values() if "decryption" in o["spec"]]
check(len(boot) == 1 and len(dec) >= 1, "one bootstrap Kustomization and decrypting ones")
if boot and dec:
    b = boot[0]
    check(b["apiVersion"] == "kustomize.toolkit.fluxcd.io/v1", "Flux Kustomization apiVersion")
    check(b["spec"].get("wait") is True, "bootstrap Kustomization must wait for the Job")
    check(b["spec"].get("force") is True, "bootstrap Kustomization must force (Jobs are immutable)")
    for d in dec:
        check({"name": b["metadata"]["name"]} in d["spec"].get("dependsOn", []), "%s must depend on the bootstrap" % d["metadata"]["name"])
        check(d["spec"]["decryption"] == {"provider": "sops", "secretRef": {"name": secret}}, "decryption secretRef")
        check(d["metadata"]["namespace"] == ns, "decryption Secret is read from the Kustomization's namespace")
if errors:
    print("\n".join("FAIL: " + e for e in errors)); sys.exit(1)
open(sys.argv[3], "w").write("\n".join(args) + "\n")
print("ok: deploy/ manifests decode and agree (Job, ServiceAccount, Role, RoleBinding, admission policy, Flux)")
PY

# The Job's own args, in-cluster, against a server that enforces the Role:
# the service account may get only the named objects; a get or update of
# anything else would be refused.
if [ -s "$T/job-args" ]; then
	make_pki
	TOKEN=job-$(openssl rand -hex 16)
	SECRETS+=("$TOKEN")
	U=system:serviceaccount:flux-system:agesops-bootstrap
	start_server job --token "$TOKEN=$U" --forbid "$U:update:secrets" --forbid "$U:delete:secrets" \
		--forbid "$U:delete:configmaps"
	mkdir -p "$T/sa"; printf '%s' "$TOKEN" > "$T/sa/token"; cp "$T/ca.pem" "$T/sa/ca.crt"
	mapfile -t JOBARGS < "$T/job-args"
	for run in 1 2; do
		KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=$PORT AGESOPS_SERVICEACCOUNT_DIR=$T/sa HOME=$T \
			timeout 60 "$AGS" "${JOBARGS[@]}" >"$T/job$run.out" 2>"$T/job$run.err"
		rc=$?
		[ $rc = 0 ] && grep -q '^public key: age1' "$T/job$run.out" && pass "the Job's args work in-cluster (run $run)" \
			|| fail "Job args run $run (rc=$rc): $(cat "$T/job$run.err")"
	done
	bad=$(grep -vE '^((GET|PUT) /api/v1/namespaces/flux-system/configmaps/sops-age-public|GET /api/v1/namespaces/flux-system/secrets/sops-age|POST /api/v1/namespaces/flux-system/(secrets|configmaps)) ' "$T/job.log")
	[ -z "$bad" ] && pass "the Job only makes requests its Role allows" || fail "requests outside the Role: $bad"
	python3 -c 'import json,sys,base64
for o in json.load(open(sys.argv[1])):
    if o["kind"]=="Secret": sys.stdout.write(base64.b64decode(o["data"]["age.agekey"]).decode())' "$T/job.state" | grep AGE-SECRET-KEY > "$T/jobkey.txt"
	SECRETS+=("$(cat "$T/jobkey.txt")")
	rm -f "$T/jobkey.txt"
fi

# Containerfile: runtime packages cover every library agesops links.
CF=$D/Containerfile
grep -q '^FROM docker.io/library/debian:12' "$CF" && grep -q '^USER 65532' "$CF" && grep -q 'ENTRYPOINT \["/usr/bin/agesops"\]' "$CF" \
	&& pass "Containerfile: Debian 12, non-root, agesops entry point" || fail "Containerfile basics"
runtime=$(awk '/^FROM .*slim/{r=1} r' "$CF")
lib=$(dirname "$(readlink -f "$AGS")")/libagesops.so
# deploy/rotate: the rotation Job runs `kube bootstrap --rotate` as the bootstrap service account, whose
# extra Role may only get and patch the one Secret
timeout 60 kubectl kustomize "$D/rotate" > "$T/rotate.yaml" 2>"$T/rk.err" || fail "kubectl kustomize deploy/rotate: $(cat "$T/rk.err")"
timeout 60 kubectl label --local -f "$T/rotate.yaml" checked=yes -o json > "$T/rotate.json" 2>>"$T/rk.err" \
	|| fail "kubectl could not decode deploy/rotate: $(cat "$T/rk.err")"
python3 - "$T/rotate.json" <<'PY' || fail "deploy/rotate manifests"
import json, sys
text, dec, objs, i = open(sys.argv[1]).read(), json.JSONDecoder(), {}, 0
while i < len(text):
    if text[i].isspace():
        i += 1
        continue
    o, i = dec.raw_decode(text, i)
    for x in o.get("items", [o]):
        objs[x["kind"]] = x
job, role, rb = objs["Job"], objs["Role"], objs["RoleBinding"]
c = job["spec"]["template"]["spec"]["containers"][0]
assert c["args"][:2] == ["kube", "bootstrap"] and "--rotate" in c["args"], c["args"]
assert job["spec"]["template"]["spec"]["serviceAccountName"] == "agesops-bootstrap"
sec = [r for r in role["rules"] if "secrets" in r["resources"]]
assert sec == [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["sops-age"], "verbs": ["get", "patch"]}], sec
assert all("delete" not in r["verbs"] and "list" not in r["verbs"] for r in role["rules"])
assert rb["subjects"][0]["name"] == "agesops-bootstrap" and rb["roleRef"]["name"] == role["metadata"]["name"]
print("ok: deploy/rotate: the rotation Job (bootstrap --rotate) with patch on the sops-age Secret only")
PY

missing=""
if command -v dpkg >/dev/null && [ -f "$lib" ]; then
	direct=$(objdump -p "$AGS" "$lib" 2>/dev/null | awk '/NEEDED/{print $2}' | sort -u)
	[ -n "$direct" ] || fail "objdump found no NEEDED entries"
	for soname in $direct; do
		case $soname in libagesops.so*|libc.so*|libm.so*|libasan*|libubsan*|libgcc_s*|libpthread*|libdl*) continue;; esac
		so=$( (ldd "$AGS"; ldd "$lib") | awk -v n="$soname" '$1 == n && $3 ~ /^\// {print $3; exit}')
		pkg=$(dpkg -S "$(readlink -f "$so")" 2>/dev/null | head -1 | cut -d: -f1)
		[ -n "$pkg" ] || { fail "no Debian package owns $soname"; continue; }
		grep -qw -- "$pkg" <<<"$runtime" || missing="$missing $pkg"
	done
	[ -z "$missing" ] && pass "Containerfile runtime packages cover the linked libraries" \
		|| fail "Containerfile lacks runtime packages:$missing"
fi
finish
