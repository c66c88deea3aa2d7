#!/usr/bin/env python3
"""Builds a large synthetic git repository for the history benchmark (bench/compare_git.sh).

    python3 corpus/make_history_repo.py SOURCE_TREE OUT_REPO [--commits 2000] [--files-per-commit 10]

The first commit holds every file of SOURCE_TREE (e.g. a tree from gen_source_corpus.py); each
later commit rewrites a few lines in --files-per-commit random files, so every commit adds new
blobs, as real histories do. Written through `git fast-import` (fast, one pack), then repacked
like a fresh clone. Deterministic for a given source tree and seed. No secrets are added here
beyond whatever the source tree holds.
"""
import argparse
import os
import random
import subprocess
import sys


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("source")
    parser.add_argument("repo")
    parser.add_argument("--commits", type=int, default=2000)
    parser.add_argument("--files-per-commit", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    files = []
    for directory, _, names in os.walk(args.source):
        for name in sorted(names):
            full = os.path.join(directory, name)
            files.append(os.path.relpath(full, args.source))
    files.sort()
    contents = {}
    subprocess.run(["git", "init", "-q", "-b", "main", args.repo], check=True)
    importer = subprocess.Popen(["git", "-C", args.repo, "fast-import", "--quiet"],
                                stdin=subprocess.PIPE)
    out = importer.stdin
    when = 1600000000

    def commit(message, changed):
        nonlocal when
        when += 600
        out.write(b"commit refs/heads/main\n")
        out.write(f"author Bench <bench@example.invalid> {when} +0000\n".encode())
        out.write(f"committer Bench <bench@example.invalid> {when} +0000\n".encode())
        data = message.encode()
        out.write(f"data {len(data)}\n".encode() + data + b"\n")
        for path in changed:
            blob = contents[path]
            out.write(f"M 100644 inline {path}\n".encode())
            out.write(f"data {len(blob)}\n".encode() + blob + b"\n")

    for path in files:
        with open(os.path.join(args.source, path), "rb") as source:
            contents[path] = source.read()
    commit("initial import", files)
    for number in range(1, args.commits):
        changed = rng.sample(files, min(args.files_per_commit, len(files)))
        for path in changed:
            lines = contents[path].split(b"\n")
            for _ in range(3):
                index = rng.randrange(len(lines))
                lines[index] = lines[index] + f" // change {number}".encode()
            contents[path] = b"\n".join(lines)
        commit(f"change {number}", changed)
    out.close()
    if importer.wait() != 0:
        sys.exit("git fast-import failed")
    subprocess.run(["git", "-C", args.repo, "repack", "-a", "-d", "-q"], check=True)
    subprocess.run(["git", "-C", args.repo, "checkout", "-q", "main"], check=True)


if __name__ == "__main__":
    main()
