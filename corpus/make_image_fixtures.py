#!/usr/bin/env python3
"""Builds container image fixtures for the image source's tests, fully offline.

OCI image layouts are written here with tarfile, gzip and hashlib (the format is JSON plus
SHA-256 digests, so history, Env and whiteouts are exactly as wanted); zstd layers use the
`zstd` tool. Each layout is also packed as an OCI tarball, and converted by `skopeo` into the
`docker save` format (docker-archive), as a registry client would store it.

    corpus/make_image_fixtures.py OUT

writes OUT/oci/NAME (layouts), OUT/oci-tar/NAME.tar, OUT/docker/NAME.tar and OUT/manifest.json
(the fake tokens and the digests the tests expect). Every secret is fake, random, and assembled
here at run time.

    corpus/make_image_fixtures.py --from-dirs OUT TAG [--compression gzip|none]
        [--created-by TEXT]... [--env NAME=VALUE]... [--docker TARBALL] DIR...

writes one OCI layout OUT (image TAG) whose layers are the given directories, the first one the
base layer (files named `.wh.NAME` are whiteouts), for tests that write their own files; with
--docker, also that image as a docker-save tarball.
"""
import argparse
import gzip
import hashlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import tarfile
import zipfile

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_INDEX = "application/vnd.oci.image.index.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
LAYER_ZSTD = "application/vnd.oci.image.layer.v1.tar+zstd"
LAYER_PLAIN = "application/vnd.oci.image.layer.v1.tar"


def fake_tokens(rng):
    def github():
        return "gh" + "p_" + "".join(rng.choice(BASE62) for _ in range(36))

    names = ["deleted_env", "whiteout_dir", "overwritten", "opaque", "live", "env", "build_arg",
             "jar", "tgz", "shared", "amd64", "arm64", "damaged_ok", "damaged_unsafe"]
    return {name: github() for name in names}


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layer:
    """A layer's tar, built entry by entry."""

    def __init__(self):
        self.buffer = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buffer, mode="w", format=tarfile.PAX_FORMAT)

    def file(self, name, content, mode=0o644):
        data = content.encode() if isinstance(content, str) else content
        info = tarfile.TarInfo(name)
        info.size = len(data)
        info.mode = mode
        self.tar.addfile(info, io.BytesIO(data))
        return self

    def directory(self, name):
        info = tarfile.TarInfo(name)
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        self.tar.addfile(info)
        return self

    def special(self, name, kind, linkname=""):
        info = tarfile.TarInfo(name)
        info.type = kind
        info.linkname = linkname
        self.tar.addfile(info)
        return self

    def bytes(self):
        self.tar.close()
        return self.buffer.getvalue()


def zip_bytes(files):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def tgz_bytes(files):
    layer = Layer()
    for name, content in files.items():
        layer.file(name, content)
    return gzip.compress(layer.bytes(), mtime=0)


class Layout:
    """An OCI image layout directory."""

    def __init__(self, path):
        self.path = path
        if os.path.exists(path):
            shutil.rmtree(path)
        os.makedirs(os.path.join(path, "blobs", "sha256"))
        with open(os.path.join(path, "oci-layout"), "w") as out:
            json.dump({"imageLayoutVersion": "1.0.0"}, out)

    def blob(self, data):
        digest = sha256(data)
        with open(os.path.join(self.path, "blobs", "sha256", digest[7:]), "wb") as out:
            out.write(data)
        return {"digest": digest, "size": len(data)}

    def layer(self, tar, compression="gzip"):
        if compression == "zstd":
            data = subprocess.run(["zstd", "-q", "-c"], input=tar, check=True,
                                  capture_output=True).stdout
            media = LAYER_ZSTD
        elif compression == "none":
            data, media = tar, LAYER_PLAIN
        else:
            data = gzip.compress(tar, mtime=0)
            media = LAYER_GZIP
        descriptor = self.blob(data)
        descriptor["mediaType"] = media
        return descriptor, sha256(tar)

    def image(self, layers, history, env=(), cmd=("/bin/sh",), labels=None, arch="amd64"):
        """layers: [(tar bytes, compression)]; history: [(created_by, empty_layer)]."""
        descriptors, diff_ids = [], []
        for tar, compression in layers:
            descriptor, diff_id = self.layer(tar, compression)
            descriptors.append(descriptor)
            diff_ids.append(diff_id)
        config = {
            "architecture": arch, "os": "linux",
            "config": {"Env": ["PATH=/usr/local/bin:/usr/bin:/bin"] + list(env),
                       "Cmd": list(cmd), "Labels": labels or {}},
            "rootfs": {"type": "layers", "diff_ids": diff_ids},
            "history": [dict({"created_by": created_by},
                             **({"empty_layer": True} if empty else {}))
                        for created_by, empty in history],
        }
        config_descriptor = self.blob(json.dumps(config).encode())
        config_descriptor["mediaType"] = OCI_CONFIG
        manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "config": config_descriptor,
                    "layers": descriptors}
        descriptor = self.blob(json.dumps(manifest).encode())
        descriptor["mediaType"] = OCI_MANIFEST
        descriptor["platform"] = {"os": "linux", "architecture": arch}
        return descriptor, [d["digest"] for d in descriptors]

    def index(self, entries):
        """entries: [(descriptor, tag)]"""
        manifests = []
        for descriptor, tag in entries:
            entry = dict(descriptor)
            entry["annotations"] = {"org.opencontainers.image.ref.name": tag}
            manifests.append(entry)
        with open(os.path.join(self.path, "index.json"), "w") as out:
            json.dump({"schemaVersion": 2, "manifests": manifests}, out)


