package dev.kindling.gateway.ui;

import java.nio.charset.StandardCharsets;

/** An HTTP answer built off the network thread: status, media type and the bytes to send. */
record Response(int status, String contentType, byte[] body) {
  static final String JSON = "application/json";
  static final String TEXT = "text/plain";
  static final String HTML = "text/html;charset=utf-8";

  static Response text(int status, String message) {
    return new Response(status, TEXT, message.getBytes(StandardCharsets.UTF_8));
  }

  static Response html(String page) {
    return new Response(200, HTML, page.getBytes(StandardCharsets.UTF_8));
  }
}
