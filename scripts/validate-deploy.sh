#!/usr/bin/env bash
# Validates the Kubernetes manifests in deploy/kubernetes against Kubernetes' own schemas with
# kubernetes-validate (PyPI; it ships the schemas, so this runs offline), strictly (unknown
# fields are errors), for 1.29 (the first release with backoffLimitPerIndex) and for the newest
# release the package knows; then checks what no schema can: the Job's shard count agrees
# (completions = parallelism = the N of --shard) and its failure policy names the container.
# Run by .ci/run; about 15 s.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! python3 -c "import kubernetes_validate" 2>/dev/null; then
    python3 -m pip install --quiet "kubernetes-validate>=1.29"
fi
manifests=(deploy/kubernetes/*.yaml)
python3 -m kubernetes_validate --strict --quiet -k 1.29.0 "${manifests[@]}"
python3 -m kubernetes_validate --strict --quiet "${manifests[@]}"
python3 - "${manifests[@]}" <<'PY'
import sys, yaml

problems = []
for path in sys.argv[1:]:
    for doc in yaml.safe_load_all(open(path)):
        if not doc or doc.get("kind") != "Job":
            continue
        spec = doc["spec"]
        containers = spec["template"]["spec"]["containers"]
        names = {c["name"] for c in containers}
        for rule in spec.get("podFailurePolicy", {}).get("rules", []):
            codes = rule.get("onExitCodes")
            if codes and codes.get("containerName") not in names:
                problems.append(f"{path}: podFailurePolicy names container {codes.get('containerName')}, not one of {names}")
        if spec.get("completionMode") != "Indexed":
            continue
        args = containers[0]["args"]
        shard = args[args.index("--shard") + 1] if "--shard" in args else None
        n = shard.split("/")[-1] if shard else None
        if not (spec["completions"] == spec["parallelism"] == (int(n) if n and n.isdigit() else None)):
            problems.append(f"{path}: completions {spec['completions']}, parallelism {spec['parallelism']} "
                            f"and --shard {shard} must give one N")
        if "/" in (shard or ""):
            problems.append(f"{path}: --shard {shard} fixes I for every pod; give N alone (I from JOB_COMPLETION_INDEX)")
for problem in problems:
    print("validate-deploy:", problem, file=sys.stderr)
sys.exit(1 if problems else 0)
PY
echo "deploy manifests: ok"
