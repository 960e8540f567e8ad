package dev.adjoint.data.datasets;

import dev.adjoint.io.AtomicFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;

/** The user cache folder and checksummed downloads into it, shared by the loaders. */
final class Downloads {
  /** How long to wait for a connection. */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  /** How long to wait for the response to start. */
  static final Duration RESPONSE_TIMEOUT = Duration.ofMinutes(2);

  /**
   * Announces downloads at {@code INFO}: through {@link System.Logger}, so the application's
   * logging (java.util.logging, or SLF4J through its {@code System.LoggerFinder}) decides where
   * the line goes; the library never writes to the console on its own.
   */
  private static final System.Logger LOG = System.getLogger(Downloads.class.getName());

  private Downloads() {}

  /**
   * The user cache folder: {@code $XDG_CACHE_HOME/adjoint} when that variable is set, else
   * {@code ~/.cache/adjoint} (where PyTorch keeps {@code ~/.cache/torch}).
   */
  static Path cacheRoot() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "adjoint");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "adjoint");
  }

  /**
   * Downloads {@code uri} to {@code target}, checking that the bytes have the digest
   * {@code expectedHex} under {@code algorithm} ({@code SHA-256}, {@code MD5}); the file appears
   * at {@code target} only when complete and verified (temporary file, then atomic rename).
   *
   * @throws DatasetException when the checksum differs
   * @throws IOException when the server cannot be reached or answers other than 200
   */
  static void download(URI uri, Path target, String algorithm, String expectedHex)
      throws IOException {
    try {
      LOG.log(System.Logger.Level.INFO, "Downloading {0} to {1}", uri, target);
      HttpClient client = HttpClient.newBuilder()
          .connectTimeout(CONNECT_TIMEOUT)
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();
      HttpRequest request = HttpRequest.newBuilder(uri).timeout(RESPONSE_TIMEOUT).GET().build();
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      MessageDigest digest = digest(algorithm);
      // Atomic, beside the target under a short name, with the umask's permissions; a failed
      // check inside the writer leaves nothing behind.
      AtomicFiles.write(target, ch -> {
        try (InputStream in = new DigestInputStream(response.body(), digest)) {
          if (response.statusCode() != 200) {
            throw new FileNotFoundException(uri + ": the server answered HTTP "
                + response.statusCode() + " instead of the file");
          }
          in.transferTo(Channels.newOutputStream(ch));
        }
        String actual = HexFormat.of().formatHex(digest.digest());
        if (!actual.equalsIgnoreCase(expectedHex)) {
          throw new DatasetException(uri + ": the downloaded file has " + algorithm + " "
              + actual + " but " + expectedHex + " was expected; the download is corrupt or the"
              + " file has changed upstream, so it was not kept");
        }
      });
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while downloading " + uri);
    }
  }

  /** The hex digest of a whole file under {@code algorithm}. */
  static String digestOf(Path file, String algorithm) throws IOException {
    MessageDigest digest = digest(algorithm);
    try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  private static MessageDigest digest(String algorithm) {
    try {
      return MessageDigest.getInstance(algorithm);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(algorithm + " is not available in this JDK", e);
    }
  }
}
