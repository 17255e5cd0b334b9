#!/usr/bin/env python3
"""Builds Kindling's golden protocol vectors from the specification.

Every byte string here is assembled with `struct` straight from the rules in
protocol-spec/spec/{worker,conn-info}.md and the byte layouts in protocol-spec/vectors/README.md.
The script deliberately does NOT import kindling or any codec: the vectors are an independent
statement of the wire format that both the Java and the Python codecs must agree with.

    python3 protocol-spec/tools/make_vectors.py          # (re)write protocol-spec/vectors/*.json
    python3 protocol-spec/tools/make_vectors.py --check  # exit 1 if a committed file differs

Output is deterministic: same script, same bytes.
"""
import argparse
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SPEC_DIR = os.path.dirname(HERE)
VECTORS_DIR = os.path.join(SPEC_DIR, "vectors")
CONSTANTS = os.path.join(SPEC_DIR, "constants.json")

PROFILES = ["spark-3.5", "spark-4.1", "spark-4.2", "spark-4.3"]
# Profiles whose task context is one JSON utf (WRK-4.3.3), with conf maps (WRK-4.7) and four timing
# longs (WRK-6.2.1); spark-4.3 adds cpuAmount (WRK-4.3.5) and the init message (WRK-4.10.1).
JSON_PROFILES = ("spark-4.2", "spark-4.3")
START_OF_INIT_MESSAGE = -8  # constants.json messageIds (checked at start-up)

# WRK-5.3 / constants.json specialLengths (checked against constants.json at start-up).
SPECIAL = {
    "END_OF_DATA_SECTION": -1,
    "PYTHON_EXCEPTION_THROWN": -2,
    "TIMING_DATA": -3,
    "END_OF_STREAM": -4,
    "NULL": -5,
    "START_ARROW_STREAM": -6,
    "END_OF_MICRO_BATCH": -7,
}
# constants.json limits (defaults; checked at start-up).
LIMITS = {
    "maxSecretBytes": 1024,
    "maxAuthReplyBytes": 16,
    "maxFrameBytes": 536870912,
    "maxHeaderCount": 10000,
    "maxHeaderStringBytes": 16777216,
    "maxConfEntries": 10000,
    "maxAccumulatorUpdates": 1000000,
    "maxInitMessageBytes": 67108864,
}
INT_MIN = -(2 ** 31)
INT_MAX = 2 ** 31 - 1
LONG_MAX = 2 ** 63 - 1

# ---------------------------------------------------------------------------------------------
# Primitive encoders (WRK-1.1 .. WRK-1.3)


def i32(v):
    return struct.pack(">i", v)


def i64(v):
    return struct.pack(">q", v)


def boolean(v):
    return b"\x01" if v else b"\x00"


def utf(s):
    b = s.encode("utf-8")
    return i32(len(b)) + b


def blob(b):
    return i32(len(b)) + b


def hx(b):
    return b.hex()


# ---------------------------------------------------------------------------------------------
# Fixed payloads. Real pickles (protocol 5, as CPython >= 3.8 writes them), written out literally
# so the script does not depend on the running interpreter's pickle module.

# pickle.dumps(("f", None, None, None), protocol=5): shaped like a command tuple
# (func, profiler, deserializer, serializer).
COMMAND = bytes.fromhex("8005950b00000000000000288c0166944e4e4e74942e")
# pickle.dumps([1, 2, 3], protocol=5): one batched-pickle output frame (WRK-8.4).
PICKLED_123 = bytes.fromhex("8005950b000000000000005d94284b014b024b03652e")
# pickle.dumps(["a", "b"], protocol=5)
PICKLED_AB = bytes.fromhex("8005950d000000000000005d94288c0161948c016294652e")
# pickle.dumps([], protocol=5)
PICKLED_EMPTY_LIST = bytes.fromhex("80055d942e")
# Accumulator updates, pickle.dumps((aid, update), protocol=5) (WRK-6.4).
ACC_0_5 = bytes.fromhex("80059507000000000000004b004b0586942e")  # (0, 5)
ACC_1_X = bytes.fromhex("80059509000000000000004b018c01789486942e")  # (1, "x")

SECRET_HEX = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
SECRET_HEX_2 = "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae"
SECRET_NON_ASCII = "s\u00e9cret-\u5bc6\u94a5-\U0001f511"  # "sécret-密钥-🔑"
SECRET_1024 = ("0123456789abcdef" * 64)
assert len(SECRET_1024) == 1024

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "/opt/kindling/python/kindling/worker.py", line 212, in main\n'
    "    process()\n"
    '  File "/tmp/app.py", line 7, in <lambda>\n'
    '    raise ValueError("donn\u00e9es invalides \u2014 \u6570\u636e \U0001f525")\n'
    "ValueError: donn\u00e9es invalides \u2014 \u6570\u636e \U0001f525\n"
)
TRACEBACK_SHORT = "Traceback (most recent call last):\nRuntimeError: boom\n"

# ---------------------------------------------------------------------------------------------
# Values observed on the wire of a real Apache Spark 4.2.1 local job (pip pyspark==4.2.1, JDK 17,
# simple-worker mode, a worker module that copied its socket traffic to files):
#   sc.setLocalProperty("spark.job.description", "cap été"); b = sc.broadcast({"k": 1})
#   acc = sc.accumulator(0); sc.parallelize([1, 2, 3], 1).map(f).collect()  with f adding to acc
# and a second job whose function raised ValueError("données invalides — 数据") on the third element.
# Only the field values are taken from the capture; the vectors' bytes are still assembled below
# with struct from the spec layouts (they were checked to equal the captured bytes exactly). The
# JSON context text is kept verbatim because its key order is json4s's, not the encoder's.

CAPTURED_42_CONTEXT = (
    "{\"secret\":\"bf647938b6295842d050bba86b51843e0e28b30a4df92b154c08aa55892e1f95\",\"taskAttemp"
    "tId\":0,\"stageId\":0,\"isBarrier\":false,\"partitionId\":0,\"connInfo\":-1,\"attemptNumber\":0,\"lo"
    "calProperties\":{\"spark.rdd.scope\":\"{\\\"id\\\":\\\"1\\\",\\\"name\\\":\\\"collect\\\"}\",\"spark.job.descr"
    "iption\":\"cap \u00e9t\u00e9\",\"callSite.short\":\"collect at /tmp/vcheck/cap/job.py:17\",\"spark.rdd.sco"
    "pe.noOverride\":\"true\"},\"resources\":{},\"cpus\":1}"
)
CAPTURED_42_FILES_DIR = "/tmp/spark-7836c5f4-b60a-4e7c-ae5a-7fc27e8092e2/userFiles-3c7545f5-a354-4ed1-b1f5-74202b2d6d11"
CAPTURED_42_BROADCAST_PATH = "/tmp/spark-7836c5f4-b60a-4e7c-ae5a-7fc27e8092e2/pyspark-5fc0b902-bcab-49c2-aa40-db11ef9205da/tmpb1t50jqw"
CAPTURED_42_COMMAND = bytes.fromhex(
    "8005958806000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
    "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
    "9485945294284b024b004b004b024b054b13433e95019700740100000000000000000000740300000000000000000000"
    "8902a6010000ab0100000000000000007c01a6020000ab0200000000000000005300944e85948c036d6170948c156661"
    "696c5f6f6e5f73746f70697465726174696f6e9486948c015f948c086974657261746f729486948c502f776f726b2f6d"
    "61696e2f666964656c6974792f2e76656e762d342e322e312f6c69622f707974686f6e332e31312f736974652d706163"
    "6b616765732f7079737061726b2f636f72652f7264642e7079948c0466756e63948c155244442e6d61702e3c6c6f6361"
    "6c733e2e66756e63944d6602431cf88000dd1316d5172ca851d1172fd4172fb018d1133ad4133ad00c3a944300948c01"
    "6694859429749452947d94288c0b5f5f7061636b6167655f5f948c0c7079737061726b2e636f7265948c085f5f6e616d"
    "655f5f948c107079737061726b2e636f72652e726464948c085f5f66696c655f5f948c502f776f726b2f6d61696e2f66"
    "6964656c6974792f2e76656e762d342e322e312f6c69622f707974686f6e332e31312f736974652d7061636b61676573"
    "2f7079737061726b2f636f72652f7264642e707994754e4e68008c105f6d616b655f656d7074795f63656c6c94939429"
    "529485947494529468008c125f66756e6374696f6e5f736574737461746594939468257d947d9428681c8c0466756e63"
    "948c0c5f5f7175616c6e616d655f5f948c155244442e6d61702e3c6c6f63616c733e2e66756e63948c0f5f5f616e6e6f"
    "746174696f6e735f5f947d9428680d8c086275696c74696e73948c03696e74949394680e8c095f6f70657261746f7294"
    "8c076765746974656d9493948c06747970696e67948c084974657261626c659493948c086275696c74696e73948c0767"
    "65746174747294939468008c09737562696d706f7274949394681d859452948c01549486945294869452948c06726574"
    "75726e9468346837683a683e8c0155948694529486945294758c0e5f5f6b7764656661756c74735f5f944e8c0c5f5f64"
    "656661756c74735f5f944e8c0a5f5f6d6f64756c655f5f94681d8c075f5f646f635f5f944e8c0b5f5f636c6f73757265"
    "5f5f9468008c0a5f6d616b655f63656c6c9493946802286807284b014b004b004b014b034b0343609700740000000000"
    "000000000000a00100000000000000000000000000000000000000007c00a6010000ab01000000000000000001007c00"
    "7404000000000000000000006a0300000000000000006401190000000000000000007a0000005300944e8c016b948694"
    "288c03616363948c03616464948c0162948c0576616c75659474948c01789485948c162f746d702f76636865636b2f63"
    "61702f6a6f622e7079948c01669468154b0e43228000dd0407874782478841814a844a804ad80b0c8d718c7790738c7c"
    "d10b1bd0041b9468142929749452947d9428681a4e681c8c085f5f6d61696e5f5f94681e685b754e4e4e749452946827"
    "68637d947d9428681c685c682b685c682d7d94684a4e684b4e684c6861684d4e684e4e8c175f636c6f75647069636b6c"
    "655f7375626d6f64756c6573945d948c0b5f5f676c6f62616c735f5f947d942868548c147079737061726b2e61636375"
    "6d756c61746f7273948c185f646573657269616c697a655f616363756d756c61746f729493944b004b00686b8c164164"
    "64696e67416363756d756c61746f72506172616d9493942981947d948c0a7a65726f5f76616c7565944b007362879452"
    "9468568c167079737061726b2e636f72652e62726f616463617374948c085f66726f6d5f69649493944b008594529475"
    "75869486523085945294859468675d9468697d94680b8c0c7079737061726b2e7574696c94680b939473758694865230"
    "4e8c137079737061726b2e73657269616c697a657273948c114261746368656453657269616c697a6572949394298194"
    "7d94288c0a73657269616c697a65729468838c15436c6f75645069636b6c6553657269616c697a65729493942981947d"
    "948c0d616c6c6f7765645f6e616d6573944e73628c09626174636853697a65944b03756268838c154175746f42617463"
    "68656453657269616c697a65729493942981947d94286888688b688e4b008c086265737453697a65944a000001007562"
    "74942e"
)
CAPTURED_42_OUTPUT = {"frames": ["80059506000000000000005d944b02612e", "80059509000000000000005d94284b034b04652e"], "timing": {"boot": 1795612628885, "init": 1795612629109, "finish": 1795612629109, "processing": 0}, "spill": {"memory": 0, "disk": 0}, "accumulators": ["80059507000000000000004b004b0686942e"], "end": "END_OF_STREAM"}
CAPTURED_42_EXCEPTION_FRAMES = ["80059506000000000000005d944b01612e"]
CAPTURED_42_TRACEBACK = (
    "Traceback (most recent call last):\n"
    "  File \"/work/main/fidelity/.venv-4.2.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/pyspark/worker.py\", line 3622, in main\n"
    "    process()\n"
    "  File \"/work/main/fidelity/.venv-4.2.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/pyspark/worker.py\", line 3612, in process\n"
    "    serializer.dump_stream(out_iter, outfile)\n"
    "  File \"/work/main/fidelity/.venv-4.2.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/pyspark/serializers.py\", line 258, in dump_stream\n"
    "    vs = list(itertools.islice(iterator, batch))\n"
    "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
    "  File \"/work/main/fidelity/.venv-4.2.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/pyspark/util.py\", line 159, in wrapper\n"
    "    return f(*args, **kwargs)\n"
    "           ^^^^^^^^^^^^^^^^^^\n"
    "  File \"/tmp/vcheck/cap/job2.py\", line 15, in f\n"
    "    raise ValueError(\"donn\\u00e9es invalides \\u2014 \\u6570\\u636e\")\n"
    "ValueError: donn\u00e9es invalides \u2014 \u6570\u636e\n"
)


