"""`stackengine package`: upload a template's local artifacts and point the template at them.

    result = package_file("template.yaml", PackageOptions(bucket="b", prefix="app"), store)
    result.template        # the rewritten template (plain JSON value)
    result.uploads         # [Upload(owner, property, source, bucket, key, size, uploaded)]
    needs_packaging(data)  # does a template name any local artifact?

The table of artifact properties is `artifacts.ARTIFACT_PROPERTIES`; stores are in `stores.py`.
"""

from __future__ import annotations

from stackengine.package.rewrite import (ArtifactStore, CallableStore, MemoryStore, PackageOptions,
                                         PackageResult, Upload, needs_packaging, package_document,
                                         package_file, package_template)

__all__ = ["ArtifactStore", "CallableStore", "MemoryStore", "PackageOptions", "PackageResult",
           "Upload", "needs_packaging", "package_document", "package_file", "package_template"]
