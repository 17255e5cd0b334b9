"""``StatCounter``: count, mean, variance, min and max of numbers in one pass (Welford), mergeable
across partitions (Chan et al.), as ``pyspark.statcounter``."""
import math

__all__ = ["StatCounter"]


class StatCounter:
    def __init__(self, values=None):
        self.n = 0
        self.mu = 0.0
        self.m2 = 0.0  # sum of squared distances from the mean
        self.maxValue = float("-inf")
        self.minValue = float("inf")
        for v in values if values is not None else ():
            self.merge(v)

    def merge(self, value):
        """Adds one value."""
        delta = value - self.mu
        self.n += 1
        self.mu += delta / self.n
        self.m2 += delta * (value - self.mu)
        self.maxValue = max(self.maxValue, value)
        self.minValue = min(self.minValue, value)
        return self

    def mergeStats(self, other):
        """Adds everything ``other`` has counted."""
        if not isinstance(other, StatCounter):
            raise TypeError("Can only merge StatCounter but got %s" % type(other))
        if other is self:
            return self.mergeStats(other.copy())
        if self.n == 0:
            self.mu, self.m2, self.n = other.mu, other.m2, other.n
            self.maxValue, self.minValue = other.maxValue, other.minValue
        elif other.n != 0:
            delta = other.mu - self.mu
            total = self.n + other.n
            if other.n * 10 < self.n:
                self.mu = self.mu + (delta * other.n) / total
            elif self.n * 10 < other.n:
                self.mu = other.mu - (delta * self.n) / total
            else:
                self.mu = (self.mu * self.n + other.mu * other.n) / total
            self.m2 += other.m2 + (delta * delta * self.n * other.n) / total
            self.n = total
            self.maxValue = max(self.maxValue, other.maxValue)
            self.minValue = min(self.minValue, other.minValue)
        return self

    def copy(self):
        c = StatCounter()
        c.n, c.mu, c.m2 = self.n, self.mu, self.m2
        c.maxValue, c.minValue = self.maxValue, self.minValue
        return c

    def count(self):
        return int(self.n)

    def mean(self):
        return float(self.mu)

    def sum(self):
        return float(self.n * self.mu)

    def min(self):
        return self.minValue

    def max(self):
        return self.maxValue

    def variance(self):
        """Population variance; NaN when empty."""
        return float("nan") if self.n == 0 else float(self.m2 / self.n)

    def sampleVariance(self):
        """Sample variance (divides by n - 1); NaN with fewer than two values."""
        return float("nan") if self.n <= 1 else float(self.m2 / (self.n - 1))

    def stdev(self):
        return math.sqrt(self.variance())

    def sampleStdev(self):
        return math.sqrt(self.sampleVariance())

    def asDict(self, sample=False):
        """The members as a dict. As PySpark (whose flag reads backwards): the sample stdev and
        variance by default, the population ones with ``sample=True``."""
        return {
            "count": self.count(), "mean": self.mean(), "sum": self.sum(), "min": self.min(),
            "max": self.max(),
            "stdev": self.stdev() if sample else self.sampleStdev(),
            "variance": self.variance() if sample else self.sampleVariance(),
        }

    def __repr__(self):
        return "(count: %s, mean: %s, stdev: %s, max: %s, min: %s)" % (
            self.count(), self.mean(), self.stdev(), self.max(), self.min())