# More values observed on the wire of real Spark jobs, with the same worker-module tap, for
# pip pyspark 3.5.8 (profile spark-3.5), 4.1.1 (spark-4.1) and 4.2.1 (spark-4.2), JDK 17,
# local[2], simple-worker mode, no reuse. Jobs: "plain" = the job above (broadcast, accumulator,
# local property); "barrier" = sc.parallelize([1, 2], 1).barrier().mapPartitions(lambda it:
# [sum(it)]).collect(); "exception" = the failing job above. Each entry gives the decoded header
# and output; the vectors rebuild the bytes with struct and were checked equal to the capture.
# ("addresses" in the barrier local properties is Spark's own barrier address list.)
CAPTURED = [
    {
        "spark": "3.5.8",
        "job": "plain",
        "profile": "spark-3.5",
        "header": {
            "splitIndex": 0,
            "pythonVersion": "3.11",
            "taskContext": {
                "isBarrier": False,
                "connInfo": 0,
                "secret": "",
                "stageId": 0,
                "partitionId": 0,
                "attemptNumber": 0,
                "taskAttemptId": 0,
                "cpus": 1,
                "resources": {},
                "localProperties": {
                    "spark.rdd.scope": "{\"id\":\"1\",\"name\":\"collect\"}",
                    "spark.job.description": "cap \u00e9t\u00e9",
                    "callSite.short": "collect at /tmp/vcheck/cap2/job.py:25",
                    "spark.rdd.scope.noOverride": "true",
                },
            },
            "sparkFilesDir": (
                "/tmp/spark-07ade4ae-b4eb-46b2-9911-504e6455eab3/userFiles-de9f52ce-5a42-416d-b108-45f79"
                "23052f1"
            ),
            "pythonIncludes": [],
            "broadcasts": {
                "decryptionServer": None,
                "removed": [],
                "added": [
                    {
                        "id": 0,
                        "path": (
                            "/tmp/spark-07ade4ae-b4eb-46b2-9911-504e6455eab3/pyspark-829da041-c90c-445c-9054-389d187"
                            "fe78a/tmprnm6u3t_"
                        ),
                    },
                ],
            },
            "evalType": 0,
        },
        "command": bytes.fromhex(
            "8005954306000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
            "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
            "9485945294284b024b004b004b024b054b13433e95019700740100000000000000000000740300000000000000000000"
            "8902a6010000ab0100000000000000007c01a6020000ab0200000000000000005300944e85948c036d6170948c156661"
            "696c5f6f6e5f73746f70697465726174696f6e9486948c015f948c086974657261746f729486948c3b2f746d702f7665"
            "6e762d332e352e382f6c69622f707974686f6e332e31312f736974652d7061636b616765732f7079737061726b2f7264"
            "642e7079948c0466756e63948c155244442e6d61702e3c6c6f63616c733e2e66756e63944df102431cf88000dd1316d5"
            "172ca851d1172fd4172fb018d1133ad4133ad00c3a944300948c016694859429749452947d94288c0b5f5f7061636b61"
            "67655f5f948c077079737061726b948c085f5f6e616d655f5f948c0b7079737061726b2e726464948c085f5f66696c65"
            "5f5f948c3b2f746d702f76656e762d332e352e382f6c69622f707974686f6e332e31312f736974652d7061636b616765"
            "732f7079737061726b2f7264642e707994754e4e68008c105f6d616b655f656d7074795f63656c6c9493942952948594"
            "749452948c247079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c655f66617374948c125f6675"
            "6e6374696f6e5f736574737461746594939468257d947d9428681c68118c0c5f5f7175616c6e616d655f5f9468128c0f"
            "5f5f616e6e6f746174696f6e735f5f947d9428680d8c086275696c74696e73948c03696e74949394680e8c095f6f7065"
            "7261746f72948c076765746974656d9493948c06747970696e67948c084974657261626c659493948c086275696c7469"
            "6e73948c076765746174747294939468008c09737562696d706f7274949394681d859452948c01549486945294869452"
            "948c0672657475726e94683368366839683d8c0155948694529486945294758c0e5f5f6b7764656661756c74735f5f94"
            "4e8c0c5f5f64656661756c74735f5f944e8c0a5f5f6d6f64756c655f5f94681d8c075f5f646f635f5f944e8c0b5f5f63"
            "6c6f737572655f5f9468008c0a5f6d616b655f63656c6c9493946802286807284b014b004b004b014b034b0343609700"
            "740000000000000000000000a00100000000000000000000000000000000000000007c00a6010000ab01000000000000"
            "000001007c007404000000000000000000006a0300000000000000006401190000000000000000007a0000005300944e"
            "8c016b948694288c03616363948c03616464948c0162948c0576616c75659474948c01789485948c172f746d702f7663"
            "6865636b2f636170322f6a6f622e707994681568154b1643228000dd0407874782478841814a844a804ad80b0c8d718c"
            "7790738c7cd10b1bd0041b9468142929749452947d9428681a4e681c8c085f5f6d61696e5f5f94681e685a754e4e4e74"
            "945294682868617d947d9428681c6815682b6815682c7d9468494e684a4e684b685f684c4e684d4e8c175f636c6f7564"
            "7069636b6c655f7375626d6f64756c6573945d948c0b5f5f676c6f62616c735f5f947d942868538c147079737061726b"
            "2e616363756d756c61746f7273948c185f646573657269616c697a655f616363756d756c61746f729493944b004b0068"
            "698c16416464696e67416363756d756c61746f72506172616d9493942981947d948c0a7a65726f5f76616c7565944b00"
            "73628794529468558c117079737061726b2e62726f616463617374948c085f66726f6d5f69649493944b008594529475"
            "75869486523085945294859468655d9468677d94680b8c0c7079737061726b2e7574696c94680b939473758694865230"
            "4e8c137079737061726b2e73657269616c697a657273948c114261746368656453657269616c697a6572949394298194"
            "7d94288c0a73657269616c697a65729468818c15436c6f75645069636b6c6553657269616c697a65729493942981948c"
            "09626174636853697a65944b03756268818c154175746f4261746368656453657269616c697a65729493942981947d94"
            "2868866889688a4b008c086265737453697a65944a00000100756274942e"
        ),
        "output": {
            "frames": [
                "80059506000000000000005d944b02612e",
                "80059509000000000000005d94284b034b04652e",
            ],
            "timing": {
                "boot": 1795613157413,
                "init": 1795613157660,
                "finish": 1795613157660,
            },
            "spill": {
                "memory": 0,
                "disk": 0,
            },
            "accumulators": [
                "80059507000000000000004b004b0686942e",
            ],
            "end": "END_OF_STREAM",
        },
    },
    {
        "spark": "3.5.8",
        "job": "barrier",
        "profile": "spark-3.5",
        "header": {
            "splitIndex": 0,
            "pythonVersion": "3.11",
            "taskContext": {
                "isBarrier": True,
                "connInfo": 39043,
                "secret": "1cd87d72963fd291c4defe2fe960afbe3efe0b8ede0e63ad68eb001463185031",
                "stageId": 1,
                "partitionId": 0,
                "attemptNumber": 0,
                "taskAttemptId": 1,
                "cpus": 1,
                "resources": {},
                "localProperties": {
                    "addresses": "192.0.2.2:41117",
                    "spark.rdd.scope": "{\"id\":\"5\",\"name\":\"collect\"}",
                    "spark.job.description": "cap \u00e9t\u00e9",
                    "callSite.short": "collect at /tmp/vcheck/cap2/job.py:27",
                    "spark.rdd.scope.noOverride": "true",
                },
            },
            "sparkFilesDir": (
                "/tmp/spark-07ade4ae-b4eb-46b2-9911-504e6455eab3/userFiles-de9f52ce-5a42-416d-b108-45f79"
                "23052f1"
            ),
            "pythonIncludes": [],
            "broadcasts": {
                "decryptionServer": None,
                "removed": [],
                "added": [],
            },
            "evalType": 0,
        },
        "command": bytes.fromhex(
            "800595f504000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
            "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
            "9485945294284b024b004b004b024b034b13431a95019700020089027c01a6010000ab0100000000000000005300944e"
            "8594298c0173948c086974657261746f729486948c3b2f746d702f76656e762d332e352e382f6c69622f707974686f6e"
            "332e31312f736974652d7061636b616765732f7079737061726b2f7264642e7079948c0466756e63948c265244444261"
            "72726965722e6d6170506172746974696f6e732e3c6c6f63616c733e2e66756e63944ddd144311f88000d81314903190"
            "58913b943bd00c1e944300948c016694859429749452947d94288c0b5f5f7061636b6167655f5f948c07707973706172"
            "6b948c085f5f6e616d655f5f948c0b7079737061726b2e726464948c085f5f66696c655f5f948c3b2f746d702f76656e"
            "762d332e352e382f6c69622f707974686f6e332e31312f736974652d7061636b616765732f7079737061726b2f726464"
            "2e707994754e4e68008c105f6d616b655f656d7074795f63656c6c9493942952948594749452948c247079737061726b"
            "2e636c6f75647069636b6c652e636c6f75647069636b6c655f66617374948c125f66756e6374696f6e5f736574737461"
            "746594939468227d947d94286819680e8c0c5f5f7175616c6e616d655f5f94680f8c0f5f5f616e6e6f746174696f6e73"
            "5f5f947d9428680a8c086275696c74696e73948c03696e74949394680b8c095f6f70657261746f72948c076765746974"
            "656d9493948c06747970696e67948c084974657261626c659493948c086275696c74696e73948c076765746174747294"
            "939468008c09737562696d706f7274949394681a859452948c01549486945294869452948c0672657475726e94683068"
            "336836683a8c0155948694529486945294758c0e5f5f6b7764656661756c74735f5f944e8c0c5f5f64656661756c7473"
            "5f5f944e8c0a5f5f6d6f64756c655f5f94681a8c075f5f646f635f5f944e8c0b5f5f636c6f737572655f5f9468008c0a"
            "5f6d616b655f63656c6c9493946802286807284b014b004b004b014b034b03432297007401000000000000000000007c"
            "00a6010000ab01000000000000000067015300944e85948c0373756d9485948c0269749485948c172f746d702f766368"
            "65636b2f636170322f6a6f622e7079948c083c6c616d6264613e9468544b1b430e8000c543c802c147c447c039800094"
            "68112929749452947d942868174e68198c085f5f6d61696e5f5f94681b6853754e4e4e749452946825685b7d947d9428"
            "681968546828685468297d9468464e68474e6848685968494e684a4e8c175f636c6f75647069636b6c655f7375626d6f"
            "64756c6573945d948c0b5f5f676c6f62616c735f5f947d94758694865230859452948594685f5d9468617d9475869486"
            "52304e8c137079737061726b2e73657269616c697a657273948c114261746368656453657269616c697a657294939429"
            "81947d94288c0a73657269616c697a657294686a8c15436c6f75645069636b6c6553657269616c697a65729493942981"
            "948c09626174636853697a65944b027562686a8c154175746f4261746368656453657269616c697a6572949394298194"
            "7d9428686f687268734b008c086265737453697a65944a00000100756274942e"
        ),
        "output": {
            "frames": [
                "80059506000000000000005d944b03612e",
            ],
            "timing": {
                "boot": 1795613161633,
                "init": 1795613161983,
                "finish": 1795613161983,
            },
            "spill": {
                "memory": 0,
                "disk": 0,
            },
            "accumulators": [],
            "end": "END_OF_STREAM",
        },
    },
    {
        "spark": "3.5.8",
        "job": "exception",
        "profile": "spark-3.5",
        "header": {
            "splitIndex": 0,
            "pythonVersion": "3.11",
            "taskContext": {
                "isBarrier": False,
                "connInfo": 0,
                "secret": "",
                "stageId": 2,
                "partitionId": 0,
                "attemptNumber": 0,
                "taskAttemptId": 2,
                "cpus": 1,
                "resources": {},
                "localProperties": {
                    "spark.rdd.scope": "{\"id\":\"9\",\"name\":\"collect\"}",
                    "spark.job.description": "cap \u00e9t\u00e9",
                    "callSite.short": "collect at /tmp/vcheck/cap2/job.py:34",
                    "spark.rdd.scope.noOverride": "true",
                },
            },
            "sparkFilesDir": (
                "/tmp/spark-07ade4ae-b4eb-46b2-9911-504e6455eab3/userFiles-de9f52ce-5a42-416d-b108-45f79"
                "23052f1"
            ),
            "pythonIncludes": [],
            "broadcasts": {
                "decryptionServer": None,
                "removed": [],
                "added": [],
            },
            "evalType": 0,
        },
        "command": bytes.fromhex(
            "8005958805000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
            "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
            "9485945294284b024b004b004b024b054b13433e95019700740100000000000000000000740300000000000000000000"
            "8902a6010000ab0100000000000000007c01a6020000ab0200000000000000005300944e85948c036d6170948c156661"
            "696c5f6f6e5f73746f70697465726174696f6e9486948c015f948c086974657261746f729486948c3b2f746d702f7665"
            "6e762d332e352e382f6c69622f707974686f6e332e31312f736974652d7061636b616765732f7079737061726b2f7264"
            "642e7079948c0466756e63948c155244442e6d61702e3c6c6f63616c733e2e66756e63944df102431cf88000dd1316d5"
            "172ca851d1172fd4172fb018d1133ad4133ad00c3a944300948c016694859429749452947d94288c0b5f5f7061636b61"
            "67655f5f948c077079737061726b948c085f5f6e616d655f5f948c0b7079737061726b2e726464948c085f5f66696c65"
            "5f5f948c3b2f746d702f76656e762d332e352e382f6c69622f707974686f6e332e31312f736974652d7061636b616765"
            "732f7079737061726b2f7264642e707994754e4e68008c105f6d616b655f656d7074795f63656c6c9493942952948594"
            "749452948c247079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c655f66617374948c125f6675"
            "6e6374696f6e5f736574737461746594939468257d947d9428681c68118c0c5f5f7175616c6e616d655f5f9468128c0f"
            "5f5f616e6e6f746174696f6e735f5f947d9428680d8c086275696c74696e73948c03696e74949394680e8c095f6f7065"
            "7261746f72948c076765746974656d9493948c06747970696e67948c084974657261626c659493948c086275696c7469"
            "6e73948c076765746174747294939468008c09737562696d706f7274949394681d859452948c01549486945294869452"
            "948c0672657475726e94683368366839683d8c0155948694529486945294758c0e5f5f6b7764656661756c74735f5f94"
            "4e8c0c5f5f64656661756c74735f5f944e8c0a5f5f6d6f64756c655f5f94681d8c075f5f646f635f5f944e8c0b5f5f63"
            "6c6f737572655f5f9468008c0a5f6d616b655f63656c6c9493946802286807284b014b004b004b014b034b0343309700"
            "7c0064016b0200000000720f7401000000000000000000006402a6010000ab01000000000000000082017c005300944e"
            "4b038c1d646f6e6ec3a9657320696e76616c6964657320e2809420e695b0e68dae9487948c0a56616c75654572726f72"
            "9485948c01789485948c172f746d702f76636865636b2f636170322f6a6f622e7079948c01679468584b1d431f8000d8"
            "0708884182768076dd0e18d01945d10e46d40e46d00846d80b0c80489468142929749452947d9428681a4e681c8c085f"
            "5f6d61696e5f5f94681e6857754e4e4e749452946828685f7d947d9428681c6858682b6858682c7d9468494e684a4e68"
            "4b685d684c4e684d4e8c175f636c6f75647069636b6c655f7375626d6f64756c6573945d948c0b5f5f676c6f62616c73"
            "5f5f947d9475869486523085945294859468635d9468657d94680b8c0c7079737061726b2e7574696c94680b93947375"
            "86948652304e8c137079737061726b2e73657269616c697a657273948c114261746368656453657269616c697a657294"
            "93942981947d94288c0a73657269616c697a65729468708c15436c6f75645069636b6c6553657269616c697a65729493"
            "942981948c09626174636853697a65944b03756268708c154175746f4261746368656453657269616c697a6572949394"
            "2981947d94286875687868794b008c086265737453697a65944a00000100756274942e"
        ),
        "output": {
            "frames": [
                "80059506000000000000005d944b01612e",
            ],
            "exception": (
                "Traceback (most recent call last):\n"
                "  File \"/tmp/venv-3.5.8/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/worker.py\", line 1247, in main\n"
                "    process()\n"
                "  File \"/tmp/venv-3.5.8/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/worker.py\", line 1239, in process\n"
                "    serializer.dump_stream(out_iter, outfile)\n"
                "  File \"/tmp/venv-3.5.8/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/serializers.py\", line 274, in dump_stream\n"
                "    vs = list(itertools.islice(iterator, batch))\n"
                "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
                "  File \"/tmp/venv-3.5.8/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/util.py\", line 83, in wrapper\n"
                "    return f(*args, **kwargs)\n"
                "           ^^^^^^^^^^^^^^^^^^\n"
                "  File \"/tmp/vcheck/cap2/job.py\", line 31, in g\n"
                "    raise ValueError(\"donn\\u00e9es invalides \\u2014 \\u6570\\u636e\")\n"
                "ValueError: donn\u00e9es invalides \u2014 \u6570\u636e\n"
            ),
        },
    },
    {
        "spark": "4.1.1",
        "job": "plain",
        "profile": "spark-4.1",
        "header": {
            "splitIndex": 0,
            "pythonVersion": "3.11",
            "taskContext": {
                "isBarrier": False,
                "connInfo": None,
                "secret": None,
                "stageId": 0,
                "partitionId": 0,
                "attemptNumber": 0,
                "taskAttemptId": 0,
                "cpus": 1,
                "resources": {},
                "localProperties": {
                    "spark.rdd.scope": "{\"id\":\"1\",\"name\":\"collect\"}",
                    "spark.job.description": "cap \u00e9t\u00e9",
                    "callSite.short": "collect at /tmp/vcheck/cap2/job.py:25",
                    "spark.rdd.scope.noOverride": "true",
                },
            },
            "sparkFilesDir": (
                "/tmp/spark-040d6a6e-6081-4415-a3b8-d6209bbeecf9/userFiles-9cb9ea5f-f8eb-4c0e-9800-abc0e"
                "c752120"
            ),
            "pythonIncludes": [],
            "broadcasts": {
                "decryptionServer": None,
                "removed": [],
                "added": [
                    {
                        "id": 0,
                        "path": (
                            "/tmp/spark-040d6a6e-6081-4415-a3b8-d6209bbeecf9/pyspark-143a3f42-62c4-42b9-ba3b-dddddb2"
                            "2ef9e/tmpqbmjlwtc"
                        ),
                    },
                ],
            },
            "evalType": 0,
        },
        "command": bytes.fromhex(
            "8005955406000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
            "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
            "9485945294284b024b004b004b024b054b13433e95019700740100000000000000000000740300000000000000000000"
            "8902a6010000ab0100000000000000007c01a6020000ab0200000000000000005300944e85948c036d6170948c156661"
            "696c5f6f6e5f73746f70697465726174696f6e9486948c015f948c086974657261746f729486948c402f746d702f7665"
            "6e762d342e312e312f6c69622f707974686f6e332e31312f736974652d7061636b616765732f7079737061726b2f636f"
            "72652f7264642e7079948c0466756e63948c155244442e6d61702e3c6c6f63616c733e2e66756e63944d6802431cf880"
            "00dd1316d5172ca851d1172fd4172fb018d1133ad4133ad00c3a944300948c016694859429749452947d94288c0b5f5f"
            "7061636b6167655f5f948c0c7079737061726b2e636f7265948c085f5f6e616d655f5f948c107079737061726b2e636f"
            "72652e726464948c085f5f66696c655f5f948c402f746d702f76656e762d342e312e312f6c69622f707974686f6e332e"
            "31312f736974652d7061636b616765732f7079737061726b2f636f72652f7264642e707994754e4e68008c105f6d616b"
            "655f656d7074795f63656c6c94939429529485947494529468008c125f66756e6374696f6e5f73657473746174659493"
            "9468257d947d9428681c8c0466756e63948c0c5f5f7175616c6e616d655f5f948c155244442e6d61702e3c6c6f63616c"
            "733e2e66756e63948c0f5f5f616e6e6f746174696f6e735f5f947d9428680d8c086275696c74696e73948c03696e7494"
            "9394680e8c095f6f70657261746f72948c076765746974656d9493948c06747970696e67948c084974657261626c6594"
            "93948c086275696c74696e73948c076765746174747294939468008c09737562696d706f7274949394681d859452948c"
            "01549486945294869452948c0672657475726e9468346837683a683e8c0155948694529486945294758c0e5f5f6b7764"
            "656661756c74735f5f944e8c0c5f5f64656661756c74735f5f944e8c0a5f5f6d6f64756c655f5f94681d8c075f5f646f"
            "635f5f944e8c0b5f5f636c6f737572655f5f9468008c0a5f6d616b655f63656c6c9493946802286807284b014b004b00"
            "4b014b034b0343609700740000000000000000000000a00100000000000000000000000000000000000000007c00a601"
            "0000ab01000000000000000001007c007404000000000000000000006a03000000000000000064011900000000000000"
            "00007a0000005300944e8c016b948694288c03616363948c03616464948c0162948c0576616c75659474948c01789485"
            "948c172f746d702f76636865636b2f636170322f6a6f622e7079948c01669468154b1643228000dd0407874782478841"
            "814a844a804ad80b0c8d718c7790738c7cd10b1bd0041b9468142929749452947d9428681a4e681c8c085f5f6d61696e"
            "5f5f94681e685b754e4e4e74945294682768637d947d9428681c685c682b685c682d7d94684a4e684b4e684c6861684d"
            "4e684e4e8c175f636c6f75647069636b6c655f7375626d6f64756c6573945d948c0b5f5f676c6f62616c735f5f947d94"
            "2868548c147079737061726b2e616363756d756c61746f7273948c185f646573657269616c697a655f616363756d756c"
            "61746f729493944b004b00686b8c16416464696e67416363756d756c61746f72506172616d9493942981947d948c0a7a"
            "65726f5f76616c7565944b0073628794529468568c167079737061726b2e636f72652e62726f616463617374948c085f"
            "66726f6d5f69649493944b00859452947575869486523085945294859468675d9468697d94680b8c0c7079737061726b"
            "2e7574696c94680b9394737586948652304e8c137079737061726b2e73657269616c697a657273948c11426174636865"
            "6453657269616c697a65729493942981947d94288c0a73657269616c697a65729468838c15436c6f75645069636b6c65"
            "53657269616c697a65729493942981948c09626174636853697a65944b03756268838c154175746f4261746368656453"
            "657269616c697a65729493942981947d94286888688b688c4b008c086265737453697a65944a00000100756274942e"
        ),
        "output": {
            "frames": [
                "80059506000000000000005d944b02612e",
                "80059509000000000000005d94284b034b04652e",
            ],
            "timing": {
                "boot": 1795613116438,
                "init": 1795613117491,
                "finish": 1795613117491,
            },
            "spill": {
                "memory": 0,
                "disk": 0,
            },
            "accumulators": [
                "80059507000000000000004b004b0686942e",
            ],
            "end": "END_OF_STREAM",
        },
    },
    {
        "spark": "4.1.1",
        "job": "barrier",
        "profile": "spark-4.1",
        "header": {
            "splitIndex": 0,
            "pythonVersion": "3.11",
            "taskContext": {
                "isBarrier": True,
                "connInfo": 45371,
                "secret": "e429a24530b7564ac8def50bfb26e54b9cd2b52453cee927ed578eb80d7c355b",
                "stageId": 1,
                "partitionId": 0,
                "attemptNumber": 0,
                "taskAttemptId": 1,
                "cpus": 1,
                "resources": {},
                "localProperties": {
                    "addresses": "192.0.2.2:35937",
                    "spark.rdd.scope": "{\"id\":\"5\",\"name\":\"collect\"}",
                    "spark.job.description": "cap \u00e9t\u00e9",
                    "callSite.short": "collect at /tmp/vcheck/cap2/job.py:27",
                    "spark.rdd.scope.noOverride": "true",
                },
            },
            "sparkFilesDir": (
                "/tmp/spark-040d6a6e-6081-4415-a3b8-d6209bbeecf9/userFiles-9cb9ea5f-f8eb-4c0e-9800-abc0e"
                "c752120"
            ),
            "pythonIncludes": [],
            "broadcasts": {
                "decryptionServer": None,
                "removed": [],
                "added": [],
            },
            "evalType": 0,
        },
        "command": bytes.fromhex(
            "8005952b05000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
            "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
            "9485945294284b024b004b004b024b034b13431a95019700020089027c01a6010000ab0100000000000000005300944e"
            "8594298c0173948c086974657261746f729486948c402f746d702f76656e762d342e312e312f6c69622f707974686f6e"
            "332e31312f736974652d7061636b616765732f7079737061726b2f636f72652f7264642e7079948c0466756e63948c26"
            "524444426172726965722e6d6170506172746974696f6e732e3c6c6f63616c733e2e66756e63944d5c144311f88000d8"
            "131490319058913b943bd00c1e944300948c016694859429749452947d94288c0b5f5f7061636b6167655f5f948c0c70"
            "79737061726b2e636f7265948c085f5f6e616d655f5f948c107079737061726b2e636f72652e726464948c085f5f6669"
            "6c655f5f948c402f746d702f76656e762d342e312e312f6c69622f707974686f6e332e31312f736974652d7061636b61"
            "6765732f7079737061726b2f636f72652f7264642e707994754e4e68008c105f6d616b655f656d7074795f63656c6c94"
            "939429529485947494529468008c125f66756e6374696f6e5f736574737461746594939468227d947d942868198c0466"
            "756e63948c0c5f5f7175616c6e616d655f5f948c26524444426172726965722e6d6170506172746974696f6e732e3c6c"
            "6f63616c733e2e66756e63948c0f5f5f616e6e6f746174696f6e735f5f947d9428680a8c086275696c74696e73948c03"
            "696e74949394680b8c095f6f70657261746f72948c076765746974656d9493948c06747970696e67948c084974657261"
            "626c659493948c086275696c74696e73948c076765746174747294939468008c09737562696d706f7274949394681a85"
            "9452948c01549486945294869452948c0672657475726e94683168346837683b8c0155948694529486945294758c0e5f"
            "5f6b7764656661756c74735f5f944e8c0c5f5f64656661756c74735f5f944e8c0a5f5f6d6f64756c655f5f94681a8c07"
            "5f5f646f635f5f944e8c0b5f5f636c6f737572655f5f9468008c0a5f6d616b655f63656c6c9493946802286807284b01"
            "4b004b004b014b034b03432297007401000000000000000000007c00a6010000ab01000000000000000067015300944e"
            "85948c0373756d9485948c0269749485948c172f746d702f76636865636b2f636170322f6a6f622e7079948c083c6c61"
            "6d6264613e948c083c6c616d6264613e944b1b430e8000c543c802c147c447c03980009468112929749452947d942868"
            "174e68198c085f5f6d61696e5f5f94681b6854754e4e4e749452946824685d7d947d942868198c083c6c616d6264613e"
            "9468288c083c6c616d6264613e94682a7d9468474e68484e6849685b684a4e684b4e8c175f636c6f75647069636b6c65"
            "5f7375626d6f64756c6573945d948c0b5f5f676c6f62616c735f5f947d9475869486523085945294859468635d946865"
            "7d947586948652304e8c137079737061726b2e73657269616c697a657273948c114261746368656453657269616c697a"
            "65729493942981947d94288c0a73657269616c697a657294686e8c15436c6f75645069636b6c6553657269616c697a65"
            "729493942981948c09626174636853697a65944b027562686e8c154175746f4261746368656453657269616c697a6572"
            "9493942981947d94286873687668774b008c086265737453697a65944a00000100756274942e"
        ),
        "output": {
            "frames": [
                "80059506000000000000005d944b03612e",
            ],
            "timing": {
                "boot": 1795613123546,
                "init": 1795613124339,
                "finish": 1795613124339,
            },
            "spill": {
                "memory": 0,
                "disk": 0,
            },
            "accumulators": [],
            "end": "END_OF_STREAM",
        },
    },
    {
        "spark": "4.1.1",
        "job": "exception",
        "profile": "spark-4.1",
        "header": {
            "splitIndex": 0,
            "pythonVersion": "3.11",
            "taskContext": {
                "isBarrier": False,
                "connInfo": None,
                "secret": None,
                "stageId": 2,
                "partitionId": 0,
                "attemptNumber": 0,
                "taskAttemptId": 2,
                "cpus": 1,
                "resources": {},
                "localProperties": {
                    "spark.rdd.scope": "{\"id\":\"9\",\"name\":\"collect\"}",
                    "spark.job.description": "cap \u00e9t\u00e9",
                    "callSite.short": "collect at /tmp/vcheck/cap2/job.py:34",
                    "spark.rdd.scope.noOverride": "true",
                },
            },
            "sparkFilesDir": (
                "/tmp/spark-040d6a6e-6081-4415-a3b8-d6209bbeecf9/userFiles-9cb9ea5f-f8eb-4c0e-9800-abc0e"
                "c752120"
            ),
            "pythonIncludes": [],
            "broadcasts": {
                "decryptionServer": None,
                "removed": [],
                "added": [],
            },
            "evalType": 0,
        },
        "command": bytes.fromhex(
            "8005959205000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
            "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
            "9485945294284b024b004b004b024b054b13433e95019700740100000000000000000000740300000000000000000000"
            "8902a6010000ab0100000000000000007c01a6020000ab0200000000000000005300944e85948c036d6170948c156661"
            "696c5f6f6e5f73746f70697465726174696f6e9486948c015f948c086974657261746f729486948c402f746d702f7665"
            "6e762d342e312e312f6c69622f707974686f6e332e31312f736974652d7061636b616765732f7079737061726b2f636f"
            "72652f7264642e7079948c0466756e63948c155244442e6d61702e3c6c6f63616c733e2e66756e63944d6802431cf880"
            "00dd1316d5172ca851d1172fd4172fb018d1133ad4133ad00c3a944300948c016694859429749452947d94288c0b5f5f"
            "7061636b6167655f5f948c0c7079737061726b2e636f7265948c085f5f6e616d655f5f948c107079737061726b2e636f"
            "72652e726464948c085f5f66696c655f5f948c402f746d702f76656e762d342e312e312f6c69622f707974686f6e332e"
            "31312f736974652d7061636b616765732f7079737061726b2f636f72652f7264642e707994754e4e68008c105f6d616b"
            "655f656d7074795f63656c6c94939429529485947494529468008c125f66756e6374696f6e5f73657473746174659493"
            "9468257d947d9428681c8c0466756e63948c0c5f5f7175616c6e616d655f5f948c155244442e6d61702e3c6c6f63616c"
            "733e2e66756e63948c0f5f5f616e6e6f746174696f6e735f5f947d9428680d8c086275696c74696e73948c03696e7494"
            "9394680e8c095f6f70657261746f72948c076765746974656d9493948c06747970696e67948c084974657261626c6594"
            "93948c086275696c74696e73948c076765746174747294939468008c09737562696d706f7274949394681d859452948c"
            "01549486945294869452948c0672657475726e9468346837683a683e8c0155948694529486945294758c0e5f5f6b7764"
            "656661756c74735f5f944e8c0c5f5f64656661756c74735f5f944e8c0a5f5f6d6f64756c655f5f94681d8c075f5f646f"
            "635f5f944e8c0b5f5f636c6f737572655f5f9468008c0a5f6d616b655f63656c6c9493946802286807284b014b004b00"
            "4b014b034b03433097007c0064016b0200000000720f7401000000000000000000006402a6010000ab01000000000000"
            "000082017c005300944e4b038c1d646f6e6ec3a9657320696e76616c6964657320e2809420e695b0e68dae9487948c0a"
            "56616c75654572726f729485948c01789485948c172f746d702f76636865636b2f636170322f6a6f622e7079948c0167"
            "9468594b1d431f8000d80708884182768076dd0e18d01945d10e46d40e46d00846d80b0c80489468142929749452947d"
            "9428681a4e681c8c085f5f6d61696e5f5f94681e6858754e4e4e74945294682768607d947d9428681c6859682b685968"
            "2d7d94684a4e684b4e684c685e684d4e684e4e8c175f636c6f75647069636b6c655f7375626d6f64756c6573945d948c"
            "0b5f5f676c6f62616c735f5f947d9475869486523085945294859468645d9468667d94680b8c0c7079737061726b2e75"
            "74696c94680b9394737586948652304e8c137079737061726b2e73657269616c697a657273948c114261746368656453"
            "657269616c697a65729493942981947d94288c0a73657269616c697a65729468718c15436c6f75645069636b6c655365"
            "7269616c697a65729493942981948c09626174636853697a65944b03756268718c154175746f42617463686564536572"
            "69616c697a65729493942981947d942868766879687a4b008c086265737453697a65944a00000100756274942e"
        ),
        "output": {
            "frames": [
                "80059506000000000000005d944b01612e",
            ],
            "exception": (
                "Traceback (most recent call last):\n"
                "  File \"/tmp/venv-4.1.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/worker.py\", line 3386, in main\n"
                "    process()\n"
                "  File \"/tmp/venv-4.1.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/worker.py\", line 3377, in process\n"
                "    serializer.dump_stream(out_iter, outfile)\n"
                "  File \"/tmp/venv-4.1.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/serializers.py\", line 273, in dump_stream\n"
                "    vs = list(itertools.islice(iterator, batch))\n"
                "         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^\n"
                "  File \"/tmp/venv-4.1.1/lib/python3.11/site-packages/pyspark/python/lib/pyspark.zip/py"
                "spark/util.py\", line 141, in wrapper\n"
                "    return f(*args, **kwargs)\n"
                "           ^^^^^^^^^^^^^^^^^^\n"
                "  File \"/tmp/vcheck/cap2/job.py\", line 31, in g\n"
                "    raise ValueError(\"donn\\u00e9es invalides \\u2014 \\u6570\\u636e\")\n"
                "ValueError: donn\u00e9es invalides \u2014 \u6570\u636e\n"
            ),
        },
    },
    {
        "spark": "4.2.1",
        "job": "barrier",
        "profile": "spark-4.2",
        "contextJson": (
            "{\"secret\":\"d18c6d44b72c34d42c79d4fe2bc27589a312d0d4f5252080fe2c579517f426ed\",\"task"
            "AttemptId\":1,\"stageId\":1,\"isBarrier\":true,\"partitionId\":0,\"connInfo\":39191,\"a"
            "ttemptNumber\":0,\"localProperties\":{\"spark.rdd.scope\":\"{\\\"id\\\":\\\"5\\\",\\\"n"
            "ame\\\":\\\"collect\\\"}\",\"callSite.short\":\"collect at /tmp/vcheck/cap2/job.py:27\""
            ",\"spark.rdd.scope.noOverride\":\"true\",\"spark.job.description\":\"cap \u00e9t\u00e9\""
            ",\"addresses\":\"192.0.2.2:41149\"},\"resources\":{},\"cpus\":1}"
        ),
        "header": {
            "splitIndex": 0,
            "pythonVersion": "3.11",
            "taskContext": {
                "isBarrier": True,
                "connInfo": 39191,
                "secret": "d18c6d44b72c34d42c79d4fe2bc27589a312d0d4f5252080fe2c579517f426ed",
                "stageId": 1,
                "partitionId": 0,
                "attemptNumber": 0,
                "taskAttemptId": 1,
                "cpus": 1,
                "resources": {},
                "localProperties": {
                    "spark.rdd.scope": "{\"id\":\"5\",\"name\":\"collect\"}",
                    "callSite.short": "collect at /tmp/vcheck/cap2/job.py:27",
                    "spark.rdd.scope.noOverride": "true",
                    "spark.job.description": "cap \u00e9t\u00e9",
                    "addresses": "192.0.2.2:41149",
                },
            },
            "sparkFilesDir": (
                "/tmp/spark-fa8c8718-3e28-4cd9-9b0a-3fdd86ee1fb3/userFiles-057e47e7-c3a2-44e8-a4c5-7e7fe"
                "516733f"
            ),
            "pythonIncludes": [],
            "broadcasts": {
                "decryptionServer": None,
                "removed": [],
                "added": [],
            },
            "evalType": 0,
            "runnerConf": {},
            "evalConf": {},
        },
        "command": bytes.fromhex(
            "8005956005000000000000288c1f7079737061726b2e636c6f75647069636b6c652e636c6f75647069636b6c65948c0e"
            "5f6d616b655f66756e6374696f6e9493942868008c0d5f6275696c74696e5f747970659493948c08436f646554797065"
            "9485945294284b024b004b004b024b034b13431a95019700020089027c01a6010000ab0100000000000000005300944e"
            "8594298c0173948c086974657261746f729486948c502f776f726b2f6d61696e2f666964656c6974792f2e76656e762d"
            "342e322e312f6c69622f707974686f6e332e31312f736974652d7061636b616765732f7079737061726b2f636f72652f"
            "7264642e7079948c0466756e63948c26524444426172726965722e6d6170506172746974696f6e732e3c6c6f63616c73"
            "3e2e66756e63944d4d144311f88000d8131490319058913b943bd00c1e944300948c016694859429749452947d94288c"
            "0b5f5f7061636b6167655f5f948c0c7079737061726b2e636f7265948c085f5f6e616d655f5f948c107079737061726b"
            "2e636f72652e726464948c085f5f66696c655f5f948c502f776f726b2f6d61696e2f666964656c6974792f2e76656e76"
            "2d342e322e312f6c69622f707974686f6e332e31312f736974652d7061636b616765732f7079737061726b2f636f7265"
            "2f7264642e707994754e4e68008c105f6d616b655f656d7074795f63656c6c94939429529485947494529468008c125f"
            "66756e6374696f6e5f736574737461746594939468227d947d942868198c0466756e63948c0c5f5f7175616c6e616d65"
            "5f5f948c26524444426172726965722e6d6170506172746974696f6e732e3c6c6f63616c733e2e66756e63948c0f5f5f"
            "616e6e6f746174696f6e735f5f947d9428680a8c086275696c74696e73948c03696e74949394680b8c095f6f70657261"
            "746f72948c076765746974656d9493948c06747970696e67948c084974657261626c659493948c086275696c74696e73"
            "948c076765746174747294939468008c09737562696d706f7274949394681a859452948c01549486945294869452948c"
            "0672657475726e94683168346837683b8c0155948694529486945294758c0e5f5f6b7764656661756c74735f5f944e8c"
            "0c5f5f64656661756c74735f5f944e8c0a5f5f6d6f64756c655f5f94681a8c075f5f646f635f5f944e8c0b5f5f636c6f"
            "737572655f5f9468008c0a5f6d616b655f63656c6c9493946802286807284b014b004b004b014b034b03432297007401"
            "000000000000000000007c00a6010000ab01000000000000000067015300944e85948c0373756d9485948c0269749485"
            "948c172f746d702f76636865636b2f636170322f6a6f622e7079948c083c6c616d6264613e948c083c6c616d6264613e"
            "944b1b430e8000c543c802c147c447c03980009468112929749452947d942868174e68198c085f5f6d61696e5f5f9468"
            "1b6854754e4e4e749452946824685d7d947d942868198c083c6c616d6264613e9468288c083c6c616d6264613e94682a"
            "7d9468474e68484e6849685b684a4e684b4e8c175f636c6f75647069636b6c655f7375626d6f64756c6573945d948c0b"
            "5f5f676c6f62616c735f5f947d9475869486523085945294859468635d9468657d947586948652304e8c137079737061"
            "726b2e73657269616c697a657273948c114261746368656453657269616c697a65729493942981947d94288c0a736572"
            "69616c697a657294686e8c15436c6f75645069636b6c6553657269616c697a65729493942981947d948c0d616c6c6f77"
            "65645f6e616d6573944e73628c09626174636853697a65944b027562686e8c154175746f426174636865645365726961"
            "6c697a65729493942981947d94286873687668794b008c086265737453697a65944a00000100756274942e"
        ),
        "output": {
            "frames": [
                "80059506000000000000005d944b03612e",
            ],
            "timing": {
                "boot": 1795613077816,
                "init": 1795613078214,
                "finish": 1795613078214,
                "processing": 0,
            },
            "spill": {
                "memory": 0,
                "disk": 0,
            },
            "accumulators": [],
            "end": "END_OF_STREAM",
        },
    },
]


