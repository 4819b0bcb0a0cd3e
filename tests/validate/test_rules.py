"""Reference, unused, practice and structure rules: refusing and accepting sides."""

from __future__ import annotations

from validate_support import codes, error_codes


def test_cycle(check) -> None:
    report = check("""
    Resources:
      A: {Type: AWS::SNS::Topic, Properties: {TopicName: !GetAtt B.TopicName}}
      B: {Type: AWS::SNS::Topic, Properties: {TopicName: !GetAtt A.TopicName}}
      C: {Type: AWS::SNS::Topic, DependsOn: A}
    """)
    cycles = [d for d in report.errors if d.code == "E3004"]
    assert len(cycles) == 1 and "A -> B -> A" in cycles[0].message


def test_missing_targets_and_depends_on(check) -> None:
    report = check("""
    Resources:
      A: {Type: AWS::SNS::Topic, DependsOn: [A, Nope], Properties: {TopicName: !Ref Missing}}
    Outputs:
      O: {Value: !Sub "${Gone.Arn}"}
    """)
    assert {"E3005", "E1020"} <= error_codes(report)
    assert any(d.code in ("E1010", "E1019") for d in report.errors)


def test_findinmap_literal_keys(check) -> None:
    report = check("""
    Mappings:
      M: {a: {b: c}}
    Resources:
      A: {Type: AWS::SNS::Topic, Properties: {TopicName: !FindInMap [M, a, zz]}}
    """)
    assert "E1011" in error_codes(report)


def test_duplicate_exports(check) -> None:
    report = check("""
    Resources:
      A: {Type: AWS::SNS::Topic}
    Outputs:
      O1: {Value: !Ref A, Export: {Name: !Sub "${AWS::Region}-x"}}
      O2: {Value: !Ref A, Export: {Name: !Sub "${AWS::Region}-x"}}
      O3: {Value: !Ref A, Export: {Name: other}}
    """)
    assert [d.path[1] for d in report.errors if d.code == "E6020"] == ["O2"]


def test_export_name_from_parameter_is_fine_from_resource_is_not(check) -> None:
    report = check("""
    Parameters:
      P: {Type: String}
    Resources:
      A: {Type: AWS::SNS::Topic}
    Outputs:
      O1: {Value: !Ref A, Export: {Name: !Sub "${P}-a"}}
      O2: {Value: !Ref A, Export: {Name: !Sub "${A}-a"}}
      O3: {Value: !ImportValue {"Fn::Sub": "${P}-b"}}
    """)
    assert [d.path[1] for d in report.errors] == ["O2"], report.findings


def test_unused_declarations_are_warnings(check) -> None:
    report = check("""
    Parameters:
      Used: {Type: String}
      Unused: {Type: String}
    Mappings:
      M: {a: {b: c}}
    Conditions:
      C: !Equals [!Ref Used, x]
    Resources:
      A: {Type: AWS::SNS::Topic, Properties: {TopicName: !Ref Used}}
    """)
    assert not report.errors
    assert {(d.code, d.path[1]) for d in report.warnings} == {
        ("W2010", "Unused"), ("W7010", "M"), ("W8010", "C")}


def test_hard_coded_arns(check) -> None:
    report = check("""
    Resources:
      A:
        Type: AWS::SNS::Topic
        Properties:
          KmsMasterKeyId: arn:aws:kms:us-east-1:123456789012:key/abc
      B:
        Type: AWS::SNS::Topic
        Properties:
          KmsMasterKeyId: !Sub arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/abc
    """)
    assert {d.code for d in report.warnings if d.path[1] == "A"} == {"W3030", "W3031", "W3032"}
    assert not [d for d in report.findings if d.path[1] == "B"]


def test_stateful_resource_without_deletion_policy(check) -> None:
    table = """
    Resources:
      T:
        Type: AWS::DynamoDB::Table
        %s
        Properties:
          KeySchema: [{AttributeName: id, KeyType: HASH}]
          AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
          BillingMode: PAY_PER_REQUEST
    """
    assert "W3033" in codes(check(table % ""))
    assert not check(table % "DeletionPolicy: Retain").findings


