package dev.adjoint.data.datasets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.adjoint.testing.Allocation;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV files that are too long, wrongly encoded or full of junk: refused with the file, the line
 * and the problem, in bounded memory and with messages of bounded length.
 */
class CsvHostileTest {
  private static final String HEADER = "longitude,latitude,housing_median_age,total_rooms,"
      + "total_bedrooms,population,households,median_income,median_house_value,ocean_proximity";
  private static final String GOOD = "-122,37,10,100,10,50,10,3,100000,INLAND";

  @TempDir Path tmp;

  private Path write(String text, Charset charset) throws IOException {
    return Files.write(tmp.resolve("housing.csv"), text.getBytes(charset));
  }

  private String error(Path file) {
    return assertThrows(DatasetException.class, () -> CaliforniaHousing.read(file)).getMessage();
  }

  @Test
  void aLineWithoutEndIsRefusedAfterTheBoundNotReadWhole() throws IOException {
    // 3 MiB with no line break after the header: reading it whole is what a 1 GiB line does.
    Path file = tmp.resolve("housing.csv");
    Files.writeString(file, HEADER + "\n" + "1".repeat(3 << 20));
    long allocated = Allocation.bytesDuring(() -> {
      assertEquals(file + ":2: the line is longer than 1048576 bytes, more than any line of this"
          + " file can be (is this the right file?)", error(file));
    });
    assertTrue(allocated < 8 << 20, "allocated " + allocated + " bytes");
  }

  @Test
  void junkIsQuotedInMessagesCutToAReadableLength() throws IOException {
    String junk = "x".repeat(500_000);
    Path file = write(HEADER + "\n" + GOOD.replace(",10,100,", "," + junk + ",100,") + "\n",
        StandardCharsets.UTF_8);
    String m = error(file);
    assertEquals(file + ":2: housing_median_age is \"" + "x".repeat(80)
        + "... (500000 characters)\", not a number", m);

    file = write(HEADER + "\n" + GOOD + "," + junk + "\n", StandardCharsets.UTF_8);
    m = error(file);
    assertTrue(m.startsWith(file + ":2: 11 fields where the header has 10: -122,37,"), m);
    assertTrue(m.endsWith("... (500040 characters)"), m);
    assertTrue(m.length() < 300, m.length() + " characters");

    file = write("a," + junk + "\n" + GOOD + "\n", StandardCharsets.UTF_8);
    m = error(file);
    assertTrue(m.endsWith("(got: a," + "x".repeat(78) + "... (500002 characters))"), m);

    file = write(HEADER + "\n" + GOOD.replace(",10,100,", ",1" + "0".repeat(400) + ",100,")
        + "\n", StandardCharsets.UTF_8);
    m = error(file);
    assertTrue(m.startsWith(file + ":2: housing_median_age is 1000"), m);
    assertTrue(m.contains("... (401 characters); expected a finite number"), m);
  }

  @Test
  void latin1IsRefusedNamingTheLineAndTheByte() throws IOException {
    Path file = write(HEADER + "\n" + GOOD + "\n" + GOOD.replace("INLAND", "PRÈS DE LA MER")
        + "\n", StandardCharsets.ISO_8859_1);
    // Bytes counted from 1: "-122,37,10,100,10,50,10,3,100000,PR" is 35 bytes.
    assertEquals(file + ":3: byte 36 of the line (0xC8) is not valid UTF-8; expected a UTF-8"
        + " file: was it saved as Latin-1 or Windows-1252? Save it as UTF-8 (e.g. iconv -f"
        + " LATIN1 -t UTF-8)", error(file));
  }

  @Test
  void utf16IsRefusedSayingSo() throws IOException {
    String text = HEADER + "\n" + GOOD + "\n";
    for (Charset cs : new Charset[] {StandardCharsets.UTF_16, StandardCharsets.UTF_16LE,
        StandardCharsets.UTF_16BE}) {
      Path file = write(text, cs);
      String m = error(file);
      assertTrue(m.startsWith(file + ":1: the file looks like UTF-16 text ("), cs + ": " + m);
      assertTrue(m.endsWith("expected UTF-8: save it as UTF-8 (e.g. iconv -f UTF-16 -t UTF-8)"),
          m);
    }
  }

  @Test
  void aUtf8ByteOrderMarkAndWindowsLineEndsAreRead() throws IOException {
    Path file = write("\uFEFF" + HEADER + "\r\n" + GOOD + "\r\n" + GOOD + "\r\n",
        StandardCharsets.UTF_8);
    assertEquals(2, CaliforniaHousing.read(file).size());
  }

  @Test
  void aDirectoryIsNamed() throws IOException {
    Path dir = Files.createDirectory(tmp.resolve("data.csv"));
    IOException e = assertThrows(IOException.class, () -> CaliforniaHousing.read(dir));
    assertEquals(dir + ": is a directory, not a text file", e.getMessage());
  }
}
