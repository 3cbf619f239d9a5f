#!/usr/bin/env python3
"""Writes a lint benchmark corpus: FILES files (default 2,000) of five resources each, one
application per file (Deployment, Service, ConfigMap, HorizontalPodAutoscaler,
PodDisruptionBudget) that reference each other, spread over 17 namespaces. About one app in
ten breaks a rule (a `latest` image, a missing probe, a Service selector typo, a PDB that
allows no eviction), so rules have findings to locate.

Used by benches/lint.sh when the validate corpus generator (benches/validate_corpus.py) is
not there.

With `--expressions`, every label selector that can be written with `matchExpressions` is
(the Deployment's, the spread constraint's and the budget's; a Service selector is a plain
map): the shared `app.kubernetes.io/part-of In (shop)` first, then the app's own name, so a
lookup that takes the first requirement instead of the most selective one goes quadratic.

usage: benches/lint_corpus.py OUT_DIR [FILES] [--expressions]   (deterministic: same output
every run)
"""
import os
import sys


def label_selector(name, indent, expressions):
    """A LabelSelector for the app's pods, as `matchLabels` or as `matchExpressions`."""
    pad = " " * indent
    if not expressions:
        return f"{pad}matchLabels: {{app.kubernetes.io/name: {name}}}\n"
    return (f"{pad}matchExpressions:\n"
            f"{pad}  - {{key: app.kubernetes.io/part-of, operator: In, values: [shop]}}\n"
            f"{pad}  - {{key: app.kubernetes.io/name, operator: In, values: [{name}]}}\n")


def app(i, expressions=False):
    name = f"app-{i:05d}"
    ns = f"team-{i % 17}"
    broken = i % 10 == 3
    kind = (i // 10) % 4
    image = f"registry.example.com/shop/{name}:latest" if broken and kind == 0 else f"registry.example.com/shop/{name}:1.{i % 40}.{i % 7}"
    readiness = "" if broken and kind == 1 else """          readinessProbe:
            httpGet: {path: /ready, port: http}
"""
    selector = f"{name}-typo" if broken and kind == 2 else name
    min_available = 3 if broken and kind == 3 else 1
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: {name}}}
spec:
  selector:
{label_selector(name, 4, expressions)}  strategy:
    rollingUpdate: {{maxSurge: 1, maxUnavailable: 0}}
  template:
    metadata:
      labels: {{app.kubernetes.io/name: {name}, app.kubernetes.io/part-of: shop}}
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        seccompProfile: {{type: RuntimeDefault}}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: kubernetes.io/hostname
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
{label_selector(name, 12, expressions)}      containers:
        - name: app
          image: {image}
          ports:
            - {{name: http, containerPort: 8080}}
          envFrom:
            - configMapRef: {{name: {name}-config}}
          env:
            - name: LOG_LEVEL
              valueFrom:
                configMapKeyRef: {{name: {name}-config, key: LOG_LEVEL}}
          resources:
            requests: {{cpu: {100 + (i % 4) * 50}m, memory: {128 * (1 + i % 4)}Mi}}
            limits: {{memory: 1Gi}}
          livenessProbe:
            httpGet: {{path: /livez, port: http}}
{readiness}          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: {{drop: [ALL]}}
---
apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: {ns}
  labels: {{app.kubernetes.io/name: {name}}}
spec:
  selector: {{app.kubernetes.io/name: {selector}}}
  ports:
    - {{name: http, port: 80, targetPort: http}}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: {ns}
data:
  LOG_LEVEL: info
  FEATURE_FLAGS: "checkout,search"
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: {ns}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: {name}}}
  minReplicas: 3
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target: {{type: Utilization, averageUtilization: 70}}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: {ns}
spec:
  minAvailable: {min_available}
  selector:
{label_selector(name, 4, expressions)}"""


def main():
    args = [a for a in sys.argv[1:] if a != "--expressions"]
    expressions = len(args) < len(sys.argv) - 1
    if not args:
        sys.exit(__doc__)
    out = args[0]
    files = int(args[1]) if len(args) > 1 else 2000
    for i in range(files):
        folder = os.path.join(out, f"team-{i % 17:02d}")
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, f"app-{i:05d}.yaml"), "w") as f:
            f.write(app(i, expressions))
    print(f"{files} files, {files * 5} resources, in {out}")


if __name__ == "__main__":
    main()
