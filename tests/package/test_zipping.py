"""Deterministic zips: same content → same bytes and key, whatever the file times or walk order."""

from __future__ import annotations

import io
import os
import zipfile

from stackengine.package.zipping import (ZIP_EPOCH, artifact_bytes, content_key, folder_files,
                                         zip_folder)


def make_tree(root, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


FILES = {"app.py": "print('hi')\n", "lib/util.py": "X = 1\n", "lib/data/b.json": "{}",
         "README": "r"}


def test_same_content_same_bytes_and_key(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    make_tree(a, FILES)
    make_tree(b, dict(reversed(list(FILES.items()))))  # created in another order
    os.utime(a / "app.py", (1_000_000_000, 1_000_000_000))
    os.utime(b / "app.py", (1_700_000_000, 1_700_000_000))
    first, second = zip_folder(str(a)), zip_folder(str(b))
    assert first == second
    assert content_key(first) == content_key(second)
    assert zip_folder(str(a)) == first  # and on a second run


def test_changed_content_changes_key(tmp_path):
    make_tree(tmp_path, FILES)
    before = content_key(zip_folder(str(tmp_path)))
    (tmp_path / "app.py").write_text("print('bye')\n")
    assert content_key(zip_folder(str(tmp_path))) != before


def test_entries_sorted_fixed_time_and_modes(tmp_path):
    make_tree(tmp_path, FILES)
    (tmp_path / "bootstrap").write_text("#!/bin/sh\n")
    os.chmod(tmp_path / "bootstrap", 0o755)
    os.chmod(tmp_path / "README", 0o600)
    archive = zipfile.ZipFile(io.BytesIO(zip_folder(str(tmp_path))))
    names = archive.namelist()
    assert names == sorted(names) == ["README", "app.py", "bootstrap", "lib/data/b.json", "lib/util.py"]
    for info in archive.infolist():
        assert info.date_time == ZIP_EPOCH
        mode = info.external_attr >> 16
        assert mode == (0o100755 if info.filename == "bootstrap" else 0o100644), info.filename
    assert archive.read("lib/util.py") == b"X = 1\n"


def test_state_folder_is_not_packaged(tmp_path):
    make_tree(tmp_path, {"app.py": "x", ".stackengine/state.db": "changing"})
    assert [name for name, _ in folder_files(str(tmp_path))] == ["app.py"]


def test_file_zipped_only_when_the_property_needs_a_zip(tmp_path):
    (tmp_path / "swagger.yaml").write_text("openapi: 3.0.1\n")
    path = str(tmp_path / "swagger.yaml")
    assert artifact_bytes(path, force_zip=False) == b"openapi: 3.0.1\n"
    zipped = artifact_bytes(path, force_zip=True)
    assert zipfile.ZipFile(io.BytesIO(zipped)).namelist() == ["swagger.yaml"]
    assert artifact_bytes(path, force_zip=True) == zipped


def test_existing_zip_uploaded_as_is(tmp_path):
    make_tree(tmp_path / "src", FILES)
    data = zip_folder(str(tmp_path / "src"))
    (tmp_path / "code.zip").write_bytes(data)
    assert artifact_bytes(str(tmp_path / "code.zip"), force_zip=True) == data


def test_key_has_prefix_and_extension():
    data = b"abc"
    assert content_key(data) == "900150983cd24fb0d6963f7d28e17f72"
    assert content_key(data, "app/v1/") == "app/v1/900150983cd24fb0d6963f7d28e17f72"
    assert content_key(data, "p", "template") == "p/900150983cd24fb0d6963f7d28e17f72.template"


def test_packaging_core_imports_no_provider_cli_or_sdk():
    import subprocess
    import sys

    code = ("import sys, stackengine.package, stackengine.package.stores; "
            "bad = [m for m in ('click', 'boto3', 'botocore', 'rich', 'stackengine.providers', "
            "'stackengine.engine') if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
