package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * The registry-relevant fields of a {@code @Layer} class, in declaration order.
 *
 * @param type the layer class
 * @param fields its own parameters, buffers and sub-layers
 * @param superLayer the nearest superclass that is itself a {@code @Layer} (its registry is
 *     visited first), or null
 * @param inherited the registered fields of {@code @Layer} superclasses, readable in
 *     {@code @Forward} code like own fields
 */
public record LayerInfo(TypeElement type, List<Field> fields, TypeElement superLayer,
    List<Field> inherited) {
  /** What a field is to the registry. */
  public enum Kind { PARAM, BUFFER, BUFFER_TRANSIENT, CHILD, CHILD_LIST }

  /**
   * One registered field.
   *
   * @param name the field name (the registry key segment)
   * @param kind what it holds
   */
  public record Field(String name, Kind kind) {}

  /** The kind of field {@code name}, or null when it is not registered. */
  public Kind kindOf(String name) {
    for (Field f : fields) {
      if (f.name().equals(name)) {
        return f.kind();
      }
    }
    for (Field f : inherited) {
      if (f.name().equals(name)) {
        return f.kind();
      }
    }
    return null;
  }
}
