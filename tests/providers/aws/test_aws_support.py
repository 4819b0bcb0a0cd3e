from __future__ import annotations

import subprocess
import sys

import pytest

from stackengine.providers.aws.cloudcontrol import (Backoff, CloudControlOptions,
                                                    CloudControlProvider, client_token)
from stackengine.providers.aws.support import (UnsupportedTypes, check_resources,
                                               unsupported_resources, unsupported_types)
from stackengine.providers.base import ProviderError, StackRef


def test_unsupported_types_from_shipped_data():
    assert unsupported_types(["AWS::SQS::Queue", "Custom::Thing", "AWS::EMR::Cluster",
                              "Custom::Thing", "AWS::CloudFormation::WaitCondition"]) == [
        "AWS::CloudFormation::WaitCondition", "AWS::EMR::Cluster", "Custom::Thing"]
    assert unsupported_types(["AWS::S3::Bucket", "AWS::Lambda::Function"]) == []


def test_check_resources_names_every_offender_and_the_alternative():
    assert unsupported_resources({"Q": "AWS::SQS::Queue", "C": "Custom::X"}) == {"C": "Custom::X"}
    check_resources({"Q": "AWS::SQS::Queue"})
    with pytest.raises(UnsupportedTypes) as info:
        check_resources({"Q": "AWS::SQS::Queue", "C": "Custom::X", "L": "AWS::ElasticLoadBalancing::LoadBalancer"})
    text = str(info.value)
    assert "C (Custom::X)" in text and "L (AWS::ElasticLoadBalancing::LoadBalancer)" in text
    assert "--via cloudformation" in text and info.value.exit_code == 1


def test_importing_the_package_does_not_import_boto3():
    code = ("import sys, stackengine.providers.aws, stackengine.providers.aws.support, "
            "stackengine.providers.aws.patch; print('boto3' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "False", out.stderr


def test_client_token_is_kept_or_hashed():
    assert client_token("0123abcd-ef") == "0123abcd-ef"
    hashed = client_token("has spaces & symbols!")
    assert len(hashed) == 64 and hashed.isalnum()


class _Scripted(CloudControlProvider):
    """Answers from a script instead of HTTP, to drive the retry of a transient handler failure."""

    def __init__(self, events):
        super().__init__(None, options=CloudControlOptions(backoff=Backoff(base_s=0.0)),
                         sleep=lambda s: None, seed=0, registry=_NoSchemas())
        self.events = list(events)
        self.calls = []

    def _call(self, operation, params, context=None):
        self.calls.append((operation, dict(params)))
        return {"ProgressEvent": self.events.pop(0)}


class _NoSchemas:
    def get(self, type_name):
        return None


def test_transient_handler_failure_is_started_again_under_a_derived_token():
    provider = _Scripted([
        {"RequestToken": "a", "OperationStatus": "FAILED", "ErrorCode": "Throttling",
         "StatusMessage": "Rate exceeded"},
        {"RequestToken": "b", "OperationStatus": "IN_PROGRESS"},
        {"RequestToken": "b", "OperationStatus": "SUCCESS", "Identifier": "q1",
         "ResourceModel": '{"Arn": "arn:q1"}'},
    ])
    result = provider.create(StackRef("s", "sid"), "AWS::SQS::Queue", "Q", {}, "tok")
    assert result.physical_id == "q1" and result.attributes == {"Arn": "arn:q1"}
    tokens = [p.get("ClientToken") for op, p in provider.calls if op == "CreateResource"]
    assert tokens == ["tok", "tok-r1"]


def test_permanent_handler_failure_is_not_retried():
    provider = _Scripted([{"RequestToken": "a", "OperationStatus": "FAILED",
                           "ErrorCode": "AlreadyExists", "StatusMessage": "q already exists"}])
    with pytest.raises(ProviderError) as info:
        provider.create(StackRef("s", "sid"), "AWS::SQS::Queue", "Q", {}, "tok")
    assert info.value.code == "AlreadyExists" and "q already exists" in info.value.message
    assert len(provider.calls) == 1


class _Registry:
    """cloudformation:DescribeType / ListTypes answers, as a boto3 client gives them."""

    class exceptions:  # noqa: N801 - the shape of boto3's client.exceptions
        class TypeNotFoundException(Exception):
            pass

    def describe_type(self, Type, TypeName):  # noqa: N803 - boto3's parameter names
        if TypeName == "Acme::Private::Thing":
            raise self.exceptions.TypeNotFoundException(TypeName)
        kind = "NON_PROVISIONABLE" if TypeName == "AWS::Legacy::Thing" else "FULLY_MUTABLE"
        return {"TypeName": TypeName, "ProvisioningType": kind}

    def get_paginator(self, name):
        assert name == "list_types"

        class Pages:
            def paginate(self, **kwargs):
                assert kwargs["ProvisioningType"] == "NON_PROVISIONABLE"
                return [{"TypeSummaries": [{"TypeName": "AWS::B::Two"}]},
                        {"TypeSummaries": [{"TypeName": "AWS::A::One"}]}]

        return Pages()


def test_live_registry_checks():
    from stackengine.providers.aws.support import fetch_non_provisionable, live_unsupported

    assert live_unsupported(_Registry(), ["AWS::SQS::Queue", "AWS::Legacy::Thing",
                                          "Acme::Private::Thing", "Custom::X"]) == [
        "AWS::Legacy::Thing", "Acme::Private::Thing", "Custom::X"]
    assert fetch_non_provisionable(_Registry()) == ["AWS::A::One", "AWS::B::Two"]
