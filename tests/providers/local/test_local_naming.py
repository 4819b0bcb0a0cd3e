from __future__ import annotations

import re

from stackengine.providers.local.naming import NameRule, generate_name, seeded_rng


def test_cloudformation_shape_and_determinism():
    rule = NameRule("QueueName", max_length=80)
    a = generate_name("mystack", "MyQueue", rule, seeded_rng("sid", "MyQueue"))
    b = generate_name("mystack", "MyQueue", rule, seeded_rng("sid", "MyQueue"))
    assert a == b
    assert re.fullmatch(r"mystack-MyQueue-[A-Z0-9]{13}", a)
    # another stack id, or a replacement (next generation), gives another name
    assert a != generate_name("mystack", "MyQueue", rule, seeded_rng("sid2", "MyQueue"))
    assert a != generate_name("mystack", "MyQueue", rule, seeded_rng("sid", "MyQueue", 1))


def test_lower_case_types_keep_their_letters():
    rule = NameRule("BucketName", max_length=63, lower=True, allowed="a-z0-9.-", suffix_len=12)
    name = generate_name("MyStack", "MyBucket", rule, seeded_rng("s", "MyBucket"))
    assert re.fullmatch(r"mystack-mybucket-[a-z0-9]{12}", name)


def test_cut_to_the_limit_sharing_between_stack_and_logical_id():
    rule = NameRule("Name", max_length=32)
    name = generate_name("a-very-long-stack-name-indeed", "AnEvenLongerLogicalIdentifier", rule,
                         seeded_rng("s", "x"))
    assert len(name) <= 32
    assert name.startswith("a-ve") and re.search(r"-[A-Z0-9]{13}$", name)
    long_stack = generate_name("s" * 200, "Logical", NameRule("RoleName", max_length=64),
                               seeded_rng("s", "Logical"))
    assert len(long_stack) <= 64 and "-Logical-" in long_stack


def test_fifo_suffix_counts_against_the_limit():
    rule = NameRule("QueueName", max_length=80, suffix_when={"FifoQueue": ".fifo"})
    name = generate_name("s" * 100, "Q" * 100, rule, seeded_rng("s", "Q"), {"FifoQueue": "true"})
    assert name.endswith(".fifo") and len(name) <= 80
    plain = generate_name("s", "Q", rule, seeded_rng("s", "Q"), {"FifoQueue": False})
    assert not plain.endswith(".fifo")


def test_disallowed_characters_dropped():
    rule = NameRule("FunctionName", max_length=64, allowed="A-Za-z0-9_-")
    name = generate_name("my.stack", "Fn", rule, seeded_rng("s", "Fn"))
    assert name.startswith("mystack-Fn-")
