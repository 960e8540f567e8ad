package dev.adjoint.data.datasets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The search order and checksummed downloads of the IDX loaders, against a local server. */
class DownloadTest {
  private static final byte[] IMAGES = IdxFiles.gzip(IdxFiles.images(2, 28, 28));
  private static final byte[] LABELS = IdxFiles.gzip(IdxFiles.labels(4, 7));

  @TempDir Path tmp;

  static String md5(byte[] data) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
  }

  private static MnistFiles.Spec spec(List<Path> systemDirs, List<URI> mirrors, String imagesMd5)
      throws NoSuchAlgorithmException {
    return new MnistFiles.Spec("TestMNIST", systemDirs, "test-mnist", mirrors,
        Map.of("train-images-idx3-ubyte.gz", imagesMd5, "train-labels-idx1-ubyte.gz",
            md5(LABELS)), Mnist.CLASSES, "Mnist");
  }

  private static Map<String, byte[]> files() {
    return Map.of("/m/train-images-idx3-ubyte.gz", IMAGES, "/m/train-labels-idx1-ubyte.gz",
        LABELS);
  }

  private List<Path> leftovers(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".part")).toList();
    }
  }

  @Test
  void downloadsIntoTheCacheOnceAndVerifies() throws Exception {
    Path cache = tmp.resolve("cache");
    try (LocalServer server = new LocalServer(files())) {
      var spec = spec(List.of(tmp.resolve("no-system-dir")), List.of(server.uri("/m/")),
          md5(IMAGES));
      MnistDataset ds = MnistFiles.load(spec, null, true, cache);
      assertArrayEquals(new long[] {4, 7}, ds.labels().toLongArray());
      assertArrayEquals(IMAGES, Files.readAllBytes(cache.resolve("train-images-idx3-ubyte.gz")));
      assertEquals(2, server.requests());
      MnistFiles.load(spec, null, true, cache);
      assertEquals(2, server.requests(), "the second load reads the cache");
    }
    assertEquals(List.of(), leftovers(cache));
  }

  /**
   * A download announces itself through System.Logger (here java.util.logging, the JDK's default
   * backend), not on System.err: the application decides whether and where the line appears.
   */
  @Test
  void downloadLogsInsteadOfPrinting() throws Exception {
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(Downloads.class.getName());
    List<java.util.logging.LogRecord> records = new java.util.ArrayList<>();
    java.util.logging.Handler handler = new java.util.logging.Handler() {
      @Override
      public void publish(java.util.logging.LogRecord r) {
        records.add(r);
      }

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
    boolean parents = jul.getUseParentHandlers();
    jul.setUseParentHandlers(false);
    jul.addHandler(handler);
    java.io.PrintStream err = System.err;
    java.io.PrintStream out = System.out;
    java.io.ByteArrayOutputStream console = new java.io.ByteArrayOutputStream();
    try (LocalServer server = new LocalServer(files())) {
      java.io.PrintStream capture = new java.io.PrintStream(console, true);
      System.setErr(capture);
      System.setOut(capture);
      Downloads.download(server.uri("/m/train-images-idx3-ubyte.gz"), tmp.resolve("f.gz"),
          "MD5", md5(IMAGES));
    } finally {
      System.setErr(err);
      System.setOut(out);
      jul.removeHandler(handler);
      jul.setUseParentHandlers(parents);
    }
    assertEquals("", console.toString(), "the download wrote to the console");
    assertEquals(1, records.size());
    assertEquals(java.util.logging.Level.INFO, records.get(0).getLevel());
    assertTrue(new java.util.logging.SimpleFormatter().formatMessage(records.get(0))
        .startsWith("Downloading http"), records.get(0).getMessage());
  }

  @Test
  void systemFolderComesFirst() throws Exception {
    Path system = tmp.resolve("system");
    IdxFiles.write(system, "train-images-idx3-ubyte.gz", IMAGES);
    IdxFiles.write(system, "train-labels-idx1-ubyte.gz", LABELS);
    try (LocalServer server = new LocalServer(files())) {
      var spec = spec(List.of(system), List.of(server.uri("/m/")), md5(IMAGES));
      MnistFiles.load(spec, null, true, tmp.resolve("cache"));
      assertEquals(0, server.requests());
      assertFalse(Files.exists(tmp.resolve("cache")));
    }
  }

  @Test
  void theNextMirrorIsTriedWhenOneFails() throws Exception {
    try (LocalServer server = new LocalServer(files())) {
      var spec = spec(List.of(), List.of(LocalServer.closedPort("/m/"), server.uri("/m/")),
          md5(IMAGES));
      assertEquals(2, MnistFiles.load(spec, null, true, tmp.resolve("cache")).size());
    }
  }

  @Test
  void aChecksumMismatchKeepsNothingAndSaysWhatToDo() throws Exception {
    Path cache = tmp.resolve("cache");
    try (LocalServer server = new LocalServer(files())) {
      String wrong = "0123456789abcdef0123456789abcdef";
      var spec = spec(List.of(), List.of(server.uri("/m/")), wrong);
      String m = assertThrows(FileNotFoundException.class,
          () -> MnistFiles.load(spec, null, true, cache)).getMessage();
      assertTrue(m.contains("the downloaded file has MD5 " + md5(IMAGES) + " but " + wrong
          + " was expected"), m);
      assertTrue(m.contains("so it was not kept"), m);
      assertTrue(m.contains("Put the four IDX files"), m);
      assertTrue(m.contains(cache.toString()), m);
    }
    assertFalse(Files.exists(cache.resolve("train-images-idx3-ubyte.gz")));
    assertEquals(List.of(), leftovers(cache));
  }

  @Test
  void offlineSaysWhereToPutTheFiles() throws Exception {
    Path system = tmp.resolve("system");
    var spec = spec(List.of(system), List.of(LocalServer.closedPort("/m/")), md5(IMAGES));
    String m = assertThrows(FileNotFoundException.class,
        () -> MnistFiles.load(spec, null, true, tmp.resolve("cache"))).getMessage();
    assertTrue(m.startsWith("TestMNIST: train-images-idx3-ubyte (raw or .gz) is not in " + system
        + ", " + tmp.resolve("cache") + ", and downloading it failed"), m);
    assertTrue(m.contains("or in a folder you pass to Mnist.load(folder, train)"), m);
  }

  @Test
  void notFoundOnTheServer() throws Exception {
    try (LocalServer server = new LocalServer(Map.of())) {
      var spec = spec(List.of(), List.of(server.uri("/m/")), md5(IMAGES));
      String m = assertThrows(FileNotFoundException.class,
          () -> MnistFiles.load(spec, null, true, tmp.resolve("cache"))).getMessage();
      assertTrue(m.contains("the server answered HTTP 404 instead of the file"), m);
    }
  }
}
