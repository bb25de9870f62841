#!/usr/bin/python3
"""A Brook client in another language, built from proto/ alone (no Brook code).

Generates Python stubs from the proto files with protoc and grpc_python_plugin into a temporary
directory, then against a running broker: creates a topic, produces plain records (keys,
headers, a null value, empty bytes), fetches them back as plain records, lists offsets, and
checks that a produce to an unknown topic fails with NOT_FOUND and the trailing metadata
`brook-error-code: UNKNOWN_TOPIC`. Prints one JSON summary on stdout; exits 0 only when every
check passed (failed checks are listed in the summary).

Usage: /usr/bin/python3 python_client.py --address 127.0.0.1:9092 --proto-dir proto [--topic T]
Needs: protoc, grpc_python_plugin (Debian: protobuf-compiler, protobuf-compiler-grpc) and the
python3-grpcio and python3-protobuf packages.
"""

import argparse
import base64
import glob
import importlib
import json
import os
import shutil
import subprocess
import sys
import tempfile


def generate_stubs(proto_dir, out_dir):
    plugin = shutil.which("grpc_python_plugin")
    if plugin is None:
        raise RuntimeError("grpc_python_plugin not found (install protobuf-compiler-grpc)")
    files = sorted(glob.glob(os.path.join(proto_dir, "brook", "v1", "*.proto")))
    if not files:
        raise RuntimeError("no proto files under %s/brook/v1" % proto_dir)
    subprocess.run(
        [
            "protoc",
            "-I",
            proto_dir,
            "--python_out=" + out_dir,
            "--grpc_python_out=" + out_dir,
            "--plugin=protoc-gen-grpc_python=" + plugin,
        ]
        + files,
        check=True,
    )
    sys.path.insert(0, out_dir)


def b64(value):
    return None if value is None else base64.b64encode(value).decode("ascii")


def record_summary(record):
    """A record as JSON: bytes in base64, absent fields as null (proto3 `optional`)."""
    return {
        "offset": record.offset,
        "timestampMs": record.timestamp_ms,
        "key": b64(record.key) if record.HasField("key") else None,
        "value": b64(record.value) if record.HasField("value") else None,
        "headers": [
            {"key": header.key, "value": b64(header.value) if header.HasField("value") else None}
            for header in record.headers
        ],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--address", required=True)
    parser.add_argument("--proto-dir", required=True)
    parser.add_argument("--topic", default="polyglot.python")
    args = parser.parse_args()

    out_dir = tempfile.mkdtemp(prefix="brook-python-stubs-")
    try:
        generate_stubs(args.proto_dir, out_dir)
        summary = run(args.address, args.topic)
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)
    print(json.dumps(summary, indent=2, sort_keys=True))
    return 0 if not summary["failures"] else 1


