#!/usr/bin/env bash
# Validates the `blurd serve` fleet deployment: deploy/kubernetes/serve-statefulset.yaml against
# Kubernetes' own schemas with kubernetes-validate (PyPI; ships the schemas, runs offline),
# strictly, for 1.28 (the first release with the pod-index label) and the newest it knows; what
# no schema checks (replicas = BLURD_SHARDS, the shard from the pod-index label, the probes on
# /livez and /healthz); and the Prometheus scrape configs with promtool (Debian's `prometheus`).
# Debian's promtool is built without Kubernetes service discovery: there the kubernetes_sd_configs
# block is swapped for a static target so that everything else (the relabelling) is still checked.
# About 10 s.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import kubernetes_validate" 2>/dev/null; then
    python3 -m pip install --quiet "kubernetes-validate>=1.28"
fi
manifest=deploy/kubernetes/serve-statefulset.yaml
python3 -m kubernetes_validate --strict --quiet -k 1.28.0 "$manifest"
python3 -m kubernetes_validate --strict --quiet "$manifest"
python3 - "$manifest" <<'PY'
import sys, yaml

path = sys.argv[1]
problems = []
docs = [d for d in yaml.safe_load_all(open(path)) if d]
sets = [d for d in docs if d["kind"] == "StatefulSet"]
if len(sets) != 1:
    problems.append(f"{path}: expected one StatefulSet, found {len(sets)}")
for doc in sets:
    spec = doc["spec"]
    container = spec["template"]["spec"]["containers"][0]
    env = {e["name"]: e for e in container.get("env", [])}
    shards = env.get("BLURD_SHARDS", {}).get("value")
    if shards != str(spec["replicas"]):
        problems.append(f"{path}: BLURD_SHARDS {shards} must equal replicas {spec['replicas']}")
    if env.get("BLURD_SHARD", {}).get("value") != "$(POD_INDEX)/$(BLURD_SHARDS)":
        problems.append(f"{path}: BLURD_SHARD must be $(POD_INDEX)/$(BLURD_SHARDS)")
    index = env.get("POD_INDEX", {}).get("valueFrom", {}).get("fieldRef", {}).get("fieldPath")
    if index != "metadata.labels['apps.kubernetes.io/pod-index']":
        problems.append(f"{path}: POD_INDEX must come from the pod-index label, got {index}")
    names = list(env)
    if "BLURD_SHARD" in names and names.index("BLURD_SHARD") < max(names.index(n) for n in ("POD_INDEX", "BLURD_SHARDS") if n in names):
        problems.append(f"{path}: BLURD_SHARD must come after the variables it refers to")
    for probe, want in (("livenessProbe", "/livez"), ("readinessProbe", "/healthz")):
        got = container.get(probe, {}).get("httpGet", {}).get("path")
        if got != want:
            problems.append(f"{path}: {probe} must GET {want}, got {got}")
    if spec.get("serviceName") not in [d["metadata"]["name"] for d in docs if d["kind"] == "Service"]:
        problems.append(f"{path}: serviceName {spec.get('serviceName')} names no Service here")
for problem in problems:
    print("validate-serve-deploy:", problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
if ! command -v promtool > /dev/null; then
    echo "validate-serve-deploy: promtool not installed (Debian package prometheus)" >&2
    exit 1
fi
promtool check config deploy/prometheus/blurd-serve-scrape-dns.yml > /dev/null
scrape=deploy/prometheus/blurd-serve-scrape.yml
if ! output=$(promtool check config "$scrape" 2>&1); then
    if ! grep -q "field kubernetes_sd_configs not found" <<< "$output"; then
        echo "$output" >&2
        exit 1
    fi
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    python3 - "$scrape" "$work/static.yml" <<'PY'
import sys, yaml
config = yaml.safe_load(open(sys.argv[1]))
for job in config["scrape_configs"]:
    sd = job.pop("kubernetes_sd_configs")
    assert sd and all(s["role"] == "pod" for s in sd), "the kubernetes job discovers pods"
    job["static_configs"] = [{"targets": ["blurd-0.blurd.blurd.svc:9464"]}]
yaml.safe_dump(config, open(sys.argv[2], "w"))
PY
    promtool check config "$work/static.yml" > /dev/null
    echo "validate-serve-deploy: this promtool has no Kubernetes discovery; $scrape checked with its kubernetes_sd_configs replaced by a static target" >&2
fi
echo "serve deploy manifests: ok"