def test_structure_and_parameter_problems_are_findings(check) -> None:
    report = check("""
    Parameters:
      P: {Type: Strin}
    Resources:
      A: {Type: AWS::SNS::Topic, Bogus: 1}
    Outputz: {}
    """)
    assert {"E2001", "E3001", "E1001"} <= error_codes(report)


def test_parameters_without_value_are_not_errors_but_given_values_are_checked(check) -> None:
    template = """
    Parameters:
      P: {Type: Number, MaxValue: 10}
    Resources:
      Q: {Type: AWS::SQS::Queue, Properties: {DelaySeconds: !Ref P}}
    """
    assert not check(template).errors
    assert "E2005" in error_codes(check(template, parameters={"P": "11"}))


def test_rules_section(check) -> None:
    template = """
    Parameters:
      Env: {Type: String}
    Rules:
      ProdOnly:
        Assertions:
          - Assert: !Contains [[prod], !Ref Env]
            AssertDescription: only prod
    Resources:
      A: {Type: AWS::SNS::Topic, Properties: {TopicName: !Ref Env}}
    """
    assert not check(template).errors
    assert "I1050" in codes(check(template))
    report = check(template, parameters={"Env": "dev"})
    assert "E1042" in error_codes(report) and "only prod" in report.errors[0].message
    assert not check(template, parameters={"Env": "prod"}).errors


def test_decode_errors_are_findings(check) -> None:
    report = check("Resources:\n  A: {Type: AWS::SNS::Topic\n")
    assert error_codes(report) == {"E0001"}
    assert report.errors[0].span is not None


def test_service_rules(check) -> None:
    report = check("""
    Parameters:
      Name: {Type: String}
    Resources:
      Name: {Type: AWS::SNS::Topic}
      T:
        Type: AWS::DynamoDB::Table
        DeletionPolicy: Retain
        Properties:
          KeySchema: [{AttributeName: id, KeyType: HASH}]
          AttributeDefinitions: [{AttributeName: other, AttributeType: S}]
      F:
        Type: AWS::Lambda::Function
        Properties:
          Runtime: python3.6
          Handler: index.handler
          Role: arn:aws:iam::123456789012:role/r
          Code: {ZipFile: "x"}
      G:
        Type: AWS::IAM::Group
        Properties:
          ManagedPolicyArns: [!Ref Name, !Ref Name]
          Policies:
            - PolicyName: p
              PolicyDocument:
                Version: "2012-10-17"
                Statement: [{Effect: Permit, Action: "*", Resource: "*", Bogus: 1}]
      S:
        Type: AWS::EC2::Subnet
        Properties: {VpcId: vpc-123, CidrBlock: 10.0.0.0/24}
      B:
        Type: AWS::SNS::Topic
        Properties: {TopicName: "${Name}-topic"}
      M:
        Type: My::Thing::Stack::MODULE
        UpdatePolicy: {}
    """)
    assert {"E3007", "E3039", "E3041", "E3037", "E3040", "E3042", "E1025", "E5001"} <= error_codes(report), \
        report.findings


def test_dynamic_references_are_not_checked_as_literals(check) -> None:
    report = check("""
    Resources:
      I:
        Type: AWS::EC2::Instance
        Properties: {ImageId: "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}"}
    """)
    assert not report.errors


def test_every_chosen_region_is_checked(check) -> None:
    template = """
    Mappings:
      Amis: {us-east-1: {Id: ami-0123456789abcdef0}}
    Resources:
      I:
        Type: AWS::EC2::Instance
        Properties: {ImageId: !FindInMap [Amis, !Ref "AWS::Region", Id]}
    """
    assert not check(template, regions=("us-east-1",)).errors
    report = check(template, regions=("us-east-1", "eu-west-1"))
    assert [d.code for d in report.errors] == ["E1011"] and "eu-west-1" in report.errors[0].message


def test_policy_principals(check) -> None:
    report = check("""
    Resources:
      B: {Type: AWS::S3::Bucket}
      BP:
        Type: AWS::S3::BucketPolicy
        Properties:
          Bucket: !Ref B
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
      P:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject", Resource: "*"}]
      OK:
        Type: AWS::IAM::ManagedPolicy
        Properties:
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
    """)
    assert sorted(d.path[1] for d in report.errors if d.code == "E3040") == ["BP", "P"]