def run(address, topic):
    import grpc

    records_pb2 = importlib.import_module("brook.v1.records_pb2")
    data_pb2 = importlib.import_module("brook.v1.data_pb2")
    data_pb2_grpc = importlib.import_module("brook.v1.data_pb2_grpc")
    admin_pb2 = importlib.import_module("brook.v1.admin_pb2")
    admin_pb2_grpc = importlib.import_module("brook.v1.admin_pb2_grpc")

    failures = []

    def check(condition, message):
        if not condition:
            failures.append(message)

    channel = grpc.insecure_channel(address)
    grpc.channel_ready_future(channel).result(timeout=10)
    admin = admin_pb2_grpc.AdminServiceStub(channel)
    data = data_pb2_grpc.DataServiceStub(channel)

    created = admin.CreateTopic(
        admin_pb2.CreateTopicRequest(name=topic, partitions=2, configs={"retention.ms": "3600000"}),
        timeout=10,
    )
    check(created.topic.name == topic, "created topic has the wrong name")
    check(len(created.topic.partitions) == 2, "created topic should have 2 partitions")

    sent = [
        records_pb2.Record(
            key=b"key-1",
            value=b"value-1",
            headers=[
                records_pb2.RecordHeader(key="trace", value=b"abc"),
                records_pb2.RecordHeader(key="no-value"),
            ],
        ),
        # A tombstone: a key and no value.
        records_pb2.Record(key=b"key-2"),
        # Empty key and value are not null.
        records_pb2.Record(key=b"", value=b"", timestamp_ms=1700000000000),
        # No key at all.
        records_pb2.Record(value="snow \u2603".encode("utf-8")),
    ]
    produced = data.Produce(
        data_pb2.ProduceRequest(
            topic=topic,
            partition=1,
            acks=records_pb2.ACKS_ALL,
            records=data_pb2.RecordList(records=sent),
        ),
        timeout=10,
    )
    check(produced.base_offset == 0, "base_offset should be 0")
    check(produced.last_offset == len(sent) - 1, "last_offset should be %d" % (len(sent) - 1))
    check(produced.record_count == len(sent), "record_count should be %d" % len(sent))

    fetched = data.Fetch(
        data_pb2.FetchRequest(
            topic=topic, partition=1, offset=0, format=records_pb2.RECORD_FORMAT_RECORDS
        ),
        timeout=10,
    )
    check(len(fetched.records) == len(sent), "fetched %d records" % len(fetched.records))
    for index, (got, want) in enumerate(zip(fetched.records, sent)):
        check(got.offset == index, "record %d has offset %d" % (index, got.offset))
        check(got.HasField("key") == want.HasField("key"), "record %d key presence" % index)
        check(got.key == want.key, "record %d key" % index)
        check(got.HasField("value") == want.HasField("value"), "record %d value presence" % index)
        check(got.value == want.value, "record %d value" % index)
        check(
            [(h.key, h.HasField("value"), h.value) for h in got.headers]
            == [(h.key, h.HasField("value"), h.value) for h in want.headers],
            "record %d headers" % index,
        )
        if want.timestamp_ms != 0:
            check(got.timestamp_ms == want.timestamp_ms, "record %d timestamp" % index)
        else:
            check(got.timestamp_ms > 0, "record %d should get the broker's time" % index)

    def list_offsets(spec, **extra):
        response = data.ListOffsets(
            data_pb2.ListOffsetsRequest(topic=topic, spec=spec, **extra), timeout=10
        )
        return [
            {"partition": entry.partition, "offset": entry.offset, "timestampMs": entry.timestamp_ms}
            for entry in response.offsets
        ]

    latest = list_offsets(data_pb2.OFFSET_SPEC_LATEST)
    earliest = list_offsets(data_pb2.OFFSET_SPEC_EARLIEST, partitions=[1])
    check(
        [entry["offset"] for entry in latest] == [0, len(sent)],
        "latest offsets should be [0, %d], not %s" % (len(sent), latest),
    )
    check([entry["offset"] for entry in earliest] == [0], "earliest offset of partition 1")

    unknown = {"failed": False}
    try:
        data.Produce(
            data_pb2.ProduceRequest(
                topic=topic + ".missing",
                records=data_pb2.RecordList(records=[records_pb2.Record(value=b"x")]),
            ),
            timeout=10,
        )
    except grpc.RpcError as error:
        trailing = dict(error.trailing_metadata() or ())
        unknown = {
            "failed": True,
            "status": error.code().name,
            "details": error.details(),
            "brookErrorCode": trailing.get("brook-error-code"),
            "hasStatusDetails": "grpc-status-details-bin" in trailing,
        }
    check(unknown.get("status") == "NOT_FOUND", "unknown topic: status %s" % unknown.get("status"))
    check(
        unknown.get("brookErrorCode") == "UNKNOWN_TOPIC",
        "unknown topic: brook-error-code %s" % unknown.get("brookErrorCode"),
    )
    channel.close()

    return {
        "topic": {
            "name": created.topic.name,
            "partitions": len(created.topic.partitions),
            "configs": {entry.name: entry.value for entry in created.topic.configs},
        },
        "produced": {
            "baseOffset": produced.base_offset,
            "lastOffset": produced.last_offset,
            "recordCount": produced.record_count,
        },
        "fetched": {
            "highWatermark": fetched.high_watermark,
            "nextOffset": fetched.next_offset,
            "records": [record_summary(record) for record in fetched.records],
        },
        "offsets": {"latest": latest, "earliest": earliest},
        "unknownTopic": unknown,
        "failures": failures,
    }


if __name__ == "__main__":
    sys.exit(main())
