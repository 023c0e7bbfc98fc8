"""moto's S3 server on loopback for the tests of `publish --to` and `weekly --to`: the fixtures and helpers.

Import the fixtures into a test module (`from tests.s3_server import aws, bucket, calls, s3_endpoint`).
"""

from __future__ import annotations

import os
import re

import pytest


@pytest.fixture(scope="module")
def s3_endpoint():
    """A real S3 server (moto's, werkzeug over HTTP) on a free loopback port, for this module's tests."""
    import logging

    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # a line per request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def aws(s3_endpoint, monkeypatch, tmp_path):
    """The standard AWS_* chain pointed at the loopback server, and nothing of the developer's ~/.aws."""
    for name in [n for n in os.environ if n.startswith("AWS_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-role probe on a developer's machine
    return s3_endpoint


def s3_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="testing", aws_secret_access_key="testing",
                        region_name="us-east-1")


@pytest.fixture
def bucket(aws, request):
    """A fresh, empty bucket named after the test."""
    name = re.sub(r"[^a-z0-9-]", "-", request.node.name.lower())[:50].strip("-")
    s3_client(aws).create_bucket(Bucket=name)
    return name


@pytest.fixture
def calls(monkeypatch):
    """Every PutObject and DeleteObjects the publish makes, in order, from the client's own event hooks."""
    from generator.publish import s3

    seen: list[tuple[str, str]] = []
    make = s3.make_client

    def recording():
        client = make()
        client.meta.events.register("before-parameter-build.s3.PutObject",
                                    lambda params, **_: seen.append(("put", params["Key"])))
        client.meta.events.register(
            "before-parameter-build.s3.DeleteObjects",
            lambda params, **_: seen.extend(("delete", o["Key"]) for o in params["Delete"]["Objects"]))
        return client

    monkeypatch.setattr(s3, "make_client", recording)
    return seen


def bucket_objects(endpoint: str, bucket: str, prefix: str = "") -> dict[str, dict]:
    client = s3_client(endpoint)
    keys = [o["Key"] for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
            for o in page.get("Contents", [])]
    return {k: client.head_object(Bucket=bucket, Key=k) for k in keys}
