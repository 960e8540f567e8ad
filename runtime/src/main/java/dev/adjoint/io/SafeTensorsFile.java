package dev.adjoint.io;

import dev.adjoint.tensor.Tensor;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * The contents of a safetensors file, as {@link SafeTensors#read} returns them.
 *
 * <pre>{@code
 * SafeTensorsFile f = SafeTensors.read(Path.of("ops.safetensors"));
 * Tensor a = f.tensor("inverse.in");
 * String recipe = f.metadata().get("recipe");
 * }</pre>
 *
 * @param tensors the tensors by name, in the order the file's header lists them (unmodifiable)
 * @param metadata the header's {@code __metadata__} strings, in header order; empty when the file
 *     has none (unmodifiable)
 */
public record SafeTensorsFile(Map<String, Tensor> tensors, Map<String, String> metadata) {
  /** Copies both maps, keeping their order. */
  public SafeTensorsFile {
    tensors = Collections.unmodifiableMap(
        new LinkedHashMap<>(Objects.requireNonNull(tensors, "tensors")));
    metadata = Collections.unmodifiableMap(
        new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
  }

  /**
   * The tensor called {@code name}.
   *
   * @throws NoSuchElementException when the file has no such tensor; the message lists the names
   *     it has
   */
  public Tensor tensor(String name) {
    Tensor t = tensors.get(Objects.requireNonNull(name, "name"));
    if (t == null) {
      throw new NoSuchElementException("SafeTensorsFile.tensor: no tensor named \"" + name
          + "\"; the file has " + namesForMessage());
    }
    return t;
  }

  private String namesForMessage() {
    if (tensors.isEmpty()) {
      return "none";
    }
    int shown = 0;
    StringBuilder sb = new StringBuilder();
    for (String n : tensors.keySet()) {
      if (shown == 20) {
        return sb.append(", ... (").append(tensors.size()).append(" in all)").toString();
      }
      sb.append(shown++ == 0 ? "" : ", ").append(n);
    }
    return sb.toString();
  }
}
