"""``pyspark.sql.functions`` builds Spark SQL expressions (``col``, ``lit``, ``count``, ...),
which Kindling does not have. The module imports, so ``from kindling.sql import functions as F``
works, but taking any function from it raises ``NotImplementedError`` naming it::

    F.col("x")   ->  NotImplementedError: pyspark.sql.functions.col is not supported by Kindling: ...
"""


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    from kindling.sql._errors import not_supported

    raise not_supported("pyspark.sql.functions.%s" % name,
                        "functions build Spark SQL expressions (Column), which Kindling does not have")