# ---------------------------------------------------------------------------------------------
# Vector constructors


def valid(name, rules, data, decoded, profiles=None, options=None, round_trip=True):
    v = {"name": name, "rules": list(rules)}
    if profiles is not None:
        v["profiles"] = list(profiles)
    if options:
        v["options"] = dict(options)
    v["hex"] = hx(data)
    v["decoded"] = decoded
    v["roundTrip"] = round_trip
    return v


def invalid(name, rules, data, error, profiles=None, options=None):
    rules = list(rules)
    if error not in rules:
        rules.append(error)
    v = {"name": name, "rules": rules}
    if profiles is not None:
        v["profiles"] = list(profiles)
    if options:
        v["options"] = dict(options)
    v["hex"] = hx(data)
    v["error"] = error
    return v


# ---------------------------------------------------------------------------------------------
# conn-info (conn-info.md section 2 and 4)


def conn_info_bytes(port, secret):
    b = secret.encode("utf-8")
    return i32(port) + i32(len(b)) + b


def suite_conn_info():
    vs = []

    def ok(name, port, secret, rules=("CONN-2.1", "CONN-2.2")):
        vs.append(valid(name, rules, conn_info_bytes(port, secret), {"port": port, "secret": secret}))

    ok("conn-info-typical", 40123, SECRET_HEX, ("CONN-2.1", "CONN-2.2", "CONN-2.3"))
    ok("conn-info-port-1", 1, SECRET_HEX, ("CONN-2.1", "CONN-2.2", "CONN-4.3"))
    ok("conn-info-port-65535", 65535, SECRET_HEX, ("CONN-2.1", "CONN-2.2", "CONN-4.3"))
    ok("conn-info-secret-1-byte", 40123, "a", ("CONN-2.1", "CONN-4.4"))
    ok("conn-info-secret-non-ascii", 40123, SECRET_NON_ASCII, ("CONN-2.1", "CONN-4.7"))
    ok("conn-info-secret-at-max-1024", 40123, SECRET_1024, ("CONN-2.1", "CONN-4.4"))
    vs.append(valid("conn-info-secret-at-option-max-8", ["CONN-2.1", "CONN-4.4"],
                    conn_info_bytes(40123, "01234567"), {"port": 40123, "secret": "01234567"},
                    options={"maxSecretBytes": 8}))

    typical = conn_info_bytes(40123, SECRET_HEX)
    vs.append(invalid("conn-info-empty-file", ["CONN-4.2"], b"", "CONN-4.2"))
    vs.append(invalid("conn-info-4-bytes", ["CONN-4.2"], i32(40123), "CONN-4.2"))
    vs.append(invalid("conn-info-7-bytes", ["CONN-4.2"], typical[:7], "CONN-4.2"))
    vs.append(invalid("conn-info-port-0", ["CONN-4.3"], conn_info_bytes(0, SECRET_HEX), "CONN-4.3"))
    vs.append(invalid("conn-info-port-65536", ["CONN-4.3"], conn_info_bytes(65536, SECRET_HEX), "CONN-4.3"))
    vs.append(invalid("conn-info-port-negative", ["CONN-4.3"], conn_info_bytes(-1, SECRET_HEX), "CONN-4.3"))
    vs.append(invalid("conn-info-port-int-min", ["CONN-4.3"], conn_info_bytes(INT_MIN, SECRET_HEX), "CONN-4.3"))
    vs.append(invalid("conn-info-secret-length-0", ["CONN-4.4"], i32(40123) + i32(0), "CONN-4.4"))
    vs.append(invalid("conn-info-secret-length-negative", ["CONN-4.4"],
                      i32(40123) + i32(-1) + b"abcd", "CONN-4.4"))
    # Rejected before any allocation or read: nothing follows the length.
    vs.append(invalid("conn-info-secret-length-1025", ["CONN-4.4"], i32(40123) + i32(1025), "CONN-4.4"))
    vs.append(invalid("conn-info-secret-over-option-max-8", ["CONN-4.4"],
                      conn_info_bytes(40123, "012345678"), "CONN-4.4", options={"maxSecretBytes": 8}))
    vs.append(invalid("conn-info-secret-length-int-max", ["CONN-4.4"], i32(40123) + i32(INT_MAX), "CONN-4.4"))
    vs.append(invalid("conn-info-secret-truncated", ["CONN-4.5"], typical[:-1], "CONN-4.5"))
    vs.append(invalid("conn-info-secret-missing", ["CONN-4.5"], i32(40123) + i32(64), "CONN-4.5"))
    vs.append(invalid("conn-info-trailing-byte", ["CONN-4.6"], typical + b"\x00", "CONN-4.6"))
    vs.append(invalid("conn-info-trailing-newline", ["CONN-4.6"], typical + b"\n", "CONN-4.6"))
    vs.append(invalid("conn-info-secret-invalid-utf8-fffe", ["CONN-4.7"],
                      i32(40123) + i32(2) + b"\xff\xfe", "CONN-4.7"))
    vs.append(invalid("conn-info-secret-invalid-utf8-overlong", ["CONN-4.7"],
                      i32(40123) + i32(3) + b"a\xc0\x80", "CONN-4.7"))
    vs.append(invalid("conn-info-secret-invalid-utf8-cut-sequence", ["CONN-4.7"],
                      i32(40123) + i32(3) + b"a\xe2\x82", "CONN-4.7"))
    vs.append(invalid("conn-info-secret-invalid-utf8-surrogate", ["CONN-4.7"],
                      i32(40123) + i32(3) + b"\xed\xa0\x80", "CONN-4.7"))
    return {"suite": "conn-info", "spec": "conn-info.md", "vectors": vs}


