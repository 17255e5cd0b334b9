"""Joins, grouping and aggregation over two small bundled tables (customers and orders).

    python examples/join_groupby.py [--master local[2]]

Prints the revenue per city, each customer's order count (including customers without orders)
and the average order per product.

Runs unchanged on Apache Spark: replace ``kindling`` by ``pyspark`` in the import.
"""
import argparse
import sys
from operator import add

from kindling import SparkConf, SparkContext

CUSTOMERS = [
    (1, "Ada", "Lisbon"), (2, "Bruno", "Porto"), (3, "Chiara", "Lisbon"),
    (4, "Dmitri", "Faro"), (5, "Eun", "Porto"), (6, "Farah", "Braga"),
]
ORDERS = [  # (order id, customer id, product, amount)
    (100, 1, "kettle", 30.0), (101, 2, "teapot", 45.5), (102, 1, "mugs", 12.0),
    (103, 3, "kettle", 28.0), (104, 5, "mugs", 15.0), (105, 2, "kettle", 31.0),
    (106, 4, "teapot", 44.0), (107, 1, "teapot", 46.0), (108, 5, "kettle", 29.5),
    (109, 7, "mugs", 11.0),  # customer 7 is unknown
]


def main(argv=None):
    parser = argparse.ArgumentParser(description="Join and group two small tables.")
    parser.add_argument("--master", default="local[2]")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)

    conf = SparkConf().setAppName("join_groupby").setMaster(args.master)
    with SparkContext(conf=conf) as sc:
        sc.setLogLevel("WARN")
        customers = sc.parallelize(CUSTOMERS).map(lambda c: (c[0], (c[1], c[2])))
        orders = sc.parallelize(ORDERS).map(lambda o: (o[1], (o[2], o[3])))

        joined = orders.join(customers)  # (cid, ((product, amount), (name, city)))
        per_city = (joined.map(lambda kv: (kv[1][1][1], kv[1][0][1]))
                    .reduceByKey(add)
                    .sortBy(lambda cv: (-cv[1], cv[0]))
                    .collect())

        counts = (customers.leftOuterJoin(orders)
                  .map(lambda kv: (kv[1][0][0], 0 if kv[1][1] is None else 1))
                  .reduceByKey(add)
                  .sortByKey()
                  .collect())

        averages = (orders.map(lambda kv: kv[1])
                    .aggregateByKey((0.0, 0), lambda acc, a: (acc[0] + a, acc[1] + 1),
                                    lambda x, y: (x[0] + y[0], x[1] + y[1]))
                    .mapValues(lambda s: s[0] / s[1])
                    .sortByKey()
                    .collect())

        unknown = orders.subtractByKey(customers).keys().distinct().collect()
        by_city = (customers.map(lambda kv: (kv[1][1], kv[1][0])).groupByKey()
                   .mapValues(sorted).sortByKey().collect())

    print("revenue per city:")
    for city, revenue in per_city:
        print("  %s\t%.2f" % (city, revenue))
    print("orders per customer:")
    for name, n in counts:
        print("  %s\t%d" % (name, n))
    print("average order per product:")
    for product, average in averages:
        print("  %s\t%.2f" % (product, average))
    print("customers per city:")
    for city, names in by_city:
        print("  %s\t%s" % (city, ", ".join(names)))
    print("orders from unknown customers: %s" % sorted(unknown))
    return 0


if __name__ == "__main__":
    sys.exit(main())
