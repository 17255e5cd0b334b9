"""``RDD.toDF``: the DataFrame of an RDD, through the session of the RDD's context.

PySpark adds ``toDF`` to ``RDD`` when a SparkSession is created; Kindling's ``RDD.toDF`` (one
line in rdd.py) calls ``to_df`` here, which uses the default session (or starts one on the RDD's
context), so it also works before any session exists.
"""


def to_df(rdd, schema=None, sampleRatio=None):
    from kindling.sql.session import SparkSession

    session = SparkSession._instantiatedSession
    if session is None or session._sc is not rdd.ctx or rdd.ctx._kctx is None:
        session = SparkSession(rdd.ctx)
    return session.createDataFrame(rdd, schema, sampleRatio)
