from __future__ import annotations

from stackengine.plan.changeset import Action, Replacement, ResourceChange
from stackengine.providers.aws.preview import compare


def aws(action, logical_id, type_name, replacement=None):
    change = {"Action": action, "LogicalResourceId": logical_id, "ResourceType": type_name}
    if replacement:
        change["Replacement"] = replacement
    return {"Type": "Resource", "ResourceChange": change}


def test_rows_for_both_sides():
    ours = [ResourceChange(Action.ADD, "Q", "AWS::SQS::Queue"),
            ResourceChange(Action.MODIFY, "T", "AWS::SNS::Topic", replacement=Replacement.TRUE),
            ResourceChange(Action.MODIFY, "B", "AWS::S3::Bucket", replacement=Replacement.FALSE)]
    theirs = [aws("Add", "Q", "AWS::SQS::Queue"), aws("Modify", "T", "AWS::SNS::Topic", "True"),
              aws("Modify", "B", "AWS::S3::Bucket", "Conditional"),
              aws("Remove", "Old", "AWS::SQS::Queue")]
    rows = {r.logical_id: r for r in compare(ours, theirs)}
    assert [r.logical_id for r in compare(ours, theirs)] == ["B", "Old", "Q", "T"]
    assert rows["Q"].agree and rows["T"].agree and rows["B"].agree
    assert not rows["Old"].agree and rows["Old"].ours is None and rows["Old"].aws == "Remove"
    assert rows["T"].to_json()["OurReplacement"] == "True"
