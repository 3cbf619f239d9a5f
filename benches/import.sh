#!/usr/bin/env bash
# Times `shipshape import` of a generated stream of COUNT objects (default 1,000): COUNT/5
# workloads, each a Deployment with its Service, ConfigMap, autoscaler and disruption budget.
# The app's own workload is the first Deployment; the others become components.
# Usage: benches/import.sh [COUNT]
set -euo pipefail
cd "$(dirname "$0")/.."
count=${1:-1000}
cargo build --release --locked --quiet
bin=target/release/shipshape
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
python3 - "$count" > "$dir/input.yaml" <<'PY'
import sys
n = int(sys.argv[1]) // 5
for i in range(n):
    name = f"svc{i}"
    print(f"""---
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}, namespace: bench, labels: {{app: {name}}}}}
spec:
  replicas: 2
  selector: {{matchLabels: {{app: {name}}}}}
  template:
    metadata: {{labels: {{app: {name}}}}}
    spec:
      containers:
        - name: {name}
          image: ghcr.io/acme/{name}:1.0.{i}
          ports: [{{name: http, containerPort: 8080}}]
          envFrom: [{{configMapRef: {{name: {name}-config}}}}]
          resources: {{requests: {{cpu: 100m, memory: 128Mi}}, limits: {{memory: 256Mi}}}}
          readinessProbe: {{httpGet: {{path: /ready, port: http}}}}
---
apiVersion: v1
kind: Service
metadata: {{name: {name}, namespace: bench, labels: {{app: {name}}}}}
spec:
  selector: {{app: {name}}}
  ports: [{{name: http, port: 80, targetPort: http}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {{name: {name}-config, namespace: bench}}
data: {{LOG_LEVEL: info, PORT: "8080"}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {{name: {name}, namespace: bench}}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}
  minReplicas: 2
  maxReplicas: 5
  metrics: [{{type: Resource, resource: {{name: cpu, target: {{type: Utilization, averageUtilization: 70}}}}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {{name: {name}, namespace: bench}}
spec:
  minAvailable: 1
  selector: {{matchLabels: {{app: {name}}}}}""")
PY
echo "input: $(grep -c '^kind:' "$dir/input.yaml") objects"
mkdir -p "$dir/ws/environments"
run() { "$bin" import "$dir/input.yaml" --app svc0 --workspace "$dir/ws" --dry-run > /dev/null || [ $? -eq 1 ]; }
if command -v hyperfine > /dev/null; then
  hyperfine --warmup 1 --runs 10 -i "$bin import $dir/input.yaml --app svc0 --workspace $dir/ws --dry-run"
else
  for _ in 1 2 3 4 5; do /usr/bin/time -f "%e s wall, %U s user, %M KiB max RSS" bash -c "$(declare -f run); bin=$bin dir=$dir run"; done
fi