def build_deleted(layout, tokens, zstd=True):
    t = tokens
    base = (Layer().directory("app").file("app/.env", "GITHUB_TOKEN=" + t["deleted_env"] + "\n")
            .file("secrets/keys/id.txt", "token: " + t["whiteout_dir"] + "\n")
            .file("conf/settings.txt", "token = '" + t["overwritten"] + "'\n")
            .file("opaque/old.txt", "token: " + t["opaque"] + "\n")
            .file("app/main.txt", "nothing to see\n").bytes())
    removal = (Layer().file("app/.wh..env", "").file(".wh.secrets", "")
               .file("conf/settings.txt", "token = 'read from the environment'\n")
               .file("opaque/.wh..wh..opq", "").file("opaque/new.txt", "clean\n").bytes())
    live = Layer().file("keep/live.txt", "key: " + t["live"] + "\n").bytes()
    copy = Layer().file("copies/again.txt", "key: " + t["live"] + "\n").bytes()
    history = [("COPY . /app # buildkit", False),
               ("RUN |1 FETCH_TOKEN=" + t["build_arg"] + " /bin/sh -c rm app/.env", False),
               ("ENV API_TOKEN=[redacted in history]", True),
               ("COPY keep /keep # buildkit", False),
               ("COPY keep/live.txt /copies/again.txt # buildkit", False)]
    descriptor, digests = layout.image(
        [(base, "gzip"), (removal, "gzip"), (live, "zstd" if zstd else "gzip"), (copy, "gzip")], history,
        env=["API_TOKEN=" + t["env"]], labels={"maintainer": "fixtures"})
    layout.index([(descriptor, "deleted")])
    return {"manifest": descriptor["digest"], "layers": digests}


def build_jar(layout, tokens):
    jar = zip_bytes({"META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n",
                     "BOOT-INF/classes/application.properties":
                         "github.token=" + tokens["jar"] + "\n"})
    bundle = tgz_bytes({"bundle/config.yml": "token: " + tokens["tgz"] + "\n"})
    layer = (Layer().file("app/lib/app.jar", jar).file("app/bundle.tgz", bundle)
             .file("app/readme.txt", "hello\n").bytes())
    descriptor, digests = layout.image([(layer, "gzip")], [("COPY app /app # buildkit", False)])
    layout.index([(descriptor, "jar")])
    return {"manifest": descriptor["digest"], "layers": digests}


def build_multi(layout, tokens):
    shared = Layer().file("etc/shared.conf", "token=" + tokens["shared"] + "\n").bytes()
    result = {}
    entries = []
    for arch in ("amd64", "arm64"):
        own = Layer().file("opt/" + arch + ".txt", "token=" + tokens[arch] + "\n").bytes()
        descriptor, digests = layout.image(
            [(shared, "gzip"), (own, "gzip")],
            [("COPY shared /etc # buildkit", False), ("COPY " + arch + " /opt # buildkit", False)],
            arch=arch)
        entries.append(descriptor)
        result[arch] = {"manifest": descriptor["digest"], "layers": digests}
    index = {"schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": entries}
    index_descriptor = layout.blob(json.dumps(index).encode())
    index_descriptor["mediaType"] = OCI_INDEX
    layout.index([(index_descriptor, "multi")])
    result["index"] = index_descriptor["digest"]
    return result


