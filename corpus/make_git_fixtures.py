#!/usr/bin/env python3
"""Builds small git repositories that exercise leakhound's git source, with fake secrets.

    python3 corpus/make_git_fixtures.py OUTDIR [--seed 7]

Creates OUTDIR/history (one repository with every history shape the tests need) and
OUTDIR/corrupt (a repository with a damaged object), plus OUTDIR/manifest.json naming each
commit's id and each planted secret, so tests can assert exact findings and provenance.
Secrets are random fakes generated here; prefixes are assembled from pieces so this file
itself holds no secret-shaped string. Dates and authors are fixed: the same seed gives the
same commit ids.
"""
import argparse
import json
import os
import random
import string
import subprocess
import sys

BASE62 = string.ascii_letters + string.digits


def fake_tokens(rng):
    def pick(alphabet, n):
        # No run of three equal characters: placeholder filters rightly drop those.
        while True:
            value = "".join(rng.choice(alphabet) for _ in range(n))
            if not any(value[i] == value[i + 1] == value[i + 2] for i in range(n - 2)):
                return value

    return {
        "github_1": "gh" + "p_" + pick(BASE62, 36),
        "github_2": "gh" + "p_" + pick(BASE62, 36),
        "github_3": "gh" + "p_" + pick(BASE62, 36),
        "github_binary": "gh" + "p_" + pick(BASE62, 36),
        "slack_1": "xo" + "xb-" + pick(string.digits, 12) + "-" + pick(string.digits, 12) + "-" + pick(BASE62, 24),
        "aws_1": "AK" + "IA" + pick("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16),
        "npm_1": "np" + "m_" + pick(BASE62, 36),
        "github_staged": "gh" + "p_" + pick(BASE62, 36),
        "github_corrupt_ok": "gh" + "p_" + pick(BASE62, 36),
        "github_corrupt_bad": "gh" + "p_" + pick(BASE62, 36),
    }


class Repo:
    def __init__(self, path):
        self.path = path
        self.clock = 1700000000
        os.makedirs(path)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", "Fixture Author")
        self.git("config", "user.email", "author@fixture.invalid")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args, capture=False):
        env = dict(os.environ)
        date = f"{self.clock} +0000"
        env.update(GIT_AUTHOR_DATE=date, GIT_COMMITTER_DATE=date,
                   GIT_AUTHOR_NAME="Fixture Author", GIT_AUTHOR_EMAIL="author@fixture.invalid",
                   GIT_COMMITTER_NAME="Fixture Author", GIT_COMMITTER_EMAIL="author@fixture.invalid")
        result = subprocess.run(["git", *args], cwd=self.path, env=env, check=True,
                                stderr=subprocess.DEVNULL,
                                stdout=subprocess.PIPE if capture else subprocess.DEVNULL)
        return result.stdout.decode().strip() if capture else None

    def write(self, relative, content, mode="w"):
        full = os.path.join(self.path, relative)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, mode) as out:
            out.write(content)

    def commit(self, message, *extra):
        self.clock += 3600
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message, *extra)
        return self.git("rev-parse", "HEAD", capture=True)


def build_history(root, tokens):
    repo = Repo(os.path.join(root, "history"))
    commits = {}
    repo.write("settings.py", f'DEBUG = False\n# pasted by mistake: {tokens["github_1"]}\n')
    commits["add_token"] = repo.commit("add settings with a token")
    repo.write("settings.py", "DEBUG = False\ntoken = os.environ['TOKEN']\n")
    commits["remove_token"] = repo.commit("read the token from the environment")
    repo.write("notes/old.txt", f"slack: {tokens['slack_1']}\n")
    commits["add_notes"] = repo.commit("add notes")
    repo.git("checkout", "-q", "-b", "side")
    repo.write("side.txt", f"aws_access_key_id = {tokens['aws_1']}\n")
    commits["side_secret"] = repo.commit("side branch secret")
    repo.git("checkout", "-q", "main")
    repo.write("main.txt", "hello\n")
    commits["main_work"] = repo.commit("main work")
    # An evil merge: merge.txt appears only in the merge commit, in neither parent.
    repo.clock += 3600
    repo.git("merge", "-q", "--no-ff", "--no-commit", "side", capture=True)
    repo.write("merge.txt", f"key {tokens['github_2']}\n")
    repo.git("add", "-A")
    repo.git("commit", "-q", "-m", "merge side")
    commits["merge"] = repo.git("rev-parse", "HEAD", capture=True)
    repo.git("mv", "notes/old.txt", "notes/new.txt")
    commits["rename"] = repo.commit("rename notes")
    copy = f"shared = {tokens['github_3']}\n"
    for name in ("a", "b", "c"):
        repo.write(f"copies/{name}.txt", copy)
    commits["copies"] = repo.commit("the same blob under three paths")
    repo.write("main.txt", "hello again\n")
    commits["unrelated"] = repo.commit("unrelated change")
    repo.write("binary.bin", "\x00\x01binary " + tokens["github_binary"] + "\n")
    commits["binary"] = repo.commit("add a binary file")
    repo.write("notes/new.txt", f"intro line\nslack: {tokens['slack_1']}  # still needed\n")
    commits["touch_secret_line"] = repo.commit("edit the line that holds the existing secret")
    # A commit reachable only through a tag.
    repo.git("checkout", "-q", "--detach")
    repo.write("tagged.txt", f"//registry.npmjs.org/:_authToken={tokens['npm_1']}\n")
    commits["tag_only"] = repo.commit("only a tag reaches this")
    repo.git("tag", "-a", "tag-only", "-m", "tag-only")
    repo.git("checkout", "-q", "main")
    # Staged (not committed) changes: a new secret, and the old secret moved down a line.
    repo.write("staged.txt", f"new = {tokens['github_staged']}\n")
    repo.write("notes/new.txt", f"intro line\nmore\nslack: {tokens['slack_1']}  # still needed\n")
    repo.git("add", "-A")
    return commits


def build_corrupt(root, tokens):
    repo = Repo(os.path.join(root, "corrupt"))
    repo.write("ok.txt", f"t = {tokens['github_corrupt_ok']}\n")
    repo.write("bad.txt", f"t = {tokens['github_corrupt_bad']}\n")
    commit = repo.commit("two files")
    bad = repo.git("rev-parse", "HEAD:bad.txt", capture=True)
    path = os.path.join(repo.path, ".git", "objects", bad[:2], bad[2:])
    os.chmod(path, 0o644)
    with open(path, "wb") as out:
        out.write(b"this is not a zlib stream")
    return {"commit": commit, "bad_blob": bad}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if os.path.exists(args.outdir) and os.listdir(args.outdir):
        sys.exit(f"{args.outdir}: exists and is not empty")
    os.makedirs(args.outdir, exist_ok=True)
    tokens = fake_tokens(random.Random(args.seed))
    manifest = {
        "tokens": tokens,
        "history": build_history(args.outdir, tokens),
        "corrupt": build_corrupt(args.outdir, tokens),
    }
    with open(os.path.join(args.outdir, "manifest.json"), "w") as out:
        json.dump(manifest, out, indent=2)


if __name__ == "__main__":
    main()
