"""Per-partition samplers behind ``RDD.sample``, ``randomSplit`` and ``sampleByKey``.

Each partition gets its own generator seeded with ``seed ^ partition`` (a few draws are thrown
away first because neighbouring seeds start out correlated), so a sample is reproducible for a
given seed and partitioning, as in PySpark."""
import math
import random
import sys

__all__ = ["RDDSampler", "RDDRangeSampler", "RDDStratifiedSampler"]


class RDDSamplerBase:
    def __init__(self, withReplacement, seed=None):
        self._seed = seed if seed is not None else random.randint(0, sys.maxsize)
        self._withReplacement = withReplacement
        self._random = None

    def initRandomGenerator(self, split):
        self._random = random.Random(self._seed ^ split)
        for _ in range(10):
            self._random.randint(0, 1)

    def getUniformSample(self):
        return self._random.random()

    def getPoissonSample(self, mean):
        """A Poisson(mean) draw: multiplying uniforms while above exp(-mean) for small means,
        summing exponential gaps below 1 for large ones (avoids underflow)."""
        if mean < 20.0:
            limit = math.exp(-mean)
            product = self._random.random()
            k = 0
            while product > limit:
                k += 1
                product *= self._random.random()
            return k
        gap_sum = self._random.expovariate(mean)
        k = 0
        while gap_sum < 1.0:
            k += 1
            gap_sum += self._random.expovariate(mean)
        return k

    def func(self, split, iterator):
        raise NotImplementedError


class RDDSampler(RDDSamplerBase):
    """Bernoulli sampling with probability ``fraction`` or, with replacement, Poisson(fraction)
    copies of each element."""

    def __init__(self, withReplacement, fraction, seed=None):
        RDDSamplerBase.__init__(self, withReplacement, seed)
        self._fraction = fraction

    def func(self, split, iterator):
        self.initRandomGenerator(split)
        if self._withReplacement:
            for obj in iterator:
                for _ in range(self.getPoissonSample(self._fraction)):
                    yield obj
        else:
            for obj in iterator:
                if self.getUniformSample() < self._fraction:
                    yield obj


class RDDRangeSampler(RDDSamplerBase):
    """Keeps the elements whose uniform draw falls in ``[lowerBound, upperBound)``; splits with the
    same seed and adjacent ranges partition the data (``randomSplit``)."""

    def __init__(self, lowerBound, upperBound, seed=None):
        RDDSamplerBase.__init__(self, False, seed)
        self._lowerBound = lowerBound
        self._upperBound = upperBound

    def func(self, split, iterator):
        self.initRandomGenerator(split)
        for obj in iterator:
            if self._lowerBound <= self.getUniformSample() < self._upperBound:
                yield obj


class RDDStratifiedSampler(RDDSamplerBase):
    """Sampling of ``(key, value)`` pairs with a fraction per key."""

    def __init__(self, withReplacement, fractions, seed=None):
        RDDSamplerBase.__init__(self, withReplacement, seed)
        self._fractions = fractions

    def func(self, split, iterator):
        self.initRandomGenerator(split)
        if self._withReplacement:
            for key, val in iterator:
                for _ in range(self.getPoissonSample(self._fractions[key])):
                    yield key, val
        else:
            for key, val in iterator:
                if self.getUniformSample() < self._fractions[key]:
                    yield key, val
