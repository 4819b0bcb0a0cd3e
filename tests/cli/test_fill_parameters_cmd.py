"""`deploy --fill-parameters`: smoke-testing a template that takes parameters, on the local
provider, without writing a parameters file."""

from __future__ import annotations

import json

from click.testing import CliRunner

from stackengine.cli.main import cli

TEMPLATE = """\
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]
  Subnet:
    Type: AWS::EC2::Subnet::Id
  Zone:
    Type: AWS::EC2::AvailabilityZone::Name
  Size:
    Type: Number
    MinValue: 20
    MaxValue: 30
Rules:
  ProdOnly:
    Assertions:
      - Assert: !Equals [!Ref Env, prod]
        AssertDescription: only prod
Resources:
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Type: String
      Value: !Sub "${Env}|${Subnet}|${Zone}|${Size}"
Outputs:
  Value:
    Value: !GetAtt Param.Value
"""


def _run(tmp_path, *args):
    return CliRunner().invoke(cli, ["--state", str(tmp_path / "s.db"), *args])


def test_parameters_without_values_are_filled_from_the_account_and_rules(tmp_path):
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    missing = _run(tmp_path, "deploy", str(tmp_path / "t.yaml"), "--stack-name", "smoke")
    assert missing.exit_code != 0 and "Env" in missing.output
    filled = _run(tmp_path, "deploy", str(tmp_path / "t.yaml"), "--stack-name", "smoke",
                  "--fill-parameters", "-o", "json")
    assert filled.exit_code == 0, filled.output
    value = json.loads(filled.output)["Stacks"][0]["Outputs"][0]["OutputValue"]
    env, subnet, zone, size = value.split("|")
    assert env == "prod"  # the Rules refuse dev, the first allowed value
    assert 20 <= int(size) <= 30 and zone.startswith("us-east-1")
    accounts = _run(tmp_path, "account", "ls", "--all", "--type", "AWS::EC2::Subnet", "-o", "json")
    assert subnet in accounts.output  # a subnet of the account's default VPC


def test_an_update_keeps_the_stack_values_and_given_values_win(tmp_path):
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    first = _run(tmp_path, "deploy", str(tmp_path / "t.yaml"), "--stack-name", "smoke",
                 "--fill-parameters", "--parameter-overrides", "Size=25", "-o", "json")
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["Stacks"][0]["Outputs"][0]["OutputValue"].endswith("|25")
    again = _run(tmp_path, "deploy", str(tmp_path / "t.yaml"), "--stack-name", "smoke",
                 "--fill-parameters")
    assert again.exit_code == 0 and "No changes to deploy" in again.output


def test_refused_for_aws_targets(tmp_path):
    (tmp_path / "t.yaml").write_text(TEMPLATE)
    result = _run(tmp_path, "deploy", str(tmp_path / "t.yaml"), "--fill-parameters",
                  "--target", "aws")
    assert result.exit_code == 2 and "local provider only" in result.output
