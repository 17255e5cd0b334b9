"""Per-partition samplers behind ``RDD.sample``, ``randomSplit`` and ``sampleByKey``.

A program moved between PySpark and Kindling must draw the same sample for the same seed and
partitioning, so the sequence of draws is fixed: each partition gets ``random.Random(seed ^
partition)``, ten coin flips are discarded (neighbouring seeds start out correlated), then one
uniform draw per element — or, with replacement, one Poisson draw per element. The Poisson draw
multiplies uniforms while the product stays above ``exp(-mean)`` for small means and sums
exponential gaps below 1 for large ones, where the product would underflow.

A sampler is a picklable callable ``sampler(partition_index, iterator)`` for
``mapPartitionsWithIndex``."""
import math
import random
import sys

__all__ = ["BernoulliSampler", "RangeSampler", "StratifiedSampler"]

_WARM_UP_DRAWS = 10
_PRODUCT_METHOD_MAX_MEAN = 20.0


def _generator_for(seed, partition):
    rng = random.Random(seed ^ partition)
    for _ in range(_WARM_UP_DRAWS):
        rng.randint(0, 1)
    return rng


def _poisson(rng, mean):
    if mean < _PRODUCT_METHOD_MAX_MEAN:
        floor = math.exp(-mean)
        count, product = 0, rng.random()
        while product > floor:
            count += 1
            product *= rng.random()
        return count
    count, elapsed = 0, rng.expovariate(mean)
    while elapsed < 1.0:
        count += 1
        elapsed += rng.expovariate(mean)
    return count


def _resolve_seed(seed):
    return seed if seed is not None else random.randint(0, sys.maxsize)


class BernoulliSampler:
    """Keeps each element with probability ``fraction``; with replacement, emits Poisson(fraction)
    copies of it."""

    def __init__(self, withReplacement, fraction, seed=None):
        self._with_replacement = withReplacement
        self._fraction = fraction
        self._seed = _resolve_seed(seed)

    def __call__(self, partition, iterator):
        rng = _generator_for(self._seed, partition)
        fraction = self._fraction
        if self._with_replacement:
            for element in iterator:
                for _ in range(_poisson(rng, fraction)):
                    yield element
        else:
            draw = rng.random
            for element in iterator:
                if draw() < fraction:
                    yield element


class RangeSampler:
    """Keeps the elements whose uniform draw falls in ``[lower, upper)``: samplers with one seed
    and adjacent ranges split the data without overlap (``randomSplit``)."""

    def __init__(self, lower, upper, seed=None):
        self._lower = lower
        self._upper = upper
        self._seed = _resolve_seed(seed)

    def __call__(self, partition, iterator):
        draw = _generator_for(self._seed, partition).random
        lower, upper = self._lower, self._upper
        for element in iterator:
            if lower <= draw() < upper:
                yield element


class StratifiedSampler:
    """Samples ``(key, value)`` pairs with a fraction per key (``sampleByKey``)."""

    def __init__(self, withReplacement, fractions, seed=None):
        self._with_replacement = withReplacement
        self._fractions = fractions
        self._seed = _resolve_seed(seed)

    def __call__(self, partition, iterator):
        rng = _generator_for(self._seed, partition)
        fractions = self._fractions
        if self._with_replacement:
            for key, value in iterator:
                for _ in range(_poisson(rng, fractions[key])):
                    yield key, value
        else:
            for key, value in iterator:
                if rng.random() < fractions[key]:
                    yield key, value
