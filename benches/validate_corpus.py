#!/usr/bin/env python3
"""Writes the validate benchmark corpus: 2,000 files with 10,000 resources (Deployment,
Service, ConfigMap, HorizontalPodAutoscaler v2, PodDisruptionBudget, Ingress), about 5% of
them invalid (wrong type, unknown field, bad quantity, missing required field).

usage: benches/validate_corpus.py OUT_DIR [FILES]   (deterministic: same output every run)
"""
import os
import random
import sys


def deployment(name, i):
    return f"""apiVersion: apps/v1
kind: Deployment
metadata:
  name: {name}
  namespace: team-{i % 17}
  labels:
    app.kubernetes.io/name: {name}
    app.kubernetes.io/part-of: shop
  annotations:
    shipshape.dev/owner: team-{i % 17}
spec:
  replicas: {2 + i % 5}
  revisionHistoryLimit: 5
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  template:
    metadata:
      labels:
        app.kubernetes.io/name: {name}
    spec:
      serviceAccountName: {name}
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        fsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: registry.example.com/shop/{name}:1.{i % 40}.{i % 7}
          imagePullPolicy: IfNotPresent
          args: ["--port=8080", "--log-format=json"]
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: metrics
              containerPort: 9090
          env:
            - name: MODE
              value: production
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: {name}-db
                  key: url
          envFrom:
            - configMapRef:
                name: {name}-config
          resources:
            requests:
              cpu: {100 + (i % 4) * 50}m
              memory: {128 * (1 + i % 4)}Mi
            limits:
              cpu: "1"
              memory: 1Gi
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 10
            periodSeconds: 10
          readinessProbe:
            httpGet:
              path: /ready
              port: 8080
            periodSeconds: 5
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: ["ALL"]
          volumeMounts:
            - name: tmp
              mountPath: /tmp
      volumes:
        - name: tmp
          emptyDir: {{}}
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: {name}
"""


def service(name, i):
    return f"""apiVersion: v1
kind: Service
metadata:
  name: {name}
  namespace: team-{i % 17}
  labels:
    app.kubernetes.io/name: {name}
spec:
  type: ClusterIP
  selector:
    app.kubernetes.io/name: {name}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
    - name: metrics
      port: 9090
      targetPort: 9090
"""


def configmap(name, i):
    return f"""apiVersion: v1
kind: ConfigMap
metadata:
  name: {name}-config
  namespace: team-{i % 17}
data:
  LOG_LEVEL: info
  CACHE_TTL: "{60 + i % 300}"
  FEATURE_FLAGS: "checkout,search,recommendations"
  settings.yaml: |
    server:
      port: 8080
      timeout: 30s
    cache:
      size: {i % 1000}
"""


def hpa(name, i):
    return f"""apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {name}
  namespace: team-{i % 17}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {name}
  minReplicas: 2
  maxReplicas: {6 + i % 10}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
    - type: Resource
      resource:
        name: memory
        target:
          type: AverageValue
          averageValue: 500Mi
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
        - type: Percent
          value: 50
          periodSeconds: 60
"""


def pdb(name, i):
    return f"""apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {name}
  namespace: team-{i % 17}
spec:
  {"minAvailable: 1" if i % 2 else "maxUnavailable: 25%"}
  selector:
    matchLabels:
      app.kubernetes.io/name: {name}
"""


def ingress(name, i):
    return f"""apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: {name}
  namespace: team-{i % 17}
  annotations:
    cert-manager.io/cluster-issuer: letsencrypt
spec:
  ingressClassName: nginx
  tls:
    - hosts: [{name}.shop.example.com]
      secretName: {name}-tls
  rules:
    - host: {name}.shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: {name}
                port:
                  name: http
"""


KINDS = [deployment, service, configmap, hpa, pdb, ingress]

# (needle, replacement) pairs that make a resource invalid, applied to the first match.
BREAKERS = {
    deployment: [("replicas: ", "replicas: many-"), ("revisionHistoryLimit", "revisionHistoryLimitt"),
                 ("memory: 1Gi", "memory: 1GB"), ("containerPort: 9090", "containerPort: \"9090\"")],
    service: [("type: ClusterIP", "type: [ClusterIP]"), ("protocol: TCP", "protocoll: TCP")],
    configmap: [("LOG_LEVEL: info", "LOG_LEVEL: 3")],
    hpa: [("maxReplicas: ", "maxReplicas: x"), ("averageUtilization: 70", "averageUtilization: true")],
    pdb: [("selector:", "selectors:")],
    ingress: [("pathType: Prefix", "pathType: [Prefix]"), ("ingressClassName", "ingressclassname")],
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    files = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
    rng = random.Random(20261121)
    invalid = 0
    total = 0
    for f in range(files):
        sub = os.path.join(out, f"team-{f % 20:02d}")
        os.makedirs(sub, exist_ok=True)
        docs = []
        for j in range(5):
            i = f * 5 + j
            kind = KINDS[i % len(KINDS)]
            text = kind(f"svc-{i:05d}", i)
            if rng.random() < 0.05:
                needle, repl = rng.choice(BREAKERS[kind])
                text = text.replace(needle, repl, 1)
                invalid += 1
            docs.append(text)
            total += 1
        with open(os.path.join(sub, f"app-{f:04d}.yaml"), "w") as fh:
            fh.write("---\n".join(docs))
    print(f"{files} files, {total} resources, {invalid} invalid, in {out}")


if __name__ == "__main__":
    main()
