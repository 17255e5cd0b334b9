"""Python profiling of RDD steps, as ``pyspark.profiler`` (``spark.python.profile=true``).

How the figures travel::

    driver  PipelinedRDD._jrdd         profiler = collector.new_profiler(sc)   (an accumulator
                                         of pstats.Stats, starting at None)
            command = (func, profiler, deserializer, serializer)               (WRK-8.1)
    worker  profiler.profile(process)  cProfile around the whole partition pass; the Stats
                                         (stream dropped, dirs stripped) added to the accumulator
            accumulator update         with the task's other updates (WRK-6.4, WRK-10.4)
    driver  collector.show_profiles()  merged Stats per RDD id, sorted by time, cumulative

``show_profiles`` runs at exit when the context profiled anything, or ``dump_profiles(path)`` when
``spark.python.profile.dump`` is set (``rdd_<id>.pstats`` files)."""
import atexit
import cProfile
import os
import pstats

from kindling.accumulators import AccumulatorParam

__all__ = ["ProfilerCollector", "Profiler", "PStatsParam", "BasicProfiler", "UDFBasicProfiler",
           "MemoryProfiler"]


class ProfilerCollector:
    """The profilers of one context, by RDD id, and the exit hook that reports them."""

    def __init__(self, profiler_cls, udf_profiler_cls=None, memory_profiler_cls=None,
                 dump_path=None):
        self.profiler_cls = profiler_cls
        self.udf_profiler_cls = udf_profiler_cls or UDFBasicProfiler
        self.memory_profiler_cls = memory_profiler_cls or MemoryProfiler
        self.profile_dump_path = dump_path
        self.profilers = []  # [rdd id, profiler, shown]

    def new_profiler(self, ctx):
        return self._created("profiler_cls", ctx)

    def new_udf_profiler(self, ctx):
        return self._created("udf_profiler_cls", ctx)

    def new_memory_profiler(self, ctx):
        return self._created("memory_profiler_cls", ctx)

    def _created(self, kind, ctx):
        """A profiler of the class configured as ``kind`` (looked up now, so that a class
        replaced on the collector is used)."""
        return getattr(self, kind)(ctx)

    def add_profiler(self, id, profiler):
        if not self.profilers:
            self._report_at_exit()
        self.profilers.append([id, profiler, False])

    def _report_at_exit(self):
        """Registered with the first profile: dumped into the configured directory, or else
        printed."""
        directory = self.profile_dump_path
        if directory:
            atexit.register(self.dump_profiles, directory)
        else:
            atexit.register(self.show_profiles)

    def dump_profiles(self, path):
        """Writes every profile into ``path`` and forgets them."""
        for entry in self.profilers:
            entry[1].dump(entry[0], path)
        self.profilers = []

    def show_profiles(self):
        """Prints the profiles not printed yet."""
        for entry in self.profilers:
            rdd_id, profiler, shown = entry
            if profiler and not shown:
                profiler.show(rdd_id)
                entry[2] = True


class Profiler:
    """What a custom ``profiler_cls`` implements: ``profile`` runs on the workers, the rest on
    the driver."""

    def __init__(self, ctx):
        pass

    def profile(self, func, *args, **kwargs):
        raise NotImplementedError

    def stats(self):
        raise NotImplementedError

    def show(self, id):
        raise NotImplementedError

    def dump(self, id, path):
        raise NotImplementedError


class PStatsParam(AccumulatorParam):
    """Accumulates ``pstats.Stats``: None until the first task's figures arrive."""

    @staticmethod
    def zero(value):
        return None

    @staticmethod
    def addInPlace(value1, value2):
        # Stats.add merges into the receiver and returns it.
        return value2 if value1 is None else value1.add(value2)


class BasicProfiler(Profiler):
    """cProfile around each partition pass; the Stats come back through an accumulator."""

    def __init__(self, ctx):
        Profiler.__init__(self, ctx)
        self._accumulator = ctx.accumulator(PStatsParam.zero(None), PStatsParam)

    def profile(self, func, *args, **kwargs):
        tracer = cProfile.Profile()
        result = tracer.runcall(func, *args, **kwargs)
        self._accumulator.add(_portable_stats(tracer))
        return result

    def stats(self):
        return self._accumulator.value

    def _title(self, id):
        return "Profile of RDD<id=%d>" % id

    def _file_name(self, id):
        return "rdd_%d.pstats" % id

    def show(self, id):
        figures = self.stats()
        if not figures:
            return
        rule = "=" * 60
        print("\n".join((rule, self._title(id), rule)))
        figures.sort_stats("time", "cumulative").print_stats()

    def dump(self, id, path):
        os.makedirs(path, exist_ok=True)
        figures = self.stats()
        if figures:
            figures.dump_stats(os.path.join(path, self._file_name(id)))


def _portable_stats(tracer):
    """The tracer's figures in a form that pickles: no open stream, short file names."""
    figures = pstats.Stats(tracer)
    figures.stream = None
    return figures.strip_dirs()


class UDFBasicProfiler(BasicProfiler):
    """PySpark's profiler for SQL UDFs; Kindling has no SQL, it is here for ``udf_profiler_cls``."""

    def _title(self, id):
        return "Profile of UDF<id=%d>" % id

    def _file_name(self, id):
        return "udf_%d.pstats" % id


class MemoryProfiler(Profiler):
    """PySpark's line memory profiler of SQL UDFs (``spark.python.profile.memory``). Kindling has
    no SQL UDFs, so there is nothing for it to profile."""

    def profile(self, *args, **kwargs):
        raise NotImplementedError("Kindling has no SQL UDFs for the memory profiler to profile")

    def stats(self):
        return None

    def show(self, id):
        pass

    def dump(self, id, path):
        pass
