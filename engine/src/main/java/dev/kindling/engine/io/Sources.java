package dev.kindling.engine.io;

import dev.kindling.engine.Engine;
import dev.kindling.engine.EngineException;
import dev.kindling.engine.dataset.Dataset;
import dev.kindling.engine.serve.OneShotServer;
import dev.kindling.engine.serve.ServeHandle;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Builds the datasets whose data comes from outside the lineage: driver frames and text files. */
public final class Sources {
  private final Engine engine;

  public Sources(Engine engine) {
    this.engine = engine;
  }

  public Dataset parallelizeFromFile(Path file, int numSlices) throws IOException {
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      List<byte[]> frames = WireFormat.readFrames(in, engine.conf().maxFrameBytes(), "parallelize file " + file);
      return engine.parallelize(frames, numSlices);
    } catch (NoSuchFileException e) {
      throw new EngineException("parallelize file " + file + " does not exist", e);
    }
  }

  public ServeHandle<Dataset> serveParallelize(int numSlices) throws IOException {
    if (numSlices < 1) {
      throw new IllegalArgumentException("Positive number of partitions required, got " + numSlices);
    }
    long max = engine.conf().maxFrameBytes();
    return OneShotServer.start("parallelize", engine.conf(), engine.openSockets(), (in, out, socket) -> {
      // The client may pause between frames, but not forever.
      socket.setSoTimeout((int) engine.conf().acceptTimeout().toMillis());
      List<byte[]> frames = WireFormat.readFrames(in, max, "parallelize socket");
      return engine.parallelize(frames, numSlices);
    });
  }

  public Dataset wholeTextFiles(String path, int minPartitions) {
    try {
      return new WholeTextFilesDataset(engine, TextInput.listFiles(path), minPartitions);
    } catch (IOException e) {
      throw new EngineException("wholeTextFiles " + path + ": " + e.getMessage(), e);
    }
  }

  public Dataset frameFile(String path) {
    try {
      return new FrameFileDataset(engine, TextInput.listFiles(path));
    } catch (IOException e) {
      throw new EngineException("frameFile " + path + ": " + e.getMessage(), e);
    }
  }

  public Dataset textFile(String path, int minPartitions) {
    if (minPartitions < 0) {
      throw new IllegalArgumentException("minPartitions must not be negative, got " + minPartitions);
    }
    return new TextFileDataset(engine, path, minPartitions);
  }
}
