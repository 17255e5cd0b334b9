package dev.kindling.gateway.ui;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live web UI and monitoring REST API over Netty's HTTP codec: read-only (GET and HEAD),
 * loopback unless {@code spark.ui.host} or {@code spark.driver.bindAddress} says otherwise, on
 * {@code spark.ui.port} (4040) or, if that is taken, the next free port up to
 * {@code spark.port.maxRetries} (16) above it, as Spark's {@code startServiceOnPort} tries them.
 *
 * <p>One event-loop thread serves every client; answers are built from copies of the status
 * store, so a slow or stalled client holds no lock a job needs, and its unread bytes wait in
 * Netty's outbound buffer (the connection goes after {@link #IDLE_SECONDS} without progress).
 */
public final class UiServer implements AutoCloseable {
  public static final String ENABLED = "spark.ui.enabled";
  public static final String PORT = "spark.ui.port";
  public static final String HOST = "spark.ui.host";
  public static final String BIND_ADDRESS = "spark.driver.bindAddress";
  public static final String MAX_RETRIES = "spark.port.maxRetries";
  public static final int DEFAULT_PORT = 4040;
  public static final int DEFAULT_MAX_RETRIES = 16;
  static final int IDLE_SECONDS = 60;
  static final int MAX_REQUEST_BYTES = 64 * 1024;

  /** How often the first-client wait looks whether the UI was closed meanwhile. */
  static final int ACCEPT_POLL_MILLIS = 500;
  static final int BACKLOG = 128;

  private final UiApp app;
  private final ServerSocketChannel server;
  private final int port;
  private final String url;
  private final Thread firstClient;
  // Set once, by the first client's thread, under this object's lock.
  private EventLoopGroup group;
  private Channel channel;
  private boolean closed;

  private UiServer(UiApp app, ServerSocketChannel server, String url) throws IOException {
    this.app = app;
    this.server = server;
    this.port = ((InetSocketAddress) server.getLocalAddress()).getPort();
    this.url = url;
    this.firstClient = new Thread(this::awaitFirstClient, "kindling-ui-accept");
    firstClient.setDaemon(true);
    firstClient.start();
  }

  /** The UI's address, {@code http://host:port}. */
  public String url() {
    return url;
  }

  public int port() {
    return port;
  }

  /** Whether Netty serves the UI yet (it starts with the first client). */
  synchronized boolean serving() {
    return channel != null;
  }

  /**
   * Starts the UI for {@code app} as its settings say, or returns null when
   * {@code spark.ui.enabled=false}. Fails naming the ports tried when none is free.
   */
  public static UiServer start(UiApp app) throws IOException {
    Map<String, String> conf = app.conf();
    if ("false".equalsIgnoreCase(conf.getOrDefault(ENABLED, "true").trim())) {
      return null;
    }
    String host = conf.getOrDefault(HOST, conf.getOrDefault(BIND_ADDRESS, "127.0.0.1")).trim();
    int port = intSetting(conf, PORT, DEFAULT_PORT, 0, 65535);
    int retries = intSetting(conf, MAX_RETRIES, DEFAULT_MAX_RETRIES, 0, 1000);
    BindException last = null;
    int tries = port == 0 ? 1 : retries + 1;
    for (int i = 0; i < tries; i++) {
      int p = port == 0 ? 0 : port + i;
      if (p > 65535) {
        break;
      }
      ServerSocketChannel ch = ServerSocketChannel.open();
      try {
        ch.bind(new InetSocketAddress(host, p), BACKLOG);
        int bound = ((InetSocketAddress) ch.getLocalAddress()).getPort();
        return new UiServer(app, ch, "http://" + urlHost(host) + ":" + bound);
      } catch (BindException e) {
        ch.close();
        last = e;
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw new IOException("cannot start the web UI on " + host + ":" + p + ": " + e.getMessage(), e);
      }
    }
    throw new IOException("cannot start the web UI: ports " + port + ".." + (port + tries - 1) + " on " + host
        + " are all in use (" + PORT + ", " + MAX_RETRIES + "=" + retries + ")"
        + (last == null ? "" : ": " + last.getMessage()), last);
  }

