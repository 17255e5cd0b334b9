"""``StatCounter``: count, mean, variance, min and max of numbers in one pass (Welford), mergeable
across partitions (Chan et al.), as ``pyspark.statcounter``."""
import math

__all__ = ["StatCounter"]


def _pooled_mean(n_a, mean_a, n_b, mean_b, gap):
    """The mean of two merged counters (Chan et al.): shifted from the larger side when one side
    is over ten times the other, for precision, else the weighted average."""
    combined = n_a + n_b
    if n_b * 10 < n_a:
        return mean_a + (gap * n_b) / combined
    if n_a * 10 < n_b:
        return mean_b - (gap * n_a) / combined
    return (mean_a * n_a + mean_b * n_b) / combined


class StatCounter:
    def __init__(self, values=None):
        # PySpark's field names: count, mean, sum of squared distances from the mean, extremes
        # (empty: the extremes are the infinities any value replaces).
        self.n, self.mu, self.m2 = 0, 0.0, 0.0
        self.maxValue, self.minValue = -math.inf, math.inf
        for v in values if values is not None else ():
            self.merge(v)

    def merge(self, value):
        """Adds one value (Welford's update; the float operations are Spark's, so that the
        figures agree to the last bit)."""
        old_mean = self.mu
        self.n += 1
        self.mu = old_mean + (value - old_mean) / self.n
        self.m2 += (value - old_mean) * (value - self.mu)
        self._widen(value, value)
        return self

    def mergeStats(self, other):
        """Adds everything ``other`` has counted."""
        if other is self:
            return self.mergeStats(other.copy())  # the fields change while being read
        if not isinstance(other, StatCounter):
            raise TypeError("Can only merge StatCounter but got %s" % type(other))
        if not other.n:
            return self
        if not self.n:
            self.n, self.mu, self.m2 = other.n, other.mu, other.m2
            self.maxValue, self.minValue = other.maxValue, other.minValue
            return self
        mine, theirs = self.n, other.n
        combined = mine + theirs
        gap = other.mu - self.mu
        self.mu = _pooled_mean(mine, self.mu, theirs, other.mu, gap)
        self.m2 += other.m2 + (gap * gap * mine * theirs) / combined
        self.n = combined
        self._widen(other.minValue, other.maxValue)
        return self

    def _widen(self, low, high):
        self.maxValue = max(self.maxValue, high)
        self.minValue = min(self.minValue, low)

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