# ---------------------------------------------------------------------------------------------
# auth (worker.md section 2)

OK_REPLY = utf("ok")
ERR_REPLY = utf("err")


def exchange(name, rules, role, secret, client, server, error=None):
    v = {"name": name, "rules": list(rules), "role": role, "secret": secret,
         "clientHex": hx(client), "serverHex": hx(server)}
    if error is None:
        v["outcome"] = "ok"
    else:
        if error not in v["rules"]:
            v["rules"].append(error)
        v["outcome"] = "error"
        v["error"] = error
    return v


def suite_auth():
    vs = []
    S = "server"
    C = "client"
    # Server side: feed clientHex, expect serverHex written.
    vs.append(exchange("server-accepts-right-secret", ["WRK-2.1", "WRK-2.2"], S, SECRET_HEX,
                       utf(SECRET_HEX), OK_REPLY))
    vs.append(exchange("server-accepts-short-secret", ["WRK-2.1", "WRK-2.2"], S, "abc",
                       utf("abc"), OK_REPLY))
    vs.append(exchange("server-accepts-non-ascii-secret", ["WRK-1.3", "WRK-2.2", "WRK-2.5"], S,
                       SECRET_NON_ASCII, utf(SECRET_NON_ASCII), OK_REPLY))
    vs.append(exchange("server-accepts-secret-at-max-1024", ["WRK-2.2", "WRK-2.3"], S, SECRET_1024,
                       utf(SECRET_1024), OK_REPLY))
    vs.append(exchange("server-rejects-wrong-secret", ["WRK-2.2"], S, SECRET_HEX,
                       utf(SECRET_HEX_2), ERR_REPLY, "WRK-2.2"))
    vs.append(exchange("server-rejects-secret-prefix", ["WRK-2.2", "WRK-2.5"], S, SECRET_HEX,
                       utf(SECRET_HEX[:63]), ERR_REPLY, "WRK-2.2"))
    vs.append(exchange("server-rejects-secret-with-extra-char", ["WRK-2.2", "WRK-2.5"], S, SECRET_HEX,
                       utf(SECRET_HEX + "0"), ERR_REPLY, "WRK-2.2"))
    vs.append(exchange("server-rejects-empty-secret", ["WRK-2.2"], S, SECRET_HEX,
                       utf(""), ERR_REPLY, "WRK-2.2"))
    vs.append(exchange("server-rejects-case-changed-secret", ["WRK-2.2", "WRK-2.5"], S, SECRET_HEX,
                       utf(SECRET_HEX.upper()), ERR_REPLY, "WRK-2.2"))
    # WRK-2.3: the length alone is enough; the server must not read any further.
    vs.append(exchange("server-rejects-length-1025", ["WRK-2.3"], S, SECRET_HEX,
                       i32(1025), ERR_REPLY, "WRK-2.3"))
    vs.append(exchange("server-rejects-length-int-max", ["WRK-2.3"], S, SECRET_HEX,
                       i32(INT_MAX), ERR_REPLY, "WRK-2.3"))
    vs.append(exchange("server-rejects-negative-length", ["WRK-2.3"], S, SECRET_HEX,
                       i32(-1), ERR_REPLY, "WRK-2.3"))
    vs.append(exchange("server-rejects-length-int-min", ["WRK-2.3"], S, SECRET_HEX,
                       i32(INT_MIN), ERR_REPLY, "WRK-2.3"))
    # End of stream before a complete secret: nothing is written back.
    vs.append(exchange("server-eof-before-secret", ["WRK-2.1"], S, SECRET_HEX,
                       b"", b"", "WRK-2.1"))
    vs.append(exchange("server-eof-inside-secret-length", ["WRK-2.1"], S, SECRET_HEX,
                       i32(64)[:2], b"", "WRK-2.1"))
    vs.append(exchange("server-eof-inside-secret", ["WRK-2.1"], S, SECRET_HEX,
                       utf(SECRET_HEX)[:20], b"", "WRK-2.1"))

    # Client side: feed serverHex as the reply, expect clientHex written.
    vs.append(exchange("client-accepts-ok", ["WRK-2.1", "WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), OK_REPLY))
    vs.append(exchange("client-accepts-ok-non-ascii-secret", ["WRK-1.3", "WRK-2.1", "WRK-2.4"], C,
                       SECRET_NON_ASCII, utf(SECRET_NON_ASCII), OK_REPLY))
    vs.append(exchange("client-rejects-err", ["WRK-2.2", "WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), ERR_REPLY, "WRK-2.4"))
    for label, reply in [("OK", "OK"), ("Ok", "Ok"), ("ok-space", "ok "), ("space-ok", " ok"),
                         ("ok-newline", "ok\n"), ("ok-nul", "ok\x00"), ("o", "o"), ("okk", "okk")]:
        vs.append(exchange("client-rejects-reply-" + label, ["WRK-2.4"], C, SECRET_HEX,
                           utf(SECRET_HEX), utf(reply), "WRK-2.4"))
    vs.append(exchange("client-rejects-empty-reply", ["WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), i32(0), "WRK-2.4"))
    vs.append(exchange("client-rejects-long-reply-17", ["WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), utf("ok" + " " * 15), "WRK-2.4"))
    vs.append(exchange("client-rejects-reply-length-int-max", ["WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), i32(INT_MAX), "WRK-2.4"))
    vs.append(exchange("client-rejects-negative-reply-length", ["WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), i32(-1), "WRK-2.4"))
    vs.append(exchange("client-rejects-truncated-reply", ["WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), OK_REPLY[:5], "WRK-2.4"))
    vs.append(exchange("client-rejects-truncated-reply-length", ["WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), OK_REPLY[:2], "WRK-2.4"))
    vs.append(exchange("client-rejects-eof", ["WRK-2.4"], C, SECRET_HEX,
                       utf(SECRET_HEX), b"", "WRK-2.4"))
    return {"suite": "auth", "spec": "worker.md", "vectors": vs}


# ---------------------------------------------------------------------------------------------
# frames (worker.md section 5)


def frames_bytes(frames):
    out = b""
    for f in frames:
        if "special" in f:
            out += i32(SPECIAL[f["special"]])
        else:
            out += blob(bytes.fromhex(f["data"]))
    return out


def data(b):
    return {"data": hx(b)}


def special(name):
    return {"special": name}


def suite_frames():
    vs = []

    def ok(name, rules, frames, options=None):
        vs.append(valid(name, rules, frames_bytes(frames), frames, options=options))

    ok("frames-no-input", ["WRK-1.3"], [])
    ok("frame-empty", ["WRK-1.3", "WRK-5.7"], [data(b"")])
    ok("frame-1-byte", ["WRK-1.3"], [data(b"\x2a")])
    ok("frame-255-bytes", ["WRK-1.3"], [data(bytes(range(255)))])
    ok("frame-256-bytes", ["WRK-1.1", "WRK-1.3"], [data(bytes(range(256)))])
    ok("frame-pickled-batch", ["WRK-1.3", "WRK-8.4"], [data(PICKLED_123)])
    # Frames well past the 255-byte mark where the JVM's FrameWriter stops copying a body next to
    # its length prefix (frame-255-bytes and frame-256-bytes sit on either side of it).
    ok("frames-1024-then-1025-bytes", ["WRK-1.3"],
       [data(bytes(i % 251 for i in range(1024))), data(bytes(i % 241 for i in range(1025)))])
    for name, value in SPECIAL.items():
        ok("frame-special-%d-%s" % (-value, name.lower().replace("_", "-")), ["WRK-5.3"], [special(name)])
    ok("frames-all-specials", ["WRK-5.3"], [special(n) for n in SPECIAL])
    ok("frames-mixed-sequence", ["WRK-5.1", "WRK-5.2", "WRK-5.3", "WRK-5.7"], [
        data(PICKLED_123), special("NULL"), data(b""), data("h\u00e9".encode("utf-8")),
        data(PICKLED_AB), special("END_OF_DATA_SECTION"), special("END_OF_STREAM")])
    ok("frames-captured-spark-4.2.1-input", ["WRK-5.1", "WRK-5.2", "WRK-8.4"],
       [data(PICKLED_123), special("END_OF_DATA_SECTION"), special("END_OF_STREAM")])
    ok("frames-data-after-end-of-data-section", ["WRK-5.3"], [
        special("END_OF_DATA_SECTION"), data(b"\x01\x02"), special("END_OF_DATA_SECTION")])
    ok("frames-several-empty", ["WRK-5.7"], [data(b""), data(b""), data(b"")])
    ok("frame-at-max-16", ["WRK-1.4", "WRK-5.4"], [data(bytes(range(16)))], {"maxFrameBytes": 16})
    ok("frames-at-max-16-then-special", ["WRK-5.4"],
       [data(b"\xff" * 16), special("NULL"), data(b"")], {"maxFrameBytes": 16})

    ok("frame-empty-at-max-0", ["WRK-5.4", "WRK-5.7"], [data(b""), special("NULL"), data(b"")],
       {"maxFrameBytes": 0})

    # Over the maximum: rejected from the length alone, before reading the body.
    vs.append(invalid("frame-over-max-17", ["WRK-1.4"], i32(17), "WRK-5.4", options={"maxFrameBytes": 16}))
    vs.append(invalid("frame-over-max-17-with-body", ["WRK-1.4"], blob(bytes(17)), "WRK-5.4",
                      options={"maxFrameBytes": 16}))
    vs.append(invalid("frame-over-max-after-valid-frame", ["WRK-1.4"], blob(b"ab") + i32(1000),
                      "WRK-5.4", options={"maxFrameBytes": 16}))
    vs.append(invalid("frame-1-byte-over-max-0", ["WRK-1.4"], blob(b"\x00"), "WRK-5.4",
                      options={"maxFrameBytes": 0}))
    vs.append(invalid("frame-over-default-max", ["WRK-1.4"], i32(LIMITS["maxFrameBytes"] + 1), "WRK-5.4"))
    vs.append(invalid("frame-length-int-max", ["WRK-1.4"], i32(INT_MAX), "WRK-5.4"))
    vs.append(invalid("frame-unknown-negative-8", [], i32(-8), "WRK-5.3"))
    vs.append(invalid("frame-unknown-negative-int-min", [], i32(INT_MIN), "WRK-5.3"))
    vs.append(invalid("frame-unknown-negative-after-data", [], blob(b"\x01") + i32(-100), "WRK-5.3"))
    vs.append(invalid("frame-truncated-length-1-byte", [], b"\x00", "WRK-1.5"))
    vs.append(invalid("frame-truncated-length-3-bytes", [], b"\x00\x00\x00", "WRK-1.5"))
    vs.append(invalid("frame-truncated-length-after-frame", [], blob(b"\x01") + b"\x00\x00", "WRK-1.5"))
    vs.append(invalid("frame-truncated-body", [], i32(5) + b"\x01\x02", "WRK-5.5"))
    vs.append(invalid("frame-truncated-body-empty", [], i32(1), "WRK-5.5"))
    vs.append(invalid("frame-truncated-body-after-special", [],
                      i32(SPECIAL["NULL"]) + i32(255) + bytes(254), "WRK-5.5"))
    return {"suite": "frames", "spec": "worker.md", "vectors": vs}


# ---------------------------------------------------------------------------------------------
# task-header (worker.md section 4)

JSON_KEY_ORDER = ["isBarrier", "connInfo", "secret", "stageId", "partitionId", "attemptNumber",
                  "taskAttemptId", "cpus", "resources", "localProperties"]


def json_compact(obj):
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False)


JSON_KEY_ORDER_43 = JSON_KEY_ORDER[:8] + ["cpuAmount"] + JSON_KEY_ORDER[8:]


def context_json(ctx):
    """Compact JSON in Kindling's key order; a context with cpuAmount (spark-4.3) has it after cpus."""
    order = JSON_KEY_ORDER_43 if "cpuAmount" in ctx else JSON_KEY_ORDER
    return json_compact({k: ctx[k] for k in order})


def init_message(body):
    """WRK-4.10.1: i32 -8, i32 N, N bytes."""
    return i32(START_OF_INIT_MESSAGE) + i32(len(body)) + body


def resources_bytes(resources):
    out = i32(len(resources))
    for key, info in resources.items():
        out += utf(key) + utf(info["name"]) + i32(len(info["addresses"]))
        for a in info["addresses"]:
            out += utf(a)
    return out


def props_bytes(props):
    out = i32(len(props))
    for k, v in props.items():
        out += utf(k) + utf(v)
    return out


def context_parts(profile, ctx):
    """The task context (WRK-4.3.x) as a list of (field, bytes)."""
    if profile in JSON_PROFILES:
        assert ("cpuAmount" in ctx) == (profile == "spark-4.3")
        return [("taskContext", utf(context_json(ctx)))]
    parts = [("isBarrier", boolean(ctx["isBarrier"]))]
    if profile == "spark-3.5":
        assert isinstance(ctx["connInfo"], int) and isinstance(ctx["secret"], str)
        parts.append(("boundPort", i32(ctx["connInfo"])))
        parts.append(("secret", blob(ctx["secret"].encode("utf-8"))))
    else:  # spark-4.1
        if not ctx["isBarrier"]:
            assert ctx["connInfo"] is None and ctx["secret"] is None
        elif isinstance(ctx["connInfo"], str):
            assert ctx["secret"] is None
            parts.append(("boundPort", i32(-1)))
            parts.append(("socketPath", utf(ctx["connInfo"])))
        else:
            parts.append(("boundPort", i32(ctx["connInfo"])))
            parts.append(("secret", utf(ctx["secret"])))
    parts += [
        ("stageId", i32(ctx["stageId"])),
        ("partitionId", i32(ctx["partitionId"])),
        ("attemptNumber", i32(ctx["attemptNumber"])),
        ("taskAttemptId", i64(ctx["taskAttemptId"])),
        ("cpus", i32(ctx["cpus"])),
        ("resources", resources_bytes(ctx["resources"])),
        ("localProperties", props_bytes(ctx["localProperties"])),
    ]
    return parts


def broadcast_bytes(bc):
    server = bc["decryptionServer"]
    out = boolean(server is not None) + i32(len(bc["removed"]) + len(bc["added"]))
    if server is not None:
        out += i32(server["port"]) + utf(server["secret"])
    for bid in bc["removed"]:
        out += i64(-bid - 1)
    for entry in bc["added"]:
        out += i64(entry["id"])
        if server is None:
            out += utf(entry["path"])
        else:
            assert "path" not in entry
    return out


def conf_bytes(conf):
    out = i32(len(conf))
    for k, v in conf.items():
        out += utf(k) + utf(v)
    return out


def header_parts(profile, h):
    parts = [("splitIndex", i32(h["splitIndex"])), ("pythonVersion", utf(h["pythonVersion"]))]
    parts += context_parts(profile, h["taskContext"])
    parts.append(("sparkFilesDir", utf(h["sparkFilesDir"])))
    parts.append(("pythonIncludes", i32(len(h["pythonIncludes"])) + b"".join(utf(s) for s in h["pythonIncludes"])))
    parts.append(("broadcasts", broadcast_bytes(h["broadcasts"])))
    parts.append(("evalType", i32(h["evalType"])))
    if profile in JSON_PROFILES:
        parts.append(("runnerConf", conf_bytes(h["runnerConf"])))
        parts.append(("evalConf", conf_bytes(h["evalConf"])))
    else:
        assert "runnerConf" not in h and "evalConf" not in h
    parts.append(("command", blob(bytes.fromhex(h["command"]))))
    return parts


def header_bytes(profile, h):
    return wrap(profile, b"".join(p for _, p in header_parts(profile, h)))


def wrap(profile, body):
    """The header bytes as they travel on `profile`: inside an init message on spark-4.3."""
    return init_message(body) if profile == "spark-4.3" else body


def base_context(profile, **kw):
    if profile == "spark-3.5":
        conn, secret = 0, ""
    elif profile == "spark-4.1":
        conn, secret = None, None
    else:
        conn, secret = -1, SECRET_HEX
    ctx = {"isBarrier": False, "connInfo": conn, "secret": secret, "stageId": 1, "partitionId": 3,
           "attemptNumber": 0, "taskAttemptId": 23, "cpus": 1, "resources": {}, "localProperties": {}}
    ctx.update(kw)
    if profile == "spark-4.3" and "cpuAmount" not in ctx:
        ctx["cpuAmount"] = str(ctx["cpus"])  # WRK-4.3.5: a whole amount is written without a point
    return ctx


def make_header(profile, ctx=None, split=3, files="/tmp/spark-files", includes=(), broadcasts=None,
                eval_type=0, runner_conf=None, eval_conf=None, command=COMMAND):
    h = {
        "splitIndex": split,
        "pythonVersion": "3.11",
        "taskContext": ctx if ctx is not None else base_context(profile),
        "sparkFilesDir": files,
        "pythonIncludes": list(includes),
        "broadcasts": broadcasts or {"decryptionServer": None, "removed": [], "added": []},
        "evalType": eval_type,
    }
    if profile in JSON_PROFILES:
        h["runnerConf"] = dict(runner_conf or {})
        h["evalConf"] = dict(eval_conf or {})
    h["command"] = hx(command)
    return h


FULL_RESOURCES = {
    "gpu": {"name": "gpu", "addresses": ["0", "1", "2", "3"]},
    "fpga": {"name": "fpga", "addresses": ["f0"]},
}
FULL_PROPS = {
    "spark.job.description": "word count \u2014 \u00e9t\u00e9 \u65e5\u672c\u8a9e \U0001f525",
    "spark.jobGroup.id": "group-1",
    "spark.scheduler.pool": "",
    "callSite.short": "collect at /tmp/app.py:12",
}
FULL_BROADCASTS = {
    "decryptionServer": None,
    "removed": [0, 4],
    "added": [{"id": 7, "path": "/tmp/spark-b/broadcast_7"},
              {"id": 9, "path": "/tmp/spark-b/broadcast_9"}],
}
CTX_RULES = {"spark-3.5": "WRK-4.3.1", "spark-4.1": "WRK-4.3.2", "spark-4.2": "WRK-4.3.3",
             "spark-4.3": "WRK-4.3.3"}


def rules_for(profile, *extra):
    r = ["WRK-4.1", "WRK-4.2", CTX_RULES[profile]]
    if profile == "spark-4.3":
        r.append("WRK-4.3.5")
    r += ["WRK-4.4.1", "WRK-4.5.1", "WRK-4.6"]
    if profile in JSON_PROFILES:
        r.append("WRK-4.7")
    r.append("WRK-4.8")
    if profile == "spark-4.3":
        r.append("WRK-4.10.1")
    for e in extra:
        if e not in r:
            r.append(e)
    return r


def suite_task_header():
    vs = []

    def ok(name, profile, h, rules, options=None):
        vs.append(valid(name, rules, header_bytes(profile, h), h, profiles=[profile], options=options))

    def bad(name, profile, data, error, rules=(), options=None):
        vs.append(invalid(name, list(rules), data, error, profiles=[profile], options=options))

    for p in PROFILES:
        pre = "header-" + p + "-"
        minimal = make_header(p)
        ok(pre + "minimal", p, minimal, rules_for(p))

        full_ctx = base_context(p, stageId=12, partitionId=7, attemptNumber=2, taskAttemptId=4294967319,
                                cpus=4, resources=dict(FULL_RESOURCES), localProperties=dict(FULL_PROPS))
        full = make_header(p, ctx=full_ctx, split=7, files="/tmp/spark-3f2a/userFiles-\u00e9",
                           includes=["deps.zip", "lib/helpers-\u00fc.py"], broadcasts=FULL_BROADCASTS,
                           runner_conf={"spark.sql.session.timeZone": "UTC"} if p in JSON_PROFILES else None,
                           command=COMMAND)
        ok(pre + "full", p, full, rules_for(p, "WRK-4.5.2", "WRK-4.5.3"))

        dec = make_header(p, broadcasts={"decryptionServer": {"port": 40555, "secret": SECRET_HEX_2},
                                         "removed": [3], "added": [{"id": 7}, {"id": 9}]})
        ok(pre + "decryption-server", p, dec, rules_for(p, "WRK-4.5.2", "WRK-4.5.4"))

        only_removed = make_header(p, broadcasts={"decryptionServer": None, "removed": [0, 1, 4],
                                                  "added": []})
        ok(pre + "broadcasts-removed-only", p, only_removed, rules_for(p, "WRK-4.5.2"))

        big_ids = make_header(p, broadcasts={"decryptionServer": None, "removed": [1099511627776, LONG_MAX - 1],
                                             "added": [{"id": 1099511627777, "path": "/tmp/b/broadcast_big"},
                                                       {"id": LONG_MAX, "path": "/tmp/b/broadcast_max"}]})
        ok(pre + "broadcasts-large-ids", p, big_ids, rules_for(p, "WRK-1.1", "WRK-4.5.2", "WRK-4.5.3"))

        ok(pre + "split-0-tid-0", p, make_header(p, split=0, ctx=base_context(p, stageId=0, partitionId=0,
                                                                                taskAttemptId=0)),
           rules_for(p))

        if p not in JSON_PROFILES:
            # Binary context: extreme integers travel unchanged.
            ext = base_context(p, stageId=INT_MAX, partitionId=INT_MAX, attemptNumber=INT_MAX,
                               taskAttemptId=LONG_MAX, cpus=INT_MAX)
            ok(pre + "extreme-ints", p, make_header(p, split=INT_MAX, ctx=ext), rules_for(p, "WRK-1.1"))
        else:
            # A task attempt id above 2^53 must survive JSON parsing exactly.
            big = base_context(p, taskAttemptId=9007199254740993)
            ok(pre + "task-attempt-id-above-2-pow-53", p, make_header(p, ctx=big), rules_for(p))

        ok(pre + "eval-type-non-zero", p, make_header(p, eval_type=100), rules_for(p))
        ok(pre + "empty-command", p, make_header(p, command=b""), rules_for(p))

        # Bounds with small options: exactly at the bound is valid.
        at2 = make_header(p, includes=["a.zip", "b.zip"],
                          broadcasts={"decryptionServer": None, "removed": [1],
                                      "added": [{"id": 2, "path": "/b/2"}]})
        ok(pre + "counts-at-max", p, at2, rules_for(p, "WRK-4.9"), options={"maxHeaderCount": 2})
        ok(pre + "counts-at-max-0", p, minimal, rules_for(p, "WRK-4.9"), options={"maxHeaderCount": 0})
        over0 = header_bytes(p, make_header(p, includes=["a.zip"]))
        bad(pre + "includes-count-over-option-0", p, over0, "WRK-4.9", options={"maxHeaderCount": 0})
        at_str = make_header(p, files="/tmp/spark-files/job-000000001")
        longest = max(len(s) for s in _header_utf_lengths(p, at_str))
        ok(pre + "strings-at-max", p, at_str, rules_for(p, "WRK-4.9"),
           options={"maxHeaderStringBytes": longest})

        # --- invalid: truncation at several points (WRK-1.5)
        parts = header_parts(p, full)
        offsets = {}
        pos = 0
        for field, b in parts:
            offsets[field] = (pos, len(b))
            pos += len(b)
        whole = b"".join(b for _, b in parts)

        def cut(field, into):
            """The header cut inside `field`. On spark-4.3 the init message still declares the whole
            header's length, so the stream ends inside the message: a truncation (WRK-1.5)."""
            start, length = offsets[field]
            part = whole[:start + (into if into >= 0 else length + into)]
            if p == "spark-4.3":
                return i32(START_OF_INIT_MESSAGE) + i32(len(whole)) + part
            return part

        bad(pre + "truncated-empty", p, b"", "WRK-1.5")
        bad(pre + "truncated-in-split-index", p, cut("splitIndex", 2), "WRK-1.5")
        bad(pre + "truncated-in-python-version-length", p, cut("pythonVersion", 3), "WRK-1.5")
        bad(pre + "truncated-in-python-version", p, cut("pythonVersion", 6), "WRK-1.5")
        if p in JSON_PROFILES:
            bad(pre + "truncated-in-task-context-json", p, cut("taskContext", 40), "WRK-1.5")
        else:
            bad(pre + "truncated-before-is-barrier", p, cut("isBarrier", 0), "WRK-1.5")
            bad(pre + "truncated-in-task-attempt-id", p, cut("taskAttemptId", 5), "WRK-1.5")
            bad(pre + "truncated-in-resources", p, cut("resources", 14), "WRK-1.5")
            bad(pre + "truncated-in-local-properties", p, cut("localProperties", -3), "WRK-1.5")
        bad(pre + "truncated-in-files-dir", p, cut("sparkFilesDir", 5), "WRK-1.5")
        bad(pre + "truncated-in-includes", p, cut("pythonIncludes", 6), "WRK-1.5")
        bad(pre + "truncated-in-broadcast-count", p, cut("broadcasts", 3), "WRK-1.5")
        bad(pre + "truncated-in-broadcast-removed-id", p, cut("broadcasts", 9), "WRK-1.5")
        bad(pre + "truncated-in-broadcast-path", p, cut("broadcasts", -3), "WRK-1.5")
        bad(pre + "truncated-before-eval-type", p, cut("evalType", 0), "WRK-1.5")
        if p in JSON_PROFILES:
            bad(pre + "truncated-in-runner-conf", p, cut("runnerConf", 6), "WRK-1.5")
            bad(pre + "truncated-before-eval-conf", p, cut("evalConf", 0), "WRK-1.5")
        bad(pre + "truncated-before-command", p, cut("command", 0), "WRK-1.5")
        bad(pre + "truncated-in-command-length", p, cut("command", 2), "WRK-1.5")
        bad(pre + "truncated-in-command", p, cut("command", -1), "WRK-1.5")

        # --- invalid: counts and strings out of bounds (WRK-4.9). The bytes stop right after the
        # offending count or length: a reader must reject it before reading on.
        mparts = header_parts(p, minimal)
        mpos = {}
        acc = b""
        for field, b in mparts:
            mpos[field] = acc
            acc += b

        def upto(field):
            return mpos[field]

        env = lambda b: wrap(p, b)  # noqa: E731 -- a bound is broken before the message's end

        bad(pre + "includes-count-negative", p, env(upto("pythonIncludes") + i32(-1)), "WRK-4.9", ["WRK-4.4.1"])
        bad(pre + "includes-count-10001", p, env(upto("pythonIncludes") + i32(10001)), "WRK-4.9", ["WRK-4.4.1"])
        over2 = header_bytes(p, make_header(p, includes=["a.zip", "b.zip", "c.zip"]))
        bad(pre + "includes-count-over-option", p, over2, "WRK-4.9", options={"maxHeaderCount": 2})
        bad(pre + "broadcast-count-negative", p, env(upto("broadcasts") + boolean(False) + i32(-1)), "WRK-4.9",
            ["WRK-4.5.1"])
        bad(pre + "broadcast-count-10001", p, env(upto("broadcasts") + boolean(False) + i32(10001)), "WRK-4.9",
            ["WRK-4.5.1"])
        if p not in JSON_PROFILES:
            bad(pre + "resources-count-negative", p, upto("resources") + i32(-1), "WRK-4.9", [CTX_RULES[p]])
            bad(pre + "resources-count-10001", p, upto("resources") + i32(10001), "WRK-4.9", [CTX_RULES[p]])
            bad(pre + "resource-addresses-count-10001", p,
                upto("resources") + i32(1) + utf("gpu") + utf("gpu") + i32(10001), "WRK-4.9", [CTX_RULES[p]])
            bad(pre + "local-properties-count-negative", p, upto("localProperties") + i32(-2), "WRK-4.9",
                [CTX_RULES[p]])
            bad(pre + "local-properties-count-10001", p, upto("localProperties") + i32(10001), "WRK-4.9",
                [CTX_RULES[p]])
        # String over the bound: "3.11" is exactly at the bound of 4, the next header string is over.
        nxt = "taskContext" if p in JSON_PROFILES else "sparkFilesDir"
        nxt_len = len(dict(mparts)[nxt]) - 4
        bad(pre + "string-over-max", p, env(upto(nxt) + i32(nxt_len)), "WRK-4.9",
            options={"maxHeaderStringBytes": 4})
        bad(pre + "python-version-over-default-max", p, env(i32(3) + i32(LIMITS["maxHeaderStringBytes"] + 1)),
            "WRK-4.9")
        bad(pre + "files-dir-length-negative", p, env(upto("sparkFilesDir") + i32(-1)), "WRK-4.9", ["WRK-1.3"])

    # --- captured from real Spark releases (see CAPTURED)
    for c in CAPTURED:
        p = c["profile"]
        if c["job"] == "exception":
            continue  # header identical in shape to "plain"; the output is the interesting part
        h = dict(c["header"])
        h["command"] = hx(c["command"])
        name = "header-%s-captured-spark-%s%s" % (p, c["spark"], "-barrier" if c["job"] == "barrier" else "")
        rules = rules_for(p, "WRK-4.5.3") if h["broadcasts"]["added"] else rules_for(p)
        if p == "spark-4.2":
            assert json.loads(c["contextJson"]) == h["taskContext"]
            vs.append(valid(name, rules, _with_context(p, h, c["contextJson"]), h, profiles=[p],
                            round_trip=False))
        else:
            ok(name, p, h, rules)

    # --- spark-3.5 barrier task (port + blob secret)
    p = "spark-3.5"
    ok("header-spark-3.5-barrier", p,
       make_header(p, ctx=base_context(p, isBarrier=True, connInfo=38211, secret=SECRET_HEX_2)),
       rules_for(p))

    # --- spark-4.1 barrier forms
    p = "spark-4.1"
    ok("header-spark-4.1-barrier-tcp", p,
       make_header(p, ctx=base_context(p, isBarrier=True, connInfo=38211, secret=SECRET_HEX_2)),
       rules_for(p))
    ok("header-spark-4.1-barrier-uds", p,
       make_header(p, ctx=base_context(p, isBarrier=True, connInfo="/tmp/spark-uds/.3b1f0c2e.sock",
                                       secret=None)),
       rules_for(p))
    pre41 = i32(3) + utf("3.11")
    bad("header-spark-4.1-barrier-truncated-after-port", p, pre41 + boolean(True) + i32(38211), "WRK-1.5")
    bad("header-spark-4.1-barrier-uds-truncated-path", p,
        pre41 + boolean(True) + i32(-1) + utf("/tmp/s.sock")[:8], "WRK-1.5")

    # Decryption server reached over a Unix socket (4.1+): i32 -1, utf path. The decoded form keeps
    # the wire's two fields: port -1 and the path in "secret".
    for p in ["spark-4.1", "spark-4.2", "spark-4.3"]:
        ok("header-" + p + "-decryption-server-uds", p,
           make_header(p, broadcasts={"decryptionServer": {"port": -1, "secret": "/tmp/spark-uds/.b7e1.sock"},
                                      "removed": [], "added": [{"id": 7}]}),
           rules_for(p, "WRK-4.5.4"))

    # --- spark-4.2 specifics
    p = "spark-4.2"
    ok("header-spark-4.2-confs", p,
       make_header(p, runner_conf={"spark.sql.session.timeZone": "Europe/Paris",
                                   "spark.sql.execution.pythonUDF.arrow.enabled": "false"},
                   eval_conf={"spark.sql.pyspark.udf.profiler": "perf",
                              "kindling.note": "caf\u00e9 \u2615"}),
       rules_for(p))
    ok("header-spark-4.2-uds-conn-info", p,
       make_header(p, ctx=base_context(p, connInfo="/tmp/spark-uds/.9a7c55d1.sock", secret=None)),
       rules_for(p))
    ok("header-spark-4.2-barrier-tcp", p,
       make_header(p, ctx=base_context(p, isBarrier=True, connInfo=38211, secret=SECRET_HEX_2)),
       rules_for(p))
    ok("header-spark-4.2-barrier-uds", p,
       make_header(p, ctx=base_context(p, isBarrier=True, connInfo="/tmp/spark-uds/.3b1f0c2e.sock",
                                       secret=None)),
       rules_for(p))

    # Decode-only: JSON as another writer (json4s) may produce it.
    reordered_ctx = base_context(p, taskAttemptId=4294967319, cpus=2,
                                 resources={"gpu": {"name": "gpu", "addresses": ["0", "1"]}},
                                 localProperties={"spark.job.description": "wc \u00e9t\u00e9",
                                                  "spark.jobGroup.id": "g"})
    h = make_header(p, ctx=reordered_ctx)
    text = ('{ "localProperties" : { "spark.job.description" : "wc \u00e9t\u00e9", "spark.jobGroup.id" : "g" },\n'
            '  "cpus" : 2, "taskAttemptId" : 4294967319, "resources" : { "gpu" : { "addresses" : [ "0", "1" ],'
            ' "name" : "gpu" } },\n  "secret" : "%s", "stageId" : 1, "partitionId" : 3, "attemptNumber" : 0,'
            ' "connInfo" : -1, "isBarrier" : false }' % SECRET_HEX)
    assert json.loads(text) == reordered_ctx
    vs.append(valid("header-spark-4.2-json-other-key-order-and-spaces", rules_for(p),
                    _with_context(p, h, text), h, profiles=[p], round_trip=False))
    # Decode-only: a whole header captured from Spark 4.2.1 (see CAPTURED_42_*).
    cap_ctx = json.loads(CAPTURED_42_CONTEXT)
    cap_ctx = {k: cap_ctx[k] for k in JSON_KEY_ORDER}
    cap = make_header(p, ctx=cap_ctx, split=0, files=CAPTURED_42_FILES_DIR,
                      broadcasts={"decryptionServer": None, "removed": [],
                                  "added": [{"id": 0, "path": CAPTURED_42_BROADCAST_PATH}]},
                      command=CAPTURED_42_COMMAND)
    vs.append(valid("header-spark-4.2-captured-spark-4.2.1", rules_for(p, "WRK-4.5.3"),
                    _with_context(p, cap, CAPTURED_42_CONTEXT), cap, profiles=[p], round_trip=False))

    # Decode-only: the exact JSON that Spark 4.2.1's JVM writes (PythonWorkerUtils.writeTaskContext,
    # json4s over a Scala hash map, so its key order is the hash map's), captured by calling
    # writeTaskContext from spark-core_2.13-4.2.1.jar with the context below. Non-ASCII is raw UTF-8.
    spark_ctx = base_context(p, taskAttemptId=4294967319, cpus=2,
                             resources={"gpu": {"name": "gpu", "addresses": ["0", "1"]}},
                             localProperties={"spark.job.description": "wc \u00e9t\u00e9 \U0001f525",
                                              "spark.jobGroup.id": "g"})
    spark_json = ('{"secret":"%s","taskAttemptId":4294967319,"stageId":1,"isBarrier":false,"partitionId":3,'
                  '"connInfo":-1,"attemptNumber":0,"localProperties":{"spark.job.description":'
                  '"wc \u00e9t\u00e9 \U0001f525","spark.jobGroup.id":"g"},"resources":{"gpu":{"name":"gpu",'
                  '"addresses":["0","1"]}},"cpus":2}' % SECRET_HEX)
    assert json.loads(spark_json) == spark_ctx
    h = make_header(p, ctx=spark_ctx)
    vs.append(valid("header-spark-4.2-json-as-spark-4.2.1-writes-it", rules_for(p),
                    _with_context(p, h, spark_json), h, profiles=[p], round_trip=False))
    spark_uds_ctx = dict(spark_ctx, connInfo="/tmp/spark-uds/.9a7c55d1.sock", secret=None)
    spark_uds_json = ('{"secret":null,"taskAttemptId":4294967319,"stageId":1,"isBarrier":false,"partitionId":3,'
                      '"connInfo":"/tmp/spark-uds/.9a7c55d1.sock","attemptNumber":0,"localProperties":'
                      '{"spark.job.description":"wc \u00e9t\u00e9 \U0001f525","spark.jobGroup.id":"g"},'
                      '"resources":{"gpu":{"name":"gpu","addresses":["0","1"]}},"cpus":2}')
    assert json.loads(spark_uds_json) == spark_uds_ctx
    h = make_header(p, ctx=spark_uds_ctx)
    vs.append(valid("header-spark-4.2-json-as-spark-4.2.1-writes-it-uds", rules_for(p),
                    _with_context(p, h, spark_uds_json), h, profiles=[p], round_trip=False))

    escaped = ('{"isBarrier":false,"connInfo":-1,"secret":"%s","stageId":1,"partitionId":3,'
               '"attemptNumber":0,"taskAttemptId":23,"cpus":1,"resources":{},'
               '"localProperties":{"spark.job.description":"wc \\u00e9t\\u00e9 \\ud83d\\udd25 \\"q\\" \\/"}}'
               % SECRET_HEX)
    esc_ctx = base_context(p, localProperties={"spark.job.description": "wc \u00e9t\u00e9 \U0001f525 \"q\" /"})
    assert json.loads(escaped) == esc_ctx
    h = make_header(p, ctx=esc_ctx)
    vs.append(valid("header-spark-4.2-json-escaped-strings", rules_for(p),
                    _with_context(p, h, escaped), h, profiles=[p], round_trip=False))

    # Invalid JSON task contexts (WRK-4.3.3): the rest of the header is well formed.
    base_h = make_header(p)
    good = json.loads(context_json(base_h["taskContext"]))

    def bad_ctx(name, text):
        bad("header-spark-4.2-" + name, p, _with_context(p, base_h, text), "WRK-4.3.3")

    bad_ctx("json-not-json", '{"isBarrier":false,"connInfo":-1,')
    bad_ctx("json-empty-string", "")
    bad_ctx("json-trailing-garbage", context_json(base_h["taskContext"]) + " x")
    bad_ctx("json-not-object-array", "[1,2,3]")
    bad_ctx("json-not-object-string", '"isBarrier"')
    bad_ctx("json-not-object-null", "null")
    for key in ["cpus", "isBarrier", "connInfo", "secret", "taskAttemptId", "resources", "localProperties"]:
        missing = {k: v for k, v in good.items() if k != key}
        bad_ctx("json-missing-" + _kebab(key), json_compact(missing))
    for key, value in [("cpus", "1"), ("isBarrier", 0), ("stageId", None), ("resources", []),
                       ("localProperties", {"a": 1}), ("connInfo", True), ("secret", 5)]:
        wrong = dict(good)
        wrong[key] = value
        bad_ctx("json-wrong-type-" + _kebab(key), json_compact(wrong))

    res_ok = {"gpu": {"name": "gpu", "addresses": ["0"]}}
    for label, res in [("resource-not-object", {"gpu": "0"}),
                       ("resource-missing-addresses", {"gpu": {"name": "gpu"}}),
                       ("resource-missing-name", {"gpu": {"addresses": ["0"]}}),
                       ("resource-addresses-not-array", {"gpu": {"name": "gpu", "addresses": "0"}}),
                       ("resource-address-not-string", {"gpu": {"name": "gpu", "addresses": [0]}})]:
        wrong = dict(good)
        wrong["resources"] = res
        bad_ctx("json-" + label, json_compact(wrong))
    right = dict(good)
    right["resources"] = res_ok
    assert json.loads(json_compact(right))["resources"] == res_ok

    mparts = header_parts(p, base_h)
    before_runner = b"".join(b for f, b in mparts[:[f for f, _ in mparts].index("runnerConf")])
    bad("header-spark-4.2-runner-conf-count-10001", p, before_runner + i32(10001), "WRK-4.7")
    bad("header-spark-4.2-runner-conf-count-negative", p, before_runner + i32(-1), "WRK-4.7")
    bad("header-spark-4.2-eval-conf-count-10001", p, before_runner + i32(0) + i32(10001), "WRK-4.7")
    bad("header-spark-4.2-eval-conf-count-int-min", p, before_runner + i32(0) + i32(INT_MIN), "WRK-4.7")

    _spark_4_3_header_vectors(ok, bad, vs)
    return {"suite": "task-header", "spec": "worker.md", "vectors": vs}


def _spark_4_3_header_vectors(ok, bad, vs):
    """spark-4.3: the 4.2 layout (plus cpuAmount) inside an init message (WRK-4.3.5, WRK-4.10)."""
    p = "spark-4.3"
    pre = "header-spark-4.3-"
    ok(pre + "confs", p,
       make_header(p, runner_conf={"spark.sql.session.timeZone": "Europe/Paris",
                                   "spark.sql.execution.pythonUDF.arrow.enabled": "false"},
                   eval_conf={"spark.sql.pyspark.udf.profiler": "perf",
                              "kindling.note": "caf\u00e9 \u2615"}),
       rules_for(p))
    ok(pre + "uds-conn-info", p,
       make_header(p, ctx=base_context(p, connInfo="/tmp/spark-uds/.9a7c55d1.sock", secret=None)),
       rules_for(p))
    ok(pre + "barrier-tcp", p,
       make_header(p, ctx=base_context(p, isBarrier=True, connInfo=38211, secret=SECRET_HEX_2)),
       rules_for(p))
    # A fractional amount (spark.task.cpus=0.5): cpus is the amount rounded up.
    ok(pre + "cpu-amount-fractional", p, make_header(p, ctx=base_context(p, cpus=1, cpuAmount="0.5")),
       rules_for(p))
    ok(pre + "cpu-amount-2.25", p, make_header(p, ctx=base_context(p, cpus=3, cpuAmount="2.25")),
       rules_for(p))

    # Decode-only: another key order and spaces, cpuAmount first.
    ctx = base_context(p, cpus=2, resources={"gpu": {"name": "gpu", "addresses": ["0", "1"]}},
                       localProperties={"spark.jobGroup.id": "g"})
    text = ('{ "cpuAmount" : "2", "localProperties" : { "spark.jobGroup.id" : "g" }, "cpus" : 2,'
            ' "taskAttemptId" : 23, "resources" : { "gpu" : { "addresses" : [ "0", "1" ], "name" : "gpu" } },'
            ' "secret" : "%s", "stageId" : 1, "partitionId" : 3, "attemptNumber" : 0, "connInfo" : -1,'
            ' "isBarrier" : false }' % SECRET_HEX)
    assert json.loads(text) == ctx
    h = make_header(p, ctx=ctx)
    vs.append(valid(pre + "json-other-key-order-and-spaces", rules_for(p), _with_context(p, h, text), h,
                    profiles=[p], round_trip=False))

    base_h = make_header(p)
    good = json.loads(context_json(base_h["taskContext"]))

    def bad_ctx(name, text, rule):
        bad(pre + name, p, _with_context(p, base_h, text), rule)

    # The 4.2 context rules still apply inside the message (WRK-4.3.3) ...
    bad_ctx("json-not-json", '{"isBarrier":false,"connInfo":-1,', "WRK-4.3.3")
    for key in ["cpus", "isBarrier", "localProperties"]:
        bad_ctx("json-missing-" + _kebab(key), json_compact({k: v for k, v in good.items() if k != key}),
                "WRK-4.3.3")
    # ... and cpuAmount is required, a plain decimal string (WRK-4.3.5).
    bad_ctx("json-missing-cpu-amount", json_compact({k: v for k, v in good.items() if k != "cpuAmount"}),
            "WRK-4.3.5")
    for label, value in [("number", 1), ("null", None), ("empty", ""), ("negative", "-1"),
                         ("exponent", "1E+1"), ("not-a-number", "one"), ("trailing-point", "1.")]:
        wrong = dict(good)
        wrong["cpuAmount"] = value
        bad_ctx("json-cpu-amount-" + label, json_compact(wrong), "WRK-4.3.5")

    inner = header_parts(p, base_h)
    body = b"".join(b for _, b in inner)
    before_runner = b"".join(b for f, b in inner[:[f for f, _ in inner].index("runnerConf")])
    bad(pre + "runner-conf-count-10001", p, init_message(before_runner + i32(10001)), "WRK-4.7")
    bad(pre + "eval-conf-count-negative", p, init_message(before_runner + i32(0) + i32(-1)), "WRK-4.7")

    # --- the init message itself (WRK-4.10)
    minimal = make_header(p)
    ok(pre + "init-message-at-max", p, minimal, rules_for(p, "WRK-4.10.2"),
       options={"maxInitMessageBytes": len(body)})
    bad(pre + "init-message-over-option", p, init_message(body), "WRK-4.10.2", ["WRK-4.10.1"],
        options={"maxInitMessageBytes": len(body) - 1})
    over = LIMITS["maxInitMessageBytes"] + 1
    bad(pre + "init-message-length-over-default-max", p, i32(START_OF_INIT_MESSAGE) + i32(over), "WRK-4.10.2")
    bad(pre + "init-message-length-negative", p, i32(START_OF_INIT_MESSAGE) + i32(-1) + body, "WRK-4.10.2")
    bad(pre + "init-message-length-int-min", p, i32(START_OF_INIT_MESSAGE) + i32(INT_MIN), "WRK-4.10.2")
    # Another message id: a spark-4.2 header (it starts with the split index), END_OF_STREAM, -1.
    bad(pre + "init-message-id-is-a-spark-4.2-header", p, body, "WRK-4.10.3")
    bad(pre + "init-message-id-end-of-stream", p, i32(-4) + i32(len(body)) + body, "WRK-4.10.3")
    bad(pre + "init-message-id-minus-1", p, i32(-1) + i32(len(body)) + body, "WRK-4.10.3")
    bad(pre + "init-message-id-start-arrow-stream", p, i32(-6) + i32(len(body)) + body, "WRK-4.10.3")
    # N shorter than the header: the header runs past the message (WRK-4.10.4), even when the
    # missing bytes follow it on the stream.
    offsets = {}
    pos = 0
    for field, b in inner:
        offsets[field] = pos
        pos += len(b)
    for label, end in [("in-command", len(body) - 1), ("before-command", offsets["command"]),
                       ("in-task-context", offsets["taskContext"] + 10), ("before-eval-type", offsets["evalType"]),
                       ("zero", 0)]:
        short = body[:end]
        bad(pre + "init-message-shorter-than-header-" + label, p,
            i32(START_OF_INIT_MESSAGE) + i32(len(short)) + body, "WRK-4.10.4")
    # N longer than the header: bytes left over after the command (WRK-4.10.4).
    bad(pre + "init-message-bytes-left-over", p, init_message(body + b"\x00"), "WRK-4.10.4")
    bad(pre + "init-message-bytes-left-over-data-frame", p, init_message(body + i32(1) + b"\x80"), "WRK-4.10.4")
    # End of stream before the message is complete (WRK-1.5).
    bad(pre + "init-message-truncated-in-id", p, i32(START_OF_INIT_MESSAGE)[:3], "WRK-1.5")
    bad(pre + "init-message-truncated-in-length", p, i32(START_OF_INIT_MESSAGE) + i32(len(body))[:2], "WRK-1.5")
    bad(pre + "init-message-truncated-before-body", p, i32(START_OF_INIT_MESSAGE) + i32(len(body)), "WRK-1.5")


def _kebab(name):
    out = ""
    for ch in name:
        out += ("-" + ch.lower()) if ch.isupper() else ch
    return out


def _with_context(profile, h, text):
    """The header's bytes with the JSON context replaced by `text` verbatim (in an init message on
    spark-4.3)."""
    out = b""
    for field, b in header_parts(profile, h):
        out += utf(text) if field == "taskContext" else b
    return wrap(profile, out)


def _header_utf_lengths(profile, h):
    """Byte lengths of every utf string in the header (for the maxHeaderStringBytes bound)."""
    ctx = h["taskContext"]
    strs = [h["pythonVersion"], h["sparkFilesDir"]] + list(h["pythonIncludes"])
    if profile in JSON_PROFILES:
        strs.append(context_json(ctx))
        for k, v in list(h["runnerConf"].items()) + list(h["evalConf"].items()):
            strs += [k, v]
    else:
        if isinstance(ctx["secret"], str):
            strs.append(ctx["secret"])
        if isinstance(ctx["connInfo"], str):
            strs.append(ctx["connInfo"])
        for key, info in ctx["resources"].items():
            strs += [key, info["name"]] + info["addresses"]
        for k, v in ctx["localProperties"].items():
            strs += [k, v]
    bc = h["broadcasts"]
    if bc["decryptionServer"]:
        strs.append(bc["decryptionServer"]["secret"])
    for e in bc["added"]:
        if "path" in e:
            strs.append(e["path"])
    return [s.encode("utf-8") for s in strs]


# ---------------------------------------------------------------------------------------------
# worker-output (worker.md sections 6 and 7)

TIMING = {"boot": 1700000000000, "init": 1700000000005, "finish": 1700000000010, "processing": 5}


def timing_for(profile, **kw):
    t = dict(TIMING)
    t.update(kw)
    if profile not in JSON_PROFILES:
        t.pop("processing")
    return t


def output_bytes(profile, out):
    b = b"".join(blob(bytes.fromhex(f)) for f in out["frames"])
    if "exception" in out:
        assert set(out) == {"frames", "exception"}
        return b + i32(SPECIAL["PYTHON_EXCEPTION_THROWN"]) + utf(out["exception"])
    t = out["timing"]
    b += i32(SPECIAL["TIMING_DATA"]) + i64(t["boot"]) + i64(t["init"]) + i64(t["finish"])
    if profile in JSON_PROFILES:
        b += i64(t["processing"])
    else:
        assert "processing" not in t
    b += i64(out["spill"]["memory"]) + i64(out["spill"]["disk"])
    b += i32(SPECIAL["END_OF_DATA_SECTION"]) + i32(len(out["accumulators"]))
    b += b"".join(blob(bytes.fromhex(a)) for a in out["accumulators"])
    b += i32(SPECIAL[out["end"]])
    return b


def make_output(profile, frames=(), accumulators=(), end="END_OF_STREAM", spill=(0, 0), **timing):
    return {"frames": [hx(f) for f in frames], "timing": timing_for(profile, **timing),
            "spill": {"memory": spill[0], "disk": spill[1]},
            "accumulators": [hx(a) for a in accumulators], "end": end}


def timing_rules(profile):
    return ["WRK-6.2.1"] if profile in JSON_PROFILES else ["WRK-6.2"]


def suite_worker_output():
    vs = []

    def ok(name, profile, out, rules, options=None):
        vs.append(valid(name, rules, output_bytes(profile, out), out, profiles=[profile], options=options))

    def bad(name, data, error, rules=(), profiles=None, options=None):
        vs.append(invalid(name, list(rules), data, error, profiles=profiles, options=options))

    for p in PROFILES:
        pre = "output-" + p + "-"
        succ = ["WRK-6.1"] + timing_rules(p) + ["WRK-6.3", "WRK-6.4", "WRK-6.5", "WRK-6.6"]
        ok(pre + "basic", p, make_output(p, frames=[PICKLED_123, PICKLED_AB]), succ)
        ok(pre + "accumulators", p,
           make_output(p, frames=[PICKLED_123], accumulators=[ACC_0_5, ACC_1_X]), succ + ["WRK-6.8"])
        ok(pre + "no-data-frames", p, make_output(p), succ)
        ok(pre + "empty-list-frame", p, make_output(p, frames=[PICKLED_EMPTY_LIST]), succ + ["WRK-8.5"])
        ok(pre + "zero-length-frame", p, make_output(p, frames=[b"", PICKLED_123, b""]), succ)
        ok(pre + "end-of-data-section-not-reusable", p,
           make_output(p, frames=[PICKLED_123], end="END_OF_DATA_SECTION"), succ)
        ok(pre + "spill-and-large-times", p,
           make_output(p, frames=[PICKLED_AB], spill=(1048576, 4294967296), boot=1763000000000,
                       init=1763000000123, finish=1763000004567, processing=4444), succ)
        ok(pre + "key-frames-partition-by", p,
           make_output(p, frames=[i64(3), PICKLED_AB, i64(-7), PICKLED_123]), succ + ["WRK-10.1"])
        ok(pre + "frame-at-max-16", p, make_output(p, frames=[bytes(range(16))]), succ + ["WRK-5.4"],
           options={"maxFrameBytes": 16})
        ok(pre + "exception", p, {"frames": [hx(PICKLED_123), hx(PICKLED_AB)], "exception": TRACEBACK},
           ["WRK-6.1", "WRK-7.1", "WRK-7.2"])
        ok(pre + "exception-no-frames", p, {"frames": [], "exception": TRACEBACK_SHORT},
           ["WRK-7.1", "WRK-7.2"])
        ok(pre + "exception-empty-message", p, {"frames": [], "exception": ""}, ["WRK-7.1", "WRK-7.2"])

        # --- invalid, profile-specific (timing has 3 or 4 longs)
        good = output_bytes(p, make_output(p, frames=[PICKLED_123], accumulators=[ACC_0_5]))
        frame1 = blob(PICKLED_123)
        n_longs = 4 if p in JSON_PROFILES else 3
        timing = i32(SPECIAL["TIMING_DATA"]) + b"".join(
            i64(TIMING[k]) for k in ["boot", "init", "finish", "processing"][:n_longs])
        spill = i64(0) + i64(0)
        assert good.startswith(frame1 + timing + spill)
        after_spill = frame1 + timing + spill
        bad(pre + "data-after-timing", after_spill + blob(PICKLED_AB), "WRK-6.5", profiles=[p])
        bad(pre + "empty-frame-after-timing", after_spill + i32(0), "WRK-6.5", profiles=[p])
        bad(pre + "timing-twice", after_spill + timing + spill + i32(-1) + i32(0) + i32(-4), "WRK-6.5",
            profiles=[p])
        bad(pre + "null-after-timing", after_spill + i32(SPECIAL["NULL"]), "WRK-6.5", profiles=[p])
        bad(pre + "eof-after-spill", after_spill, "WRK-7.4", profiles=[p])
        bad(pre + "eof-inside-timing-long", frame1 + timing[:4 + 8 + 3], "WRK-1.5", profiles=[p])
        bad(pre + "eof-inside-spill-long", frame1 + timing + spill[:12], "WRK-1.5", profiles=[p])
        eods = after_spill + i32(SPECIAL["END_OF_DATA_SECTION"])
        bad(pre + "eof-inside-accumulator-count", eods + b"\x00", "WRK-1.5", profiles=[p])
        bad(pre + "accumulator-count-negative", eods + i32(-1), "WRK-6.8", profiles=[p])
        bad(pre + "accumulator-count-over-max", eods + i32(LIMITS["maxAccumulatorUpdates"] + 1), "WRK-6.8",
            profiles=[p])
        bad(pre + "eof-before-reuse-reply", eods + i32(1) + blob(ACC_0_5), "WRK-7.4", profiles=[p])
        bad(pre + "eof-inside-reuse-reply", eods + i32(0) + b"\xff\xff", "WRK-1.5", profiles=[p])
        for label, value in [("timing", -3), ("exception", -2), ("null", -5), ("zero", 0), ("one", 1)]:
            bad(pre + "reuse-reply-" + label, eods + i32(0) + i32(value), "WRK-6.6", profiles=[p])

    # Captured from Spark 4.2.1 (see CAPTURED_42_*): a success output and an exception output.
    p = "spark-4.2"
    ok("output-spark-4.2-captured-spark-4.2.1", p, CAPTURED_42_OUTPUT,
       ["WRK-6.1", "WRK-6.2.1", "WRK-6.3", "WRK-6.4", "WRK-6.6"])
    ok("output-spark-4.2-captured-spark-4.2.1-exception", p,
       {"frames": CAPTURED_42_EXCEPTION_FRAMES, "exception": CAPTURED_42_TRACEBACK},
       ["WRK-6.1", "WRK-7.1", "WRK-7.2"])

    for c in CAPTURED:
        p = c["profile"]
        out = c["output"]
        name = "output-%s-captured-spark-%s%s" % (p, c["spark"], "" if c["job"] == "plain" else "-" + c["job"])
        if "exception" in out:
            ok(name, p, out, ["WRK-6.1", "WRK-7.1", "WRK-7.2"])
        else:
            ok(name, p, out, ["WRK-6.1"] + timing_rules(p) + ["WRK-6.3", "WRK-6.4", "WRK-6.6"])

    # --- invalid in the data section: independent of the profile.
    frame1 = blob(PICKLED_123)
    bad("output-end-of-data-section-without-timing", frame1 + i32(-1) + i32(0) + i32(-4), "WRK-6.5")
    bad("output-end-of-data-section-first", i32(-1) + i32(0) + i32(-4), "WRK-6.5")
    bad("output-null-in-data-section", frame1 + i32(SPECIAL["NULL"]) + frame1, "WRK-6.5")
    bad("output-end-of-stream-in-data-section", frame1 + i32(SPECIAL["END_OF_STREAM"]), "WRK-6.5")
    bad("output-start-arrow-stream-in-data-section", i32(SPECIAL["START_ARROW_STREAM"]), "WRK-6.5")
    bad("output-end-of-micro-batch-in-data-section", frame1 + i32(SPECIAL["END_OF_MICRO_BATCH"]), "WRK-6.5")
    bad("output-unknown-negative-in-data-section", frame1 + i32(-8), "WRK-6.5", ["WRK-5.3"])
    bad("output-empty", b"", "WRK-7.4")
    bad("output-eof-after-data-frames", frame1 + blob(PICKLED_AB), "WRK-7.4")
    bad("output-eof-inside-frame-length", frame1 + b"\x00\x00", "WRK-1.5")
    bad("output-eof-inside-frame-body", frame1 + blob(PICKLED_AB)[:10], "WRK-5.5")
    bad("output-frame-over-max", frame1 + i32(17), "WRK-5.4", ["WRK-1.4"], options={"maxFrameBytes": 16})
    bad("output-eof-inside-exception-length", frame1 + i32(-2) + b"\x00\x00", "WRK-1.5", ["WRK-7.1"])
    bad("output-eof-inside-exception-text", frame1 + i32(-2) + utf(TRACEBACK)[:30], "WRK-1.5", ["WRK-7.1"])
    return {"suite": "worker-output", "spec": "worker.md", "vectors": vs}


# ---------------------------------------------------------------------------------------------


SUITES = [
    ("conn-info.json", suite_conn_info),
    ("auth.json", suite_auth),
    ("frames.json", suite_frames),
    ("task-header.json", suite_task_header),
    ("worker-output.json", suite_worker_output),
]


def check_constants():
    """The literals above are the spec; make sure constants.json still says the same."""
    with open(CONSTANTS, encoding="utf-8") as f:
        c = json.load(f)
    problems = []
    if c["specialLengths"] != SPECIAL:
        problems.append("specialLengths differ from constants.json")
    for k, v in LIMITS.items():
        if c["limits"].get(k) != v:
            problems.append("limits.%s differs from constants.json" % k)
    if sorted(c["profiles"]) != PROFILES:
        problems.append("profiles differ from constants.json")
    if c.get("messageIds", {}).get("START_OF_INIT_MESSAGE") != START_OF_INIT_MESSAGE:
        problems.append("messageIds.START_OF_INIT_MESSAGE differs from constants.json")
    return problems


def validate(suite):
    names = set()
    for v in suite["vectors"]:
        assert v["name"] not in names, "duplicate vector name " + v["name"]
        names.add(v["name"])
        assert v["rules"], v["name"] + " has no rules"
        if suite["suite"] == "auth":
            continue
        assert ("decoded" in v) != ("error" in v), v["name"]
        if suite["suite"] == "task-header":
            assert len(v["profiles"]) == 1, v["name"]
        for k in v.get("options", {}):
            assert k in ("maxFrameBytes", "maxSecretBytes", "maxHeaderCount", "maxHeaderStringBytes",
                         "maxInitMessageBytes"), k


def render(suite):
    return json.dumps(suite, indent=2, ensure_ascii=True) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check", action="store_true", help="exit 1 if a committed file differs")
    args = ap.parse_args(argv)
    problems = check_constants()
    if problems:
        for p in problems:
            print("make_vectors: " + p, file=sys.stderr)
        return 1
    stale = []
    for filename, build in SUITES:
        suite = build()
        validate(suite)
        text = render(suite)
        path = os.path.join(VECTORS_DIR, filename)
        try:
            with open(path, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current == text:
            continue
        if args.check:
            stale.append(filename)
        else:
            with open(path, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            print("wrote " + os.path.relpath(path, os.path.dirname(SPEC_DIR)))
    if stale:
        print("make_vectors: stale or missing: " + ", ".join(stale)
              + " (run python3 protocol-spec/tools/make_vectors.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