def build_damaged(layout, tokens):
    good = Layer().file("ok/token.txt", "token=" + tokens["damaged_ok"] + "\n").bytes()
    truncated = Layer().file("big/file.txt", "x" * 200000 + "\n").bytes()
    missing = Layer().file("gone/file.txt", "never read\n").bytes()
    unsafe = (Layer().file("../../escape.txt", "outside\n")
              .special("dev/evil", tarfile.CHRTYPE)
              .special("ok/hard", tarfile.LNKTYPE, "ok/token.txt")
              .special("ok/link", tarfile.SYMTYPE, "../../../../etc/passwd")
              .special("ok/fine-link", tarfile.SYMTYPE, "/usr/bin/env")
              .file("ok/after.txt", "token=" + tokens["damaged_unsafe"] + "\n").bytes())
    altered = Layer().file("altered/file.txt", "original\n").bytes()
    history = [("COPY ok /ok", False), ("COPY big /big", False), ("COPY gone /gone", False),
               ("COPY unsafe /", False), ("COPY altered /altered", False)]
    descriptor, digests = layout.image(
        [(good, "gzip"), (truncated, "gzip"), (missing, "gzip"), (unsafe, "gzip"),
         (altered, "gzip")], history)
    layout.index([(descriptor, "damaged")])
    blobs = os.path.join(layout.path, "blobs", "sha256")
    path = os.path.join(blobs, digests[1][7:])
    with open(path, "rb") as source:
        data = source.read()
    with open(path, "wb") as out:
        out.write(data[: len(data) // 2])
    os.remove(os.path.join(blobs, digests[2][7:]))
    with open(os.path.join(blobs, digests[4][7:]), "wb") as out:
        out.write(gzip.compress(Layer().file("altered/file.txt", "changed\n").bytes(), mtime=0))
    return {"manifest": descriptor["digest"], "layers": digests}


def pack(directory, tarball):
    with tarfile.open(tarball, "w") as out:
        for name in sorted(os.listdir(directory)):
            out.add(os.path.join(directory, name), arcname=name)


def skopeo(layout, tag, target, name, arch=None):
    command = ["skopeo", "--insecure-policy"]
    if arch:
        command += ["--override-arch", arch]
    command += ["copy", "-q", "oci:" + layout + ":" + tag,
                "docker-archive:" + target + ":" + name + ":latest"]
    subprocess.run(command, check=True, capture_output=True)


def layer_from_directory(directory):
    """A layer holding the directory's files (sorted, names relative to it)."""
    layer = Layer()
    for root, subdirectories, files in os.walk(directory):
        subdirectories.sort()
        for name in sorted(files):
            path = os.path.join(root, name)
            with open(path, "rb") as source:
                layer.file(os.path.relpath(path, directory), source.read())
    return layer.bytes()


def from_directories(arguments):
    parser = argparse.ArgumentParser(prog="make_image_fixtures.py --from-dirs")
    parser.add_argument("out")
    parser.add_argument("tag")
    parser.add_argument("directories", nargs="+")
    parser.add_argument("--compression", choices=("gzip", "none"), default="gzip")
    parser.add_argument("--created-by", action="append", default=[],
                        help="history created_by of the layers, in order (default: COPY DIR /)")
    parser.add_argument("--env", action="append", default=[], help="NAME=VALUE for config Env")
    parser.add_argument("--docker", help="also write the image as a docker-save tarball here")
    options = parser.parse_args(arguments)
    layout = Layout(options.out)
    layers = [(layer_from_directory(d), options.compression) for d in options.directories]
    history = [("COPY " + os.path.basename(os.path.normpath(d)) + " / # buildkit", False)
               for d in options.directories]
    for index, created_by in enumerate(options.created_by[:len(history)]):
        history[index] = (created_by, False)
    descriptor, _ = layout.image(layers, history, env=options.env)
    layout.index([(descriptor, options.tag)])
    if options.docker:
        skopeo(options.out, options.tag, options.docker, "fixtures/" + options.tag)


def main():
    if sys.argv[1] == "--from-dirs":
        from_directories(sys.argv[2:])
        return
    out = sys.argv[1]
    for sub in ("oci", "oci-tar", "docker"):
        os.makedirs(os.path.join(out, sub), exist_ok=True)
    tokens = fake_tokens(random.Random(20240605))
    facts = {"tokens": tokens}
    builders = {"deleted": build_deleted, "jar": build_jar, "multi": build_multi,
                "damaged": build_damaged}
    for name, build in builders.items():
        layout = Layout(os.path.join(out, "oci", name))
        facts[name] = build(layout, tokens)
        pack(layout.path, os.path.join(out, "oci-tar", name + ".tar"))
    # The docker format has no zstd layers: convert a gzip-only twin of "deleted" (same files).
    build_deleted(Layout(os.path.join(out, "deleted-gzip")), tokens, zstd=False)
    skopeo(os.path.join(out, "deleted-gzip"), "deleted", os.path.join(out, "docker", "deleted.tar"),
           "fixtures/deleted")
    shutil.rmtree(os.path.join(out, "deleted-gzip"))
    skopeo(os.path.join(out, "oci", "jar"), "jar", os.path.join(out, "docker", "jar.tar"),
           "fixtures/jar")
    for arch in ("amd64", "arm64"):
        skopeo(os.path.join(out, "oci", "multi"), "multi",
               os.path.join(out, "docker", "multi-" + arch + ".tar"), "fixtures/multi", arch)
    with open(os.path.join(out, "manifest.json"), "w") as manifest:
        json.dump(facts, manifest, indent=1)


if __name__ == "__main__":
    main()
