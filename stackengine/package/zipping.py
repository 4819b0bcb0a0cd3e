"""Deterministic zip archives of artifact folders, and content-addressed object keys.

The same files give the same bytes on every machine and every run: entries sorted by their
POSIX relative path, every timestamp 1980-01-01 00:00:00 (the zip epoch), permissions normalised
to 0644 (0755 for files with an execute bit, which Lambda needs for binaries and bootstrap
scripts), no directory entries, no extra fields, one compression level. So the object key, the MD5
of the bytes as `aws cloudformation package` uses, changes only when the content does, and
re-packaging an unchanged folder uploads nothing new.
"""

from __future__ import annotations

import hashlib
import io
import os
import stat
import zipfile

ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o100644
EXEC_MODE = 0o100755
COMPRESS_LEVEL = 6

# Folders never packaged: stackengine's own state (it changes while packaging, and is no artifact).
EXCLUDED_DIRS = frozenset({".stackengine"})


def folder_files(root: str) -> list[tuple[str, str]]:
    """(archive name, absolute path) of every file under `root`, sorted by archive name. Symbolic
    links are followed, as the AWS CLI does; a link loop is walked once."""
    root = os.path.abspath(root)
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for directory, dirs, files in os.walk(root, followlinks=True):
        real = os.path.realpath(directory)
        if real in seen:
            dirs[:] = []
            continue
        seen.add(real)
        dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS)
        for name in files:
            full = os.path.join(directory, name)
            if os.path.isfile(full):
                out.append((os.path.relpath(full, root).replace(os.sep, "/"), full))
    out.sort()
    return out


def zip_entries(entries: list[tuple[str, bytes, bool]]) -> bytes:
    """A zip of (name, content, executable) entries, in the order given."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        for name, content, executable in entries:
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.create_system = 3  # Unix, so external_attr carries the mode bits
            info.external_attr = (EXEC_MODE if executable else FILE_MODE) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content, compresslevel=COMPRESS_LEVEL)
    return buffer.getvalue()


def _executable(path: str) -> bool:
    return bool(os.stat(path).st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH))


def zip_folder(root: str) -> bytes:
    entries = []
    for name, full in folder_files(root):
        with open(full, "rb") as handle:
            entries.append((name, handle.read(), _executable(full)))
    return zip_entries(entries)


def zip_file(path: str) -> bytes:
    """A single file as a zip holding it under its own name (Lambda code given as one file)."""
    with open(path, "rb") as handle:
        return zip_entries([(os.path.basename(path), handle.read(), _executable(path))])


def is_zip_archive(path: str) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except OSError:
        return False


def artifact_bytes(path: str, *, force_zip: bool) -> bytes:
    """What to upload for a local path: a folder is zipped; a file is uploaded as it is, unless the
    property needs a zip and the file is not one already."""
    if os.path.isdir(path):
        return zip_folder(path)
    if force_zip and not is_zip_archive(path):
        return zip_file(path)
    with open(path, "rb") as handle:
        return handle.read()


def content_key(data: bytes, prefix: str = "", extension: str = "") -> str:
    """`<prefix>/<md5 of data>[.<extension>]`, as `aws cloudformation package` names objects."""
    digest = hashlib.md5(data, usedforsecurity=False).hexdigest()
    name = f"{digest}.{extension}" if extension else digest
    prefix = prefix.strip("/")
    return f"{prefix}/{name}" if prefix else name
