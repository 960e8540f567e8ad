package dev.adjoint.data.datasets;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** A local HTTP server with fixed files, for download tests that need no network. */
final class LocalServer implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();

  LocalServer(Map<String, byte[]> files) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.incrementAndGet();
      byte[] body = files.get(exchange.getRequestURI().getPath());
      try (OutputStream out = exchange.getResponseBody()) {
        if (body == null) {
          exchange.sendResponseHeaders(404, -1);
        } else {
          exchange.sendResponseHeaders(200, body.length);
          out.write(body);
        }
      }
    });
    server.start();
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  int requests() {
    return requests.get();
  }

  /** A URL on a local port where nothing listens: connecting fails at once. */
  static URI closedPort(String path) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    return URI.create("http://127.0.0.1:" + port + path);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
