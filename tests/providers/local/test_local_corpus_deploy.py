"""Issue 4's proof as a test: every corpus template CloudFormation would accept deploys and
deletes on the local provider, except the macros (Lambda code in the account), which are
reported as not supported; every other failure is one AWS has too, by category."""

from __future__ import annotations

import os

import pytest

from corpus_classify import AWS_REFUSES, NOT_SUPPORTED, OURS
from corpus_local import survey

CORPUS = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "shared",
                                       "corpus", "cfn-templates"))


@pytest.mark.skipif(not os.path.isdir(CORPUS), reason="corpus not available")
def test_corpus_deploys_and_deletes_on_the_local_provider(tmp_path):
    result = survey(CORPUS, workdir=str(tmp_path))
    ours = [f"{name}: {message[:200]}" for name, message, verdict in result.failures
            if verdict == OURS]
    assert ours == []
    assert result.verdicts[AWS_REFUSES] + result.verdicts[NOT_SUPPORTED] == len(result.failures)
    supported = result.accepted - result.verdicts[NOT_SUPPORTED]
    assert result.verdicts["ok"] == supported
    assert result.verdicts["ok"] >= 0.95 * supported and result.verdicts["ok"] >= 130
    macro = [c for c in result.categories if c.startswith(NOT_SUPPORTED)]
    assert all("macro" in c for c in macro)
