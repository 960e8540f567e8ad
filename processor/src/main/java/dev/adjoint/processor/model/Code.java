package dev.adjoint.processor.model;

import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A piece of the user's code that the generated forward runs as written (a condition, a loop
 * header, a statement on non-tensor values, a value passed to an op): its text, with the two
 * things the generated class must spell differently kept apart, the receiver ({@code this}, and
 * the implicit one of a member read by its simple name) and the types it names (the generated
 * class has none of the user's imports).
 *
 * @param parts the pieces, in order
 */
public record Code(List<Part> parts) {
  /** One piece of the code. */
  public sealed interface Part {}

  /** Source text copied as it is. */
  public record Text(String text) implements Part {}

  /** The layer the method runs on: {@code this} in the user's code. */
  public record Receiver() implements Part {}

  /** A type named in the code (or the owner of a static member read by its simple name). */
  public record Type(TypeElement type) implements Part {}

  public Code {
    parts = List.copyOf(parts);
  }
}
