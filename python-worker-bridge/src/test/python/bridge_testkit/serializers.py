"""Raw-frame serializers: like PySpark's NoOpSerializer / framed byte passthrough."""
from kindling_peers.wire import read_exact, read_int, write_int


class RawFrames:
    """load_stream yields each input frame's bytes (None for NULL) until END_OF_DATA_SECTION;
    dump_stream writes each item (bytes) as a blob."""

    def load_stream(self, infile):
        while True:
            n = read_int(infile)
            if n == -1:
                return
            if n == -5:
                yield None
                continue
            if n < 0:
                raise ValueError("unexpected special length %d" % n)
            yield read_exact(infile, n)

    def dump_stream(self, iterator, outfile):
        for item in iterator:
            if item is None:
                item = b""
            write_int(len(item), outfile)
            outfile.write(item)
