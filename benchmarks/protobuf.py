"""Protobuf benchmark: verifying protobuf bodies, and gRPC calls through the mock server.

    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/protobuf.py          # 300 interactions
    PACT_DO_NOT_TRACK=true .venv/bin/python benchmarks/protobuf.py --quick  # 60 interactions

The official tools need the pact-protobuf-plugin binary (downloaded from GitHub), which cannot
be installed here, so each row is set against the limit instead — the same work without accord:

* verification: a pact of N interactions ``GET /person/{i}`` answered with a ``Person``
  message (rules on every field, a repeated embedded message), written by accord's consumer
  DSL, verified against a Flask app in process; the limit is calling the same app N times
  with Flask's test client and decoding each answer;
* gRPC: unary ``calculateOne`` calls per second from one grpcio channel to accord's gRPC mock
  server (serving the official plugin's ``area_calculator`` pact), and to a grpcio server
  answering the same call directly.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from concurrent import futures
from pathlib import Path
from typing import Any

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "protobuf"


def _best(fn: Any, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def verification(n: int, repeat: int) -> tuple[float, float]:
    from flask import Flask, Response

    from accord import Pact, Verifier
    from accord.pactfile import write_pact
    from accord.plugins.protobuf import compile_proto

    people = compile_proto(DATA / "person.proto")
    person_cls = people.message_class("person.Person")
    config = {
        "pact:proto": str(DATA / "person.proto"), "pact:message-type": "Person",
        "name": "notEmpty('Alice')", "id": "matching(integer, 1)",
        "email": "matching(regex, '^[^@]+@[^@]+$', 'alice@example.com')",
        "phones": {"pact:match": "atLeast(1)",
                   "number": "matching(regex, '^\\d{3}-\\d{4}$', '555-1234')",
                   "type": "matching(type, 'PHONE_TYPE_HOME')"},
        "tags": "atLeast(1), eachValue(matching(type, 'friend'))",
    }
    with tempfile.TemporaryDirectory() as tmp:
        pact = Pact("bench-web", "bench-api", pact_dir=tmp)
        for i in range(n):
            (pact.upon_receiving(f"person {i}").with_request("GET", f"/person/{i}")
                 .will_respond_with(200).with_plugin_contents("application/protobuf", config))
        path = write_pact(pact.to_model(recorded_only=False), tmp)

        app = Flask("bench")

        @app.get("/person/<int:pid>")
        def get(pid: int) -> Response:
            person = person_cls(name=f"P{pid}", id=pid, email=f"p{pid}@example.com",
                                tags=["a", "b"], phones=[person_cls.PhoneNumber(
                                    number="555-0000", type=2)])
            return Response(person.SerializeToString(),
                            content_type="application/protobuf; message=.person.Person")

        def accord_run() -> None:
            result = Verifier("bench-api").add_source(path).add_transport(app=app).verify()
            assert len(result.passed) == n, result.report()

        client = app.test_client()

        def limit_run() -> None:
            for i in range(n):
                person_cls.FromString(client.get(f"/person/{i}").data)

        return _best(accord_run, repeat), _best(limit_run, repeat)


def grpc_calls(seconds: float) -> tuple[float, float]:
    import grpc

    from accord.pactfile import read_pact
    from accord.plugins.protobuf import compile_proto
    from accord.plugins.protobuf.grpc import GrpcMockServer

    area = compile_proto(DATA / "area_calculator.proto")
    shape_cls = area.message_class("area_calculator.ShapeMessage")
    area_cls = area.message_class("area_calculator.AreaResponse")
    method = "/area_calculator.Calculator/calculateOne"
    request = shape_cls(rectangle={"length": 3, "width": 4})

    def rate(address: str) -> float:
        with grpc.insecure_channel(address) as channel:
            stub = channel.unary_unary(method, request_serializer=shape_cls.SerializeToString,
                                       response_deserializer=area_cls.FromString)
            for _ in range(50):  # warm up
                stub(request)
            count, started = 0, time.perf_counter()
            while time.perf_counter() - started < seconds:
                stub(request)
                count += 1
            return count / (time.perf_counter() - started)

    with GrpcMockServer(read_pact(DATA / "area-calculator-grpc.json"),
                        raise_on_exit=False) as server:
        mocked = rate(server.address)

    def answer(data: bytes, context: Any) -> bytes:
        shape = shape_cls.FromString(data)
        return area_cls(value=[shape.rectangle.length * shape.rectangle.width]
                        ).SerializeToString()

    class Direct(grpc.GenericRpcHandler):
        def service(self, details: Any) -> Any:
            return grpc.unary_unary_rpc_method_handler(answer)

    direct = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    direct.add_generic_rpc_handlers((Direct(),))
    port = direct.add_insecure_port("127.0.0.1:0")
    direct.start()
    try:
        limit = rate(f"127.0.0.1:{port}")
    finally:
        direct.stop(None)
    return mocked, limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    n = 60 if args.quick else 300
    seconds = 1.0 if args.quick else 3.0
    accord_s, limit_s = verification(n, args.repeat)
    mocked, direct = grpc_calls(seconds)
    print(f"Python {sys.version.split()[0]}; {n} interactions; best of {args.repeat}\n")
    print("| | accord | the limit (no accord) | ratio |")
    print("|---|---:|---:|---:|")
    print(f"| verify {n} protobuf interactions (in process) | {accord_s * 1000:,.0f} ms "
          f"({accord_s / n * 1000:.2f} ms each) | {limit_s * 1000:,.0f} ms | "
          f"{accord_s / limit_s:.1f}x |")
    print(f"| gRPC unary calls per second, one channel | {mocked:,.0f} | {direct:,.0f} | "
          f"{direct / mocked:.1f}x |")


if __name__ == "__main__":
    main()
