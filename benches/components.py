#!/usr/bin/env python3
"""Writes a generated workspace for the components benchmark (benches/components.sh).

    benches/components.py DIR APPS [--components] [--graph]

APPS apps of three environments each (dev, qa, prod). Without --components each app is one
hardened workload (today's single-component shape); with it each app also has five
components: two Deployments with a sidecar, a StatefulSet with storage, a CronJob and a Job.
With --graph as well, every prod renders NetworkPolicies and each app's `api` connects to its
own `db` and to the next app's `api`, so every prod reads every other app's prod to find its
clients. Every spec is written to pass `check` clean, so the benchmark times a clean gate.
"""
import os
import sys

HARDENED = """    compose:
      healthcheck: {test: [/bin/healthcheck]}
    securityContext:
      runAsNonRoot: true
      runAsUser: 10001
      runAsGroup: 10001
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
      seccompProfile: RuntimeDefault
    resources:
      requests: {cpu: 100m, memory: 128Mi}
      limits: {cpu: 500m, memory: 256Mi}
"""

PROBES = """    probes:
      liveness: {http: {path: /health, port: http}}
      readiness: {http: {path: /ready, port: http}}
"""

SIDECAR = """    sidecars:
      proxy:
        image: {repository: example/proxy, tag: 2.0.0}
        resources:
          requests: {cpu: 50m, memory: 64Mi}
          limits: {cpu: 200m, memory: 128Mi}
        probes:
          liveness: {tcp: admin}
          readiness: {http: {path: /ready, port: admin}}
        ports: [{name: admin, containerPort: 9901}]
"""


PROD = """replicas: 2
disruptionBudget: {maxUnavailable: 1}
affinity: {podAntiAffinity: preferred}
"""

PROD_COMPONENTS = """components:
  api: {replicas: 2, disruptionBudget: {maxUnavailable: 1}, affinity: {podAntiAffinity: preferred}}
  worker: {replicas: 2, disruptionBudget: {maxUnavailable: 1}, affinity: {podAntiAffinity: preferred}}
  db: {replicas: 2, disruptionBudget: {maxUnavailable: 1}, affinity: {podAntiAffinity: preferred}}
"""


def app_yaml(name, components):
    main = f"""namespace: {name}
targets: [kubernetes, compose]
image: {{repository: example/{name}, tag: 1.0.0}}
ports: [{{name: http, containerPort: 8080}}]
probes:
  liveness: {{http: {{path: /health, port: http}}}}
  readiness: {{http: {{path: /ready, port: http}}}}
securityContext:
  runAsNonRoot: true
  runAsUser: 10001
  runAsGroup: 10001
  readOnlyRootFilesystem: true
  allowPrivilegeEscalation: false
  capabilities: {{drop: [ALL]}}
  seccompProfile: RuntimeDefault
resources:
  requests: {{cpu: 100m, memory: 128Mi}}
  limits: {{cpu: 500m, memory: 256Mi}}
compose:
  healthcheck: {{test: [/app/healthcheck]}}
"""
    if not components:
        return main
    parts = [main, "components:\n"]
    for worker in ("api", "worker"):
        parts.append(f"  {worker}:\n    image: {{repository: example/{name}-{worker}, tag: 1.0.0}}\n")
        parts.append("    ports: [{name: http, containerPort: 8080}]\n")
        parts.append(HARDENED + PROBES + SIDECAR)
    parts.append(
        f"""  db:
    kind: StatefulSet
    image: {{repository: postgres, tag: 16.4-alpine}}
    ports: [{{name: pg, containerPort: 5432}}]
    storage:
      data: {{size: 10Gi, mountPath: /var/lib/postgresql/data}}
    probes:
      liveness: {{tcp: pg}}
      readiness: {{exec: [pg_isready]}}
"""
        + HARDENED
    )
    parts.append(
        f"""  report:
    kind: CronJob
    schedule: "0 3 * * *"
    image: {{repository: example/{name}-report, tag: 1.0.0}}
"""
        + HARDENED
    )
    parts.append(
        f"""  migrate:
    kind: Job
    targets: [kubernetes]
    image: {{repository: example/{name}, tag: 1.0.0}}
    command: [./migrate]
"""
        + HARDENED
    )
    return "".join(parts)


def main():
    root, apps = sys.argv[1], int(sys.argv[2])
    components = "--components" in sys.argv[3:]
    graph = components and "--graph" in sys.argv[3:]
    for i in range(apps):
        name = f"app{i:04d}"
        d = os.path.join(root, "environments", name)
        os.makedirs(d, exist_ok=True)
        with open(os.path.join(d, "app.yaml"), "w") as f:
            f.write(app_yaml(name, components))
        for env in ("dev", "qa", "prod"):
            with open(os.path.join(d, f"{env}.yaml"), "w") as f:
                if env != "prod":
                    f.write("replicas: 1\n")
                elif graph:
                    after = f"app{(i + 1) % apps:04d}"
                    api = "{db: {port: pg}, %s/api: {port: http}}" % after
                    f.write(
                        PROD
                        + "networkPolicies: true\n"
                        + PROD_COMPONENTS.replace(
                            "  api: {", "  api: {connections: %s, " % api
                        )
                    )
                elif components:
                    f.write(PROD + PROD_COMPONENTS)
                else:
                    f.write(PROD)


if __name__ == "__main__":
    main()