  /**
   * Issue 16 (cold start): the port is bound by {@link #start}, so the address is known and
   * clients queue in the backlog, but Netty, the routes and the JSON mapper are only loaded when
   * the first client arrives; a job that nobody watches never pays for them. The wait polls
   * {@link #ACCEPT_POLL_MILLIS} for {@link #close()}.
   */
  private void awaitFirstClient() {
    SocketChannel first = null;
    try {
      server.socket().setSoTimeout(ACCEPT_POLL_MILLIS);
      while (first == null) {
        synchronized (this) {
          if (closed) {
            return;
          }
        }
        try {
          first = server.socket().accept().getChannel();
        } catch (SocketTimeoutException e) {
          // Look at closed again.
        }
      }
    } catch (IOException e) {
      try {
        server.close(); // closed meanwhile, or the listener failed: then refuse, never queue
      } catch (IOException ignored) {
        // Nothing more to do.
      }
      return;
    }
    synchronized (this) {
      try {
        if (closed) {
          first.close();
          return;
        }
        serve(first);
      } catch (IOException | RuntimeException e) {
        System.err.println("kindling: the web UI did not start: " + e);
        try {
          first.close();
          server.close(); // refuse the next clients instead of leaving them in the backlog
        } catch (IOException ignored) {
          // Going anyway.
        }
      }
    }
  }

  /** Starts Netty on the bound listener and hands it the client that was accepted already. */
  private void serve(SocketChannel first) {
    AtomicInteger n = new AtomicInteger();
    group = new MultiThreadIoEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "kindling-ui-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    }, NioIoHandler.newFactory());
    UiRoutes routes = new UiRoutes(app);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channelFactory((io.netty.channel.ChannelFactory<NioServerSocketChannel>) () -> new NioServerSocketChannel(server))
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<io.netty.channel.socket.SocketChannel>() {
          @Override
          protected void initChannel(io.netty.channel.socket.SocketChannel ch) {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES), new Handler(routes));
          }
        });
    Channel ch = b.register().syncUninterruptibly().channel();
    channel = ch;
    // As the channel's own accept would: the acceptor the bootstrap installed sets the child up.
    ch.eventLoop().execute(() -> {
      ch.pipeline().fireChannelRead(new NioSocketChannel(ch, first));
      ch.pipeline().fireChannelReadComplete();
    });
  }

  private static String urlHost(String host) {
    if (host.equals("0.0.0.0") || host.equals("::")) {
      return "127.0.0.1";
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  static int intSetting(Map<String, String> conf, String key, int fallback, int min, int max) {
    String v = conf.get(key);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.trim());
      if (n < min || n > max) {
        throw new NumberFormatException();
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + " must be an integer in " + min + ".." + max + ", got '" + v + "'");
    }
  }

  @Override
  public void close() {
    Channel ch;
    EventLoopGroup g;
    synchronized (this) {
      closed = true;
      ch = channel;
      g = group;
    }
    try {
      server.close();
    } catch (IOException ignored) {
      // Closing anyway.
    }
    if (ch != null) {
      ch.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    if (g != null) {
      g.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
    try {
      firstClient.join(5_000); // closing the listener ends its accept at once
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final UiRoutes routes;

    Handler(UiRoutes routes) {
      this.routes = routes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
      Response r;
      boolean head = req.method().equals(HttpMethod.HEAD);
      if (!req.decoderResult().isSuccess()) {
        r = Response.text(400, "bad request");
      } else if (!req.method().equals(HttpMethod.GET) && !head) {
        r = Response.text(405, "the web UI is read-only: " + req.method() + " is not allowed");
      } else {
        QueryStringDecoder q = new QueryStringDecoder(req.uri());
        Map<String, List<String>> params = q.parameters();
        try {
          r = routes.get(q.path(), params);
        } catch (RuntimeException e) {
          r = Response.text(500, "error: " + e);
        }
      }
      HttpResponseStatus status = HttpResponseStatus.valueOf(r.status());
      FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
          head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
      res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
      res.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
      res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-cache, no-store, must-revalidate");
      res.headers().set("X-Content-Type-Options", "nosniff");
      res.headers().set("X-Frame-Options", "SAMEORIGIN");
      if (r.status() == 302) {
        res.headers().set(HttpHeaderNames.LOCATION, new String(r.body(), java.nio.charset.StandardCharsets.UTF_8));
      }
      if (r.status() == 405) {
        res.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      }
      boolean keepAlive = HttpUtil.isKeepAlive(req) && r.status() < 400;
      if (keepAlive) {
        res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        ctx.writeAndFlush(res);
      } else {
        ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
      }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
      if (evt instanceof IdleStateEvent) {
        ctx.close();
      } else {
        super.userEventTriggered(ctx, evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
