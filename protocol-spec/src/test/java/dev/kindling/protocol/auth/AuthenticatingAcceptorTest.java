package dev.kindling.protocol.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindling.protocol.TimeFactor;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AuthenticatingAcceptorTest {
  private static final String SECRET = "5e".repeat(32);
  private final List<AutoCloseable> open = new ArrayList<>();
  private ServerSocketChannel server;

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  private int listen() throws IOException {
    server = ServerSocketChannel.open();
    open.add(server);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
    return ((InetSocketAddress) server.getLocalAddress()).getPort();
  }

  private Socket connect(int port) throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
    s.setSoTimeout((int) TimeFactor.millis(10_000));
    open.add(s);
    return s;
  }

  private static void sendSecret(Socket s, String secret) throws IOException {
    byte[] b = secret.getBytes(StandardCharsets.UTF_8);
    DataOutputStream out = new DataOutputStream(s.getOutputStream());
    out.writeInt(b.length);
    out.write(b);
    out.flush();
  }

  private static String reply(Socket s) throws IOException {
    DataInputStream in = new DataInputStream(s.getInputStream());
    int n = in.readInt();
    return new String(in.readNBytes(n), StandardCharsets.UTF_8);
  }

  private CompletableFuture<SocketChannel> acceptAsync(AuthenticatingAcceptor a, long timeoutMs) {
    return CompletableFuture.supplyAsync(() -> {
      try {
        SocketChannel ch = a.accept(timeoutMs, () -> false);
        open.add(ch);
        return ch;
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @Test
  void WRK_2_9_silentAndWrongClientsDoNotTakeTheRealClientsPlace() throws Exception {
    int port = listen();
    AuthenticatingAcceptor acceptor = new AuthenticatingAcceptor(server, SECRET, 10_000);
    CompletableFuture<SocketChannel> won = acceptAsync(acceptor, 20_000);
    Socket silent = connect(port); // connects first and never sends a byte
    Socket wrong = connect(port);
    sendSecret(wrong, "0".repeat(64));
    assertThat(reply(wrong)).isEqualTo("err");
    assertThat(wrong.getInputStream().read()).isEqualTo(-1);
    Socket garbage = connect(port);
    garbage.getOutputStream().write(new byte[] {(byte) 0xff, (byte) 0xff, 0, 1});
    assertThat(reply(garbage)).isEqualTo("err"); // WRK-2.3: negative length
    Socket real = connect(port);
    sendSecret(real, SECRET);
    assertThat(reply(real)).isEqualTo("ok");
    SocketChannel ch = won.get(TimeFactor.seconds(10), TimeUnit.SECONDS);
    // the accepted channel is the real client's: bytes flow both ways, in blocking mode
    assertThat(ch.isBlocking()).isTrue();
    ch.socket().getOutputStream().write(42);
    assertThat(real.getInputStream().read()).isEqualTo(42);
    // the silent racer was closed once the real client won
    assertThat(silent.getInputStream().read()).isEqualTo(-1);
    assertThat(acceptor.rejected()).as("the wrong secret and the negative length").isEqualTo(2);
  }

  @Test
  void WRK_2_9_secretArrivingInPiecesIsAssembled() throws Exception {
    int port = listen();
    CompletableFuture<SocketChannel> won = acceptAsync(new AuthenticatingAcceptor(server, SECRET, 10_000), 20_000);
    Socket real = connect(port);
    real.setTcpNoDelay(true);
    byte[] b = SECRET.getBytes(StandardCharsets.UTF_8);
    byte[] all = java.nio.ByteBuffer.allocate(4 + b.length).putInt(b.length).put(b).array();
    for (byte x : all) {
      real.getOutputStream().write(x);
      real.getOutputStream().flush();
    }
    assertThat(reply(real)).isEqualTo("ok");
    assertThat(won.get(TimeFactor.seconds(10), TimeUnit.SECONDS).isOpen()).isTrue();
  }

  @Test
  void WRK_2_9_deadlineWithoutARightSecretTimesOutNamingTheRejections() throws Exception {
    int port = listen();
    AuthenticatingAcceptor acceptor = new AuthenticatingAcceptor(server, SECRET, 10_000);
    CompletableFuture<SocketChannel> won = acceptAsync(acceptor, 700);
    Socket wrong = connect(port);
    sendSecret(wrong, SECRET.substring(1) + "x");
    assertThat(reply(wrong)).isEqualTo("err");
    assertThatThrownBy(() -> won.get(TimeFactor.seconds(10), TimeUnit.SECONDS))
        .hasRootCauseInstanceOf(dev.kindling.protocol.ProtocolException.class)
        .hasMessageContaining("no client authenticated within 700 ms")
        .hasMessageContaining("1 connection(s) rejected")
        .hasMessageContaining("WRK-2.2");
  }

  @Test
  void WRK_2_10_moreThanTheLimitOfSilentClientsEvictsTheOldest() throws Exception {
    int port = listen();
    AuthenticatingAcceptor acceptor = new AuthenticatingAcceptor(server, SECRET, 60_000, 3);
    CompletableFuture<SocketChannel> won = acceptAsync(acceptor, 20_000);
    List<Socket> silent = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      silent.add(connect(port));
    }
    // six silent clients against a limit of three: the first three are closed, oldest first
    for (int i = 0; i < 3; i++) {
      assertThat(silent.get(i).getInputStream().read()).as("silent client %d", i).isEqualTo(-1);
    }
    Socket real = connect(port);
    sendSecret(real, SECRET);
    assertThat(reply(real)).isEqualTo("ok");
    won.get(TimeFactor.seconds(10), TimeUnit.SECONDS);
    assertThat(acceptor.rejected()).isGreaterThanOrEqualTo(4);
    for (int i = 3; i < 6; i++) {
      assertThat(silent.get(i).getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void WRK_2_6_silentClientIsClosedAfterThePreAuthTimeout() throws Exception {
    int port = listen();
    AuthenticatingAcceptor acceptor = new AuthenticatingAcceptor(server, SECRET, 200);
    CompletableFuture<SocketChannel> won = acceptAsync(acceptor, 20_000);
    Socket silent = connect(port);
    assertThat(silent.getInputStream().read()).isEqualTo(-1);
    assertThat(acceptor.rejected()).isEqualTo(1);
    Socket real = connect(port);
    sendSecret(real, SECRET);
    assertThat(reply(real)).isEqualTo("ok");
    won.get(TimeFactor.seconds(10), TimeUnit.SECONDS);
  }

  @Test
  void givingUpAndClosingTheListenerEndTheWait() throws Exception {
    listen();
    assertThatThrownBy(() -> new AuthenticatingAcceptor(server, SECRET, 1000).accept(20_000, () -> true))
        .isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
    CompletableFuture<SocketChannel> won = acceptAsync(new AuthenticatingAcceptor(server, SECRET, 1000), 20_000);
    server.close();
    assertThatThrownBy(() -> won.get(TimeFactor.seconds(10), TimeUnit.SECONDS)).hasMessageContaining("listener was closed");
  }
}
