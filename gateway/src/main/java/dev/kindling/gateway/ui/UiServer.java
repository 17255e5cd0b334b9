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
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
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

  private final EventLoopGroup group;
  private final Channel channel;
  private final String url;

  private UiServer(EventLoopGroup group, Channel channel, String url) {
    this.group = group;
    this.channel = channel;
    this.url = url;
  }

  /** The UI's address, {@code http://host:port}. */
  public String url() {
    return url;
  }

  public int port() {
    return ((InetSocketAddress) channel.localAddress()).getPort();
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
    AtomicInteger n = new AtomicInteger();
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, r -> {
      Thread t = new Thread(r, "kindling-ui-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    }, NioIoHandler.newFactory());
    UiRoutes routes = new UiRoutes(app);
    ServerBootstrap b = new ServerBootstrap()
        .group(group)
        .channel(NioServerSocketChannel.class)
        .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(256 * 1024, 1024 * 1024))
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            ch.pipeline().addLast(new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS),
                new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES), new Handler(routes));
          }
        });
    BindException last = null;
    int tries = port == 0 ? 1 : retries + 1;
    for (int i = 0; i < tries; i++) {
      int p = port == 0 ? 0 : port + i;
      if (p > 65535) {
        break;
      }
      try {
        Channel ch = b.bind(host, p).sync().channel();
        int bound = ((InetSocketAddress) ch.localAddress()).getPort();
        return new UiServer(group, ch, "http://" + urlHost(host) + ":" + bound);
      } catch (Exception e) {
        if (!(e instanceof BindException be)) {
          group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
          throw new IOException("cannot start the web UI on " + host + ":" + p + ": " + e.getMessage(), e);
        }
        last = be;
      } 
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    throw new IOException("cannot start the web UI: ports " + port + ".." + (port + tries - 1) + " on " + host
        + " are all in use (" + PORT + ", " + MAX_RETRIES + "=" + retries + ")"
        + (last == null ? "" : ": " + last.getMessage()), last);
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
    channel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
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
