"""Checks the Kubernetes example with the Kubernetes schemas (kubernetes-validate, strict:
no unknown fields) and works out the shard each pod of the Indexed Job makes.

    k8s_check.py JOB.yaml

Prints JSON: the Kubernetes version validated against, the number of completions, and the
`--shard` argument each pod's shell command produces with its JOB_COMPLETION_INDEX.
"""
import json
import os
import subprocess
import sys

import kubernetes_validate
import yaml

path = sys.argv[1]
job = yaml.safe_load(open(path))
version = kubernetes_validate.latest_version()
kubernetes_validate.validate(job, desired_version=version, strict=True)

container = job["spec"]["template"]["spec"]["containers"][0]
shell = container["command"][1:] + container["args"]
completions = job["spec"]["completions"]
shards = []
for index in range(completions):
    # The pod's command with fluosynth replaced by a printer of its arguments.
    script = shell[-1].replace("fluosynth generate", "printf '%s\\n'", 1)
    out = subprocess.run(["sh", "-c", script], env={**os.environ, "JOB_COMPLETION_INDEX": str(index)},
                         capture_output=True, text=True, check=True).stdout.split("\n")
    shards.append(out[out.index("--shard") + 1])
print(json.dumps({"version": version, "completions": completions, "mode": job["spec"]["completionMode"], "shards": shards}))
