#!/usr/bin/env python3
"""Benchmark of `shipshape diff A B` on two 10,000-resource folders that differ in 1% of objects.

Generates the corpus (deterministic: a fixed random seed) into target/bench-diff/{old,new}:
2,000 files of 5 resources each (Deployment, Service, ConfigMap, Secret,
HorizontalPodAutoscaler), realistic sizes. The new folder differs in 100 objects (1%):
70 changed (image tag, replicas, an env var, a config value), 10 removed, 10 added and
10 ConfigMaps renamed with a new hash suffix; documents are also shuffled within 10% of the
files, which must not count as a difference (`--shuffle-all`: in every file, so that no file
is byte-identical and all of them are parsed).

Then times the release binary (`cargo build --release` first) over several runs and prints
the minimum and median wall time, the user+sys CPU time, and the peak memory (maximum
resident set size, from /usr/bin/time).

Usage: python3 benches/diff.py [--runs N] [--no-build]
"""

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "target" / "bench-diff"
FILES = 2000
PER_FILE = 5
HASH_ALPHABET = "bcdfghjkmnpqrstvwxz2456789"


def suffix(rng):
    return "".join(rng.choice(HASH_ALPHABET) for _ in range(10))


def app_objects(i, rng):
    """The five objects of app i, as dicts keyed by a stable id."""
    ns = f"team-{i % 40}"
    name = f"app-{i:05d}"
    cfg = f"{name}-config-{suffix(rng)}"
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": ns}
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {
            "replicas": 2 + i % 3,
            "selector": {"matchLabels": {"app.kubernetes.io/name": name}},
            "template": {
                "metadata": {"labels": labels, "annotations": {"checksum/config": f"{i:064x}"}},
                "spec": {
                    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001},
                    "containers": [
                        {
                            "name": "app",
                            "image": f"registry.example.com/{ns}/{name}:1.{i % 20}.0",
                            "ports": [{"name": "http", "containerPort": 8080}],
                            "env": [
                                {"name": "LOG_LEVEL", "value": "info"},
                                {"name": "PORT", "value": "8080"},
                                {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": f"{name}-secret", "key": "password"}}},
                            ],
                            "envFrom": [{"configMapRef": {"name": cfg}}],
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "128Mi"},
                                "limits": {"cpu": "500m", "memory": "512Mi"},
                            },
                            "readinessProbe": {"httpGet": {"path": "/ready", "port": "http"}, "periodSeconds": 10},
                            "livenessProbe": {"httpGet": {"path": "/health", "port": "http"}, "periodSeconds": 20},
                            "securityContext": {
                                "allowPrivilegeEscalation": False,
                                "readOnlyRootFilesystem": True,
                                "capabilities": {"drop": ["ALL"]},
                            },
                            "volumeMounts": [{"name": "tmp", "mountPath": "/tmp"}],
                        }
                    ],
                    "volumes": [{"name": "tmp", "emptyDir": {}}],
                },
            },
        },
    }
    service = {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": ns, "labels": labels},
        "spec": {
            "selector": {"app.kubernetes.io/name": name},
            "ports": [{"name": "http", "port": 80, "targetPort": "http"}],
        },
    }
    config = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": cfg, "namespace": ns, "labels": labels},
        "data": {"FEATURE_X": "on", "CACHE_TTL": "300", "UPSTREAM": f"http://{name}-upstream:8080"},
    }
    secret = {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": f"{name}-secret", "namespace": ns, "labels": labels},
        "type": "Opaque",
        "data": {"password": "c2VjcmV0LXBhc3N3b3Jk"},
    }
    hpa = {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": ns},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": 2,
            "maxReplicas": 10,
            "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 70}}}],
        },
    }
    return [deployment, service, config, secret, hpa]


def to_yaml(value, indent=0):
    """Block YAML for the JSON-like values above (strings quoted when needed)."""
    pad = " " * indent
    lines = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, (dict, list)) and v:
                lines.append(f"{pad}{k}:")
                lines.extend(to_yaml(v, indent + (2 if isinstance(v, dict) else 0)))
            else:
                lines.append(f"{pad}{k}: {scalar(v)}")
    else:
        for item in value:
            sub = to_yaml(item, indent + 2) if isinstance(item, (dict, list)) and item else [f"{pad}  {scalar(item)}"]
            sub[0] = pad + "- " + sub[0][indent + 2:]
            lines.extend(sub)
    return lines


def scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, dict):
        return "{}"
    if isinstance(v, list):
        return "[]"
    return '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for f in folder.glob("*.yaml"):
        f.unlink()
    for i, objects in enumerate(files):
        text = "---\n".join("\n".join(to_yaml(o)) + "\n" for o in objects)
        (folder / f"app-{i:05d}.yaml").write_text(text)


def generate(shuffle_all):
    rng = random.Random(5)
    old = [app_objects(i, rng) for i in range(FILES)]
    new = [[dict(o) for o in objs] for objs in old]
    import copy

    new = copy.deepcopy(old)
    picks = rng.sample(range(FILES), 100)
    changed, removed, added, renamed = picks[:70], picks[70:80], picks[80:90], picks[90:]
    for n, i in enumerate(changed):
        dep = new[i][0]
        c = dep["spec"]["template"]["spec"]["containers"][0]
        kind = n % 4
        if kind == 0:
            c["image"] = c["image"].rsplit(":", 1)[0] + ":2.0.0"
        elif kind == 1:
            dep["spec"]["replicas"] += 1
        elif kind == 2:
            c["env"].append({"name": "FEATURE_Y", "value": "on"})
        else:
            new[i][2]["data"]["CACHE_TTL"] = "600"
    for i in removed:
        del new[i][4]  # the HPA
    for i in added:
        name = new[i][0]["metadata"]["name"]
        ns = new[i][0]["metadata"]["namespace"]
        new[i].append({
            "apiVersion": "policy/v1",
            "kind": "PodDisruptionBudget",
            "metadata": {"name": name, "namespace": ns},
            "spec": {"minAvailable": 1, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}},
        })
    for i in renamed:
        cfg = new[i][2]
        base = cfg["metadata"]["name"].rsplit("-", 1)[0]
        cfg["metadata"]["name"] = f"{base}-{suffix(rng)}"
        cfg["data"]["FEATURE_X"] = "off"
    shuffled = range(FILES) if shuffle_all else rng.sample(range(FILES), FILES // 10)
    for i in shuffled:
        new[i].reverse() if shuffle_all else rng.shuffle(new[i])
    write(OUT / "old", old)
    write(OUT / "new", new)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument(
        "--shuffle-all",
        action="store_true",
        help="reverse the document order of every new file, so that no file is byte-identical "
        "and every file is parsed (the worst case for the same 1%% of changed objects)",
    )
    args = parser.parse_args()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    generate(args.shuffle_all)
    binary = ROOT / "target" / "release" / "shipshape"
    cmd = [str(binary), "diff", str(OUT / "old"), str(OUT / "new"), "--format", "json"]
    first = subprocess.run(cmd, capture_output=True, text=True)
    if first.returncode != 1:
        sys.exit(f"expected exit 1 (differences), got {first.returncode}: {first.stderr}")
    import json

    summary = json.loads(first.stdout)["summary"]["total"]
    print(f"differences found: {summary}")
    walls, cpus, peaks = [], [], []
    for _ in range(args.runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        run = subprocess.run(["/usr/bin/time", "-f", "%M"] + cmd, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True, check=False)
        walls.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
        peaks.append(int(run.stderr.strip().splitlines()[-1]) / 1024)
    peak_mib = max(peaks)
    size_mib = sum(f.stat().st_size for f in (OUT / "old").glob("*.yaml")) / 2**20
    print(f"corpus: 2 x {FILES * PER_FILE} resources in 2 x {FILES} files, {size_mib:.1f} MiB per side")
    print(f"wall: min {min(walls):.3f} s, median {statistics.median(walls):.3f} s over {args.runs} runs")
    print(f"cpu (user+sys): median {statistics.median(cpus):.3f} s")
    print(f"peak memory: {peak_mib:.0f} MiB")


if __name__ == "__main__":
    main()
