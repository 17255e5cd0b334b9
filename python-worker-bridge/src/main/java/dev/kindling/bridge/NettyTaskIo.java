package dev.kindling.bridge;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Netty I/O for one task (the alternative to {@link BlockingTaskIo}, chosen with
 * {@code kindling.python.worker.io=netty}): the worker's socket is registered with a shared event
 * loop for the task. Input is pumped on the event loop while the channel is writable (backpressure
 * by writability); output is queued for the task thread and reading stops (autoRead off) while
 * more than two buffers wait. Implements WRK-5.6.
 */
final class NettyTaskIo implements TaskIo {
  private static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(
      Math.max(1, Runtime.getRuntime().availableProcessors()), r -> {
        Thread t = new Thread(r, "kindling-bridge-netty");
        t.setDaemon(true);
        return t;
      }, NioIoHandler.newFactory());
  private static final Object END = new Object();

  private final int bufferSize;
  private final NioSocketChannel channel;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition readable = lock.newCondition();
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  private final CountDownLatch writerDone = new CountDownLatch(1);
  private long queuedBytes;
  private long maxQueued;
  private long maxPendingOut;
  private volatile Throwable writerFailure;
  private TaskInput input;
  // Buffered so that the decoder's small field reads do not each take the queue's lock.
  private final InputStream output;

  NettyTaskIo(PythonWorker worker, int bufferSize) throws IOException {
    this.bufferSize = bufferSize;
    worker.channel.configureBlocking(false);
    channel = new NioSocketChannel(worker.channel);
    channel.config().setOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
        new WriteBufferWaterMark(bufferSize, 2 * bufferSize));
    channel.config().setAutoRead(true);
    channel.pipeline().addLast(new Handler());
    output = new java.io.BufferedInputStream(new QueueStream(), bufferSize);
  }

  @Override
  public InputStream output() {
    return output;
  }

  @Override
  public void startWriting(TaskInput in) {
    this.input = in;
    GROUP.register(channel).addListener(f -> {
      if (!f.isSuccess()) {
        failWriter(f.cause());
        offer(f.cause());
        return;
      }
      pump();
    });
  }

  /** On the event loop: encode input slices while the channel is writable. */
  private void pump() {
    if (writerDone.getCount() == 0) {
      return;
    }
    try {
      boolean finished = false;
      while (channel.isWritable() && !finished) {
        ByteBuf buf = channel.alloc().buffer(bufferSize);
        try {
          finished = input.writeSome(new DataOutputStream(new ByteBufOutputStream(buf)), bufferSize);
        } catch (Throwable t) {
          buf.release();
          throw t;
        }
        channel.write(buf).addListener(f -> {
          if (!f.isSuccess()) {
            failWriter(f.cause());
          }
        });
        maxPendingOut = Math.max(maxPendingOut, channel.unsafe().outboundBuffer() == null ? 0
            : channel.unsafe().outboundBuffer().totalPendingWriteBytes());
      }
      channel.flush();
      if (finished) {
        writerDone.countDown();
      }
    } catch (Throwable t) {
      failWriter(t);
      if (!(t instanceof IOException)) {
        channel.shutdownOutput();
      }
    }
  }

  private void failWriter(Throwable t) {
    if (writerFailure == null) {
      writerFailure = t;
    }
    writerDone.countDown();
  }

  private final class Handler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      ByteBuf b = (ByteBuf) msg;
      offer(b);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      if (ctx.channel().isWritable()) {
        pump();
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      offer(END);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      offer(cause);
    }
  }

  private void offer(Object o) {
    lock.lock();
    try {
      if (o instanceof ByteBuf) {
        ByteBuf b = (ByteBuf) o;
        queuedBytes += b.readableBytes();
        maxQueued = Math.max(maxQueued, queuedBytes);
        if (queuedBytes >= 2L * bufferSize) {
          channel.config().setAutoRead(false);
        }
      }
      queue.addLast(o);
      readable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** The task thread's view of the queued output. */
  private final class QueueStream extends InputStream {
    private final byte[] one = new byte[1];

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] dst, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      lock.lock();
      try {
        while (queue.isEmpty()) {
          readable.await();
        }
        Object head = queue.peekFirst();
        if (head == END) {
          return -1;
        }
        if (head instanceof Throwable) {
          Throwable t = (Throwable) head;
          throw t instanceof IOException ? (IOException) t : new IOException(t);
        }
        ByteBuf b = (ByteBuf) head;
        int n = Math.min(len, b.readableBytes());
        b.readBytes(dst, off, n);
        if (!b.isReadable()) {
          queue.pollFirst();
          b.release();
        }
        queuedBytes -= n;
        if (queuedBytes <= bufferSize && !channel.config().isAutoRead()) {
          channel.config().setAutoRead(true);
        }
        return n;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading the worker's output");
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  public Throwable writerFailure() {
    return writerFailure;
  }

  @Override
  public boolean awaitWriter(long millis) {
    try {
      return writerDone.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public long maxBufferedBytes(long largestFrameRead) {
    return maxQueued + maxPendingOut + bufferSize + largestFrameRead;
  }

  /** Unblocks the task thread; the caller kills or closes the worker. */
  @Override
  public void abort() {
    offer(new EOFException("task aborted"));
  }

  /** Leaves the event loop so the next task can register the socket again. */
  @Override
  public void detach() {
    try {
      channel.deregister().await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    lock.lock();
    try {
      for (Object o : queue) {
        if (o instanceof ByteBuf) {
          ((ByteBuf) o).release();
        }
      }
      queue.clear();
    } finally {
      lock.unlock();
    }
  }
}
